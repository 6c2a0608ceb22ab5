// The scheduler makes each period's drafts on its own once the period is over and the grace has
// passed, once: a draft someone made before then is regenerated, a restart makes nothing twice and
// catches up on what ended while the hub was down.
// Driven by a ManualClock set to fixed dates, so it passes on any day.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/index.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { DISTRICT, WARD_A, WARD_B, seedReportWorld } from '../../test/helpers/periodic-report-db.ts';
import { createReportScheduler, periodsDue } from './scheduler.ts';
import { generateReport } from './store.ts';

const GRACE = 120_000;
const log = { info: () => {}, warn: () => {} };
let db: Db;

beforeAll(() => {
  db = openDatabase(':memory:');
  seedReportWorld(db);
  // The devices were installed in October 2026: no report is owed for a period before.
  db.prepare('UPDATE devices SET created_at = ?').run(Date.parse('2026-10-15T00:00:00+07:00'));
});
afterAll(() => db.close());

const reports = () =>
  db
    .prepare(
      'SELECT area_path, kind, period, version, generated_at FROM periodic_reports ORDER BY period, kind, area_path',
    )
    .all() as Array<{ area_path: string; kind: string; period: string; version: number; generated_at: number }>;
const keys = () => reports().map((r) => `${r.period} ${r.kind} ${r.area_path}`);

describe('the period-end scheduler', () => {
  it('lists the periods over by a date: the last 13 months at most, with quarters and years', () => {
    const due = periodsDue(Date.parse('2026-12-01T00:05:00+07:00'), GRACE).map((p) => p.period);
    expect(due).toContain('2026-11');
    expect(due).toContain('2026-Q3');
    expect(due).toContain('2025');
    expect(due).toContain('2025-11');
    expect(due).not.toContain('2025-10');
    expect(due).not.toContain('2026-12');
    // Before the grace has passed, November is not over yet for the report.
    expect(periodsDue(Date.parse('2026-12-01T00:01:00+07:00'), GRACE).map((p) => p.period)).not.toContain('2026-11');
  });

  it('catches up at start, then makes November’s drafts at its end plus the grace, once, a preview included', async () => {
    const clock = new ManualClock(Date.parse('2026-11-30T23:50:00+07:00'));
    const s = createReportScheduler({ db, clock, graceMs: GRACE, log });
    s.start();
    await s.idle();
    // October (the devices' first month) for both wards and the district; nothing earlier.
    expect(keys()).toEqual(['2026-10 month ha-noi/thanh-xuan', `2026-10 month ${WARD_A}`, `2026-10 month ${WARD_B}`]);
    // A leader previews Hạ Đình's November before the month is over: a draft of the month so far.
    await generateReport(db, { areaPath: WARD_A, kind: 'month', period: '2026-11' }, clock.now(), GRACE);
    clock.advance(10 * 60_000 + GRACE - 1_000); // 00:01:59 on 01/12: November over, the grace not yet
    await s.idle();
    expect(keys()).toHaveLength(4);
    clock.advance(1_000);
    await s.idle();
    expect(keys().filter((k) => k.startsWith('2026-11 '))).toEqual([
      `2026-11 month ${DISTRICT}`,
      `2026-11 month ${WARD_A}`,
      `2026-11 month ${WARD_B}`,
    ]);
    // The preview was regenerated in place: the draft to sign covers the whole month.
    const november = reports().filter((r) => r.period === '2026-11');
    expect(november.map((r) => [r.version, r.generated_at])).toEqual(
      Array(3).fill([1, Date.parse('2026-12-01T00:02:00+07:00')]),
    );
    clock.advance(7 * 3600_000); // more wake-ups in December make nothing again
    await s.idle();
    expect(keys()).toHaveLength(6);
    await s.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('after a restart it makes nothing twice, and catches up on the periods that ended while it was down', async () => {
    const before = reports();
    const clock = new ManualClock(Date.parse('2027-01-03T08:00:00+07:00'));
    const s = createReportScheduler({ db, clock, graceMs: GRACE, log });
    s.start();
    await s.idle();
    await s.stop();
    const after = reports();
    // Everything made before is untouched (same version, same generation time).
    for (const r of before) expect(after).toContainEqual(r);
    const made = after.filter(
      (r) => !before.some((b) => b.period === r.period && b.kind === r.kind && b.area_path === r.area_path),
    );
    expect([...new Set(made.map((r) => `${r.period} ${r.kind}`))]).toEqual([
      '2026 year',
      '2026-12 month',
      '2026-Q4 quarter',
    ]);
    expect(made).toHaveLength(9);
    expect(after.every((r) => r.version === 1)).toBe(true);
    // And once more: nothing new.
    const again = createReportScheduler({ db, clock, graceMs: GRACE, log });
    expect(await again.run()).toBe(0);
  });
});
