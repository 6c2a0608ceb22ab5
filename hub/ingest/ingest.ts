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
//
// With a pool of worker threads (`pool`, ingest-pool.ts), the receipts that arrive in one turn of
// the event loop go to a worker together to be parsed, validated and checked against their devices'
// keys, and the acks of a commit go to one to be signed; this thread keeps the rate limits,
// presence, admission and the transaction, and takes the checked receipts in arrival order. What a
// worker held when it died is neither stored nor acked: the devices send it again.
import type { EventEmitter } from 'node:events';
import type { HubEventMap } from '../api-contract/events.ts';
import type { Logger } from 'pino';
import {
  ClockRequest,
  DeviceStatus,
  type Receipt,
  Telemetry,
  parseJson,
  createPublisher,
  hubSubscriptions,
  parseTopic,
  type Clock,
  type TimerHandle,
  verifyReceipt,
  type SignedEnvelope,
  type Encoded,
} from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { HubSigner } from '../signing.ts';
import type { HubMqtt } from '../mqtt/hub-mqtt.ts';
import { recordTelemetry } from '../devices/devices.ts';
import { createDeviceKeys } from '../devices/device-keys.ts';
import { createPresence } from '../devices/presence.ts';
import { admit, type Admission } from './admission.ts';
import { createPlanLookup } from './plan-lookup.ts';
import { createReceiptStore, type StoreResult } from './receipt-store.ts';
import { createRateLimiter, DEVICE_RATES, type Rate } from './rate-limit.ts';
import { ACK_TTL_MS, checkReceipt } from './receipt-check.ts';
import type { IngestPool } from './ingest-pool.ts';

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
/** Parsed topics kept: a few per device of a province's fleet. */
const TOPICS_KEPT = 50_000;
/** Receipts sent to a worker at most in one job (more in one turn of the event loop go in several). */
const JOB_MAX = 250;

/** A receipt whose signature checked out, waiting for its batch. */
interface Pending {
  receipt: Receipt;
  topic: string;
  receivedAt: number;
}

