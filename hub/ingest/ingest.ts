// Everything devices send the hub: presence (birth/will), playback receipts, telemetry and clock
// requests. Each message is validated; a bad one is logged and counted, never acted on. A validly
// signed receipt is stored whatever it claims, but counts only if admitted against the plan.
// Each device's events are rate-limited first (rate-limit.ts): a flood from one device is dropped
// before it costs a parse, a signature check or a reply, and other devices are served as usual.
//
// Receipts are committed in groups: each is parsed and its signature checked on arrival, then it
// waits (at most BATCH_DELAY_MS, or until BATCH_MAX receipts wait) to be admitted and stored with the others
// in one transaction, one fsync (synchronous=FULL, database.ts). Only after that commit is any of
// them acknowledged: an ack tells the agent to delete its copy, so an acked receipt must be on disk.
// A batch that fails to commit is retried one receipt per transaction, so one bad receipt cannot
// hold back the others; what still fails is not acked, and the agent sends it again.
import type { EventEmitter } from 'node:events';
import type { HubEventMap } from '../api-contract/events.ts';
import type { Logger } from 'pino';
import {
  ClockRequest,
  DeviceStatus,
  Receipt,
  Telemetry,
  parseJson,
  createPublisher,
  hubSubscriptions,
  parseTopic,
  type Clock,
  type TimerHandle,
  verifyReceipt,
  type SignedEnvelope,
} from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { HubSigner } from '../signing.ts';
import type { HubMqtt } from '../mqtt/hub-mqtt.ts';
import { recordTelemetry } from '../devices/devices.ts';
import { createDeviceKeys } from '../devices/device-keys.ts';
import { createPresence } from '../devices/presence.ts';
import { admit, type Admission } from './admission.ts';
import { lookupPlans } from './plan-lookup.ts';
import { createReceiptStore, type StoreResult } from './receipt-store.ts';
import { createRateLimiter, DEVICE_RATES, type Rate } from './rate-limit.ts';

export interface IngestCounters {
  message(kind: string): void;
  rejected(reason: string): void;
  /** a receipt admitted (or received again, `duplicate`) */
  receipt(result: string, duplicate: boolean): void;
  /** a receipt stored as a rejected claim */
  receiptRejected(reason: string): void;
  /** a device message dropped by its rate limit */
  rateLimited(kind: string): void;
}

/** Receipts committed in one transaction at most. */
export const BATCH_MAX = 500;
/** Longest a receipt waits for its batch: short beside the agent's resend interval, long enough to gather a burst. */
export const BATCH_DELAY_MS = 20;
/** Receipt ids per ack message. */
const ACK_IDS_MAX = 500;

/** A receipt whose signature checked out, waiting for its batch. */
interface Pending {
  receipt: Receipt;
  topic: string;
  receivedAt: number;
}

type Outcome = { admission: Admission | null; stored: StoreResult };

