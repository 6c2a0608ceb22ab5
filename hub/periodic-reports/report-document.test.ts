// The periodic report's document counts what the coverage report counts, from admitted receipts
// only: the same totals, wards and devices; a rejected claim never raises "played"; the LED text is
// kept as sent; an emergency's time to full confirmation is read from when the hub received each
// device's receipt; a bulletin at 23:30 on 31/12 (Vietnam) belongs to December.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { coverageScope, coverageSummary } from '../reports/coverage.ts';
import { PeriodicReportDocument, PERIODIC_REPORT_SCHEMA_ID } from '../api-contract/periodic-reports.ts';
import { LocalizedError } from '../text/index.ts';
import {
  DISTRICT,
  EMERGENCY_AT,
  LED_TEXT,
  NOV,
  WARD_A,
  WARD_B,
  seedReportWorld,
  type ReportWorld,
} from '../../test/helpers/periodic-report-db.ts';
import { DISTRICT as BIG_DISTRICT, seedCoverageDb, wardPath } from '../../test/helpers/coverage-db.ts';
import { buildReportDocument, occurrences } from './report-document.ts';
import { parsePeriod } from './period.ts';

const GRACE = 120_000;
const DEC_5 = Date.parse('2026-12-05T10:00:00+07:00');
let db: Db;
let w: ReportWorld;

beforeAll(() => {
  db = openDatabase(':memory:');
  w = seedReportWorld(db);
});
afterAll(() => db.close());

const doc = (areaPath: string, period = '2026-11', now = DEC_5, kind: 'month' | 'quarter' | 'year' = 'month') =>
  buildReportDocument(db, { areaPath, kind, period }, now, GRACE);

describe('the figures are the coverage report’s', () => {
  it('for a ward and a district, its totals, wards and devices equal the coverage summary of the same period', async () => {
    for (const area of [DISTRICT, WARD_A]) {
      const d = await doc(area);
      expect(PeriodicReportDocument.parse(d)).toEqual(d);
      const p = parsePeriod('2026-11');
      const s = coverageSummary(
        db,
        coverageScope(db, { areaPath: area, from: p.from, to: p.to, graceMs: GRACE, now: DEC_5 }),
      );
      const { bulletins, devices, rejectedClaims, ...totals } = d.totals;
      expect(totals).toEqual(occurrences(s.totals));
      expect(rejectedClaims).toBe(s.rejectedCount);
      expect(d.rejectedByReason).toEqual(s.rejectedByReason);
      expect(d.byDevice.map(({ kind: _, ...x }) => x)).toEqual(
        s.byDevice.map(({ deviceId, deviceName, areaPath, scheduled, secondsPlayed, ...r }) => ({
          deviceId,
          deviceName,
          areaPath,
          ...occurrences({ scheduled, secondsPlayed, ...r }),
        })),
      );
      expect([bulletins, devices]).toEqual(area === DISTRICT ? [2, 4] : [2, 3]);
    }
  });

  it('a district lists its wards, a ward itself; the counts are what the receipts say', async () => {
    const d = await doc(DISTRICT);
    expect(
      d.byWard.map((x) => [x.areaPath, x.devices, x.bulletins, x.scheduled, x.played, x.failed, x.missed]),
    ).toEqual([
      // 30 days × (a1, a2, LED) + the emergency on a1 and a2; a2 failed once and was silent 19 days.
      [WARD_A, 3, 2, 92, 62, 1, 29],
      // 30 days + the emergency on b1; the rejected claim is not a play.
      [WARD_B, 1, 2, 31, 6, 0, 25],
    ]);
    expect((await doc(WARD_A)).byWard.map((x) => x.areaPath)).toEqual([WARD_A]);
    expect(d.byDevice.map((x) => [x.deviceId, x.kind])).toEqual([
      ['a-led', 'led'],
      ['a1', 'speaker'],
      ['a2', 'speaker'],
      ['b1', 'speaker'],
    ]);
    expect(d.totals.hoursAired).toBe(1.13); // 68 plays of 60 s (LED boards report 60 s shown too)
    expect(d.failures).toContainEqual(
      expect.objectContaining({ result: 'failed', reasonCode: 'amplifier-fault', count: 1 }),
    );
    expect(d.failures.find((f) => f.result === 'missed')?.count).toBe(29 + 25);
  });

  it('only admitted receipts count: another rejected claim raises the rejected count, never played', async () => {
    const before = await doc(WARD_B);
    w.receipt('nq98', w.day(6), 'b1', 'played', { state: 'rejected' });
    const after = await doc(WARD_B);
    expect(after.totals.played).toBe(before.totals.played);
    expect(after.totals.secondsAired).toBe(before.totals.secondsAired);
    expect(after.totals.rejectedClaims).toBe(before.totals.rejectedClaims + 1);
    expect(after.rejectedByReason.implausible).toBe(before.rejectedByReason.implausible + 1);
  });
});

