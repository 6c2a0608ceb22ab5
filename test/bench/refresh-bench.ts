// The manifest work of a province-sized fleet, without the fleet: N enrolled LED boards (rows
// written straight into the hub's database, since nothing connects; the hub still signs every
// manifest and publishes it, retained, into its embedded broker) under 10 districts × 10 wards.
// Measures, in the hub's process, the longest event-loop block (perf_hooks.monitorEventLoopDelay)
// and how long the work took: submitting and approving a province bulletin (every manifest changes), approving a
// district bulletin (a tenth), the 10-minute refresh with nothing changed, and the forced republish
// of a broker connection start. Timers and requests should never hold the loop more than 50 ms; the
// CPU used between two turns of the loop is printed beside the wall time, which a loaded machine inflates;
// then how many WAL checkpoints the hub's worker thread ran and the longest (where there is one).
//   node bin/run-ts.mjs test/bench/refresh-bench.ts [devices=10000]
// REFRESH_PROFILE=file.cpuprofile writes a CPU profile of the emergency (from its request until its
// manifests are all published; summarise with test/bench/profile-summary.ts).
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import { startTestHub } from '../helpers/test-hub.ts';

const N = Number(process.argv[2] ?? 10_000);
const ROOT = 'tinh-bench';

import type { Dispatcher } from '../../hub/dispatch/dispatcher.ts';

/** The dispatcher's own longest slice since the last call (this branch on; absent before). */
const slice = () =>
  ((t.hub.ctx.dispatcher as Partial<Dispatcher>).takeLongestSlice?.() ?? { wallMs: NaN, cpuMs: NaN }) as {
    wallMs: number;
    cpuMs: number;
  };

/**
 * The most CPU the process used between two turns of the event loop (a 1 ms timer): the work that
 * held the loop, which a loaded machine's preemption does not inflate (it shows in the wall time).
 */
function cpuBetweenTurns() {
  let most = 0;
  let last = process.cpuUsage();
  const timer = setInterval(() => {
    const used = process.cpuUsage(last);
    last = process.cpuUsage();
    most = Math.max(most, (used.user + used.system) / 1000);
  }, 1);
  return () => {
    clearInterval(timer);
    return most;
  };
}

async function blocking(
  f: () => Promise<unknown>,
): Promise<{ maxBlockMs: number; blockCpuMs: number; ms: number; slice: { wallMs: number; cpuMs: number } }> {
  slice();
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const cpu = cpuBetweenTurns();
  // The histogram records the gap between two of its timer's turns: let the first one pass.
  await new Promise((r) => setTimeout(r, 5));
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  // One more timer turn: a fully synchronous f() is recorded as the delay of this timer.
  await new Promise((r) => setTimeout(r, 5));
  h.disable();
  return { maxBlockMs: h.max / 1e6, blockCpuMs: cpu(), ms, slice: slice() };
}

/**
 * Each event-loop block over 20 ms (a 2 ms timer's lateness), as [start, end] in µs of the monotonic
 * clock the CPU profile's timestamps use, so the profile's samples in a block say what held it.
 */
function recordBlocks() {
  const found: Array<[number, number]> = [];
  let last = process.hrtime.bigint();
  const timer = setInterval(() => {
    const at = process.hrtime.bigint();
    const lateUs = Number(at - last) / 1000 - 2000;
    if (lateUs > 20_000) found.push([Number(last / 1000n), Number(at / 1000n)]);
    last = at;
  }, 2);
  return () => {
    clearInterval(timer);
    return found;
  };
}

async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.setSamplingInterval', { interval: 100 });
  await s.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await s.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      s.disconnect();
    },
  };
}

