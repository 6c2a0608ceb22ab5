// How many concurrent relay listeners one hub holds (issue 11, item 5), against Icecast (the peer)
// in the same run. The upstream is Debian's icecast2 fed a 128 kb/s MP3 tone by ffmpeg; the hub's
// side (listeners-hub.ts, its own process) runs the relay's own ffmpeg and the real StreamFanout over
// HTTP on loopback, and pushes the same Ogg Opus bytes to an Icecast mount. For each N, N plain HTTP
// listeners (listeners-clients.ts, in several processes) read the stream from the hub, then from
// Icecast, then from an Icecast relay server (a slave of that Icecast, the origin: what
// streamEngine icecast runs, docs/relay.md), for `seconds`. Prints, per N and server: the server process's CPU (the fan-out alone,
// not its ffmpeg nor the clients) and RSS, bytes/s delivered, listeners stalled (a gap over 1 s) or
// dropped, and the delivery lag (a page's arrival at a listener less the time the hub had it).
//   node bin/run-ts.mjs test/bench/listeners-bench.ts [--n 100,500,1000,2000] [--seconds 20]
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { feedTone, ICECAST, startIcecast, waitForMount } from '../helpers/icecast.ts';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const sizes = flag('n', '100,500,1000,2000').split(',').map(Number);
const seconds = Number(flag('seconds', '20'));
const PER_PROCESS = 500;
const TRACK_EVERY = 10;
if (!existsSync(ICECAST)) {
  console.error(`${ICECAST} is missing: install the Debian package icecast2`);
  process.exit(1);
}
const root = path.resolve(import.meta.dirname, '..', '..');
const runTs = path.join(root, 'bin/run-ts.mjs');
const ffmpeg = resolveFfmpeg().path;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cpuS = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime of the process itself, not its children
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const child = (file: string, args: string[]) =>
  spawn(process.execPath, [runTs, path.join(import.meta.dirname, file), ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
const nextMessage = <T>(c: ChildProcess, key: string, timeoutMs: number) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${key} from a child within ${timeoutMs} ms`)), timeoutMs);
    const on = (m: Record<string, unknown>) => {
      if (!(key in m)) return;
      clearTimeout(t);
      c.off('message', on);
      resolve(m[key] as T);
    };
    c.on('message', on);
  });

// Room for the last round's listeners too: Icecast lets a closed one go only when it next writes to it.
const ice = await startIcecast({ clients: 2 * Math.max(...sizes) + 100 });
const feeder = feedTone(ffmpeg, ice, 'upstream.mp3');
await waitForMount(ice.mountUrl('upstream.mp3'));
const hub = child('listeners-hub.ts', [
  ffmpeg,
  ice.mountUrl('upstream.mp3'),
  String(ice.port),
  ice.password,
  'relay.ogg',
]);
// On a failure, leave no server behind (the clients and the hub's side go with their IPC channel).
process.on('unhandledRejection', (e) => {
  console.error(e);
  process.exit(1);
});
process.once('exit', () => {
  hub.kill();
  void feeder.kill();
  void ice.stop();
});
const ready = await nextMessage<{ port: number; ffmpegPid: number }>(hub, 'ready', 20_000);
// When the hub had each page (granule → wall-clock ms).
const hubHad = new Map<string, number>();
hub.on('message', (m: { stamps?: Array<[string, number]> }) => {
  for (const [g, t] of m.stamps ?? []) hubHad.set(g, t);
});
await waitForMount(ice.mountUrl('relay.ogg'), 20_000);
// A relay server of the origin, as an installation runs them (master-server, relays always on).
const relayServer = await startIcecast({
  clients: 2 * Math.max(...sizes) + 100,
  master: { port: ice.port, password: ice.password, updateInterval: 1 },
});
process.once('exit', () => void relayServer.stop());
await waitForMount(relayServer.mountUrl('relay.ogg'), 20_000);
await sleep(3000); // past ffmpeg's start-up and loudnorm's look-ahead

interface Report {
  bytes: number;
  connected: number;
  refused: number;
  dropped: number;
  stalled: number;
  live: number;
  arrivals: Array<[string, number]>;
}
interface Row {
  n: number;
  server: string;
  connectS: number;
  connected: number;
  cpuPct: number;
  rss: number;
  bytesPerS: number;
  stalled: number;
  dropped: number;
  lag: { p50: number; p99: number; max: number } | null;
}

type Server = 'hub' | 'icecast' | 'relay';
async function measure(n: number, server: Server): Promise<Row> {
  const url =
    server === 'hub'
      ? `http://127.0.0.1:${ready.port}/streams/bench`
      : (server === 'icecast' ? ice : relayServer).mountUrl('relay.ogg');
  const pid = server === 'hub' ? hub.pid! : server === 'icecast' ? ice.pid! : relayServer.pid!;
  const procs = Array.from({ length: Math.ceil(n / PER_PROCESS) }, (_, i) =>
    child('listeners-clients.ts', [url, String(Math.min(PER_PROCESS, n - i * PER_PROCESS)), String(TRACK_EVERY)]),
  );
  try {
    const tc = performance.now();
    await Promise.all(procs.map((p) => nextMessage(p, 'connected', 120_000)));
    const connectS = (performance.now() - tc) / 1000;
    await sleep(2000);
    for (const p of procs) p.send({ kind: 'start' });
    const c0 = cpuS(pid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const c1 = cpuS(pid);
    const dt = (performance.now() - t0) / 1000;
    const rss = rssMiB(pid);
    const reports = await Promise.all(
      procs.map((p) => {
        const r = nextMessage<Report>(p, 'report', 30_000);
        p.send({ kind: 'report' });
        return r;
      }),
    );
    const lags: number[] = [];
    for (const r of reports)
      for (const [g, t] of r.arrivals) {
        const had = hubHad.get(g);
        if (had !== undefined) lags.push(t - had);
      }
    lags.sort((a, b) => a - b);
    const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]!;
    const sum = (k: 'bytes' | 'connected' | 'stalled' | 'dropped' | 'refused') => reports.reduce((a, r) => a + r[k], 0);
    return {
      n,
      server,
      connectS,
      connected: sum('connected'),
      cpuPct: ((c1 - c0) / dt) * 100,
      rss,
      bytesPerS: sum('bytes') / dt,
      stalled: sum('stalled'),
      dropped: sum('dropped'),
      lag: lags.length ? { p50: q(0.5), p99: q(0.99), max: lags[lags.length - 1]! } : null,
    };
  } finally {
    await Promise.all(
      procs.map((p) =>
        p.exitCode !== null
          ? null
          : new Promise((r) => {
              p.once('exit', r);
              p.send({ kind: 'stop' });
            }),
      ),
    );
  }
}

// Each server's own cost with no listener (the hub: reading ffmpeg, splitting pages, pushing to
// Icecast; Icecast: taking the source), subtracted for the cost per listener.
// The relay server's: pulling both of the origin's mounts (the upstream's MP3 too: a slave mirrors every one).
const idle = { hub: cpuS(hub.pid!), icecast: cpuS(ice.pid!), relay: cpuS(relayServer.pid!), t: performance.now() };
await sleep(Math.min(seconds, 10) * 1000);
const idleDt = (performance.now() - idle.t) / 1000;
const idlePct: Record<Server, number> = {
  hub: ((cpuS(hub.pid!) - idle.hub) / idleDt) * 100,
  icecast: ((cpuS(ice.pid!) - idle.icecast) / idleDt) * 100,
  relay: ((cpuS(relayServer.pid!) - idle.relay) / idleDt) * 100,
};
const rows: Row[] = [];
const load0 = os.loadavg();
const ff0 = cpuS(ready.ffmpegPid);
const tFf = performance.now();
// A server that did not take every listener within the connect deadline is not tried at larger N.
const gaveUp = new Set<string>();
for (const n of sizes) {
  for (const server of ['hub', 'icecast', 'relay'] as const) {
    if (gaveUp.has(server)) continue;
    const r = await measure(n, server);
    if (r.connected < n) gaveUp.add(server);
    rows.push(r);
    console.log(
      `  measured ${server} N=${n}: ${r.connected} connected, CPU ${r.cpuPct.toFixed(1)} %, load ${os.loadavg()[0]!.toFixed(2)}`,
    );
    await sleep(1500);
  }
}
const ffPct = ((cpuS(ready.ffmpegPid) - ff0) / ((performance.now() - tFf) / 1000)) * 100;
const ms = (v: number) => `${Math.round(v)}`;
console.log(`\nrelay listeners over ${seconds} s of stream each (Ogg Opus 24 kb/s from the relay's ffmpeg), loopback`);
console.log(
  `load average at the start ${load0.map((v) => v.toFixed(2)).join(' ')}, at the end ${os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}; ${os.cpus().length} cores`,
);
console.log(
  '   N  server   connected  in s  CPU %   RSS MiB   kB/s out  per listener  stalled  dropped  lag p50/p99/max ms',
);
for (const r of rows)
  console.log(
    `${String(r.n).padStart(5)}  ${r.server.padEnd(8)} ${String(r.connected).padStart(9)} ${r.connectS.toFixed(0).padStart(4)}  ${r.cpuPct.toFixed(1).padStart(5)}  ${r.rss.toFixed(0).padStart(8)}  ${(r.bytesPerS / 1000).toFixed(0).padStart(9)}  ${((r.bytesPerS * 8) / 1000 / Math.max(1, r.connected)).toFixed(1).padStart(7)} kb/s  ${String(r.stalled).padStart(7)}  ${String(r.dropped).padStart(7)}  ${r.lag ? `${ms(r.lag.p50)}/${ms(r.lag.p99)}/${ms(r.lag.max)}` : '-'}`,
  );
console.log(
  `\nwith no listener: hub ${idlePct.hub.toFixed(1)} %, Icecast ${idlePct.icecast.toFixed(1)} %, relay server ${idlePct.relay.toFixed(1)} % of a core (subtracted below)`,
);
console.log(
  'CPU per listener, hub / Icecast origin / Icecast relay server (same N, same stream), in thousandths of a core:',
);
const perListener = (r: Row) => (Math.max(0, r.cpuPct - idlePct[r.server as Server]) / Math.max(1, r.connected)) * 10;
for (const n of sizes) {
  const h = rows.find((r) => r.n === n && r.server === 'hub');
  const i = rows.find((r) => r.n === n && r.server === 'icecast');
  const rs = rows.find((r) => r.n === n && r.server === 'relay');
  if (!h || !i) continue;
  const ratio = (x: Row | undefined) =>
    !x
      ? 'not measured: it did not take every listener at a smaller N'
      : perListener(x) > 0.001
        ? (perListener(h) / perListener(x)).toFixed(2)
        : 'n/a (below what the CPU ticks resolve)';
  console.log(
    `  N=${n}: hub ${perListener(h).toFixed(3)}, Icecast ${perListener(i).toFixed(3)} (hub/Icecast ${ratio(i)}), relay server ${rs ? perListener(rs).toFixed(3) : '-'} (hub/relay server ${ratio(rs)})`,
  );
}
console.log(
  `the relay's ffmpeg (not in the figures above): ${ffPct.toFixed(1)} % of a core, ${rssMiB(ready.ffmpegPid).toFixed(0)} MiB`,
);

hub.send({ kind: 'stop' });
await new Promise((r) => hub.once('exit', r));
await feeder.stop();
await relayServer.stop();
await ice.stop();
