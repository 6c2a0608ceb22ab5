// Whatever the broker lost, a device that connects holds its current schedule within seconds, and
// "online" means connected now. Against a real Mosquitto without persistence (restarted: every
// retained message gone) and the embedded broker (restarted with the hub on the same data folder),
// with devices reduced to their MQTT sessions so each test chooses exactly what a device says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { generateSigningKeys, topics, type DeviceStatus } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { connectMqttDevice, type MqttDevice } from '../helpers/mqtt-device.ts';
import { seedWorld, HA_DINH, type World } from '../helpers/world.ts';
import { freePort } from '../helpers/ports.ts';
import { formatVn } from '../../hub/time.ts';
import type { Device } from '../helpers/api-types.ts';

const tp = topics();
const led = (text: string) => ({ pages: [{ lines: [text], mode: 'hold', seconds: 5 }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const device = (t: TestHub, id: string) => t.admin.get(`/api/v1/devices/${id}`);
const figures: string[] = [];

async function waitDevice(t: TestHub, id: string, check: (d: Device) => boolean, what: string, timeoutMs = 10_000) {
  return t.admin.waitFor(
    async () => {
      const d = await device(t, id);
      return check(d) ? d : null;
    },
    timeoutMs,
    `${id}: ${what}`,
  );
}

async function enrol(t: TestHub, w: World, id: string): Promise<string> {
  return (await t.api.post('/api/v1/enrol', { token: w.tokens[id], publicKey: generateSigningKeys().publicKeyPem }))
    .mqttPassword;
}

afterAll(() => {
  if (figures.length) console.log(`\nbroker loss figures:\n  ${figures.join('\n  ')}`);
});

describe('with a real Mosquitto (no persistence)', () => {
  let mq: Mosquitto;
  let t: TestHub;
  let w: World;
  const devices: MqttDevice[] = [];
  const connect = async (o: Parameters<typeof connectMqttDevice>[0]) => {
    const d = await connectMqttDevice(o);
    devices.push(d);
    return d;
  };

  beforeAll(async () => {
    // Devices here are bare MQTT sessions without credentials: an open broker (access: access.e2e).
    mq = await startMosquitto({ open: true });
    t = await startTestHub(mq.hubConfig);
    w = await seedWorld(t, [
      { id: 'led-1', kind: 'led', area: HA_DINH },
      { id: 'led-2', kind: 'led', area: HA_DINH },
      { id: 'led-3', kind: 'led', area: HA_DINH },
    ]);
    for (const id of ['led-1', 'led-2', 'led-3']) await enrol(t, w, id);
  });
  afterAll(async () => {
    for (const d of devices) await d.end().catch(() => {});
    await t?.stop();
    await mq?.stop();
  });

  it('a connected device is online only once it speaks, and holds its manifest again within seconds of a broker restart', async () => {
    const dev = await connect({
      url: mq.url,
      deviceId: 'led-1',
      session: 1,
      areas: ['ha-noi', 'ha-noi/thanh-xuan', HA_DINH],
    });
    await dev.waitFor(() => dev.manifestVersion() > 0, 5000, 'first manifest');
    expect((await device(t, 'led-1')).online).toBe(false); // connected, but silent
    await dev.birth(1, dev.manifestVersion());
    await waitDevice(t, 'led-1', (d) => d.online, 'online after its birth');

    const before = dev.manifestVersion();
    const instances = new Set(dev.hubBirths.map((h) => h.instance));
    await mq.restart();
    const restarted = Date.now();
    // Both the hub and the device reconnect; the broker has no retained manifest any more.
    const got = await dev.waitFor(
      () => dev.manifests.find((m) => m.version > before),
      15_000,
      'manifest after the broker restart',
    );
    figures.push(
      `Mosquitto restart → device holds its manifest again: ${got.at - restarted} ms (hub reconnect period 2 s)`,
    );
    // The hub announced a new instance, retained on the new broker.
    await dev.waitFor(() => dev.hubBirths.some((h) => !instances.has(h.instance)), 5000, 'a new hub instance');
    expect((await device(t, 'led-1')).online).toBe(false); // not spoken in this broker session
    await dev.telemetry();
    await waitDevice(t, 'led-1', (d) => d.online, 'online after telemetry');
  }, 40_000);

  it('approve, emergency and cancel answer at once with the broker down; commands follow in order when it returns', async () => {
    const dev = devices[0];
    await mq.kill();
    await t.admin.waitFor(async () => !t.hub.ctx.mqttConnected(), 10_000, 'hub sees the broker gone');
    await waitDevice(t, 'led-1', (d) => !d.online, 'offline with the broker gone');

    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Lịch cắt điện',
      led: led('Cắt điện 8h-10h'),
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: formatVn(Date.now() + 3600_000),
    });
    let t0 = performance.now();
    const approved = await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const approveMs = performance.now() - t0;
    expect(approved.status).toBe('approved');
    t0 = performance.now();
    const em = await w.district.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp',
      led: led('KHẨN CẤP: NGẬP ÚNG'),
      priority: 'emergency',
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: 'now',
    });
    const emergencyMs = performance.now() - t0;
    expect(em.status).toBe('approved');
    t0 = performance.now();
    await w.district.post(`/api/v1/broadcasts/${em.id}/cancel`, {});
    const cancelMs = performance.now() - t0;
    figures.push(
      `broker down: approve ${approveMs.toFixed(1)} ms, emergency create ${emergencyMs.toFixed(1)} ms, cancel ${cancelMs.toFixed(1)} ms`,
    );
    // Generous bounds: the point is "not the outage" (it used to block until the broker returned).
    for (const ms of [approveMs, emergencyMs, cancelMs]) expect(ms).toBeLessThan(3000);
    const metrics = () => t.admin.get('/metrics');
    // The three boards are the whole ward: one play-now and one stop on the ward's topic.
    expect(await metrics()).toMatch(/wardcast_hub_outbox_pending 2\b/);

    const before = dev.manifestVersion();
    await mq.start();
    const withBulletin = await dev.waitFor(
      () => dev.manifests.find((m) => m.version > before && m.items.some((i) => i.occurrenceId.startsWith(`${b.id}@`))),
      15_000,
      'manifest with the bulletin approved while the broker was down',
    );
    expect(withBulletin.items.some((i) => i.occurrenceId.startsWith(`${em.id}@`))).toBe(false); // cancelled
    await dev.waitFor(() => dev.commands.length >= 2, 10_000, 'play-now and stop');
    expect(
      dev.commands.map((c) => [c.type, c.body.item?.occurrenceId.split('@')[0] ?? c.body.broadcastId, c.topic]),
    ).toEqual([
      ['play-now', em.id, tp.areaCommand(HA_DINH)],
      ['stop', em.id, tp.areaCommand(HA_DINH)],
    ]);
    await t.admin.waitFor(async () => /wardcast_hub_outbox_pending 0\b/.test(await metrics()), 5000, 'outbox empty');

    // A board that was off through all of it gets the bulletin as soon as it connects.
    const late = await connect({ url: mq.url, deviceId: 'led-2', session: 1 });
    const lateGot = await late.waitFor(
      () => late.manifests.find((m) => m.items.some((i) => i.occurrenceId.startsWith(`${b.id}@`))),
      5000,
      'the late board gets the bulletin',
    );
    expect(lateGot.version).toBe((await device(t, 'led-2')).manifestVersion);
  }, 60_000);

  it("an old session's will that arrives after the new birth leaves the device online (real wills, real broker)", async () => {
    const observer = await mqtt.connectAsync(mq.url, { protocolVersion: 4, clientId: 'observer', clean: true });
    const seen: DeviceStatus[] = [];
    observer.on('message', (_t, p) => p.length && seen.push(JSON.parse(p.toString())));
    await observer.subscribeAsync(tp.deviceStatus('led-3'), { qos: 1 });
    try {
      const old = await connect({
        url: mq.url,
        deviceId: 'led-3',
        clientId: 'led-3-old',
        session: 5,
        reconnect: false,
      });
      await old.birth(5);
      await waitDevice(t, 'led-3', (d) => d.online && d.session === 5, 'session 5 online');
      const neu = await connect({
        url: mq.url,
        deviceId: 'led-3',
        clientId: 'led-3-new',
        session: 6,
        reconnect: false,
      });
      await neu.birth(6);
      await waitDevice(t, 'led-3', (d) => d.online && d.session === 6, 'session 6 online');
      // The broker notices the old connection gone only now: its will comes after birth 6.
      old.drop();
      await neu.waitFor(
        () => seen.some((s) => s.state === 'offline' && s.session === 5),
        5000,
        'the will of session 5 delivered',
      );
      await sleep(500);
      expect(await device(t, 'led-3')).toMatchObject({ online: true, session: 6 });
      neu.drop();
      await waitDevice(t, 'led-3', (d) => !d.online && d.session === 6, 'offline by the will of session 6');
    } finally {
      await observer.endAsync(true);
    }
  }, 30_000);

  it('after a hub restart a retained birth is old news: the device is online only once it speaks', async () => {
    const dev = devices[0];
    await dev.birth(9, dev.manifestVersion());
    await waitDevice(t, 'led-1', (d) => d.online && d.session === 9, 'online');
    const before = dev.manifestVersion();
    const instances = new Set(dev.hubBirths.map((h) => h.instance));
    await t.stop(true);
    t = await startTestHub(mq.hubConfig, t.dir);
    // The broker kept the birth (retained) and hands it to the new hub on subscribing.
    await dev.waitFor(() => dev.hubBirths.some((h) => !instances.has(h.instance)), 5000, 'the new hub instance');
    await dev.waitFor(() => dev.manifestVersion() > before, 5000, 'manifests republished at the hub start');
    await sleep(300);
    expect((await device(t, 'led-1')).online).toBe(false);
    await dev.telemetry();
    await waitDevice(t, 'led-1', (d) => d.online, 'online after it spoke');
  }, 30_000);
});

