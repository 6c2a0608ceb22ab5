// Receipt ingest: the hub's real path (parse, verify the device signature, admit against the plan,
// store, sign and hand over the acks) against a raw better-sqlite3 loop inserting the same rows in
// transactions of 500, both on a copy of the same database file at the hub's synchronous level,
// alternating, in the same run. The hub runs as it does in `wardcast hub`: with its pool of worker
// threads (hub/ingest/ingest-pool.ts, one worker on two cores) parsing, validating and verifying
// the receipts and signing the acks, while its own thread admits and stores them. Each round runs
// it with its signature checks, and with each check answered from what the real check said (a
// worker of this benchmark's, ingest-worker-known.ts) — the hub's path WITHOUT VERIFY, which issue
// 10 item 4 compares with the raw insert of the same rows (≥ 0.5×). That path still signs and hands
// over one ack per device and batch. The same path in one thread (no pool, as before it) is run
// too, and without ack signing as well (the signer wrapped, timed inside). Receipts are handed
// over 100 at a time with a turn of the event loop between, as an MQTT client hands over what one
// socket read brought. CPU time per receipt is printed for the whole process and for each thread
// (the hub's own thread, the workers: /proc/thread-self/schedstat): the machine is shared, and the
// wall times of a CPU-bound path (the hub) and an fsync-bound one (the raw insert) stretch
// differently under load; each round's ratio is taken and the median printed. The broker is left
// out: acks are read when the hub has handed them to its MQTT client.
//   node bin/run-ts.mjs test/bench/ingest-bench.ts [devices=200] [bulletins=50] [rounds=5]
//   (npm run bench -- ingest)
import { EventEmitter } from 'node:events';
import os from 'node:os';
import pino from 'pino';
import { createPublicKey, sign } from 'node:crypto';
import { systemClock, verifyReceipt } from '../../protocol/index.ts';
import { createHubSigner, loadOrCreateHubKeys } from '../../hub/signing.ts';
import { createIngest } from '../../hub/ingest/ingest.ts';
import { createIngestPool } from '../../hub/ingest/ingest-pool.ts';
import { threadCpuMs } from '../../hub/ingest/thread-cpu.ts';
import { createIngestFixture, rawInsertBatch } from './ingest-fixture.ts';

const DEVICES = Number(process.argv[2] ?? process.env.INGEST_DEVICES ?? 200);
const BULLETINS = Number(process.argv[3] ?? process.env.INGEST_BULLETINS ?? 50);
const ROUNDS = Number(process.argv[4] ?? 5);

