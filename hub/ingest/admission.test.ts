// The admission rules, one by one: every kind of receipt an honest agent sends (loudspeaker, LED
// board, restart, warm-up failure, pre-emption, late play-now) is admitted; each forged-but-signed
// claim seen in the attack (unplanned, another ward's bulletin, before it aired, end before start,
// 10⁹ seconds) is rejected with its reason. Then the resolution of several receipts for one
// occurrence, in a real SQLite database.
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Receipt, ScheduleItem } from '../../protocol/index.ts';
import Database from 'better-sqlite3';
import { migrate, openDatabase } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { admit, CLOCK_TOLERANCE_MS, MAX_START_DELAY_MS, MAX_WARM_UP_MS, type PlanLookup } from './admission.ts';
import { createReceiptStore } from './receipt-store.ts';
import { parseOccurrenceId } from './plan-lookup.ts';

// Any instant works: the rules only compare times with each other and with the receive time.
const S = Date.UTC(2031, 4, 17, 23, 0); // 06:00 Vietnam time
const SPEAKER_MS = 180_000;
const LED_MS = 20_000;
const item = (durationMs = SPEAKER_MS, startAt = S): ScheduleItem => ({
  occurrenceId: `b-1@${startAt}`,
  broadcastId: 'b-1',
  title: 'Bản tin sáng',
  priority: 'normal',
  startAt,
  durationMs,
  volume: 70,
  media: { sha256: 'a'.repeat(64), url: `/media/${'a'.repeat(64)}.opus`, bytes: 1000, format: 'opus', durationMs },
});
const planned = (durationMs = SPEAKER_MS): PlanLookup => ({ kind: 'planned', item: item(durationMs) });
const receipt = (o: Partial<Receipt>): Receipt => ({
  id: randomUUID(),
  deviceId: 'loa-1',
  occurrenceId: `b-1@${S}`,
  broadcastId: 'b-1',
  result: 'played',
  scheduledStart: S,
  actualStart: S + 20,
  actualEnd: S + SPEAKER_MS + 900,
  secondsPlayed: 180,
  clockOffsetMs: -1200,
  evidence: {},
  sig: 'x',
  ...o,
});
const none = { actualStart: null, actualEnd: null, secondsPlayed: 0 };

describe('honest receipts are admitted', () => {
  const cases: Array<[string, Partial<Receipt>, number, number?]> = [
    ['a loudspeaker that played in full', {}, S + SPEAKER_MS + 1500],
    [
      'a loudspeaker whose clock runs a little ahead of the hub',
      { actualStart: S - 400, actualEnd: S + SPEAKER_MS - 300 },
      S + SPEAKER_MS + 100,
    ],
    [
      'a slow ffmpeg start: on air a few seconds past the duration',
      { actualStart: S + 10, actualEnd: S + SPEAKER_MS + 9000, secondsPlayed: 180.02 },
      S + SPEAKER_MS + 10_000,
    ],
    [
      'an LED board that held its pages for the item',
      { actualStart: S + 30, actualEnd: S + LED_MS + 60, secondsPlayed: 20.03 },
      S + LED_MS + 100,
      LED_MS,
    ],
    [
      'a partial: the agent restarted during playback (no end), received days later',
      { result: 'partial', actualEnd: null, secondsPlayed: 42, reason: 'agent restarted during playback' },
      S + 3 * 86_400_000,
    ],
    [
      'a failed: restarted before any audio was confirmed',
      { result: 'failed', ...none, reason: 'agent restarted during playback' },
      S + 3600_000,
    ],
    [
      'a failed: the amplifier drew no current while the media decoded in full',
      { result: 'failed', secondsPlayed: 180 },
      S + SPEAKER_MS + 2000,
    ],
    [
      'a failed during the warm-up, before the start',
      { result: 'failed', ...none, reason: 'amplifier did not accept the commands' },
      S - MAX_WARM_UP_MS,
    ],
    [
      'a partial: cancelled by the hub during the warm-up',
      { result: 'partial', ...none, reason: 'cancelled by hub' },
      S - 5000,
    ],
    ['a preempted mid-bulletin', { result: 'preempted', actualEnd: S + 40_000, secondsPlayed: 39.5 }, S + 41_000],
    ['a preempted before its audio started', { result: 'preempted', ...none }, S + 1000],
    ['a missed, after the late grace', { result: 'missed', ...none }, S + 61_000],
    ['a skipped while an emergency played', { result: 'skipped', ...none }, S + 75_000],
    [
      'a play-now delivered 8 minutes late, due at its arrival',
      { actualStart: S + 8 * 60_000 + 1500, actualEnd: S + 8 * 60_000 + 1500 + SPEAKER_MS },
      S + 8 * 60_000 + SPEAKER_MS + 3000,
    ],
  ];
  for (const [name, o, receivedAt, duration] of cases) {
    it(name, () => {
      const r = receipt(o);
      expect(admit(r, planned(duration), receivedAt)).toEqual({ admitted: true });
    });
  }
});

