// How the exports write periods, days, times and durations: Vietnam time, dd/mm/yyyy, 24-hour.
import { describe, expect, it } from 'vitest';
import { durationVi, percentOf, periodDays, periodTitle, vnDate, vnDateTime, vnParts } from './report-format.ts';

describe('periodic report formats', () => {
  it('titles a month, a quarter (in Roman numerals) and a year, and refuses a period of the wrong kind', () => {
    expect(periodTitle('month', '2026-11')).toEqual({ vi: 'THÁNG 11/2026', en: 'Monthly report, November 2026' });
    expect(periodTitle('quarter', '2026-Q4')).toEqual({ vi: 'QUÝ IV/2026', en: 'Quarterly report, Q4 2026' });
    expect(periodTitle('quarter', '2027-Q1').vi).toBe('QUÝ I/2027');
    expect(periodTitle('year', '2026')).toEqual({ vi: 'NĂM 2026', en: 'Yearly report, 2026' });
    expect(() => periodTitle('month', '2026-Q4')).toThrow('period "2026-Q4" is not a month');
  });

  it('reads instants in Vietnam time, whatever offset they are written with', () => {
    // 17:00 UTC on the 31st is midnight on the 1st in Vietnam.
    expect(vnParts('2026-12-31T17:00:00.000Z')).toEqual({
      date: '01/01/2027',
      time: '00:00:00',
      iso: '2027-01-01T00:00:00',
    });
    expect(vnParts('2026-11-30T23:59:05+07:00').date).toBe('30/11/2026');
    expect(vnDateTime('2026-11-18T07:42:05Z')).toBe('18/11/2026 14:42');
    expect(vnDate('2026-12-14')).toBe('14/12/2026');
    expect(() => vnParts('18/11/2026')).toThrow();
  });

  it('gives a period’s first and last day in Vietnam, the end being the first instant after it', () => {
    expect(periodDays('2026-09-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z')).toEqual({
      first: '2026-10-01',
      last: '2026-12-31',
    });
    expect(periodDays('2028-01-31T17:00:00Z', '2028-02-29T17:00:00Z')).toEqual({
      first: '2028-02-01',
      last: '2028-02-29',
    });
  });

  it('says durations as people do, and floors shares so none is overstated', () => {
    expect(durationVi(135)).toBe('2 phút 15 giây');
    expect(durationVi(41)).toBe('41 giây');
    expect(durationVi(120)).toBe('2 phút 0 giây');
    expect(durationVi(3605.4)).toBe('1 giờ 0 phút 5 giây');
    expect(percentOf(0.9996)).toBe(99.9);
    expect(percentOf(0.29)).toBe(29);
    expect(percentOf(1)).toBe(100);
  });
});
