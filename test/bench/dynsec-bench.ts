// What one device enrolment costs Mosquitto's dynamic-security plugin as the broker's client list
// grows. The plugin saves its whole JSON file after every command that changes something, so each
// save grows with N. A real mosquitto is started with N device clients and roles already in its
// file (written before start, as the plugin would have saved them); then K new devices are
// provisioned one after another, timing the plugin's answer and reading the broker's CPU from /proc.
// Printed: which of the old six commands save the file for a device that was never provisioned,
// and per N the old six-command sequence (the peer) against provision() as the hub runs it now,
// plus a re-enrolment and a hub start (reconcile).
//   node bin/run-ts.mjs test/bench/dynsec-bench.ts [N,N,...] [K]     (npm run bench -- dynsec)
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { deviceAcls } from '../../hub/broker/access-rules.ts';
import { DEVICE_CLIENT_TEXT, deviceRole, mosquittoDynsecAccess } from '../../hub/broker/device-access.ts';
import { dynsecPassword } from '../../hub/broker/mosquitto-config.ts';
import { connectDynsec, type DynsecClient, type DynsecCommand } from '../../hub/broker/mosquitto-dynsec.ts';
import { DEFAULT_TOPIC_PREFIX } from '../../protocol/index.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { readProc } from '../fleet/proc-stats.ts';

const SIZES = (process.argv[2] ?? '100,1000,3000').split(',').map(Number);
const K = Number(process.argv[3] ?? 30);
const AREA = 'ha-noi/hoan-kiem/hang-bac';
const log = pino({ level: 'silent' });
const prefix = DEFAULT_TOPIC_PREFIX;

/** The sequence the hub sent for every enrolment until 01/12/2026: remove whatever was there, then create. */
const sixCommands = (id: string, password: string): DynsecCommand[] => [
  { command: 'disableClient', username: id },
  { command: 'deleteClient', username: id },
  { command: 'deleteRole', rolename: deviceRole(id) },
  { command: 'deleteRole', rolename: deviceRole(id) },
  { command: 'createRole', rolename: deviceRole(id), textname: DEVICE_CLIENT_TEXT, acls: deviceAcls(prefix, id, AREA) },
  {
    command: 'createClient',
    username: id,
    password,
    clientid: id,
    textname: DEVICE_CLIENT_TEXT,
    roles: [{ rolename: deviceRole(id) }],
  },
];

/** N device clients and roles in the plugin's file, in the form it saves them. */
function fill(file: string, n: number) {
  const config = JSON.parse(readFileSync(file, 'utf8'));
  const pw = dynsecPassword('bench-password-not-used-to-log-in');
  for (let i = 0; i < n; i++) {
    const id = `dev-pre-${i}`;
    config.clients.push({
      username: id,
      clientid: id,
      textname: DEVICE_CLIENT_TEXT,
      ...pw,
      roles: [{ rolename: deviceRole(id) }],
    });
    config.roles.push({
      rolename: deviceRole(id),
      textname: DEVICE_CLIENT_TEXT,
      acls: deviceAcls(prefix, id, AREA),
    });
  }
  writeFileSync(file, JSON.stringify(config));
}

const cpuMs = (m: Mosquitto) => (readProc(m.pid ?? -1)?.cpuS ?? Number.NaN) * 1000;
/** Bytes the broker has written (files and sockets): a save writes the whole file, an answer ~100 bytes. */
const written = (m: Mosquitto) => Number(/^wchar: (\d+)/m.exec(readFileSync(`/proc/${m.pid}/io`, 'utf8'))?.[1]);
const size = (m: Mosquitto) => statSync(m.dynsecFile!).size;

async function measure(m: Mosquitto, k: number, one: (i: number) => Promise<void>) {
  const cpu0 = cpuMs(m);
  const w0 = written(m);
  const t0 = performance.now();
  for (let i = 0; i < k; i++) await one(i);
  return {
    wallMs: (performance.now() - t0) / k,
    cpuMs: (cpuMs(m) - cpu0) / k,
    saves: (written(m) - w0) / size(m) / k,
  };
}

async function withBroker<T>(n: number, fn: (m: Mosquitto, dynsec: DynsecClient) => Promise<T>): Promise<T> {
  const m = await startMosquitto();
  let dynsec: DynsecClient | null = null;
  try {
    await m.kill();
    fill(m.dynsecFile!, n);
    await m.start();
    dynsec = await connectDynsec(m.url, {
      username: m.hubConfig.mqttUsername,
      password: m.hubConfig.mqttPassword,
      log,
      timeoutMs: 120_000,
    });
    return await fn(m, dynsec);
  } finally {
    await dynsec?.close();
    await m.stop();
  }
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`dynamic-security plugin: ${K} enrolments at each size, one after another; load average ${load()}`);

