// Devices reconnecting after the broker restarts: N devices (default 1,000; CONNECT_DEVICES or the
// first argument, up to 10,000) enrol in parallel with a real `wardcast hub` process and connect to
// its embedded broker with their real credentials (lightweight mqtt.js clients in several processes,
// DEVICES_PER_PROCESS each, so no process nears its file-descriptor limit). Then the broker restarts
// (the hub is killed and started again: the embedded broker is the hub) and every device comes back
// with the agent's jittered backoff. Printed: enrolment time, time until the hub's presence shows
// every device online (from the restart and from the hub's return), the health endpoint's latency
// p50/p99/max sampled all the while, and the hub's CPU over the reconnection.
//   node bin/run-ts.mjs test/bench/connect-bench.ts [devices=1000]     (npm run bench -- connect)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { generateSigningKeys } from '../../protocol/index.ts';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { freePort } from '../helpers/ports.ts';

const N = Number(process.argv[2] ?? process.env.CONNECT_DEVICES ?? 1000);
const PER_PROCESS = Number(process.env.DEVICES_PER_PROCESS ?? 2500);
const ENROL_CONCURRENCY = Number(process.env.ENROL_CONCURRENCY ?? 64);
const TIMEOUT_MS = Number(process.env.CONNECT_TIMEOUT_MS ?? 300_000);
const runTs = path.resolve(import.meta.dirname, '..', '..', 'bin', 'run-ts.mjs');
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `fn` over items with at most `n` at once. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-connect-bench-'));
const dataDir = path.join(dir, 'hub');
const workers: ChildProcess[] = [];
let hub: HubProcess | null = null;
// Interrupted: stop what this run started.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    for (const w of workers) w.kill();
    hub?.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}
try {
  const ports = { dataDir, httpPort: await freePort(), mqttPort: await freePort() };
  hub = await startHubProcess(ports);
  const a = hub.admin;
  await a.post('/api/v1/areas', { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  const ids = Array.from({ length: N }, (_, i) => `led-${String(i).padStart(5, '0')}`);
  const tokens = new Map<string, string>();
  await pool(
    ids,
    16,
    async (id) =>
      void tokens.set(
        id,
        (await a.post('/api/v1/devices', { id, name: id, kind: 'led', areaPath: 'ha-noi' })).enrolToken,
      ),
  );

  // Enrolment, all at once (ENROL_CONCURRENCY in flight); a 429 (an older hub's limiter) is retried.
  const creds: Array<{ id: string; password: string }> = [];
  const hubCpu0 = cpuSeconds(hub.child.pid!);
  const e0 = performance.now();
  await pool(ids, ENROL_CONCURRENCY, async (id) => {
    for (;;) {
      const r = await fetch(`${hub!.httpUrl}/api/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: tokens.get(id), publicKey: generateSigningKeys().publicKeyPem }),
      });
      if (r.status === 429) {
        await new Promise((res) => setTimeout(res, 200));
        continue;
      }
      if (!r.ok) throw new Error(`enrolment of ${id}: ${r.status} ${await r.text()}`);
      const body = (await r.json()) as { mqttPassword: string };
      creds.push({ id, password: body.mqttPassword });
      return;
    }
  });
  const enrolMs = performance.now() - e0;
  const enrolCpu = cpuSeconds(hub.child.pid!) - hubCpu0;
  const credsFile = path.join(dir, 'devices.json');
  writeFileSync(credsFile, JSON.stringify(creds));

  const db = new Database(path.join(dataDir, 'hub.sqlite'), { readonly: true, fileMustExist: true });
  // Online in the hub's presence, by a birth or message since `since` (the wall clock the hub uses).
  const online = db.prepare('SELECT count(*) FROM devices WHERE online = 1 AND last_seen >= ?').pluck();
  const waitAllOnline = async (what: string, since: number) => {
    const until = Date.now() + TIMEOUT_MS;
    while ((online.get(since) as number) < N) {
      if (Date.now() > until)
        throw new Error(`${what}: only ${online.get(since)} of ${N} online after ${sec(TIMEOUT_MS)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return performance.now();
  };

  // The devices, in processes of PER_PROCESS.
  const c0 = performance.now();
  const c0Wall = Date.now();
  for (let first = 0; first < N; first += PER_PROCESS) {
    const w = fork(
      runTs,
      [
        path.join(import.meta.dirname, 'connect-clients.ts'),
        credsFile,
        hub.mqttUrl,
        String(first),
        String(PER_PROCESS),
      ],
      { stdio: 'inherit' },
    );
    workers.push(w);
  }
  const firstOnline = (await waitAllOnline('first connection', c0Wall)) - c0;

  // Health sampled from now until the end: one request at a time, as a monitor would.
  const latencies: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const t = performance.now();
      try {
        await fetch(`${hub!.httpUrl}/api/v1/health`, { signal: AbortSignal.timeout(5000) }).then((r) =>
          r.arrayBuffer(),
        );
        latencies.push(performance.now() - t);
      } catch {
        // the hub is down during its restart: no sample
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();

  // The broker restarts: the hub is killed and started again on the same data and ports.
  const r0 = performance.now();
  const r0Wall = Date.now();
  await hub.stop('SIGKILL');
  hub = await startHubProcess(ports);
  const back = performance.now();
  latencies.length = 0; // only the samples taken while the hub is up and devices reconnect
  const cpu0 = cpuSeconds(hub.child.pid!);
  const allOnline = await waitAllOnline('after the restart', r0Wall);
  const cpu = cpuSeconds(hub.child.pid!) - cpu0;
  sampling = false;
  await sampler;
  db.close();

  latencies.sort((x, y) => x - y);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  console.log(`${N} devices in ${workers.length} client processes; embedded broker; hub ${hub.child.pid}`);
  console.log(
    `enrol ${N} at once (${ENROL_CONCURRENCY} in flight)   ${sec(enrolMs)}   ${Math.round((N / enrolMs) * 1000)}/s   hub CPU ${enrolCpu.toFixed(1)} s`,
  );
  console.log(`first connection, all online                ${sec(firstOnline)}`);
  console.log(
    `broker restart → all online again            ${sec(allOnline - r0)} (hub back after ${sec(back - r0)}; then ${sec(allOnline - back)}, hub CPU ${cpu.toFixed(1)} s)`,
  );
  console.log(
    `health while they reconnect                  p50 ${q(0.5)} ms   p99 ${q(0.99)} ms   max ${latencies[latencies.length - 1]!.toFixed(1)} ms   (${latencies.length} samples)`,
  );
} finally {
  for (const w of workers) w.kill();
  await hub?.stop();
  rmSync(dir, { recursive: true, force: true });
}
