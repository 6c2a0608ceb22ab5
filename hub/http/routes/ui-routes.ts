// Routes the web UI needs beyond the core API: the week schedule, a draft's conflicts and quiet
// hours before saving, quiet hours per area, waveform peaks of a bulletin, the coverage report as
// PDF, and the names of users (to show who wrote a bulletin).
import path from 'node:path';
import { z } from 'zod';
import { route, HttpError } from '../route.ts';
import { BroadcastInput, getBroadcast, listBroadcasts, type Broadcast } from '../../broadcasts/broadcasts.ts';
import { occurrencesBetween } from '../../broadcasts/recurrence.ts';
import { withinScope } from '../../areas/areas.ts';
import { getDevice } from '../../devices/devices.ts';
import { planOccurrences } from '../../broadcasts/plan.ts';
import { devicesLeftOff } from '../../broadcasts/exclusions.ts';
import { getMedia } from '../../media/media-store.ts';
import { createVisibility } from '../../areas/visibility.ts';
import { coverageReasons, coverageRows, coverageSummary, rejectedClaims } from '../../reports/coverage.ts';
import { reportScope } from './report-routes.ts';
import { coveragePdf, PDF_MAX_ROWS } from '../../reports/coverage-pdf.ts';
import { draftBroadcast, DraftError } from '../../schedule/draft.ts';
import { findConflicts } from '../../schedule/conflicts.ts';
import {
  addQuietHours,
  deleteQuietHours,
  getQuietWindow,
  listQuietHours,
  quietHoursClashes,
} from '../../schedule/quiet-hours.ts';
import { createWaveforms } from '../../waveform/waveform.ts';
import { resolveFfmpeg } from '../../../firmware-bridge/audio.ts';
import { formatVn, parseVnDateTime } from '../../time.ts';
import { audit } from '../../audit.ts';
import {
  clashesToDecide,
  decideClash,
  DecisionError,
  type DecisionResult,
  standingDecision,
} from '../../schedule/decisions.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf } from '../../text/index.ts';
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
  targets: Broadcast['targets'];
  leftOffDevices: string[];
}

export function uiRoutes(ctx: HubContext) {
  const waveforms = createWaveforms({
    cacheDir: path.join(ctx.config.dataDir, 'waveforms'),
    ffmpegPath: () => ctx.config.ffmpegPath ?? resolveFfmpeg().path,
  });
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
      access: ['operator', 'approver', 'district', 'admin'],
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
      access: ['operator', 'approver', 'district', 'admin'],
      body: z.object({
        decision: z.enum(['air-ours', 'yield']),
        conflictsWith: z.array(z.string().max(64)).max(50).default([]),
      }),
      async handler({ req, user, body }) {
        const b = getBroadcast(ctx.db, String(req.params.id));
        if (!b) throw new HttpError(404, msg('broadcast.not-found', { id: String(req.params.id) }));
        // As with cancelling: a decision can take a bulletin off the air.
        const mayDecide =
          b.createdBy === user!.id ||
          (user!.role !== 'operator' && pathsOf(b).every((p) => withinScope(user!.scope, p)));
        if (!mayDecide) throw new HttpError(403, msg('decision.not-allowed'));
        let result: DecisionResult;
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
      access: ['operator', 'approver', 'district', 'admin'],
      handler: ({ user }) => clashesToDecide(ctx.db, user!, ctx.clock.now()),
    }),
    route({
      method: 'get',
      path: '/api/v1/schedule',
      summary:
        'Occurrences of the broadcasts that concern an area (approved and waiting for approval) between two instants, for the week calendar',
      tag: 'broadcasts',
      access: 'user',
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
              hasAudio: b.mediaId !== null,
              hasLed: b.led !== null,
              targets: b.targets,
              leftOffDevices: off,
            });
          }
        }
        return out.sort((a, b) => a.start.localeCompare(b.start));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/quiet-hours',
      summary: 'Quiet hours of the areas above, at and below yours',
      tag: 'areas',
      access: 'user',
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
      access: ['approver', 'district', 'admin'],
      body: z.object({
        areaPath: z.string().min(1),
        start: z.string(),
        end: z.string(),
        note: z.string().max(200).optional(),
      }),
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
      access: ['approver', 'district', 'admin'],
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
    route({
      method: 'get',
      path: '/api/v1/media/:id/waveform',
      summary: 'Waveform peaks of the normalised audio (computed once with ffmpeg, then cached)',
      tag: 'media',
      access: 'user',
      async handler({ req, user }) {
        const m = getMedia(ctx.db, Number(req.params.id));
        if (!m || !createVisibility(ctx.db, user!.scope).media(m.id))
          throw new HttpError(404, msg('media.not-found', { id: String(req.params.id) }));
        const out = m.outputs.find((o) => o.format === 'opus') ?? m.outputs[0];
        if (m.status !== 'ready' || !out)
          throw new HttpError(409, msg('media.waveform-not-ready', { id: m.id, status: m.status }));
        try {
          return await waveforms.get(out.sha256, path.join(ctx.media.mediaDir, out.file));
        } catch (e) {
          throw new HttpError(422, msg('media.waveform-failed', { detail: (e as Error).message }));
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/reports/coverage.pdf',
      summary: 'The coverage report as a PDF (Vietnamese, DejaVu Sans embedded) for an area and a period',
      tag: 'reports',
      access: 'user',
      query: z.object({ area: z.string().optional(), period: z.string() }),
      openapi: { responses: { '200': { description: 'application/pdf' } } },
      async handler({ user, query, res }) {
        // The summary and the first pages: the PDF prints at most PDF_MAX_ROWS rows of each list.
        const scope = reportScope(ctx, user!, query);
        const report = {
          ...coverageSummary(ctx.db, scope),
          problems: coverageRows(ctx.db, scope, {
            limit: PDF_MAX_ROWS,
            results: ['partial', 'failed', 'missed', 'preempted', 'skipped'],
          }).rows,
          reasons: coverageReasons(ctx.db, scope, 1000),
          rejectedClaims: rejectedClaims(ctx.db, scope, { limit: PDF_MAX_ROWS }).claims,
        };
        const pdf = await coveragePdf(report, query.period);
        res
          .type('application/pdf')
          .attachment(`coverage-${scope.area.path.replace(/\//g, '_')}-${query.period}.pdf`)
          .send(pdf);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/user-names',
      summary: 'Display names of users by id (to show who wrote or decided a broadcast)',
      tag: 'users',
      access: 'user',
      handler: () =>
        Object.fromEntries(
          (
            ctx.db.prepare('SELECT id, display_name, username FROM users').all() as Array<{
              id: number;
              display_name: string | null;
              username: string;
            }>
          ).map((u) => [u.id, u.display_name || u.username]),
        ),
    }),
  ];
}