type Outcome = { admission: Admission | null; stored: StoreResult };
type Ack = { deviceId: string; receiptIds: string[] };

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
  /** The signature check (default verifyReceipt); the ingest benchmark wraps it to time it. Not used with a pool (its workers check). */
  verify?: typeof verifyReceipt;
  /**
   * Worker threads for the receipts' checks and the acks' signatures; `nextSeq` hands out the hub
   * signer's envelope numbers (in this thread) for the acks they seal. Without, all runs here.
   */
  pool?: { workers: IngestPool; nextSeq: () => number };
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
  const pool = deps.pool;
  /** Receipts waiting to go to a worker (pool only), and whether a turn of the loop will send them. */
  let intake: Array<{ deviceId: string; topic: string; payload: Buffer; receivedAt: number }> = [];
  let intakeScheduled = false;
  /** The workers' answers are taken in the order the receipts arrived, whichever worker answers first. */
  let checked: Promise<void> = Promise.resolve();
  /** Acks being sealed in a worker (pool only). */
  const sealing = new Set<Promise<void>>();

  const receipts = createReceiptStore(db);
  const lookupPlans = createPlanLookup(db);
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

  // A device publishes on the same few topics again and again: each is parsed once (bounded).
  const topicsSeen = new Map<string, ReturnType<typeof parseTopic>>();
  const topicOf = (topic: string) => {
    let parsed = topicsSeen.get(topic);
    if (parsed === undefined) {
      if (topicsSeen.size >= TOPICS_KEPT) topicsSeen.clear();
      topicsSeen.set(topic, (parsed = parseTopic(topic, deps.topicPrefix)));
    }
    return parsed;
  };

  const reject = (reason: string, topic: string, detail: string) => {
    counters.rejected(reason);
    log.warn({ topic, reason, detail }, 'device message rejected');
  };

  function onReceipt(deviceId: string, topic: string, payload: Buffer, receivedAt: number) {
    if (pool) {
      intake.push({ deviceId, topic, payload, receivedAt });
      if (intake.length >= JOB_MAX) sendIntake();
      else if (!intakeScheduled) {
        intakeScheduled = true;
        setImmediate(sendIntake);
      }
      return;
    }
    const c = checkReceipt(deviceId, payload, () => keys.get(deviceId), verify);
    if (!c.ok) return reject(c.reason, topic, c.detail);
    accept({ receipt: c.receipt, topic, receivedAt });
  }

  /** A receipt whose signature checked out joins the batch. */
  function accept(p: Pending) {
    batch.push(p);
    if (batch.length >= batchMax) flush();
    else batchTimer ??= clock.setTimeout(flush, batchDelayMs);
  }

  /** Sends the receipts that arrived to a worker; their answers join the batch in arrival order. */
  function sendIntake() {
    intakeScheduled = false;
    const items = intake;
    intake = [];
    if (!pool || items.length === 0) return;
    // Moved to the worker as one buffer: one transfer, whatever buffers the MQTT client handed us.
    const ends: number[] = [];
    let total = 0;
    for (const p of items) ends.push((total += p.payload.length));
    const bytes = new Uint8Array(total);
    const pems = keys.pems([...new Set(items.map((p) => p.deviceId))]);
    items.forEach((p, i) => {
      bytes.set(p.payload, i ? ends[i - 1] : 0);
    });
    const answer = pool.workers
      .check({
        deviceIds: items.map((p) => p.deviceId),
        pems: items.map((p) => pems.get(p.deviceId) ?? null),
        ends,
        bytes,
      })
      .then(
        (results) => ({ results }),
        (err: Error) => ({ err }),
      );
    checked = checked.then(async () => {
      const a = await answer;
      if ('err' in a) {
        log.warn(
          { err: a.err, receipts: items.length },
          'receipts not checked: neither stored nor acked, their devices send them again',
        );
        for (let i = 0; i < items.length; i++) counters.rejected('error');
        return;
      }
      a.results.forEach((c, i) => {
        const p = items[i]!;
        if (c.ok) accept({ receipt: c.receipt, topic: p.topic, receivedAt: p.receivedAt });
        else reject(c.reason, p.topic, c.detail);
      });
    });
    // The chain must go on whatever one step threw: the next receipts still need their turn.
    checked = checked.catch((err) => log.error({ err }, 'after checking receipts'));
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
    const plans = lookupPlans(fresh.map((p) => p.receipt));
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
   * One transaction: admission and storage; it also says which acks to send (one per device), which
   * are signed and sent only after the commit.
   */
  const commitBatch = db.transaction((items: Pending[]) => {
    const outcomes = admitAndStore(items);
    const ids = new Map<string, string[]>();
    items.forEach((p) => {
      const list = ids.get(p.receipt.deviceId);
      if (list) list.push(p.receipt.id);
      else ids.set(p.receipt.deviceId, [p.receipt.id]);
    });
    const acks: Ack[] = [];
    for (const [deviceId, list] of ids)
      for (let i = 0; i < list.length; i += ACK_IDS_MAX)
        acks.push({ deviceId, receiptIds: list.slice(i, i + ACK_IDS_MAX) });
    return { outcomes, acks };
  });

  /** Signs and hands over the acks of a commit: here, or in a worker (whose loss loses only these acks). */
  function sendAcks(acks: Ack[]) {
    if (acks.length === 0) return;
    const handOver = (deviceId: string, env: SignedEnvelope | Encoded<'deviceReply'>) => {
      out.publish('deviceReply', { deviceId }, env).catch((err) => log.error({ err, deviceId }, 'ack publish failed'));
    };
    if (!pool) {
      for (const { deviceId, receiptIds } of acks)
        handOver(deviceId, signer.seal({ device: deviceId }, { type: 'receipt-ack', receiptIds }, ACK_TTL_MS));
      return;
    }
    const sealed = pool.workers
      .seal(acks.map((a) => ({ ...a, seq: pool.nextSeq(), now: now() })))
      .then(
        (envs) => {
          for (const [i, env] of envs.entries()) handOver(acks[i]!.deviceId, env);
        },
        (err: Error) =>
          log.warn({ err, acks: acks.length }, 'acks not signed: the devices send those receipts again, acked then'),
      )
      .finally(() => sealing.delete(sealed));
    sealing.add(sealed);
  }

  function flush() {
    if (batchTimer) clock.clearTimeout(batchTimer);
    batchTimer = null;
    const items = batch;
    batch = [];
    if (items.length === 0) return;
    let outcomes: Array<Outcome | null>;
    let acks: Ack[] = [];
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
    sendAcks(acks);
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
    const parsed = topicOf(topic);
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
    /** Commits and acknowledges the receipts waiting for their batch now (with a pool: those checked already). */
    flush,
    /**
     * Commits what waits and hands over its acks. With a pool, what the workers still check is
     * waited for first, then the acks' signatures; stop the pool after this has settled.
     */
    stop(): Promise<void> {
      if (!pool) {
        flush();
        return Promise.resolve();
      }
      sendIntake();
      return checked.then(async () => {
        flush();
        await Promise.all([...sealing]);
      });
    },
  };
}
