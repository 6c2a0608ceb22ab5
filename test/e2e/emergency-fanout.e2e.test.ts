// An emergency goes out as one signed play-now per covering area, not one per device: a district
// emergency is one publish on the district's topic, a ward plus one device of another ward is one
// publish on the ward and one on the device, and a device outside the targets never acts. Real
// hub, real Mosquitto (open, so a witness can count every publish), real agents with simulated LED
// boards; the receipts of area-commanded devices are admitted. The request answers before any
// manifest is built, and a hub restarted before its broker came back still delivers (the outbox).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { generateSigningKeys, topics, type Receipt, type ScheduleItem } from '../../protocol/index.ts';
import { startAgent, type RunningAgent } from '../../edge-agent/main.ts';
import { lookupPlan } from '../../hub/ingest/plan-lookup.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { connectMqttDevice, type MqttDevice } from '../helpers/mqtt-device.ts';
import { seedWorld, waitForResults, waitOnline, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../helpers/world.ts';
import type { BroadcastDevice } from '../helpers/api-types.ts';

const tp = topics();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const led = (text: string) => ({ pages: [{ lines: [text], mode: 'flash', seconds: 1 }] });
const emergency = (title: string, targets: { areas: string[]; devices: string[] }) => ({
  title,
  led: led(title),
  priority: 'emergency',
  targets,
  startsAt: 'now',
});

interface Published {
  topic: string;
  type: string;
  broadcastId: string;
  at: number;
}

/** Every command and manifest the broker carries, in the order it carries them. */
async function witness(url: string) {
  const seen: Published[] = [];
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: `witness-${process.pid}`, clean: true });
  client.on('message', (topic, payload) => {
    if (payload.length === 0 || !(topic.endsWith('/cmd') || topic.endsWith('/schedule'))) return;
    const m = JSON.parse(payload.toString());
    const ids: string[] =
      m.body.type === 'schedule'
        ? m.body.items.map((i: ScheduleItem) => i.broadcastId)
        : [m.body.item?.broadcastId ?? m.body.broadcastId];
    for (const broadcastId of ids) seen.push({ topic, type: m.body.type, broadcastId, at: Date.now() });
  });
  await client.subscribeAsync(`${tp.prefix}/#`, { qos: 1 });
  return {
    client,
    seen,
    commands: (id: string, type = 'play-now') =>
      seen
        .filter((s) => s.broadcastId === id && s.type === type)
        .map((s) => s.topic)
        .sort(),
  };
}

