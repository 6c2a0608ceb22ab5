import { describe, expect, it } from 'vitest';
import { fmtDuration, fmtNumber, fmtPercent, fmtSeconds } from './format.ts';

describe('numbers the Vietnamese way (decimal comma, thousands dot), English on request', () => {
  it('groups thousands and writes the decimal comma', () => {
    expect(fmtNumber(33.587, 1, 'vi')).toBe('33,6');
    expect(fmtNumber(1234567.891, 2, 'vi')).toBe('1.234.567,89');
    expect(fmtNumber(1234567.891, 2, 'en')).toBe('1,234,567.89');
    expect(fmtNumber(1000, 0, 'vi')).toBe('1.000');
    expect(fmtNumber(999, 0, 'vi')).toBe('999');
    expect(fmtNumber(-16.04, 1, 'vi')).toBe('-16,0');
    expect(fmtNumber(-0.04, 1, 'vi')).toBe('0,0');
    expect(fmtNumber(null)).toBe('—');
    expect(fmtNumber(Number.NaN)).toBe('—');
  });
  it('seconds, durations and percentages', () => {
    expect(fmtSeconds(33.587, 1, 'vi')).toBe('33,6 giây');
    expect(fmtSeconds(33.587, 1, 'en')).toBe('33.6 s');
    expect(fmtDuration(4_200, 'vi')).toBe('4,2 giây');
    expect(fmtDuration(65_000, 'vi')).toBe('1:05');
    expect(fmtPercent(3, 4, 1, 'vi')).toBe('75,0%');
    expect(fmtPercent(1, 2, 0, 'vi')).toBe('50%');
    expect(fmtPercent(1, 0, 0, 'vi')).toBe('—');
  });
});
