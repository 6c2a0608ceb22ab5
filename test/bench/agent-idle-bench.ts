// One real agent at rest, as on a small board: resident memory and CPU of `wardcast agent`
// processes connected to a real hub, sampled from /proc over a window (60 s by default). The same
// speaker device runs through the runtime transpiler (tsx, the peer), from the compiled dist/, and
// from dist/ with the board settings of docs/boards.md, side by side in the same run.
//   node bin/run-ts.mjs test/bench/agent-idle-bench.ts [seconds=60]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHubProcess } from '../helpers/hub-process.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/ports.ts';
import { seedWorld, waitOnline, HA_DINH } from '../helpers/world.ts';
import { distStatus } from '../../bin/runtime.mjs';

const seconds = Number(process.argv[2] ?? 60);
const TICK = 100; // clock ticks per second in /proc (USER_HZ), 100 on Linux
const pageKiB = 4;
/** The board settings of docs/boards.md (V8 flags: on node's command line, not NODE_OPTIONS). */
const BOARD_FLAGS = [
  '--max-semi-space-size=1',
  '--max-old-space-size=64',
  '--optimize-for-size',
  '--no-opt',
  '--no-sparkplug',
];

/** Resident set and CPU ticks (user + system) of one process. */
function sample(pid: number): { rssKiB: number; ticks: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssKiB: Number(f[21]) * pageKiB, ticks: Number(f[11]) + Number(f[12]) };
}

const VARIANTS = [
  { name: 'tsx (sources)', env: { WARDCAST_RUNTIME: 'tsx' }, flags: [] },
  { name: 'dist (compiled)', env: { WARDCAST_RUNTIME: 'dist' }, flags: [] },
  { name: 'dist + board settings', env: { WARDCAST_RUNTIME: 'dist' }, flags: BOARD_FLAGS },
];

const status = distStatus();
if (!status.current) {
  console.error(`agent-idle-bench: dist/ is not current (${status.reason}); run npm run build first`);
  process.exit(1);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-idle-bench-'));
const hub = await startHubProcess({
  dataDir: path.join(tmp, 'hub'),
  httpPort: await freePort(),
  mqttPort: await freePort(),
});
const agents: AgentProcess[] = [];
try {
  const ids = VARIANTS.map((_, i) => `loa-idle-${i}`);
  const w = await seedWorld(
    hub,
    ids.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
  );
  for (const [i, v] of VARIANTS.entries()) {
    agents.push(
      startAgentProcess({
        dir: path.join(tmp, ids[i]),
        hubUrl: hub.httpUrl,
        mqttUrl: hub.mqttUrl,
        enrolToken: w.tokens[ids[i]],
        profile: SPEAKER_PROFILE,
        // The defaults a field device runs with (the helper's are quicker, for tests).
        extra: { telemetryIntervalMs: 15_000, logLevel: 'info' },
        env: v.env,
        nodeFlags: v.flags,
      }),
    );
  }
  await waitOnline(hub.admin, ids, 60_000);
  // Let start-up work (enrolment, first manifest, clock burst, JIT) settle before measuring.
  await new Promise((r) => setTimeout(r, 10_000));
  const pids = agents.map((a) => a.child.pid!);
  const first = pids.map(sample);
  const peak = first.map((s) => s.rssKiB);
  const sum = first.map(() => 0);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    pids.forEach((pid, i) => {
      const s = sample(pid);
      peak[i] = Math.max(peak[i], s.rssKiB);
      sum[i] += s.rssKiB;
    });
    n++;
  }
  const wallS = (performance.now() - t0) / 1000;
  const last = pids.map(sample);
  const rows = VARIANTS.map((v, i) => ({
    name: v.name,
    meanMiB: sum[i] / n / 1024,
    peakMiB: peak[i] / 1024,
    cpuPct: ((last[i].ticks - first[i].ticks) / TICK / wallS) * 100,
  }));
  console.log(`board settings: node ${BOARD_FLAGS.join(' ')}`);
  console.log(
    `one idle speaker agent connected to a real hub, ${wallS.toFixed(0)} s window, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), node ${process.version}`,
  );
  console.log('| runs from | RSS mean | RSS peak | CPU |');
  console.log('|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.name} | ${r.meanMiB.toFixed(1)} MiB | ${r.peakMiB.toFixed(1)} MiB | ${r.cpuPct.toFixed(2)} % |`);
  const [ts, js, board] = rows;
  console.log(
    `compiled / tsx: RSS ${(js.meanMiB / ts.meanMiB).toFixed(2)}×, CPU ${(js.cpuPct / Math.max(ts.cpuPct, 0.001)).toFixed(2)}×; with board settings: RSS ${(board.meanMiB / ts.meanMiB).toFixed(2)}× of tsx`,
  );
  for (const [i, a] of agents.entries()) {
    if (a.child.exitCode !== null) throw new Error(`${VARIANTS[i].name} agent exited:\n${a.output().slice(-2000)}`);
  }
} finally {
  for (const a of agents) await a.stop();
  await hub.stop();
  rmSync(tmp, { recursive: true, force: true });
}
