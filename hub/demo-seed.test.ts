// The demo's approximate ward outlines must at least agree with the demo's devices: each device
// inside its own ward's outline and no other's, the wards tiling the district.
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db/database.ts';
import { getBoundary, listBoundaries, setBoundary } from './areas/boundaries.ts';
import { pointInGeometry, ringArea } from '../protocol/index.ts';
import { APPROXIMATE_SOURCE, DEMO_DEVICES, DISTRICT, seedAreas, WARDS } from './demo-seed.ts';

describe('demo ward outlines', () => {
  const db = openDatabase(':memory:');
  seedAreas(db);
  const outlines = listBoundaries(db, DISTRICT).features;

  it('gives the district and each of its 11 wards an outline marked as approximate', () => {
    expect(outlines.map((f) => f.properties.path).sort()).toEqual(
      [DISTRICT, ...WARDS.map(([slug]) => `${DISTRICT}/${slug}`)].sort(),
    );
    for (const f of outlines) expect(f.properties.source).toBe(APPROXIMATE_SOURCE);
    expect(APPROXIMATE_SOURCE).toMatch(/^approximate:/);
  });

  it.each(DEMO_DEVICES.map((d) => [d.id, d] as const))('%s lies inside its own ward and no other', (_id, d) => {
    const wards = outlines
      .filter((f) => f.properties.level === 'ward' && pointInGeometry(f.geometry, d.longitude, d.latitude))
      .map((f) => f.properties.path);
    expect(wards).toEqual([`${DISTRICT}/${d.ward}`]);
  });

  it('the wards tile the district: their areas add up to its area', () => {
    const district = getBoundary(db, DISTRICT)!.geometry;
    const total = outlines
      .filter((f) => f.properties.level === 'ward')
      .reduce((s, f) => s + ringArea((f.geometry.coordinates as number[][][])[0]), 0);
    expect(total / ringArea((district.coordinates as number[][][])[0])).toBeCloseTo(1, 4); // up to rounding to 6 decimals
  });

  it('a second start changes nothing, and official outlines are never overwritten', () => {
    const before = JSON.stringify(listBoundaries(db, null));
    seedAreas(db);
    expect(JSON.stringify(listBoundaries(db, null))).toBe(before);
    const fresh = openDatabase(':memory:');
    seedAreas(fresh);
    setBoundary(fresh, `${DISTRICT}/ha-dinh`, null);
    setBoundary(
      fresh,
      `${DISTRICT}/kim-giang`,
      {
        type: 'Polygon',
        coordinates: [
          [
            [105.81, 20.98],
            [105.82, 20.98],
            [105.82, 20.99],
            [105.81, 20.98],
          ],
        ],
      },
      'Sở TN&MT Hà Nội 2024',
    );
    seedAreas(fresh);
    expect(getBoundary(fresh, `${DISTRICT}/ha-dinh`)).toBeUndefined();
    expect(getBoundary(fresh, `${DISTRICT}/kim-giang`)?.source).toBe('Sở TN&MT Hà Nội 2024');
  });
});
