// Emergency fan-out at province scale: N simulated devices (lightweight MQTT clients in child
// processes, test/bench/fanout-devices.ts, logged in with their real credentials and checking every
// signature) under one province of 10 districts × 10 wards. The same run measures the hub's
// embedded aedes and an external Mosquitto (dynamic security, as the hub provisions it), so the
// ratio means something on a noisy machine. For each broker:
//   - the emergency API call (province-wide, LED), and how many commands it queued (play-now and stop);
//   - when each device accepted the play-now: after the API call, and after the planned start
//     (the 2 s emergency lead makes most of those 0), p50/p95/p99/max;
//   - the longest event-loop block in the hub process (perf_hooks.monitorEventLoopDelay) from the
//     call until the manifests that follow it are all published, and by phase (the API call, the
//     command until every device has it, the manifests, the cancel), wall and CPU (recordBlocks); the same for approving a
//     district bulletin, the 10-minute refresh with nothing changed and a forced republish.
//   FANOUT_DEVICES=1000 FANOUT_BROKERS=aedes,mosquitto FANOUT_PER_PROCESS=2500 node bin/run-ts.mjs test/bench/fanout-bench.ts
// FANOUT_PROFILE=dir writes a CPU profile of the hub process from the emergency call until every
// device has it (dir/emergency-<broker>.cpuprofile, and each device process's beside it; summarise
// with test/bench/profile-summary.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { generateSigningKeys } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import type { BenchDevice, FromWorker, ToWorker } from './fanout-devices.ts';
import type { Dispatcher } from '../../hub/dispatch/dispatcher.ts';

const N = Number(process.env.FANOUT_DEVICES ?? 1000);
const PER_PROCESS = Number(process.env.FANOUT_PER_PROCESS ?? 2500);
const BROKERS = (process.env.FANOUT_BROKERS ?? 'aedes,mosquitto').split(',') as Array<'aedes' | 'mosquitto'>;
const ROOT = 'tinh-bench';
const DISTRICTS = 10;
const WARDS = 10;
const root = path.resolve(import.meta.dirname, '..', '..');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

async function pool<T>(items: T[], width: number, f: (x: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await f(items[i], i);
      }
    }),
  );
}

class Worker {
  private readonly child: ChildProcess;
  private waiting: Array<(m: FromWorker) => void> = [];
  constructor() {
    this.child = fork(path.join(root, 'bin/run-ts.mjs'), [path.join(root, 'test/bench/fanout-devices.ts')], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: FromWorker) => this.waiting.shift()?.(m));
  }
  ask(m: ToWorker): Promise<FromWorker> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(m);
    });
  }
  async close() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ close: true } satisfies ToWorker);
    await Promise.race([exited, sleep(10_000)]);
    this.child.kill('SIGKILL');
  }
}

/**
 * Each event-loop block (a 5 ms timer's lateness) with when it ended and the process's CPU time in
 * it, so that a run can be cut into phases afterwards: `longest(from, to)` is the longest block that
 * ended in [from, to) (performance.now()), and the most CPU of a block there. On a loaded machine a
 * preempted process shows its wait as a block; the CPU is the work that held the loop.
 */
function recordBlocks() {
  const PERIOD = 5;
  const found: Array<[end: number, ms: number, cpuMs: number]> = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const at = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const late = at - last - PERIOD;
    if (late > 1) found.push([at, late, (cpu.user + cpu.system) / 1000]);
    last = at;
    lastCpu = process.cpuUsage();
  }, PERIOD);
  return {
    stop: () => clearInterval(timer),
    longest: (from: number, to: number) =>
      found.reduce(
        (most, [end, ms, cpuMs]) =>
          end >= from && end < to ? { ms: Math.max(most.ms, ms), cpuMs: Math.max(most.cpuMs, cpuMs) } : most,
        { ms: 0, cpuMs: 0 },
      ),
  };
}

