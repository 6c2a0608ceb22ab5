// Broadcasts: a bulletin (audio and/or LED message) placed in time and space, with a priority
// level and an approval by someone other than its author. Nothing reaches a device unapproved.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LedMessage, Priority } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { User } from '../auth/users.ts';
import { getAreaByPath, getArea, withinScope } from '../areas/areas.ts';
import { getDevice, targetedWhere } from '../devices/devices.ts';
import { getMedia } from '../media/media-store.ts';
import { parseVnDateTime, formatVn } from '../time.ts';
import { validateRecurrence } from './recurrence.ts';
import { ledMisfit } from './led-fit.ts';
import { audit } from '../audit.ts';
import { roleMay } from '../api-contract/roles.ts';
import { LocalizedError, msg, textOf, zodMessage, type Text } from '../text/index.ts';
import {
  parseRelaySettings,
  RelayInput,
  relayDurationFor,
  validateRelayUrl,
  type RelaySettings,
} from '../streaming/relay-source.ts';
import { lunarRecurrenceProblem, lunarRecurrenceText } from '../schedule/lunar-recurrence.ts';

export const BroadcastInput = z
  .object({
    title: z.string().trim().min(1, zodMessage('broadcast.title-required')).max(200),
    mediaId: z.number().int().positive().optional(),
    led: LedMessage.optional(),
    priority: Priority.default('normal'),
    volume: z.number().int().min(0).max(100).default(70),
    targets: z
      .object({ areas: z.array(z.string()).default([]), devices: z.array(z.string()).default([]) })
      .refine((t) => t.areas.length + t.devices.length > 0, zodMessage('broadcast.needs-target')),
    /** "now", an ISO date-time (Vietnam time if no offset), or omitted when rrule is given. */
    startsAt: z.string().optional(),
    /** iCalendar DTSTART + RRULE lines in Vietnam wall time. */
    rrule: z.string().max(4000).optional(),
    /** Every year on a lunar date, instead of rrule (schedule/lunar-recurrence.ts); stored as its rrule. */
    lunar: z
      .object({
        month: z.number().int().describe('lunar month 1–12'),
        day: z.number().int().describe('lunar day 1–30; a 30th in a 29-day month airs on the 29th'),
        time: z.string().describe('HH:mm, Vietnam time'),
        fromYear: z.number().int().describe('first lunar year'),
        untilYear: z.number().int().describe('last lunar year (at most 20 years)'),
      })
      .optional(),
    /** How long an LED message stays up (audio lasts as long as its media). */
    displaySeconds: z
      .number()
      .int()
      .min(5)
      .max(6 * 3600)
      .optional(),
    /** A relay (tiếp âm): the audio is an upstream stream the hub pulls at each occurrence. */
    relay: RelayInput.optional(),
    /** Campaigns (chuyên đề) it serves; on an edit, omitted keeps the tags it has. */
    campaigns: z.array(z.number().int().positive()).max(20).optional(),
  })
  .refine(
    (b) => b.mediaId !== undefined || b.led !== undefined || b.relay !== undefined,
    zodMessage('broadcast.needs-content'),
  )
  .refine((b) => !(b.rrule !== undefined && b.lunar !== undefined), zodMessage('lunar.both'))
  .refine(
    (b) =>
      [b.startsAt, b.rrule, b.lunar].filter((w) => w !== undefined).length === 1 ||
      (b.rrule !== undefined && b.lunar !== undefined && b.startsAt === undefined), // worded by lunar.both
    zodMessage('broadcast.when-one-of'),
  )
  .superRefine((b, ctx) => {
    const problem = b.lunar && lunarRecurrenceProblem(b.lunar);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: ['lunar'],
        message: problem.en,
        params: { code: problem.code, vi: problem.vi },
      });
  })
  // From here on a lunar recurrence is an rrule like any other: every reader of the schedule sees it.
  .transform(({ lunar, ...b }) => (lunar ? { ...b, rrule: lunarRecurrenceText(lunar) } : b));
