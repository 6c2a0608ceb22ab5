import { z } from 'zod';
import { route, HttpError, type RouteDef } from '../route.ts';
import {
  BroadcastInput,
  BroadcastError,
  approveBroadcast,
  cancelBroadcast,
  createBroadcast,
  editBroadcast,
  getBroadcast,
  listBroadcasts,
  presentBroadcast,
  rejectBroadcast,
  type Broadcast,
} from '../../broadcasts/broadcasts.ts';
import { planShape } from '../../broadcasts/plan.ts';
import { capAlertOf } from '../../cap/cap-import.ts';
import { withinScope } from '../../areas/areas.ts';
import { createVisibility } from '../../areas/visibility.ts';
import { getDevice, resolveTargets } from '../../devices/devices.ts';
import { formatVn } from '../../time.ts';
import { presentRelayStream } from '../../streaming/relay-stream-state.ts';
import { explain } from '../../reports/failure-reasons.ts';
import { ledMisfit } from '../../broadcasts/led-fit.ts';
import { draftBroadcast, DraftError } from '../../schedule/draft.ts';
import { QuietHoursError, assertOutsideQuietHours } from '../../schedule/quiet-hours.ts';
import { decideSameLevel, DecisionError, sameLevelClashes, standingDecision } from '../../schedule/decisions.ts';
import type { User } from '../../auth/users.ts';
import type { HubContext } from '../../context.ts';
import { msg, textOf, zodMessage } from '../../text/index.ts';
import {
  ApproveBody,
  Broadcast as BroadcastAnswer,
  BroadcastDetail,
  BroadcastList,
} from '../../api-contract/broadcasts.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';
import { campaignsOf, checkTags, setBroadcastCampaigns } from '../../campaigns/campaigns.ts';
import { DAY_MS as DAY } from '../../../protocol/index.ts';

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Device rows of a broadcast's detail per page: by default, and at most. */
export const DEVICE_PAGE = 500;
export const DEVICE_PAGE_MAX = 5000;

