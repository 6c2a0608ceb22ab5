// Time before trust, with injected clocks: the AgentClock's states, the timeline holding late
// decisions on an unsynchronised clock, HubMessages holding a manifest that fails only on time,
// and the reaction to a new hub instance (rate-limited).
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DAY_MS as DAY,
  generateSigningKeys,
  seal,
  systemClock,
  topics as makeTopics,
  type Clock,
  type Receipt,
  type ScheduleItem,
} from '../protocol/index.ts';
import { createPublicKey } from 'node:crypto';
import { AgentClock } from './agent-clock.ts';
import { AgentStore } from './store.ts';
import { Timeline, type OccurrenceResult } from './timeline.ts';
import { HubMessages } from './inbound-messages.ts';
import { HubPresence } from './hub-presence.ts';
import type { PlaybackContext, PlaybackOutput } from './playback.ts';
import type { MediaCache } from './media-cache.ts';
import { sleep, tempDir, testLogger, waitUntil } from './test-support/helpers.ts';

const MIN = 60_000;

/** A settable device clock (on real timers) and a settable monotonic clock. */
function clocks(deviceStart = Date.now()) {
  const c = { device: deviceStart, mono: 0 };
  const device: Clock = { ...systemClock, now: () => c.device };
  return { c, device, monotonic: () => c.mono };
}

describe('AgentClock', () => {
  it('with no offset: starts nothing and judges nothing late until the first sample (or, for starts, the bounded wait)', () => {
    const { c, device, monotonic } = clocks();
    const clock = new AgentClock({ device, monotonic, trustWaitMs: 30_000 });
    expect([clock.offsetSource, clock.synced, clock.canStart(), clock.canJudgeLateness()]).toEqual([
      'none',
      false,
      false,
      false,
    ]);
    c.mono = 30_000;
    expect([clock.canStart(), clock.canJudgeLateness()]).toEqual([true, false]);
    const synced: unknown[] = [];
    clock.on('synced', (b) => synced.push(b));
    clock.addSample({ offsetMs: -5 * MIN, delayMs: 12 });
    clock.addSample({ offsetMs: -5 * MIN + 3, delayMs: 40 });
    expect(synced).toHaveLength(1);
    expect([clock.offsetSource, clock.synced, clock.canJudgeLateness()]).toEqual(['measured', true, true]);
    expect(clock.hubNow()).toBe(c.device - 5 * MIN);
  });

  it('with a saved offset: starts on it at once, judges lateness only after the wait for a first sample (it may be stale)', () => {
    const { c, device, monotonic } = clocks();
    const clock = new AgentClock({ device, monotonic, trustWaitMs: 30_000, savedOffsetMs: DAY });
    expect([clock.offsetSource, clock.synced, clock.canStart(), clock.canJudgeLateness()]).toEqual([
      'saved',
      false,
      true,
      false,
    ]);
    expect(clock.hubNow()).toBe(c.device + DAY);
    c.mono = 29_999;
    expect(clock.canJudgeLateness()).toBe(false);
    c.mono = 30_000;
    expect(clock.canJudgeLateness()).toBe(true);
    // a real sample wins over the saved one, however good the saved one looked
    clock.addSample({ offsetMs: 7, delayMs: 5000 });
    expect(clock.best()!.offsetMs).toBe(7);
  });
});

function fakeOutput(): PlaybackOutput & { started: string[] } {
  const started: string[] = [];
  return {
    kind: 'speaker',
    leadTimeMs: 0,
    started,
    mediaFor: () => null,
    play: async (item: ScheduleItem, o: PlaybackContext) => {
      started.push(item.occurrenceId);
      o.onStarted?.(Date.now());
      return { result: 'played', startedAt: Date.now(), endedAt: Date.now(), playedMs: item.durationMs, evidence: {} };
    },
  } as unknown as PlaybackOutput & { started: string[] };
}

describe('Timeline on an unsynchronised clock', () => {
  let cleanup: (() => void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.reverse()) await f();
    cleanup = [];
  });

  function setup(deviceAheadMs: number, savedOffsetMs: number | null = null) {
    const tmp = tempDir();
    const store = AgentStore.open(tmp.dir, { clock: systemClock });
    const realHubStart = Date.now();
    const { c, device, monotonic } = clocks(realHubStart + deviceAheadMs);
    const clock = new AgentClock({ device, monotonic, trustWaitMs: 30_000, savedOffsetMs });
    const issued: OccurrenceResult[] = [];
    const output = fakeOutput();
    const timeline = new Timeline({
      store,
      clock,
      output,
      media: { isReady: () => true, urgent: () => undefined, lastError: () => null } as unknown as MediaCache,
      lateGraceMs: MIN,
      issue: (r) => {
        issued.push(r);
        store.recordReceipt({
          id: `r-${r.item.occurrenceId}`,
          occurrenceId: r.item.occurrenceId,
          result: r.result,
        } as unknown as Receipt); // only what the outbox keys on: this test reads the timeline, not receipts
      },
      log: testLogger(),
      events: new EventEmitter(),
    });
    cleanup.push(
      () => timeline.stop(),
      () => store.close(),
      tmp.cleanup,
    );
    const item: ScheduleItem = {
      occurrenceId: 'b1@x',
      broadcastId: 'b1',
      priority: 'normal',
      startAt: realHubStart + 5000,
      durationMs: 1000,
      volume: 80,
      title: 'tin',
    } as ScheduleItem;
    store.applyManifest({ envelopeId: 'e1', version: 1, issuedAt: realHubStart }, [item], realHubStart);
    return { store, clock, c, issued, output, timeline, item, realHubStart };
  }

  it('a clock 5 minutes fast with no offset: the item is held, not missed, and plays once the first sample arrives', async () => {
    const s = setup(5 * MIN);
    s.timeline.start();
    await sleep(50);
    expect(s.issued).toEqual([]);
    expect(s.output.started).toEqual([]);
    // 30 s later (monotonic) the item is still neither started (it looks 5 min late) nor missed
    s.c.mono = 31_000;
    s.timeline.reload();
    expect(s.issued).toEqual([]);
    expect(s.output.started).toEqual([]);
    // the first sample: hub time is 5 minutes behind the device; the item is 5 s ahead, then due
    s.clock.addSample({ offsetMs: -5 * MIN, delayMs: 10 });
    s.timeline.reload();
    expect(s.output.started).toEqual([]);
    s.c.device += 5000;
    s.timeline.reload();
    await waitUntil(() => s.issued.length === 1, 2000, 'receipt');
    expect(s.issued[0]!.result).toBe('played');
  });

  it('a stale saved offset (RTC reset, the clock a day fast): "missed" waits for the first sample for a bounded time', async () => {
    const s = setup(DAY, 0);
    s.timeline.start();
    await sleep(50);
    expect(s.issued).toEqual([]);
    s.c.mono = 29_000;
    s.timeline.reload();
    expect(s.issued).toEqual([]);
    // no sample within the wait: the saved offset is acted on, and the item (a day late on it) is missed
    s.c.mono = 30_000;
    s.timeline.reload();
    expect(s.issued.map((r) => r.result)).toEqual(['missed']);
    expect(s.output.started).toEqual([]);
  });
});