export type BroadcastInput = z.infer<typeof BroadcastInput>;

export type BroadcastStatus = 'submitted' | 'approved' | 'rejected' | 'cancelled';

/**
 * 'emergency-self-approved': an emergency by the district office (or an admin) needs no approval.
 * 'went-live': a live session, approved by the leader (or district office) who went live.
 */
export const DECISION_CODES = ['emergency-self-approved', 'went-live'] as const;
export type DecisionCode = (typeof DECISION_CODES)[number];

export interface Broadcast {
  id: string;
  title: string;
  mediaId: number | null;
  led: LedMessage | null;
  /** set for a relay (tiếp âm): its upstream, length and fallback */
  relay: RelaySettings | null;
  /** set for a live session (phát trực tiếp): its session and the agents' buffer */
  live: LiveSettings | null;
  priority: Priority;
  volume: number;
  startsAt: number | null;
  rrule: string | null;
  durationMs: number;
  status: BroadcastStatus;
  createdBy: number;
  createdAt: number;
  decidedBy: number | null;
  decidedAt: number | null;
  /** What the decider wrote (a rejection's reason). */
  decisionNote: string | null;
  /** Why it was decided without a note, as a code (DECISION_CODES); the UI words it. */
  decisionCode: DecisionCode | null;
  cancelledAt: number | null;
  /** The approved broadcast this edit replaces once it is approved itself. */
  replaces: string | null;
  targets: { areas: string[]; devices: string[] };
}

export class BroadcastError extends LocalizedError {
  constructor(
    message: Text,
    readonly status: 400 | 403 | 404 | 409 = 400,
  ) {
    super(message);
  }
}

/** A broadcasts row as SQLite returns it. */
interface BroadcastRecord {
  id: string;
  title: string;
  media_id: number | null;
  led: string | null;
  priority: Priority;
  volume: number;
  starts_at: number | null;
  rrule: string | null;
  duration_ms: number;
  status: BroadcastStatus;
  created_by: number;
  created_at: number;
  decided_by: number | null;
  decided_at: number | null;
  decision_note: string | null;
  decision_code: DecisionCode | null;
  cancelled_at: number | null;
  replaces: string | null;
  /** JSON of the relay settings, for a relay */
  relay?: string | null;
  /** JSON of the live settings, for a live session */
  live?: string | null;
}

/** What a live session's broadcast stores (broadcasts.live, JSON). */
export interface LiveSettings {
  sessionId: string;
  bufferMs: number;
}

/** A stream the hub carries: a relay of an upstream (tiếp âm) or a live session (phát trực tiếp). */
export type StreamKind = 'relay' | 'live';

/**
 * Which stream a broadcast's speakers play, or null for a file: the one test behind the agents'
 * capability (plan.ts) and the coverage report's seconds aired.
 */
export function streamKind(b: Pick<Broadcast, 'relay' | 'live'>): StreamKind | null {
  return b.live ? 'live' : b.relay ? 'relay' : null;
}

function toBroadcast(db: Db, r: BroadcastRecord): Broadcast {
  const targets = db
    .prepare('SELECT area_id, device_id FROM broadcast_targets WHERE broadcast_id = ?')
    .all(r.id) as Array<{ area_id: number | null; device_id: string | null }>;
  return {
    id: r.id,
    title: r.title,
    mediaId: r.media_id,
    led: r.led ? JSON.parse(r.led) : null,
    relay: parseRelaySettings(r.relay ?? null),
    live: r.live ? (JSON.parse(r.live) as LiveSettings) : null,
    priority: r.priority,
    volume: r.volume,
    startsAt: r.starts_at,
    rrule: r.rrule,
    durationMs: r.duration_ms,
    status: r.status,
    createdBy: r.created_by,
    createdAt: r.created_at,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionNote: r.decision_note,
    decisionCode: r.decision_code ?? null,
    cancelledAt: r.cancelled_at ?? null,
    replaces: r.replaces ?? null,
    targets: {
      areas: targets.flatMap((t) => (t.area_id === null ? [] : [getArea(db, t.area_id)!.path])),
      devices: targets.flatMap((t) => (t.device_id === null ? [] : [t.device_id])),
    },
  };
}

