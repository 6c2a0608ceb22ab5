// A batch's plan lookup shares what it reads across its occurrences (plan-lookup.ts); each answer
// must still be exactly what the receipt alone would get.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { seedCoverageDb } from '../../test/helpers/coverage-db.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { createPlanLookup, lookupPlan, lookupPlans, parseOccurrenceId } from './plan-lookup.ts';

const DAY = 86_400_000;
const FROM = Date.UTC(2026, 9, 1) - VN_OFFSET_MS; // a Vietnam midnight

describe('plan lookup for a batch', () => {
  it('answers every (device, occurrence) of a batch as it answers each alone, over several occurrences of one broadcast', () => {
    const db = openDatabase(':memory:');
    // Daily and one-off bulletins, a cancelled one, exclusions, a decommissioned device, another district.
    seedCoverageDb(db, { from: FROM, days: 4, devices: 30, wards: 3, now: FROM + 3 * DAY, seed: 3 });
    const occurrences = db.prepare('SELECT DISTINCT occurrence_id FROM receipts ORDER BY 1').pluck().all() as string[];
    const devices = db.prepare('SELECT id FROM devices ORDER BY id').pluck().all() as string[];
    const asks = occurrences.flatMap((occurrenceId) => devices.map((deviceId) => ({ deviceId, occurrenceId })));
    asks.push({ deviceId: devices[0]!, occurrenceId: 'not-an-occurrence' });

    const batch = lookupPlans(db, asks);
    expect(batch).toEqual(asks.map((a) => lookupPlan(db, a.deviceId, a.occurrenceId)));

    // What the batch held: several occurrences of one broadcast, and every kind of answer.
    const perBroadcast = new Map<string, number>();
    for (const o of occurrences) {
      const id = parseOccurrenceId(o)?.broadcastId ?? '';
      perBroadcast.set(id, (perBroadcast.get(id) ?? 0) + 1);
    }
    expect(Math.max(...perBroadcast.values())).toBeGreaterThan(1);
    expect(new Set(batch.map((p) => p.kind))).toEqual(new Set(['planned', 'not-targeted', 'unplanned']));
    db.close();
  });

  it('keeps each occurrence plan across batches, and plans again after any change to what the plan is made of', () => {
    const db = openDatabase(':memory:');
    seedCoverageDb(db, { from: FROM, days: 4, devices: 30, wards: 3, now: FROM + 3 * DAY, seed: 3 });
    const occurrences = db.prepare('SELECT DISTINCT occurrence_id FROM receipts ORDER BY 1').pluck().all() as string[];
    const devices = db.prepare('SELECT id FROM devices ORDER BY id').pluck().all() as string[];
    const asks = occurrences.flatMap((occurrenceId) => devices.map((deviceId) => ({ deviceId, occurrenceId })));
    const alone = () => asks.map((a) => lookupPlan(db, a.deviceId, a.occurrenceId));
    const cached = createPlanLookup(db);
    // In batches of 7, then all again: the second time every occurrence is kept already.
    const inBatches = () => {
      const out = [];
      for (let i = 0; i < asks.length; i += 7) out.push(...cached(asks.slice(i, i + 7)));
      return out;
    };
    const before = alone();
    expect(inBatches()).toEqual(before);
    expect(cached(asks)).toEqual(before);

    const changes = () => db.prepare('SELECT n FROM plan_changes').pluck().get() as number;
    // Presence, telemetry and receipts are not what the plan is made of.
    const n = changes();
    db.prepare('UPDATE devices SET online = 1 - online, last_seen = 1, telemetry = NULL').run();
    db.prepare("UPDATE receipts SET state = state WHERE state = 'admitted'").run();
    expect(changes()).toBe(n);

    // Each change, written as any code or connection would: the kept answers follow it.
    const planned = before.findIndex((p) => p.kind === 'planned');
    const { deviceId, occurrenceId } = asks[planned]!;
    const broadcastId = parseOccurrenceId(occurrenceId)!.broadcastId;
    const edits: Array<() => void> = [
      () =>
        db
          .prepare(
            "INSERT INTO occurrence_exclusions(broadcast_id, start_at, device_id, decided_for, decision, decided_by, decided_at) VALUES (?, ?, ?, ?, 'yield', (SELECT min(id) FROM users), 0)",
          )
          .run(broadcastId, parseOccurrenceId(occurrenceId)!.startAt, deviceId, broadcastId),
      () =>
        db
          .prepare("UPDATE devices SET kind = CASE kind WHEN 'led' THEN 'speaker' ELSE 'led' END WHERE id = ?")
          .run(deviceId),
      () => db.prepare('UPDATE devices SET decommissioned_at = 0 WHERE id = ?').run(devices[1]),
      () => db.prepare('DELETE FROM broadcast_targets WHERE broadcast_id = ?').run(broadcastId),
      () => db.prepare("UPDATE broadcasts SET status = 'cancelled', cancelled_at = 0").run(),
    ];
    let last = before;
    for (const edit of edits) {
      edit();
      const now = alone();
      expect(now, edit.toString()).not.toEqual(last); // the edit changed what the plan says…
      expect(cached(asks)).toEqual(now); // …and the kept plans follow
      last = now;
    }
    db.close();
  });
});
