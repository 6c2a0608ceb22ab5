import { describe, expect, it } from 'vitest';
import { pointInGeometry, pointInPolygon, pointInPolygons, pointInRing, ringArea } from './geo.ts';
import * as protocol from './index.ts';

type P = [number, number];
/** A closed counter-clockwise square. */
const sq = (x0: number, y0: number, x1: number, y1: number): P[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

describe('ring area', () => {
  it('is the shoelace area, positive counter-clockwise and negative clockwise', () => {
    expect(ringArea(sq(0, 0, 2, 3))).toBe(6);
    expect(ringArea([...sq(0, 0, 2, 3)].reverse())).toBe(-6);
    // An L shape, not convex.
    expect(
      ringArea([
        [0, 0],
        [4, 0],
        [4, 1],
        [1, 1],
        [1, 4],
        [0, 4],
        [0, 0],
      ]),
    ).toBe(7);
  });

  it('is the same for a closed ring and the same ring open', () => {
    const ring = sq(105.79, 20.99, 105.81, 21.01);
    expect(ringArea(ring.slice(0, -1))).toBe(ringArea(ring));
    expect(ringArea(ring)).toBeCloseTo(0.0004, 12);
  });

  it('is zero for a ring without area, and for too few positions', () => {
    expect(
      ringArea([
        [0, 0],
        [1, 1],
        [2, 2],
        [0, 0],
      ]),
    ).toBe(0);
    expect(
      ringArea([
        [0, 0],
        [1, 0],
        [0, 0],
      ]),
    ).toBe(0);
    expect(ringArea([[1, 2]])).toBe(0);
    expect(ringArea([])).toBe(0);
  });

  it('ignores altitudes', () => {
    expect(
      ringArea([
        [0, 0, 9],
        [2, 0, 9],
        [2, 3, 9],
        [0, 3, 9],
        [0, 0, 9],
      ]),
    ).toBe(6);
  });
});

describe('point in ring and polygon', () => {
  // [longitude, latitude]: a square around Hạ Đình with a hole in the middle.
  const outer = sq(105.796, 20.996, 105.804, 21.004);
  const hole = sq(105.799, 20.999, 105.801, 21.001);

  it('finds points inside and outside one ring, closed or open, either winding', () => {
    expect(pointInRing(outer, 105.8, 21)).toBe(true);
    expect(pointInRing(outer, 105.81, 21)).toBe(false);
    expect(pointInRing(outer, 105.8, 21.01)).toBe(false);
    expect(pointInRing(outer.slice(0, -1), 105.8, 21)).toBe(true);
    expect(pointInRing([...outer].reverse(), 105.8, 21)).toBe(true);
  });

  it('a concave ring: the gap between the arms of a U is outside', () => {
    const u: P[] = [
      [0, 0],
      [3, 0],
      [3, 3],
      [2, 3],
      [2, 1],
      [1, 1],
      [1, 3],
      [0, 3],
      [0, 0],
    ];
    expect(pointInRing(u, 1.5, 1.8)).toBe(false);
    expect(pointInRing(u, 0.5, 2.5)).toBe(true);
    expect(pointInRing(u, 1.5, 0.5)).toBe(true);
  });

  it('a polygon excludes its holes', () => {
    expect(pointInPolygon([outer, hole], 105.803, 21)).toBe(true);
    expect(pointInPolygon([outer, hole], 105.8, 21)).toBe(false); // the hole
    expect(pointInPolygon([outer, hole], 105.81, 21)).toBe(false);
    expect(pointInPolygon([outer], 105.8, 21)).toBe(true);
    expect(pointInPolygon([], 105.8, 21)).toBe(false);
  });

  it('several polygons, and GeoJSON Polygon and MultiPolygon geometries', () => {
    const island = sq(106, 21, 106.01, 21.01);
    expect(pointInPolygons([[outer, hole], [island]], 106.005, 21.005)).toBe(true);
    expect(pointInPolygons([[outer, hole], [island]], 105.8, 21)).toBe(false);
    expect(pointInGeometry({ type: 'Polygon', coordinates: [outer, hole] }, 105.803, 21)).toBe(true);
    expect(pointInGeometry({ type: 'Polygon', coordinates: [outer, hole] }, 105.8, 21)).toBe(false);
    expect(pointInGeometry({ type: 'MultiPolygon', coordinates: [[outer, hole], [island]] }, 106.005, 21.005)).toBe(
      true,
    );
    expect(pointInGeometry({ type: 'MultiPolygon', coordinates: [[outer, hole], [island]] }, 105.9, 21)).toBe(false);
  });

  it('is exported with the rest of the protocol', () => {
    expect(protocol.ringArea).toBe(ringArea);
    expect(protocol.pointInGeometry).toBe(pointInGeometry);
  });
});