export function getBroadcast(db: Db, id: string): Broadcast | undefined {
  const r = db.prepare('SELECT * FROM broadcasts WHERE id = ?').get(id) as BroadcastRecord | undefined;
  return r ? toBroadcast(db, r) : undefined;
}

export function listBroadcasts(db: Db, filter: { status?: BroadcastStatus; limit?: number } = {}): Broadcast[] {
  const rows = filter.status
    ? db
        .prepare('SELECT * FROM broadcasts WHERE status = ? ORDER BY created_at DESC LIMIT ?')
        .all(filter.status, filter.limit ?? 500)
    : db.prepare('SELECT * FROM broadcasts ORDER BY created_at DESC LIMIT ?').all(filter.limit ?? 500);
  return (rows as BroadcastRecord[]).map((r) => toBroadcast(db, r));
}

/** Broadcasts that can still play: approved, not cancelled. */
export function liveBroadcasts(db: Db): Broadcast[] {
  return (db.prepare("SELECT * FROM broadcasts WHERE status = 'approved'").all() as BroadcastRecord[]).map((r) =>
    toBroadcast(db, r),
  );
}

function targetPaths(db: Db, b: { targets: { areas: string[]; devices: string[] } }): string[] {
  return [...b.targets.areas, ...b.targets.devices.map((d) => getDevice(db, d)?.areaPath ?? '')];
}

function assertInScope(
  db: Db,
  user: User,
  b: { targets: { areas: string[]; devices: string[] } },
  verb: 'create' | 'approve' | 'cancel',
): void {
  for (const p of targetPaths(db, b)) {
    if (!withinScope(user.scope, p))
      throw new BroadcastError(msg('broadcast.out-of-scope', { verb, path: p, scope: user.scope }), 403);
  }
}

/** Emergencies by the district office air at once: the national rule puts them before any queue. */
const selfApproves = (user: User, priority: Priority) => priority === 'emergency' && roleMay(user.role, 'emergency');

/** What the HTTP API also requires of a new or edited broadcast: that it reaches a device. */
export interface ApiRules {
  /** Refuse an LED message with no text, and a broadcast that no device would play or show. */
  mustReach?: boolean;
}

/**
 * A bulletin must reach a device: audio plays on loudspeakers, an LED message shows on boards
 * (decommissioned devices reach no one). An LED message with no text is refused, not dropped, and
 * so is one a targeted board that reported its display would refuse (led-fit.ts).
 */
export function assertReachesDevices(db: Db, input: BroadcastInput): void {
  if (input.led?.pages.every((p) => p.lines.every((l) => !l.trim())))
    throw new BroadcastError(msg('broadcast.led-empty'));
  // Counted in one query: a province's targets are thousands of devices.
  const targeted = targetedWhere(input.targets);
  const kinds = targeted
    ? (db
        .prepare(
          `SELECT d.kind, COUNT(*) AS n FROM devices d JOIN areas a ON a.id = d.area_id WHERE ${targeted.sql} AND d.decommissioned_at IS NULL GROUP BY d.kind`,
        )
        .all(...targeted.params) as Array<{ kind: string; n: number }>)
    : [];
  const speakers = kinds.find((k) => k.kind === 'speaker')?.n ?? 0;
  const boards = kinds.find((k) => k.kind === 'led')?.n ?? 0;
  const audio = input.mediaId !== undefined || input.relay !== undefined;
  const led = input.led !== undefined;
  if ((audio ? speakers : 0) + (led ? boards : 0) === 0)
    throw new BroadcastError(msg('broadcast.reaches-no-device', { speakers, boards, audio, led }));
  if (input.led) {
    const misfit = ledMisfit(db, input.led, input.targets);
    if (misfit) throw new BroadcastError(misfit);
  }
}

