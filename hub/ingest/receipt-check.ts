// The database-free work on each receipt and each ack: parse and validate a receipt, check it names
// its device and carries that device's signature; seal the acks. The ingest runs it in its own
// thread (ingest.ts) or in the ingest's worker threads (ingest-pool.ts, ingest-worker.ts), the same
// functions either way, so both answer alike.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import {
  Receipt,
  parseJson,
  seal,
  encode,
  verifyReceipt,
  type Encoded,
  type KeyLike,
  type MessageTarget,
  type SignedEnvelope,
} from '../../protocol/index.ts';
import { parsePublicKey } from '../devices/device-keys.ts';
import { threadCpuMs } from './thread-cpu.ts';

export type Checked = { ok: true; receipt: Receipt } | { ok: false; reason: string; detail: string };

/**
 * In the order the ingest always judged them: a bad payload is 'invalid' whoever sent it, then
 * 'wrong-device', then a device without a key, then the signature.
 */
export function checkReceipt(
  deviceId: string,
  payload: Buffer | Uint8Array | string,
  /** read only once the receipt parsed and named its device */
  keyOf: () => KeyObject | undefined,
  verify: (key: KeyObject, r: Receipt) => boolean = verifyReceipt,
): Checked {
  const r = parseJson(
    Receipt,
    typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
  );
  if (!r.ok) return { ok: false, reason: 'invalid', detail: r.error };
  const receipt = r.value;
  if (receipt.deviceId !== deviceId)
    return { ok: false, reason: 'wrong-device', detail: `receipt names device ${receipt.deviceId}` };
  const key = keyOf();
  if (!key) return { ok: false, reason: 'unknown-device', detail: 'device has no enrolled key' };
  if (!verify(key, receipt))
    return { ok: false, reason: 'forged', detail: 'receipt signature does not match the device key' };
  return { ok: true, receipt };
}

/** One ack to seal: its sequence number and time come from the hub's signer, in the hub's thread. */
export interface AckToSeal {
  deviceId: string;
  receiptIds: string[];
  seq: number;
  now: number;
}

/** How long an ack stays valid. */
export const ACK_TTL_MS = 3600_000;

export function sealAck(privateKey: KeyLike, a: AckToSeal): SignedEnvelope {
  const to: MessageTarget = { device: a.deviceId };
  return seal(
    privateKey,
    to,
    { type: 'receipt-ack', receiptIds: a.receiptIds },
    { seq: a.seq, ttlMs: ACK_TTL_MS, now: a.now },
  );
}

/** Receipts for a worker: their payloads end to end in one buffer (moved, not copied, to the worker). */
export interface CheckJob {
  deviceIds: string[];
  /** each device's stored public key (PEM), null when it has none */
  pems: Array<string | null>;
  /** where each payload ends in `bytes` */
  ends: number[];
  bytes: Uint8Array;
}

export type WorkerRequest =
  | { op: 'check'; id: number; job: CheckJob }
  | { op: 'seal'; id: number; acks: AckToSeal[] }
  | { op: 'cpu'; id: number };

export type WorkerReply =
  /** `refused[i]` null: the receipt passed, and is the next of `passed` (one JSON array: cheaper to cross than objects) */
  | { id: number; refused: Array<{ reason: string; detail: string } | null>; passed: string }
  /** each ack's envelope, serialised as published (encode: strings cross threads cheaply) */
  | { id: number; sealed: Array<Encoded<'deviceReply'>> }
  | { id: number; cpuMs: number | null }
  | { id: number; error: string };

/** At most this many parsed device keys are kept by a worker (a fleet's worth). */
const KEYS_KEPT = 50_000;

/**
 * A worker thread's loop (ingest-worker.ts starts it): checks receipts and seals acks as the hub's
 * thread asks. `workerData.privateKeyPem` is the hub's key. `verify`: the ingest benchmark answers
 * the signature checks from a run that made them (test/bench/ingest-worker-known.ts).
 */
export function serveChecks(verify: (key: KeyObject, r: Receipt) => boolean = verifyReceipt): void {
  const port = parentPort;
  if (!port) throw new Error('serveChecks runs in a worker thread');
  const privateKey = createPrivateKey((workerData as { privateKeyPem: string }).privateKeyPem);
  // Parsed keys by PEM: a key enrolled again is another PEM, so it is never mistaken for the old one.
  const keys = new Map<string, KeyObject>();
  const keyOf = (pem: string | null): KeyObject | undefined => {
    if (pem === null) return undefined;
    let key = keys.get(pem);
    if (!key) {
      if (keys.size >= KEYS_KEPT) keys.clear();
      key = parsePublicKey(pem);
      keys.set(pem, key);
    }
    return key;
  };
  port.on('message', (m: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      if (m.op === 'check') {
        const { deviceIds, pems, ends, bytes } = m.job;
        const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const passed: Receipt[] = [];
        const refused = deviceIds.map((deviceId, i) => {
          let c: Checked;
          try {
            c = checkReceipt(deviceId, buf.subarray(i ? ends[i - 1] : 0, ends[i]), () => keyOf(pems[i]!), verify);
          } catch (err) {
            // One receipt's failure (a stored key that does not parse) is its own, not its job's.
            c = { ok: false, reason: 'error', detail: (err as Error).message };
          }
          if (!c.ok) return { reason: c.reason, detail: c.detail };
          passed.push(c.receipt);
          return null;
        });
        reply = { id: m.id, refused, passed: JSON.stringify(passed) };
      } else if (m.op === 'seal')
        reply = { id: m.id, sealed: m.acks.map((a) => encode('deviceReply', sealAck(privateKey, a))) };
      else reply = { id: m.id, cpuMs: threadCpuMs() };
    } catch (err) {
      reply = { id: m.id, error: (err as Error).message };
    }
    port.postMessage(reply);
  });
}