/** Longest event-loop block (ms) while `f` runs, and how long it took. */
async function blocking<T>(f: () => Promise<T>): Promise<{ value: T; maxBlockMs: number; ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // The histogram records the gap between two of its timer's turns: let the first one pass.
  await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  const value = await f();
  const ms = performance.now() - t0;
  // One more timer turn: a fully synchronous f() is recorded as the delay of this timer.
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { value, maxBlockMs: h.max / 1e6, ms };
}

async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 200 });
  await s.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await s.post('Profiler.stop');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      s.disconnect();
    },
  };
}

/** The hub's manifest work in flight has finished (a refresh of no device waits for the pass running). */
const manifestsSettled = (t: TestHub) => {
  // settle() also waits for an emergency's manifests, which start once the broker has the command.
  const d = t.hub.ctx.dispatcher as Partial<Dispatcher> & Dispatcher;
  return d.settle ? d.settle() : d.refresh([]);
};
const commandsQueued = (t: TestHub) =>
  (
    t.hub.ctx.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'command_outbox'").get() as
      | { seq: number }
      | undefined
  )?.seq ?? 0;

async function run(broker: 'aedes' | 'mosquitto') {
  // Mosquitto is open by default: provisioning thousands of devices through dynamic security is
  // enrolment's cost, not fan-out's (FANOUT_MOSQUITTO_ACCESS=dynsec measures with it).
  const mq: Mosquitto | null =
    broker === 'mosquitto' ? await startMosquitto({ open: process.env.FANOUT_MOSQUITTO_ACCESS !== 'dynsec' }) : null;
  const t = await startTestHub(mq ? mq.hubConfig : {});
  const workers: Worker[] = [];
  try {
    const a = t.admin;
    await a.post('/api/v1/areas', { slug: ROOT, name: 'Tỉnh Bench', level: 'province' });
    const wards: string[] = [];
    for (let d = 0; d < DISTRICTS; d++) {
      await a.post('/api/v1/areas', { parentPath: ROOT, slug: `huyen-${d}`, name: `Huyện ${d}`, level: 'district' });
      for (let w = 0; w < WARDS; w++) {
        await a.post('/api/v1/areas', {
          parentPath: `${ROOT}/huyen-${d}`,
          slug: `xa-${w}`,
          name: `Xã ${d}.${w}`,
          level: 'ward',
        });
        wards.push(`${ROOT}/huyen-${d}/xa-${w}`);
      }
    }
    await a.post('/api/v1/users', { username: 'tinh', password: 'password-tinh', role: 'district', areaPath: ROOT });
    await a.post('/api/v1/users', {
      username: 'canbo',
      password: 'password-canbo',
      role: 'operator',
      areaPath: `${ROOT}/huyen-0`,
    });
    await a.post('/api/v1/users', {
      username: 'lanhdao',
      password: 'password-lanhdao',
      role: 'approver',
      areaPath: `${ROOT}/huyen-0`,
    });
    const province = await t.api.as('tinh', 'password-tinh');
    const official = await t.api.as('canbo', 'password-canbo');
    const leader = await t.api.as('lanhdao', 'password-lanhdao');

    // Registration and enrolment through the API, as an installer's script would.
    const enrolStart = performance.now();
    const devices: BenchDevice[] = new Array(N);
    const { publicKeyPem } = generateSigningKeys(); // the devices' own keys sign receipts, which this bench sends none of
    await pool([...Array(N).keys()], 4, async (i) => {
      const id = `led-${i}`;
      let { enrolToken } = await a.post('/api/v1/devices', {
        id,
        name: id,
        kind: 'led',
        areaPath: wards[i % wards.length],
      });
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await t.api.post('/api/v1/enrol', { token: enrolToken, publicKey: publicKeyPem });
          devices[i] = {
            deviceId: id,
            mqttUsername: r.mqttUsername,
            mqttPassword: r.mqttPassword,
            areaPaths: r.areaPaths,
          };
          break;
        } catch (err) {
          // A loaded machine can make the broker's provisioning answer late: a new token, again.
          if (attempt === 3) throw err;
          enrolToken = (await a.post(`/api/v1/devices/${id}/enrol-token`, {})).enrolToken;
        }
      }
    });
    const enrolMs = performance.now() - enrolStart;

    const connectStart = performance.now();
    const url = mq ? mq.url : t.hub.mqttUrl;
    const hubPublicKey = t.hub.ctx.signer.publicKeyPem;
    const parts = Math.ceil(N / PER_PROCESS);
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: parts }, async (_, p) => {
        const w = new Worker();
        workers.push(w);
        const r = (await w.ask({
          connect: devices.slice(p * PER_PROCESS, (p + 1) * PER_PROCESS),
          url,
          hubPublicKey,
          prefix: t.hub.ctx.config.topicPrefix,
        })) as Extract<FromWorker, { connected: number }>;
        failures.push(...r.failed);
      }),
    );
    if (failures.length)
      throw new Error(`${failures.length} devices could not connect, e.g. ${failures.slice(0, 3).join('; ')}`);
    await manifestsSettled(t);
    const connectMs = performance.now() - connectStart;

    const collect = async (occurrenceId: string, countOnly = false) => {
      const reports = (await Promise.all(workers.map((w) => w.ask({ report: occurrenceId, countOnly })))) as Array<
        Extract<FromWorker, { report: unknown }>
      >;
      return {
        received: reports.flatMap((r) => r.report.received),
        count: reports.reduce((s, r) => s + r.report.count, 0),
        rejected: reports.reduce((s, r) => s + r.report.rejected, 0),
        commands: reports.reduce((s, r) => s + r.report.commands, 0),
      };
    };

    // --- the emergency, province-wide
    const queuedBefore = commandsQueued(t);
    const before = await collect('');
    let apiMs = 0;
    let sentAt = 0;
    // The phases of the emergency: its API call, the command's fan-out until every device has it,
    // and the manifests that follow.
    const phases = { call: 0, answered: 0, delivered: 0, settled: 0 };
    const blocks = recordBlocks();
    const profiler = process.env.FANOUT_PROFILE ? await startProfile() : null;
    if (profiler)
      await Promise.all(
        workers.map((w, i) =>
          w.ask({ profile: path.join(process.env.FANOUT_PROFILE!, `emergency-${broker}-devices-${i}.cpuprofile`) }),
        ),
      );
    const em = await blocking(async () => {
      sentAt = Date.now();
      const t0 = performance.now();
      phases.call = t0;
      const b = await province.post('/api/v1/broadcasts', {
        title: 'Khẩn cấp',
        led: { pages: [{ lines: ['KHẨN CẤP: BÃO SỐ 3'], mode: 'flash', seconds: 5 }] },
        priority: 'emergency',
        targets: { areas: [ROOT], devices: [] },
        startsAt: 'now',
      });
      phases.answered = performance.now();
      apiMs = phases.answered - t0;
      const until = Date.now() + 120_000;
      while ((await collect(b.id, true)).count < N && Date.now() < until) await sleep(100);
      phases.delivered = performance.now();
      const got = await collect(b.id);
      if (profiler) {
        await profiler.stop(path.join(process.env.FANOUT_PROFILE!, `emergency-${broker}.cpuprofile`));
        await Promise.all(workers.map((w) => w.ask({ profile: '' })));
      }
      await manifestsSettled(t);
      phases.settled = performance.now();
      return { b, got };
    });
    // A block that ends within a few ms after a mark began before it.
    const emergencyBlocks = {
      call: blocks.longest(phases.call, phases.answered + 5),
      fanout: blocks.longest(phases.answered + 5, phases.delivered + 5),
      manifests: blocks.longest(phases.delivered + 5, phases.settled + 5),
    };
    const { b, got } = em.value;
    const startsAt = Number(t.hub.ctx.db.prepare('SELECT starts_at FROM broadcasts WHERE id = ?').pluck().get(b.id));
    const fromCall = got.received.map(([, at]) => at - sentAt).sort((x, y) => x - y);
    const arrivedFromCall = got.received.map(([, , at]) => at - sentAt).sort((x, y) => x - y);
    const afterStart = got.received.map(([, at]) => Math.max(0, at - startsAt)).sort((x, y) => x - y);
    const cancelT0 = performance.now();
    await province.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
    const cancelMs = performance.now() - cancelT0;
    const cancelBlock = blocks.longest(cancelT0, performance.now() + 5);
    await manifestsSettled(t);
    blocks.stop();

    // --- a district bulletin: the approval builds and publishes a manifest for every device of the district
    const draft = await official.post('/api/v1/broadcasts', {
      title: 'Lịch tiêm chủng',
      led: { pages: [{ lines: ['Tiêm chủng 8h thứ Bảy'], mode: 'hold', seconds: 8 }] },
      targets: { areas: [`${ROOT}/huyen-0`], devices: [] },
      startsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
    });
    const approveProfiler = process.env.FANOUT_PROFILE ? await startProfile() : null;
    t.hub.ctx.dispatcher.takeLongestSlice();
    const approve = await blocking(async () => {
      const t0 = performance.now();
      await leader.post(`/api/v1/broadcasts/${draft.id}/approve`, {});
      const ms = performance.now() - t0;
      await manifestsSettled(t);
      return ms;
    });
    // The longest refresh slice alone: the rest of the block is the broker's handling of what it published.
    const approveSlice = t.hub.ctx.dispatcher.takeLongestSlice();
    await approveProfiler?.stop(path.join(process.env.FANOUT_PROFILE!, `approve-${broker}.cpuprofile`));
    const idle = await blocking(() => t.hub.ctx.dispatcher.refresh());
    const forced = await blocking(() => t.hub.ctx.dispatcher.refresh(undefined, true));

    return {
      broker,
      enrolMs,
      connectMs,
      apiMs,
      cancelMs,
      queued: commandsQueued(t) - queuedBefore,
      delivered: got.received.length,
      duplicates: got.commands - before.commands - got.received.length,
      rejected: got.rejected - before.rejected,
      fromCall,
      arrivedFromCall,
      afterStart,
      emergencyBlock: em.maxBlockMs,
      emergencyBlocks,
      cancelBlock,
      load: os.loadavg()[0],
      emergencyMs: em.ms,
      approveMs: approve.value,
      approveBlock: approve.maxBlockMs,
      approveTotalMs: approve.ms,
      approveSlice,
      idle,
      forced,
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await t.stop();
    await mq?.stop();
  }
}

