import { describe, expect, it } from 'vitest';
import { clipToConvex, voronoiOutlines } from './approximate-outlines.ts';
import { parseBoundary, type Position } from './boundaries.ts';
import { pointInGeometry, ringArea } from '../../protocol/index.ts';

describe('approximate outlines', () => {
  it('clips any polygon to a convex one, whichever way either winds', () => {
    const l: Array<[number, number]> = [
      [0, 0],
      [4, 0],
      [4, 1],
      [1, 1],
      [1, 4],
      [0, 4],
    ]; // an L, not convex
    const box: Array<[number, number]> = [
      [0.5, 0.5],
      [3, 0.5],
      [3, 3],
      [0.5, 3],
    ];
    const cut = clipToConvex(l, box);
    expect(Math.abs(ringArea([...cut, cut[0]]))).toBeCloseTo(2.5 * 0.5 + 0.5 * 2, 9);
    const back = clipToConvex([...l].reverse(), [...box].reverse());
    expect(Math.abs(ringArea([...back, back[0]]))).toBeCloseTo(2.25, 9);
    expect(
      clipToConvex(l, [
        [5, 5],
        [6, 5],
        [6, 6],
      ]),
    ).toEqual([]);
  });

  it('splits a square between two centres along the perpendicular bisector, in metres', () => {
    // Two centres 0.01° of longitude apart at 21°N; the square is 0.02° wide.
    const sq: Position[] = [
      [105.79, 20.99],
      [105.81, 20.99],
      [105.81, 21.01],
      [105.79, 21.01],
      [105.79, 20.99],
    ];
    const cells = voronoiOutlines(
      [
        { key: 'w', latitude: 21, longitude: 105.795 },
        { key: 'e', latitude: 21, longitude: 105.805 },
      ],
      sq,
    );
    const w = cells.get('w')!;
    const e = cells.get('e')!;
    expect(Math.max(...w.map((p) => p[0]))).toBeCloseTo(105.8, 6);
    expect(Math.min(...e.map((p) => p[0]))).toBeCloseTo(105.8, 6);
    for (const ring of [w, e]) {
      expect(ring[0]).toEqual(ring.at(-1)); // closed
      expect(ringArea(ring)).toBeGreaterThan(0); // counter-clockwise
      expect(() => parseBoundary({ type: 'Polygon', coordinates: [ring] })).not.toThrow();
    }
    expect(ringArea(w) + ringArea(e)).toBeCloseTo(ringArea(sq), 9);
    expect(pointInGeometry(parseBoundary({ type: 'Polygon', coordinates: [w] }), 105.799, 21.009)).toBe(true);
  });

  it('says so when a centre lies outside the outline', () => {
    const sq: Position[] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(() =>
      voronoiOutlines(
        [
          { key: 'in', latitude: 0.5, longitude: 0.5 },
          { key: 'far', latitude: 0.5, longitude: 9 },
        ],
        sq,
      ),
    ).toThrow('the centre of "far" leaves it no area inside the outline');
  });
});
