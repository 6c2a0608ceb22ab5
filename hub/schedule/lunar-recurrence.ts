// A bulletin every year on a lunar date ("06:30 on 10/3 âm lịch, 2027 to 2031"). RRULE cannot say
// that, so the hub writes it as an iCalendar snippet the rest of the schedule already reads: one
// RDATE per year (the civil dates of that lunar day), after an X-WARDCAST-LUNAR line that keeps
// the rule itself. Manifests, clashes, quiet hours and reports expand it like any recurrence
// (hub/broadcasts/recurrence.ts), and the line lets the hub check the dates still match the rule.
import { LUNAR_YEARS } from '../calendar/lunar.ts';
import { lunarAnniversaryDate } from '../calendar/anniversaries.ts';
import { msg, type Message } from '../text/index.ts';

export interface LunarRecurrence {
  /** lunar month 1–12 (the regular month, not its leap repeat) */
  month: number;
  /** lunar day 1–30; a 30th in a 29-day month airs on the 29th */
  day: number;
  /** HH:mm, Vietnam time */
  time: string;
  /** first and last lunar year */
  fromYear: number;
  untilYear: number;
}

export const LUNAR_LINE = 'X-WARDCAST-LUNAR';
export const MAX_LUNAR_YEARS = 20;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** What is wrong with a lunar recurrence, or null. */
export function lunarRecurrenceProblem(r: LunarRecurrence): Message | null {
  if (!Number.isInteger(r.month) || r.month < 1 || r.month > 12) return msg('calendar.bad-month', { month: r.month });
  if (!Number.isInteger(r.day) || r.day < 1 || r.day > 30) return msg('calendar.bad-lunar-day', { day: r.day });
  if (!TIME.test(r.time)) return msg('lunar.bad-time', { text: r.time });
  if (
    !Number.isInteger(r.fromYear) ||
    !Number.isInteger(r.untilYear) ||
    r.fromYear < LUNAR_YEARS.first ||
    r.untilYear > LUNAR_YEARS.last ||
    r.untilYear < r.fromYear ||
    r.untilYear - r.fromYear >= MAX_LUNAR_YEARS
  )
    return msg('lunar.bad-years', { from: r.fromYear, until: r.untilYear });
  return null;
}

const two = (n: number) => String(n).padStart(2, '0');

/** The iCalendar snippet of a valid lunar recurrence (Vietnam wall time, as every rule here). */
export function lunarRecurrenceText(r: LunarRecurrence): string {
  const hhmm = r.time.replace(':', '');
  const dates: string[] = [];
  for (let y = r.fromYear; y <= r.untilYear; y++) {
    const d = lunarAnniversaryDate(y, r.month, r.day);
    dates.push(`${d.year}${two(d.month)}${two(d.day)}T${hhmm}00`);
  }
  return [
    `${LUNAR_LINE}:MONTH=${r.month};DAY=${r.day};TIME=${hhmm};FROM=${r.fromYear};UNTIL=${r.untilYear}`,
    `DTSTART:${dates[0]}`,
    `RDATE:${dates.join(',')}`,
  ].join('\n');
}

/** The lunar rule a snippet carries, or null when it is an ordinary RRULE. */
export function lunarRecurrenceOf(rule: string): LunarRecurrence | null {
  const line = rule.split(/\r?\n/).find((l) => l.startsWith(`${LUNAR_LINE}:`));
  if (!line) return null;
  const f = Object.fromEntries(
    line
      .slice(LUNAR_LINE.length + 1)
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  const time = /^\d{4}$/.test(f.TIME ?? '') ? `${f.TIME.slice(0, 2)}:${f.TIME.slice(2)}` : String(f.TIME);
  return { month: Number(f.MONTH), day: Number(f.DAY), time, fromYear: Number(f.FROM), untilYear: Number(f.UNTIL) };
}

/** The snippet without its lunar line: what the iCalendar reader expands. */
export const withoutLunarLine = (rule: string) =>
  rule
    .split(/\r?\n/)
    .filter((l) => !l.startsWith(`${LUNAR_LINE}:`))
    .join('\n');
