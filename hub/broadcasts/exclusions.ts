// Occurrences taken off some devices by a ward official's clash decision (see
// hub/schedule/decisions.ts). An exclusion holds while the broadcast it was decided for is
// approved — or, once that one is cancelled, for the occurrences before the cancellation — so a
// rejected or withdrawn bulletin never silences the one it clashed with.
import type { Db } from '../db/database.ts';

export const exclusionKey = (broadcastId: string, startAt: number, deviceId: string) => `${broadcastId}|${startAt}|${deviceId}`;

/**
 * Keys of the excluded (broadcast, start, device) triples among these broadcasts. `pendingFor`
 * names broadcasts whose decisions count although they are not approved yet (a draft under review).
 */
export function activeExclusions(db: Db, broadcastIds: string[], pendingFor: string[] = []): Set<string> {
  return new Set(activeExclusionRows(db, broadcastIds, pendingFor).map((r) => exclusionKey(r.broadcastId, r.startAt, r.deviceId)));
}

/** The devices each occurrence is taken off, keyed by `${broadcastId}|${startAt}`. */
export function devicesLeftOff(db: Db, broadcastIds: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of activeExclusionRows(db, broadcastIds)) {
    const k = `${r.broadcastId}|${r.startAt}`;
    out.set(k, [...(out.get(k) ?? []), r.deviceId]);
  }
  return out;
}

function activeExclusionRows(db: Db, broadcastIds: string[], pendingFor: string[] = []): Array<{ broadcastId: string; startAt: number; deviceId: string }> {
  const out: Array<{ broadcastId: string; startAt: number; deviceId: string }> = [];
  if (broadcastIds.length === 0) return out;
  const any = db.prepare('SELECT 1 FROM occurrence_exclusions LIMIT 1').get();
  if (!any) return out;
  const wanted = new Set(broadcastIds);
  const pending = new Set(pendingFor);
  const rows = db
    .prepare(
      `SELECT e.broadcast_id, e.start_at, e.device_id, e.decided_for, d.status, d.cancelled_at
         FROM occurrence_exclusions e JOIN broadcasts d ON d.id = e.decided_for`,
    )
    .all() as Array<{ broadcast_id: string; start_at: number; device_id: string; decided_for: string; status: string; cancelled_at: number | null }>;
  for (const r of rows) {
    if (!wanted.has(r.broadcast_id)) continue;
    const holds = r.status === 'approved' || pending.has(r.decided_for) || (r.status === 'cancelled' && r.cancelled_at !== null && r.start_at < r.cancelled_at);
    if (holds) out.push({ broadcastId: r.broadcast_id, startAt: r.start_at, deviceId: r.device_id });
  }
  return out;
}