const ms = (x: number) => `${Math.round(x)}`.padStart(6);
const results = [];
for (const broker of BROKERS) {
  console.log(`${broker}: ${N} devices…`);
  const r = await run(broker);
  results.push(r);
  console.log(
    `  enrol ${(r.enrolMs / 1000).toFixed(1)} s, connect + first manifests ${(r.connectMs / 1000).toFixed(1)} s`,
  );
  const f = r.fromCall;
  console.log(
    `  API ${Math.round(r.apiMs)} ms, ${r.queued} commands, ${r.delivered} delivered, after the call p50/p99/max ${pct(f, 50)}/${pct(f, 99)}/${pct(f, 100)} ms, block ${Math.round(r.emergencyBlock)} ms`,
  );
}

console.log(
  `\n(load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores: a preempted process shows its wait as an event-loop block too)`,
);
console.log(
  `emergency fan-out, ${N} simulated LED devices in ${DISTRICTS * WARDS} wards, ${Math.ceil(N / PER_PROCESS)} device process(es); times in ms`,
);
console.log(
  'broker      API call  commands  delivered  dup  rejected | arrived after the call p50    p95    p99    max | accepted after the call p50    p99    max | after planned start p50  p99    max | cancel API',
);
for (const r of results) {
  const a = r.arrivedFromCall;
  const f = r.fromCall;
  const s = r.afterStart;
  console.log(
    `${r.broker.padEnd(10)} ${ms(r.apiMs)}    ${String(r.queued).padStart(6)}  ${String(r.delivered).padStart(9)}  ${String(r.duplicates).padStart(3)}  ${String(r.rejected).padStart(8)} |                      ${ms(pct(a, 50))} ${ms(pct(a, 95))} ${ms(pct(a, 99))} ${ms(pct(a, 100))} |                     ${ms(pct(f, 50))} ${ms(pct(f, 99))} ${ms(pct(f, 100))} |                  ${ms(pct(s, 50))} ${ms(pct(s, 99))} ${ms(pct(s, 100))} | ${ms(r.cancelMs)}`,
  );
}
console.log(
  "(arrived: read from the device's socket; accepted: after the device's checks, which thousands of devices in one process queue for)",
);
console.log(
  "\nlongest event-loop block in the hub process during the emergency, by phase (ms): its API call (the synchronous part), the command until every device has it, the manifests after it; and the cancel's API call",
);
console.log(
  "wall / CPU: the CPU is the most the hub's process used in one block (all its threads), the work that held the loop; wall beyond it is waiting for a core",
);
console.log('broker      API call        command fan-out   manifests        | cancel API call');
const wc = (b: { ms: number; cpuMs: number }) => `${ms(b.ms)} / ${ms(b.cpuMs)}`;
for (const r of results)
  console.log(
    `${r.broker.padEnd(10)}  ${wc(r.emergencyBlocks.call)}   ${wc(r.emergencyBlocks.fanout)}   ${wc(r.emergencyBlocks.manifests)}  | ${wc(r.cancelBlock)}   (load average ${r.load.toFixed(1)} after the run)`,
  );
