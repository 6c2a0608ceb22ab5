import { describe, expect, it } from 'vitest';
import { placeOverlapping } from './calendar-layout.ts';

describe('calendar: overlapping broadcasts side by side', () => {
  it('gives items at the same time their own columns, and others the full width', () => {
    const r = placeOverlapping([
      { id: 'a', start: 600, end: 630 },
      { id: 'b', start: 600, end: 620 },
      { id: 'c', start: 700, end: 710 },
    ]);
    const by = Object.fromEntries(r.map((x) => [x.id, [x.col, x.cols]]));
    expect(by).toEqual({ a: [0, 2], b: [1, 2], c: [0, 1] });
  });
  it('reuses a column once it is free within a chain of overlaps', () => {
    const r = placeOverlapping([
      { id: 'a', start: 0, end: 10 },
      { id: 'b', start: 5, end: 15 },
      { id: 'c', start: 10, end: 20 },
    ]);
    const by = Object.fromEntries(r.map((x) => [x.id, [x.col, x.cols]]));
    expect(by).toEqual({ a: [0, 2], b: [1, 2], c: [0, 2] });
  });
});
