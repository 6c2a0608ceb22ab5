// Receipts judged by the hub's injected clock across a month's and a year's end in Vietnam: a
// bulletin at 23:59:30 whose receipts arrive after midnight is admitted and stored with the
// receive instant the clock gave, one sent before its start is premature by that clock, and the
// group-commit timer runs on the same clock (nothing is acked until it moves; no real waiting).
import { afterEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { ManualClock, systemClock, topics, type Receipt } from '../../protocol/index.ts';
import { openDatabase } from '../db/database.ts';
import { createHubSigner, loadOrCreateHubKeys } from '../signing.ts';
import { formatVn } from '../time.ts';
import { seedIngestWorld } from '../../test/helpers/ingest-world.ts';
import { BATCH_DELAY_MS, createIngest } from './ingest.ts';

const tp = topics();
const VN = 7 * 3600_000;
let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanups.reverse()) f();
  cleanups = [];
});

const BOUNDARIES: Array<[string, number, string]> = [
  // [what, the bulletin's start (UTC ms), the Vietnam date the receipts arrive on]
  ['the year turns (31/12 23:59:30)', Date.UTC(2026, 11, 31, 23, 59, 30) - VN, '2027-01-01'],
  ['a short February ends (28/02 23:59:30)', Date.UTC(2027, 1, 28, 23, 59, 30) - VN, '2027-03-01'],
];

describe.each(BOUNDARIES)('admission when %s', (_what, start, nextDay) => {
  it('admits receipts that arrive after midnight, by the hub clock, and refuses one sent before the start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-ingest-clock-'));
    const db = openDatabase(path.join(dir, 'hub.sqlite'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => db.close());
    const w = await seedIngestWorld(db, 3, { start });
    const clock = new ManualClock(start - 90_000); // 23:58:00, a minute and a half before the start
    const acked: string[] = [];
    const ingest = createIngest({
      db,
      mqtt: { publish: async (_topic, payload) => void acked.push(...JSON.parse(payload).body.receiptIds) },
      signer: createHubSigner(db, loadOrCreateHubKeys(dir), systemClock),
      topicPrefix: tp.prefix,
      log: pino({ level: 'silent' }),
      counters: { message() {}, rejected() {}, receipt() {}, receiptRejected() {}, rateLimited() {} },
      events: new EventEmitter(),
      clock,
    });
    cleanups.push(() => ingest.flush());
    const send = (r: Receipt) => ingest.handle(tp.deviceEvent(r.deviceId, 'receipt'), Buffer.from(JSON.stringify(r)));
    const row = (id: string) =>
      db.prepare('SELECT state, rejection, received_at FROM receipts WHERE receipt_id = ?').get(id) as {
        state: string;
        rejection: string | null;
        received_at: number;
      };

    // Sent too early by the hub's clock (whatever the machine's clock says).
    const early = w.receipt(w.devices[0]!);
    send(early);
    expect(acked).toEqual([]); // the batch waits for its timer, on the same clock
    clock.advance(BATCH_DELAY_MS);
    expect(acked).toEqual([early.id]);
    expect(row(early.id)).toMatchObject({ state: 'rejected', rejection: 'premature', received_at: start - 90_000 });

    // After midnight: the bulletin ended at 23:59:50, the receipts come at 00:00:05.
    const afterMidnight = start + 35_000;
    clock.set(afterMidnight);
    const honest = w.devices.slice(1).map((d) => w.receipt(d));
    for (const r of honest) send(r);
    clock.advance(BATCH_DELAY_MS - 1);
    expect(acked).toEqual([early.id]);
    clock.advance(1);
    expect(acked).toEqual([early.id, ...honest.map((r) => r.id)]);
    for (const r of honest) {
      expect(row(r.id)).toMatchObject({ state: 'admitted', rejection: null, received_at: afterMidnight });
      expect(formatVn(row(r.id).received_at)!.slice(0, 10)).toBe(nextDay);
    }
  });
});
