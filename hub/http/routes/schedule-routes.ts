// The schedule: a draft's conflicts and quiet hours before saving, the week calendar, and the
// clash decisions a ward official takes against a higher level's bulletin.
import { z } from 'zod';
import { route, HttpError } from '../route.ts';
import { BroadcastInput, getBroadcast, listBroadcasts, type Broadcast } from '../../broadcasts/broadcasts.ts';
import { occurrencesBetween } from '../../broadcasts/recurrence.ts';
import { withinScope } from '../../areas/areas.ts';
import { getDevice } from '../../devices/devices.ts';
import { planOccurrences } from '../../broadcasts/plan.ts';
import { devicesLeftOff } from '../../broadcasts/exclusions.ts';
import { draftBroadcast, DraftError } from '../../schedule/draft.ts';
import { findConflicts } from '../../schedule/conflicts.ts';
import { quietHoursClashes } from '../../schedule/quiet-hours.ts';
import { formatVn, parseVnDateTime } from '../../time.ts';
import { clashesToDecide, decideClash, DecisionError, standingDecision } from '../../schedule/decisions.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf } from '../../text/index.ts';
import { ClashesToDecide, DecisionBody, DecisionResult, DraftCheck, Schedule } from '../../api-contract/schedule.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';
import { DAY_MS as DAY } from '../../../protocol/index.ts';

/** One occurrence on the schedule page (GET /api/v1/schedule). */
export interface DayOccurrence {
  broadcastId: string;
  title: string;
  priority: Broadcast['priority'];
  status: Broadcast['status'];
  start: string;
  end: string;
  durationMs: number;
  recurring: boolean;
  hasAudio: boolean;
  hasLed: boolean;
  /** a relay (tiếp âm): its upstream and end time */
  relay: { url: string; endsAt: string | null } | null;
  targets: Broadcast['targets'];
  leftOffDevices: string[];
}

