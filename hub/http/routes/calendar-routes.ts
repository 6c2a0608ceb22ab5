// The calendar of anniversaries and holidays: the district keeps it, every user reads it, and the
// upcoming ones come with their civil dates in Vietnam by the hub's clock.
import { route, HttpError } from '../route.ts';
import { getAreaByPath, withinScope } from '../../areas/areas.ts';
import {
  addAnniversary,
  anniversariesBetween,
  deleteAnniversary,
  jdnOfIso,
  lunarDatesOf,
  getAnniversary,
  listAnniversaries,
  upcomingAnniversaries,
  type Anniversary as AnniversaryRecord,
} from '../../calendar/anniversaries.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import type { User } from '../../auth/users.ts';
import { msg, textOf } from '../../text/index.ts';
import { lunarRecurrenceProblem } from '../../schedule/lunar-recurrence.ts';
import {
  Anniversary,
  AnniversaryList,
  BetweenQuery,
  LunarDates,
  LunarDatesQuery,
  NewAnniversaryBody,
  UpcomingAnniversaryList,
  UpcomingQuery,
} from '../../api-contract/calendar.ts';
import { Ok } from '../../api-contract/users.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

/** National days, and those of the areas above, at and below the user's. */
const readable = (user: User) => (a: AnniversaryRecord) =>
  a.areaPath === null || withinScope(user.scope, a.areaPath) || withinScope(a.areaPath, user.scope ?? '');

/** A national day is an administrator's (scope null); a district's own, its own. */
function mayChange(user: User, areaPath: string | null) {
  if (areaPath === null) {
    if (user.scope !== null) throw new HttpError(403, msg('calendar.national'));
  } else if (!withinScope(user.scope, areaPath))
    throw new HttpError(403, msg('area.outside-scope', { path: areaPath, scope: user.scope }));
}

export function calendarRoutes(ctx: HubContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/anniversaries',
      summary: 'The calendar of anniversaries and holidays: national days and those of your areas',
      tag: 'schedule',
      access: 'user',
      response: AnniversaryList,
      handler: ({ user }) => listAnniversaries(ctx.db).filter(readable(user!)),
    }),
    route({
      method: 'get',
      path: '/api/v1/anniversaries/upcoming',
      summary: 'Anniversaries from today to `days` days on, with their dates in Vietnam (dd/mm/yyyy), soonest first',
      tag: 'schedule',
      access: 'user',
      query: UpcomingQuery,
      response: UpcomingAnniversaryList,
      handler({ user, query }) {
        const days = query.days === undefined ? 60 : Number(query.days);
        if (!Number.isInteger(days) || days < 1 || days > 400)
          throw new HttpError(400, msg('calendar.bad-window', { days: String(query.days) }));
        try {
          return upcomingAnniversaries(listAnniversaries(ctx.db).filter(readable(user!)), ctx.clock.now(), days);
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/anniversaries/between',
      summary:
        'Anniversaries falling from one day to another (yyyy-mm-dd, Vietnam, inclusive): the calendar grid marks them',
      tag: 'schedule',
      access: 'user',
      query: BetweenQuery,
      response: UpcomingAnniversaryList,
      handler({ user, query }) {
        const from = jdnOfIso(query.from);
        const to = jdnOfIso(query.to);
        if (from === null || to === null || to < from || to - from > 400)
          throw new HttpError(400, msg('calendar.bad-range', { from: query.from, to: query.to }));
        try {
          return anniversariesBetween(listAnniversaries(ctx.db).filter(readable(user!)), from, to, ctx.clock.now());
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/anniversaries/lunar-dates',
      summary:
        'The civil dates (Vietnam) a yearly bulletin on a lunar date falls on, one per lunar year, as a broadcast `lunar` would air',
      tag: 'schedule',
      access: 'user',
      query: LunarDatesQuery,
      response: LunarDates,
      handler({ query }) {
        const r = {
          month: Number(query.month),
          day: Number(query.day),
          time: '00:00',
          fromYear: Number(query.fromYear),
          untilYear: Number(query.untilYear),
        };
        const problem = lunarRecurrenceProblem(r);
        if (problem) throw new HttpError(400, problem);
        return { dates: lunarDatesOf(r.month, r.day, r.fromYear, r.untilYear) };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/anniversaries',
      summary: 'Add an anniversary on a solar or a lunar date (day/month), national or of an area',
      tag: 'schedule',
      access: ROLE_RULES.calendar,
      body: NewAnniversaryBody,
      response: Anniversary,
      handler({ user, body, res }) {
        mayChange(user!, body.areaPath);
        if (body.areaPath !== null && !getAreaByPath(ctx.db, body.areaPath))
          throw new HttpError(404, msg('area.not-found', { path: body.areaPath }));
        try {
          const a = addAnniversary(ctx.db, body, user!.id, ctx.clock.now());
          audit(ctx.db, user!.id, 'anniversary.add', a.areaPath ?? '', {
            name: a.name,
            date: `${a.day}/${a.month}`,
            calendar: a.calendar,
          });
          res.status(201);
          return a;
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/anniversaries/:id',
      summary: 'Remove an anniversary',
      tag: 'schedule',
      access: ROLE_RULES.calendar,
      response: Ok,
      handler({ user, req }) {
        const a = getAnniversary(ctx.db, Number(req.params.id));
        if (!a) throw new HttpError(404, msg('calendar.not-found', { id: String(req.params.id) }));
        mayChange(user!, a.areaPath);
        deleteAnniversary(ctx.db, a.id);
        audit(ctx.db, user!.id, 'anniversary.remove', a.areaPath ?? '', { name: a.name });
        return { ok: true };
      },
    }),
  ];
}
