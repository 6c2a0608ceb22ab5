// The world a bad actor attacks: a real hub (SQLite, HTTP, the embedded broker or an external one)
// with a district of two wards, their officials and leaders, three enrolled devices whose MQTT
// sessions and signing keys the tests hold (an attacker who stole one device has exactly that),
// a bulletin that already played and was confirmed, and one still to come. `snapshot` is what
// must not change when an attack is refused: coverage, schedules, device state.
import { randomUUID, createPrivateKey, type KeyObject } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { expect } from 'vitest';
import { generateSigningKeys, signReceipt, topics } from '../../protocol/index.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { DISTRICT, HA_DINH, KIM_GIANG, seedWorld, type World } from '../helpers/world.ts';
import { formatVn } from '../../hub/time.ts';
import type { Broadcast, BroadcastDevice, CoverageRow, Device, HubJson, MediaItem } from '../helpers/api-types.ts';

export const tp = topics();
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const led = (text: string, seconds = 4) => ({ pages: [{ lines: [text], mode: 'hold', seconds }] });

export interface DeviceSession {
  id: string;
  area: string;
  password: string;
  key: KeyObject;
  publicKeyPem: string;
  client: MqttClient;
  /** every message the device's own session received, by topic */
  received: Array<{ topic: string; payload: string }>;
}

export interface BadActorWorld {
  t: TestHub;
  w: World;
  /** the MQTT URL devices use (embedded broker or external) */
  mqttUrl: string;
  devices: Record<'led-hd' | 'led-kg' | 'loa-hd', DeviceSession>;
  /** Kim Giang's official and leader: a neighbouring ward's users */
  kgOfficial: ApiClient;
  kgLeader: ApiClient;
  hdOfficial: ApiClient;
  /** the bulletin that played on led-hd and was confirmed */
  played: { id: string; startsAt: number };
  /** a Hạ Đình bulletin still to come (tomorrow) */
  upcoming: { id: string; startsAt: number };
  stop(): Promise<void>;
}

export async function connectDevice(mqttUrl: string, id: string, password: string, clientId = id): Promise<MqttClient> {
  return mqtt.connectAsync(mqttUrl, {
    clientId,
    username: id,
    password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });
}

