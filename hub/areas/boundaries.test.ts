import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { createArea } from './areas.ts';
import { pointInGeometry } from '../../protocol/index.ts';
import {
  BoundaryError,
  BoundaryScopeError,
  getBoundary,
  importBoundaries,
  listBoundaries,
  MAX_BOUNDARY_POSITIONS,
  normaliseAreaName,
  parseBoundary,
  setBoundary,
} from './boundaries.ts';
import { squareRing } from '../../test/helpers/outlines.ts';

// A small square around a point, closed, counter-clockwise (7 decimals, as stored).
const square = squareRing;
const poly = (lon: number, lat: number) => ({ type: 'Polygon', coordinates: [square(lon, lat)] });
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('outline validation', () => {
  it('accepts a Polygon, a MultiPolygon with a hole, and a Feature; drops altitude and rounds to 7 decimals', () => {
    expect(parseBoundary(poly(105.81, 20.99))).toEqual({ type: 'Polygon', coordinates: [square(105.81, 20.99)] });
    const multi = {
      type: 'MultiPolygon',
      coordinates: [[square(105.81, 20.99, 0.004), square(105.81, 20.99, 0.001)], [square(105.83, 20.99)]],
    };
    expect(parseBoundary(multi).coordinates).toHaveLength(2);
    const withAltitude = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Polygon', coordinates: [square(105.123456789, 20.1).map(([x, y]) => [x, y, 12.5])] },
    };
    const g = parseBoundary(withAltitude);
    expect(g.coordinates[0][0]).toEqual([105.1214568, 20.098]);
  });

  it.each([
    [
      'a point',
      { type: 'Point', coordinates: [105.8, 20.9] },
      'geometry type is "Point"; an outline must be a Polygon or MultiPolygon',
    ],
    ['no type', { coordinates: [] }, 'geometry type is missing'],
    ['a string', 'POLYGON((…))', 'the outline must be a GeoJSON Polygon or MultiPolygon geometry'],
    [
      'an open ring',
      {
        type: 'MultiPolygon',
        coordinates: [
          [square(105.8, 21)],
          [
            square(105.82, 21)
              .slice(0, 4)
              .concat([[105.8, 21]]),
          ],
        ],
      },
      'ring 0 of polygon 1 is not closed: its last position [105.8, 21] differs from its first [105.818, 20.998]',
    ],
    [
      'a hole left open',
      { type: 'Polygon', coordinates: [square(105.8, 21, 0.004), square(105.8, 21, 0.001).slice(0, 4)] },
      'ring 1 is not closed',
    ],
    [
      'three positions',
      {
        type: 'Polygon',
        coordinates: [
          [
            [105.8, 21],
            [105.81, 21],
            [105.8, 21],
          ],
        ],
      },
      'ring 0 has 3 positions; a closed ring needs at least 4',
    ],
    [
      'a longitude out of range',
      {
        type: 'Polygon',
        coordinates: [
          [
            [105.8, 21],
            [200, 21],
            [105.8, 21.01],
            [105.8, 21],
          ],
        ],
      },
      'position 1 of ring 0: longitude 200 is outside -180..180',
    ],
    [
      'latitude first',
      { type: 'Polygon', coordinates: [square(20.99, 105.81)] },
      'position 0 of ring 0: latitude 105.808 is outside -90..90 (are longitude and latitude swapped? GeoJSON is [longitude, latitude])',
    ],
    [
      'no area',
      {
        type: 'Polygon',
        coordinates: [
          [
            [105.8, 21],
            [105.81, 21],
            [105.82, 21],
            [105.8, 21],
          ],
        ],
      },
      'ring 0 has no area',
    ],
    [
      'a string coordinate',
      {
        type: 'Polygon',
        coordinates: [
          [
            ['105.8', 21],
            [105.81, 21],
            [105.81, 21.01],
            [105.8, 21],
          ],
        ],
      },
      /^number 0 of position 0 of ring 0: .*number/,
    ],
    [
      'a position of one number',
      {
        type: 'MultiPolygon',
        coordinates: [[square(105.8, 21)], [[[105.8], [105.81, 21], [105.81, 21.01], [105.8, 21]]]],
      },
      'position 0 of ring 0 of polygon 1: a position needs a longitude and a latitude',
    ],
    ['an empty polygon', { type: 'Polygon', coordinates: [] }, 'a polygon needs at least one ring'],
    ['an empty MultiPolygon', { type: 'MultiPolygon', coordinates: [] }, 'a MultiPolygon needs at least one polygon'],
  ])('refuses %s, naming the problem', (_what, input, message) => {
    const e = errorOf(() => parseBoundary(input));
    expect(e).toBeInstanceOf(BoundaryError);
    if (typeof message === 'string') expect(e.message).toContain(message);
    else expect(e.message).toMatch(message);
  });

  it.each([
    [
      'an open ring',
      {
        type: 'MultiPolygon',
        coordinates: [
          [square(105.8, 21)],
          [
            square(105.82, 21)
              .slice(0, 4)
              .concat([[105.8, 21]]),
          ],
        ],
      },
      'boundary.invalid',
      'Vòng 0 của đa giác 1 chưa khép kín: điểm cuối [105.8, 21] khác điểm đầu [105.818, 20.998].',
    ],
    [
      'three positions',
      {
        type: 'Polygon',
        coordinates: [
          [
            [105.8, 21],
            [105.81, 21],
            [105.8, 21],
          ],
        ],
      },
      'boundary.invalid',
      'Vòng 0 chỉ có 3 điểm; một vòng khép kín cần ít nhất 4 điểm (điểm cuối trùng điểm đầu).',
    ],
    [
      'latitude first',
      { type: 'Polygon', coordinates: [square(20.99, 105.81)] },
      'boundary.invalid',
      'Điểm 0 của vòng 0: vĩ độ 105.808 nằm ngoài khoảng -90..90 (có phải kinh độ và vĩ độ bị đổi chỗ cho nhau? GeoJSON ghi theo thứ tự [kinh độ, vĩ độ]).',
    ],
    [
      'a string coordinate',
      {
        type: 'Polygon',
        coordinates: [
          [
            ['105.8', 21],
            [105.81, 21],
            [105.81, 21.01],
            [105.8, 21],
          ],
        ],
      },
      'boundary.invalid',
      'Giá trị 0 của điểm 0 của vòng 0: phải là số.',
    ],
    [
      'a position of one number',
      {
        type: 'MultiPolygon',
        coordinates: [[square(105.8, 21)], [[[105.8], [105.81, 21], [105.81, 21.01], [105.8, 21]]]],
      },
      'boundary.invalid',
      'Điểm 0 của vòng 0 của đa giác 1: mỗi điểm cần có kinh độ và vĩ độ.',
    ],
    [
      'an empty MultiPolygon',
      { type: 'MultiPolygon', coordinates: [] },
      'boundary.invalid',
      'MultiPolygon cần ít nhất một đa giác.',
    ],
    [
      'no type',
      { coordinates: [] },
      'boundary.invalid',
      'Thiếu kiểu hình học ("type"); đường ranh giới phải là Polygon hoặc MultiPolygon.',
    ],
  ])('says what is wrong with %s in Vietnamese too', (_what, input, code, vi) => {
    const e = errorOf(() => parseBoundary(input)) as BoundaryError;
    expect(e.msg).toMatchObject({ code, vi });
  });

  it('refuses more positions than a ward outline needs', () => {
    const n = MAX_BOUNDARY_POSITIONS + 1;
    const ring = Array.from({ length: n - 1 }, (_, i) => [
      105.8 + 0.01 * Math.cos((2 * Math.PI * i) / (n - 1)),
      21 + 0.01 * Math.sin((2 * Math.PI * i) / (n - 1)),
    ]);
    ring.push(ring[0]);
    expect(errorOf(() => parseBoundary({ type: 'Polygon', coordinates: [ring] })).message).toBe(
      `the outline has ${n} positions; at most ${MAX_BOUNDARY_POSITIONS} are allowed (simplify it first, e.g. with mapshaper)`,
    );
    expect(
      parseBoundary({ type: 'Polygon', coordinates: [ring.slice(0, n - 2).concat([ring[0]])] }).coordinates[0],
    ).toHaveLength(n - 1);
  });

  it('finds points inside, outside and in a hole', () => {
    const g = parseBoundary({ type: 'Polygon', coordinates: [square(105.8, 21, 0.004), square(105.8, 21, 0.001)] });
    expect(pointInGeometry(g, 105.803, 21)).toBe(true);
    expect(pointInGeometry(g, 105.8, 21)).toBe(false); // the hole
    expect(pointInGeometry(g, 105.81, 21)).toBe(false);
  });

  it('reads ward names the way officials write them', () => {
    expect(normaliseAreaName('Phường Hạ Đình')).toBe('hạ đình');
    expect(normaliseAreaName('P. Hạ  Đình ')).toBe('hạ đình');
    expect(normaliseAreaName('HẠ ĐÌNH')).toBe('hạ đình');
    // Decomposed Unicode (as some GIS exports write it) is the same name.
    expect(normaliseAreaName('Phường Hạ Đình'.normalize('NFD'))).toBe('hạ đình');
    expect(normaliseAreaName('Hà Đình')).not.toBe('hạ đình');
  });
});

