// A batch's plan lookup shares what it reads across its occurrences (plan-lookup.ts); each answer
// must still be exactly what the receipt alone would get.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { seedCoverageDb } from '../../test/helpers/coverage-db.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { lookupPlan, lookupPlans, parseOccurrenceId } from './plan-lookup.ts';

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
});
