import { describe, expect, it } from 'vitest';
import { projectPoints, scaleBar } from './projection.ts';

// The three demo devices in Thanh Xuan.
const pts = [
  { id: 'loa-ha-dinh-01', latitude: 20.9889, longitude: 105.8101 },
  { id: 'loa-khuong-mai-01', latitude: 20.9968, longitude: 105.8262 },
  { id: 'led-thanh-xuan-bac-01', latitude: 20.9957, longitude: 105.8003 },
];
const box = { width: 640, height: 360, margin: 50 };

describe('map projection', () => {
  it('puts north up and east right, inside the margins', () => {
    const { points } = projectPoints(pts, box);
    const by = Object.fromEntries(points.map((p) => [p.id, p]));
    expect(by['loa-khuong-mai-01'].x).toBeGreaterThan(by['loa-ha-dinh-01'].x); // further east
    expect(by['loa-ha-dinh-01'].y).toBeGreaterThan(by['loa-khuong-mai-01'].y); // further south
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(50 - 1e-9);
      expect(p.x).toBeLessThanOrEqual(590 + 1e-9);
      expect(p.y).toBeGreaterThanOrEqual(50 - 1e-9);
      expect(p.y).toBeLessThanOrEqual(310 + 1e-9);
    }
  });

  it('keeps true distances: one scale unit is the same in x and y', () => {
    const { points, metresPerPx } = projectPoints(pts, box);
    const by = Object.fromEntries(points.map((p) => [p.id, p]));
    // Ha Dinh → Khuong Mai is about 1.93 km (haversine).
    const toRad = Math.PI / 180;
    const [a, b] = [pts[0], pts[1]];
    const h =
      Math.sin(((b.latitude - a.latitude) * toRad) / 2) ** 2 +
      Math.cos(a.latitude * toRad) *
        Math.cos(b.latitude * toRad) *
        Math.sin(((b.longitude - a.longitude) * toRad) / 2) ** 2;
    const metres = 2 * 6_371_000 * Math.asin(Math.sqrt(h));
    const px = Math.hypot(
      by['loa-khuong-mai-01'].x - by['loa-ha-dinh-01'].x,
      by['loa-khuong-mai-01'].y - by['loa-ha-dinh-01'].y,
    );
    expect(Math.abs(px * metresPerPx - metres) / metres).toBeLessThan(0.01);
  });

  it('a single device sits in the middle with a sane scale', () => {
    const { points, metresPerPx } = projectPoints([pts[0]], box);
    expect(points[0]).toMatchObject({ x: 320, y: 180 });
    expect(metresPerPx).toBeCloseTo(1500 / 260, 6);
  });

  it('scale bars are round lengths', () => {
    expect(scaleBar(5, 100)).toMatchObject({ metres: 500, label: '500 m', px: 100 });
    expect(scaleBar(12, 100)).toMatchObject({ metres: 1000, label: '1 km' });
    expect(scaleBar(2.2, 100).metres).toBe(200);
  });
});

describe('map projection with area outlines', () => {
  it('fits the outlines too, and still draws only the devices', () => {
    // Corners of a district about 5 km wide around the three devices.
    const extent = [
      { latitude: 20.977, longitude: 105.7915 },
      { latitude: 21.009, longitude: 105.842 },
    ];
    const { points, project, metresPerPx } = projectPoints(pts, box, 1500, extent);
    expect(points.map((p) => p.id)).toEqual(pts.map((p) => p.id));
    const corners = extent.map((c) => project(c.latitude, c.longitude));
    for (const c of corners) {
      expect(c.x).toBeGreaterThanOrEqual(50 - 1e-9);
      expect(c.x).toBeLessThanOrEqual(590 + 1e-9);
      expect(c.y).toBeGreaterThanOrEqual(50 - 1e-9);
      expect(c.y).toBeLessThanOrEqual(310 + 1e-9);
    }
    // The taller side (about 3.6 km) fills the 260 px between the margins.
    expect(Math.abs(corners[0].y - corners[1].y)).toBeCloseTo(260, 6);
    expect(metresPerPx).toBeGreaterThan(projectPoints(pts, box).metresPerPx);
  });

  it('outlines alone (no device has coordinates) still make a map', () => {
    const { points, project } = projectPoints([], box, 1500, [
      { latitude: 20.98, longitude: 105.8 },
      { latitude: 21.0, longitude: 105.82 },
    ]);
    expect(points).toEqual([]);
    const mid = project(20.99, 105.81);
    expect(mid.x).toBeCloseTo(320, 6);
    expect(mid.y).toBeCloseTo(180, 6);
  });
});
