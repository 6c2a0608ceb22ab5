// The timeline on a manual clock: an occurrence starts at its instant, plays for its duration and
// is judged late by the clock it is given; no test here waits for real time to pass.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type ScheduleItem } from '../protocol/index.ts';
import { AgentClock } from './agent-clock.ts';
import { sleep } from './backoff.ts';
import type { MediaCache } from './media-cache.ts';
import type { PlaybackOutput } from './playback.ts';
import { AgentStore } from './store.ts';
import { tempDir, testLogger } from './test-support/helpers.ts';
import { Timeline, type OccurrenceResult } from './timeline.ts';

// 31/12/2026 23:59:00 in Vietnam: the item starts as the year turns.
const T0 = Date.UTC(2026, 11, 31, 16, 59, 0);
const MIN = 60_000;
/** Lets the promise chains the timers started run (no time passes on any clock). */
const settle = () => new Promise((r) => setImmediate(r));

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** An output that holds the item for its duration on the device clock, as the real ones do. */
function clockedOutput(device: ManualClock): PlaybackOutput & { started: [string, number][] } {
  const started: [string, number][] = [];
  return {
    kind: 'speaker',
    leadTimeMs: 0,
    started,
    mediaFor: () => null,
    telemetry: async () => ({}),
    async play(item, ctx) {
      await sleep(device, ctx.startAtDeviceMs - device.now(), ctx.signal);
      const startedAt = device.now();
      started.push([item.occurrenceId, startedAt]);
      ctx.onStarted(startedAt);
      try {
        await sleep(device, item.durationMs, ctx.signal);
      } catch {
        return {
          result: 'partial',
          startedAt,
          endedAt: device.now(),
          playedMs: device.now() - startedAt,
          evidence: {},
        };
      }
      return { result: 'played', startedAt, endedAt: device.now(), playedMs: item.durationMs, evidence: {} };
    },
  };
}

function setup(items: ScheduleItem[], lateGraceMs = MIN) {
  const tmp = tempDir();
  const device = new ManualClock(T0);
  const store = AgentStore.open(tmp.dir, { clock: device });
  const clock = new AgentClock({ device, monotonic: () => device.now() - T0, trustWaitMs: 30_000 });
  clock.addSample({ offsetMs: 0, delayMs: 4 }); // synced: hub time is the device's
  const output = clockedOutput(device);
  const issued: OccurrenceResult[] = [];
  const timeline = new Timeline({
    store,
    clock,
    output,
    media: { isReady: () => true, urgent: () => undefined, lastError: () => null } as unknown as MediaCache,
    lateGraceMs,
    issue: (r) => {
      issued.push(r);
      store.recordReceipt({
        id: `r-${r.item.occurrenceId}`,
        occurrenceId: r.item.occurrenceId,
        result: r.result,
      } as never);
    },
    log: testLogger(),
    events: new EventEmitter(),
  });
  cleanup.push(
    () => timeline.stop(),
    () => store.close(),
    tmp.cleanup,
  );
  store.applyManifest({ envelopeId: 'e1', version: 1, issuedAt: T0 }, items, T0);
  return { device, output, issued, timeline };
}

const item = (id: string, startAt: number, over: Partial<ScheduleItem> = {}): ScheduleItem =>
  ({
    occurrenceId: `${id}@x`,
    broadcastId: id,
    priority: 'normal',
    startAt,
    durationMs: 20_000,
    volume: 80,
    title: id,
    ...over,
  }) as ScheduleItem;

describe('Timeline driven by a manual clock', () => {
  it('starts an occurrence at its start instant, not a millisecond before, and receipts its real times', async () => {
    const start = T0 + MIN; // 01/01/2027 00:00:00 in Vietnam
    const s = setup([item('b1', start)]);
    s.timeline.start();
    s.device.advance(MIN - 1);
    await settle();
    expect(s.output.started).toEqual([]);
    s.device.advance(1);
    await settle();
    expect(s.output.started).toEqual([['b1@x', start]]);
    expect(s.timeline.nowPlaying()?.occurrenceId).toBe('b1@x');
    s.device.advance(19_999);
    await settle();
    expect(s.issued).toEqual([]);
    s.device.advance(1);
    await settle();
    expect(s.issued).toHaveLength(1);
    expect(s.issued[0]).toMatchObject({
      result: 'played',
      actualStart: start,
      actualEnd: start + 20_000,
      secondsPlayed: 20,
    });
    expect(s.timeline.nowPlaying()).toBeNull();
  });

  it('an item waiting behind one of equal priority is skipped when its grace runs out on the clock', async () => {
    const s = setup([item('b1', T0 + 1000, { durationMs: 5 * MIN }), item('b2', T0 + 2000)]);
    s.timeline.start();
    s.device.advance(1000);
    await settle();
    expect(s.output.started).toEqual([['b1@x', T0 + 1000]]);
    s.device.advance(MIN); // b2's grace ends at T0 + 62 s: not yet
    await settle();
    expect(s.issued).toEqual([]);
    s.device.advance(1005); // the grace is over, and the timeline wakes at least 5 ms after its last look
    await settle();
    expect(s.issued.map((r) => [r.item.occurrenceId, r.result, r.reason])).toEqual([
      ['b2@x', 'skipped', 'skipped: normal "b1" (broadcast b1) was playing'],
    ]);
    expect(s.output.started).toHaveLength(1);
  });
});
