// The calendar of anniversaries and holidays (ngày lễ, kỷ niệm) a ward marks with bulletins: national
// days (area NULL, seeded by migration 22) and a district's own, each on a solar date or a lunar one.
// "Upcoming" turns each into its next civil dates in Vietnam, by the hub's clock.
import type { Db } from '../db/database.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { jdnOf, LUNAR_YEARS, lunarToSolar, solarOfJdn, type SolarDate } from './lunar.ts';

export type CalendarKind = 'solar' | 'lunar';

export interface Anniversary {
  id: number;
  name: string;
  nameEn: string;
  calendar: CalendarKind;
  month: number;
  day: number;
  /** null: a national day */
  areaPath: string | null;
  note: string;
}

export interface UpcomingAnniversary extends Anniversary {
  /** dd/mm/yyyy in Vietnam */
  date: string;
  /** yyyy-mm-dd, for sorting and links */
  isoDate: string;
  daysAway: number;
  /** How the date is written: "30/4" or "10/3 âm lịch". */
  label: string;
}

interface Row {
  id: number;
  name: string;
  name_en: string;
  calendar: CalendarKind;
  month: number;
  day: number;
  area_path: string | null;
  note: string;
}
const toAnniversary = (r: Row): Anniversary => ({
  id: r.id,
  name: r.name,
  nameEn: r.name_en,
  calendar: r.calendar,
  month: r.month,
  day: r.day,
  areaPath: r.area_path,
  note: r.note,
});

export function listAnniversaries(db: Db): Anniversary[] {
  return (db.prepare('SELECT * FROM anniversaries ORDER BY calendar DESC, month, day, id').all() as Row[]).map(
    toAnniversary,
  );
}

export function getAnniversary(db: Db, id: number): Anniversary | undefined {
  const r = db.prepare('SELECT * FROM anniversaries WHERE id = ?').get(id) as Row | undefined;
  return r && toAnniversary(r);
}

const SOLAR_MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Refuses a month or day no calendar has (13, 31/4, 31 lunar), naming it. */
export function checkCalendarDate(calendar: CalendarKind, month: number, day: number): void {
  if (!Number.isInteger(month) || month < 1 || month > 12)
    throw new LocalizedError(msg('calendar.bad-month', { month }));
  if (calendar === 'lunar') {
    if (!Number.isInteger(day) || day < 1 || day > 30) throw new LocalizedError(msg('calendar.bad-lunar-day', { day }));
  } else if (!Number.isInteger(day) || day < 1 || day > SOLAR_MONTH_DAYS[month - 1])
    throw new LocalizedError(msg('calendar.bad-solar-day', { day, month }));
}

export function addAnniversary(
  db: Db,
  input: {
    name: string;
    nameEn?: string;
    calendar: CalendarKind;
    month: number;
    day: number;
    areaPath: string | null;
    note?: string;
  },
  userId: number | null,
  now: number,
): Anniversary {
  checkCalendarDate(input.calendar, input.month, input.day);
  const info = db
    .prepare(
      `INSERT INTO anniversaries (name, name_en, calendar, month, day, area_path, note, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.name,
      input.nameEn ?? '',
      input.calendar,
      input.month,
      input.day,
      input.areaPath,
      input.note ?? '',
      userId,
      now,
    );
  return getAnniversary(db, Number(info.lastInsertRowid))!;
}

export function deleteAnniversary(db: Db, id: number): void {
  db.prepare('DELETE FROM anniversaries WHERE id = ?').run(id);
}

/** Today's civil date in Vietnam at instant `now`. */
export function vnToday(now: number): SolarDate {
  const t = new Date(now + VN_OFFSET_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export const ddmmyyyy = (d: SolarDate) =>
  `${String(d.day).padStart(2, '0')}/${String(d.month).padStart(2, '0')}/${d.year}`;
const isoOf = (d: SolarDate) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/**
 * The civil date of lunar day/month in lunar year `y`. A 30th in a 29-day month is kept on the 29th
 * (the month's last day), as families keep a giỗ; the leap repeat of a month is not an anniversary.
 */
export function lunarAnniversaryDate(y: number, month: number, day: number): SolarDate {
  return (
    lunarToSolar({ year: y, month, day, leap: false }) ?? lunarToSolar({ year: y, month, day: day - 1, leap: false })!
  );
}

/** The civil dates of an anniversary from `from` to `until` (inclusive, Julian day numbers). */
export function anniversaryDates(
  a: Pick<Anniversary, 'calendar' | 'month' | 'day'>,
  from: number,
  until: number,
): SolarDate[] {
  const out: SolarDate[] = [];
  const y0 = solarOfJdn(from).year;
  const y1 = solarOfJdn(until).year;
  // A lunar year starts in January or February, so its month 12 may fall in the next solar year.
  for (let y = a.calendar === 'lunar' ? y0 - 1 : y0; y <= y1; y++) {
    let d: SolarDate | null;
    if (a.calendar === 'solar') {
      d = { year: y, month: a.month, day: a.day };
      if (solarOfJdn(jdnOf(d)).day !== a.day) d = null; // 29/2 outside a leap year
    } else {
      if (y < LUNAR_YEARS.first || y > LUNAR_YEARS.last)
        throw new LocalizedError(msg('calendar.lunar-range', { year: y }));
      d = lunarAnniversaryDate(y, a.month, a.day);
    }
    if (d && jdnOf(d) >= from && jdnOf(d) <= until) out.push(d);
  }
  return out;
}

export const dateLabel = (a: Pick<Anniversary, 'calendar' | 'month' | 'day'>) =>
  `${a.day}/${a.month}${a.calendar === 'lunar' ? ' âm lịch' : ''}`;

/** The anniversaries falling from today (Vietnam) to `days` days on, soonest first. */
export function upcomingAnniversaries(list: Anniversary[], now: number, days: number): UpcomingAnniversary[] {
  const today = jdnOf(vnToday(now));
  return anniversariesBetween(list, today, today + days - 1, now);
}

/** The anniversaries falling from `from` to `until` (Julian day numbers, inclusive), soonest first. */
export function anniversariesBetween(
  list: Anniversary[],
  from: number,
  until: number,
  now: number,
): UpcomingAnniversary[] {
  const today = jdnOf(vnToday(now));
  const out: UpcomingAnniversary[] = [];
  for (const a of list) {
    for (const d of anniversaryDates(a, from, until))
      out.push({ ...a, date: ddmmyyyy(d), isoDate: isoOf(d), daysAway: jdnOf(d) - today, label: dateLabel(a) });
  }
  return out.sort((x, y) => x.daysAway - y.daysAway || x.id - y.id);
}

/** "2026-04-26" → its Julian day number, or null when it is not a date. */
export function jdnOfIso(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = { year: +m[1], month: +m[2], day: +m[3] };
  const back = solarOfJdn(jdnOf(d));
  return back.month === d.month && back.day === d.day ? jdnOf(d) : null;
}

/** The civil dates of lunar day/month in each lunar year from `fromYear` to `untilYear`. */
export function lunarDatesOf(month: number, day: number, fromYear: number, untilYear: number) {
  const out: { lunarYear: number; date: string; isoDate: string; shifted: boolean }[] = [];
  for (let y = fromYear; y <= untilYear; y++) {
    const d = lunarAnniversaryDate(y, month, day);
    out.push({
      lunarYear: y,
      date: ddmmyyyy(d),
      isoDate: isoOf(d),
      shifted: !lunarToSolar({ year: y, month, day, leap: false }),
    });
  }
  return out;
}
