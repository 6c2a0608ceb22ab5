// Occurrences of a broadcast. A recurring broadcast is an iCalendar snippet (one DTSTART, one or
// more RRULE lines, optional EXDATE) in Vietnam wall time; rrule expands it. "06:00 and 17:30 every
// day this week" is one DTSTART at midnight and two daily rules with BYHOUR/BYMINUTE.
import rrulePkg from 'rrule';
import { VN_OFFSET_MS } from '../time.ts';
import { LocalizedError, msg } from '../text/index.ts';
import {
  lunarRecurrenceOf,
  lunarRecurrenceProblem,
  lunarRecurrenceText,
  withoutLunarLine,
} from '../schedule/lunar-recurrence.ts';

const { rrulestr } = rrulePkg as unknown as {
  rrulestr: (
    s: string,
    o: object,
  ) => { between(a: Date, b: Date, inc: boolean): Date[]; all(it?: (d: Date, i: number) => boolean): Date[] };
};

export const MAX_OCCURRENCES = 2000;

function parseSet(rule: string) {
  // A lunar recurrence (schedule/lunar-recurrence.ts) is its RDATEs; its rule line is for the hub.
  const lunar = lunarRecurrenceOf(rule) !== null;
  // Times are floating (Vietnam wall time); a TZID naming Vietnam is accepted and dropped.
  const text = withoutLunarLine(rule)
    .replace(/;TZID=Asia\/(Ho_Chi_Minh|Saigon)/g, '')
    .trim();
  if (/TZID=/.test(text)) throw new LocalizedError(msg('rrule.other-tzid'));
  if (!/^DTSTART[:;]/m.test(text)) throw new LocalizedError(msg('rrule.needs-dtstart'));
  if (!lunar && !/^RRULE:/m.test(text)) throw new LocalizedError(msg('rrule.needs-rrule'));
  if (/^DTSTART.*Z$/m.test(text)) throw new LocalizedError(msg('rrule.dtstart-utc'));
  try {
    return rrulestr(text, { forceset: true });
  } catch (e) {
    throw new LocalizedError(msg('rrule.invalid', { detail: (e as Error).message }));
  }
}

/** Validates a rule and checks it is bounded (COUNT or UNTIL) so it cannot schedule forever. */
export function validateRecurrence(rule: string): { first: number; count: number } {
  const lunar = lunarRecurrenceOf(rule);
  if (lunar) {
    // Bounded by its years; its dates must be the ones its rule gives (not edited by hand).
    const problem = lunarRecurrenceProblem(lunar);
    if (problem) throw new LocalizedError(problem);
    if (rule.trim() !== lunarRecurrenceText(lunar)) throw new LocalizedError(msg('lunar.dates-edited'));
  }
  const set = parseSet(rule);
  if (!lunar && !/(COUNT|UNTIL)=/.test(rule)) throw new LocalizedError(msg('rrule.unbounded'));
  const all = set.all((_d, i) => i < MAX_OCCURRENCES + 1);
  if (all.length === 0) throw new LocalizedError(msg('rrule.empty'));
  if (all.length > MAX_OCCURRENCES) throw new LocalizedError(msg('rrule.too-many', { max: MAX_OCCURRENCES }));
  return { first: all[0].getTime() - VN_OFFSET_MS, count: all.length };
}

/** Start times (epoch ms) of a broadcast within [from, to). */
export function occurrencesBetween(
  b: { startsAt: number | null; rrule: string | null },
  from: number,
  to: number,
): number[] {
  if (!b.rrule) return b.startsAt !== null && b.startsAt >= from && b.startsAt < to ? [b.startsAt] : [];
  const set = parseSet(b.rrule);
  return set
    .between(new Date(from + VN_OFFSET_MS), new Date(to + VN_OFFSET_MS), true)
    .map((d) => d.getTime() - VN_OFFSET_MS)
    .filter((t) => t >= from && t < to);
}

export const occurrenceId = (broadcastId: string, startAt: number) => `${broadcastId}@${startAt}`;
