// TLS on both channels, on real processes: a hub with a certificate that openssl makes here (a test
// CA, a server certificate for 127.0.0.1 and localhost), agents that trust that CA enrolling over
// HTTPS, connecting over MQTTS and over secure WebSocket, downloading media over HTTPS and playing a
// bulletin with receipts; an agent that trusts another CA refused with a clear error on both
// channels; no plain MQTT or HTTP to be had.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, type World } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { freePort } from '../helpers/ports.ts';
import { makeServerCert, makeTestCa, type TestCa } from '../helpers/test-certs.ts';
import { fetchTrusting } from '../../edge-agent/hub-fetch.ts';
import type { Device } from '../helpers/api-types.ts';

let tmp: string;
let ca: TestCa;
let rogue: TestCa;
let plainMqttPort: number;
let t: TestHub;
let w: World;
const agents: AgentProcess[] = [];

const exited = (a: AgentProcess, ms: number) =>
  new Promise<number | null>((resolve, reject) => {
    if (a.child.exitCode !== null) return resolve(a.child.exitCode);
    const timer = setTimeout(() => reject(new Error(`agent still running after ${ms} ms:\n${a.output()}`)), ms);
    a.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-tls-'));
  ca = makeTestCa(path.join(tmp, 'ca'), 'Sở TT&TT test CA');
  const cert = makeServerCert(ca, 'hub');
  rogue = makeTestCa(path.join(tmp, 'rogue'), 'rogue CA');
  plainMqttPort = await freePort();
  t = await startTestHub(
    { tlsCert: cert.certFile, tlsKey: cert.keyFile, mqttTlsPort: 0, mqttPort: plainMqttPort },
    undefined,
    { fetch: fetchTrusting(readFileSync(ca.certFile)) },
  );
  w = await seedWorld(t, [
    { id: 'loa-mqtts', kind: 'speaker', area: HA_DINH },
    { id: 'loa-wss', kind: 'speaker', area: HA_DINH },
    { id: 'loa-rogue', kind: 'speaker', area: HA_DINH },
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await t?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('a hub with TLS', () => {
  it('serves HTTPS and MQTT over TLS, and nothing in plain text', async () => {
    expect(t.hub.httpUrl).toMatch(/^https:/);
    expect(t.hub.mqttUrl).toBe(`mqtts://127.0.0.1:${t.hub.mqttTlsPort}`);
    // Verified against the public CAs, the test CA's certificate is refused.
    const untrusted = await fetch(`${t.hub.httpUrl}/api/v1/health`).catch((e) => e);
    expect(untrusted.cause?.code).toMatch(/UNABLE_TO|SELF_SIGNED/);
    // Plain HTTP on the HTTPS port gets no answer; the configured plain MQTT port is not open.
    const plainHttp = await fetch(`http://127.0.0.1:${t.hub.httpPort}/api/v1/health`).then(
      (r) => r.status,
      (e) => e,
    );
    expect(plainHttp === 400 || plainHttp instanceof Error, String(plainHttp)).toBe(true);
    const refused = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${plainMqttPort}`, { reconnectPeriod: 0, connectTimeout: 3000 })
      .catch((e) => e);
    expect(refused.code).toBe('ECONNREFUSED');
  });

  it('closes a plain MQTT connection on the TLS port without a CONNACK', async () => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${t.hub.mqttTlsPort}`, {
      clientId: 'loa-mqtts',
      username: 'loa-mqtts',
      password: 'x',
      reconnectPeriod: 0,
      connectTimeout: 5000,
    });
    const outcome = await new Promise<string>((resolve) => {
      c.once('connect', () => resolve('connected'));
      c.once('close', () => resolve('closed'));
    });
    c.end(true);
    expect(outcome).toBe('closed');
  });

  it('answers an independent client (mosquitto_pub) that trusts the CA, and fails one that does not', async () => {
    // Asynchronously: the hub runs in this process.
    const pub = (cafile: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const args = [
          '-h',
          '127.0.0.1',
          '-p',
          String(t.hub.mqttTlsPort),
          '--cafile',
          cafile,
          '-u',
          'nobody',
          '-P',
          'wrong',
          '-i',
          'nobody',
          '-t',
          'x',
          '-m',
          'x',
        ];
        execFile('mosquitto_pub', args, { timeout: 15_000 }, (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stderr }),
        );
      });
    const trusted = await pub(ca.certFile);
    expect(trusted.stderr).toMatch(/not authori[sz]ed/i); // the handshake passed; the broker refused the login
    const untrusted = await pub(rogue.certFile);
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).not.toMatch(/not authori[sz]ed/i);
    expect(untrusted.stderr).toMatch(/TLS|certificate|protocol error/i);
  });
});

