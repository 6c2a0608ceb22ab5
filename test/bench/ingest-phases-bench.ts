// Where the hub's CPU goes per receipt, phase by phase: the functions createIngest (hub/ingest/
// ingest.ts) calls for each message and each batch, run one phase at a time over all the receipts
// of the ingest benchmark's world, timed in CPU (process.cpuUsage), so the figures hold on a
// shared machine. The raw better-sqlite3 insert of the same rows, same database and synchronous
// level, is the peer line. Median of the rounds. Phases marked [worker] run in the ingest's worker
// threads (hub/ingest/ingest-pool.ts) in the hub, and are summed apart from the hub thread's;
// "verify" is reported apart from both.
//   node bin/run-ts.mjs test/bench/ingest-phases-bench.ts [devices=200] [bulletins=50] [rounds=5]
//   (npm run bench -- ingest-phases)
import os from 'node:os';
import { createPrivateKey } from 'node:crypto';
import {
  createPublisher,
  parseJson,
  parseTopic,
  Receipt,
  systemClock,
  verifyReceipt,
  encode,
} from '../../protocol/index.ts';
import { createHubSigner, loadOrCreateHubKeys } from '../../hub/signing.ts';
import { createDeviceKeys } from '../../hub/devices/device-keys.ts';
import { createPresence } from '../../hub/devices/presence.ts';
import { createRateLimiter, DEVICE_RATES } from '../../hub/ingest/rate-limit.ts';
import { createPlanLookup } from '../../hub/ingest/plan-lookup.ts';
import { sealAck } from '../../hub/ingest/receipt-check.ts';
import { admit } from '../../hub/ingest/admission.ts';
import { createReceiptStore } from '../../hub/ingest/receipt-store.ts';
import { BATCH_MAX } from '../../hub/ingest/ingest.ts';
import { createIngestFixture, rawInsertBatch } from './ingest-fixture.ts';