const t = await startTestHub();
try {
  const a = t.admin;
  const db = t.hub.ctx.db;
  await a.post('/api/v1/areas', { slug: ROOT, name: 'Tỉnh Bench', level: 'province' });
  for (let d = 0; d < 10; d++) {
    await a.post('/api/v1/areas', { parentPath: ROOT, slug: `huyen-${d}`, name: `Huyện ${d}`, level: 'district' });
    for (let w = 0; w < 10; w++)
      await a.post('/api/v1/areas', {
        parentPath: `${ROOT}/huyen-${d}`,
        slug: `xa-${w}`,
        name: `Xã ${d}.${w}`,
        level: 'ward',
      });
  }
  const wards = db.prepare("SELECT id FROM areas WHERE path LIKE ? || '/%/%'").pluck().all(ROOT) as number[];
  const insert = db.prepare(
    "INSERT INTO devices(id, name, kind, area_id, enrolled_at, created_at) VALUES (?, ?, 'led', ?, ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < N; i++) insert.run(`led-${i}`, `led-${i}`, wards[i % wards.length], Date.now(), Date.now());
  })();
  await a.post('/api/v1/users', { username: 'tinh', password: 'password-tinh', role: 'district', areaPath: ROOT });
  await a.post('/api/v1/users', {
    username: 'lanhdao',
    password: 'password-lanhdao',
    role: 'approver',
    areaPath: ROOT,
  });
  const author = await t.api.as('tinh', 'password-tinh');
  const leader = await t.api.as('lanhdao', 'password-lanhdao');
  const settled = () => t.hub.ctx.dispatcher.refresh([]);
  await t.hub.ctx.dispatcher.refresh(undefined, true);
  await settled();

  const bulletin = async (area: string, title: string) => {
    let b: { id: string } = { id: '' };
    let createMs = 0;
    const created = await blocking(async () => {
      const t0 = performance.now();
      b = await author.post('/api/v1/broadcasts', {
        title,
        led: { pages: [{ lines: [title], mode: 'hold', seconds: 8 }] },
        targets: { areas: [area], devices: [] },
        startsAt: new Date(Date.now() + 3 * 3600_000).toISOString(),
      });
      createMs = performance.now() - t0;
    });
    let apiMs = 0;
    const r = await blocking(async () => {
      const t0 = performance.now();
      await leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
      apiMs = performance.now() - t0;
      await settled();
    });
    return { ...r, apiMs, created: { ...created, apiMs: createMs } };
  };
  const province = await bulletin(ROOT, 'Bản tin tỉnh');
  const district = await bulletin(`${ROOT}/huyen-3`, 'Bản tin huyện');
  // A province-wide emergency: the API call stores its area commands and answers; the manifests follow.
  let emergencyApiMs = 0;
  const profiler = process.env.REFRESH_PROFILE ? await startProfile() : null;
  const blocks = profiler ? recordBlocks() : null;
  const emergency = await blocking(async () => {
    const t0 = performance.now();
    await author.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp',
      led: { pages: [{ lines: ['KHẨN CẤP'], mode: 'flash', seconds: 5 }] },
      priority: 'emergency',
      targets: { areas: [ROOT], devices: [] },
      startsAt: 'now',
    });
    emergencyApiMs = performance.now() - t0;
    // settle() waits for the manifests that follow the call (before this branch: the pass under way).
    const d = t.hub.ctx.dispatcher as Partial<Dispatcher> & Dispatcher;
    await (d.settle ? d.settle() : d.refresh([]));
    await profiler?.stop(process.env.REFRESH_PROFILE!);
    if (blocks) writeFileSync(`${process.env.REFRESH_PROFILE}.blocks.json`, JSON.stringify(blocks()));
  });
  const idle = await blocking(() => t.hub.ctx.dispatcher.refresh());
  const forced = await blocking(() => t.hub.ctx.dispatcher.refresh(undefined, true));

  const f = (x: number) => `${Math.round(x)}`.padStart(6);
  console.log(
    `\nmanifest work for ${N} enrolled LED boards, embedded broker; longest event-loop block and duration, ms`,
  );
  console.log(
    `(load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores: a preempted process shows its wait as a block too)`,
  );
  console.log(
    'what                                    longest block (wall / CPU)  longest slice (wall / CPU)   API call   all manifests',
  );
  const line = (what: string, r: typeof idle, api?: number) =>
    console.log(
      `${what.padEnd(40)}${f(r.maxBlockMs)} / ${f(r.blockCpuMs)}             ${f(r.slice.wallMs)} / ${f(r.slice.cpuMs)}        ${api === undefined ? '      ' : f(api)}     ${f(r.ms)}`,
    );
  line(`submit a province bulletin (all ${N})`, province.created, province.created.apiMs);
  line(`approve a province bulletin (all ${N})`, province, province.apiMs);
  line(`approve a district bulletin (${N / 10})`, district, district.apiMs);
  line(`emergency, province-wide (all ${N})`, emergency, emergencyApiMs);
  line('10-minute refresh, nothing changed', idle);
  line('forced republish (connection start)', forced);
  console.log(
    '(block CPU: the most CPU the process used between two turns of the event loop, the work that held it; wall time beyond it is waiting for a core)',
  );
  // The WAL checkpoints' fsyncs, in a worker thread (this branch on; before, inside the hub's commits).
  const cp = (t.hub as { checkpointer?: { active(): boolean; stats(): { runs: number; longestMs: number } } })
    .checkpointer;
  console.log(
    cp?.active()
      ? `WAL checkpoints in the worker thread: ${cp.stats().runs}, the longest ${Math.round(cp.stats().longestMs)} ms (off the event loop)`
      : 'WAL checkpoints: in the commits of the hub connection (no worker)',
  );
} finally {
  await t.stop();
}
process.exit(0);
