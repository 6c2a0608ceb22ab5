// The local store on a real SQLite file: migrations, the one-receipt-per-occurrence guard, the
// manifest rules, the replay guard and the counters, across reopening the file.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { systemClock, type Receipt, type ScheduleItem } from '../protocol/index.ts';
import { AgentStore } from './store.ts';
import { tempDir } from './test-support/helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function open() {
  const tmp = tempDir();
  const store = AgentStore.open(tmp.dir, { clock: systemClock });
  cleanups.push(tmp.cleanup, () => store.close());
  return { store, dir: tmp.dir };
}

const item = (occ: string, startAt: number, over: Partial<ScheduleItem> = {}): ScheduleItem => ({
  occurrenceId: occ,
  broadcastId: occ.split('@')[0],
  title: '',
  priority: 'normal',
  startAt,
  durationMs: 1000,
  volume: 50,
  led: { pages: [{ lines: ['x'], mode: 'hold', seconds: 8 }] },
  ...over,
});

const receipt = (occ: string): Receipt => ({
  id: randomUUID(),
  deviceId: 'loa-01',
  occurrenceId: occ,
  broadcastId: occ.split('@')[0],
  result: 'played',
  scheduledStart: 1,
  actualStart: 1,
  actualEnd: 2,
  secondsPlayed: 1,
  clockOffsetMs: 0,
  evidence: {},
  sig: 'x',
});

const meta = (version: number, issuedAt = Date.now()) => ({ envelopeId: randomUUID(), version, issuedAt });

