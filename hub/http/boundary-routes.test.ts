// Area outlines through the HTTP API of a real hub: who may read and change them, the import with
// its report, bodies larger than the API's usual 1 MB, and bad input that stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { demoBoundaries, DISTRICT, WARDS } from '../demo-seed.ts';
import { squarePolygon } from '../../test/helpers/outlines.ts';
import type { BoundaryFeature, ImportReport } from '../areas/boundaries.ts';
import type { AuditEntry, HubJson } from '../../test/helpers/api-types.ts';

let t: TestHub;
const tokens: Record<string, string> = {};
const HA_DINH = `${DISTRICT}/ha-dinh`;

async function call(
  who: string | null,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
) {
  const res = await fetch(t.hub.httpUrl + path, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as HubJson };
}
const square = squarePolygon;
/** A ring of n positions around a point (n - 1 distinct, closed). */
const circle = (lon: number, lat: number, n: number) => {
  const ring = Array.from({ length: n - 1 }, (_, i) => [
    lon + 0.004 * Math.cos((2 * Math.PI * i) / (n - 1)),
    lat + 0.004 * Math.sin((2 * Math.PI * i) / (n - 1)),
  ]);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]]] };
};
const outlined = async (who: string) =>
  (await call(who, 'GET', '/api/v1/areas/boundaries')).body.features.map((f: BoundaryFeature) => f.properties.path);
const sourceOf = async (path: string) =>
  (await call('admin', 'GET', '/api/v1/areas/boundaries')).body.features.find(
    (f: BoundaryFeature) => f.properties.path === path,
  )?.properties.source;

