// Conflicts between a draft broadcast and what is already approved or waiting for approval on the
// same devices, classified by the national priority rule (Circular 39/2020/TT-BTTTT): normal <
// priority < emergency; the higher level pre-empts. Two bulletins of the same level from different
// levels of government (a district priority bulletin against the ward's own) are the ward
// official's decision, not an error. Two of the same level and priority are the approving leader's
// choice (decideSameLevel in decisions.ts); until a choice is stored, whoPlays says what the device
// will do by its own rule.
import { DAY_MS as DAY, PRIORITY_RANK, type Priority } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { listBroadcasts, type Broadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences, plannedStarts } from '../broadcasts/plan.ts';
import { getDevice } from '../devices/devices.ts';
import { formatVn } from '../time.ts';

export type ConflictKind = 'overlap' | 'preempts' | 'preempted' | 'decision';

export interface Conflict {
  kind: ConflictKind;
  deviceId: string;
  deviceName: string;
  draftStart: string;
  draftEnd: string;
  broadcastId: string;
  title: string;
  priority: Priority;
  status: string;
  otherStart: string;
  otherEnd: string;
  /** The same two starts as epoch milliseconds, to name the occurrences exactly. */
  draftStartAt: number;
  otherStartAt: number;
  /** Where the other broadcast comes from relative to the draft: a higher level, the same, or lower. */
  otherLevel: 'higher' | 'same' | 'lower';
  /** Which of the two the device plays at this clash, undecided (see whoPlays). */
  plays: WhoPlays;
  /** A clash of the same priority and level with an approved bulletin: the approving leader chooses. */
  leaderChooses: boolean;
}

/**
 * 'draft' or 'other': that one plays and the other waits behind it (and is skipped if it cannot
 * start within the agent's grace, 60 s by default). 'first-approved': neither is approved yet and
 * they start together, so whichever is approved first plays.
 */
export type WhoPlays = 'draft' | 'other' | 'first-approved';

interface Contender {
  priority: Priority;
  startAt: number;
  /** Approval time; null while waiting for approval (a draft, or a submitted bulletin). */
  approvedAt: number | null;
}

/**
 * What the device will play when two occurrences overlap, by the agent's own rule
 * (edge-agent/timeline.ts, rule 3): the higher priority; at the same priority the earlier start; at
 * the same start the one approved first (a bulletin already approved before one still waiting).
 */
export function whoPlays(draft: Contender, other: Contender): WhoPlays {
  const d = PRIORITY_RANK[draft.priority] - PRIORITY_RANK[other.priority];
  if (d !== 0) return d > 0 ? 'draft' : 'other';
  if (draft.startAt !== other.startAt) return draft.startAt < other.startAt ? 'draft' : 'other';
  if (draft.approvedAt === null && other.approvedAt === null) return 'first-approved';
  if (draft.approvedAt === null) return 'other';
  if (other.approvedAt === null) return 'draft';
  return draft.approvedAt <= other.approvedAt ? 'draft' : 'other';
}

const approvedAtOf = (b: Broadcast) => (b.status === 'approved' && b.decidedAt !== null ? b.decidedAt : null);

/** Depth of the highest target (fewest path segments): 1 province, 2 district, 3 ward, … */
export function broadcastDepth(targetPaths: string[]): number {
  return Math.min(...targetPaths.map((p) => p.split('/').length), 99);
}

/** How the draft and an overlapping broadcast relate under the priority rule. */
export function classifyConflict(
  draft: { priority: Priority; depth: number },
  other: { priority: Priority; depth: number },
): ConflictKind {
  const d = PRIORITY_RANK[draft.priority];
  const o = PRIORITY_RANK[other.priority];
  if (d > o) return 'preempts';
  if (d < o) return 'preempted';
  if (draft.priority !== 'emergency' && draft.depth !== other.depth) return 'decision';
  return 'overlap';
}

const overlaps = (a0: number, a1: number, b0: number, b1: number) => a0 < b1 && b0 < a1;

/** Broadcasts a draft can clash with: approved or waiting for approval. Load once to check several drafts. */
export const clashCandidates = (db: Db) =>
  listBroadcasts(db, { limit: 100_000 }).filter((b) => b.status === 'approved' || b.status === 'submitted');

