// The attack of issue 9: on a broker without access rules (a plain Mosquitto, anonymous), an
// eavesdropper captures genuine hub-signed messages for a device of ward B (Kim Giang) and
// republishes them where a device of ward A (Hạ Đình) listens: the play-now on ward A's area
// topic, the district's, the city's and the device's own command topic; the receipt-ack and a
// clock reply on its reply topic. Real hub, real broker, real agents: ward B plays its emergency,
// ward A refuses every copy as 'wrong-target', counts it, and plays nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics as makeTopics, type HubBody } from '../../protocol/index.ts';
import { startAgent, type RunningAgent } from '../../edge-agent/main.ts';
import { agentConfig, nextEvent, sleep, testLogger, waitUntil } from '../../edge-agent/test-support/helpers.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';

const t = makeTopics();
let mq: Mosquitto;
let hub: TestHub;
let w: World;
let tmp: string;
let eavesdropper: MqttClient;
const captured: Array<{ topic: string; payload: Buffer; body: HubBody | undefined }> = [];
const agents: Record<string, RunningAgent> = {};
/** what ward A's device did that it must not: amplifier power-ons, items played, receipts issued */
const wardA = { powerOns: 0, playing: [] as string[], receipts: [] as string[] };

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-wrong-target-'));
  mq = await startMosquitto({ open: true }); // the attack this test reproduces needs a broker without access rules
  hub = await startTestHub(mq.hubConfig);
  w = await seedWorld(hub, [
    { id: 'loa-kim-giang', kind: 'speaker', area: KIM_GIANG },
    { id: 'loa-ha-dinh', kind: 'speaker', area: HA_DINH },
  ]);
  // Anonymous, before the agents start, so it hears their first clock replies too.
  eavesdropper = await mqtt.connectAsync(mq.url, {
    protocolVersion: 4,
    clientId: 'nghe-trom',
    clean: true,
    reconnectPeriod: 0,
  });
  eavesdropper.on('message', (topic, payload) => {
    try {
      captured.push({ topic, payload: Buffer.from(payload), body: JSON.parse(payload.toString()).body });
    } catch {
      // not JSON: nothing to replay
    }
  });
  await eavesdropper.subscribeAsync([`${t.prefix}/dev/+/cmd`, `${t.prefix}/dev/+/reply`], { qos: 1 });

  for (const id of ['loa-kim-giang', 'loa-ha-dinh']) {
    const cfg = agentConfig({ hubUrl: hub.hub.httpUrl, mqttUrl: mq.url }, path.join(tmp, id), {
      enrolToken: w.tokens[id],
      telemetryIntervalMs: 1000,
      clockSyncIntervalMs: 2000,
    });
    agents[id] = await startAgent(cfg, { logger: testLogger() });
  }
  const a = agents['loa-ha-dinh'];
  const amp = a.hardware.amplifier!;
  const setPower = amp.setPower.bind(amp);
  amp.setPower = (on: boolean) => {
    if (on) wardA.powerOns++;
    return setPower(on);
  };
  a.events.on('playing', (p) => wardA.playing.push(p.occurrenceId));
  a.events.on('receipt-queued', (r) => wardA.receipts.push(r.occurrenceId));
  for (const agent of Object.values(agents)) {
    await waitUntil(
      () => agent.status().clockSource === 'measured' && agent.status().scheduleVersion > 0,
      20_000,
      `${agent.deviceId} synced, with its manifest`,
    );
  }
}, 90_000);