describe('forged-but-signed claims are rejected with their reason', () => {
  const rejected = (o: Partial<Receipt>, receivedAt: number, plan: PlanLookup = planned()) => {
    const a = admit(receipt(o), plan, receivedAt);
    if (a.admitted) throw new Error('admitted');
    return a;
  };
  const after = S + SPEAKER_MS + 2000;

  it('an occurrence the hub never planned, or a broadcast that does not exist: unplanned', () => {
    expect(rejected({}, after, { kind: 'unplanned', detail: 'no broadcast b-9' })).toEqual({
      admitted: false,
      reason: 'unplanned',
      detail: 'no broadcast b-9',
    });
  });
  it('another ward’s bulletin, or one a clash decision took off the device: not-targeted', () => {
    expect(rejected({}, after, { kind: 'not-targeted', detail: 'device loa-1 is not a target' }).reason).toBe(
      'not-targeted',
    );
  });
  it('"played" before it aired: premature', () => {
    const a = rejected({}, S - 10 * 60_000);
    expect(a.reason).toBe('premature');
    expect(a.detail).toMatch(/600 s before the scheduled start/);
    // A 'missed' cannot be known before the start either; only a warm-up failure can.
    expect(rejected({ result: 'missed', ...none }, S - CLOCK_TOLERANCE_MS - 1).reason).toBe('premature');
    expect(rejected({ result: 'failed', ...none }, S - MAX_WARM_UP_MS - CLOCK_TOLERANCE_MS - 1).reason).toBe(
      'premature',
    );
  });
  it('"played" in full, sent seconds after the start: it ends after the hub received it', () => {
    expect(rejected({}, S + 5000).detail).toMatch(/after the hub received/);
  });
  it('an end before the start', () => {
    expect(rejected({ actualStart: S + 100_000, actualEnd: S + 1000, secondsPlayed: 0 }, after).detail).toMatch(
      /before the actual start/,
    );
  });
  it('10⁹ seconds played', () => {
    expect(rejected({ secondsPlayed: 1e9 }, after).detail).toMatch(/1000000000 s played of an item lasting 180 s/);
    // Long on air as well as many seconds:
    expect(rejected({ actualEnd: S + 1e12, secondsPlayed: 1e9 }, S + 1e12).reason).toBe('implausible');
  });
  it('more seconds than the claimed span', () => {
    expect(rejected({ actualEnd: S + 60_000, secondsPlayed: 150, result: 'partial' }, after).detail).toMatch(
      /150 s played between/,
    );
  });
  it('on air far longer than the item', () => {
    expect(rejected({ actualEnd: S + 3600_000, secondsPlayed: 180 }, S + 3601_000).detail).toMatch(/on air 3600 s/);
  });
  it('"played" with a few seconds of a long bulletin, or without times', () => {
    expect(rejected({ actualEnd: S + 5000, secondsPlayed: 5 }, after).detail).toMatch(/'played' with 5 s/);
    expect(rejected({ ...none, secondsPlayed: 0 }, after).detail).toMatch(/needs both an actual start and end/);
  });
  it('a start long before or after the scheduled one', () => {
    expect(rejected({ actualStart: S - 3600_000, actualEnd: S - 3600_000 + SPEAKER_MS }, after).detail).toMatch(
      /before the scheduled start/,
    );
    const late = S + MAX_START_DELAY_MS + 60_000;
    expect(rejected({ actualStart: late, actualEnd: late + SPEAKER_MS }, late + SPEAKER_MS + 1000).detail).toMatch(
      /after the scheduled start/,
    );
  });
  it('a scheduled start or broadcast that is not the planned one', () => {
    expect(rejected({ scheduledStart: S - 86_400_000 }, after).detail).toMatch(/not the planned/);
    expect(rejected({ broadcastId: 'b-2' }, after).reason).toBe('unplanned');
  });
  it('"missed" or "skipped" that claims airtime', () => {
    expect(rejected({ result: 'missed', actualStart: null, actualEnd: null, secondsPlayed: 30 }, after).reason).toBe(
      'implausible',
    );
    expect(rejected({ result: 'skipped' }, after).reason).toBe('implausible');
  });
  it('seconds without a start', () => {
    expect(
      rejected({ result: 'partial', actualStart: null, actualEnd: null, secondsPlayed: 12 }, after).detail,
    ).toMatch(/without an actual start/);
  });
});

