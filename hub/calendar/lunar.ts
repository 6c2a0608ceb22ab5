// Vietnam's lunar calendar (âm lịch). It is the Chinese calendar's rules reckoned at UTC+7 (Hồ Ngọc
// Đức's algorithm): a month starts on the day of the new moon in Vietnam, month 11 holds the winter
// solstice, and a year with 13 months between two months 11 repeats the first month that holds no
// major solar term. The astronomy (moment of each new moon and solar term) comes from
// lunar-javascript's ShouXing code; the package's own calendar is China's (UTC+8), which starts Tết
// on another day in some years (1985, 2007), so its Lunar/Solar classes are not used. docs/calendar.md.
import { ShouXingUtil } from 'lunar-javascript';

const J2000 = 2451545; // Julian day number of 2000-01-01
const BEIJING_TO_VN_DAYS = 1 / 24; // ShouXing times are UTC+8; Vietnam is UTC+7
const SYNODIC = 29.530588853;
/** Vietnam has reckoned its calendar at UTC+7 since 1968; before that it followed UTC+8. */
export const LUNAR_YEARS = { first: 1968, last: 2100 } as const;

export interface LunarDate {
  year: number;
  month: number;
  day: number;
  leap: boolean;
}
/** A civil date (proleptic Gregorian), as read on a Vietnamese wall calendar. */
export interface SolarDate {
  year: number;
  month: number;
  day: number;
}

export class LunarRangeError extends Error {}

/** Julian day number of a civil date (days since 4713 BC, integer at local noon). */
export function jdnOf(d: SolarDate): number {
  return Math.floor(Date.UTC(d.year, d.month - 1, d.day) / 86_400_000) + 2440588;
}
export function solarOfJdn(jdn: number): SolarDate {
  const t = new Date((jdn - 2440588) * 86_400_000);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** The Vietnam day on which an instant given in ShouXing days (Beijing time, from J2000 noon) falls. */
const vnDay = (shouXingDays: number) => J2000 + Math.floor(shouXingDays - BEIJING_TO_VN_DAYS + 0.5);

/** Day of the k-th new moon counted from the one of 2000-01-06. */
const newMoonDay = (k: number) => vnDay(ShouXingUtil.shuoHigh(k * 2 * Math.PI));
/** Day of the n-th major solar term (longitude a multiple of 30°) counted from the 1999 March equinox. */
const majorTermDay = (n: number) => vnDay(ShouXingUtil.qiHigh((n * Math.PI) / 6));

/** The first day of the lunar month holding `jdn`. */
function monthStartOn(jdn: number): { k: number; start: number } {
  let k = Math.floor((jdn - newMoonDay(0)) / SYNODIC);
  while (newMoonDay(k + 1) <= jdn) k++;
  while (newMoonDay(k) > jdn) k--;
  return { k, start: newMoonDay(k) };
}

/** The new-moon index of month 11 of the lunar year ending in solar year `y` (it holds the solstice). */
function month11(y: number): number {
  const solstice = majorTermDay(9 + 12 * (y - 1999));
  return monthStartOn(solstice).k;
}

interface LunarMonth {
  month: number;
  leap: boolean;
  start: number;
  days: number;
}
const yearCache = new Map<number, LunarMonth[]>();

/**
 * The months from month 11 of lunar year `y - 1` to month 10 of lunar year `y` (12 or 13 of them),
 * with the leap month found by Vietnam's rule.
 */
function monthsFrom11(y: number): LunarMonth[] {
  const hit = yearCache.get(y);
  if (hit) return hit;
  const a = month11(y - 1);
  const b = month11(y);
  const starts = Array.from({ length: b - a + 1 }, (_, i) => newMoonDay(a + i));
  let leapAt = -1;
  if (b - a === 13) {
    // Major terms from a year before month 11 to after the next: find the first month holding none.
    const first = 9 + 12 * (y - 2000);
    const terms = Array.from({ length: 16 }, (_, i) => majorTermDay(first + i));
    for (let i = 1; i < 13 && leapAt < 0; i++) {
      if (!terms.some((t) => t >= starts[i] && t < starts[i + 1])) leapAt = i;
    }
  }
  const months: LunarMonth[] = [];
  let label = 11;
  for (let i = 0; i < b - a; i++) {
    const leap = i === leapAt;
    if (i > 0 && !leap) label = (label % 12) + 1;
    months.push({ month: label, leap, start: starts[i], days: starts[i + 1] - starts[i] });
  }
  yearCache.set(y, months);
  return months;
}

function checkYear(y: number, what: string) {
  if (!Number.isInteger(y) || y < LUNAR_YEARS.first || y > LUNAR_YEARS.last)
    throw new LunarRangeError(
      `${what} year ${y} is outside ${LUNAR_YEARS.first}–${LUNAR_YEARS.last}, the years this calendar reckons at UTC+7`,
    );
}

/** The lunar date of a civil date in Vietnam. */
export function solarToLunar(d: SolarDate): LunarDate {
  checkYear(d.year, 'solar');
  const jdn = jdnOf(d);
  // Months 11 and 12 belong to the lunar year that began the solar year before.
  for (const y of [d.year + 1, d.year]) {
    const months = monthsFrom11(y);
    if (jdn < months[0].start) continue;
    const m = months.find((m) => jdn < m.start + m.days);
    if (!m) continue;
    return {
      year: m.month >= 11 && months.indexOf(m) < 3 ? y - 1 : y,
      month: m.month,
      day: jdn - m.start + 1,
      leap: m.leap,
    };
  }
  throw new Error(`no lunar month holds ${d.year}-${d.month}-${d.day}`); // unreachable: the two spans are contiguous
}

/** The months of lunar year `y` in order (1..12, a leap month after its namesake), with their lengths. */
export function lunarYearMonths(y: number): LunarMonth[] {
  const before = monthsFrom11(y).filter((m, i) => !(m.month >= 11 && i < 3));
  const after = monthsFrom11(y + 1).filter((m, i) => m.month >= 11 && i < 3);
  return [...before, ...after];
}

/** The civil date of a lunar date, or null when that day does not exist (a 30th of a 29-day month, a leap month that year lacks). */
export function lunarToSolar(l: LunarDate): SolarDate | null {
  checkYear(l.year, 'lunar');
  if (!Number.isInteger(l.month) || l.month < 1 || l.month > 12)
    throw new RangeError(`lunar month ${l.month} is not 1–12`);
  if (!Number.isInteger(l.day) || l.day < 1 || l.day > 30) throw new RangeError(`lunar day ${l.day} is not 1–30`);
  const m = lunarYearMonths(l.year).find((m) => m.month === l.month && m.leap === l.leap);
  if (!m || l.day > m.days) return null;
  return solarOfJdn(m.start + l.day - 1);
}

/** The leap month of lunar year `y` (e.g. 4 for 2020), or null. */
export function leapMonthOf(y: number): number | null {
  checkYear(y, 'lunar');
  return lunarYearMonths(y).find((m) => m.leap)?.month ?? null;
}