/** Whether any of two sorted lists of starts, each occurrence lasting at most its list's length, overlap. */
function startsOverlap(a: number[], aMs: number, b: number[], bMs: number): boolean {
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] + aMs <= b[j]) i++;
    else if (b[j] + bMs <= a[i]) j++;
    else return true;
  }
  return false;
}

export function findConflicts(
  db: Db,
  draft: Broadcast,
  {
    now,
    horizonMs = 35 * DAY,
    limit = 200,
    candidates,
    sameLevelOnly = false,
  }: {
    now: number;
    horizonMs?: number;
    limit?: number;
    candidates?: Broadcast[];
    /** only approved bulletins of the draft's priority and level (the clashes a leader chooses on) */
    sameLevelOnly?: boolean;
  },
): Conflict[] {
  const pathsOf = (b: Broadcast) =>
    [...b.targets.areas, ...b.targets.devices.map((d) => getDevice(db, d)?.areaPath ?? '')].filter(Boolean);
  const depthOf = new Map<string, number>();
  const depth = (b: Broadcast) => depthOf.get(b.id) ?? depthOf.set(b.id, broadcastDepth(pathsOf(b))).get(b.id)!;
  const draftDepth = broadcastDepth(pathsOf(draft));
  const from = Math.min(now, draft.startsAt ?? now) - draft.durationMs;
  const to = now + horizonMs;
  // Planning every device of a province is the expensive part: first keep only the broadcasts whose
  // times can meet the draft's at all, and plan nothing when none can.
  const all = (candidates ?? clashCandidates(db)).filter((b) => b.id !== draft.id);
  const since = from - Math.max(0, ...all.map((b) => b.durationMs)) - DAY;
  const ours = plannedStarts(db, draft, from, to);
  const meeting = all.filter((b) => {
    if (sameLevelOnly && !(b.status === 'approved' && b.priority === draft.priority && depth(b) === draftDepth))
      return false;
    const theirs = plannedStarts(db, b, since, to);
    return startsOverlap(ours.starts, ours.longestMs, theirs.starts, theirs.longestMs);
  });
  if (meeting.length === 0) return [];
  // The draft's own clash decisions count already, even before it is approved.
  const mine = planOccurrences(db, [draft], from, to, undefined, [draft.id]);
  if (mine.length === 0) return [];
  const devices = new Set(mine.map((m) => m.deviceId));
  const theirs = planOccurrences(db, meeting, since, to, devices, [draft.id]);
  const byDevice = new Map<string, typeof theirs>();
  for (const t of theirs) (byDevice.get(t.deviceId) ?? byDevice.set(t.deviceId, []).get(t.deviceId)!).push(t);
  const byId = new Map(meeting.map((b) => [b.id, b]));

  const out: Conflict[] = [];
  for (const m of mine) {
    const a0 = m.item.startAt;
    const a1 = a0 + m.item.durationMs;
    for (const t of byDevice.get(m.deviceId) ?? []) {
      const b0 = t.item.startAt;
      const b1 = b0 + t.item.durationMs;
      if (!overlaps(a0, a1, b0, b1)) continue;
      const other = byId.get(t.item.broadcastId)!;
      const oDepth = depth(other);
      const kind = classifyConflict(
        { priority: draft.priority, depth: draftDepth },
        { priority: other.priority, depth: oDepth },
      );
      out.push({
        kind,
        deviceId: m.deviceId,
        deviceName: getDevice(db, m.deviceId)?.name ?? m.deviceId,
        draftStart: formatVn(a0)!,
        draftEnd: formatVn(a1)!,
        broadcastId: other.id,
        title: other.title,
        priority: other.priority,
        status: other.status,
        otherStart: formatVn(b0)!,
        otherEnd: formatVn(b1)!,
        draftStartAt: a0,
        otherStartAt: b0,
        otherLevel: oDepth < draftDepth ? 'higher' : oDepth > draftDepth ? 'lower' : 'same',
        plays: whoPlays(
          { priority: draft.priority, startAt: a0, approvedAt: approvedAtOf(draft) },
          { priority: other.priority, startAt: b0, approvedAt: approvedAtOf(other) },
        ),
        leaderChooses: kind === 'overlap' && draft.priority !== 'emergency' && other.status === 'approved',
      });
      if (out.length >= limit) return out;
    }
  }
  return out.sort((x, y) => x.draftStart.localeCompare(y.draftStart) || x.deviceId.localeCompare(y.deviceId));
}