describe('occurrence ids', () => {
  it('are split at the last @ and must be exactly what the hub makes', () => {
    expect(parseOccurrenceId(`b-1@${S}`)).toEqual({ broadcastId: 'b-1', startAt: S });
    expect(parseOccurrenceId(`b-1@0${S}`)).toBeNull();
    expect(parseOccurrenceId(`b-1@${S}.5`)).toBeNull();
    expect(parseOccurrenceId('b-1')).toBeNull();
    expect(parseOccurrenceId(`@${S}`)).toBeNull();
  });
});

describe('several receipts for one occurrence and device (SQLite)', () => {
  function setup() {
    const db = openDatabase(':memory:');
    db.prepare("INSERT INTO areas(id, path, name, level) VALUES (1, 'ha-noi', 'Hà Nội', 'province')").run();
    db.prepare(
      "INSERT INTO devices(id, name, kind, area_id, created_at) VALUES ('loa-1', 'Loa 1', 'speaker', 1, 0)",
    ).run();
    const store = createReceiptStore(db);
    const states = () =>
      db
        .prepare(
          'SELECT receipt_id AS id, result, state, rejection, superseded_by AS by FROM receipts ORDER BY received_at',
        )
        .all() as Array<{ id: string; result: string; state: string; rejection: string | null; by: string | null }>;
    const standing = () =>
      db.prepare('SELECT receipt_id AS id, result FROM playback_records').all() as Array<{
        id: string;
        result: string;
      }>;
    return { db, store, states, standing };
  }

  it('a refused early claim never stands; the true result wins over a weaker one; ties keep the first', () => {
    const { store, states, standing } = setup();
    const early = receipt({});
    expect(store.store(early, admit(early, planned(), S - 600_000), S - 600_000)).toMatchObject({
      duplicate: false,
      state: 'rejected',
    });
    expect(standing()).toEqual([]);

    const missed = receipt({ result: 'missed', ...none });
    expect(store.store(missed, admit(missed, planned(), S + 61_000), S + 61_000)).toMatchObject({
      state: 'admitted',
      other: null,
    });
    const played = receipt({});
    expect(store.store(played, admit(played, planned(), S + SPEAKER_MS + 2000), S + SPEAKER_MS + 2000)).toMatchObject({
      state: 'admitted',
      other: missed.id,
    });
    const again = receipt({ actualStart: S + 30 });
    expect(store.store(again, admit(again, planned(), S + SPEAKER_MS + 3000), S + SPEAKER_MS + 3000)).toMatchObject({
      state: 'superseded',
      other: played.id,
    });
    const partial = receipt({ result: 'partial', actualEnd: S + 60_000, secondsPlayed: 59 });
    expect(store.store(partial, admit(partial, planned(), S + SPEAKER_MS + 4000), S + SPEAKER_MS + 4000)).toMatchObject(
      { state: 'superseded' },
    );

    expect(standing()).toEqual([{ id: played.id, result: 'played' }]);
    expect(states()).toEqual([
      { id: early.id, result: 'played', state: 'rejected', rejection: 'premature', by: null },
      { id: missed.id, result: 'missed', state: 'superseded', rejection: null, by: played.id },
      { id: played.id, result: 'played', state: 'admitted', rejection: null, by: null },
      { id: again.id, result: 'played', state: 'superseded', rejection: null, by: played.id },
      { id: partial.id, result: 'partial', state: 'superseded', rejection: null, by: played.id },
    ]);
    // The same receipt again (a lost ack) is a duplicate and changes nothing.
    expect(store.has(missed.id)).toBe(true);
    expect(store.store(missed, { admitted: true }, S + SPEAKER_MS + 9000)).toEqual({ duplicate: true });
    expect(states()).toHaveLength(5);
  });
});