/** Checks a broadcast's input against the database: targets, scope, media, and when it starts. */
function validateInput(
  db: Db,
  user: User,
  input: BroadcastInput,
  now: number,
  startLeadMs: number,
  rules: ApiRules = {},
): { durationMs: number; startsAt: number | null } {
  for (const a of input.targets.areas)
    if (!getAreaByPath(db, a)) throw new BroadcastError(msg('broadcast.target-area-not-found', { path: a }));
  for (const d of input.targets.devices)
    if (!getDevice(db, d)) throw new BroadcastError(msg('broadcast.target-device-not-found', { id: d }));
  assertInScope(db, user, input, 'create');

  let durationMs: number;
  if (input.relay) {
    durationMs = checkRelay(db, input, now, startLeadMs);
  } else if (input.mediaId !== undefined) {
    const m = getMedia(db, input.mediaId);
    if (!m || m.deletedAt) throw new BroadcastError(msg('media.not-found', { id: input.mediaId }));
    if (m.archivedAt) throw new BroadcastError(msg('media.archived', { id: input.mediaId }), 409);
    if (m.status !== 'ready')
      throw new BroadcastError(
        msg('broadcast.media-not-ready', { id: input.mediaId, status: m.status, error: m.error, errorVi: m.errorVi }),
        409,
      );
    durationMs = m.durationMs!;
  } else {
    const pagesMs = input.led!.pages.reduce((s, p) => s + p.seconds * 1000, 0);
    durationMs = (input.displaySeconds ?? 0) * 1000 || pagesMs;
  }

  let startsAt: number | null = null;
  if (input.startsAt !== undefined) {
    if (input.startsAt === 'now') startsAt = now + startLeadMs;
    else {
      try {
        startsAt = parseVnDateTime(input.startsAt);
      } catch (e) {
        throw new BroadcastError(msg('broadcast.starts-at-invalid', { reason: textOf(e) }));
      }
      if (startsAt + durationMs < now)
        throw new BroadcastError(msg('broadcast.starts-in-past', { startsAt: input.startsAt }));
    }
  } else {
    try {
      validateRecurrence(input.rrule!);
    } catch (e) {
      throw new BroadcastError(msg('broadcast.rrule-invalid', { reason: textOf(e) }));
    }
  }
  if (rules.mustReach) assertReachesDevices(db, input);
  return { durationMs, startsAt };
}

/** A relay's upstream, fallback and length (relay-source.ts); its starts come from startsAt or the rule. */
function checkRelay(db: Db, input: BroadcastInput, now: number, startLeadMs: number): number {
  const relay = input.relay!;
  if (input.mediaId !== undefined) throw new BroadcastError(msg('relay.with-media'));
  try {
    validateRelayUrl(relay.url);
    if (relay.fallback === 'ident') {
      if (relay.identMediaId === undefined) throw new BroadcastError(msg('relay.ident-needs-media'));
      const m = getMedia(db, relay.identMediaId);
      if (!m || m.deletedAt) throw new BroadcastError(msg('media.not-found', { id: relay.identMediaId }));
      if (m.status !== 'ready')
        throw new BroadcastError(
          msg('broadcast.media-not-ready', {
            id: relay.identMediaId,
            status: m.status,
            error: m.error,
            errorVi: m.errorVi,
          }),
          409,
        );
    }
    return relayDurationFor(relay, input, now, startLeadMs);
  } catch (e) {
    if (e instanceof BroadcastError) throw e;
    // startsAt and the rule are checked, and worded, below.
    // Anything but the relay's own words is about startsAt or the rule: validateInput words that
    // next, so the length here is a placeholder that is never stored.
    if (!(e instanceof LocalizedError) || !e.msg?.code.startsWith('relay.')) return 1000;
    throw new BroadcastError(e.msg);
  }
}