export function scheduleRoutes(ctx: HubContext) {
  const pathsOf = (b: Broadcast) =>
    [...b.targets.areas, ...b.targets.devices.map((d) => getDevice(ctx.db, d)?.areaPath ?? '')].filter(Boolean);
  const related = (b: Broadcast, area: string) => pathsOf(b).some((p) => withinScope(area, p) || withinScope(p, area));

  return [
    route({
      method: 'post',
      path: '/api/v1/broadcasts/check',
      summary:
        'Check a draft broadcast before saving: overlapping approved/submitted occurrences on the same devices (classified by the priority rule) and quiet-hours clashes',
      tag: 'broadcasts',
      access: ROLE_RULES.create,
      response: DraftCheck,
      body: BroadcastInput,
      query: z.object({
        exclude: z
          .string()
          .max(64)
          .optional()
          .describe(
            'id of a stored broadcast this draft is (so it does not clash with itself), e.g. when a leader reviews it',
          ),
      }),
      handler({ user, body, query }) {
        const lead = body.priority === 'emergency' ? ctx.config.emergencyLeadMs : ctx.config.startLeadMs;
        let draft: Broadcast;
        try {
          draft = {
            ...draftBroadcast(ctx.db, body, user!.id, ctx.clock.now(), lead),
            ...(query.exclude ? { id: query.exclude } : {}),
          };
        } catch (e) {
          if (e instanceof DraftError) throw new HttpError(400, textOf(e));
          throw e;
        }
        const now = ctx.clock.now();
        const reviewed = query.exclude ? getBroadcast(ctx.db, query.exclude) : undefined;
        const horizon = Math.min(now + 35 * DAY, now + 400 * DAY);
        const starts = occurrencesBetween(draft, Math.min(now, draft.startsAt ?? now) - draft.durationMs, horizon);
        return {
          occurrences: starts.length,
          firstStart: formatVn(starts[0]),
          // Devices that get something to play or show (an LED-only message skips speakers).
          devices: new Set(
            planOccurrences(ctx.db, [draft], Math.min(now, draft.startsAt ?? now) - draft.durationMs, horizon).map(
              (p) => p.deviceId,
            ),
          ).size,
          durationMs: draft.durationMs,
          conflicts: findConflicts(ctx.db, draft, { now }),
          quietHours: quietHoursClashes(ctx.db, draft, now),
          // For a stored broadcast under review: the clash decision its author took.
          clashDecision:
            reviewed && (!user!.scope || related(reviewed, user!.scope)) ? standingDecision(ctx.db, reviewed.id) : null,
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/broadcasts/:id/decision',
      summary:
        "The ward official decides a clash between this bulletin and a higher level's bulletin of the same priority (Circular 39/2020/TT-BTTTT): air-ours takes the other's occurrences off the ward's clashing devices, yield takes this one's off. Holds while this bulletin is approved; deciding again replaces it.",
      tag: 'broadcasts',
      access: ROLE_RULES.create,
      response: DecisionResult,
      body: DecisionBody,
      async handler({ req, user, body }) {
        const b = getBroadcast(ctx.db, String(req.params.id));
        if (!b) throw new HttpError(404, msg('broadcast.not-found', { id: String(req.params.id) }));
        // As with cancelling: a decision can take a bulletin off the air.
        const mayDecide =
          b.createdBy === user!.id ||
          (user!.role !== 'operator' && pathsOf(b).every((p) => withinScope(user!.scope, p)));
        if (!mayDecide) throw new HttpError(403, msg('decision.not-allowed'));
        let result: ReturnType<typeof decideClash>;
        try {
          result = decideClash(ctx.db, user!, b, body.decision, body.conflictsWith, ctx.clock.now());
        } catch (e) {
          if (e instanceof DecisionError) throw new HttpError(e.status, textOf(e));
          throw e;
        }
        // Devices the earlier decision touched get their items back; the new ones lose theirs.
        await ctx.dispatcher.refresh([
          ...new Set([...result.excluded.map((x) => x.deviceId), ...result.previousDevices]),
        ]);
        ctx.events.emit('broadcast', { id: b.id, status: b.status });
        return result;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/clashes-to-decide',
      summary:
        "Your own bulletins that a higher level's bulletin of the same priority now clashes with, not yet decided (e.g. the district's arrived after yours was saved)",
      tag: 'broadcasts',
      access: ROLE_RULES.create,
      response: ClashesToDecide,
      handler: ({ user }) => clashesToDecide(ctx.db, user!, ctx.clock.now()),
    }),
    route({
      method: 'get',
      path: '/api/v1/schedule',
      summary:
        'Occurrences of the broadcasts that concern an area (approved and waiting for approval) between two instants, for the week calendar',
      tag: 'broadcasts',
      access: 'user',
      response: Schedule,
      query: z.object({ area: z.string().optional(), from: z.string(), to: z.string() }),
      handler({ user, query }) {
        const area = query.area || user!.scope || '';
        if (area && !withinScope(user!.scope, area))
          throw new HttpError(403, msg('area.outside-scope', { path: area, scope: user!.scope }));
        let from: number, to: number;
        try {
          from = parseVnDateTime(query.from);
          to = parseVnDateTime(query.to);
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
        if (to <= from || to - from > 42 * DAY) throw new HttpError(400, msg('schedule.bad-window'));
        const out: DayOccurrence[] = [];
        const shown = listBroadcasts(ctx.db, { limit: 5000 }).filter(
          (b) => (b.status === 'approved' || b.status === 'submitted') && (!area || related(b, area)),
        );
        // Devices of this area a clash decision takes an occurrence off.
        const leftOff = devicesLeftOff(
          ctx.db,
          shown.map((b) => b.id),
        );
        for (const b of shown) {
          for (const s of occurrencesBetween(b, from - b.durationMs, to)) {
            if (s + b.durationMs <= from) continue;
            const off = (leftOff.get(`${b.id}|${s}`) ?? []).filter(
              (d) => !area || withinScope(area, getDevice(ctx.db, d)?.areaPath ?? ''),
            );
            out.push({
              broadcastId: b.id,
              title: b.title,
              priority: b.priority,
              status: b.status,
              start: formatVn(s)!, // a number in, never null out
              end: formatVn(s + b.durationMs)!,
              durationMs: b.durationMs,
              recurring: !!b.rrule,
              hasAudio: b.mediaId !== null || b.relay !== null,
              hasLed: b.led !== null,
              relay: b.relay ? { url: b.relay.url, endsAt: b.relay.endsAt } : null,
              targets: b.targets,
              leftOffDevices: off,
            });
          }
        }
        return out.sort((a, b) => a.start.localeCompare(b.start));
      },
    }),
  ];
}