describe('migration 6', () => {
  it('carries the records stored before admission over as admitted, readable through playback_records', () => {
    const db = new Database(':memory:');
    for (const [i, m] of MIGRATIONS.slice(0, 5).entries()) {
      db.exec(m);
      db.pragma(`user_version = ${i + 1}`);
    }
    db.prepare("INSERT INTO areas(id, path, name, level) VALUES (1, 'ha-noi', 'Hà Nội', 'province')").run();
    db.prepare(
      "INSERT INTO devices(id, name, kind, area_id, created_at) VALUES ('loa-1', 'Loa 1', 'speaker', 1, 0)",
    ).run();
    db.prepare(
      `INSERT INTO playback_records(receipt_id, occurrence_id, broadcast_id, device_id, result, scheduled_start, seconds_played, evidence, signature, received_at)
       VALUES ('r-1', 'b-1@1', 'b-1', 'loa-1', 'played', 1, 180, '{}', 'sig', 2)`,
    ).run();
    migrate(db);
    expect(db.prepare('SELECT receipt_id, result, seconds_played FROM playback_records').all()).toEqual([
      { receipt_id: 'r-1', result: 'played', seconds_played: 180 },
    ]);
    expect(db.prepare('SELECT state, rejection FROM receipts').all()).toEqual([{ state: 'admitted', rejection: null }]);
    // One admitted receipt per occurrence and device, enforced by the schema itself.
    expect(() =>
      db
        .prepare(
          `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, scheduled_start, seconds_played, evidence, signature, received_at, state)
           VALUES ('r-2', 'b-1@1', 'b-1', 'loa-1', 'played', 1, 180, '{}', 'sig', 3, 'admitted')`,
        )
        .run(),
    ).toThrow(/UNIQUE/);
  });
});

describe('relay (tiếp âm) receipts, against the planned length', () => {
  const RELAY_MS = 600_000; // a 10-minute news relay
  const relayItem: ScheduleItem = {
    occurrenceId: `b-1@${S}`,
    broadcastId: 'b-1',
    title: 'Tiếp âm thời sự VOV1',
    priority: 'normal',
    startAt: S,
    durationMs: RELAY_MS,
    volume: 70,
    relay: { url: `/streams/b-1%40${S}`, format: 'ogg-opus', bitrateKbps: 24, fallback: 'silence' },
  };
  const plan: PlanLookup = { kind: 'planned', item: relayItem };
  const relayReceipt = (aired: number, lost: number, o: Partial<Receipt> = {}): Receipt =>
    receipt({
      result: lost ? 'partial' : 'played',
      actualStart: S + 300,
      actualEnd: S + RELAY_MS + 200,
      secondsPlayed: aired,
      ...(lost ? { reasonCode: 'upstream-lost' } : {}),
      evidence: {
        relay: {
          secondsAired: aired,
          secondsLost: lost,
          fallback: 'silence',
          fallbackSeconds: 0,
          lostAt: lost ? S + aired * 1000 : null,
          bytes: aired * 3000,
        },
      },
      ...o,
    });
  const at = S + RELAY_MS + 1000;

  it('admits a relay aired in full and one whose upstream was lost part-way', () => {
    expect(admit(relayReceipt(599.4, 0), plan, at)).toEqual({ admitted: true });
    expect(admit(relayReceipt(200, 400), plan, at)).toEqual({ admitted: true });
    // nothing aired: the fallback played for the whole occurrence
    expect(admit(relayReceipt(0, 600, { result: 'failed' }), plan, at)).toEqual({ admitted: true });
  });

  it('rejects an account that does not add up to the planned length', () => {
    expect(admit(relayReceipt(500, 400), plan, at)).toMatchObject({
      admitted: false,
      reason: 'implausible',
      detail: expect.stringMatching(/aired 500 s and lost 400 s/),
    });
    expect(admit(relayReceipt(200, 400, { secondsPlayed: 590 }), plan, at)).toMatchObject({
      admitted: false,
      detail: expect.stringMatching(/relay aired 200 s but the receipt claims 590 s/),
    });
  });

  it('rejects relay evidence for an occurrence that is not a relay', () => {
    const r = relayReceipt(180, 0, { actualEnd: S + SPEAKER_MS + 900 });
    expect(admit(r, planned(), S + SPEAKER_MS + 1500)).toMatchObject({
      admitted: false,
      reason: 'implausible',
      detail: expect.stringMatching(/not a relay/),
    });
  });

  it("a 'played' relay needs nearly all of the planned length", () => {
    expect(admit(relayReceipt(300, 0), plan, at)).toMatchObject({ admitted: false, reason: 'implausible' });
  });
});