describe('with the embedded broker', () => {
  let t: TestHub;
  const devices: MqttDevice[] = [];
  afterAll(async () => {
    for (const d of devices) await d.end().catch(() => {});
    await t?.stop();
  });

  it('a device off during an approval and a hub restart gets the bulletin within seconds; births behind or ahead get a new manifest', async () => {
    const ports = { httpPort: await freePort(), mqttPort: await freePort() };
    t = await startTestHub(ports);
    const w = await seedWorld(t, [{ id: 'led-1', kind: 'led', area: HA_DINH }]);
    const password = await enrol(t, w, 'led-1');
    const url = t.hub.mqttUrl;
    const first = await connectMqttDevice({ url, deviceId: 'led-1', password, session: 1, reconnect: false });
    devices.push(first);
    await first.waitFor(() => first.manifestVersion() > 0, 5000, 'first manifest');
    await first.birth(1, first.manifestVersion());
    await waitDevice(t, 'led-1', (d) => d.online, 'online');
    first.drop();
    await waitDevice(t, 'led-1', (d) => !d.online, 'offline by its will');

    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Tiêm chủng',
      led: led('Tiêm chủng sáng thứ Bảy'),
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: formatVn(Date.now() + 3600_000),
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    await t.stop(true);
    t = await startTestHub(ports, t.dir); // aedes starts empty: no retained manifest survives

    expect((await device(t, 'led-1')).online).toBe(false);
    const connectedAt = Date.now();
    const dev = await connectMqttDevice({ url, deviceId: 'led-1', password, session: 2 });
    devices.push(dev);
    const got = await dev.waitFor(
      () => dev.manifests.find((m) => m.items.some((i) => i.occurrenceId.startsWith(`${b.id}@`))),
      5000,
      'the bulletin',
    );
    figures.push(
      `embedded broker, hub restarted: device connect → manifest with the bulletin ${got.at - connectedAt} ms`,
    );
    expect((await device(t, 'led-1')).online).toBe(false);
    await dev.birth(2, dev.manifestVersion());
    await waitDevice(t, 'led-1', (d) => d.online && d.session === 2, 'online in session 2');

    // A device that lost its manifest (reports 0) gets a new one at once.
    const held = dev.manifestVersion();
    await dev.birth(3, 0);
    await dev.waitFor(() => dev.manifestVersion() > held, 5000, 'a manifest for a device behind');

    // A hub restored from an old backup: the device holds a version this hub never issued (above
    // the block of versions the hub reserved, hub/db/reserved-counter.ts).
    const restored = dev.manifestVersion() + 100_000;
    await dev.birth(4, restored);
    const ahead = await dev.waitFor(
      () => dev.manifests.find((m) => m.version > restored),
      5000,
      'a manifest newer than the device holds',
    );
    expect((await device(t, 'led-1')).manifestVersion).toBe(ahead.version);
  }, 60_000);
});