export function broadcastRoutes(ctx: HubContext): RouteDef[] {
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof BroadcastError || e instanceof DecisionError) throw new HttpError(e.status, textOf(e));
      throw e;
    }
  };
  // Normal-priority occurrences may not fall in the quiet hours of the areas they reach.
  const quiet = (b: Broadcast) => {
    try {
      assertOutsideQuietHours(ctx.db, b, ctx.clock.now());
    } catch (e) {
      if (e instanceof QuietHoursError)
        throw new HttpError(400, textOf(e), { code: 'quiet-hours', clashes: e.clashes.slice(0, 50) });
      throw e;
    }
  };
  const leadOf = (body: BroadcastInput) =>
    body.priority === 'emergency' ? ctx.config.emergencyLeadMs : ctx.config.startLeadMs;
  /** Quiet hours checked on the input before it is stored (new broadcasts and edits). */
  const quietDraft = (body: BroadcastInput, user: User) => {
    // (Targets outside the user's area are refused by createBroadcast/editBroadcast with a 403.)
    if (body.priority !== 'normal' || !targetPaths(body).every((p) => withinScope(user.scope, p))) return;
    let draft: Broadcast | undefined;
    try {
      draft = draftBroadcast(ctx.db, body, user.id, ctx.clock.now(), leadOf(body));
    } catch (e) {
      if (!(e instanceof DraftError)) throw e; // createBroadcast names the problem
    }
    if (draft) quiet(draft);
  };
  // A bulletin may use only media its author may see: using it would show it to the whole target.
  const usableMedia = (body: BroadcastInput, user: User) => {
    if (body.mediaId !== undefined && !createVisibility(ctx.db, user.scope).media(body.mediaId))
      throw new HttpError(404, msg('media.not-found', { id: body.mediaId }));
    const ident = body.relay?.identMediaId;
    if (ident !== undefined && !createVisibility(ctx.db, user.scope).media(ident))
      throw new HttpError(404, msg('media.not-found', { id: ident }));
  };
  // A tag names a campaign the author sees, not archived, whose areas the targets overlap; on an
  // edit, the tags the broadcast already carries stay allowed (an archived campaign keeps its bulletins).
  const checkCampaigns = (body: BroadcastInput, user: User, editing?: string) => {
    const kept = editing ? (campaignsOf(ctx.db, [editing]).get(editing) ?? []) : [];
    const added = (body.campaigns ?? []).filter((id) => !kept.includes(id));
    if (!added.length) return;
    try {
      checkTags(ctx.db, user.scope, added, targetPaths(body));
    } catch (e) {
      throw new HttpError((e as { status?: number }).status ?? 400, textOf(e));
    }
  };
  /** The answer with the campaigns the broadcast carries. */
  const tagged = <T extends { id: string }>(b: T) => ({ ...b, campaigns: campaignsOf(ctx.db, [b.id]).get(b.id) ?? [] });
  const changed = async (b: Broadcast) => {
    await ctx.dispatcher.onBroadcastChanged(b);
    ctx.events.emit('broadcast', { id: b.id, status: b.status });
    return presentBroadcast(b);
  };

  const targetPaths = (b: Pick<Broadcast, 'targets'>) => [
    ...b.targets.areas,
    ...b.targets.devices.map((d) => getDevice(ctx.db, d)?.areaPath ?? ''),
  ];
  // A broadcast concerns you if it targets your area, something in it, or an area containing it.
  const visibleTo = (b: Broadcast, user: User) =>
    targetPaths(b).some((p) => withinScope(user.scope, p) || withinScope(p, user.scope ?? ''));

  /**
   * Per device: each occurrence in the window and what its receipt says, a page at a time, in one
   * query (the plan's occurrences × the devices it reaches, joined with the devices and the admitted
   * receipts), and the states counted over the whole window.
   */
  /** One row of `perDevice`'s query: an occurrence on a device, with its admitted receipt if any. */
  interface DetailRecord {
    occurrence_id: string;
    start_at: number;
    device_id: string;
    device_name: string;
    device_kind: string;
    online: number;
    receipt_id: string | null;
    result: string | null;
    actual_start: number | null;
    actual_end: number | null;
    seconds_played: number | null;
    reason: string | null;
    reason_code: string | null;
    evidence: string;
    state: string;
  }

  function perDevice(b: Broadcast, from: number, to: number, page: { limit: number; offset: number }) {
    // Its own clash decisions show even before approval (a leader sees what the official chose).
    const shape = planShape(ctx.db, [b], from, to, undefined, [b.id]);
    const excluded = [...shape.excluded].filter((k) => k.startsWith(`${b.id}|`)).map((k) => k.slice(b.id.length + 1));
    const now = ctx.clock.now();
    // A device that cannot take this broadcast (its agent announced no such capability) was sent
    // nothing of it: it shows as not capable, with why, rather than silently absent (from its birth
    // that said so: before that it was owed, plan.ts notCapableSince).
    const state = `CASE WHEN r.receipt_id IS NOT NULL THEN r.result WHEN o.start_at >= t.not_capable_since THEN 'not-capable' WHEN @status = 'approved' THEN (CASE WHEN @now < o.start_at THEN 'scheduled' ELSE 'awaiting-confirmation' END) ELSE @status END`;
    const from_ = `
      WITH o(occurrence_id, start_at) AS (SELECT value->>0, value->>1 FROM json_each(@occ)),
           t(device_id, retired_at, not_capable_since) AS (SELECT value->>0, value->>1, value->>2 FROM json_each(@tgt))
      SELECT o.occurrence_id, o.start_at, d.id AS device_id, d.name AS device_name, d.kind AS device_kind, d.online, r.receipt_id, r.result, r.actual_start, r.actual_end, r.seconds_played, r.reason,
             CASE WHEN r.receipt_id IS NULL AND o.start_at >= t.not_capable_since THEN 'device-not-capable' ELSE r.reason_code END AS reason_code, r.evidence, ${state} AS state
        FROM o JOIN t JOIN devices d ON d.id = t.device_id
        LEFT JOIN receipts r ON r.occurrence_id = o.occurrence_id AND r.device_id = d.id AND r.state = 'admitted' AND r.broadcast_id = @bid
       WHERE (t.retired_at IS NULL OR o.start_at < t.retired_at)
         AND (o.start_at || '|' || d.id) NOT IN (SELECT value FROM json_each(@exc))`;
    const params = {
      occ: JSON.stringify(shape.occurrences.map((x) => [x.occurrenceId, x.startAt])),
      tgt: JSON.stringify(shape.targets.map((x) => [x.deviceId, x.retiredAt, x.notCapable ? x.notCapableSince : null])),
      exc: JSON.stringify(excluded),
      status: b.status,
      bid: b.id,
      now,
    };
    const rows = ctx.db
      .prepare(`${from_} ORDER BY d.id, o.start_at LIMIT @limit OFFSET @offset`)
      .all({ ...params, ...page }) as DetailRecord[];
    const counts = ctx.db.prepare(`SELECT state, COUNT(*) AS n FROM (${from_}) GROUP BY state`).all(params) as Array<{
      state: string;
      n: number;
    }>;
    const total = counts.reduce((n, c) => n + c.n, 0);
    return {
      devices: rows.map((r) => ({
        deviceId: r.device_id,
        deviceName: r.device_name,
        online: r.online === 1,
        occurrenceId: r.occurrence_id,
        scheduledStart: formatVn(r.start_at),
        state: r.state,
        actualStart: formatVn(r.actual_start),
        actualEnd: formatVn(r.actual_end),
        secondsPlayed: r.seconds_played ?? null,
        reason: r.reason ?? null,
        // What went wrong in words an official understands; `reason` is the device's own detail.
        ...explain(r.state, r.reason_code, r.reason, r.device_kind),
        evidence: r.receipt_id ? JSON.parse(r.evidence) : null,
      })),
      deviceCounts: Object.fromEntries(counts.map((c) => [c.state, c.n])),
      devicesTotal: total,
      devicesNextOffset: page.offset + rows.length < total ? page.offset + rows.length : null,
    };
  }

  return [
    route({
      method: 'post',
      path: '/api/v1/broadcasts',
      summary: 'Create a broadcast (submitted for approval; a district emergency is sent at once)',
      tag: 'broadcasts',
      access: ROLE_RULES.create,
      response: BroadcastAnswer,
      body: BroadcastInput,
      async handler({ user, body, res }) {
        const lead = leadOf(body);
        usableMedia(body, user!);
        checkCampaigns(body, user!);
        quietDraft(body, user!);
        const b = guard(() => createBroadcast(ctx.db, user!, body, ctx.clock.now(), lead, { mustReach: true }));
        if (body.campaigns?.length) setBroadcastCampaigns(ctx.db, b.id, body.campaigns);
        res.status(201);
        if (b.status === 'approved') return tagged(await changed(b));
        ctx.events.emit('broadcast', { id: b.id, status: b.status }); // a leader's queue updates live
        return tagged(presentBroadcast(b));
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/broadcasts/:id',
      summary:
        'Edit a broadcast (author only). One waiting for approval or rejected changes in place and waits for approval again; an approved one keeps airing and the edit becomes a new broadcast that replaces it once approved (201, with replaces).',
      tag: 'broadcasts',
      access: ROLE_RULES.create,
      response: BroadcastAnswer,
      body: BroadcastInput,
      handler({ req, user, body, res }) {
        usableMedia(body, user!);
        checkCampaigns(body, user!, String(req.params.id));
        quietDraft(body, user!);
        const { broadcast, revisionOf } = guard(() =>
          editBroadcast(ctx.db, user!, String(req.params.id), body, ctx.clock.now(), leadOf(body), { mustReach: true }),
        );
        // A revision carries the tags asked for, or those of the broadcast it replaces.
        const tags =
          body.campaigns ??
          (revisionOf ? (campaignsOf(ctx.db, [String(req.params.id)]).get(String(req.params.id)) ?? []) : undefined);
        if (tags) setBroadcastCampaigns(ctx.db, broadcast.id, tags);
        if (revisionOf) res.status(201);
        ctx.events.emit('broadcast', { id: broadcast.id, status: broadcast.status });
        // Nothing reaches a device here: an edit in place was not approved (nor were the clash
        // decisions it drops in force), and a revision waits for approval.
        return tagged(presentBroadcast(broadcast));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcasts',
      summary: 'Broadcasts visible to you, newest first',
      tag: 'broadcasts',
      access: 'user',
      response: BroadcastList,
      query: z.object({ status: z.enum(['submitted', 'approved', 'rejected', 'cancelled']).optional() }),
      handler({ user, query }) {
        const list = listBroadcasts(ctx.db, { status: query.status }).filter((b) => visibleTo(b, user!));
        const tags = campaignsOf(
          ctx.db,
          list.map((b) => b.id),
        );
        return list.map((b) => ({ ...presentBroadcast(b), campaigns: tags.get(b.id) ?? [] }));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/broadcasts/:id',
      summary:
        'One broadcast with per-device state of its occurrences (default window: last day to next week), a page at a time (ordered by device id, then start; devicesNextOffset reads on), with the states counted over the whole window (deviceCounts, devicesTotal)',
      tag: 'broadcasts',
      access: 'user',
      response: BroadcastDetail,
      query: z.object({
        from: z.coerce.number().int().optional(),
        to: z.coerce.number().int().optional(),
        limit: z.coerce
          .number()
          .int()
          .min(1)
          .max(DEVICE_PAGE_MAX)
          .default(DEVICE_PAGE)
          .describe(`device rows per page (default ${DEVICE_PAGE}, at most ${DEVICE_PAGE_MAX})`),
        offset: z.coerce
          .number()
          .int()
          .min(0)
          .default(0)
          .describe('rows to skip: the devicesNextOffset of the previous page'),
      }),
      handler({ req, user, query }) {
        const b = getBroadcast(ctx.db, String(req.params.id));
        if (!b || !visibleTo(b, user!))
          throw new HttpError(404, msg('broadcast.not-found', { id: String(req.params.id) }));
        const from = query.from ?? Math.min(ctx.clock.now() - DAY, b.startsAt ?? Infinity);
        const to = query.to ?? ctx.clock.now() + 7 * DAY;
        const revision = ctx.db
          .prepare("SELECT id FROM broadcasts WHERE replaces = ? AND status = 'submitted'")
          .get(b.id) as { id: string } | undefined;
        return {
          ...tagged(presentBroadcast(b)),
          ...perDevice(b, from, to, { limit: query.limit, offset: query.offset }),
          clashDecision: standingDecision(ctx.db, b.id),
          pendingRevision: revision?.id ?? null,
          ...(b.relay
            ? {
                relayStreams: ctx.relays
                  .list()
                  .filter((o) => o.broadcastId === b.id)
                  .sort((x, y) => x.startAt - y.startAt)
                  .map((o) => presentRelayStream(o, ctx.relays.engineAsks > 0)),
              }
            : {}),
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/broadcasts/:id/approve',
      summary:
        'Approve (a different person than the author; leader, district or admin). When it clashes with an approved bulletin of the same priority and level on devices in your area, say which plays: clashes "air-ours" (this one; the other steps aside at those times) or "yield" (this one steps aside); without it the answer is 409 (code decision.same-level-needed) with the clashes.',
      tag: 'broadcasts',
      access: ROLE_RULES.approve,
      response: BroadcastAnswer,
      body: ApproveBody,
      async handler({ req, user, body }) {
        const pending = getBroadcast(ctx.db, String(req.params.id));
        // An imported CAP alert may target nothing yet or wait for its audio: its own confirmation checks that.
        if (pending?.status === 'submitted' && capAlertOf(ctx.db, pending.id))
          throw new HttpError(409, msg('cap.confirm-here', { id: pending.id }));
        if (pending?.status === 'submitted' && pending.led) {
          // A board may have reported a smaller display since the bulletin was written.
          const misfit = ledMisfit(ctx.db, pending.led, pending.targets);
          if (misfit) throw new HttpError(400, misfit);
        }
        if (pending?.status === 'submitted') {
          // A "now" bulletin approved late starts at approval: check that time.
          const soonest = ctx.clock.now() + ctx.config.startLeadMs;
          quiet(
            !pending.rrule && pending.startsAt !== null && pending.startsAt < soonest
              ? { ...pending, startsAt: soonest }
              : pending,
          );
        }
        // The checks above and the step below each read a whole province at 10,000 devices: the
        // event loop turns between them (the step re-reads what it decides on, in its transaction).
        await yieldToLoop();
        // Approval and the same-level choice are one step: a clash left unchosen approves nothing.
        const { superseded, ...b } = guard(() =>
          ctx.db.transaction(() => {
            const now = ctx.clock.now();
            const approved = approveBroadcast(ctx.db, user!, String(req.params.id), now, ctx.config.startLeadMs);
            if (body.clashes) {
              decideSameLevel(ctx.db, user!, approved, body.clashes, now);
            } else {
              const open = sameLevelClashes(ctx.db, approved, now).filter((c) =>
                withinScope(user!.scope, getDevice(ctx.db, c.deviceId)?.areaPath ?? ''),
              );
              if (open.length) {
                const titles = [...new Set(open.map((c) => c.title))];
                throw new HttpError(
                  409,
                  msg('decision.same-level-needed', {
                    titles,
                    devices: new Set(open.map((c) => c.deviceId)).size,
                    first: open[0].draftStart,
                  }),
                  { clashes: open.slice(0, 50) },
                );
              }
            }
            return approved;
          })(),
        );
        await yieldToLoop();
        // An approved edit replaces the old version on the devices (no stop: if the old one is on
        // air right now it finishes; its later occurrences leave the manifests, also on devices the
        // edit no longer reaches).
        if (superseded) {
          await ctx.dispatcher.refresh(resolveTargets(ctx.db, superseded.targets.areas, superseded.targets.devices));
          ctx.events.emit('broadcast', { id: superseded.id, status: superseded.status });
        }
        return changed(b);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/broadcasts/:id/reject',
      summary: 'Reject with a reason',
      tag: 'broadcasts',
      access: ROLE_RULES.approve,
      response: BroadcastAnswer,
      body: z.object({ reason: z.string().min(1, zodMessage('broadcast.reject-needs-reason')).max(500) }),
      handler: ({ req, user, body }) =>
        changed(guard(() => rejectBroadcast(ctx.db, user!, String(req.params.id), body.reason, ctx.clock.now()))),
    }),
    route({
      method: 'post',
      path: '/api/v1/broadcasts/:id/cancel',
      summary: 'Cancel: devices stop it if playing and drop its future occurrences',
      tag: 'broadcasts',
      access: ROLE_RULES.create,
      response: BroadcastAnswer,
      handler: ({ req, user }) =>
        changed(guard(() => cancelBroadcast(ctx.db, user!, String(req.params.id), ctx.clock.now()))),
    }),
  ];
}
