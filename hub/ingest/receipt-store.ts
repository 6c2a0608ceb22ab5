// Keeps every receipt a device sent, admitted or not, and resolves several receipts for one
// occurrence and device: among admitted ones the one with the most evidence of airing stands
// (RESULT_RANK; a tie keeps the first received), the others are kept as 'superseded'. A rejected
// receipt never stands, so a false early claim cannot hide the true result that arrives later.
// A batch (ingest.ts) asks which of its receipts are stored already and which receipts stand for
// its occurrences and devices in one query each, not one per receipt.
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

export interface ToStore {
  receipt: Receipt;
  admission: Admission;
  receivedAt: number;
}

/** The one statement that stores a receipt; the ingest benchmarks' raw peer runs it too, so both insert the same rows. */
export const INSERT_RECEIPT = `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, reason_code, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state, rejection, rejection_detail, superseded_by)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** INSERT_RECEIPT's values for one receipt, in its column order. */
export const receiptRow = (
  r: Receipt,
  receivedAt: number,
  state: ReceiptState,
  rejection: string | null,
  rejectionDetail: string | null,
  supersededBy: string | null,
) =>
  [
    r.id,
    r.occurrenceId,
    r.broadcastId,
    r.deviceId,
    r.result,
    r.reason ?? null,
    r.reasonCode ?? null,
    r.scheduledStart,
    r.actualStart,
    r.actualEnd,
    r.secondsPlayed,
    r.clockOffsetMs,
    JSON.stringify(r.evidence),
    r.sig,
    receivedAt,
    state,
    rejection,
    rejectionDetail,
    supersededBy,
  ] as const;

type Standing = { receipt_id: string; result: Receipt['result'] };
const pairKey = (occurrenceId: string, deviceId: string) => `${occurrenceId}\0${deviceId}`;

export function createReceiptStore(db: Db) {
  const storedOf = db
    .prepare('SELECT receipt_id FROM receipts WHERE receipt_id IN (SELECT value FROM json_each(?))')
    .pluck();
  // Probes the partial index receipts_admitted_once once per (occurrence, device) pair.
  const standingOf = db.prepare(
    `SELECT r.occurrence_id, r.device_id, r.receipt_id, r.result
       FROM json_each(?) AS j JOIN receipts AS r
         ON r.occurrence_id = j.value ->> 0 AND r.device_id = j.value ->> 1 AND r.state = 'admitted'`,
  );
  const supersede = db.prepare("UPDATE receipts SET state = 'superseded', superseded_by = ? WHERE receipt_id = ?");
  const insert = db.prepare(INSERT_RECEIPT);

  /** The ids among these that are stored already. */
  const stored = (ids: readonly string[]): Set<string> =>
    new Set(ids.length ? (storedOf.all(JSON.stringify(ids)) as string[]) : []);

  /**
   * Stores receipts in order, inside the caller's transaction. A receipt stored already (or twice in
   * the list) is a duplicate and changes nothing. Later receipts in the list see the earlier ones.
   * `storedAlready`: what `stored` answered for these ids, when the caller asked it already.
   */
  const storeAllIn = (items: readonly ToStore[], storedAlready?: ReadonlySet<string>): StoreResult[] => {
    const already = new Set(storedAlready ?? stored(items.map((x) => x.receipt.id)));
    const pairs = new Map<string, [string, string]>();
    for (const { receipt: r, admission } of items)
      if (admission.admitted) pairs.set(pairKey(r.occurrenceId, r.deviceId), [r.occurrenceId, r.deviceId]);
    const standing = new Map<string, Standing>();
    if (pairs.size)
      for (const row of standingOf.all(JSON.stringify([...pairs.values()])) as Array<
        Standing & { occurrence_id: string; device_id: string }
      >)
        standing.set(pairKey(row.occurrence_id, row.device_id), row);
    return items.map(({ receipt: r, admission, receivedAt }): StoreResult => {
      if (already.has(r.id)) return { duplicate: true };
      already.add(r.id);
      let state: ReceiptState = admission.admitted ? 'admitted' : 'rejected';
      let other: string | null = null;
      if (admission.admitted) {
        const key = pairKey(r.occurrenceId, r.deviceId);
        const current = standing.get(key);
        if (current && outranks(r.result, current.result)) {
          supersede.run(r.id, current.receipt_id);
          other = current.receipt_id;
        } else if (current) {
          state = 'superseded';
          other = current.receipt_id;
        }
        if (state === 'admitted') standing.set(key, { receipt_id: r.id, result: r.result });
      }
      insert.run(
        ...receiptRow(
          r,
          receivedAt,
          state,
          admission.admitted ? null : admission.reason,
          admission.admitted ? null : admission.detail.slice(0, 500),
          state === 'superseded' ? other : null,
        ),
      );
      return { duplicate: false, state, other };
    });
  };
  const storeIn = (r: Receipt, admission: Admission, receivedAt: number): StoreResult =>
    storeAllIn([{ receipt: r, admission, receivedAt }])[0]!;
  const store = db.transaction(storeIn);

  return {
    has: (receiptId: string) => stored([receiptId]).size > 0,
    /** The ids among these that are stored already (one query). */
    stored,
    /** Stores one receipt in a transaction of its own. */
    store: (r: Receipt, admission: Admission, receivedAt: number): StoreResult => store(r, admission, receivedAt),
    /** Stores one receipt inside the caller's transaction. */
    storeIn,
    /** Stores many receipts inside the caller's transaction (a batch commits them at once). */
    storeAllIn,
  };
}