// Sustained ingest: every device announced itself (its birth) before sending receipts, so the
// hub shows it online already and its receipts cost no presence write.
const fx = await createIngestFixture('wardcast-ingest-bench-', DEVICES, BULLETINS, true);
const { tp, dir, pems, synchronous, receipts, payloads, world: w } = fx;
try {
  const N = receipts.length;
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  const mainCpu = () => threadCpuMs() ?? Number.NaN;

  // What the real check says of each receipt (all true: the receipts are genuine), for the runs
  // without verify; the runs with verify check every one again, in the pool's worker.
  const publicKeys = new Map([...pems].map(([id, pem]) => [id, createPublicKey(pem)]));
  const verified = new Map(receipts.map((r) => [r.id, verifyReceipt(publicKeys.get(r.deviceId)!, r)]));
  const privateKeyPem = loadOrCreateHubKeys(dir).privateKeyPem;
  const quiet = pino({ level: 'silent' });
  // Started once, as the hub starts its pool once: what a worker keeps (parsed keys) is warm.
  const pools = {
    real: createIngestPool({ privateKeyPem, log: quiet }),
    known: createIngestPool({
      privateKeyPem,
      log: quiet,
      entry: new URL('./ingest-worker-known.ts', import.meta.url),
      workerData: { verdicts: verified },
    }),
  };
  const workersCpu = async (pool: typeof pools.real) =>
    (await pool.cpuMs()).reduce<number>((a, b) => a + (b ?? Number.NaN), 0);

  type Path = 'pool' | 'pool-known' | 'alone-known';
  type Run = { ms: number; cpu: number; main: number; workers: number; signMs: number; acks: number };
  /** The hub's ingest over a fresh copy of the database; see the header for the three paths. */
  async function hubPath(how: Path): Promise<Run> {
    const db = fx.openCopy();
    const handedOver: string[] = [];
    let signMs = 0;
    const signer = createHubSigner(db, loadOrCreateHubKeys(dir), systemClock);
    const pool = how === 'pool' ? pools.real : how === 'pool-known' ? pools.known : null;
    const ingest = createIngest({
      db,
      signer: {
        publicKeyPem: signer.publicKeyPem,
        seal(...a) {
          const t = performance.now();
          const env = signer.seal(...a);
          signMs += performance.now() - t;
          return env;
        },
      },
      pool: pool ? { workers: pool, nextSeq: signer.nextSeq } : undefined,
      verify: (_key, r) => verified.get(r.id) === true,
      topicPrefix: tp.prefix,
      log: quiet,
      events: new EventEmitter(),
      clock: { ...systemClock, now: () => w.receivedAt },
      mqtt: {
        // Kept as handed over, and read after the clock stops.
        publish: async (_t, payload) => {
          handedOver.push(payload);
        },
      },
      counters: { message() {}, rejected() {}, receipt() {}, receiptRejected() {}, rateLimited() {} },
    });
    const w0 = pool ? await workersCpu(pool) : 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const m0 = mainCpu();
    for (let i = 0; i < payloads.length; i++) {
      const p = payloads[i]!;
      ingest.handle(p.topic, p.payload);
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    await ingest.stop(); // commits what waits and hands over its acks
    await new Promise((r) => setImmediate(r));
    const ms = performance.now() - t0;
    const main = mainCpu() - m0;
    const cpu = cpuMs(c0);
    const workers = pool ? (await workersCpu(pool)) - w0 : 0;
    const acked = handedOver.reduce(
      (n, a) => n + (JSON.parse(a) as { body: { receiptIds: string[] } }).body.receiptIds.length,
      0,
    );
    if (acked !== N) throw new Error(`the hub (${how}) acked ${acked} of ${N} receipts`);
    const admitted = (db.prepare("SELECT count(*) AS n FROM receipts WHERE state = 'admitted'").get() as { n: number })
      .n;
    if (admitted !== N) throw new Error(`the hub (${how}) admitted ${admitted} of ${N} receipts`);
    db.close();
    return { ms, cpu, main, workers, signMs, acks: handedOver.length };
  }

  function rawInsert(): { ms: number; cpu: number } {
    const db = fx.openCopy();
    const batch = rawInsertBatch(db, w.receivedAt);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i += 500) batch(receipts.slice(i, i + 500));
    const ms = performance.now() - t0;
    const cpu = cpuMs(c0);
    db.close();
    return { ms, cpu };
  }

  // CPU of the signature work alone, for the CPU column: every receipt checked with its parsed key,
  // and as many Ed25519 signatures as the hub signed acks, over an ack's bytes.
  const keysOf = new Map(w.devices.map((d) => [d.id, d.key]));
  function signatureCpu(acks: number): { verify: number; sign: number; verifyMs: number; signMs: number } {
    let c0 = process.cpuUsage();
    let t0 = performance.now();
    for (const r of receipts) verifyReceipt(publicKeys.get(r.deviceId)!, r);
    const verify = cpuMs(c0);
    const verifyMs = performance.now() - t0;
    const key = keysOf.get(w.devices[0]!.id)!;
    const bytes = Buffer.alloc(260, 'a'); // an ack envelope of 2–3 receipt ids, canonical JSON
    c0 = process.cpuUsage();
    t0 = performance.now();
    for (let i = 0; i < acks; i++) sign(null, bytes, key);
    return { verify, sign: cpuMs(c0), verifyMs, signMs: performance.now() - t0 };
  }

  /** Signature checks parsing each device's PEM every time, as the hub did before its key cache. */
  function verifyPemOnly(): number {
    const t0 = performance.now();
    for (const r of receipts) if (!verifyReceipt(pems.get(r.deviceId)!, r)) throw new Error('a receipt did not verify');
    return performance.now() - t0;
  }

  if (process.env.INGEST_PROFILE) {
    // Only the hub's path without verify (its own thread), profiled from here (INGEST_PROFILE=file.cpuprofile).
    const { Session } = await import('node:inspector/promises');
    const s = new Session();
    s.connect();
    await s.post('Profiler.enable');
    await hubPath('pool-known'); // warm
    await s.post('Profiler.start');
    await hubPath('pool-known');
    const { profile } = await s.post('Profiler.stop');
    (await import('node:fs')).writeFileSync(process.env.INGEST_PROFILE, JSON.stringify(profile));
    await Promise.all([pools.real.stop(), pools.known.stop()]);
    fx.remove(); // process.exit skips the finally below
    process.exit(0);
  }
  type Round = {
    raw: { ms: number; cpu: number };
    hub: Run;
    own: Run;
    alone: Run;
    sigs: ReturnType<typeof signatureCpu>;
    verifyPem: number;
  };
  const rounds: Round[] = [];
  await hubPath('pool'); // the workers' first job loads their modules: not a sustained figure
  await hubPath('pool-known');
  for (let i = 0; i < ROUNDS; i++) {
    const raw = rawInsert();
    const hub = await hubPath('pool');
    const own = await hubPath('pool-known');
    const alone = await hubPath('alone-known');
    rounds.push({ raw, hub, own, alone, sigs: signatureCpu(own.acks), verifyPem: verifyPemOnly() });
  }
  await Promise.all([pools.real.stop(), pools.known.stop()]);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = (f: (r: Round) => number) => median(rounds.map(f));
  const rate = (ms: number) => Math.round((N / ms) * 1000);
  const us = (ms: number) => (Number.isFinite(ms) ? ((ms * 1000) / N).toFixed(1) : '');
  const load = os.loadavg().map((l) => l.toFixed(1));
  console.log(
    `${N} receipts (${DEVICES} devices × ${BULLETINS} bulletins), synchronous=${['OFF', 'NORMAL', 'FULL', 'EXTRA'][synchronous as number]}, ${rounds[0]!.own.acks} signed acks (one per device and batch), ingest pool of ${pools.real.workers.length} worker thread(s); median of ${ROUNDS} alternating rounds (ratio: median of each round's); load average ${load.join(' ')} on ${os.cpus().length} cores`,
  );
  console.log(
    'path                                                  receipts/s   µs/receipt   × raw insert   CPU µs/receipt: all threads   hub thread   workers',
  );
  const line = (what: string, wall: (r: Round) => number, cpu?: (r: Round) => number, run?: (r: Round) => Run) => {
    const ms = m(wall);
    const ratio = m((r) => r.raw.ms / wall(r));
    const threads = run
      ? `${us(m((r) => run(r).main)).padStart(12)}   ${run(rounds[0]!).workers ? us(m((r) => run(r).workers)).padStart(7) : ''.padStart(7)}`
      : '';
    console.log(
      `${what.padEnd(53)} ${String(rate(ms)).padStart(10)}   ${us(ms).padStart(10)}   ${ratio.toFixed(2).padStart(12)}   ${(cpu ? us(m(cpu)) : '').padStart(27)} ${threads}`,
    );
    return ratio;
  };
  line(
    'raw better-sqlite3 insert, 500 per commit',
    (r) => r.raw.ms,
    (r) => r.raw.cpu,
  );
  line(
    'hub ingest: verify + admit + insert + ack',
    (r) => r.hub.ms,
    (r) => r.hub.cpu,
    (r) => r.hub,
  );
  const goal = line(
    'hub ingest without verify   (the 0.5× goal)',
    (r) => r.own.ms,
    (r) => r.own.cpu,
    (r) => r.own,
  );
  line(
    'the same in one thread (no worker pool, as before)',
    (r) => r.alone.ms,
    (r) => r.alone.cpu,
    (r) => r.alone,
  );
  line(
    '  in one thread, without ack signing as well',
    (r) => r.alone.ms - r.alone.signMs,
    (r) => r.alone.cpu - r.sigs.sign,
  );
  line(
    'verify (parsed keys, cached), one thread',
    (r) => r.sigs.verifyMs,
    (r) => r.sigs.verify,
  );
  line(
    'ack signing, one thread',
    (r) => r.sigs.signMs,
    (r) => r.sigs.sign,
  );
  line('verify with the PEM parsed each time (before)', (r) => r.verifyPem);
  console.log(
    `issue 10.4: hub ingest without verify ≥ 0.5× the raw insert of the same rows: ${goal.toFixed(2)}× — ${goal >= 0.5 ? 'met' : 'NOT met'}. Without verify: the hub's path with its worker pool, each signature check answered from the real check's answer. Verify and ack signing alone: passes over the same receipts and as many Ed25519 signatures as acks, in this thread.`,
  );
} finally {
  fx.remove();
}
