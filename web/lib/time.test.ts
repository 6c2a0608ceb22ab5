import { describe, expect, it } from 'vitest';
import {
  fmtAgo,
  fmtDate,
  fmtDateTime,
  vnInstant,
  weekStart,
  vnDate,
  parseDateInput,
  showDateInput,
  parseTimeInput,
  DATE_INPUT_ERROR,
  TIME_INPUT_ERROR,
} from './time.ts';

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

describe('typed dates and times (dd/mm/yyyy, 24-hour)', () => {
  it('reads dates the Vietnamese way, and ISO pasted in', () => {
    expect(parseDateInput('01/12/2026')).toBe('2026-12-01');
    expect(parseDateInput(' 1/2/2027 ')).toBe('2027-02-01');
    expect(parseDateInput('01-12-2026')).toBe('2026-12-01');
    expect(parseDateInput('01.12.2026')).toBe('2026-12-01');
    expect(parseDateInput('2026-12-01')).toBe('2026-12-01');
    expect(parseDateInput('29/02/2028')).toBe('2028-02-29');
  });
  it('refuses what is not a day (and the month-first order of an English browser)', () => {
    for (const bad of [
      '',
      '12/31/2026',
      '31/11/2026',
      '29/02/2027',
      '00/01/2026',
      '01/13/2026',
      '1/12/26',
      'mai',
      '2026-13-01',
    ])
      expect(parseDateInput(bad)).toBeNull();
  });
  it('shows stored dates as dd/mm/yyyy', () => {
    expect(showDateInput('2026-12-01')).toBe('01/12/2026');
    expect(showDateInput('')).toBe('');
    for (const iso of ['2026-01-31', '2028-02-29']) expect(parseDateInput(showDateInput(iso))).toBe(iso);
  });
  it('reads 24-hour times as officials type them', () => {
    expect(parseTimeInput('17:30')).toBe('17:30');
    expect(parseTimeInput('5:30')).toBe('05:30');
    expect(parseTimeInput('17h30')).toBe('17:30');
    expect(parseTimeInput('17h')).toBe('17:00');
    expect(parseTimeInput('7g')).toBe('07:00');
    expect(parseTimeInput('1730')).toBe('17:30');
    expect(parseTimeInput('00:00')).toBe('00:00');
    for (const bad of ['', '24:00', '17:60', '5:30 PM', '05:30 AM', 'noon', '1:5'])
      expect(parseTimeInput(bad)).toBeNull();
  });
  it('says what is wrong in both languages', () => {
    for (const e of [DATE_INPUT_ERROR, TIME_INPUT_ERROR]) expect(e.vi && e.en).toBeTruthy();
  });
});
