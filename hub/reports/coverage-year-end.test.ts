// A coverage report for December, on the hub's injected clock around the year's end in Vietnam:
// the period ends at 01/01 00:00 (+07:00) whatever the hour, an occurrence is pending until its
// grace has passed by that clock and missed after, and the new year does not move a closed period.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/index.ts';
import { openDatabase, type Db } from '../db/database.ts';
import type { User } from '../auth/users.ts';
import type { HubContext } from '../context.ts';
import { reportScope } from '../http/routes/report-routes.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { DISTRICT, seedCoverageDb } from '../../test/helpers/coverage-db.ts';
import { coverageRows, coverageSummary } from './coverage.ts';

const GRACE = 15 * 60_000;
const vn = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) - VN_OFFSET_MS;
const DEC_1 = vn(2026, 12, 1); // seeded for 32 days: December and New Year's Day
const SEEDED_AT = vn(2026, 12, 31, 19, 1, 30); // the 19:00 bulletin has aired; its receipts have not come
const district: User = { id: 1, username: 'quan', displayName: 'Quận', role: 'district', scope: DISTRICT };

let db: Db;
let clock: ManualClock;
let ctx: HubContext;
beforeAll(() => {
  db = openDatabase(':memory:');
  seedCoverageDb(db, { from: DEC_1, days: 32, devices: 12, wards: 3, now: SEEDED_AT, seed: 7 });
  clock = new ManualClock(SEEDED_AT);
  // What reportScope reads of the hub: its database, its clock and the confirmation grace.
  ctx = { db, clock, config: { confirmationGraceMs: GRACE } } as unknown as HubContext;
});
afterAll(() => db.close());

const december = () => reportScope(ctx, district, { period: '2026-12' });
/** The results of the 19:00 occurrences on 31/12, by device. */
const lastEvening = () => {
  const s = december();
  return coverageRows(db, s, { limit: 2000 })
    .rows.filter((r) => r.scheduledStart === '2026-12-31T19:00:00+07:00')
    .map((r) => r.result);
};

describe('the December report at the year end', () => {
  it('covers 01/12 00:00 to 01/01 00:00 Vietnam time, dated by the hub clock', () => {
    const s = coverageSummary(db, december());
    expect([s.from, s.to, s.generatedAt]).toEqual([
      '2026-12-01T00:00:00+07:00',
      '2027-01-01T00:00:00+07:00',
      '2026-12-31T19:01:30+07:00',
    ]);
    expect(s.totals.scheduled).toBeGreaterThan(0);
  });

  it('holds the last evening pending within its grace, and counts it missed once the clock passes it', () => {
    const before = coverageSummary(db, december());
    const pending = lastEvening();
    expect(pending.length).toBeGreaterThan(0);
    expect(new Set(pending)).toEqual(new Set(['pending']));
    expect(before.totals.pending).toBe(pending.length);

    clock.set(vn(2026, 12, 31, 23, 59, 59));
    const after = coverageSummary(db, december());
    expect(new Set(lastEvening())).toEqual(new Set(['missed']));
    expect(after.totals.pending).toBe(0);
    expect(after.totals.missed).toBe(before.totals.missed + pending.length);
    expect(after.totals.scheduled).toBe(before.totals.scheduled);
    expect(after.generatedAt).toBe('2026-12-31T23:59:59+07:00');
  });

  it('the new year leaves December as it was, and the year report ends where December does', () => {
    clock.set(vn(2026, 12, 31, 23, 59, 59));
    const lastSecond = coverageSummary(db, december());
    clock.set(vn(2027, 1, 1, 0, 0, 30));
    const newYear = coverageSummary(db, december());
    expect(newYear.generatedAt).toBe('2027-01-01T00:00:30+07:00');
    expect({ ...newYear, generatedAt: null }).toEqual({ ...lastSecond, generatedAt: null });
    const year = coverageSummary(db, reportScope(ctx, district, { period: '2026' }));
    expect([year.from, year.to]).toEqual(['2026-01-01T00:00:00+07:00', '2027-01-01T00:00:00+07:00']);
    expect(year.totals).toEqual(newYear.totals); // nothing was seeded before December
  });

  it('without a period, the window ends a day after the hub clock: into the new year', () => {
    clock.set(vn(2027, 1, 1, 0, 0, 30));
    const s = coverageSummary(db, reportScope(ctx, district, {}));
    expect([s.from, s.to]).toEqual(['2026-12-03T00:00:30+07:00', '2027-01-02T00:00:30+07:00']);
    expect(s.totals.pending).toBeGreaterThan(0); // 01/01's bulletins, not aired yet
  });
});
