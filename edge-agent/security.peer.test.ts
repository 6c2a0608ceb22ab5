// Hub messages the agent must refuse: each is logged, counted by reason, reported in telemetry and
// never acted on. A real broker carries them, as an attacker on the network would send them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, type MediaRef, type Telemetry } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import {
  agentConfig,
  audioItem,
  makeClip,
  nextEvent,
  sleep,
  tempDir,
  testLogger,
  waitUntil,
} from './test-support/helpers.ts';
import { startAgent, type RunningAgent } from './main.ts';

let hub: FakeHub;
let clip: MediaRef;
let agent: RunningAgent;
let cleanup: () => void;
const playing: string[] = [];
const commands: string[] = [];

beforeAll(async () => {
  hub = await FakeHub.start();
  const c = makeClip('Xin chào');
  clip = hub.addMedia(c.file, c.durationMs);
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  agent = await startAgent(
    agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-sec'), telemetryIntervalMs: 1000 }),
    { logger: testLogger() },
  );
  agent.events.on('playing', (p) => playing.push(p.occurrenceId));
  agent.events.on('command', (c) => commands.push(c.type));
  await nextEvent(agent.events, 'connected');
  // Before its first clock sample the agent holds messages that fail only on time (agent-clock.test.ts).
  await waitUntil(() => agent.status().clockSource === 'measured', 5000, 'clock synced');
});
afterAll(async () => {
  await agent?.stop();
  await hub?.close();
  cleanup?.();
});

const cmdTopic = () => hub.topics.deviceCommand('loa-sec');

async function expectRejected(reason: string, send: () => Promise<unknown>): Promise<void> {
  const before = agent.status().rejected[reason] ?? 0;
  const seen = nextEvent<{ reason: string }>(agent.events, 'rejected', (r) => r.reason === reason, 5000);
  await send();
  await seen;
  expect(agent.status().rejected[reason]).toBe(before + 1);
}

describe('hub message verification', () => {
  it('rejects a play-now signed with a key other than the pinned hub key (forged)', async () => {
    const attacker = generateSigningKeys();
    const item = audioItem(clip, hub.hubNow(), { priority: 'emergency' });
    await expectRejected('forged', () =>
      hub.command('loa-sec', { type: 'play-now', item }, { key: attacker.privateKeyPem }),
    );
  });

  it('rejects an expired command and one issued in the future', async () => {
    const item = audioItem(clip, hub.hubNow(), { priority: 'emergency' });
    await expectRejected('expired', () =>
      hub.command('loa-sec', { type: 'play-now', item }, { issuedAt: hub.hubNow() - 2 * 3600_000, ttlMs: 3600_000 }),
    );
    await expectRejected('not-yet-valid', () =>
      hub.command('loa-sec', { type: 'play-now', item }, { issuedAt: hub.hubNow() + 3600_000 }),
    );
  });

  it('rejects an unsigned command, malformed JSON and an oversized payload', async () => {
    const item = audioItem(clip, hub.hubNow(), { priority: 'emergency' });
    await expectRejected('unsigned', () => hub.publish(cmdTopic(), { type: 'play-now', item }));
    await expectRejected('invalid', () => hub.publish(cmdTopic(), '{"v":1,"id":'));
    await expectRejected('invalid', () => hub.publish(cmdTopic(), Buffer.alloc(300 * 1024, 0x20)));
  });

  it('acts on a valid command once and rejects the same envelope replayed', async () => {
    const env = hub.seal({ device: 'loa-sec' }, { type: 'stop', broadcastId: 'khong-ton-tai', reason: 'cancelled' });
    const accepted = nextEvent<{ type: string }>(agent.events, 'command', (c) => c.type === 'stop');
    await hub.publish(cmdTopic(), env);
    await accepted;
    await expectRejected('replayed', () => hub.publish(cmdTopic(), env));
    // a replayed emergency does not play twice either
    const item = audioItem(clip, hub.hubNow(), { priority: 'emergency' });
    const playEnv = hub.seal({ device: 'loa-sec' }, { type: 'play-now', item });
    await hub.publish(cmdTopic(), playEnv);
    await hub.waitForReceipt((r) => r.occurrenceId === item.occurrenceId);
    await expectRejected('replayed', () => hub.publish(cmdTopic(), playEnv));
    await sleep(300);
    expect(playing.filter((o) => o === item.occurrenceId)).toHaveLength(1);
    expect(hub.receipts.filter((r) => r.occurrenceId === item.occurrenceId)).toHaveLength(1);
  });

  it('rejects a manifest for another device and a command on the wrong topic', async () => {
    const item = audioItem(clip, hub.hubNow() + 60_000);
    const env = hub.seal(
      { device: 'loa-khac' },
      { type: 'schedule', deviceId: 'loa-khac', version: 99, from: 0, until: hub.hubNow() + 1000, items: [item] },
    );
    await expectRejected('wrong-target', () =>
      hub.publish(hub.topics.deviceSchedule('loa-sec'), env, { retain: false }),
    );
    await expectRejected('wrong-topic', () =>
      hub.publish(hub.topics.deviceReply('loa-sec'), hub.seal({ device: 'loa-sec' }, { type: 'play-now', item })),
    );
    expect(agent.status().scheduledItems).toBe(0);
  });

  it('does not let a forged receipt-ack empty the outbox', async () => {
    hub.autoAck = false;
    try {
      const item = audioItem(clip, hub.hubNow() + 300);
      await hub.publishSchedule('loa-sec', [item], 1);
      const receipt = await hub.waitForReceipt((r) => r.occurrenceId === item.occurrenceId);
      expect(agent.status().outboxSize).toBe(1);
      const attacker = generateSigningKeys();
      await expectRejected('forged', () =>
        hub.publish(
          hub.topics.deviceReply('loa-sec'),
          hub.seal(
            { device: 'loa-sec' },
            { type: 'receipt-ack', receiptIds: [receipt.id] },
            { key: attacker.privateKeyPem },
          ),
        ),
      );
      expect(agent.status().outboxSize).toBe(1);
      await hub.ack('loa-sec', [receipt.id]);
      await waitUntil(() => agent.status().outboxSize === 0, 3000, 'genuine ack empties the outbox');
    } finally {
      hub.autoAck = true;
    }
  });

  it('reports the rejection counts in telemetry, and nothing rejected was ever played', async () => {
    const t = await nextEvent(
      hub,
      'telemetry',
      (t: Telemetry) => t.deviceId === 'loa-sec' && (t.rejected.forged ?? 0) >= 2,
      5000,
    );
    expect(t.rejected).toMatchObject({
      forged: 2,
      expired: 1,
      'not-yet-valid': 1,
      unsigned: 1,
      invalid: 2,
      replayed: 2,
      'wrong-target': 1,
      'wrong-topic': 1,
    });
    // only the two genuine items ever played
    expect(playing).toHaveLength(2);
    expect(commands).toEqual(['stop', 'play-now']);
  });
});