/** What the broadcasts.relay column holds for an input. */
const relayColumn = (input: BroadcastInput): string | null =>
  input.relay
    ? JSON.stringify({
        url: validateRelayUrl(input.relay.url),
        seconds: input.relay.seconds ?? null,
        endsAt: input.relay.endsAt ?? null,
        fallback: input.relay.fallback,
        identMediaId: input.relay.identMediaId ?? null,
      } satisfies RelaySettings)
    : null;

function insertTargets(db: Db, id: string, targets: BroadcastInput['targets']): void {
  const ins = db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, ?)');
  for (const a of targets.areas) ins.run(id, getAreaByPath(db, a)!.id, null);
  for (const d of targets.devices) ins.run(id, null, d);
}

function insertBroadcast(
  db: Db,
  user: User,
  input: BroadcastInput,
  now: number,
  startLeadMs: number,
  replaces: string | null,
  rules: ApiRules = {},
): Broadcast {
  const { durationMs, startsAt } = validateInput(db, user, input, now, startLeadMs, rules);
  const id = randomUUID();
  const autoApprove = selfApproves(user, input.priority);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, decision_note, decision_code, replaces, relay)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      input.title,
      input.mediaId ?? null,
      input.led ? JSON.stringify(input.led) : null,
      input.priority,
      input.volume,
      startsAt,
      input.rrule ?? null,
      durationMs,
      autoApprove ? 'approved' : 'submitted',
      user.id,
      now,
      autoApprove ? user.id : null,
      autoApprove ? now : null,
      null,
      autoApprove ? 'emergency-self-approved' : null,
      replaces,
      relayColumn(input),
    );
    insertTargets(db, id, input.targets);
    const action = autoApprove ? 'broadcast.emergency' : replaces ? 'broadcast.revise' : 'broadcast.submit';
    audit(db, user.id, action, id, {
      title: input.title,
      priority: input.priority,
      targets: input.targets,
      ...(replaces ? { replaces } : {}),
    });
  })();
  return getBroadcast(db, id)!;
}

export function createBroadcast(
  db: Db,
  user: User,
  input: BroadcastInput,
  now: number,
  startLeadMs = 5000,
  rules: ApiRules = {},
): Broadcast {
  return insertBroadcast(db, user, input, now, startLeadMs, null, rules);
}

/** A live session's broadcast, as the live service (hub/live/) starts it. */
export interface LiveBroadcastInput {
  title: string;
  areas: string[];
  priority: 'normal' | 'emergency';
  led: LedMessage | null;
  startsAt: number;
  /** the longest it may last; the actual length replaces it at the end (endLiveBroadcast) */
  durationMs: number;
  live: LiveSettings;
}

/**
 * Stores a live session's broadcast, approved by the one who goes live (the role rules are the
 * live service's). Its areas must exist, lie in the user's scope and hold a loudspeaker.
 */
