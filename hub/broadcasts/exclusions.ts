// Occurrences taken off some devices by a ward official's clash decision (see
// hub/schedule/decisions.ts). An exclusion holds while the broadcast it was decided for is
// approved — or, once that one is cancelled, for the occurrences before the cancellation — so a
// rejected or withdrawn bulletin never silences the one it clashed with.
import type { Db } from '../db/database.ts';

export const exclusionKey = (broadcastId: string, startAt: number, deviceId: string) =>
  `${broadcastId}|${startAt}|${deviceId}`;

/**
 * Keys of the excluded (broadcast, start, device) triples among these broadcasts. `pendingFor`
 * names broadcasts whose decisions count although they are not approved yet (a draft under review).
 */
export function activeExclusions(db: Db, broadcastIds: string[], pendingFor: string[] = []): Set<string> {
  return new Set(
    activeExclusionRows(db, broadcastIds, pendingFor).map((r) => exclusionKey(r.broadcastId, r.startAt, r.deviceId)),
  );
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

function activeExclusionRows(
  db: Db,
  broadcastIds: string[],
  pendingFor: string[] = [],
): Array<{ broadcastId: string; startAt: number; deviceId: string }> {
  if (broadcastIds.length === 0) return [];
  // Filtered in SQL (the index on broadcast_id): this runs on every plan the hub makes.
  return db
    .prepare(
      `SELECT e.broadcast_id AS broadcastId, e.start_at AS startAt, e.device_id AS deviceId
         FROM occurrence_exclusions e JOIN broadcasts d ON d.id = e.decided_for
        WHERE e.broadcast_id IN (SELECT value FROM json_each(?))
          AND (d.status = 'approved'
               OR e.decided_for IN (SELECT value FROM json_each(?))
               OR (d.status = 'cancelled' AND e.start_at < d.cancelled_at))`,
    )
    .all(JSON.stringify(broadcastIds), JSON.stringify(pendingFor)) as Array<{
    broadcastId: string;
    startAt: number;
    deviceId: string;
  }>;
}