describe('agent store', () => {
  it('records its schema version, and reopening the file keeps data and does not migrate twice', () => {
    const { store, dir } = open();
    expect(store.schemaVersion()).toBe(1);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.nextSession()).toBe(1);
    expect(store.nextSession()).toBe(2);
    store.close();
    const again = AgentStore.open(dir, { clock: systemClock });
    cleanups.push(() => again.close());
    expect(again.schemaVersion()).toBe(1);
    expect(again.nextSession()).toBe(3);
  });

  it('keeps the last bulletin aired across reopening, and a damaged entry reads as none', () => {
    const { store, dir } = open();
    expect(store.lastAiredMedia()).toBeNull();
    const ref = {
      sha256: 'a'.repeat(64),
      url: `/media/${'a'.repeat(64)}.opus`,
      bytes: 4096,
      format: 'opus' as const,
      durationMs: 3000,
    };
    store.saveLastAiredMedia(ref);
    store.close();
    const again = AgentStore.open(dir, { clock: systemClock });
    cleanups.push(() => again.close());
    expect(again.lastAiredMedia()).toEqual(ref);
    again.db.prepare("UPDATE kv SET value = '{not json' WHERE key = 'last_aired_media'").run();
    expect(again.lastAiredMedia()).toBeNull();
  });

  it('accepts exactly one receipt per occurrence and keeps it in the outbox until acked', () => {
    const { store } = open();
    const now = Date.now();
    store.applyManifest(meta(1), [item('b@1', now)], now);
    const first = receipt('b@1');
    expect(store.recordReceipt(first)).toBe(true);
    expect(store.recordReceipt(receipt('b@1'))).toBe(false);
    expect(store.outboxSize()).toBe(1);
    expect(store.items()).toEqual([]);
    expect(store.outboxDue(Date.now() + 1, 10).map((r) => r.id)).toEqual([first.id]);
    store.markSent([first.id], Date.now());
    expect(store.outboxDue(Date.now() - 1000, 10)).toEqual([]);
    expect(store.ackReceipts([first.id, randomUUID()])).toEqual([first.id]);
    expect(store.outboxSize()).toBe(0);
    // a later manifest listing the finished occurrence does not bring it back
    expect(store.applyManifest(meta(2), [item('b@1', now)], now).ignored).toBe(1);
    expect(store.items()).toEqual([]);
  });

  it('a newer manifest drops removed pending items silently but never the one playing, nor play-now items', () => {
    const { store } = open();
    const now = Date.now();
    store.applyManifest(meta(1), [item('a@1', now), item('b@1', now + 1000), item('c@1', now + 2000)], now);
    store.markPlaying('a@1');
    expect(store.addCommandItem(item('em@1', now, { priority: 'emergency' }), now, now)).toBe(true);
    expect(store.addCommandItem(item('em@1', now, { priority: 'emergency' }), now, now)).toBe(false);
    const r = store.applyManifest(meta(2), [item('c@1', now + 5000)], now);
    expect(r).toMatchObject({ updated: 1, dropped: 1 });
    const byOcc = Object.fromEntries(store.items().map((s) => [s.item.occurrenceId, s]));
    expect(Object.keys(byOcc).sort()).toEqual(['a@1', 'c@1', 'em@1']);
    expect(byOcc['a@1'].state).toBe('playing');
    expect(byOcc['c@1'].item.startAt).toBe(now + 5000);
  });

  it('a play-now delivered late is due at its arrival, not at its past start', () => {
    const { store } = open();
    const now = Date.now();
    store.addCommandItem(item('em@1', now - 120_000, { priority: 'emergency' }), now - 120_000, now);
    expect(store.items()[0]).toMatchObject({ dueAt: now });
  });

  it('a stop drops the broadcast and keeps manifests issued before the stop from bringing it back', () => {
    const { store } = open();
    const now = Date.now();
    const before = meta(1, now - 1000);
    store.applyManifest(before, [item('camp@1', now + 1000), item('camp@2', now + 2000), item('other@1', now)], now);
    expect(store.cancelBroadcast('camp', now)).toBe(2);
    store.applyManifest(meta(2, now - 500), [item('camp@1', now + 1000), item('other@1', now)], now);
    expect(store.items().map((s) => s.item.occurrenceId)).toEqual(['other@1']);
    // a manifest the hub issued after the stop is the hub's new word
    store.applyManifest(meta(3, now + 10), [item('camp@3', now + 3000), item('other@1', now)], now);
    expect(
      store
        .items()
        .map((s) => s.item.occurrenceId)
        .sort(),
    ).toEqual(['camp@3', 'other@1']);
  });

  it('remembers accepted envelope ids until after they expire, and counts rejections by reason', () => {
    const { store } = open();
    const now = Date.now();
    store.markSeen('e1', now - 2 * 24 * 3600_000);
    store.markSeen('e2', now + 3600_000);
    expect(store.isSeen('e1')).toBe(true);
    store.prune(now);
    expect(store.isSeen('e1')).toBe(false);
    expect(store.isSeen('e2')).toBe(true);
    store.countRejection('forged');
    store.countRejection('forged');
    store.countRejection('replayed');
    expect(store.rejectionCounts()).toEqual({ forged: 2, replayed: 1 });
  });

  it('commits a receipt at synchronous=FULL (proof of play) and everything else at NORMAL', () => {
    const { store } = open();
    const NORMAL = 1;
    expect(store.db.pragma('synchronous', { simple: true })).toBe(NORMAL);
    const levels: string[] = [];
    const pragma = store.db.pragma.bind(store.db);
    vi.spyOn(store.db, 'pragma').mockImplementation(((src: string, o?: Parameters<typeof pragma>[1]) => {
      if (/^synchronous\s*=/.test(src)) levels.push(src.replace(/\s/g, ''));
      return pragma(src, o);
    }) as typeof store.db.pragma);
    expect(store.recordReceipt(receipt('c@1'))).toBe(true);
    // refused second receipt: still back at NORMAL afterwards
    expect(store.recordReceipt(receipt('c@1'))).toBe(false);
    expect(levels).toEqual(['synchronous=FULL', 'synchronous=NORMAL', 'synchronous=FULL', 'synchronous=NORMAL']);
    store.ackReceipts(['x']);
    store.recordProgress('c@1', 500);
    expect(levels).toHaveLength(4);
    vi.restoreAllMocks();
    expect(store.db.pragma('synchronous', { simple: true })).toBe(NORMAL);
  });
});
