import { describe, expect, it } from 'vitest';
import { stackItems } from './calendar-layout.ts';

describe('calendar: overlapping broadcasts stacked at full width', () => {
  it('puts items at the same time one below the other, in order, and leaves the others at their time', () => {
    const r = stackItems([
      { id: 'b', top: 216, height: 18 },
      { id: 'a', top: 216, height: 18 },
      { id: 'c', top: 216, height: 18 },
      { id: 'd', top: 400, height: 18 },
    ]);
    expect(r.map((x) => [x.id, x.y, x.displaced])).toEqual([
      ['b', 216, false],
      ['a', 235, true],
      ['c', 254, true],
      ['d', 400, false],
    ]);
  });
  it('a long item pushes the next one below its end; the one after keeps its own time when it is free', () => {
    const r = stackItems([
      { id: 'long', top: 0, height: 72 },
      { id: 'mid', top: 36, height: 18 },
      { id: 'late', top: 200, height: 18 },
    ]);
    expect(r.map((x) => [x.id, x.y])).toEqual([
      ['long', 0],
      ['mid', 73],
      ['late', 200],
    ]);
  });
});