const DEVICES = Number(process.argv[2] ?? 200);
const BULLETINS = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 5);
const fx = await createIngestFixture('wardcast-ingest-phases-', DEVICES, BULLETINS, false);
const { tp, dir, payloads, world: w } = fx;
try {
  const N = payloads.length;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const phases: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const db = fx.openCopy();
    const t: Record<string, number> = {};
    const time = <T>(phase: string, fn: () => T): T => {
      const c = cpu();
      const v = fn();
      t[phase] = (t[phase] ?? 0) + cpu() - c;
      return v;
    };
    const keys = createDeviceKeys(db);
    const presence = createPresence(db);
    const limiter = createRateLimiter({ rates: DEVICE_RATES, now: () => performance.now(), onDrop() {} });
    const store = createReceiptStore(db);
    const signer = createHubSigner(db, loadOrCreateHubKeys(dir), systemClock);
    const out = createPublisher({ publish: async () => {} }, tp.prefix);
    const lookupPlans = createPlanLookup(db);
    const hubKey = createPrivateKey(loadOrCreateHubKeys(dir).privateKeyPem);
    // Sustained ingest: keys parsed and devices shown online already.
    for (const d of w.devices) {
      keys.get(d.id);
      presence.markSeen(d.id, w.receivedAt);
    }
    // Per message, in the order handle() and onReceipt() take them. Each topic is parsed once
    // (handle() keeps them): the receipts here are one per device and bulletin, so a device's
    // topic is parsed once and found again 49 times.
    const parsedTopics = new Map<string, ReturnType<typeof parseTopic>>();
    const topicsOf = time('topic parse (kept per topic)', () =>
      payloads.map((p) => {
        let x = parsedTopics.get(p.topic);
        if (x === undefined) parsedTopics.set(p.topic, (x = parseTopic(p.topic, tp.prefix)));
        return x!;
      }),
    );
    time('rate limit', () => topicsOf.map((x) => 'deviceId' in x && limiter.take(x.deviceId, 'receipt')));
    time('presence (markSeen)', () => topicsOf.map((x) => 'deviceId' in x && presence.markSeen(x.deviceId, 0)));
    // To a worker, as sendIntake() sends them: the devices' stored keys (one query per job) and the
    // payloads end to end in one buffer.
    const JOB = 100;
    time('to a worker: keys (1 query per job) + one buffer', () => {
      for (let i = 0; i < N; i += JOB) {
        const job = payloads.slice(i, i + JOB);
        const ids = topicsOf.slice(i, i + JOB).map((x) => ('deviceId' in x ? x.deviceId : ''));
        const pems = keys.pems([...new Set(ids)]);
        const bytes = new Uint8Array(job.reduce((n, p) => n + p.payload.length, 0));
        let at = 0;
        for (const p of job) {
          bytes.set(p.payload, at);
          at += p.payload.length;
        }
        if (!pems.size) throw new Error('no keys');
      }
    });
    const receipts = time('[worker] JSON.parse + zod', () =>
      payloads.map((p) => {
        const r = parseJson(Receipt, p.payload);
        if (!r.ok) throw new Error(r.error);
        return r.value;
      }),
    );
    const ks = receipts.map((r) => keys.get(r.deviceId)!);
    time('verify [reported apart]', () => receipts.map((r, i) => verifyReceipt(ks[i]!, r)));
    const passed: string[] = [];
    time('[worker] passed receipts to JSON', () => {
      for (let i = 0; i < N; i += JOB) passed.push(JSON.stringify(receipts.slice(i, i + JOB)));
    });
    time('from a worker: JSON.parse', () => passed.map((x) => JSON.parse(x)));
    // Per batch, as flush() and commitBatch() run them.
    for (let i = 0; i < N; i += BATCH_MAX) {
      const items = receipts.slice(i, i + BATCH_MAX);
      let acks: Array<{ deviceId: string; receiptIds: string[] }> = [];
      const c = cpu();
      db.transaction(() => {
        const stored = time('duplicate check (1 query)', () => store.stored(items.map((r) => r.id)));
        const plans = time('plan lookup (kept per occurrence)', () => lookupPlans(items));
        const admissions = time('admission', () => items.map((r, j) => admit(r, plans[j]!, w.receivedAt)));
        time('standing (1 query) + insert', () =>
          store.storeAllIn(
            items.map((r, j) => ({ receipt: r, admission: admissions[j]!, receivedAt: w.receivedAt })),
            stored,
          ),
        );
        const ids = new Map<string, string[]>();
        for (const r of items) (ids.get(r.deviceId) ?? ids.set(r.deviceId, []).get(r.deviceId)!).push(r.id);
        acks = time('acks: list per device', () =>
          [...ids].map(([deviceId, receiptIds]) => ({ deviceId, receiptIds })),
        );
      })();
      t['begin + commit (fsync)'] = (t['begin + commit (fsync)'] ?? 0) + cpu() - c;
      // After the commit, in a worker: each ack signed and serialised as published; then handed over.
      const sealed = time('[worker] acks: sign + serialise', () =>
        acks.map((a) => encode('deviceReply', sealAck(hubKey, { ...a, seq: signer.nextSeq(), now: w.receivedAt }))),
      );
      time('acks: hand over', () => {
        sealed.forEach((env, k) => void out.publish('deviceReply', { deviceId: acks[k]!.deviceId }, env));
      });
    }
    const inside = [
      'duplicate check (1 query)',
      'plan lookup (kept per occurrence)',
      'admission',
      'standing (1 query) + insert',
    ];
    t['begin + commit (fsync)']! -= [...inside, 'acks: list per device'].reduce((s, k) => s + t[k]!, 0);
    db.close();
    // The peer: the same rows inserted raw, in the same batches.
    const raw = fx.openCopy();
    const batch = rawInsertBatch(raw, w.receivedAt);
    time('PEER: raw insert, same rows', () => {
      for (let i = 0; i < N; i += BATCH_MAX) batch(receipts.slice(i, i + BATCH_MAX));
    });
    raw.close();
    for (const [k, v] of Object.entries(t)) (phases[k] ??= []).push((v * 1000) / N);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const load = os.loadavg().map((l) => l.toFixed(1));
  console.log(
    `CPU µs per receipt, ${N} receipts (${DEVICES} devices × ${BULLETINS} bulletins), batches of ${BATCH_MAX}; median of ${ROUNDS} rounds; load average ${load.join(' ')}`,
  );
  let own = 0;
  let worker = 0;
  for (const [k, v] of Object.entries(phases)) {
    const m = median(v);
    if (k.startsWith('[worker]')) worker += m;
    else if (!k.includes('[') && !k.startsWith('PEER')) own += m;
    console.log(`${k.padEnd(50)} ${m.toFixed(1).padStart(7)}`);
  }
  console.log(`${'hub thread, sum'.padEnd(50)} ${own.toFixed(1).padStart(7)}`);
  console.log(`${'worker thread, sum (without verify)'.padEnd(50)} ${worker.toFixed(1).padStart(7)}`);
} finally {
  fx.remove();
}
