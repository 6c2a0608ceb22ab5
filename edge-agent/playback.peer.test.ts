// Playback end to end against a real broker (aedes), real HTTP, real ffmpeg and real SQLite:
// manifest → media downloaded and verified → played on time through the simulated amplifier →
// signed receipt → ack; and the timeline's rules (pre-emption, late start, stop, faults).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { verifyReceipt, type MediaRef } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import {
  agentConfig,
  audioItem,
  ledItem,
  makeClip,
  nextEvent,
  tempDir,
  testLogger,
  waitUntil,
} from './test-support/helpers.ts';
import { startAgent, type RunningAgent } from './main.ts';

const AREA = 'ha-noi/thanh-xuan/ha-dinh';
let hub: FakeHub;
let shortClip: MediaRef; // ~2 s
let longClip: MediaRef; // ~4 s
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  // The hub's clock runs 5 s ahead of the device: start times must still be met in hub time.
  hub = await FakeHub.start({ hubClockOffsetMs: 5000 });
  const a = makeClip('Xin chào bà con phường Hạ Đình');
  const b = makeClip('Thông báo khẩn cấp về bão số ba', 4);
  shortClip = hub.addMedia(a.file, a.durationMs);
  longClip = hub.addMedia(b.file, b.durationMs);
});
afterAll(async () => {
  await hub?.close();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function agent(id: string, extra: Parameters<typeof agentConfig>[2] = {}): Promise<RunningAgent> {
  const tmp = tempDir();
  const a = await startAgent(
    agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken(id, extra.profile?.kind ?? 'speaker', AREA), ...extra }),
    { logger: testLogger() },
  );
  cleanups.push(tmp.cleanup, () => a.stop());
  await nextEvent(a.events, 'connected');
  // wait for the first clock sample so start times are in hub time
  await waitUntil(() => a.status().clockOffsetMs !== null, 5000, 'clock sync');
  return a;
}

