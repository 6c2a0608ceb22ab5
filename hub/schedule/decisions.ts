// The ward official's decision when the ward's own bulletin clashes with a higher level's bulletin
// of the same priority on the ward's devices (Circular 39/2020/TT-BTTTT leaves it to them):
// "air-ours" takes the higher level's occurrences off those devices, "yield" takes ours off. Only
// devices within the official's own area are touched, and the decision holds only while our
// bulletin is approved (see hub/broadcasts/exclusions.ts).
//
// The same table holds the approving leader's choice when a bulletin clashes with an approved one of
// the same priority and the same level (decideSameLevel): "air-ours" (this one plays, the other steps
// aside at those times) or "yield" (this one steps aside). Without a choice the device would play by
// its own rule (whoPlays in conflicts.ts) and skip the other, so approval asks for one.
import type { Db } from '../db/database.ts';
import type { User } from '../auth/users.ts';
import { withinScope } from '../areas/areas.ts';
import { getDevice } from '../devices/devices.ts';
import type { Broadcast } from '../broadcasts/broadcasts.ts';
import { audit } from '../audit.ts';
import { clashCandidates, findConflicts, type Conflict } from './conflicts.ts';
import { LocalizedError, msg, type Text } from '../text/index.ts';

export type ClashDecision = 'air-ours' | 'yield';

export class DecisionError extends LocalizedError {
  constructor(
    message: Text,
    readonly status: 400 | 403 | 409 = 400,
  ) {
    super(message);
  }
}

export interface DecisionResult {
  decision: ClashDecision;
  /** Occurrences taken off a device: whose, when, where. */
  excluded: Array<{ broadcastId: string; title: string; start: string; deviceId: string; deviceName: string }>;
  /** Clashing devices outside the decider's area, left as they were. */
  outsideYourArea: string[];
  /** Devices an earlier decision on this broadcast had touched (their manifests change too). */
  previousDevices: string[];
}

/** How far ahead a decision reaches: past the one year a recurring rule may last. */
const DECISION_HORIZON_MS = 400 * 86_400_000;

export function decideClash(
  db: Db,
  user: User,
  ours: Broadcast,
  decision: ClashDecision,
  conflictsWith: string[] = [],
  now: number,
): DecisionResult {
  if (ours.status !== 'submitted' && ours.status !== 'approved')
    throw new DecisionError(msg('decision.not-open', { status: ours.status }), 409);
  if (ours.priority === 'emergency') throw new DecisionError(msg('decision.emergency'), 409);
  return db.transaction(() => {
    // Taken again from scratch: the official may change their mind.
    // (A leader's same-level choice at approval is not the official's to replace.)
    const previousDevices = (
      db
        .prepare('SELECT DISTINCT device_id FROM occurrence_exclusions WHERE decided_for = ? AND same_level = 0')
        .all(ours.id) as Array<{ device_id: string }>
    ).map((r) => r.device_id);
    db.prepare('DELETE FROM occurrence_exclusions WHERE decided_for = ? AND same_level = 0').run(ours.id);
    // Every clash the rule will ever meet (the form's preview stops at 35 days and 200 clashes).
    const clashes = findConflicts(db, ours, { now, horizonMs: DECISION_HORIZON_MS, limit: Infinity }).filter(
      (c) =>
        c.kind === 'decision' &&
        c.otherLevel === 'higher' &&
        (conflictsWith.length === 0 || conflictsWith.includes(c.broadcastId)),
    );
    if (clashes.length === 0) throw new DecisionError(msg('decision.no-clash'), 409);
    return storeDecision(db, user, ours, decision, clashes, previousDevices, now, {});
  })();
}

/** The clashes with approved bulletins of the same priority and level that the approver must choose on. */
export function sameLevelClashes(db: Db, ours: Broadcast, now: number): Conflict[] {
  if (ours.priority === 'emergency') return [];
  // Only those candidates are planned (a province's approval would otherwise plan every device).
  return findConflicts(db, ours, { now, horizonMs: DECISION_HORIZON_MS, limit: Infinity, sameLevelOnly: true }).filter(
    (c) => c.leaderChooses,
  );
}

/**
 * The approving leader's choice on same-level clashes, stored like the ward official's decision
 * (decided for `ours`, so it holds while `ours` is approved). Clashes on devices outside the
 * leader's area are left to that area's leader. Null when there is nothing to choose.
 */