beforeAll(async () => {
  t = await startTestHub();
  const a = t.admin;
  await a.post('/api/v1/areas', { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  await a.post('/api/v1/areas', {
    parentPath: 'ha-noi',
    slug: 'thanh-xuan',
    name: 'Quận Thanh Xuân',
    level: 'district',
  });
  await a.post('/api/v1/areas', { parentPath: 'ha-noi', slug: 'dong-da', name: 'Quận Đống Đa', level: 'district' });
  for (const [slug, name] of WARDS) await a.post('/api/v1/areas', { parentPath: DISTRICT, slug, name, level: 'ward' });
  await a.post('/api/v1/users', { username: 'quan', password: 'password-quan', role: 'district', areaPath: DISTRICT });
  await a.post('/api/v1/users', { username: 'canbo', password: 'password-canbo', role: 'operator', areaPath: HA_DINH });
  for (const [u, p] of [
    ['quan', 'password-quan'],
    ['canbo', 'password-canbo'],
    ['admin', 'test-admin-password-1'],
  ]) {
    tokens[u] = (await t.api.post('/api/v1/auth/login', { username: u, password: p })).token;
  }
});
afterAll(() => t?.stop());

describe('area outlines API', () => {
  it('the district office sets and clears a ward outline; it is audited; others may not', async () => {
    const put = await call('quan', 'PUT', '/api/v1/areas/boundary', {
      path: HA_DINH,
      geometry: square(105.81, 20.99),
      source: 'Sở TN&MT Hà Nội 2024',
    });
    expect(put).toEqual({ status: 200, body: { path: HA_DINH, positions: 5, source: 'Sở TN&MT Hà Nội 2024' } });
    expect((await call('canbo', 'PUT', '/api/v1/areas/boundary', { path: HA_DINH, geometry: null })).status).toBe(403);
    const outside = await call('quan', 'PUT', '/api/v1/areas/boundary', {
      path: 'ha-noi/dong-da',
      geometry: square(105.83, 21.01),
      source: 'x',
    });
    expect(outside).toEqual({
      status: 403,
      body: {
        error: 'area "ha-noi/dong-da" is outside your area',
        errorVi: 'Khu vực "ha-noi/dong-da" nằm ngoài phạm vi phụ trách của bạn.',
        code: 'area.outside-your-area',
      },
    });
    const bad = await call('quan', 'PUT', '/api/v1/areas/boundary', {
      path: HA_DINH,
      geometry: {
        type: 'MultiPolygon',
        coordinates: [square(105.81, 20.99).coordinates, [square(105.82, 20.99).coordinates[0].slice(0, 4)]],
      },
      source: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^ring 0 of polygon 1 is not closed/);
    expect(bad.body.code).toBe('boundary.invalid');
    expect(bad.body.errorVi).toMatch(
      /^Vòng 0 của đa giác 1 chưa khép kín: điểm cuối \[[\d., ]+\] khác điểm đầu \[[\d., ]+\]\.$/,
    );
    const noSource = await call('quan', 'PUT', '/api/v1/areas/boundary', {
      path: HA_DINH,
      geometry: square(105.81, 20.99),
    });
    expect(noSource.body.error).toMatch(/has no source/);
    expect(noSource.body.errorVi).toBe(
      `Đường ranh giới của "${HA_DINH}" chưa ghi nguồn; vui lòng cho biết đường ranh giới lấy từ đâu (ví dụ "Sở TN&MT Hà Nội 2024" hoặc "approximate: …").`,
    );
    const noGeometry = await call('quan', 'PUT', '/api/v1/areas/boundary', { path: HA_DINH, source: 'x' });
    expect(noGeometry.body.error).toBe(
      'invalid request body: geometry: missing: send a GeoJSON Polygon or MultiPolygon, or null to clear the outline',
    );
    expect(noGeometry.body.errorVi).toBe(
      'Thông tin gửi lên chưa hợp lệ — Đường ranh giới: bắt buộc phải có (hình học GeoJSON dạng Polygon hoặc MultiPolygon, hoặc null để xóa đường ranh giới).',
    );
    expect(await sourceOf(HA_DINH)).toBe('Sở TN&MT Hà Nội 2024'); // the refused ones changed nothing
    expect((await call('quan', 'PUT', '/api/v1/areas/boundary', { path: HA_DINH, geometry: null })).body).toEqual({
      path: HA_DINH,
      positions: 0,
      source: null,
    });
    expect(await outlined('admin')).toEqual([]);
    const log = (await call('admin', 'GET', '/api/v1/audit?limit=20')).body;
    expect(
      log
        .filter((r: AuditEntry) => r.action.startsWith('area.boundary'))
        .map((r: AuditEntry) => [r.action, r.target, r.username]),
    ).toEqual([
      ['area.boundary.clear', HA_DINH, 'quan'],
      ['area.boundary.set', HA_DINH, 'quan'],
    ]);
  });

  it('imports a FeatureCollection by path; everyone sees their outlines, those above and beside, without geometry in /areas', async () => {
    const r = await call(
      'quan',
      'POST',
      `/api/v1/areas/boundaries/import?source=${encodeURIComponent('approximate: demo')}`,
      demoBoundaries(),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dryRun: false, stored: 12, unmatched: [], notInFile: [] });
    expect(await outlined('quan')).toHaveLength(12);
    // A ward official: the district, their ward and the wards beside it (where theirs sits).
    expect(await outlined('canbo')).toHaveLength(12);
    expect(await outlined('canbo')).toEqual(expect.arrayContaining([DISTRICT, HA_DINH, `${DISTRICT}/kim-giang`]));
    const fc = (await call('canbo', 'GET', '/api/v1/areas/boundaries')).body;
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features[1]).toMatchObject({
      type: 'Feature',
      properties: { path: HA_DINH, name: 'Phường Hạ Đình', level: 'ward', source: 'approximate: demo' },
      geometry: { type: 'Polygon' },
    });
    expect((await call(null, 'GET', '/api/v1/areas/boundaries')).status).toBe(401);
    const areas = (await call('canbo', 'GET', '/api/v1/areas')).body;
    for (const a of areas) expect(Object.keys(a).sort()).toEqual(['code', 'id', 'level', 'name', 'parentId', 'path']);
    const log = (await call('admin', 'GET', '/api/v1/audit?limit=5')).body;
    expect(log[0]).toMatchObject({
      action: 'area.boundary.import',
      target: DISTRICT,
      username: 'quan',
      detail: { stored: 12, source: 'approximate: demo' },
    });
  });

  it('imports by name under a parent and reports what matched and what did not; a dry run stores nothing', async () => {
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { ten_phuong: 'Phường Hạ Đình' }, geometry: square(105.81, 20.99) },
        { type: 'Feature', properties: { ten_phuong: 'P. Kim Giang' }, geometry: square(105.816, 20.983) },
        { type: 'Feature', properties: { ten_phuong: 'Phường Láng Hạ' }, geometry: square(105.81, 21.01) },
      ],
    };
    const q = `parent=${DISTRICT}&match=name&property=ten_phuong&source=${encodeURIComponent('Sở TN&MT Hà Nội 2024')}`;
    const dry = await call('quan', 'POST', `/api/v1/areas/boundaries/import?${q}&dryRun=true`, file);
    expect(dry.body).toMatchObject({ dryRun: true, stored: 0 });
    expect(await sourceOf(HA_DINH)).toBe('approximate: demo');
    const r = await call('quan', 'POST', `/api/v1/areas/boundaries/import?${q}`, file);
    expect(r.status).toBe(200);
    expect(r.body.matched.map((m: ImportReport['matched'][number]) => [m.feature, m.path])).toEqual([
      [0, HA_DINH],
      [1, `${DISTRICT}/kim-giang`],
    ]);
    expect(r.body.unmatched).toEqual([
      {
        feature: 2,
        key: 'Phường Láng Hạ',
        reason: `no area with that name under ${DISTRICT}`,
        reasonVi: `không có khu vực nào có tên này trong ${DISTRICT}`,
      },
    ]);
    expect(r.body.notInFile).toHaveLength(9);
    expect(await sourceOf(HA_DINH)).toBe('Sở TN&MT Hà Nội 2024');
  });

  it('a bad feature, an area outside scope or a file that matches nothing stores nothing', async () => {
    const q = `parent=${DISTRICT}&source=new`;
    const bad = await call('quan', 'POST', `/api/v1/areas/boundaries/import?${q}`, {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { slug: 'khuong-mai' }, geometry: square(105.829, 20.996) },
        {
          type: 'Feature',
          properties: { slug: 'kim-giang' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [105.81, 20.98],
                [105.82, 20.98],
                [105.82, 20.99],
              ],
            ],
          },
        },
      ],
    });
    expect(bad).toEqual({
      status: 400,
      body: {
        error: `feature 1 ("kim-giang" → ${DISTRICT}/kim-giang): ring 0 has 3 positions; a closed ring needs at least 4 (the last repeating the first)`,
        errorVi: `Đối tượng 1 ("kim-giang" → ${DISTRICT}/kim-giang): vòng 0 chỉ có 3 điểm; một vòng khép kín cần ít nhất 4 điểm (điểm cuối trùng điểm đầu).`,
        code: 'boundary.feature-invalid',
      },
    });
    const outside = await call('quan', 'POST', '/api/v1/areas/boundaries/import?source=new', {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { path: `${DISTRICT}/khuong-mai` }, geometry: square(105.829, 20.996) },
        { type: 'Feature', properties: { path: 'ha-noi/dong-da' }, geometry: square(105.83, 21.01) },
      ],
    });
    expect(outside.status).toBe(403);
    expect(outside.body.error).toBe(
      'feature 1 ("ha-noi/dong-da" → ha-noi/dong-da): area "ha-noi/dong-da" is outside your area',
    );
    expect(outside.body).toMatchObject({
      code: 'boundary.import-outside-scope',
      errorVi:
        'Đối tượng 1 ("ha-noi/dong-da" → ha-noi/dong-da): khu vực "ha-noi/dong-da" nằm ngoài phạm vi phụ trách của bạn.',
    });
    const none = await call('quan', 'POST', `/api/v1/areas/boundaries/import?${q}`, {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { slug: 'lang-ha' }, geometry: square(105.81, 21.01) }],
    });
    expect(none.status).toBe(400);
    expect(none.body).toEqual({
      error: `no feature matched an area (matching "slug" by slug under ${DISTRICT})`,
      errorVi: `Không đối tượng nào khớp với khu vực nào (khớp thuộc tính "slug" theo mã (slug) trong ${DISTRICT}).`,
      code: 'boundary.import-nothing-matched',
      matched: [],
      unmatched: [
        {
          feature: 0,
          key: 'lang-ha',
          reason: `no area with that slug under ${DISTRICT}`,
          reasonVi: `không có khu vực nào có mã (slug) này trong ${DISTRICT}`,
        },
      ],
    });
    expect((await call('canbo', 'POST', `/api/v1/areas/boundaries/import?${q}`, demoBoundaries())).status).toBe(403);
    const notGeo = await call('quan', 'POST', `/api/v1/areas/boundaries/import?${q}`, square(105.81, 20.99));
    expect(notGeo.body.error).toMatch(/got type "Polygon"; to set one area's outline from a bare geometry use PUT/);
    expect(notGeo.body.errorVi).toBe(
      'Cần một GeoJSON dạng FeatureCollection hoặc Feature, nhưng nhận được kiểu "Polygon"; để đặt đường ranh giới cho một khu vực từ một hình học đơn lẻ, hãy dùng PUT /api/v1/areas/boundary.',
    );
    expect(await sourceOf(`${DISTRICT}/khuong-mai`)).toBe('approximate: demo');
    expect(await sourceOf(`${DISTRICT}/kim-giang`)).toBe('Sở TN&MT Hà Nội 2024');
  });

  it('takes files over 1 MB as application/geo+json, and names the limits', async () => {
    // Three detailed outlines, about 2.5 MB of JSON.
    const file = {
      type: 'FeatureCollection',
      features: ['khuong-mai', 'khuong-trung', 'phuong-liet'].map((slug, i) => ({
        type: 'Feature',
        properties: { slug },
        geometry: circle(105.82 + 0.01 * i, 21, 19_000),
      })),
    };
    const text = JSON.stringify(file);
    expect(text.length).toBeGreaterThan(2_000_000);
    const asJson = await call(
      'quan',
      'POST',
      `/api/v1/areas/boundaries/import?parent=${DISTRICT}&source=detailed`,
      text,
    );
    expect(asJson).toEqual({
      status: 413,
      body: {
        error: 'request body is larger than 1 MB',
        errorVi: 'Dữ liệu gửi lên vượt quá 1 MB.',
        code: 'request.too-large',
      },
    });
    const asGeo = await call(
      'quan',
      'POST',
      `/api/v1/areas/boundaries/import?parent=${DISTRICT}&source=detailed`,
      text,
      'application/geo+json',
    );
    expect(asGeo.status).toBe(200);
    expect(asGeo.body.matched.map((m: ImportReport['matched'][number]) => m.positions)).toEqual([
      19_000, 19_000, 19_000,
    ]);
    expect(await sourceOf(`${DISTRICT}/phuong-liet`)).toBe('detailed');
    const plain = await call(
      'quan',
      'POST',
      `/api/v1/areas/boundaries/import?parent=${DISTRICT}&source=x`,
      text,
      'text/plain',
    );
    expect(plain).toEqual({
      status: 415,
      body: {
        error: 'send the GeoJSON with content-type application/geo+json (up to 32 MB) or application/json (up to 1 MB)',
        errorVi:
          'Vui lòng gửi GeoJSON với content-type application/geo+json (tối đa 32 MB) hoặc application/json (tối đa 1 MB).',
        code: 'geojson.wrong-content-type',
      },
    });
    const broken = await call(
      'quan',
      'POST',
      `/api/v1/areas/boundaries/import?parent=${DISTRICT}&source=x`,
      '{"type": "FeatureCollection", ',
      'application/geo+json',
    );
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatch(/^request body is not valid JSON/);
    expect(broken.body).toMatchObject({
      code: 'request.invalid-json',
      errorVi: expect.stringMatching(/^Dữ liệu gửi lên không phải JSON hợp lệ: /),
    });
    const badQuery = await call('quan', 'POST', `/api/v1/areas/boundaries/import?match=postcode`, demoBoundaries());
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error).toMatch(/^invalid query: match/);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await call(null, 'GET', '/api/v1/openapi.json')).body;
    expect(Object.keys(doc.paths['/api/v1/areas/boundaries'])).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/v1/areas/boundary'])).toEqual(['put']);
    const imp = doc.paths['/api/v1/areas/boundaries/import'].post;
    expect(Object.keys(imp.requestBody.content)).toEqual(['application/geo+json', 'application/json']);
    expect(imp.parameters.map((p: { name: string }) => p.name)).toEqual([
      'parent',
      'match',
      'property',
      'source',
      'dryRun',
    ]);
    expect(imp['x-roles']).toEqual(['admin', 'district']);
  });
});