// 1. Which commands save the file for a device the broker has never seen.
await withBroker(100, async (m, dynsec) => {
  console.log('\nThe old six commands, one at a time, for a device never provisioned (N = 100):');
  console.log('| command | answer | file saved |');
  console.log('|---|---|---|');
  for (const c of sixCommands('dev-new', 'x'.repeat(32))) {
    const before = written(m);
    const [r] = await dynsec.run([c]);
    const bytes = written(m) - before;
    console.log(
      `| ${c.command} | ${r?.error ?? 'ok'} | ${bytes > size(m) / 2 ? 'yes' : 'no'} (${bytes} bytes written) |`,
    );
  }
});

// 2. Per N: the old sequence against provision() now, and a re-enrolment.
const rows: string[] = [];
const starts: string[] = [];
const f = (x: number) => x.toFixed(1);
for (const n of SIZES) {
  await withBroker(n, async (m, dynsec) => {
    const access = mosquittoDynsecAccess({ dynsec, topicPrefix: prefix, log });
    const old = await measure(m, K, async (i) => {
      const responses = await dynsec.run(sixCommands(`dev-old-${i}`, `pw-${i}`.padEnd(32, '0')));
      const bad = responses.find((r) => r.error && !/not found/i.test(r.error));
      if (bad) throw new Error(`${bad.command}: ${bad.error}`);
    });
    const now = await measure(m, K, (i) => access.provision(`dev-new-${i}`, `pw-${i}`.padEnd(32, '0'), AREA));
    const again = await measure(m, K, (i) => access.provision(`dev-new-${i}`, `pw2-${i}`.padEnd(32, '0'), AREA));
    // A hub start with nothing changed: before, three commands per device (delete, create and give
    // back its role), measured on K devices; now one reconcile() of every device.
    const oldStart = await measure(m, K, async (i) => {
      const id = `dev-pre-${i}`;
      await dynsec.run([
        { command: 'deleteRole', rolename: deviceRole(id) },
        {
          command: 'createRole',
          rolename: deviceRole(id),
          textname: DEVICE_CLIENT_TEXT,
          acls: deviceAcls(prefix, id, AREA),
        },
        { command: 'addClientRole', username: id, rolename: deviceRole(id) },
      ]);
    });
    const enrolled = [
      ...Array.from({ length: n }, (_, i) => ({ id: `dev-pre-${i}`, areaPath: AREA })),
      ...Array.from({ length: K }, (_, i) => ({ id: `dev-new-${i}`, areaPath: AREA })),
      ...Array.from({ length: K }, (_, i) => ({ id: `dev-old-${i}`, areaPath: AREA })),
    ];
    const kb = size(m) / 1024; // as the plugin saves it (indented with tabs)
    const start = await measure(m, 1, async () => {
      const r = await access.reconcile(enrolled);
      if (r.missing.length || r.removed.length) throw new Error(`reconcile: ${JSON.stringify(r)}`);
    });
    starts.push(
      `| ${n.toLocaleString('en')} | ${f((oldStart.wallMs * enrolled.length) / 1000)} s / ${f((oldStart.cpuMs * enrolled.length) / 1000)} s | ${f(start.wallMs)} ms / ${f(start.cpuMs)} ms / ${f(start.saves)} |`,
    );
    const cell = (r: typeof old) => `${f(r.wallMs)} / ${f(r.cpuMs)} / ${f(r.saves)}`;
    rows.push(
      `| ${n.toLocaleString('en')} | ${Math.round(kb).toLocaleString('en')} KB | ${cell(old)} | ${cell(now)} | ${f(old.cpuMs / now.cpuMs)}× | ${cell(again)} |`,
    );
  });
}
console.log(
  '\nPer enrolment, wall ms / Mosquitto CPU ms / bytes the broker wrote ÷ the file (a save is 1), mean of K:',
);
console.log(
  '| devices in the broker | plugin file | six commands (before) | provision() now | CPU ratio | re-enrolment now |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nHub start with every device enrolled and nothing changed (reconcile):');
console.log('| devices | before: wall / Mosquitto CPU (K measured, × devices) | now: wall / CPU / saves |');
console.log('|---|---|---|');
for (const r of starts) console.log(r);
console.log(`load average at the end ${load()}`);