export function decideSameLevel(
  db: Db,
  user: User,
  ours: Broadcast,
  decision: ClashDecision,
  now: number,
): DecisionResult | null {
  return db.transaction(() => {
    const previousDevices = (
      db.prepare('SELECT DISTINCT device_id FROM occurrence_exclusions WHERE decided_for = ?').all(ours.id) as Array<{
        device_id: string;
      }>
    ).map((r) => r.device_id);
    const clashes = sameLevelClashes(db, ours, now);
    if (
      clashes.length === 0 ||
      !clashes.some((c) => withinScope(user.scope, getDevice(db, c.deviceId)?.areaPath ?? ''))
    )
      return null;
    return storeDecision(db, user, ours, decision, clashes, previousDevices, now, { sameLevel: true });
  })();
}

function storeDecision(
  db: Db,
  user: User,
  ours: Broadcast,
  decision: ClashDecision,
  clashes: Conflict[],
  previousDevices: string[],
  now: number,
  auditExtra: Record<string, unknown>,
): DecisionResult {
  const ins = db.prepare(
    'INSERT OR IGNORE INTO occurrence_exclusions(broadcast_id, start_at, device_id, decided_for, decision, decided_by, decided_at, same_level) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const result: DecisionResult = { decision, excluded: [], outsideYourArea: [], previousDevices };
  for (const c of clashes) {
    const area = getDevice(db, c.deviceId)?.areaPath ?? '';
    if (!withinScope(user.scope, area)) {
      if (!result.outsideYourArea.includes(c.deviceId)) result.outsideYourArea.push(c.deviceId);
      continue;
    }
    const [broadcastId, startAt, title, start] =
      decision === 'air-ours'
        ? [c.broadcastId, c.otherStartAt, c.title, c.otherStart]
        : [ours.id, c.draftStartAt, ours.title, c.draftStart];
    if (
      ins.run(broadcastId, startAt, c.deviceId, ours.id, decision, user.id, now, auditExtra.sameLevel ? 1 : 0).changes
    )
      result.excluded.push({ broadcastId, title, start, deviceId: c.deviceId, deviceName: c.deviceName });
  }
  if (result.excluded.length === 0) throw new DecisionError(msg('decision.outside-area'), 403);
  audit(db, user.id, 'broadcast.decision', ours.id, {
    decision,
    conflictsWith: [...new Set(clashes.map((c) => c.broadcastId))],
    excluded: result.excluded.length,
    devices: [...new Set(result.excluded.map((e) => e.deviceId))],
    ...auditExtra,
  });
  return result;
}

/** The decision standing for a broadcast, if any: what it was and how many occurrences it moved. */
export function standingDecision(
  db: Db,
  broadcastId: string,
): {
  decision: ClashDecision;
  excluded: number;
  against: string[];
  sameLevel: boolean;
  againstTitles: string[];
} | null {
  const rows = db
    .prepare(
      'SELECT e.decision, e.broadcast_id, e.same_level, b.title FROM occurrence_exclusions e JOIN broadcasts b ON b.id = e.broadcast_id WHERE e.decided_for = ? ORDER BY e.same_level DESC',
    )
    .all(broadcastId) as Array<{ decision: ClashDecision; broadcast_id: string; same_level: number; title: string }>;
  if (rows.length === 0) return null;
  const against = rows[0].decision === 'air-ours' ? [...new Set(rows.map((r) => r.broadcast_id))] : [];
  const againstTitles = rows[0].decision === 'air-ours' ? [...new Set(rows.map((r) => r.title))] : [];
  // A leader's same-level choice comes first when a bulletin carries both kinds.
  return {
    decision: rows[0].decision,
    excluded: rows.length,
    against,
    sameLevel: rows[0].same_level === 1,
    againstTitles,
  };
}

/**
 * The user's own bulletins (waiting or approved) that a higher level's bulletin of the same
 * priority now clashes with, undecided — e.g. one the district approved after the ward's was saved.
 */
export function clashesToDecide(
  db: Db,
  user: User,
  now: number,
): Array<{ broadcastId: string; title: string; against: Array<{ id: string; title: string }> }> {
  const candidates = clashCandidates(db);
  const out = [];
  for (const b of candidates) {
    if (b.createdBy !== user.id || b.priority === 'emergency') continue;
    const clashes = findConflicts(db, b, { now, candidates }).filter(
      (c) => c.kind === 'decision' && c.otherLevel === 'higher',
    );
    if (clashes.length === 0) continue;
    const against = new Map(clashes.map((c) => [c.broadcastId, c.title]));
    out.push({ broadcastId: b.id, title: b.title, against: [...against].map(([id, title]) => ({ id, title })) });
  }
  return out;
}