export function createLiveBroadcast(db: Db, user: User, input: LiveBroadcastInput, now: number): Broadcast {
  const targets = { areas: input.areas, devices: [] };
  for (const a of input.areas)
    if (!getAreaByPath(db, a)) throw new BroadcastError(msg('broadcast.target-area-not-found', { path: a }));
  assertInScope(db, user, { targets }, 'create');
  const targeted = targetedWhere({ areas: input.areas, devices: [] });
  const speakers = targeted
    ? (
        db
          .prepare(
            `SELECT COUNT(*) AS n FROM devices d JOIN areas a ON a.id = d.area_id WHERE ${targeted.sql} AND d.kind = 'speaker' AND d.decommissioned_at IS NULL`,
          )
          .get(...targeted.params) as { n: number }
      ).n
    : 0;
  if (speakers === 0)
    throw new BroadcastError(msg('broadcast.reaches-no-device', { speakers: 0, boards: 0, audio: true, led: false }));
  const id = randomUUID();
  db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, decision_note, decision_code, replaces, relay, live)
     VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, ?, 'approved', ?, ?, ?, ?, NULL, 'went-live', NULL, NULL, ?)`,
  ).run(
    id,
    input.title,
    input.led ? JSON.stringify(input.led) : null,
    input.priority,
    LIVE_VOLUME,
    input.startsAt,
    input.durationMs,
    user.id,
    now,
    user.id,
    now,
    JSON.stringify(input.live),
  );
  insertTargets(db, id, targets);
  return getBroadcast(db, id)!;
}
/** A live voice plays at the volume a new bulletin gets by default. */
const LIVE_VOLUME = 70;

/** A live session ended: its broadcast lasts what it actually lasted (coverage, admission, manifests). */
export function endLiveBroadcast(db: Db, id: string, durationMs: number): Broadcast {
  db.prepare('UPDATE broadcasts SET duration_ms = ? WHERE id = ? AND live IS NOT NULL').run(
    Math.max(1000, Math.round(durationMs)),
    id,
  );
  return getBroadcast(db, id)!;
}

/**
 * The author changes a broadcast. One waiting for approval, or rejected, is changed in place and
 * waits for approval again. An approved one keeps airing unchanged: the edit becomes a new
 * broadcast that replaces it when a leader approves the edit (so nothing unapproved ever airs).
 */
export function editBroadcast(
  db: Db,
  user: User,
  id: string,
  input: BroadcastInput,
  now: number,
  startLeadMs = 5000,
  rules: ApiRules = {},
): { broadcast: Broadcast; revisionOf: string | null } {
  const b = getBroadcast(db, id);
  if (!b) throw new BroadcastError(msg('broadcast.not-found', { id }), 404);
  if (b.createdBy !== user.id) throw new BroadcastError(msg('broadcast.edit-author-only'), 403);
  if (b.priority === 'emergency' || input.priority === 'emergency')
    throw new BroadcastError(msg('broadcast.emergency-not-editable'), 409);
  if (b.live) throw new BroadcastError(msg('live.not-editable'), 409);
  if (b.status === 'cancelled') throw new BroadcastError(msg('broadcast.cancelled-not-editable'), 409);
  if (b.status === 'approved') {
    const pending = db.prepare("SELECT id FROM broadcasts WHERE replaces = ? AND status = 'submitted'").get(id) as
      | { id: string }
      | undefined;
    if (pending) throw new BroadcastError(msg('broadcast.edit-pending', { id: pending.id }), 409);
    return { broadcast: insertBroadcast(db, user, input, now, startLeadMs, id, rules), revisionOf: id };
  }
  const { durationMs, startsAt } = validateInput(db, user, input, now, startLeadMs, rules);
  db.transaction(() => {
    db.prepare(
      `UPDATE broadcasts SET title = ?, media_id = ?, led = ?, priority = ?, volume = ?, starts_at = ?, rrule = ?, duration_ms = ?,
         status = 'submitted', decided_by = NULL, decided_at = NULL, decision_note = NULL, decision_code = NULL, relay = ? WHERE id = ?`,
    ).run(
      input.title,
      input.mediaId ?? null,
      input.led ? JSON.stringify(input.led) : null,
      input.priority,
      input.volume,
      startsAt,
      input.rrule ?? null,
      durationMs,
      relayColumn(input),
      id,
    );
    db.prepare('DELETE FROM broadcast_targets WHERE broadcast_id = ?').run(id);
    insertTargets(db, id, input.targets);
    // Its times or places may have changed: a clash decision must be taken again.
    db.prepare('DELETE FROM occurrence_exclusions WHERE decided_for = ?').run(id);
    audit(db, user.id, 'broadcast.edit', id, {
      title: input.title,
      previousStatus: b.status,
      ...(b.decisionNote ? { rejectedBecause: b.decisionNote } : {}),
    });
  })();
  return { broadcast: getBroadcast(db, id)!, revisionOf: null };
}

function decide(
  db: Db,
  user: User,
  id: string,
  to: 'approved' | 'rejected',
  note: string | null,
  now: number,
  externalAuthor = false,
): Broadcast {
  const b = getBroadcast(db, id);
  if (!b) throw new BroadcastError(msg('broadcast.not-found', { id }), 404);
  if (b.status !== 'submitted') throw new BroadcastError(msg('broadcast.not-submitted', { status: b.status }), 409);
  if (user.role === 'operator') throw new BroadcastError(msg('broadcast.approver-role-only'), 403);
  if (b.createdBy === user.id && !externalAuthor) throw new BroadcastError(msg('broadcast.author-cannot-approve'), 403);
  assertInScope(db, user, b, 'approve');
  db.prepare('UPDATE broadcasts SET status = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE id = ?').run(
    to,
    user.id,
    now,
    note,
    id,
  );
  audit(
    db,
    user.id,
    to === 'approved' ? 'broadcast.approve' : 'broadcast.reject',
    id,
    note ? { reason: note } : undefined,
  );
  return getBroadcast(db, id)!;
}

/**
 * Approves; an approved edit takes the place of the broadcast it replaces (returned as `superseded`).
 * `externalAuthor`: the content was written outside the hub (an imported CAP alert, hub/cap), so the
 * official who brought it in may confirm it: the two-person rule is the issuer's and the district's.
 */
export function approveBroadcast(
  db: Db,
  user: User,
  id: string,
  now: number,
  startLeadMs = 5000,
  externalAuthor = false,
): Broadcast & { superseded?: Broadcast } {
  return db.transaction(() => {
    // An edit takes its original's place: that one must still be airing, and be the approver's to end.
    const pending = getBroadcast(db, id);
    const old = pending?.replaces ? getBroadcast(db, pending.replaces) : undefined;
    if (pending?.status === 'submitted' && old) {
      if (old.status !== 'approved')
        throw new BroadcastError(msg('broadcast.replaced-not-approved', { id: old.id, status: old.status }), 409);
      assertInScope(db, user, old, 'cancel');
    }
    const b = decide(db, user, id, 'approved', null, now, externalAuthor);
    // A "now" broadcast approved later than planned starts at approval, not in the past.
    if (!b.rrule && b.startsAt !== null && b.startsAt < now + startLeadMs && b.startsAt >= b.createdAt) {
      db.prepare('UPDATE broadcasts SET starts_at = ? WHERE id = ?').run(now + startLeadMs, id);
    }
    let superseded: Broadcast | undefined;
    if (old) {
      db.prepare("UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ?").run(
        user.id,
        now,
        old.id,
      );
      audit(db, user.id, 'broadcast.superseded', old.id, { by: id });
      superseded = getBroadcast(db, old.id);
    }
    return { ...getBroadcast(db, id)!, ...(superseded ? { superseded } : {}) };
  })();
}

export function rejectBroadcast(db: Db, user: User, id: string, reason: string, now: number): Broadcast {
  if (!reason?.trim()) throw new BroadcastError(msg('broadcast.reject-needs-reason'));
  return decide(db, user, id, 'rejected', reason.trim(), now);
}

export function cancelBroadcast(db: Db, user: User, id: string, now: number): Broadcast {
  const b = getBroadcast(db, id);
  if (!b) throw new BroadcastError(msg('broadcast.not-found', { id }), 404);
  if (b.status === 'cancelled' || b.status === 'rejected')
    throw new BroadcastError(msg('broadcast.already-closed', { status: b.status }), 409);
  if (user.role === 'operator' && b.createdBy !== user.id)
    throw new BroadcastError(msg('broadcast.operator-cancel-own'), 403);
  assertInScope(db, user, b, 'cancel');
  db.prepare("UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ?").run(
    user.id,
    now,
    id,
  );
  audit(db, user.id, 'broadcast.cancel', id);
  return getBroadcast(db, id)!;
}

export function presentBroadcast(b: Broadcast) {
  return {
    ...b,
    startsAt: formatVn(b.startsAt),
    createdAt: formatVn(b.createdAt),
    decidedAt: formatVn(b.decidedAt),
    cancelledAt: formatVn(b.cancelledAt),
  };
}
