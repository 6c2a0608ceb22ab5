import { describe, expect, it } from 'vitest';
import { pointInPolygon } from '../../protocol/geo.ts';
import {
  extentPoints,
  isApproximate,
  labelPoint,
  outlinePath,
  placeLabel,
  planOutlines,
  shortAreaName,
  textWidth,
  type OutlineFeature,
  type OutlineGeometry,
  type Position,
} from './outlines.ts';

const sq = (x0: number, y0: number, x1: number, y1: number): Position[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
// A stand-in projection: 100 px per degree, north up.
const project = (lat: number, lon: number) => ({ x: (lon - 105) * 100, y: (22 - lat) * 100 });

describe('outlines on the map', () => {
  it('projects every ring to a closed subpath, holes included, and drops points on the same pixel', () => {
    const g: OutlineGeometry = {
      type: 'Polygon',
      coordinates: [sq(105.8, 20.9, 106, 21.1), sq(105.9, 21, 105.95, 21.05)],
    };
    expect(outlinePath(g, project)).toBe('M80 110L100 110L100 90L80 90L80 110ZM90 100L95 100L95 95L90 95L90 100Z');
    const multi: OutlineGeometry = {
      type: 'MultiPolygon',
      coordinates: [[sq(105.8, 20.9, 106, 21.1)], [sq(106.1, 21, 106.2, 21.1)]],
    };
    expect(outlinePath(multi, project).match(/Z/g)).toHaveLength(2);
    // 1000 positions within one pixel of each other collapse to the few that show.
    const dense: Position[] = Array.from({ length: 1000 }, (_, i) => [105.8 + i * 1e-6, 20.9]);
    const path = outlinePath({ type: 'Polygon', coordinates: [[...dense, [105.9, 21], dense[0]]] }, project);
    expect(path.split('L').length).toBeLessThan(20);
  });

  it('bounds: the corners of each outline', () => {
    const a: OutlineGeometry = { type: 'Polygon', coordinates: [sq(105.8, 20.9, 106, 21.1)] };
    const b: OutlineGeometry = {
      type: 'MultiPolygon',
      coordinates: [[sq(105.7, 21, 105.75, 21.05)], [sq(106.1, 21.2, 106.2, 21.3)]],
    };
    expect(extentPoints([a, b])).toEqual([
      { latitude: 20.9, longitude: 105.8 },
      { latitude: 21.1, longitude: 106 },
      { latitude: 21, longitude: 105.7 },
      { latitude: 21.3, longitude: 106.2 },
    ]);
  });

  it('a label sits at the centroid of a convex outline, inside a concave one, and in the largest part', () => {
    const c = labelPoint({ type: 'Polygon', coordinates: [sq(105.8, 20.9, 106, 21.1)] });
    expect(c.latitude).toBeCloseTo(21, 9);
    expect(c.longitude).toBeCloseTo(105.9, 9);
    // A U shape: the centroid falls in the gap between the arms.
    const u: Position[] = [
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
    const p = labelPoint({ type: 'Polygon', coordinates: [u] });
    expect(pointInPolygon([u], 1.5, 1.8)).toBe(false);
    expect(pointInPolygon([u], p.longitude, p.latitude)).toBe(true);
    // A square with a hole in the middle: not in the hole.
    const holed: Position[][] = [sq(0, 0, 4, 4), sq(1, 1, 3, 3)];
    const h = labelPoint({ type: 'Polygon', coordinates: holed });
    expect(pointInPolygon(holed, h.longitude, h.latitude)).toBe(true);
    // A ward with a small island: the label goes on the mainland.
    const island = labelPoint({ type: 'MultiPolygon', coordinates: [[sq(10, 10, 10.1, 10.1)], [sq(0, 0, 2, 2)]] });
    expect(island).toEqual({ latitude: 1, longitude: 1 });
  });

  it('short names, and honest notes for approximate outlines', () => {
    expect(shortAreaName('Phường Thanh Xuân Trung')).toBe('Thanh Xuân Trung');
    expect(shortAreaName('Xã Tân Triều')).toBe('Tân Triều');
    expect(shortAreaName('Khu dân cư số 3')).toBe('Khu dân cư số 3');
    expect(isApproximate('approximate: Voronoi cells around ward centres')).toBe(true);
    expect(isApproximate('Gần đúng')).toBe(true);
    expect(isApproximate('Sở TN&MT Hà Nội 2024')).toBe(false);
    expect(isApproximate(null)).toBe(false);
  });

  it('draws the district under its wards, names only the wards, and highlights the user’s own', () => {
    const f = (path: string, level: string): OutlineFeature => ({
      properties: { path, name: path, level, source: null },
      geometry: { type: 'Polygon', coordinates: [sq(0, 0, 1, 1)] },
    });
    const all = [f('hn/tx/kim-giang', 'ward'), f('hn/tx/ha-dinh', 'ward'), f('hn/tx', 'district')];
    const plan = (scope: string | null) =>
      planOutlines(all, scope).map((p) => [p.feature.properties.path, p.labelled, p.highlighted]);
    expect(plan('hn/tx/ha-dinh')).toEqual([
      ['hn/tx', false, false],
      ['hn/tx/kim-giang', true, false],
      ['hn/tx/ha-dinh', true, true],
    ]);
    // A neighbourhood official inside Hạ Đình: their ward is the nearest outline above them.
    expect(plan('hn/tx/ha-dinh/to-dan-pho-1').find((p) => p[2])?.[0]).toBe('hn/tx/ha-dinh');
    expect(plan('hn/tx').find((p) => p[2])?.[0]).toBe('hn/tx');
    expect(plan(null).some((p) => p[2])).toBe(false);
    // "hn/tx/ha-dinh-2" is not inside "hn/tx/ha-dinh".
    expect(planOutlines([f('hn/tx/ha-dinh', 'ward')], 'hn/tx/ha-dinh-2')[0].highlighted).toBe(false);
  });

  it('moves a ward name off the device pins, staying inside the ward', () => {
    const ward: Position[][][] = [[sq(0, 0, 200, 100)]]; // map pixels
    const w = textWidth('Hạ Đình', 11) + 4;
    expect(placeLabel(ward, w, 13, [])).toMatchObject({ x: 100, y: 50 });
    // A pin and its name right where the label would go.
    const pin = { x0: 90, y0: 40, x1: 190, y1: 58 };
    const moved = placeLabel(ward, w, 13, [pin]);
    expect(moved.box.y1 <= pin.y0 || moved.box.y0 >= pin.y1 || moved.box.x1 <= pin.x0 || moved.box.x0 >= pin.x1).toBe(
      true,
    );
    expect(pointInPolygon(ward[0], moved.box.x0, moved.y) && pointInPolygon(ward[0], moved.box.x1, moved.y)).toBe(true);
    expect(Math.hypot(moved.x - 100, moved.y - 50)).toBeLessThanOrEqual(w); // nearby: at most a label width away
    // Nowhere free: the label stays at the interior point rather than leaving its ward.
    expect(placeLabel(ward, w, 13, [{ x0: -10, y0: -10, x1: 210, y1: 110 }])).toMatchObject({ x: 100, y: 50 });
  });
});
