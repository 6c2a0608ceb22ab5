// Quiet-hour arithmetic, the priority rule for conflicts, and waveform folding (pure parts).
import { describe, expect, it } from 'vitest';
import { overlapsQuietWindow, parseHhmm } from './quiet-hours.ts';
import { broadcastDepth, classifyConflict } from './conflicts.ts';
import { foldPeaks } from '../waveform/waveform.ts';
import { parseVnDateTime } from '../time.ts';

const at = (s: string) => parseVnDateTime(s);
const MIN = 60_000;

describe('quiet hours', () => {
  const q = [parseHhmm('22:00'), parseHhmm('05:30')] as const; // wraps past midnight
  it('catches occurrences inside a window that wraps past midnight, in Vietnam time', () => {
    expect(overlapsQuietWindow(at('2026-11-25T23:00'), 5 * MIN, ...q)).toBe(true);
    expect(overlapsQuietWindow(at('2026-11-26T03:00'), 5 * MIN, ...q)).toBe(true);
    expect(overlapsQuietWindow(at('2026-11-26T05:30'), 5 * MIN, ...q)).toBe(false);
    expect(overlapsQuietWindow(at('2026-11-26T06:00'), 5 * MIN, ...q)).toBe(false);
    expect(overlapsQuietWindow(at('2026-11-26T12:00'), 5 * MIN, ...q)).toBe(false);
  });
  it('catches a bulletin that runs into the quiet hours', () => {
    expect(overlapsQuietWindow(at('2026-11-25T21:50'), 15 * MIN, ...q)).toBe(true);
    expect(overlapsQuietWindow(at('2026-11-25T21:50'), 10 * MIN, ...q)).toBe(false);
  });
  it('handles a daytime window (11:30–13:30 lunch rest)', () => {
    const lunch = [parseHhmm('11:30'), parseHhmm('13:30')] as const;
    expect(overlapsQuietWindow(at('2026-11-25T12:00'), MIN, ...lunch)).toBe(true);
    expect(overlapsQuietWindow(at('2026-11-25T13:30'), MIN, ...lunch)).toBe(false);
    expect(overlapsQuietWindow(at('2026-11-25T11:00'), 31 * MIN, ...lunch)).toBe(true);
  });
  it('refuses times that are not HH:MM', () => {
    expect(() => parseHhmm('24:00')).toThrow(/time of day/);
    expect(() => parseHhmm('7pm')).toThrow(/time of day/);
    expect(parseHhmm('7:05')).toBe(425);
  });
});

describe('the national priority rule for conflicts', () => {
  const ward = broadcastDepth(['ha-noi/thanh-xuan/ha-dinh']);
  const district = broadcastDepth(['ha-noi/thanh-xuan']);
  it('higher level pre-empts, lower level is pre-empted', () => {
    expect(classifyConflict({ priority: 'emergency', depth: district }, { priority: 'normal', depth: ward })).toBe(
      'preempts',
    );
    expect(classifyConflict({ priority: 'normal', depth: ward }, { priority: 'priority', depth: district })).toBe(
      'preempted',
    );
  });
  it("a higher level's priority bulletin against the ward's own priority bulletin is the ward's decision", () => {
    expect(classifyConflict({ priority: 'priority', depth: ward }, { priority: 'priority', depth: district })).toBe(
      'decision',
    );
    expect(classifyConflict({ priority: 'priority', depth: district }, { priority: 'priority', depth: ward })).toBe(
      'decision',
    );
  });
  it('same level, same priority is a plain overlap; two emergencies are an overlap', () => {
    expect(classifyConflict({ priority: 'normal', depth: ward }, { priority: 'normal', depth: ward })).toBe('overlap');
    expect(classifyConflict({ priority: 'emergency', depth: ward }, { priority: 'emergency', depth: district })).toBe(
      'overlap',
    );
  });
  it('depth is that of the highest target', () => {
    expect(broadcastDepth(['ha-noi/thanh-xuan/ha-dinh', 'ha-noi/thanh-xuan'])).toBe(2);
  });
});

describe('waveform folding', () => {
  it('keeps the peak of each span', () => {
    expect(foldPeaks([0.1, 0.9, 0.2, 0.3, 0.5, 0.4], 3)).toEqual([0.9, 0.3, 0.5]);
  });
  it('stretches short audio over every bucket', () => {
    expect(foldPeaks([0.2, 0.8], 4)).toEqual([0.2, 0.2, 0.8, 0.8]);
    expect(foldPeaks([], 3)).toEqual([0, 0, 0]);
  });
});
