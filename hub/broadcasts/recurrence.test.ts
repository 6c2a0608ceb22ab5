// Recurrence is written in Vietnam wall time and expanded to instants.
import { describe, expect, it } from 'vitest';
import { occurrencesBetween, validateRecurrence } from './recurrence.ts';
import { parseVnDateTime, formatVn } from '../time.ts';

const week =
  'DTSTART:20261124T000000\nRRULE:FREQ=DAILY;COUNT=7;BYHOUR=6;BYMINUTE=0;BYSECOND=0\nRRULE:FREQ=DAILY;COUNT=7;BYHOUR=17;BYMINUTE=30;BYSECOND=0';

describe('recurrence', () => {
  it('expands "06:00 and 17:30 every day this week" to 14 instants in Asia/Ho_Chi_Minh', () => {
    const all = occurrencesBetween({ startsAt: null, rrule: week }, Date.parse('2026-11-01'), Date.parse('2026-12-31'));
    expect(all).toHaveLength(14);
    expect(formatVn(all[0])).toBe('2026-11-24T06:00:00+07:00');
    expect(new Date(all[0]).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    expect(formatVn(all[13])).toBe('2026-11-30T17:30:00+07:00');
  });

  it('returns only the occurrences inside the window', () => {
    const from = parseVnDateTime('2026-11-25T12:00');
    const to = parseVnDateTime('2026-11-26T12:00');
    expect(occurrencesBetween({ startsAt: null, rrule: week }, from, to).map(formatVn)).toEqual([
      '2026-11-25T17:30:00+07:00',
      '2026-11-26T06:00:00+07:00',
    ]);
  });

  it('rejects rules that never end, have no DTSTART, or are not iCalendar', () => {
    expect(() => validateRecurrence('DTSTART:20261124T060000\nRRULE:FREQ=DAILY')).toThrow(/COUNT or UNTIL/);
    expect(() => validateRecurrence('RRULE:FREQ=DAILY;COUNT=2')).toThrow(/DTSTART/);
    expect(() => validateRecurrence('DTSTART:20261124T060000\nRRULE:FREQ=SOMETIMES;COUNT=2')).toThrow(
      /not valid iCalendar/,
    );
    expect(() => validateRecurrence('DTSTART;TZID=Europe/Paris:20261124T060000\nRRULE:FREQ=DAILY;COUNT=2')).toThrow(
      /Asia\/Ho_Chi_Minh/,
    );
  });

  it('parses times without an offset as Vietnam time and keeps explicit offsets', () => {
    expect(parseVnDateTime('2026-11-24T06:00')).toBe(Date.parse('2026-11-23T23:00:00Z'));
    expect(parseVnDateTime('2026-11-24T06:00:00Z')).toBe(Date.parse('2026-11-24T06:00:00Z'));
    expect(parseVnDateTime('2026-11-24T06:00:00+09:00')).toBe(Date.parse('2026-11-23T21:00:00Z'));
    expect(() => parseVnDateTime('2026-13-01T00:00')).toThrow(/not a valid/);
  });
});
