// What the plan owes one device for one occurrence, asked of the same planOccurrences that builds
// the manifests and the coverage report's "scheduled" — so admission, dispatch and the report
// cannot disagree about what was planned.
import type { Db } from '../db/database.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
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
  // What a device was owed before it announced a lack stays owed: a later birth excuses nothing.
  const shared: PlanCache = { ...newPlanCache(), owedBeforeLack: true };
  for (const [occurrenceId, indexes] of byOccurrence) {
    const devices = indexes.map((i) => asks[i]!.deviceId);
    const answers = lookupOccurrence(db, occurrenceId, devices, shared);
    for (const [k, i] of indexes.entries()) out[i] = answers[k]!;
  }
  return out;
}

function lookupOccurrence(db: Db, occurrenceId: string, deviceIds: string[], shared: PlanCache): PlanLookup[] {
  const all = (p: PlanLookup) => deviceIds.map(() => p);
  const occ = parseOccurrenceId(occurrenceId);
  if (!occ) return all({ kind: 'unplanned', detail: `"${occurrenceId}" is not an occurrence id the hub makes` });
  const b = getBroadcast(db, occ.broadcastId);
  if (!b) return all({ kind: 'unplanned', detail: `no broadcast ${occ.broadcastId}` });
  // What is owed, by the rule the coverage report applies (everOwed, owedAt).
  if (!everOwed(b)) return all({ kind: 'unplanned', detail: `broadcast ${b.id} was never approved (${b.status})` });
  if (!owedAt(b, occ.startAt))
    return all({
      kind: 'unplanned',
      detail: `broadcast ${b.id} was cancelled at ${formatVn(b.cancelledAt)}, before this occurrence`,
    });
  if (!occurrencesBetween(b, occ.startAt, occ.startAt + 1).includes(occ.startAt)) {
    return all({ kind: 'unplanned', detail: `broadcast ${b.id} has no occurrence at ${formatVn(occ.startAt)}` });
  }
  const planned = new Map<string, ScheduleItem>();
  for (const p of planOccurrences(db, [b], occ.startAt, occ.startAt + 1, new Set(deviceIds), [], shared))
    if (!planned.has(p.deviceId)) planned.set(p.deviceId, p.item);
  return deviceIds.map((deviceId): PlanLookup => {
    const item = planned.get(deviceId);
    if (item) return { kind: 'planned', item };
    if (b.rrule && b.decidedAt !== null && occ.startAt < b.decidedAt) {
      return {
        kind: 'unplanned',
        detail: `the occurrence at ${formatVn(occ.startAt)} precedes the approval of broadcast ${b.id}, so it was never sent`,
      };
    }
    // Planned for others but not for this device: say why, for the person reading the claim.
    if (!resolveTargets(db, b.targets.areas, b.targets.devices).includes(deviceId)) {
      return { kind: 'not-targeted', detail: `device ${deviceId} is not a target of broadcast ${b.id}` };
    }
    if (activeExclusions(db, [b.id]).has(exclusionKey(b.id, occ.startAt, deviceId))) {
      return { kind: 'not-targeted', detail: `a clash decision took this occurrence off device ${deviceId}` };
    }
    return {
      kind: 'not-targeted',
      detail: `broadcast ${b.id} has nothing for a ${getDevice(db, deviceId)?.kind ?? 'unknown'} device`,
    };
  });
}
