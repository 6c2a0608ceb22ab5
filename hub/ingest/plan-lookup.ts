// What the plan owes one device for one occurrence, asked of the same planOccurrences that builds
// the manifests and the coverage report's "scheduled" — so admission, dispatch and the report
// cannot disagree about what was planned.
import type { Db } from '../db/database.ts';
import { getBroadcast, type Broadcast } from '../broadcasts/broadcasts.ts';
import { everOwed, newPlanCache, owedAt, planOccurrences, type PlanCache } from '../broadcasts/plan.ts';
import { occurrenceId as makeOccurrenceId, occurrencesBetween } from '../broadcasts/recurrence.ts';
import { activeExclusions, exclusionKey } from '../broadcasts/exclusions.ts';
import { getDevice, resolveTargets } from '../devices/devices.ts';
import { formatVn } from '../time.ts';
import type { ScheduleItem } from '../../protocol/index.ts';
import type { PlanLookup } from './admission.ts';

/** `{broadcastId}@{startAt}` → its parts, or null when the id is not one the hub makes. */
export function parseOccurrenceId(id: string): { broadcastId: string; startAt: number } | null {
  const at = id.lastIndexOf('@');
  if (at <= 0) return null;
  const broadcastId = id.slice(0, at);
  const startAt = Number(id.slice(at + 1));
  if (!Number.isSafeInteger(startAt) || makeOccurrenceId(broadcastId, startAt) !== id) return null;
  return { broadcastId, startAt };
}

export function lookupPlan(db: Db, deviceId: string, occurrenceId: string): PlanLookup {
  return lookupPlans(db, [{ deviceId, occurrenceId }])[0]!;
}

/**
 * lookupPlan for many receipts at once, each answered exactly as alone: the broadcast's checks and
 * its plan (which resolves every target of the broadcast) are made once per occurrence, not once
 * per receipt, since a batch of receipts (ingest.ts) is mostly many devices on one occurrence.
 */
export function lookupPlans(db: Db, asks: ReadonlyArray<{ deviceId: string; occurrenceId: string }>): PlanLookup[] {
  const byOccurrence = new Map<string, number[]>();
  asks.forEach((a, i) => {
    const list = byOccurrence.get(a.occurrenceId);
    if (list) list.push(i);
    else byOccurrence.set(a.occurrenceId, [i]);
  });
  const out = new Array<PlanLookup>(asks.length);
  // Read once for the whole batch, not once per occurrence: every device's kind, the decommissioned
  // devices, each broadcast's targets and exclusions (all one snapshot: the batch's transaction).
  const shared = newShared();
  for (const [occurrenceId, indexes] of byOccurrence) {
    const devices = indexes.map((i) => asks[i]!.deviceId);
    const answers = lookupOccurrence(db, occurrenceId, devices, shared);
    for (const [k, i] of indexes.entries()) out[i] = answers[k]!;
  }
  return out;
}

/** Planned items kept at most (over all occurrences) before the cache starts again. */
const KEPT_MAX = 200_000;

/**
 * lookupPlans with each occurrence's plan kept across calls: sustained ingest sees the receipts of
 * one occurrence from many devices, batch after batch, and the plan of an occurrence (its
 * broadcast's checks, its targets, one item per device) is the same for all of them. It is planned
 * once for every device it targets, and answered per device from that. Kept only while nothing the
 * plan is made of has changed: migration 20's triggers count every change to broadcasts, targets,
 * exclusions, areas, media and the devices' planning columns, whoever makes it, and a change
 * empties the cache. Each call reads that count once (inside the caller's transaction, so in the
 * same snapshot as its lookups).
 */