describe('emergency fan-out by area, with real agents', () => {
  let mq: Mosquitto;
  let t: TestHub;
  let w: World;
  let tmp: string;
  let seen: Awaited<ReturnType<typeof witness>>;
  const agents: Record<string, RunningAgent> = {};
  /** per agent: the play-now commands it accepted, by broadcast */
  const accepted: Record<string, string[]> = {};
  const ids = ['led-hd-1', 'led-hd-2', 'led-kg-1', 'led-kg-2'];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-fanout-'));
    mq = await startMosquitto({ open: true });
    t = await startTestHub(mq.hubConfig);
    w = await seedWorld(
      t,
      ids.map((id) => ({ id, kind: 'led' as const, area: id.startsWith('led-hd') ? HA_DINH : KIM_GIANG })),
    );
    seen = await witness(mq.url);
    for (const id of ids) {
      agents[id] = await startAgent({
        dataDir: path.join(tmp, id),
        hubUrl: t.hub.httpUrl,
        mqttUrl: mq.url,
        enrolToken: w.tokens[id],
        profile: { kind: 'led', board: { driver: 'simulated', latencyMs: 0 } },
        logLevel: 'silent',
      });
      accepted[id] = [];
      agents[id].events.on('command', (c) => {
        if (c.type === 'play-now') accepted[id].push(`${c.occurrenceId.split('@')[0]} via ${c.via}`);
      });
    }
    await waitOnline(t.admin, ids);
  }, 60_000);

  afterAll(async () => {
    await seen?.client.endAsync(true);
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await t?.stop();
    await mq?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a district emergency is one publish on the district topic; the request answers before any manifest is built', async () => {
    const versions = () => t.hub.ctx.db.prepare('SELECT id, manifest_version FROM devices ORDER BY id').all();
    const queued = () =>
      (
        t.hub.ctx.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'command_outbox'").get() as
          | { seq: number }
          | undefined
      )?.seq ?? 0;
    const queuedBefore = queued();
    const before = versions();
    // Emitted by the route right after the dispatcher returned, just before the response goes out.
    let atAnswer: { versions: unknown; queued: number } | null = null;
    t.hub.ctx.events.once('broadcast', () => (atAnswer = { versions: versions(), queued: queued() }));
    const receipts: string[] = [];
    const onReceipt = (r: Receipt) => receipts.push(r.occurrenceId);
    agents['led-hd-1'].events.on('receipt-queued', onReceipt);
    const b = await w.district.post(
      '/api/v1/broadcasts',
      emergency('KHẨN CẤP: BÃO SỐ 3', { areas: [DISTRICT], devices: [] }),
    );
    expect(b.status).toBe('approved');
    expect(atAnswer).toEqual({ versions: before, queued: queuedBefore + 1 }); // the command stored; no manifest yet

    await t.admin.waitFor(
      async () => ids.every((id) => accepted[id].length === 1),
      10_000,
      'every board accepts the play-now',
    );
    expect(seen.commands(b.id)).toEqual([tp.areaCommand(DISTRICT)]);
    for (const id of ids) expect(accepted[id]).toEqual([`${b.id} via area`]);
    // A genuine copy of the same item signed for the ward reaches Hạ Đình's boards on their second
    // area: the occurrence is known, so it plays once.
    const item = await itemOf(b.id);
    await seen.client.publishAsync(
      tp.areaCommand(HA_DINH),
      JSON.stringify(t.hub.ctx.signer.seal({ area: HA_DINH }, { type: 'play-now', item }, 60_000)),
      { qos: 1 },
    );
    const detail = await waitForResults(w.district, b.id, 30_000);
    expect(detail.devices.map((d: BroadcastDevice) => [d.deviceId, d.state])).toEqual(ids.map((id) => [id, 'played']));
    await sleep(500);
    for (const id of ids) expect(accepted[id]).toEqual([`${b.id} via area`]);
    expect(receipts).toEqual([item.occurrenceId]);
    agents['led-hd-1'].events.off('receipt-queued', onReceipt);
    // The manifests followed, after the command, with the emergency in them.
    const first = (type: string) => seen.seen.find((s) => s.broadcastId === b.id && s.type === type)!;
    expect(first('play-now').at).toBeLessThanOrEqual(first('schedule').at);
    expect(seen.seen.filter((s) => s.broadcastId === b.id && s.type === 'schedule').length).toBe(ids.length);
    // Admission and the report ask the same plan: every area-commanded device was owed it.
    for (const id of ids)
      expect(
        lookupPlan(t.hub.ctx.db, id, detail.devices.find((d: BroadcastDevice) => d.deviceId === id).occurrenceId).kind,
      ).toBe('planned');
  }, 60_000);

  it('a ward and one device of another ward: one publish on the ward, one on the device, and its neighbour never acts', async () => {
    for (const id of ids) accepted[id].length = 0;
    const b = await w.district.post(
      '/api/v1/broadcasts',
      emergency('KHẨN CẤP: CHÁY', { areas: [HA_DINH], devices: ['led-kg-1'] }),
    );
    const detail = await waitForResults(w.district, b.id, 30_000);
    expect(detail.devices.map((d: BroadcastDevice) => [d.deviceId, d.state])).toEqual([
      ['led-hd-1', 'played'],
      ['led-hd-2', 'played'],
      ['led-kg-1', 'played'],
    ]);
    await sleep(500);
    expect(seen.commands(b.id)).toEqual([tp.areaCommand(HA_DINH), tp.deviceCommand('led-kg-1')].sort());
    expect(accepted['led-kg-1']).toEqual([`${b.id} via device`]);
    expect(accepted['led-kg-2']).toEqual([]);
    expect(agents['led-kg-2'].status().scheduledItems).toBe(0);
    const records = t.hub.ctx.db
      .prepare('SELECT device_id FROM playback_records WHERE broadcast_id = ?')
      .pluck()
      .all(b.id);
    expect(records.sort()).toEqual(['led-hd-1', 'led-hd-2', 'led-kg-1']);

    // Ending it is one stop on the ward and one on the device too.
    await w.district.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
    await t.admin.waitFor(async () => seen.commands(b.id, 'stop').length === 2, 10_000, 'two stops');
    expect(seen.commands(b.id, 'stop')).toEqual([tp.areaCommand(HA_DINH), tp.deviceCommand('led-kg-1')].sort());
  }, 60_000);

  /** The emergency's item as the hub plans it for an LED board of Hạ Đình. */
  async function itemOf(broadcastId: string) {
    const d = await w.district.get(`/api/v1/broadcasts/${broadcastId}`);
    const occurrenceId = d.devices.find((x: BroadcastDevice) => x.deviceId === 'led-hd-1').occurrenceId;
    const plan = lookupPlan(t.hub.ctx.db, 'led-hd-1', occurrenceId);
    if (plan.kind !== 'planned') throw new Error(plan.detail);
    return plan.item;
  }
});

describe('a hub restarted before its broker returned', () => {
  it('still sends the area command it stored (the outbox)', async () => {
    const mq = await startMosquitto({ open: true });
    let t = await startTestHub(mq.hubConfig);
    const devices: MqttDevice[] = [];
    try {
      const w = await seedWorld(
        t,
        ['led-1', 'led-2', 'led-3'].map((id) => ({ id, kind: 'led' as const, area: HA_DINH })),
      );
      for (const id of ['led-1', 'led-2', 'led-3'])
        await t.api.post('/api/v1/enrol', { token: w.tokens[id], publicKey: generateSigningKeys().publicKeyPem });
      await mq.kill();
      await t.admin.waitFor(async () => !t.hub.ctx.mqttConnected(), 10_000, 'hub sees the broker gone');
      const b = await w.district.post(
        '/api/v1/broadcasts',
        emergency('KHẨN CẤP: SẠT LỞ', { areas: [HA_DINH], devices: [] }),
      );
      expect(b.status).toBe('approved');
      const { dir } = t;
      await t.stop(true);

      await mq.start();
      for (const id of ['led-1', 'led-2', 'led-3'])
        devices.push(
          await connectMqttDevice({ url: mq.url, deviceId: id, session: 1, areas: ['ha-noi', DISTRICT, HA_DINH] }),
        );
      t = await startTestHub(mq.hubConfig, dir);
      for (const d of devices) await d.waitFor(() => d.commands.length > 0, 15_000, 'the play-now');
      await sleep(300);
      for (const d of devices) {
        expect(d.commands.map((c) => [c.type, c.topic, c.body.item?.broadcastId])).toEqual([
          ['play-now', tp.areaCommand(HA_DINH), b.id],
        ]);
      }
    } finally {
      for (const d of devices) await d.end();
      await t.stop();
      await mq.stop();
    }
  }, 60_000);
});