describe('scheduled playback', () => {
  it('downloads and verifies the media, plays it at its start time, and delivers a signed receipt that the hub acks', async () => {
    const a = await agent('loa-01');
    expect(Math.abs(a.status().clockOffsetMs! - 5000)).toBeLessThan(200);
    const startAt = hub.hubNow() + 2500;
    const item = audioItem(shortClip, startAt);
    const ready = nextEvent(a.events, 'media-ready', (sha) => sha === shortClip.sha256);
    await hub.publishSchedule('loa-01', [item], 1);
    await ready;
    const cached = path.join(a.config.dataDir, 'media', `${shortClip.sha256}.opus`);
    expect(existsSync(cached)).toBe(true);
    expect(hub.mediaRequests.some((r) => r.status === 200)).toBe(true);

    const receipt = await hub.waitForReceipt((r) => r.occurrenceId === item.occurrenceId);
    expect(receipt.result).toBe('played');
    expect(verifyReceipt(a.publicKeyPem, receipt)).toBe(true);
    expect(receipt.scheduledStart).toBe(startAt);
    // audio started on time in hub time (warm-up happens before startAt)
    expect(Math.abs(receipt.actualStart! - startAt)).toBeLessThan(400);
    expect(receipt.secondsPlayed).toBeGreaterThan(0.95 * (shortClip.durationMs / 1000));
    expect(receipt.evidence.player?.mediaSha256).toBe(shortClip.sha256);
    expect(receipt.evidence.amplifier?.powered).toBe(true);
    expect(receipt.evidence.amplifier!.maxCurrentMa).toBeGreaterThan(150);
    expect(Math.abs(receipt.clockOffsetMs - 5000)).toBeLessThan(200);
    // the ack empties the outbox
    await waitUntil(() => a.status().outboxSize === 0, 5000, 'outbox empty after ack');
    // the amplifier was switched off after the tail
    await waitUntil(async () => !(await a.hardware.amplifier!.read()).powered, 3000, 'amplifier off');
    // media no longer needed is removed once its item is past
    await waitUntil(() => !existsSync(cached), 5000, 'media removed after use');
  });

  it('records an item it reaches later than lateGraceMs as missed, without playing it', async () => {
    const a = await agent('loa-02', { lateGraceMs: 1000 });
    const item = audioItem(shortClip, hub.hubNow() - 5000);
    let played = false;
    a.events.on('playing', () => (played = true));
    await hub.publishSchedule('loa-02', [item], 1);
    const receipt = await hub.waitForReceipt((r) => r.occurrenceId === item.occurrenceId);
    expect(receipt.result).toBe('missed');
    expect(receipt.reason).toMatch(/not started within 1 s/);
    expect(receipt.actualStart).toBeNull();
    expect(receipt.secondsPlayed).toBe(0);
    expect(played).toBe(false);
  });

  it('an emergency play-now for the area pre-empts a normal item: preempted receipt with seconds played, then the emergency plays', async () => {
    const a = await agent('loa-03');
    const normal = audioItem(longClip, hub.hubNow() + 1500, { title: 'Tin buổi sáng' });
    await hub.publishSchedule('loa-03', [normal], 1);
    await nextEvent<{ occurrenceId: string }>(a.events, 'playing', (p) => p.occurrenceId === normal.occurrenceId);
    await new Promise((r) => setTimeout(r, 1200));
    const emergency = audioItem(shortClip, hub.hubNow(), { priority: 'emergency', title: 'Cảnh báo bão' });
    await hub.areaCommand('ha-noi/thanh-xuan', { type: 'play-now', item: emergency });

    const pre = await hub.waitForReceipt((r) => r.occurrenceId === normal.occurrenceId);
    expect(pre.result).toBe('preempted');
    expect(pre.reason).toMatch(/pre-empted by emergency "Cảnh báo bão"/);
    expect(pre.secondsPlayed).toBeGreaterThan(0.5);
    expect(pre.secondsPlayed).toBeLessThan(longClip.durationMs / 1000 - 0.5);
    const em = await hub.waitForReceipt((r) => r.occurrenceId === emergency.occurrenceId);
    expect(em.result).toBe('played');
    expect(verifyReceipt(a.publicKeyPem, em)).toBe(true);
    expect(em.actualStart!).toBeGreaterThanOrEqual(pre.actualEnd!);
    // the pre-empted item is not resumed: exactly one receipt per occurrence
    await new Promise((r) => setTimeout(r, 500));
    expect(hub.receipts.filter((r) => r.occurrenceId === normal.occurrenceId)).toHaveLength(1);
  });

  it('an equal-priority item waits for the one playing and is skipped, naming it, when its grace runs out', async () => {
    const a = await agent('loa-04', { lateGraceMs: 1000 });
    const first = audioItem(longClip, hub.hubNow() + 1500, { title: 'Tin dài' });
    const second = audioItem(shortClip, first.startAt + 500, { title: 'Tin ngắn' });
    await hub.publishSchedule('loa-04', [first, second], 1);
    const r2 = await hub.waitForReceipt((r) => r.occurrenceId === second.occurrenceId);
    expect(r2.result).toBe('skipped');
    expect(r2.reason).toContain('"Tin dài"');
    expect(r2.reason).toContain('was playing');
    const r1 = await hub.waitForReceipt((r) => r.occurrenceId === first.occurrenceId);
    expect(r1.result).toBe('played');
    void a;
  });

  it('two of the same priority at the same start: the one approved first plays, whatever their ids; the other is skipped (code skipped)', async () => {
    const a = await agent('loa-06', { lateGraceMs: 1000 });
    const startAt = hub.hubNow() + 1500;
    // "a-…" sorts first, but "z-…" was approved first: approval decides, as the hub's pages say.
    const later = audioItem(longClip, startAt, { broadcastId: 'a-later', title: 'Duyệt sau', approvedAt: 2000 });
    const earlier = audioItem(longClip, startAt, { broadcastId: 'z-earlier', title: 'Duyệt trước', approvedAt: 1000 });
    await hub.publishSchedule('loa-06', [later, earlier], 1);
    const skipped = await hub.waitForReceipt((r) => r.occurrenceId === later.occurrenceId);
    expect(skipped).toMatchObject({ result: 'skipped', reasonCode: 'skipped' });
    expect(skipped.reason).toContain('"Duyệt trước"');
    expect((await hub.waitForReceipt((r) => r.occurrenceId === earlier.occurrenceId)).result).toBe('played');
    void a;
  });

  it('a stop command ends the playing broadcast as partial "cancelled by hub" and drops its later items', async () => {
    const a = await agent('loa-05');
    const start = hub.hubNow() + 1500;
    const now1 = audioItem(longClip, start, { broadcastId: 'chien-dich-1', occurrenceId: 'chien-dich-1@1' });
    const later = audioItem(shortClip, start + 8000, { broadcastId: 'chien-dich-1', occurrenceId: 'chien-dich-1@2' });
    await hub.publishSchedule('loa-05', [now1, later], 1);
    await nextEvent<{ occurrenceId: string }>(a.events, 'playing', (p) => p.occurrenceId === now1.occurrenceId);
    await new Promise((r) => setTimeout(r, 1000));
    await hub.command('loa-05', { type: 'stop', broadcastId: 'chien-dich-1', reason: 'cancelled' });
    const r = await hub.waitForReceipt((x) => x.occurrenceId === now1.occurrenceId);
    expect(r.result).toBe('partial');
    expect(r.reason).toBe('cancelled by hub');
    expect(r.secondsPlayed).toBeGreaterThan(0.5);
    expect(r.secondsPlayed).toBeLessThan(longClip.durationMs / 1000 - 0.5);
    await waitUntil(() => a.status().scheduledItems === 0, 3000, 'later item dropped');
    expect(hub.receipts.some((x) => x.occurrenceId === later.occurrenceId)).toBe(false);
  });

  it('a dead amplifier (accepts commands, reads back unpowered, draws nothing) gives a failed receipt naming the cause', async () => {
    const a = await agent('loa-06');
    a.hardware.simulatedAmplifier!.injectFault('dead');
    const item = audioItem(shortClip, hub.hubNow() + 1500);
    await hub.publishSchedule('loa-06', [item], 1);
    const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
    expect(r.result).toBe('failed');
    expect(r.reason).toMatch(/amplifier read back unpowered and drew no current while playing/);
    expect(r.evidence.amplifier?.powered).toBe(false);
    expect(r.evidence.amplifier!.maxCurrentMa).toBeLessThan(150);
    expect(r.evidence.amplifier!.samples).toBeGreaterThanOrEqual(2);
    // the audio itself was decoded: the evidence shows where the failure is
    expect(r.evidence.player!.decodedMs).toBeGreaterThan(0.9 * shortClip.durationMs);
  });

  it('an amplifier that stays powered but drives no load (open output) gives "drew no current"', async () => {
    const a = await agent('loa-07', {
      profile: {
        kind: 'speaker',
        amplifier: { driver: 'simulated', warmUpMs: 100, tailMs: 50, latencyMs: 1, minPlayingCurrentMa: 150 },
        audioOutput: 'null',
      },
    });
    const item = audioItem(shortClip, hub.hubNow() + 1500, { volume: 0 }); // volume 0: powered, idle current only
    await hub.publishSchedule('loa-07', [item], 1);
    const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
    expect(r.result).toBe('failed');
    expect(r.reason).toMatch(/^amplifier drew no current while playing: dead amplifier or open output/);
    expect(r.evidence.amplifier?.powered).toBe(true);
    void a;
  });

  it('media whose bytes do not match the manifest hash is never played: failed receipt', async () => {
    const a = await agent('loa-08', { lateGraceMs: 1500 });
    const bad: MediaRef = { ...shortClip, sha256: 'f'.repeat(64), url: `/media/${shortClip.sha256}.opus` };
    const item = audioItem(bad, hub.hubNow() + 1000);
    const failed = nextEvent<{ sha256: string; error: string }>(
      a.events,
      'media-failed',
      (f) => f.sha256 === bad.sha256,
    );
    await hub.publishSchedule('loa-08', [item], 1);
    expect((await failed).error).toMatch(/sha256 mismatch/);
    const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
    expect(r.result).toBe('failed');
    expect(r.reason).toMatch(/was not downloaded in time: sha256 mismatch/);
    expect(readdirSync(path.join(a.config.dataDir, 'media')).filter((f) => f.startsWith('f'.repeat(64)))).toEqual([]);
  });

  it('an LED board shows the message, reads it back with its diacritics, holds it and clears it: played with matching evidence', async () => {
    const a = await agent('led-01', { profile: { kind: 'led', board: { driver: 'simulated', latencyMs: 1 } } });
    const msg = { pages: [{ lines: ['Phường Hạ Đình', 'Phòng chống bão lũ'], mode: 'hold' as const, seconds: 8 }] };
    const item = ledItem(msg, hub.hubNow() + 500, 1500);
    await hub.publishSchedule('led-01', [item], 1);
    await nextEvent<{ occurrenceId: string }>(a.events, 'playing', (p) => p.occurrenceId === item.occurrenceId);
    expect((await a.hardware.ledBoard!.status()).text).toBe('Phường Hạ Đình\nPhòng chống bão lũ');
    const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
    expect(r.result).toBe('played');
    expect(r.evidence.led).toMatchObject({
      shownText: 'Phường Hạ Đình\nPhòng chống bão lũ',
      readBack: 'Phường Hạ Đình\nPhòng chống bão lũ',
      matches: true,
    });
    expect(r.secondsPlayed).toBeGreaterThanOrEqual(1.4);
    expect((await a.hardware.ledBoard!.status()).text).toBe('');
  });

  it('an LED board that loses the diacritics gives a failed receipt with both texts as evidence', async () => {
    const a = await agent('led-02', { profile: { kind: 'led', board: { driver: 'simulated', latencyMs: 1 } } });
    a.hardware.simulatedLedBoard!.injectFault('garbled');
    const item = ledItem(
      { pages: [{ lines: ['Đường Nguyễn Trãi'], mode: 'hold', seconds: 8 }] },
      hub.hubNow() + 300,
      500,
    );
    await hub.publishSchedule('led-02', [item], 1);
    const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
    expect(r.result).toBe('failed');
    expect(r.evidence.led).toMatchObject({
      shownText: 'Đường Nguyễn Trãi',
      readBack: 'Duong Nguyen Trai',
      matches: false,
    });
  });
});
