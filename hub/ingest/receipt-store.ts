// Keeps every receipt a device sent, admitted or not, and resolves several receipts for one
// occurrence and device: among admitted ones the one with the most evidence of airing stands
// (RESULT_RANK; a tie keeps the first received), the others are kept as 'superseded'. A rejected
// receipt never stands, so a false early claim cannot hide the true result that arrives later.
import type { Receipt } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { outranks, type Admission } from './admission.ts';

export type ReceiptState = 'admitted' | 'superseded' | 'rejected';

export type StoreResult =
  | { duplicate: true }
  | {
      duplicate: false;
      state: ReceiptState /** the receipt this one displaced, or the one that still stands */;
      other: string | null;
    };

export function createReceiptStore(db: Db) {
  const exists = db.prepare('SELECT 1 FROM receipts WHERE receipt_id = ?');
  const standing = db.prepare(
    "SELECT receipt_id, result FROM receipts WHERE occurrence_id = ? AND device_id = ? AND state = 'admitted'",
  );
  const supersede = db.prepare("UPDATE receipts SET state = 'superseded', superseded_by = ? WHERE receipt_id = ?");
  const insert = db.prepare(
    `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, reason_code, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state, rejection, rejection_detail, superseded_by)
     VALUES (@id, @occurrenceId, @broadcastId, @deviceId, @result, @reason, @reasonCode, @scheduledStart, @actualStart, @actualEnd, @secondsPlayed, @clockOffsetMs, @evidence, @sig, @receivedAt, @state, @rejection, @rejectionDetail, @supersededBy)`,
  );

  // Not a transaction of its own: the caller's batch (ingest.ts) is the transaction.
  const storeIn = (r: Receipt, admission: Admission, receivedAt: number): StoreResult => {
    if (exists.get(r.id)) return { duplicate: true };
    let state: ReceiptState = admission.admitted ? 'admitted' : 'rejected';
    let other: string | null = null;
    if (admission.admitted) {
      const current = standing.get(r.occurrenceId, r.deviceId) as
        | { receipt_id: string; result: Receipt['result'] }
        | undefined;
      if (current && outranks(r.result, current.result)) {
        supersede.run(r.id, current.receipt_id);
        other = current.receipt_id;
      } else if (current) {
        state = 'superseded';
        other = current.receipt_id;
      }
    }
    insert.run({
      ...r,
      reason: r.reason ?? null,
      reasonCode: r.reasonCode ?? null,
      evidence: JSON.stringify(r.evidence),
      receivedAt,
      state,
      rejection: admission.admitted ? null : admission.reason,
      rejectionDetail: admission.admitted ? null : admission.detail.slice(0, 500),
      supersededBy: state === 'superseded' ? other : null,
    });
    return { duplicate: false, state, other };
  };
  const store = db.transaction(storeIn);

  return {
    has: (receiptId: string) => !!exists.get(receiptId),
    /** Stores one receipt in a transaction of its own. */
    store: (r: Receipt, admission: Admission, receivedAt: number): StoreResult => store(r, admission, receivedAt),
    /** Stores one receipt inside the caller's transaction (a batch commits many at once). */
    storeIn,
  };
}
