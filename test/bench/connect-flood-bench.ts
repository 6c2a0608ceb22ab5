// Memory of a broker under a flood of oversized unauthenticated CONNECTs: N connections at once,
// each announcing 120 MiB and streaming its body. The new hub (a real `wardcast hub` process,
// whose broker guards packet sizes before aedes sees them) against the old arrangement (aedes
// handed the raw socket, as the hub did before), in its own process. Prints resident memory
// before, the peak (VmHWM) and after, per broker.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startHubProcess } from '../helpers/hub-process.ts';
import { freePort } from '../helpers/ports.ts';
import { oversizedConnect } from '../helpers/oversized-connect.ts';

const MiB = 1024 * 1024;
const N = Number(process.env.FLOOD_CONNECTIONS ?? 4);
const ANNOUNCED = 120 * MiB;

if (process.argv[2] === '--plain-aedes') {
  // The old arrangement: aedes reads the raw socket.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker({ queueLimit: 1000, maxClientsIdLength: 64, concurrency: 200 });
  broker.authenticate = (_c, _u, _p, done) => done(null, false);
  const server = net.createServer((socket) => broker.handle(socket));
  server.listen(Number(process.argv[3]), '127.0.0.1', () => console.log('listening'));
} else {
  await main();
}

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

async function flood(pid: number, port: number, label: string) {
  await new Promise((r) => setTimeout(r, 1000)); // let start-up settle
  const before = memory(pid);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: N }, () => oversizedConnect({ host: '127.0.0.1', port }, ANNOUNCED)),
  );
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 500));
  const after = memory(pid);
  const closed = results.filter((r) => r.closedByBroker).length;
  const sent = results.reduce((s, r) => s + r.sent, 0);
  const f = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
  console.log(
    `${label.padEnd(34)} rss before ${f(before.rss).padStart(8)}  peak ${f(Math.max(before.peak, after.peak)).padStart(8)}  after ${f(after.rss).padStart(8)}  ` +
      `growth at peak ${f(Math.max(0, after.peak - before.rss)).padStart(8)}  closed early ${closed}/${N}  client wrote ${f(sent)} before the close  in ${(ms / 1000).toFixed(1)} s`,
  );
}

async function main() {
  console.log(`${N} concurrent CONNECTs, each announcing ${ANNOUNCED / MiB} MiB and streaming its body`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-flood-'));
  try {
    const hub = await startHubProcess({ dataDir: dir, httpPort: await freePort(), mqttPort: await freePort() });
    try {
      await flood(hub.child.pid!, Number(new URL(hub.mqttUrl).port), 'hub (guarded broker)');
    } finally {
      await hub.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.resolve(import.meta.dirname, '../../bin/run-ts.mjs'), import.meta.filename, '--plain-aedes', String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    await flood(child.pid!, port, 'plain aedes (as before)');
  } finally {
    child.kill();
  }
}
