// HubMessages binds every hub message to its target: a genuine, hub-signed message for another
// device or area is refused as 'wrong-target' on whatever topic it arrives, counted in the store
// (telemetry), emitted as 'rejected', and never reaches a handler. Hub time is injected.
import { EventEmitter } from 'node:events';
import type { AgentEventMap } from './agent-events.ts';
import { createPublicKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  canonicalJson,
  generateSigningKeys,
  seal,
  signBytes,
  systemClock,
  topics as makeTopics,
  type HubBody,
  type MessageTarget,
  type ScheduleItem,
} from '../protocol/index.ts';
import { AgentStore } from './store.ts';
import { HubMessages } from './inbound-messages.ts';
import { tempDir, testLogger } from './test-support/helpers.ts';

const NOW = Date.UTC(2026, 0, 15, 22, 30); // 05:30 in Asia/Ho_Chi_Minh; nothing depends on the real date
const ME = 'loa-ha-dinh-1';
const AREAS = ['ha-noi', 'ha-noi/thanh-xuan', 'ha-noi/thanh-xuan/ha-dinh'];
const keys = generateSigningKeys();
const t = makeTopics();
const item: ScheduleItem = {
  occurrenceId: `bao@${NOW}`,
  broadcastId: 'bao',
  title: 'Bão số 3',
  priority: 'emergency',
  startAt: NOW,
  durationMs: 30_000,
  volume: 90,
  led: { pages: [{ lines: ['Bão số 3'], mode: 'hold', seconds: 8 }] },
};
const bodies: Record<string, HubBody> = {
  playNow: { type: 'play-now', item },
  stop: { type: 'stop', broadcastId: 'bao', reason: 'cancelled' },
  ack: { type: 'receipt-ack', receiptIds: ['8f4c2a56-5d0b-4c4e-9a7a-0f6f3b1f2e11'] },
  clock: { type: 'clock-reply', requestId: 'r1', t0: NOW - 20, t1: NOW - 10, t2: NOW - 5 },
};
const manifest = (deviceId: string, version = 1): HubBody => ({
  type: 'schedule',
  deviceId,
  version,
  from: NOW - 3600_000,
  until: NOW + 86400_000,
  items: [],
});

let tmp: ReturnType<typeof tempDir>;
let store: AgentStore;
let msgs: HubMessages;
let handled: string[];
let rejected: Array<{ reason: string; topic: string; detail: string }>;
let seq = 0;
let synced = true;

const sign = (unsigned: object) => signBytes(keys.privateKeyPem, canonicalJson(unsigned));
const wire = (to: MessageTarget, body: HubBody) =>
  Buffer.from(JSON.stringify(seal(keys.privateKeyPem, to, body, { seq: ++seq, ttlMs: 600_000, now: NOW - 1000 })));