let db: Db;
const TX = 'ha-noi/thanh-xuan';
beforeEach(() => {
  db = openDatabase(':memory:');
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  createArea(db, { parentPath: 'ha-noi', slug: 'thanh-xuan', name: 'Quận Thanh Xuân', level: 'district' });
  createArea(db, { parentPath: 'ha-noi', slug: 'dong-da', name: 'Quận Đống Đa', level: 'district' });
  createArea(db, { parentPath: TX, slug: 'ha-dinh', name: 'Phường Hạ Đình', level: 'ward' });
  createArea(db, { parentPath: TX, slug: 'kim-giang', name: 'Phường Kim Giang', level: 'ward' });
  createArea(db, { parentPath: TX, slug: 'khuong-mai', name: 'Phường Khương Mai', level: 'ward' });
});
const stored = () =>
  Object.fromEntries(
    (
      db.prepare('SELECT path, boundary_source s FROM areas WHERE boundary IS NOT NULL ORDER BY path').all() as Array<{
        path: string;
        s: string | null;
      }>
    ).map((r) => [r.path, r.s]),
  );

describe('storing outlines', () => {
  it('sets, reads and clears one outline; a source is required', () => {
    expect(setBoundary(db, `${TX}/ha-dinh`, poly(105.81, 20.99), 'Sở TN&MT Hà Nội 2024')).toEqual({
      path: `${TX}/ha-dinh`,
      positions: 5,
    });
    expect(getBoundary(db, `${TX}/ha-dinh`)).toEqual({
      geometry: { type: 'Polygon', coordinates: [square(105.81, 20.99)] },
      source: 'Sở TN&MT Hà Nội 2024',
    });
    expect(() => setBoundary(db, `${TX}/kim-giang`, poly(105.81, 20.98), '  ')).toThrow(/has no source/);
    expect(() => setBoundary(db, `${TX}/nowhere`, poly(105.81, 20.98), 'x')).toThrow(
      'area "ha-noi/thanh-xuan/nowhere" does not exist',
    );
    // A bad outline leaves the stored one as it was.
    expect(() =>
      setBoundary(db, `${TX}/ha-dinh`, { type: 'Polygon', coordinates: [square(105.81, 20.99).slice(0, 4)] }, 'x'),
    ).toThrow('ring 0 is not closed');
    expect(getBoundary(db, `${TX}/ha-dinh`)?.source).toBe('Sở TN&MT Hà Nội 2024');
    setBoundary(db, `${TX}/ha-dinh`, null);
    expect(getBoundary(db, `${TX}/ha-dinh`)).toBeUndefined();
  });

  it('shows a user the outlines of their areas, those above, and those beside their own (same parent)', () => {
    setBoundary(db, TX, poly(105.81, 20.99), 'a');
    setBoundary(db, `${TX}/ha-dinh`, poly(105.81, 20.99), 'b');
    setBoundary(db, `${TX}/kim-giang`, poly(105.815, 20.985), 'c');
    setBoundary(db, 'ha-noi/dong-da', poly(105.83, 21.01), 'd');
    const paths = (scope: string | null) => listBoundaries(db, scope).features.map((f) => f.properties.path);
    expect(paths(null)).toEqual(['ha-noi/dong-da', TX, `${TX}/ha-dinh`, `${TX}/kim-giang`]);
    expect(paths(TX)).toEqual(['ha-noi/dong-da', TX, `${TX}/ha-dinh`, `${TX}/kim-giang`]);
    expect(paths(`${TX}/ha-dinh`)).toEqual([TX, `${TX}/ha-dinh`, `${TX}/kim-giang`]); // not Đống Đa's: not beside the ward
    const f = listBoundaries(db, `${TX}/ha-dinh`).features[1];
    expect(f).toEqual({
      type: 'Feature',
      id: `${TX}/ha-dinh`,
      properties: { path: `${TX}/ha-dinh`, name: 'Phường Hạ Đình', level: 'ward', source: 'b' },
      geometry: poly(105.81, 20.99),
    });
  });
});