describe('live session (phát trực tiếp) receipts, against the length it actually lasted', () => {
  // Planned for at most 30 minutes; the leader ended it after 8 s, so the plan now says 8 s.
  const LIVE_MS = 8000;
  const liveItem = (durationMs: number): ScheduleItem => ({
    occurrenceId: `b-1@${S}`,
    broadcastId: 'b-1',
    title: 'Họp tổ dân phố',
    priority: 'normal',
    startAt: S,
    durationMs,
    volume: 70,
    relay: {
      url: `/streams/b-1%40${S}`,
      format: 'ogg-opus',
      bitrateKbps: 24,
      fallback: 'silence',
      live: true,
      bufferMs: 400,
    },
  });
  const liveReceipt = (aired: number, o: Partial<Receipt> = {}, live = true): Receipt =>
    receipt({
      actualStart: S + 30,
      actualEnd: S + LIVE_MS + 900,
      secondsPlayed: aired,
      evidence: {
        relay: {
          secondsAired: aired,
          secondsLost: 0,
          fallback: 'silence',
          fallbackSeconds: 0,
          lostAt: null,
          bytes: aired * 3000,
          ...(live ? { live: true, dropouts: 1, dropoutSeconds: 0.25 } : {}),
        },
      },
      ...o,
    });
  const at = S + LIVE_MS + 2000;

  it("admits a 'played' of the session's length less the join (buffer and decoder start)", () => {
    expect(admit(liveReceipt(7.9), { kind: 'planned', item: liveItem(LIVE_MS) }, at)).toEqual({ admitted: true });
    // 8 s less 0.4 s of buffer and 3 s of join: 4.6 s is the bar.
    expect(admit(liveReceipt(4.7), { kind: 'planned', item: liveItem(LIVE_MS) }, at)).toEqual({ admitted: true });
    expect(admit(liveReceipt(4.5), { kind: 'planned', item: liveItem(LIVE_MS) }, at)).toMatchObject({
      admitted: false,
      detail: expect.stringMatching(/'played' with 4.5 s/),
    });
  });

  it('measures against the actual length, not the maximum it was planned for', () => {
    // While it ran (and before the hub wrote its length) a 30-minute item would not take 7.9 s as played.
    expect(admit(liveReceipt(7.9), { kind: 'planned', item: liveItem(1800_000) }, at)).toMatchObject({
      admitted: false,
    });
    // Nor more seconds than it lasted.
    expect(
      admit(liveReceipt(30, { actualEnd: S + 31_000 }), { kind: 'planned', item: liveItem(LIVE_MS) }, S + 32_000),
    ).toMatchObject({ admitted: false });
  });

  it("rejects a relay's evidence for a live session, and dropouts longer than the session", () => {
    expect(admit(liveReceipt(7.9, {}, false), { kind: 'planned', item: liveItem(LIVE_MS) }, at)).toMatchObject({
      admitted: false,
      detail: expect.stringMatching(/is a live session/),
    });
    const r = liveReceipt(7.9);
    r.evidence.relay!.dropoutSeconds = 60;
    expect(admit(r, { kind: 'planned', item: liveItem(LIVE_MS) }, at)).toMatchObject({
      admitted: false,
      detail: expect.stringMatching(/60 s of dropouts/),
    });
  });
});