afterAll(async () => {
  await eavesdropper?.endAsync(true).catch(() => undefined);
  for (const a of Object.values(agents)) await a.stop();
  await hub?.stop();
  await mq?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const capture = <T extends HubBody['type']>(deviceId: string, type: T, timeoutMs = 20_000) =>
  waitUntil(
    () => captured.some((c) => c.topic.includes(`/dev/${deviceId}/`) && c.body?.type === type),
    timeoutMs,
    `a captured ${type} for ${deviceId}`,
  ).then(() => {
    const c = captured.find((c) => c.topic.includes(`/dev/${deviceId}/`) && c.body?.type === type)!;
    return { ...c, body: c.body as Extract<HubBody, { type: T }> }; // its type was just checked
  });

async function expectRefused(topic: string, payload: Buffer): Promise<void> {
  const a = agents['loa-ha-dinh'];
  const before = a.status().rejected['wrong-target'] ?? 0;
  const refused = nextEvent<{ reason: string; topic: string }>(
    a.events,
    'rejected',
    (r) => r.reason === 'wrong-target' && r.topic === topic,
    5000,
  );
  await eavesdropper.publishAsync(topic, payload, { qos: 1 });
  await refused;
  expect(a.status().rejected['wrong-target']).toBe(before + 1);
}

describe('a genuine message captured for one device is refused by every other', () => {
  let occurrenceId: string;

  it("ward B's emergency play-now, republished on ward A's topics, is refused and plays nothing there", async () => {
    const mp3 = vietnameseSpeech(tmp, 'Thông báo khẩn của phường Kim Giang.');
    const up = await w.official.upload('/api/v1/media', mp3, 'khan.mp3');
    const media = await w.official.waitFor(
      async () => {
        const m = await w.official.get(`/api/v1/media/${up.id}`);
        return m.status !== 'processing' ? m : null;
      },
      60_000,
      'media processed',
    );
    expect(media.status, media.error).toBe('ready');
    const b = await w.district.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp Kim Giang',
      mediaId: media.id,
      priority: 'emergency',
      volume: 80,
      targets: { areas: [], devices: ['loa-kim-giang'] },
      startsAt: 'now',
    });
    expect(b.status).toBe('approved');

    const playNow = await capture('loa-kim-giang', 'play-now');
    expect(playNow.topic).toBe(t.deviceCommand('loa-kim-giang'));
    occurrenceId = playNow.body.item.occurrenceId;
    expect(occurrenceId.startsWith(`${b.id}@`)).toBe(true);
    for (const topic of [
      t.areaCommand(HA_DINH),
      t.areaCommand(DISTRICT),
      t.areaCommand('ha-noi'),
      t.deviceCommand('loa-ha-dinh'),
    ]) {
      await expectRefused(topic, playNow.payload);
    }
    // the genuine target plays it: the copies were the real thing
    await nextEvent<{ occurrenceId: string }>(
      agents['loa-kim-giang'].events,
      'receipt-queued',
      (r) => r.occurrenceId === occurrenceId,
      30_000,
    );
  }, 90_000);

  it("ward B's receipt-ack and clock reply, republished on ward A's reply topic, are refused", async () => {
    const ack = await capture('loa-kim-giang', 'receipt-ack');
    expect(ack.body.receiptIds.length).toBeGreaterThan(0);
    await expectRefused(t.deviceReply('loa-ha-dinh'), ack.payload);
    const clock = await capture('loa-kim-giang', 'clock-reply');
    await expectRefused(t.deviceReply('loa-ha-dinh'), clock.payload);
  }, 30_000);

  it('ward A aired nothing, issued no receipt, and reports the refusals in telemetry', async () => {
    await sleep(500);
    const a = agents['loa-ha-dinh'];
    expect(wardA.powerOns).toBe(0);
    expect(wardA.playing).toEqual([]);
    expect(wardA.receipts).not.toContain(occurrenceId);
    expect(a.status().scheduledItems).toBe(0);
    expect((await a.hardware.amplifier!.read()).powered).toBe(false);
    expect(a.status().rejected).toEqual({ 'wrong-target': 6 });
    const telemetry = await a.telemetry();
    expect(telemetry.rejected).toEqual({ 'wrong-target': 6 });
    // Ward B's device also hears the copies on the district and city topics: its own command,
    // but not addressed to those areas, so refused too. Everything else for it was accepted.
    expect(agents['loa-kim-giang'].status().rejected).toEqual({ 'wrong-target': 2 });
  });
});