export async function startBadActorWorld(
  o: { hubOverrides?: Record<string, unknown>; mosquitto?: boolean } = {},
): Promise<BadActorWorld> {
  // Mosquitto as the field would run it: `wardcast broker mosquitto-config`, dynamic security.
  const mq = o.mosquitto ? await startMosquitto() : null;
  const t = await startTestHub({ ...(mq?.hubConfig ?? {}), ...o.hubOverrides });
  const mqttUrl = mq?.url ?? t.hub.mqttUrl;
  const specs = [
    { id: 'led-hd', kind: 'led' as const, area: HA_DINH },
    { id: 'led-kg', kind: 'led' as const, area: KIM_GIANG },
    { id: 'loa-hd', kind: 'speaker' as const, area: HA_DINH },
  ];
  const w = await seedWorld(t, specs);
  const users = [
    { username: 'canbo.hd', password: 'password-canbo-hd', role: 'operator', areaPath: HA_DINH },
    { username: 'canbo.kg', password: 'password-canbo-kg', role: 'operator', areaPath: KIM_GIANG },
    { username: 'lanhdao.kg', password: 'password-lanhdao-kg', role: 'approver', areaPath: KIM_GIANG },
  ];
  for (const u of users) await t.admin.post('/api/v1/users', { ...u, displayName: u.username });
  const devices = {} as BadActorWorld['devices'];
  for (const s of specs) {
    const keys = generateSigningKeys();
    const creds = await t.api.post('/api/v1/enrol', { token: w.tokens[s.id], publicKey: keys.publicKeyPem });
    const client = await connectDevice(mqttUrl, s.id, creds.mqttPassword);
    const received: DeviceSession['received'] = [];
    client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
    client.on('error', () => {});
    await client.subscribeAsync([tp.deviceCommand(s.id), tp.deviceSchedule(s.id), tp.deviceReply(s.id)], { qos: 1 });
    await client.publishAsync(
      tp.deviceStatus(s.id),
      JSON.stringify({ state: 'online', session: 1, deviceId: s.id, manifestVersion: 0 }),
      { qos: 1, retain: true },
    );
    devices[s.id as keyof BadActorWorld['devices']] = {
      id: s.id,
      area: s.area,
      password: creds.mqttPassword,
      key: createPrivateKey(keys.privateKeyPem),
      publicKeyPem: keys.publicKeyPem,
      client,
      received,
    };
  }
  const hdOfficial = await t.api.as('canbo.hd', 'password-canbo-hd');
  const kgOfficial = await t.api.as('canbo.kg', 'password-canbo-kg');
  const kgLeader = await t.api.as('lanhdao.kg', 'password-lanhdao-kg');

  // A bulletin that airs in a moment on Hạ Đình's board and is confirmed by it.
  const startsAt = Date.now() + 6000;
  const b = await hdOfficial.post('/api/v1/broadcasts', {
    title: 'Đã phát và xác nhận',
    led: led('Đã phát'),
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: formatVn(startsAt),
  });
  await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  const upcomingAt = Date.now() + 86_400_000;
  const up = await hdOfficial.post('/api/v1/broadcasts', {
    title: 'Ngày mai',
    led: led('Ngày mai'),
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: formatVn(upcomingAt),
  });
  await w.leader.post(`/api/v1/broadcasts/${up.id}/approve`, {});
  const occ = (await w.leader.get(`/api/v1/broadcasts/${b.id}`)).devices.find(
    (x: BroadcastDevice) => x.deviceId === 'led-hd',
  ).occurrenceId as string;
  const hubStart = Number(occ.split('@')[1]);
  await sleep(hubStart + 4000 + 500 - Date.now());
  const d = devices['led-hd'];
  const receipt = signReceipt(d.key, {
    id: randomUUID(),
    deviceId: d.id,
    occurrenceId: `${b.id}@${hubStart}`,
    broadcastId: b.id,
    result: 'played',
    scheduledStart: hubStart,
    actualStart: hubStart + 50,
    actualEnd: hubStart + 4050,
    secondsPlayed: 4,
    clockOffsetMs: 3,
    evidence: { led: { shownText: 'Đã phát', readBack: 'Đã phát', matches: true } },
  });
  await d.client.publishAsync(tp.deviceEvent(d.id, 'receipt'), JSON.stringify(receipt), { qos: 1 });
  await t.admin.waitFor(
    async () => (await coverage(t.admin)).totals.played === 1,
    10_000,
    'the genuine receipt counted',
  );

  return {
    t,
    w,
    mqttUrl,
    devices,
    kgOfficial,
    kgLeader,
    hdOfficial,
    played: { id: b.id, startsAt: hubStart },
    upcoming: {
      id: up.id,
      startsAt: Number(
        (
          (await w.leader.get(`/api/v1/broadcasts/${up.id}`)).devices.find(
            (x: BroadcastDevice) => x.deviceId === 'led-hd',
          ).occurrenceId as string
        ).split('@')[1],
      ),
    },
    async stop() {
      for (const s of Object.values(devices)) await s.client.endAsync(true).catch(() => {});
      await t.stop();
      await mq?.stop();
    },
  };
}

export function coverage(api: ApiClient) {
  const from = formatVn(Date.now() - 2 * 86_400_000)!;
  const to = formatVn(Date.now() + 3 * 86_400_000)!;
  return api.get(
    `/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
}

/** What a refused attack must leave as it was. */
export async function snapshot(x: BadActorWorld) {
  const report = await coverage(x.t.admin);
  // led-hd is the attacker's own device: its presence is the attacker's to change (a second
  // connection with its id takes its session over), everything else about it is not.
  const devices = (await x.t.admin.get('/api/v1/devices')).map((d: Device) => ({
    id: d.id,
    ...(d.id === 'led-hd' ? {} : { online: d.online, session: d.session }),
    enrolled: d.enrolled,
    manifestVersion: d.manifestVersion,
    telemetry: d.telemetry,
    areaPath: d.areaPath,
  }));
  const broadcasts = (await x.t.admin.get('/api/v1/broadcasts')).map((b: Broadcast) => ({
    id: b.id,
    status: b.status,
    title: b.title,
    startsAt: b.startsAt,
    rrule: b.rrule,
    led: b.led,
  }));
  const media = (await x.t.admin.get('/api/v1/media')).map((m: MediaItem) => ({ id: m.id, status: m.status }));
  const users = (await x.t.admin.get('/api/v1/users')).map((u: { username: string; role: string }) => ({
    username: u.username,
    role: u.role,
  }));
  return {
    coverage: {
      totals: report.totals,
      rows: report.rows.map((r: CoverageRow) => [r.deviceId, r.occurrenceId, r.result, r.secondsPlayed]),
    },
    devices,
    broadcasts,
    media,
    users,
  };
}

/** Runs an attack and checks that nothing it could touch changed (give it a moment to land). */
export async function expectNothingChanged(x: BadActorWorld, attack: () => Promise<void>, settleMs = 300) {
  const before = await snapshot(x);
  await attack();
  await sleep(settleMs);
  expect(await snapshot(x)).toEqual(before);
}

/** An HTTP request as raw as an attacker sends it; returns status and parsed body. */
export async function raw(base: string, path: string, init: RequestInit & { token?: string } = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await res.text();
  let body: HubJson = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}
