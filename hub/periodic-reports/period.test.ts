// Reporting periods are Vietnamese calendar months, quarters and years, each due by the 14th of the
// month after it ("trước ngày 15"); anything else is refused by name, in both languages.
import { describe, expect, it } from 'vitest';
import type { LocalizedError } from '../text/index.ts';
import { daysUntil, nextPeriod, parsePeriod, periodAt, previousPeriod } from './period.ts';

const vn = (s: string) => Date.parse(`${s}+07:00`);

describe('periods', () => {
  it('a month, a quarter and a year: bounds in Vietnam and the due day', () => {
    expect(parsePeriod('2026-11')).toEqual({
      kind: 'month',
      period: '2026-11',
      from: vn('2026-11-01T00:00:00'),
      to: vn('2026-12-01T00:00:00'),
      dueBy: '2026-12-14',
    });
    expect(parsePeriod('2026-12')).toMatchObject({ to: vn('2027-01-01T00:00:00'), dueBy: '2027-01-14' });
    expect(parsePeriod('2026-Q4')).toMatchObject({
      kind: 'quarter',
      from: vn('2026-10-01T00:00:00'),
      to: vn('2027-01-01T00:00:00'),
      dueBy: '2027-01-14',
    });
    expect(parsePeriod('2026-Q1', 'quarter')).toMatchObject({ to: vn('2026-04-01T00:00:00'), dueBy: '2026-04-14' });
    expect(parsePeriod(' 2026 ', 'year')).toMatchObject({
      period: '2026',
      from: vn('2026-01-01T00:00:00'),
      dueBy: '2027-01-14',
    });
  });

  it('an instant belongs to the period of its Vietnamese date: 23:30 on 31/12 is still December', () => {
    const lastHalfHour = vn('2026-12-31T23:30:00'); // 16:30 UTC
    expect(periodAt('month', lastHalfHour).period).toBe('2026-12');
    expect(periodAt('quarter', lastHalfHour).period).toBe('2026-Q4');
    expect(periodAt('year', lastHalfHour).period).toBe('2026');
    const newYear = vn('2027-01-01T00:00:00'); // 17:00 UTC on the 31st
    expect([periodAt('month', newYear).period, periodAt('quarter', newYear).period]).toEqual(['2027-01', '2027-Q1']);
    expect(previousPeriod(parsePeriod('2027-01')).period).toBe('2026-12');
    expect(nextPeriod(parsePeriod('2026-Q4')).period).toBe('2027-Q1');
    expect(previousPeriod(parsePeriod('2027')).period).toBe('2026');
  });

  it('refuses what is not a period, and a period of another kind, naming it in Vietnamese and English', () => {
    for (const bad of ['2026-13', '2026-00', '2026-Q5', '2026-Q0', 'tháng 11', '', '26-11', '2026-1', '1999'])
      try {
        parsePeriod(bad);
        expect.unreachable(bad);
      } catch (e) {
        expect((e as LocalizedError).msg).toMatchObject({ code: 'report.bad-period' });
        expect((e as LocalizedError).msg?.vi).toContain('không hợp lệ');
      }
    expect(() => parsePeriod('2026-Q4', 'month')).toThrow(/not a month/);
    const refusal = (() => {
      try {
        parsePeriod('2026', 'quarter');
      } catch (e) {
        return e as LocalizedError;
      }
    })();
    expect(refusal?.msg?.vi).toContain('kỳ quý');
  });

  it('days left to the due day by the Vietnamese date: 0 on the day, negative after', () => {
    expect(daysUntil('2026-12-14', vn('2026-12-01T00:00:00'))).toBe(13);
    expect(daysUntil('2026-12-14', vn('2026-12-14T23:59:00'))).toBe(0);
    expect(daysUntil('2026-12-14', vn('2026-12-15T00:00:00'))).toBe(-1);
    expect(daysUntil('2027-01-14', vn('2026-12-31T23:30:00'))).toBe(14);
  });
});