describe('agents that trust the CA', () => {
  it('enrol over HTTPS, connect over MQTTS and wss, download over HTTPS and play a bulletin with receipts', async () => {
    const common = { hubUrl: t.hub.httpUrl, profile: SPEAKER_PROFILE, extra: { caFile: ca.certFile } };
    agents.push(
      startAgentProcess({
        ...common,
        dir: path.join(tmp, 'loa-mqtts'),
        mqttUrl: t.hub.mqttUrl,
        enrolToken: w.tokens['loa-mqtts'],
      }),
    );
    agents.push(
      startAgentProcess({
        ...common,
        dir: path.join(tmp, 'loa-wss'),
        mqttUrl: `wss://localhost:${t.hub.httpPort}/mqtt`,
        enrolToken: w.tokens['loa-wss'],
      }),
    );
    await waitOnline(t.admin, ['loa-mqtts', 'loa-wss'], 45_000);

    const mp3 = vietnameseSpeech(tmp, 'Thông báo: hệ thống truyền thanh phường đã được mã hóa.');
    const up = await w.official.upload('/api/v1/media', mp3, 'ma-hoa.mp3');
    const m = await w.official.waitFor(
      async () => {
        const x = await w.official.get(`/api/v1/media/${up.id}`);
        return x.status !== 'processing' ? x : null;
      },
      60_000,
      'media processed',
    );
    expect(m.status, m.error).toBe('ready');
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Bản tin qua TLS',
      mediaId: m.id,
      targets: { areas: [], devices: ['loa-mqtts', 'loa-wss'] },
      startsAt: 'now',
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const done = await waitForResults(w.leader, b.id, 90_000);
    for (const d of done.devices) {
      expect(d.state, `${d.deviceId}: ${d.reason}`).toBe('played');
      expect(d.evidence.player.decodedMs).toBeGreaterThan(m.durationMs * 0.9);
    }
    const report = await w.district.get(`/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}`);
    expect(report.totals).toMatchObject({ played: 2, failed: 0, missed: 0 });
    for (const a of agents) expect(a.output()).not.toMatch(/TLS:/);
  }, 150_000);
});

describe('an agent that trusts another CA', () => {
  it('refuses to enrol, naming the problem, and leaves the token unspent', async () => {
    const a = startAgentProcess({
      dir: path.join(tmp, 'loa-rogue'),
      hubUrl: t.hub.httpUrl,
      mqttUrl: t.hub.mqttUrl,
      enrolToken: w.tokens['loa-rogue'],
      profile: SPEAKER_PROFILE,
      extra: { caFile: rogue.certFile },
    });
    agents.push(a);
    expect(await exited(a, 20_000)).not.toBe(0);
    expect(a.output()).toContain(
      `enrolment refused: TLS: the certificate of ${t.hub.httpUrl} is not signed by the CA in caFile ${rogue.certFile}`,
    );
    const device = (await t.admin.get('/api/v1/devices')).find((d: Device) => d.id === 'loa-rogue');
    expect(device.online).toBe(false);
    expect(device.enrolled).toBe(false);
  });

  it('refuses the broker over MQTTS, naming the problem, and never falls back to plain', async () => {
    // An enrolled device whose trust no longer matches the hub (a hub certificate replaced by a
    // stranger's looks the same from the device): a copy of loa-mqtts trusting the rogue CA.
    const good = agents[0];
    await good.stop();
    const dir = path.join(tmp, 'loa-mqtts-rogue');
    cpSync(path.join(tmp, 'loa-mqtts'), dir, { recursive: true });
    const cfg = YAML.parse(readFileSync(path.join(dir, 'agent.yaml'), 'utf8'));
    const a = startAgentProcess({
      dir,
      hubUrl: cfg.hubUrl,
      mqttUrl: cfg.mqttUrl,
      profile: SPEAKER_PROFILE,
      extra: { caFile: rogue.certFile },
    });
    agents.push(a);
    const expected = `TLS: the certificate of ${t.hub.mqttUrl} is not signed by the CA in caFile ${rogue.certFile}`;
    await t.admin.waitFor(async () => a.output().includes(expected), 20_000, 'the MQTTS refusal in the agent log');
    const device = (await t.admin.get('/api/v1/devices')).find((d: Device) => d.id === 'loa-mqtts');
    expect(device.online).toBe(false);
    expect(a.output()).not.toMatch(/mqtt connected/);
  });
});
