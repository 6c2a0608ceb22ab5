// Where the hub's CPU goes per receipt, phase by phase: the functions createIngest (hub/ingest/
// ingest.ts) calls for each message and each batch, run one phase at a time over all the receipts
// of the ingest benchmark's world, timed in CPU (process.cpuUsage), so the figures hold on a
// shared machine. The raw better-sqlite3 insert of the same rows, same database and synchronous
// level, is the peer line. Median of the rounds.
//   node bin/run-ts.mjs test/bench/ingest-phases-bench.ts [devices=200] [bulletins=50] [rounds=5]
//   (npm run bench -- ingest-phases)
import os from 'node:os';
import {
  createPublisher,
  parseJson,
  parseTopic,
  Receipt,
  systemClock,
  verifyReceipt,
  type SignedEnvelope,
} from '../../protocol/index.ts';
import { createHubSigner, loadOrCreateHubKeys } from '../../hub/signing.ts';
import { createDeviceKeys } from '../../hub/devices/device-keys.ts';
import { createPresence } from '../../hub/devices/presence.ts';
import { createRateLimiter, DEVICE_RATES } from '../../hub/ingest/rate-limit.ts';
import { lookupPlans } from '../../hub/ingest/plan-lookup.ts';
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
    // Sustained ingest: keys parsed and devices shown online already.
    for (const d of w.devices) {
      keys.get(d.id);
      presence.markSeen(d.id, w.receivedAt);
    }
    // Per message, in the order handle() and onReceipt() take them.
    const topicsOf = time('topic parse', () => payloads.map((p) => parseTopic(p.topic, tp.prefix)!));
    time('rate limit', () => topicsOf.map((x) => 'deviceId' in x && limiter.take(x.deviceId, 'receipt')));
    time('presence (markSeen)', () => topicsOf.map((x) => 'deviceId' in x && presence.markSeen(x.deviceId, 0)));
    const receipts = time('JSON.parse + zod', () =>
      payloads.map((p) => {
        const r = parseJson(Receipt, p.payload);
        if (!r.ok) throw new Error(r.error);
        return r.value;
      }),
    );
    const ks = time('device key (cached)', () => receipts.map((r) => keys.get(r.deviceId)!));
    time('verify [reported apart]', () => receipts.map((r, i) => verifyReceipt(ks[i]!, r)));
    // Per batch, as flush() and commitBatch() run them.
    for (let i = 0; i < N; i += BATCH_MAX) {
      const items = receipts.slice(i, i + BATCH_MAX);
      let acks: Array<{ deviceId: string; env: SignedEnvelope }> = [];
      const c = cpu();
      db.transaction(() => {
        const stored = time('duplicate check (1 query)', () => store.stored(items.map((r) => r.id)));
        const plans = time('plan lookup', () => lookupPlans(db, items));
        const admissions = time('admission', () => items.map((r, j) => admit(r, plans[j]!, w.receivedAt)));
        time('standing (1 query) + insert', () =>
          store.storeAllIn(
            items.map((r, j) => ({ receipt: r, admission: admissions[j]!, receivedAt: w.receivedAt })),
            stored,
          ),
        );
        const ids = new Map<string, string[]>();
        for (const r of items) (ids.get(r.deviceId) ?? ids.set(r.deviceId, []).get(r.deviceId)!).push(r.id);
        acks = time('acks: build + sign', () =>
          [...ids].map(([deviceId, list]) => ({
            deviceId,
            env: signer.seal({ device: deviceId }, { type: 'receipt-ack', receiptIds: list }, 3600_000),
          })),
        );
      })();
      t['begin + commit (fsync)'] = (t['begin + commit (fsync)'] ?? 0) + cpu() - c;
      time('acks: hand over', () => {
        for (const a of acks) void out.publish('deviceReply', { deviceId: a.deviceId }, a.env);
      });
    }
    const inside = ['duplicate check (1 query)', 'plan lookup', 'admission', 'standing (1 query) + insert'];
    t['begin + commit (fsync)']! -= [...inside, 'acks: build + sign'].reduce((s, k) => s + t[k]!, 0);
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
  for (const [k, v] of Object.entries(phases)) {
    const m = median(v);
    if (!k.includes('[') && !k.startsWith('PEER')) own += m;
    console.log(`${k.padEnd(34)} ${m.toFixed(1).padStart(7)}`);
  }
  console.log(`${'hub without verify, sum'.padEnd(34)} ${own.toFixed(1).padStart(7)}`);
} finally {
  fx.remove();
}
