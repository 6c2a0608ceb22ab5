// Conversions checked against published Vietnamese dates (lịch âm Việt Nam, Hồ Ngọc Đức's tables);
// the list is in docs/calendar.md.
import { describe, expect, it } from 'vitest';
import { Lunar } from 'lunar-javascript';
import { leapMonthOf, LunarRangeError, lunarToSolar, solarToLunar } from './lunar.ts';

const iso = (d: { year: number; month: number; day: number } | null) =>
  d && `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
const solar = (s: string) => {
  const [year, month, day] = s.split('-').map(Number);
  return { year, month, day };
};

describe('Vietnamese lunar calendar', () => {
  it.each([
    [2020, '2020-01-25'],
    [2021, '2021-02-12'],
    [2022, '2022-02-01'],
    [2023, '2023-01-22'],
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [1985, '1985-01-21'], // China: 1985-02-20
    [2007, '2007-02-17'], // China: 2007-02-18
  ])('Tết Nguyên Đán %i is on %s, both ways', (year, date) => {
    expect(iso(lunarToSolar({ year, month: 1, day: 1, leap: false }))).toBe(date);
    expect(solarToLunar(solar(date))).toEqual({ year, month: 1, day: 1, leap: false });
  });

  it('the day before Tết is the last day of month 12 of the year before', () => {
    expect(solarToLunar(solar('2025-01-28'))).toEqual({ year: 2024, month: 12, day: 29, leap: false });
    expect(solarToLunar(solar('2026-02-16'))).toMatchObject({ year: 2025, month: 12, leap: false });
  });

  it.each([
    [2023, '2023-04-29'],
    [2024, '2024-04-18'],
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
  ])('Giỗ Tổ Hùng Vương (10/3) %i is on %s', (year, date) => {
    expect(iso(lunarToSolar({ year, month: 3, day: 10, leap: false }))).toBe(date);
  });

  it.each([
    [2020, 4, '2020-05-23'],
    [2023, 2, '2023-03-22'],
    [2025, 6, '2025-07-25'],
  ])('%i has leap month %i, starting %s', (year, month, date) => {
    expect(leapMonthOf(year)).toBe(month);
    expect(iso(lunarToSolar({ year, month, day: 1, leap: true }))).toBe(date);
    expect(solarToLunar(solar(date))).toEqual({ year, month, day: 1, leap: true });
  });

  it('years without a leap month say so, and a leap date they lack is null', () => {
    expect(leapMonthOf(2024)).toBeNull();
    expect(leapMonthOf(2026)).toBeNull();
    expect(lunarToSolar({ year: 2024, month: 4, day: 1, leap: true })).toBeNull();
  });

  it('Vu Lan (15/7) and Rằm tháng Giêng (15/1)', () => {
    expect(iso(lunarToSolar({ year: 2024, month: 7, day: 15, leap: false }))).toBe('2024-08-18');
    expect(iso(lunarToSolar({ year: 2025, month: 1, day: 15, leap: false }))).toBe('2025-02-12');
  });

  it('round-trips every day from 2019 to 2031', () => {
    for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2031, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      const s = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      expect(lunarToSolar(solarToLunar(s))).toEqual(s);
    }
  });

  it('differs from the Chinese calendar (UTC+8) of the same package where it should', () => {
    expect(Lunar.fromYmd(1985, 1, 1).getSolar().toYmd()).toBe('1985-02-20');
    expect(Lunar.fromYmd(2007, 1, 1).getSolar().toYmd()).toBe('2007-02-18');
    expect(Lunar.fromYmd(2024, 1, 1).getSolar().toYmd()).toBe('2024-02-10'); // most years agree
  });

  it('refuses what it cannot answer, naming it', () => {
    expect(() => lunarToSolar({ year: 2025, month: 13, day: 1, leap: false })).toThrow(/month 13/);
    expect(() => lunarToSolar({ year: 2025, month: 1, day: 31, leap: false })).toThrow(/day 31/);
    expect(() => solarToLunar(solar('1950-01-01'))).toThrow(LunarRangeError);
  });
});
