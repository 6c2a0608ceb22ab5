// Admits again what a broadcast's receipts claim once its length is known. While a live session
// runs, its plan lasts the 30-minute maximum: a receipt that arrives then (a device that lost the
// stream, or one that lies) is measured against that. A device's key could so claim up to the clock
// tolerance (60 s) of airing past the real end. When the session ends the hub checks each stored
// receipt of it against the actual length: one that no longer fits is rejected as implausible, and
// each device's standing receipt is chosen again among the rest, as ingest would have chosen it.
import type { Receipt } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { admit, RESULT_RANK } from './admission.ts';
import { lookupPlans } from './plan-lookup.ts';

interface Row {
  receipt_id: string;
  occurrence_id: string;
  broadcast_id: string;
  device_id: string;
  result: Receipt['result'];
  reason: string | null;
  reason_code: string | null;
  scheduled_start: number;
  actual_start: number | null;
  actual_end: number | null;
  seconds_played: number;
  clock_offset_ms: number | null;
  evidence: string;
  signature: string;
  received_at: number;
  state: 'admitted' | 'superseded';
}

const receiptOf = (r: Row): Receipt => ({
  id: r.receipt_id,
  deviceId: r.device_id,
  occurrenceId: r.occurrence_id,
  broadcastId: r.broadcast_id,
  result: r.result,
  ...(r.reason !== null ? { reason: r.reason } : {}),
  ...(r.reason_code !== null ? { reasonCode: r.reason_code } : {}),
  scheduledStart: r.scheduled_start,
  actualStart: r.actual_start,
  actualEnd: r.actual_end,
  secondsPlayed: r.seconds_played,
  clockOffsetMs: r.clock_offset_ms ?? 0,
  evidence: JSON.parse(r.evidence),
  sig: r.signature,
});

/**
 * Inside the caller's transaction: the broadcast's admitted and superseded receipts checked against
 * its plan as it stands now. Returns the receipts rejected by this check, with why.
 */
export function recheckReceipts(db: Db, broadcastId: string): Array<{ receiptId: string; detail: string }> {
  const rows = db
    .prepare(
      `SELECT * FROM receipts WHERE broadcast_id = ? AND state IN ('admitted', 'superseded')
        ORDER BY received_at, rowid`,
    )
    .all(broadcastId) as Row[];
  if (!rows.length) return [];
  const plans = lookupPlans(
    db,
    rows.map((r) => ({ deviceId: r.device_id, occurrenceId: r.occurrence_id })),
  );
  const struck: Array<{ receiptId: string; detail: string }> = [];
  const kept = new Map<string, Row[]>(); // occurrence and device → what still stands, in arrival order
  rows.forEach((row, i) => {
    const a = admit(receiptOf(row), plans[i]!, row.received_at);
    if (!a.admitted) {
      const detail = `${a.detail} (checked again once the broadcast's length was known)`.slice(0, 500);
      struck.push({ receiptId: row.receipt_id, detail });
      return;
    }
    const key = `${row.occurrence_id}\0${row.device_id}`;
    const list = kept.get(key);
    if (list) list.push(row);
    else kept.set(key, [row]);
  });
  if (!struck.length) return [];

  const reject = db.prepare(
    "UPDATE receipts SET state = 'rejected', rejection = ?, rejection_detail = ?, superseded_by = NULL WHERE receipt_id = ?",
  );
  for (const s of struck) reject.run('implausible', s.detail, s.receiptId);
  // The one with the most evidence of airing stands; ties keep the first to arrive (receipt-store.ts).
  const setState = db.prepare('UPDATE receipts SET state = ?, superseded_by = ? WHERE receipt_id = ?');
  for (const list of kept.values()) {
    const best = list.reduce((a, b) => (RESULT_RANK[b.result] > RESULT_RANK[a.result] ? b : a));
    if (best.state === 'admitted') continue;
    for (const r of list) if (r !== best) setState.run('superseded', best.receipt_id, r.receipt_id);
    setState.run('admitted', null, best.receipt_id);
  }
  return struck;
}