beforeEach(() => {
  tmp = tempDir();
  store = AgentStore.open(tmp.dir, { clock: systemClock });
  handled = [];
  rejected = [];
  synced = true;
  const events = new EventEmitter<AgentEventMap>();
  events.on('rejected', (r) => rejected.push(r));
  msgs = new HubMessages({
    hubPublicKey: createPublicKey(keys.publicKeyPem),
    topicPrefix: t.prefix,
    deviceId: ME,
    areaPaths: AREAS,
    store,
    hubNow: () => NOW,
    clockSynced: () => synced,
    isClockRequestOutstanding: () => false,
    handlers: {
      schedule: (b) => handled.push(`schedule:${b.version}`),
      playNow: (_b, _e, via) => handled.push(`play-now:${via}`),
      stop: () => handled.push('stop'),
      receiptAck: () => handled.push('receipt-ack'),
      clockReply: () => handled.push('clock-reply'),
    },
    log: testLogger(),
    events,
  });
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('messages addressed to this device or its areas', () => {
  it('acts on each type when target and topic agree', () => {
    msgs.handle(t.deviceSchedule(ME), wire({ device: ME }, manifest(ME)));
    msgs.handle(t.deviceCommand(ME), wire({ device: ME }, bodies.playNow));
    msgs.handle(t.deviceCommand(ME), wire({ device: ME }, bodies.stop));
    msgs.handle(t.deviceReply(ME), wire({ device: ME }, bodies.ack));
    msgs.handle(t.deviceReply(ME), wire({ device: ME }, bodies.clock));
    for (const area of AREAS) msgs.handle(t.areaCommand(area), wire({ area }, bodies.playNow));
    msgs.handle(t.areaCommand('ha-noi'), wire({ area: 'ha-noi' }, bodies.stop));
    expect(rejected).toEqual([]);
    expect(handled).toEqual([
      'schedule:1',
      'play-now:device',
      'stop',
      'receipt-ack',
      'clock-reply',
      'play-now:area',
      'play-now:area',
      'play-now:area',
      'stop',
    ]);
  });

  it('treats the retained manifest redelivered on reconnect as already applied, not as a refusal', () => {
    const env = wire({ device: ME }, manifest(ME, 7));
    store.applyManifest({ envelopeId: JSON.parse(env.toString()).id, version: 7, issuedAt: NOW - 1000 }, [], NOW);
    msgs.handle(t.deviceSchedule(ME), env);
    expect(handled).toEqual([]);
    expect(rejected).toEqual([]);
    expect(store.rejectionCounts()).toEqual({});
  });
});

describe('a genuine message for someone else is refused as wrong-target', () => {
  const cases: Array<[string, string, MessageTarget, HubBody]> = [
    // the attack: ward B's play-now republished on ward A's area topic, on the city's, on this device's
    [
      'play-now for another device, on my ward topic',
      t.areaCommand(AREAS[2]),
      { device: 'loa-kim-giang-1' },
      bodies.playNow,
    ],
    [
      'play-now for another device, on the city topic',
      t.areaCommand('ha-noi'),
      { device: 'loa-kim-giang-1' },
      bodies.playNow,
    ],
    [
      'play-now for another device, on my device topic',
      t.deviceCommand(ME),
      { device: 'loa-kim-giang-1' },
      bodies.playNow,
    ],
    [
      'play-now for another ward, on my device topic',
      t.deviceCommand(ME),
      { area: 'ha-noi/thanh-xuan/kim-giang' },
      bodies.playNow,
    ],
    [
      'play-now for another ward, on my ward topic',
      t.areaCommand(AREAS[2]),
      { area: 'ha-noi/thanh-xuan/kim-giang' },
      bodies.playNow,
    ],
    [
      'play-now for my district, on my ward topic (not that exact area)',
      t.areaCommand(AREAS[2]),
      { area: AREAS[1] },
      bodies.playNow,
    ],
    ['play-now for my own ward, on my device topic', t.deviceCommand(ME), { area: AREAS[2] }, bodies.playNow],
    ['play-now for me, on an area topic', t.areaCommand('ha-noi'), { device: ME }, bodies.playNow],
    [
      'play-now for an area I am not in, on its own topic',
      t.areaCommand('ha-noi/thanh-xuan/kim-giang'),
      { area: 'ha-noi/thanh-xuan/kim-giang' },
      bodies.playNow,
    ],
    ['stop for another device', t.deviceCommand(ME), { device: 'loa-kim-giang-1' }, bodies.stop],
    ['stop for another ward', t.areaCommand('ha-noi'), { area: 'ha-noi/thanh-xuan/kim-giang' }, bodies.stop],
    ['receipt-ack for another device', t.deviceReply(ME), { device: 'loa-kim-giang-1' }, bodies.ack],
    ['clock-reply for another device', t.deviceReply(ME), { device: 'loa-kim-giang-1' }, bodies.clock],
    [
      'manifest for another device',
      t.deviceSchedule(ME),
      { device: 'loa-kim-giang-1' },
      manifest('loa-kim-giang-1', 99),
    ],
  ];
  it.each(cases)('%s', (_what, topic, to, body) => {
    msgs.handle(topic, wire(to, body));
    expect(handled).toEqual([]);
    expect(rejected).toMatchObject([{ reason: 'wrong-target', topic }]);
    expect(store.rejectionCounts()).toEqual({ 'wrong-target': 1 });
  });

  it('refuses it even before the first clock sample, when a message failing only on time would be held', () => {
    synced = false;
    const stale = seal(keys.privateKeyPem, { device: 'loa-kim-giang-1' }, bodies.playNow, {
      seq: 1,
      ttlMs: 1000,
      now: NOW - 3600_000,
    });
    msgs.handle(t.areaCommand(AREAS[2]), Buffer.from(JSON.stringify(stale)));
    expect(msgs.heldCount()).toBe(0);
    expect(store.rejectionCounts()).toEqual({ 'wrong-target': 1 });
    // the same for this device would be held for the clock, as before
    const mine = seal(keys.privateKeyPem, { device: ME }, bodies.playNow, { seq: 2, ttlMs: 1000, now: NOW - 3600_000 });
    msgs.handle(t.deviceCommand(ME), Buffer.from(JSON.stringify(mine)));
    expect(msgs.heldCount()).toBe(1);
    expect(handled).toEqual([]);
  });

  it('does not remember a refused envelope: the same message on its own topic still works for its device', () => {
    const env = wire({ device: ME }, bodies.playNow);
    msgs.handle(t.areaCommand('ha-noi'), env);
    msgs.handle(t.deviceCommand(ME), env);
    expect(handled).toEqual(['play-now:device']);
    expect(store.rejectionCounts()).toEqual({ 'wrong-target': 1 });
  });

  it('refuses a manifest whose body names another device than its target, and an area-wide ack', () => {
    // Hand-made: the hub's seal refuses to make either of these.
    const signRaw = (to: MessageTarget, body: HubBody) => {
      const ok = seal(keys.privateKeyPem, { device: ME }, bodies.stop, { seq: 1, ttlMs: 600_000, now: NOW });
      const { sig: _, ...rest } = { ...ok, to, body };
      return Buffer.from(JSON.stringify({ ...rest, sig: sign(rest) }));
    };
    msgs.handle(t.deviceSchedule(ME), signRaw({ device: ME }, manifest('loa-kim-giang-1')));
    msgs.handle(t.areaCommand('ha-noi'), signRaw({ area: 'ha-noi' }, bodies.ack));
    expect(handled).toEqual([]);
    expect(rejected.map((r) => [r.reason, r.detail])).toEqual([
      ['wrong-target', 'manifest for device loa-kim-giang-1 is addressed to device loa-ha-dinh-1'],
      ['wrong-target', "a 'receipt-ack' message is never sent to an area (area ha-noi)"],
    ]);
  });
});