export function createPlanLookup(db: Db) {
  const changes = db.prepare('SELECT n FROM plan_changes').pluck();
  let seen: number | null = null;
  const kept = new Map<string, OccurrencePlan>();
  let shared = newShared();
  let size = 0;
  return (asks: ReadonlyArray<{ deviceId: string; occurrenceId: string }>): PlanLookup[] => {
    const n = changes.get() as number;
    if (n !== seen || size > KEPT_MAX) {
      kept.clear();
      shared = newShared();
      size = 0;
      seen = n;
    }
    return asks.map(({ deviceId, occurrenceId }) => {
      let plan = kept.get(occurrenceId);
      if (!plan) {
        kept.set(occurrenceId, (plan = planOccurrence(db, occurrenceId, undefined, shared)));
        size += 1 + ('planned' in plan ? plan.planned.size : 0);
      }
      return answer(db, plan, deviceId);
    });
  };
}

// What a device was owed before it announced a lack stays owed: a later birth excuses nothing.
const newShared = (): PlanCache => ({ ...newPlanCache(), owedBeforeLack: true });

/** One occurrence's plan: the same answer for every device, or the items it planned per device. */
type OccurrencePlan = { all: PlanLookup } | { b: Broadcast; startAt: number; planned: Map<string, ScheduleItem> };

function lookupOccurrence(db: Db, occurrenceId: string, deviceIds: string[], shared: PlanCache): PlanLookup[] {
  const plan = planOccurrence(db, occurrenceId, new Set(deviceIds), shared);
  return deviceIds.map((deviceId) => answer(db, plan, deviceId));
}

/** `devices`: plan for these only (undefined: for every device the occurrence targets). */
function planOccurrence(
  db: Db,
  occurrenceId: string,
  devices: Set<string> | undefined,
  shared: PlanCache,
): OccurrencePlan {
  const occ = parseOccurrenceId(occurrenceId);
  if (!occ) return { all: { kind: 'unplanned', detail: `"${occurrenceId}" is not an occurrence id the hub makes` } };
  const b = getBroadcast(db, occ.broadcastId);
  if (!b) return { all: { kind: 'unplanned', detail: `no broadcast ${occ.broadcastId}` } };
  // What is owed, by the rule the coverage report applies (everOwed, owedAt).
  if (!everOwed(b)) return { all: { kind: 'unplanned', detail: `broadcast ${b.id} was never approved (${b.status})` } };
  if (!owedAt(b, occ.startAt))
    return {
      all: {
        kind: 'unplanned',
        detail: `broadcast ${b.id} was cancelled at ${formatVn(b.cancelledAt)}, before this occurrence`,
      },
    };
  if (!occurrencesBetween(b, occ.startAt, occ.startAt + 1).includes(occ.startAt)) {
    return { all: { kind: 'unplanned', detail: `broadcast ${b.id} has no occurrence at ${formatVn(occ.startAt)}` } };
  }
  const planned = new Map<string, ScheduleItem>();
  for (const p of planOccurrences(db, [b], occ.startAt, occ.startAt + 1, devices, [], shared))
    if (!planned.has(p.deviceId)) planned.set(p.deviceId, p.item);
  return { b, startAt: occ.startAt, planned };
}

function answer(db: Db, plan: OccurrencePlan, deviceId: string): PlanLookup {
  if ('all' in plan) return plan.all;
  const { b, startAt, planned } = plan;
  const item = planned.get(deviceId);
  if (item) return { kind: 'planned', item };
  if (b.rrule && b.decidedAt !== null && startAt < b.decidedAt) {
    return {
      kind: 'unplanned',
      detail: `the occurrence at ${formatVn(startAt)} precedes the approval of broadcast ${b.id}, so it was never sent`,
    };
  }
  // Planned for others but not for this device: say why, for the person reading the claim.
  if (!resolveTargets(db, b.targets.areas, b.targets.devices).includes(deviceId)) {
    return { kind: 'not-targeted', detail: `device ${deviceId} is not a target of broadcast ${b.id}` };
  }
  if (activeExclusions(db, [b.id]).has(exclusionKey(b.id, startAt, deviceId))) {
    return { kind: 'not-targeted', detail: `a clash decision took this occurrence off device ${deviceId}` };
  }
  return {
    kind: 'not-targeted',
    detail: `broadcast ${b.id} has nothing for a ${getDevice(db, deviceId)?.kind ?? 'unknown'} device`,
  };
}
