// Quiet hours per area: normal-priority broadcasts may not play then.
import { route, HttpError } from '../route.ts';
import { withinScope } from '../../areas/areas.ts';
import { addQuietHours, deleteQuietHours, getQuietWindow, listQuietHours } from '../../schedule/quiet-hours.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf } from '../../text/index.ts';
import { QuietHoursBody, QuietWindow, QuietWindowList } from '../../api-contract/areas.ts';
import { Ok } from '../../api-contract/users.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

export function quietHoursRoutes(ctx: HubContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/quiet-hours',
      summary: 'Quiet hours of the areas above, at and below yours',
      tag: 'areas',
      access: 'user',
      response: QuietWindowList,
      handler: ({ user }) =>
        listQuietHours(ctx.db).filter(
          (w) => withinScope(user!.scope, w.areaPath) || withinScope(w.areaPath, user!.scope ?? ''),
        ),
    }),
    route({
      method: 'post',
      path: '/api/v1/quiet-hours',
      summary:
        'Add quiet hours (Vietnam time, e.g. 22:00–05:30) to an area: normal-priority broadcasts may not play then',
      tag: 'areas',
      access: ROLE_RULES.quietHours,
      response: QuietWindow,
      body: QuietHoursBody,
      handler({ user, body, res }) {
        if (!withinScope(user!.scope, body.areaPath))
          throw new HttpError(403, msg('area.outside-scope', { path: body.areaPath, scope: user!.scope }));
        try {
          const w = addQuietHours(ctx.db, body, user!.id, ctx.clock.now());
          audit(ctx.db, user!.id, 'quiet-hours.add', w.areaPath, { start: w.start, end: w.end });
          res.status(201);
          return w;
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/quiet-hours/:id',
      summary: 'Remove quiet hours',
      tag: 'areas',
      access: ROLE_RULES.quietHours,
      response: Ok,
      handler({ user, req }) {
        const w = getQuietWindow(ctx.db, Number(req.params.id));
        if (!w) throw new HttpError(404, msg('quiet-hours.not-found', { id: String(req.params.id) }));
        if (!withinScope(user!.scope, w.areaPath))
          throw new HttpError(403, msg('area.outside-scope', { path: w.areaPath, scope: user!.scope }));
        deleteQuietHours(ctx.db, w.id);
        audit(ctx.db, user!.id, 'quiet-hours.remove', w.areaPath, { start: w.start, end: w.end });
        return { ok: true };
      },
    }),
  ];
}
