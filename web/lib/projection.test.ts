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
    const h = Math.sin(((b.latitude - a.latitude) * toRad) / 2) ** 2 + Math.cos(a.latitude * toRad) * Math.cos(b.latitude * toRad) * Math.sin(((b.longitude - a.longitude) * toRad) / 2) ** 2;
    const metres = 2 * 6_371_000 * Math.asin(Math.sqrt(h));
    const px = Math.hypot(by['loa-khuong-mai-01'].x - by['loa-ha-dinh-01'].x, by['loa-khuong-mai-01'].y - by['loa-ha-dinh-01'].y);
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
