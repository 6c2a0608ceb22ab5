// Fleet benchmark: N simulated LED agents enrol, connect and confirm a district emergency. Run
// once through the hub's embedded aedes broker and once through mosquitto (the peer), in the same
// run, so the ratio means something on a noisy machine.
//   node bin/run-ts.mjs test/bench/fleet-bench.ts [agents=40]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestHub } from '../helpers/test-hub.ts';
import { freePort } from '../helpers/ports.ts';
import { startAgent, type RunningAgent } from '../../edge-agent/main.ts';

const N = Number(process.argv[2] ?? 40);

async function startMosquitto(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 10000\n`);
  const child = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  return { url: `mqtt://127.0.0.1:${port}`, child };
}

async function run(broker: 'aedes' | 'mosquitto') {
  const dir = mkdtempSync(path.join(os.tmpdir(), `wardcast-bench-${broker}-`));
  const mosq = broker === 'mosquitto' ? await startMosquitto(dir) : null;
  const t = await startTestHub(mosq ? { mqttUrl: mosq.url, mqttAccess: 'broker' } : {}) // an open broker: the bench measures delivery, not access;
  const a = t.admin;
  await a.post('/api/v1/areas', { slug: 'ha-noi', name: 'Hà Nội', level: 'province' });
  await a.post('/api/v1/areas', { parentPath: 'ha-noi', slug: 'thanh-xuan', name: 'Thanh Xuân', level: 'district' });
  await a.post('/api/v1/users', { username: 'quan', password: 'password-quan', role: 'district', areaPath: 'ha-noi/thanh-xuan' });
  const district = await t.api.as('quan', 'password-quan');
  const agents: RunningAgent[] = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const id = `led-${i}`;
    const { enrolToken } = await a.post('/api/v1/devices', { id, name: id, kind: 'led', areaPath: 'ha-noi/thanh-xuan' });
    agents.push(
      await startAgent({ dataDir: path.join(dir, id), hubUrl: t.hub.httpUrl, mqttUrl: t.hub.mqttUrl, enrolToken, profile: { kind: 'led', board: { driver: 'simulated', latencyMs: 0 } }, logLevel: 'silent' }),
    );
  }
  await district.waitFor(async () => (await district.get('/api/v1/devices')).filter((d: any) => d.online).length === N, 60_000, 'all online');
  const onlineMs = performance.now() - t0;

  const sent = performance.now();
  const b = await district.post('/api/v1/broadcasts', {
    title: 'Khẩn cấp',
    led: { pages: [{ lines: ['KHẨN CẤP: BÃO SỐ 3'], mode: 'flash', seconds: 1 }] },
    priority: 'emergency',
    targets: { areas: ['ha-noi/thanh-xuan'], devices: [] },
    startsAt: 'now',
  });
  const startsAt = Date.parse(b.startsAt);
  let firstAll = 0;
  await district.waitFor(async () => {
    const d = await district.get(`/api/v1/broadcasts/${b.id}`);
    return d.devicesTotal === N && d.deviceCounts.played === N ? d : null;
  }, 60_000, 'all confirmed');
  firstAll = performance.now() - sent;
  const starts: number[] = [];
  for (let offset: number | null = 0; offset !== null; ) {
    const page: any = await district.get(`/api/v1/broadcasts/${b.id}?limit=5000&offset=${offset}`);
    starts.push(...page.devices.map((x: any) => Date.parse(x.actualStart)));
    offset = page.devicesNextOffset;
  }
  const spread = Math.max(...starts) - Math.min(...starts);
  const lateness = Math.max(...starts) - startsAt;

  await Promise.all(agents.map((x) => x.stop()));
  await t.stop();
  mosq?.child.kill();
  rmSync(dir, { recursive: true, force: true });
  return { broker, onlineMs, confirmMs: firstAll, spread, lateness };
}

const results = [await run('aedes'), await run('mosquitto')];
console.log(`\nfleet of ${N} simulated LED agents (in one process with the hub)\n`);
console.log('broker      enrol+online   emergency send → all confirmed   start spread   latest start after planned');
for (const r of results) {
  console.log(`${r.broker.padEnd(11)} ${(r.onlineMs / 1000).toFixed(2).padStart(8)} s   ${(r.confirmMs / 1000).toFixed(2).padStart(10)} s (incl. ${2} s lead + 1 s display)   ${String(r.spread).padStart(6)} ms   ${String(r.lateness).padStart(6)} ms`);
}
console.log(`\nratio aedes / mosquitto: enrol+online ${(results[0].onlineMs / results[1].onlineMs).toFixed(2)}, send→confirmed ${(results[0].confirmMs / results[1].confirmMs).toFixed(2)}`);
process.exit(0);