describe('campaigns, LED messages and emergencies', () => {
  it('a campaign: its bulletin, occurrences, and the speakers that met 5 a week in every week over', async () => {
    const [c] = (await doc(DISTRICT)).byCampaign;
    expect(c).toMatchObject({ name: 'Tuyên truyền Nghị quyết 98', bulletins: 1, speakers: 3, speakersMet: 1 });
    expect(c.scheduled).toBe(120); // 30 days × 4 devices, as the coverage report counts them
    expect(c.played).toBe(30 + 10 + 20 + 5);
  });

  it('the LED message keeps its diacritics and counts boards, showings planned and shown', async () => {
    const d = await doc(DISTRICT);
    expect(d.led).toEqual({
      messages: 1,
      shown: 20,
      byMessage: [
        { broadcastId: 'nq98', title: 'Nghị quyết 98', text: LED_TEXT.join('\n'), boards: 1, shown: 20, scheduled: 30 },
      ],
    });
  });

  it('an emergency: devices owed, confirmed, when the last confirmed and the median time', async () => {
    const [e] = (await doc(DISTRICT)).emergencies;
    expect(e).toEqual({
      broadcastId: 'khan',
      title: 'Cảnh báo ngập lụt',
      sentAt: '2026-11-10T09:00:00+07:00',
      devices: 3,
      confirmed: 3,
      fullyConfirmedAt: '2026-11-10T09:00:30+07:00',
      secondsToFullConfirmation: 30,
      medianSecondsToConfirmation: 12,
    });
    // Ward A alone: its two speakers, the last 12 s after.
    const [a] = (await doc(WARD_A)).emergencies;
    expect([a.devices, a.secondsToFullConfirmation, a.medianSecondsToConfirmation]).toEqual([2, 12, 8.5]);
    expect(EMERGENCY_AT).toBeGreaterThan(NOV);
  });
});

describe('periods in Vietnam time', () => {
  it('a bulletin at 23:30 on 31/12 (16:30 UTC) is December’s, the fourth quarter’s and 2026’s, not January’s', async () => {
    const jan5 = Date.parse('2027-01-05T10:00:00+07:00');
    const dec = await doc(WARD_A, '2026-12', jan5);
    expect([dec.totals.scheduled, dec.totals.played, dec.totals.missed]).toEqual([2, 1, 1]); // a1 played, a2 silent
    expect((await doc(WARD_A, '2027-01', jan5)).totals.scheduled).toBe(0);
    expect((await doc(WARD_A, '2026-Q4', jan5, 'quarter')).totals.played).toBe(
      (await doc(WARD_A, '2026-11', jan5)).totals.played + 1,
    );
    const year = await doc(WARD_A, '2026', jan5, 'year');
    expect([year.from, year.to, year.dueBy]).toEqual([
      '2026-01-01T00:00:00+07:00',
      '2027-01-01T00:00:00+07:00',
      '2027-01-14',
    ]);
    expect(year.$schema).toBe(PERIODIC_REPORT_SCHEMA_ID);
  });

  it('refuses a bad period, a period of another kind, a period not begun, and an area that makes no report, by name', async () => {
    const code = async (p: Promise<unknown>) => {
      const e = await p.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LocalizedError);
      return (e as LocalizedError).msg?.code;
    };
    expect(await code(doc(WARD_A, '2026-13'))).toBe('report.bad-period');
    expect(await code(doc(WARD_A, '2026-Q4'))).toBe('periodic-report.kind-mismatch');
    expect(await code(doc(WARD_A, '2027-02'))).toBe('periodic-report.not-started');
    expect(await code(doc('ha-noi'))).toBe('periodic-report.area-level');
    expect(await code(doc('ha-noi/nowhere'))).toBe('area.not-found');
  });
});

describe('on a varied database', () => {
  it('every ward’s row equals the coverage report of that ward', async () => {
    const big = openDatabase(':memory:');
    const from = Date.parse('2026-10-01T00:00:00+07:00');
    const now = Date.parse('2026-11-03T08:00:00+07:00');
    seedCoverageDb(big, { from, days: 31, devices: 23, wards: 3, now, seed: 7 });
    const d = await buildReportDocument(big, { areaPath: BIG_DISTRICT, kind: 'month', period: '2026-10' }, now, GRACE);
    const p = parsePeriod('2026-10');
    for (let i = 0; i < 3; i++) {
      const s = coverageSummary(
        big,
        coverageScope(big, { areaPath: wardPath(i), from: p.from, to: p.to, graceMs: GRACE, now }),
      );
      const row = d.byWard.find((x) => x.areaPath === wardPath(i))!;
      const { areaPath: _a, areaName: _n, devices: _d, bulletins: _b, ...counts } = row;
      expect(counts).toEqual(occurrences(s.totals));
    }
    expect(d.totals.scheduled).toBeGreaterThan(500);
    big.close();
  });
});
