// Broker access on real parts, against the embedded aedes and against a real Mosquitto set up as
// `wardcast broker mosquitto-config` does: no anonymous login; a device reads and writes only its
// own topics; revoking closes its live session at once and refuses its credentials; a replacement
// board enrols with a new token and plays.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startAgentProcess, LED_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, KIM_GIANG, type World } from '../helpers/world.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import type { AuditEntry, BroadcastDevice, Device } from '../helpers/api-types.ts';

const tp = topics();
type Creds = { username: string; password: string };

/** Enrols like an agent would, keeping the credentials for a bare MQTT session. */
async function enrolBare(t: TestHub, token: string): Promise<Creds> {
  const { publicKey } = generateKeyPairSync('ed25519');
  const r = await t.api.post('/api/v1/enrol', {
    token,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  return { username: r.mqttUsername, password: r.mqttPassword };
}

const connect = (url: string, c?: Creds, clientId = c?.username ?? `anon-${Date.now()}`) =>
  mqtt.connectAsync(url, {
    protocolVersion: 4,
    clientId,
    username: c?.username,
    password: c?.password,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });

/** 'granted' or 'refused' (SUBACK 0x80; aedes may also close the connection). */
async function trySubscribe(url: string, c: Creds, topic: string): Promise<'granted' | 'refused'> {
  const client = await connect(url, c);
  try {
    const g = await client.subscribeAsync(topic, { qos: 1 });
    return g[0]?.qos === 128 ? 'refused' : 'granted';
  } catch {
    return 'refused';
  } finally {
    await client.endAsync(true).catch(() => {});
  }
}

/** Publishes and lets go: brokers refuse silently (Mosquitto) or by closing (aedes). */
async function tryPublish(url: string, c: Creds, topic: string, payload: string, retain = false): Promise<void> {
  const client = await connect(url, c);
  client.on('error', () => {});
  await Promise.race([
    client.publishAsync(topic, payload, { qos: 1, retain }).catch(() => {}),
    new Promise((r) => setTimeout(r, 500)),
  ]);
  await client.endAsync(true).catch(() => {});
}

function waitFor<T>(check: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      const v = check();
      if (v) return resolve(v);
      if (Date.now() > until) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe.each(['embedded', 'mosquitto'] as const)('broker access with the %s broker', (broker) => {
  let mq: Mosquitto | null = null;
  let t: TestHub;
  let w: World;
  let tmp: string;
  let url: string;
  const agents: AgentProcess[] = [];
  const clients: MqttClient[] = [];
  let other: Creds; // led-2, in another ward: the would-be attacker

  const device = async (id: string): Promise<Device> => await t.admin.get(`/api/v1/devices/${id}`);
  const ledBroadcast = async (title: string, area: string) => {
    const b = await w.district.post('/api/v1/broadcasts', {
      title,
      led: { pages: [{ lines: [title], mode: 'hold', seconds: 2 }] },
      priority: 'emergency',
      targets: { areas: [area], devices: [] },
      startsAt: 'now',
    });
    expect(b.status).toBe('approved');
    return b;
  };

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-access-'));
    mq = broker === 'mosquitto' ? await startMosquitto() : null;
    t = await startTestHub(mq?.hubConfig ?? {});
    url = t.hub.mqttUrl;
    w = await seedWorld(t, [
      { id: 'led-1', kind: 'led', area: HA_DINH },
      { id: 'led-2', kind: 'led', area: KIM_GIANG },
      { id: 'led-3', kind: 'led', area: KIM_GIANG },
    ]);
    agents.push(
      startAgentProcess({
        dir: path.join(tmp, 'led-1'),
        hubUrl: t.hub.httpUrl,
        mqttUrl: url,
        enrolToken: w.tokens['led-1'],
        profile: LED_PROFILE,
      }),
    );
    other = await enrolBare(t, w.tokens['led-2']);
    await waitOnline(t.admin, ['led-1']);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => {});
    await Promise.all(agents.map((a) => a.stop()));
    await t?.stop();
    await mq?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses anonymous clients, wrong passwords and a device logging in under another client id', async () => {
    await expect(connect(url)).rejects.toThrow(/not authori[sz]ed|bad user/i);
    await expect(connect(url, { username: 'led-2', password: 'wrong' })).rejects.toThrow(/not authori[sz]ed|bad user/i);
    await expect(connect(url, other, 'someone-else')).rejects.toThrow(/not authori[sz]ed|bad user/i);
  });

  it("lets a device subscribe only to its own topics, its areas' commands and the hub's status", async () => {
    for (const topic of [
      tp.deviceCommand('led-2'),
      tp.deviceSchedule('led-2'),
      tp.deviceReply('led-2'),
      tp.hubStatus,
      tp.areaCommand('ha-noi/thanh-xuan/kim-giang'),
      tp.areaCommand('ha-noi'),
    ]) {
      expect(await trySubscribe(url, other, topic), topic).toBe('granted');
    }
    for (const topic of [
      '#',
      'wardcast/v1/#',
      'wardcast/v1/dev/+/cmd',
      tp.deviceCommand('led-1'),
      tp.deviceSchedule('led-1'),
      tp.deviceReply('led-1'),
      tp.deviceStatus('led-1'),
      'wardcast/v1/dev/led-1/evt/#',
      'wardcast/v1/dev/+/evt/#',
      tp.areaCommand('ha-noi/thanh-xuan/ha-dinh'),
      '$CONTROL/dynamic-security/v1/response',
    ]) {
      expect(await trySubscribe(url, other, topic), topic).toBe('refused');
    }
  });

  it("cannot spoof another device's status or telemetry, nor any command, schedule or hub topic", async () => {
    const before = await device('led-1');
    expect(before.online).toBe(true);
    // The finding: a retained "offline" with a huge session kept a device offline forever.
    await tryPublish(
      url,
      other,
      tp.deviceStatus('led-1'),
      JSON.stringify({ state: 'offline', session: 1e12, deviceId: 'led-1' }),
      true,
    );
    await tryPublish(
      url,
      other,
      tp.deviceEvent('led-1', 'telemetry'),
      JSON.stringify({
        deviceId: 'led-1',
        at: Date.now(),
        clockOffsetMs: null,
        clockDelayMs: null,
        outboxSize: 99999,
        cacheBytes: 0,
        scheduleVersion: 0,
        nowPlaying: null,
        rejected: {},
      }),
    );
    await tryPublish(
      url,
      other,
      tp.hubStatus,
      JSON.stringify({ state: 'offline', instance: 'spoofed', at: Date.now() }),
      true,
    );
    for (const topic of [
      tp.deviceCommand('led-1'),
      tp.deviceSchedule('led-1'),
      tp.deviceCommand('led-2'),
      tp.areaCommand('ha-noi'),
      '$CONTROL/dynamic-security/v1',
    ]) {
      await tryPublish(
        url,
        other,
        topic,
        JSON.stringify({ commands: [{ command: 'deleteClient', username: 'led-1' }] }),
        true,
      );
    }
    // An independent witness with led-2's rights: what the broker kept on the topics it may read.
    const witness = await connect(url, other);
    clients.push(witness);
    const retained: Record<string, string> = {};
    witness.on('message', (topic, p, packet) => packet.retain && (retained[topic] = p.toString()));
    await witness.subscribeAsync([tp.hubStatus, tp.deviceSchedule('led-2'), tp.deviceCommand('led-2')], { qos: 1 });
    await new Promise((r) => setTimeout(r, 1000));
    expect(JSON.parse(retained[tp.hubStatus]).state).toBe('online');
    await witness.endAsync(true);

    const after = await device('led-1');
    expect(after.online).toBe(true);
    expect(after.telemetry?.outboxSize ?? 0).not.toBe(99999);
    // And led-1 still works: a restart of its agent comes back online (no retained spoof holds it).
    await agents[0].stop();
    agents[0] = startAgentProcess({
      dir: path.join(tmp, 'led-1'),
      hubUrl: t.hub.httpUrl,
      mqttUrl: url,
      profile: LED_PROFILE,
    });
    await t.admin.waitFor(
      async () => !(await device('led-1')).online || null,
      15_000,
      'led-1 offline after its agent stopped',
    );
    await waitOnline(t.admin, ['led-1'], 30_000);
  }, 60_000);

  it('a real agent receives, plays and confirms a bulletin end to end', async () => {
    const b = await ledBroadcast('Thông báo phường Hạ Đình', HA_DINH);
    const done = await waitForResults(w.district, b.id);
    expect(done.devices.map((d: BroadcastDevice) => [d.deviceId, d.state])).toEqual([['led-1', 'played']]);
  }, 60_000);

  it('revoking closes the live session within a second, refuses the old credentials and sends it nothing', async () => {
    const live = await connect(url, other);
    clients.push(live);
    let closedAt = 0;
    live.on('close', () => (closedAt ||= Date.now()));
    const at = Date.now();
    await w.district.post('/api/v1/devices/led-2/revoke', {});
    await waitFor(() => closedAt, 2000, 'led-2 disconnected');
    expect(closedAt - at).toBeLessThan(1000);
    await expect(connect(url, other)).rejects.toThrow(/not authori[sz]ed|bad user/i);
    const d = await device('led-2');
    expect(d).toMatchObject({ enrolled: false, online: false });
    expect(d.revokedAt).not.toBeNull();
    const audit = await t.admin.get('/api/v1/audit');
    expect(audit.find((a: AuditEntry) => a.target === 'led-2' && a.action === 'device.revoke')).toMatchObject({
      username: 'quan',
    });
  });

  it('a new enrolment token revokes the running agent at once; it gets no commands; the replacement enrols and plays', async () => {
    const old = agents[0];
    const mark = old.output().length;
    const at = Date.now();
    const { enrolToken } = await w.district.post('/api/v1/devices/led-1/enrol-token', {});
    const lost = await waitFor(
      () => /mqtt connection lost/.test(old.output().slice(mark)) && Date.now(),
      2000,
      'the old agent disconnected',
    );
    expect(lost - at).toBeLessThan(1000);
    // It keeps trying, and the broker keeps refusing.
    await waitFor(
      () => /not authori[sz]ed|bad user/i.test(old.output().slice(mark)),
      10_000,
      'the old agent refused on reconnecting',
    );
    const b = await ledBroadcast('Khẩn cấp cho Hạ Đình', HA_DINH);
    await new Promise((r) => setTimeout(r, 3000));
    expect(old.output().slice(mark)).not.toMatch(/mqtt connected/);
    expect(old.output().slice(mark)).not.toContain(`${b.id}@`);
    await old.stop();

    // The replacement board: a new folder (new key), the new token.
    const fresh = startAgentProcess({
      dir: path.join(tmp, 'led-1-new'),
      hubUrl: t.hub.httpUrl,
      mqttUrl: url,
      enrolToken,
      profile: LED_PROFILE,
    });
    agents[0] = fresh;
    await waitOnline(t.admin, ['led-1'], 30_000);
    const b2 = await ledBroadcast('Bảng mới ở Hạ Đình', HA_DINH);
    const done = await waitForResults(w.district, b2.id);
    expect(done.devices.map((d: BroadcastDevice) => [d.deviceId, d.state])).toEqual([['led-1', 'played']]);
  }, 90_000);

  it('a decommissioned device is refused, leaves the live fleet and stays in the records', async () => {
    const creds = await enrolBare(t, w.tokens['led-3']);
    const live = await connect(url, creds);
    clients.push(live);
    let closed = false;
    live.on('close', () => (closed = true));
    await w.district.post('/api/v1/devices/led-3/decommission', {});
    await waitFor(() => closed, 1000, 'led-3 disconnected');
    await expect(connect(url, creds)).rejects.toThrow(/not authori[sz]ed|bad user/i);
    expect((await t.admin.get('/api/v1/devices')).map((d: Device) => d.id)).not.toContain('led-3');
    const all = await t.admin.get('/api/v1/devices?all=true');
    expect(all.find((d: Device) => d.id === 'led-3').decommissionedAt).not.toBeNull();
    await expect(w.district.post('/api/v1/devices/led-3/enrol-token', {})).rejects.toThrow(/409|decommission|ngừng/i);
    expect(
      (await t.admin.get('/api/v1/audit')).some(
        (a: AuditEntry) => a.target === 'led-3' && a.action === 'device.decommission',
      ),
    ).toBe(true);
  });
});
