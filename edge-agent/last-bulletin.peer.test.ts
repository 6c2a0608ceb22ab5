// A relay's 'last-bulletin' fallback outlives an agent restart: the agent keeps which bulletin it
// last aired in full in its store, and after a restart loops that file (still in its media cache)
// while the relay's stream is lost. Real broker, HTTP, ffmpeg and SQLite (FakeHub, as playback.peer).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MediaRef, ScheduleItem } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import { agentConfig, audioItem, makeClip, nextEvent, tempDir, testLogger, waitUntil } from './test-support/helpers.ts';
import { startAgent, type RunningAgent } from './main.ts';
import { AgentStore } from './store.ts';
import { systemClock } from '../protocol/index.ts';

const AREA = 'ha-noi/thanh-xuan/ha-dinh';
let hub: FakeHub;
let clip: MediaRef;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  hub = await FakeHub.start();
  const a = makeClip('Bản tin phường Hạ Đình tuần này', 2);
  clip = hub.addMedia(a.file, a.durationMs);
});
afterAll(async () => {
  await hub?.close();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(dir: string, enrolToken?: string): Promise<RunningAgent> {
  const a = await startAgent(agentConfig(hub, dir, enrolToken ? { enrolToken } : {}), { logger: testLogger() });
  await nextEvent(a.events, 'connected');
  await waitUntil(() => a.status().clockOffsetMs !== null, 5000, 'clock sync');
  return a;
}

/** A relay whose stream the hub never serves (the fake hub answers 404): the fallback airs throughout. */
const relayItem = (startAt: number): ScheduleItem => ({
  occurrenceId: `relay@${startAt}`,
  broadcastId: 'relay',
  title: 'Tiếp âm',
  priority: 'normal',
  startAt,
  durationMs: 4000,
  volume: 70,
  relay: { url: `/streams/relay%40${startAt}`, format: 'ogg-opus', bitrateKbps: 24, fallback: 'last-bulletin' },
});

describe("a relay's last-bulletin fallback", () => {
  it('after an agent restart, loops the bulletin aired before it', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    let a = await start(tmp.dir, hub.newEnrolToken('loa-last', 'speaker', AREA));
    // The bulletin airs now; the same file is due again next hour, so it stays in the cache.
    const now = hub.hubNow();
    const bulletin = audioItem(clip, now + 2000);
    const later = audioItem(clip, now + 3600_000);
    await hub.publishSchedule('loa-last', [bulletin, later], 1);
    const aired = await hub.waitForReceipt((r) => r.occurrenceId === bulletin.occurrenceId);
    expect(aired.result).toBe('played');
    await a.stop();

    // What the store kept across the restart.
    const store = AgentStore.open(tmp.dir, { clock: systemClock });
    expect(store.lastAiredMedia()).toEqual(clip);
    store.close();

    a = await start(tmp.dir);
    cleanups.push(() => a.stop());
    const relay = relayItem(hub.hubNow() + 2500);
    await hub.publishSchedule('loa-last', [relay, later], 2);
    const r = await hub.waitForReceipt((x) => x.occurrenceId === relay.occurrenceId, 20_000);
    expect(r.result, r.reason).toBe('failed'); // nothing of the stream aired
    expect(r.reasonCode).toBe('upstream-lost');
    expect(r.evidence.relay, JSON.stringify(r.evidence.relay)).toMatchObject({
      secondsAired: 0,
      fallback: 'last-bulletin',
    });
    // the bulletin (2 s and more), looped for the 4 s
    expect(r.evidence.relay!.fallbackSeconds).toBeGreaterThan(2.5);
    expect(r.reason).toMatch(/hub answered 404/);
  }, 40_000);
});