describe('HubMessages before the first clock sample', () => {
  it('holds a manifest that is not yet valid on the device clock, counts no rejection, and applies it at sync', () => {
    const tmp = tempDir();
    const store = AgentStore.open(tmp.dir, { clock: systemClock });
    try {
      const keys = generateSigningKeys();
      const t = makeTopics();
      const { device, monotonic, c } = clocks(Date.now() - 5 * MIN);
      const clock = new AgentClock({ device, monotonic, trustWaitMs: 30_000 });
      const applied: number[] = [];
      const msgs = new HubMessages({
        hubPublicKey: createPublicKey(keys.publicKeyPem),
        topicPrefix: t.prefix,
        deviceId: 'loa-1',
        areaPaths: ['ha-noi'],
        store,
        hubNow: () => clock.hubNow(),
        clockSynced: () => clock.synced,
        isClockRequestOutstanding: () => false,
        handlers: {
          schedule: (b) => applied.push(b.version),
          playNow: () => undefined,
          stop: () => undefined,
          receiptAck: () => undefined,
          clockReply: () => undefined,
        },
        log: testLogger(),
        events: new EventEmitter(),
      });
      const hubNow = Date.now() + 60_000; // issued a minute ahead of real time: 6 minutes ahead of the device
      const env = seal(
        keys.privateKeyPem,
        { device: 'loa-1' },
        { type: 'schedule', deviceId: 'loa-1', version: 3, from: hubNow - DAY, until: hubNow + DAY, items: [] },
        { seq: 1, ttlMs: DAY, now: hubNow },
      );
      msgs.handle(t.deviceSchedule('loa-1'), Buffer.from(JSON.stringify(env)));
      expect(applied).toEqual([]);
      expect(msgs.heldCount()).toBe(1);
      expect(store.rejectionCounts()).toEqual({});
      clock.addSample({ offsetMs: 5 * MIN + 60_000, delayMs: 10 });
      msgs.retryHeld();
      expect(applied).toEqual([3]);
      expect(msgs.heldCount()).toBe(0);

      // once synced, a message that fails on time is refused and counted as before
      c.device += 0;
      const old = seal(
        keys.privateKeyPem,
        { device: 'loa-1' },
        { type: 'schedule', deviceId: 'loa-1', version: 4, from: 0, until: 1, items: [] },
        { seq: 2, ttlMs: 1000, now: hubNow - DAY },
      );
      msgs.handle(t.deviceSchedule('loa-1'), Buffer.from(JSON.stringify(old)));
      expect(applied).toEqual([3]);
      expect(store.rejectionCounts()).toEqual({ expired: 1 });
    } finally {
      store.close();
      tmp.cleanup();
    }
  });
});

describe('HubPresence', () => {
  it('reacts to a new hub instance, not to the retained status after a connect nor to a repeat; at most once per interval', async () => {
    const mono = { t: 0 };
    const reactions: string[] = [];
    const p = new HubPresence({
      react: (i) => reactions.push(i),
      minIntervalMs: 100,
      now: () => mono.t,
      log: testLogger(),
    });
    const status = (instance: string, state = 'online') => Buffer.from(JSON.stringify({ state, instance }));
    p.onConnected();
    p.onMessage(status('h1')); // the retained one
    p.onMessage(status('h1'));
    expect(reactions).toEqual([]);
    mono.t = 1000;
    p.onMessage(status('h1', 'offline'));
    p.onMessage(status('h2'));
    expect(reactions).toEqual(['h2']);
    // a flood of "new instances" (hub/status is unsigned): coalesced into one reaction per interval
    for (let i = 3; i < 50; i++) p.onMessage(status(`h${i}`));
    expect(reactions).toEqual(['h2']);
    mono.t = 1100;
    await sleep(150);
    expect(reactions).toEqual(['h2', 'h49']);
    p.onMessage(Buffer.from('not json'));
    p.stop();
  });
});