const feature = (properties: Record<string, unknown>, geometry: unknown = poly(105.81, 20.99)) => ({
  type: 'Feature',
  properties,
  geometry,
});
const fc = (...features: unknown[]) => ({ type: 'FeatureCollection', features });

describe('importing a FeatureCollection', () => {
  it('matches by path and reports features that match nothing', () => {
    const r = importBoundaries(
      db,
      fc(feature({ path: `${TX}/ha-dinh` }), feature({ path: `${TX}/nowhere` }), feature({ ten: 'x' })),
      { source: 'Sở TN&MT Hà Nội 2024' },
    );
    expect(r).toEqual({
      dryRun: false,
      stored: 1,
      matched: [{ feature: 0, key: `${TX}/ha-dinh`, path: `${TX}/ha-dinh`, name: 'Phường Hạ Đình', positions: 5 }],
      unmatched: [
        { feature: 1, key: `${TX}/nowhere`, reason: 'no such area', reasonVi: 'không có khu vực này' },
        { feature: 2, key: null, reason: 'no "path" property', reasonVi: 'không có thuộc tính "path"' },
      ],
      notInFile: [],
    });
    expect(stored()).toEqual({ [`${TX}/ha-dinh`]: 'Sở TN&MT Hà Nội 2024' });
  });

  it('matches by slug or by name under a parent, from any property; a feature may carry its own source', () => {
    const bySlug = importBoundaries(db, fc(feature({ slug: 'kim-giang' }), feature({ slug: 'dong-da' })), {
      parentPath: TX,
      source: 'A',
    });
    expect(bySlug.matched.map((m) => m.path)).toEqual([`${TX}/kim-giang`]);
    expect(bySlug.unmatched).toEqual([
      {
        feature: 1,
        key: 'dong-da',
        reason: 'no area with that slug under ha-noi/thanh-xuan',
        reasonVi: 'không có khu vực nào có mã (slug) này trong ha-noi/thanh-xuan',
      },
    ]);
    expect(bySlug.notInFile).toEqual([`${TX}/ha-dinh`, `${TX}/khuong-mai`]);
    const byName = importBoundaries(
      db,
      fc(
        feature({ ten_phuong: 'P. HẠ ĐÌNH' }),
        feature({ ten_phuong: 'Phường Khương Mai', source: 'B' }),
        feature({ ten_phuong: 'Phường Láng Hạ' }),
      ),
      {
        parentPath: TX,
        matchBy: 'name',
        property: 'ten_phuong',
        source: 'A',
      },
    );
    expect(byName.matched.map((m) => [m.feature, m.path])).toEqual([
      [0, `${TX}/ha-dinh`],
      [1, `${TX}/khuong-mai`],
    ]);
    expect(byName.unmatched).toEqual([
      {
        feature: 2,
        key: 'Phường Láng Hạ',
        reason: 'no area with that name under ha-noi/thanh-xuan',
        reasonVi: 'không có khu vực nào có tên này trong ha-noi/thanh-xuan',
      },
    ]);
    expect(stored()).toEqual({ [`${TX}/ha-dinh`]: 'A', [`${TX}/khuong-mai`]: 'B', [`${TX}/kim-giang`]: 'A' });
    // A single Feature is a collection of one.
    expect(importBoundaries(db, feature({ path: TX }), { source: 'C' }).stored).toBe(1);
  });

  it('a dry run checks and reports but stores nothing', () => {
    const r = importBoundaries(db, fc(feature({ slug: 'ha-dinh' })), { parentPath: TX, source: 'A', dryRun: true });
    expect(r).toMatchObject({ dryRun: true, stored: 0, matched: [{ path: `${TX}/ha-dinh` }] });
    expect(stored()).toEqual({});
  });

  describe('all or nothing', () => {
    beforeEach(() => {
      setBoundary(db, `${TX}/ha-dinh`, poly(105.8, 21), 'old');
      setBoundary(db, `${TX}/kim-giang`, poly(105.8, 21), 'old');
    });
    const storedBefore = () => ({ [`${TX}/ha-dinh`]: 'old', [`${TX}/kim-giang`]: 'old' });
    const three = (third: unknown) =>
      fc(feature({ slug: 'ha-dinh' }), feature({ slug: 'khuong-mai' }), feature({ slug: 'kim-giang' }, third));

    it('a bad outline in the last feature stores none of them, and names the feature and the ring', () => {
      const open = { type: 'MultiPolygon', coordinates: [[square(105.8, 21)], [square(105.82, 21).slice(0, 4)]] };
      const e = errorOf(() => importBoundaries(db, three(open), { parentPath: TX, source: 'new' }));
      expect(e.message).toBe(
        'feature 2 ("kim-giang" → ha-noi/thanh-xuan/kim-giang): ring 0 of polygon 1 is not closed: its last position [105.818, 21.002] differs from its first [105.818, 20.998]',
      );
      expect(stored()).toEqual(storedBefore());
    });

    it('two features for one area, an area outside the caller’s scope, a missing source: nothing stored', () => {
      expect(() =>
        importBoundaries(db, fc(feature({ path: `${TX}/khuong-mai` }), feature({ path: `${TX}/khuong-mai` })), {
          source: 'new',
        }),
      ).toThrow('features 0 and 1 both match ha-noi/thanh-xuan/khuong-mai');
      const scope = errorOf(() =>
        importBoundaries(db, fc(feature({ path: `${TX}/khuong-mai` }), feature({ path: 'ha-noi/dong-da' })), {
          source: 'new',
          canEdit: (p) => p.startsWith(`${TX}/`),
        }),
      );
      expect(scope).toBeInstanceOf(BoundaryScopeError);
      expect(scope.message).toBe(
        'feature 1 ("ha-noi/dong-da" → ha-noi/dong-da): area "ha-noi/dong-da" is outside your area',
      );
      expect(() => importBoundaries(db, three(poly(105.8, 21)), { parentPath: TX })).toThrow(
        'feature 0 ("ha-dinh" → ha-noi/thanh-xuan/ha-dinh) has no source',
      );
      expect(stored()).toEqual(storedBefore());
    });

    it('a write that fails half-way is rolled back', () => {
      db.exec(
        `CREATE TRIGGER fail_kim_giang BEFORE UPDATE OF boundary ON areas WHEN NEW.path = '${TX}/kim-giang' BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
      expect(() => importBoundaries(db, three(poly(105.8, 21)), { parentPath: TX, source: 'new' })).toThrow(
        'disk full',
      );
      expect(stored()).toEqual(storedBefore());
    });

    it('a file that matches nothing is an error that says what was tried', () => {
      const e = errorOf(() =>
        importBoundaries(db, fc(feature({ name: 'Phường Láng Hạ' })), { parentPath: TX, matchBy: 'name', source: 'x' }),
      ) as BoundaryError;
      expect(e.message).toBe('no feature matched an area (matching "name" by name under ha-noi/thanh-xuan)');
      expect(e.details).toEqual({
        matched: [],
        unmatched: [
          {
            feature: 0,
            key: 'Phường Láng Hạ',
            reason: 'no area with that name under ha-noi/thanh-xuan',
            reasonVi: 'không có khu vực nào có tên này trong ha-noi/thanh-xuan',
          },
        ],
      });
      expect(e.msg?.vi).toBe(
        'Không đối tượng nào khớp với khu vực nào (khớp thuộc tính "name" theo tên trong ha-noi/thanh-xuan).',
      );
      expect(stored()).toEqual(storedBefore());
    });
  });

  it.each([
    [
      { type: 'Polygon', coordinates: [] },
      'got type "Polygon"; to set one area\'s outline from a bare geometry use PUT /api/v1/areas/boundary',
    ],
    [{ type: 'FeatureCollection' }, 'the FeatureCollection has no "features" array'],
    [{ type: 'FeatureCollection', features: [] }, 'the FeatureCollection has no features'],
    [{ type: 'FeatureCollection', features: [{ type: 'Polygon' }] }, 'feature 0 is not a GeoJSON Feature'],
    [[], 'expected a GeoJSON FeatureCollection or Feature'],
  ])('refuses what is not a FeatureCollection: %j', (input, message) => {
    expect(() => importBoundaries(db, input, { source: 'x' })).toThrow(message);
  });

  it('matching by slug or name needs an existing parent', () => {
    expect(() => importBoundaries(db, fc(feature({ name: 'x' })), { matchBy: 'name', source: 'x' })).toThrow(
      "matching by name needs the parent area's path",
    );
    expect(() =>
      importBoundaries(db, fc(feature({ slug: 'x' })), { parentPath: 'ha-noi/cau-giay', source: 'x' }),
    ).toThrow('parent area "ha-noi/cau-giay" does not exist');
  });
});
