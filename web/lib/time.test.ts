import { describe, expect, it } from 'vitest';
import { fmtAgo, fmtDate, fmtDateTime, vnInstant, weekStart, vnDate } from './time.ts';

describe('UI times are Asia/Ho_Chi_Minh', () => {
  it('formats instants in Vietnam time whatever the machine zone', () => {
    expect(fmtDateTime('2026-11-24T23:30:00Z')).toBe('25/11/2026 06:30');
    expect(fmtDateTime('2026-11-24T23:30:05Z', 'en', true)).toBe('25 Nov 2026, 06:30:05');
    expect(fmtDate(Date.parse('2026-11-24T23:30:00Z'))).toBe('25/11/2026');
    expect(fmtDate(Date.parse('2026-11-24T23:30:00Z'), 'en')).toBe('25 Nov 2026');
    expect(fmtDateTime(null)).toBe('—');
  });
  it('weeks start on Monday at Vietnam midnight', () => {
    const wed = vnInstant('2026-11-25', '01:00'); // Tuesday 18:00 UTC
    expect(vnDate(weekStart(wed))).toBe('2026-11-23');
    expect(weekStart(wed)).toBe(Date.parse('2026-11-22T17:00:00Z'));
    expect(vnDate(weekStart(vnInstant('2026-11-29', '23:59')))).toBe('2026-11-23');
  });
  it('says how long ago', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(fmtAgo('2026-11-24T11:57:00Z', now)).toBe('3 phút trước');
    expect(fmtAgo('2026-11-24T11:57:00Z', now, 'en')).toBe('3 min ago');
    expect(fmtAgo(null, now)).toBe('chưa bao giờ');
  });
});