export function createIngest(deps: {
  db: Db;
  mqtt: Pick<HubMqtt, 'publish'>;
  signer: HubSigner;
  topicPrefix: string;
  log: Logger;
  counters: IngestCounters;
  events: EventEmitter<HubEventMap>;
  /** The hub's clock: receipts are judged against when the hub received them, not what they claim. */
  clock: Clock;
  /** A birth named the manifest version the device holds; `live` is false for a retained one. */
  onBirth?: (deviceId: string, manifestVersion: number, live: boolean) => void;
  /** A live birth announced other capabilities than those kept: the device's manifest may change. */
  onCapabilities?: (deviceId: string) => void;
  /** Per-device rates by event kind (default DEVICE_RATES). */
  rates?: Record<string, Rate>;
  /** The signature check (default verifyReceipt); the ingest benchmark wraps it to time it. */
  verify?: typeof verifyReceipt;
  /** Group commit: a batch is committed when it holds this many receipts (default BATCH_MAX)… */
  batchMax?: number;
  /** …or this long after its first receipt arrived (default BATCH_DELAY_MS). */
  batchDelayMs?: number;
}) {
  const { db, mqtt, signer, log, counters, events } = deps;
  const { clock } = deps;
  const now = () => clock.now();
  const out = createPublisher(mqtt, deps.topicPrefix);
  const verify = deps.verify ?? verifyReceipt;
  const batchMax = deps.batchMax ?? BATCH_MAX;
  const batchDelayMs = deps.batchDelayMs ?? BATCH_DELAY_MS;
  let batch: Pending[] = [];
  let batchTimer: TimerHandle | null = null;

  const receipts = createReceiptStore(db);
  const presence = createPresence(db);
  const keys = createDeviceKeys(db);
  // Rates are about real time, not the hub clock tests may set.
  const limiter = createRateLimiter({
    rates: deps.rates ?? DEVICE_RATES,
    now: () => performance.now(),
    onDrop(deviceId, kind, dropped) {
      counters.rateLimited(kind);
      if (dropped !== null)
        log.warn({ deviceId, kind, dropped }, 'device over its message rate: dropping (logged once a minute)');
    },
  });

  const reject = (reason: string, topic: string, detail: string) => {
    counters.rejected(reason);
    log.warn({ topic, reason, detail }, 'device message rejected');
  };

  function onReceipt(deviceId: string, topic: string, payload: Buffer, receivedAt: number) {
    const r = parseJson(Receipt, payload);
    if (!r.ok) return reject('invalid', topic, r.error);
    const receipt = r.value;
    if (receipt.deviceId !== deviceId) return reject('wrong-device', topic, `receipt names device ${receipt.deviceId}`);
    const key = keys.get(deviceId);
    if (!key) return reject('unknown-device', topic, 'device has no enrolled key');
    if (!verify(key, receipt)) return reject('forged', topic, 'receipt signature does not match the device key');
    batch.push({ receipt, topic, receivedAt });
    if (batch.length >= batchMax) flush();
    else batchTimer ??= clock.setTimeout(flush, batchDelayMs);
  }

  /** Admits and stores receipts in arrival order, inside the caller's transaction. */
  function admitAndStore(items: Pending[]): Outcome[] {
    // A receipt stored already (the device resends because it has not heard our ack), or twice in
    // this batch, needs no plan.
    const stored = receipts.stored(items.map((p) => p.receipt.id));
    const seen = new Set(stored);
    const fresh: Pending[] = [];
    for (const p of items) {
      if (seen.has(p.receipt.id)) continue;
      seen.add(p.receipt.id);
      fresh.push(p);
    }
    const plans = lookupPlans(
      db,
      fresh.map((p) => p.receipt),
    );
    const admissions = fresh.map((p, i) => admit(p.receipt, plans[i]!, p.receivedAt));
    const results = receipts.storeAllIn(
      fresh.map((p, i) => ({ receipt: p.receipt, admission: admissions[i]!, receivedAt: p.receivedAt })),
      stored,
    );
    const outcomes = new Map<Pending, Outcome>(
      fresh.map((p, i) => [p, { admission: admissions[i]!, stored: results[i]! }]),
    );
    return items.map((p) => outcomes.get(p) ?? { admission: null, stored: { duplicate: true } });
  }
  /**
   * One transaction: admission, storage, and the signed acks. Sealing inside it puts the envelope
   * sequence number (hub_state) in the same commit, instead of an fsync of its own per ack; the
   * acks are published only after the commit.
   */
  const commitBatch = db.transaction((items: Pending[]) => {
    const outcomes = admitAndStore(items);
    const ids = new Map<string, string[]>();
    items.forEach((p) => {
      const list = ids.get(p.receipt.deviceId);
      if (list) list.push(p.receipt.id);
      else ids.set(p.receipt.deviceId, [p.receipt.id]);
    });
    const acks: Array<{ deviceId: string; env: SignedEnvelope }> = [];
    for (const [deviceId, list] of ids) {
      for (let i = 0; i < list.length; i += ACK_IDS_MAX) {
        acks.push({
          deviceId,
          env: signer.seal(
            { device: deviceId },
            { type: 'receipt-ack', receiptIds: list.slice(i, i + ACK_IDS_MAX) },
            3600_000,
          ),
        });
      }
    }
    return { outcomes, acks };
  });

  function flush() {
    if (batchTimer) clock.clearTimeout(batchTimer);
    batchTimer = null;
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    let outcomes: Array<Outcome | null>;
    let acks: Array<{ deviceId: string; env: SignedEnvelope }> = [];
    try {
      ({ outcomes, acks } = commitBatch(items));
    } catch (err) {
      log.warn({ err, receipts: items.length }, 'receipt batch did not commit: storing its receipts one at a time');
      outcomes = items.map((p) => {
        try {
          const one = commitBatch([p]);
          acks.push(...one.acks);
          return one.outcomes[0]!;
        } catch (e) {
          reject('error', p.topic, (e as Error).message);
          return null;
        }
      });
    }
    // Committed: now count, tell, and acknowledge.
    items.forEach((p, i) => {
      const outcome = outcomes[i];
      if (!outcome) return;
      const { receipt } = p;
      const { admission, stored } = outcome;
      try {
        if (stored.duplicate || !admission) counters.receipt(receipt.result, true);
        else if (!admission.admitted) {
          counters.receiptRejected(admission.reason);
          log.warn(
            {
              deviceId: receipt.deviceId,
              receiptId: receipt.id,
              occurrenceId: receipt.occurrenceId,
              result: receipt.result,
              reason: admission.reason,
              detail: admission.detail,
            },
            'receipt rejected: kept as a claim, not counted',
          );
        } else {
          counters.receipt(receipt.result, false);
          if (stored.state === 'admitted') events.emit('receipt', receipt);
          if (stored.other)
            log.info(
              {
                deviceId: receipt.deviceId,
                occurrenceId: receipt.occurrenceId,
                receiptId: receipt.id,
                state: stored.state,
                other: stored.other,
              },
              'another receipt for the same occurrence',
            );
        }
      } catch (err) {
        // A listener's failure does not undo the commit: the receipt is kept, so it is acked.
        log.error({ err, receiptId: receipt.id }, 'after storing a receipt');
      }
    });
    // Every stored receipt is acknowledged, admitted or not, so the device's outbox empties;
    // duplicates too, since the device only resends because it has not heard our ack.
    for (const { deviceId, env } of acks) {
      out.publish('deviceReply', { deviceId }, env).catch((err) => log.error({ err, deviceId }, 'ack publish failed'));
    }
  }

  // A retained status is what the broker stored, maybe days ago: old news, never presence. A
  // retained birth still tells which manifest version the device held (see onBirth).
  function onStatus(deviceId: string, topic: string, payload: Buffer, retained: boolean) {
    if (payload.length === 0) return; // a cleared retained message
    const r = parseJson(DeviceStatus, payload);
    if (!r.ok) return reject('invalid', topic, r.error);
    const status = r.value;
    if (status.deviceId !== deviceId) return reject('wrong-device', topic, `status names device ${status.deviceId}`);
    const birthVersion = status.state === 'online' ? status.manifestVersion : undefined;
    if (retained) {
      if (birthVersion !== undefined) deps.onBirth?.(deviceId, birthVersion, false);
      return;
    }
    const result = presence.applyStatus(status, now());
    if (result === 'stale')
      log.info({ deviceId, session: status.session }, 'ignored a stale status from an older session');
    if (result !== 'applied' && result !== 'applied-new-capabilities') return;
    events.emit('device', { deviceId, state: status.state });
    if (birthVersion !== undefined) deps.onBirth?.(deviceId, birthVersion, true);
    if (result === 'applied-new-capabilities') deps.onCapabilities?.(deviceId);
  }

  function onTelemetry(deviceId: string, topic: string, payload: Buffer) {
    const r = parseJson(Telemetry, payload);
    if (!r.ok) return reject('invalid', topic, r.error);
    if (r.value.deviceId !== deviceId)
      return reject('wrong-device', topic, `telemetry names device ${r.value.deviceId}`);
    recordTelemetry(db, r.value, now());
    events.emit('telemetry', r.value);
  }

  function onClock(deviceId: string, topic: string, payload: Buffer, t1: number) {
    const r = parseJson(ClockRequest, payload);
    if (!r.ok) return reject('invalid', topic, r.error);
    const env = signer.seal(
      { device: deviceId },
      { type: 'clock-reply', requestId: r.value.requestId, t0: r.value.t0, t1, t2: now() },
      60_000,
    );
    out.publish('deviceReply', { deviceId }, env).catch((err) => log.warn({ err, deviceId }, 'clock reply failed'));
  }

  function handle(topic: string, payload: Buffer, retained = false) {
    const receivedAt = now();
    const parsed = parseTopic(topic, deps.topicPrefix);
    if (!parsed || !('deviceId' in parsed)) return;
    counters.message(parsed.kind === 'deviceEvent' ? parsed.event : parsed.kind);
    try {
      if (parsed.kind === 'deviceStatus') return onStatus(parsed.deviceId, topic, payload, retained);
      if (parsed.kind !== 'deviceEvent') return;
      if (!limiter.take(parsed.deviceId, parsed.event)) return;
      // Only the device can publish on its topics (broker access rules), so any live message
      // from it says it is connected now.
      if (!retained && presence.markSeen(parsed.deviceId, receivedAt))
        events.emit('device', { deviceId: parsed.deviceId, state: 'online' });
      if (parsed.event === 'receipt') onReceipt(parsed.deviceId, topic, payload, receivedAt);
      else if (parsed.event === 'telemetry') onTelemetry(parsed.deviceId, topic, payload);
      else if (parsed.event === 'clock') onClock(parsed.deviceId, topic, payload, receivedAt);
    } catch (err) {
      reject('error', topic, (err as Error).message);
    }
  }

  return {
    handle,
    subscriptions: hubSubscriptions(deps.topicPrefix),
    /** Commits and acknowledges the receipts waiting for their batch now. */
    flush,
    stop() {
      flush();
    },
  };
}
