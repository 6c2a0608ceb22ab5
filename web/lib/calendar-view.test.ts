import { describe, expect, it } from 'vitest';
import { shift, stepLabel, viewDays, viewTitle } from './calendar-view.ts';
import { vnDate, vnInstant } from './time.ts';

const at = (d: string, t = '10:00') => vnInstant(d, t);
const dates = (ms: number[]) => ms.map(vnDate);

describe('calendar views: day, week, month in Vietnam time', () => {
  it('a day is its own Vietnam date, even late in the evening (UTC is already the next day… or not)', () => {
    expect(dates(viewDays('day', at('2026-11-30', '23:30')))).toEqual(['2026-11-30']);
    expect(dates(viewDays('day', at('2026-12-01', '00:10')))).toEqual(['2026-12-01']);
    expect(viewTitle('day', at('2026-11-30'), 'vi')).toBe('Thứ Hai, 30/11/2026');
    expect(viewTitle('day', at('2026-12-06'), 'vi')).toBe('Chủ Nhật, 06/12/2026');
    expect(viewTitle('day', at('2026-11-30'), 'en')).toBe('Monday 30 Nov 2026');
  });
  it('a week runs Monday to Sunday', () => {
    expect(dates(viewDays('week', at('2026-12-03')))).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
    expect(viewTitle('week', at('2026-12-03'), 'vi')).toBe('30/11 – 06/12/2026');
  });
  it('a month shows whole weeks around it, and the arrows cross the year', () => {
    const nov = viewDays('month', at('2026-11-17'));
    expect(nov.length % 7).toBe(0);
    expect(vnDate(nov[0])).toBe('2026-10-26'); // the Monday before 1 November (a Sunday)
    expect(vnDate(nov[nov.length - 1])).toBe('2026-12-06');
    expect(viewTitle('month', at('2026-11-17'), 'vi')).toBe('Tháng 11/2026');
    expect(viewTitle('month', at('2026-11-17'), 'en')).toBe('November 2026');
    expect(vnDate(shift('month', at('2026-12-31'), 1))).toBe('2027-01-01');
    expect(vnDate(shift('month', at('2027-01-31'), -1))).toBe('2026-12-01');
    expect(vnDate(shift('week', at('2026-12-31'), 1))).toBe('2027-01-04');
    expect(vnDate(shift('day', at('2026-12-31', '23:59'), 1))).toBe('2027-01-01');
    expect(viewDays('month', at('2027-02-10')).length).toBeLessThanOrEqual(42);
  });
  it('names its arrows', () => {
    expect(stepLabel('week', -1, 'vi')).toBe('Tuần trước');
    expect(stepLabel('month', 1, 'vi')).toBe('Tháng sau');
    expect(stepLabel('day', 1, 'en')).toBe('Next day');
  });
});
