// The live page's level meter and time on air.
import { describe, expect, it } from 'vitest';
import { fmtElapsed, levelDb, levelZone, METER_FLOOR_DB } from './live-level.ts';

const sine = (amplitude: number, n = 2048) =>
  Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000));

describe('level meter', () => {
  it('reads a block as its RMS level in dBFS', () => {
    // A full-scale sine is −3 dBFS RMS; a tenth of it, 20 dB lower.
    expect(levelDb(sine(1))).toBeCloseTo(-3.01, 1);
    expect(levelDb(sine(0.1))).toBeCloseTo(-23.01, 1);
    expect(levelDb(Float32Array.from({ length: 512 }, () => 1))).toBe(0);
  });

  it('stops at the floor for silence and an empty block, and never above 0', () => {
    expect(levelDb(new Float32Array(1024))).toBe(METER_FLOOR_DB);
    expect(levelDb(new Float32Array(0))).toBe(METER_FLOOR_DB);
    expect(levelDb(sine(0.0001))).toBe(METER_FLOOR_DB);
    expect(levelDb(Float32Array.from({ length: 8 }, () => 3))).toBe(0);
  });

  it('names where the voice sits', () => {
    expect(levelZone(METER_FLOOR_DB)).toBe('silent');
    expect(levelZone(-24)).toBe('good');
    expect(levelZone(-3)).toBe('loud');
  });
});

describe('time on air', () => {
  it('is m:ss, and h:mm:ss from an hour', () => {
    expect(fmtElapsed(0)).toBe('0:00');
    expect(fmtElapsed(9.9)).toBe('0:09');
    expect(fmtElapsed(754)).toBe('12:34');
    expect(fmtElapsed(3600 + 62)).toBe('1:01:02');
    expect(fmtElapsed(-5)).toBe('0:00');
  });
});