console.log('\nlongest event-loop block in the hub process (ms), and how long the work took');
console.log(
  'broker      emergency → manifests done   approve district bulletin (API / all manifests)   10-min refresh, nothing changed   forced republish (connection start)',
);
for (const r of results) {
  console.log(
    `${r.broker.padEnd(10)}  ${ms(r.emergencyBlock)} in ${ms(r.emergencyMs)}              ${ms(r.approveBlock)} in ${ms(r.approveMs)} / ${ms(r.approveTotalMs)}                        ${ms(r.idle.maxBlockMs)} in ${ms(r.idle.ms)}                  ${ms(r.forced.maxBlockMs)} in ${ms(r.forced.ms)}`,
  );
}
console.log(
  'approval: longest refresh slice (wall / CPU ms): ' +
    results
      .map(
        (r) =>
          `${r.broker} ${Math.round(r.approveSlice.wallMs)} / ${Math.round(r.approveSlice.cpuMs)}, then the embedded broker's handling of one slice's publishes ${Math.round((r.approveSlice as { brokerCpuMs?: number }).brokerCpuMs ?? NaN)} ms CPU`,
      )
      .join('; '),
);
if (results.length === 2) {
  const [x, y] = results;
  const ratio = (k: 'fromCall' | 'arrivedFromCall', p: number) => (pct(x[k], p) / Math.max(1, pct(y[k], p))).toFixed(2);
  console.log(
    `\nratio ${x.broker} / ${y.broker}, arrival after the call: p50 ${ratio('arrivedFromCall', 50)}, p99 ${ratio('arrivedFromCall', 99)}, max ${ratio('arrivedFromCall', 100)}; acceptance p99 ${ratio('fromCall', 99)}; API call ${(x.apiMs / y.apiMs).toFixed(2)}`,
  );
}
process.exit(0);
