// Refusals through HTTP against a real hub carry the message in both languages: "error" stays
// English (scripts, tests), "errorVi" is what a Vietnamese official reads, "code" names it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { formatVn } from '../time.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { squareRing } from '../../test/helpers/outlines.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';

let t: TestHub;
let w: World;
const vnDay = (offsetDays: number) => formatVn(Date.now() + offsetDays * DAY)!.slice(0, 10);
const led = (text: string) => ({ pages: [{ lines: [text], mode: 'hold', seconds: 20 }] });
const bulletin = (o: Record<string, unknown>) => ({
  title: 'Bản tin',
  led: led('Thông báo'),
  priority: 'normal',
  volume: 60,
  targets: { areas: [HA_DINH], devices: [] },
  ...o,
});
// Letters only Vietnamese uses.
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

beforeAll(async () => {
  t = await startTestHub({ maxUploadBytes: 64 * 1024 });
  w = await seedWorld(t, [{ id: 'led-hd-1', kind: 'led', area: HA_DINH }]);
});
afterAll(() => t?.stop());

/** A raw request: status and the whole JSON body. */
async function call(as: ApiClient | null, method: string, path: string, body?: unknown) {
  const token = as ? as.token : undefined;
  const res = await fetch(t.hub.httpUrl + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { error: string; errorVi?: string; code?: string; [k: string]: unknown },
  };
}

function expectVietnamese(body: { error: string; errorVi?: string }) {
  expect(body.errorVi).toMatch(VIETNAMESE);
  expect(body.errorVi).not.toBe(body.error);
}

describe('error bodies in English and Vietnamese', () => {
  it('the author cannot approve their own bulletin', async () => {
    const own = await w.leader.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Tin của lãnh đạo', startsAt: `${vnDay(2)}T09:00` }),
    );
    const r = await call(w.leader, 'POST', `/api/v1/broadcasts/${own.id}/approve`, {});
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      error: 'the author of a broadcast cannot approve or reject it; another person must',
      errorVi: 'Người soạn không thể tự phê duyệt hoặc từ chối bản tin của mình; cần một người khác.',
      code: 'broadcast.author-cannot-approve',
    });
  });

  it('a body without a title lists the zod issues in both languages', async () => {
    const r = await call(w.official, 'POST', '/api/v1/broadcasts', {
      led: led('Thông báo'),
      targets: { areas: [HA_DINH] },
      startsAt: 'now',
      volume: 101,
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('request.invalid-body');
    expect(r.body.error).toBe(
      'invalid request body: title: Invalid input: expected string, received undefined; volume: Too big: expected number to be <=100',
    );
    expect(r.body.errorVi).toBe(
      'Thông tin gửi lên chưa hợp lệ — Tiêu đề: bắt buộc phải có; Âm lượng: không được lớn hơn 100.',
    );
    const empty = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ title: ' ', startsAt: 'now', targets: { areas: [], devices: [] } }),
    );
    expect(empty.body.errorVi).toBe(
      'Thông tin gửi lên chưa hợp lệ — Tiêu đề: bắt buộc phải nhập; Nơi phát: chọn ít nhất một khu vực hoặc thiết bị.',
    );
  });

  it('a bad recurrence rule says what is missing', async () => {
    const unbounded = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ rrule: `DTSTART:${vnDay(2).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;BYHOUR=6` }),
    );
    expect(unbounded.status).toBe(400);
    expect(unbounded.body).toMatchObject({
      code: 'broadcast.rrule-invalid',
      error: 'rrule: every RRULE needs COUNT or UNTIL so the broadcast ends',
      errorVi: 'Mỗi dòng RRULE cần có COUNT hoặc UNTIL để lịch phát có điểm kết thúc.',
    });
    // The draft check (the form's live check) says the same.
    const check = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts/check',
      bulletin({ rrule: 'RRULE:FREQ=DAILY;COUNT=2' }),
    );
    expect(check.status).toBe(400);
    expect(check.body.errorVi).toBe('Lịch lặp lại cần một dòng DTSTART, ví dụ DTSTART:20261124T000000.');
    const badTime = await call(w.official, 'POST', '/api/v1/broadcasts', bulletin({ startsAt: 'tomorrow' }));
    expect(badTime.body.errorVi).toBe(
      'Thời điểm phát: "tomorrow" không đúng dạng ngày giờ, ví dụ 2026-11-24T06:00 (giờ Việt Nam) hoặc 2026-11-23T23:00:00Z.',
    );
  });

  it('quiet hours keep their code and name the times in Vietnamese', async () => {
    const q = await call(w.leader, 'POST', '/api/v1/quiet-hours', { areaPath: HA_DINH, start: '22:00', end: '05:30' });
    expect(q.status).toBe(201);
    const r = await call(w.official, 'POST', '/api/v1/broadcasts', bulletin({ startsAt: `${vnDay(1)}T23:15` }));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('quiet-hours');
    expect(r.body.error).toContain(`${vnDay(1)} 23:15 falls in the quiet hours 22:00–05:30 of Phường Hạ Đình`);
    expect(r.body.errorVi).toBe(
      `Bản tin mức độ Thông thường không được phát trong giờ yên tĩnh: lần phát lúc ${vnDay(1)} 23:15 rơi vào giờ yên tĩnh 22:00–05:30 của Phường Hạ Đình. ` +
        'Vui lòng chọn thời điểm khác, hoặc chọn mức độ Ưu tiên hay Khẩn cấp.',
    );
    expect((r.body.clashes as Array<{ window: { start: string } }>)[0].window.start).toBe('22:00');
    const badTime = await call(w.leader, 'POST', '/api/v1/quiet-hours', {
      areaPath: HA_DINH,
      start: '25:00',
      end: '05:30',
    });
    expect(badTime.body).toMatchObject({
      code: 'quiet-hours.bad-time',
      errorVi: '"25:00" không phải giờ trong ngày hợp lệ (ví dụ 22:00).',
    });
  });

  it('login failures, missing logins and roles', async () => {
    const r = await call(null, 'POST', '/api/v1/auth/login', { username: 'canbo', password: 'wrong-password' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual({
      error: 'wrong username or password',
      errorVi: 'Sai tên đăng nhập hoặc mật khẩu.',
      code: 'auth.wrong-credentials',
    });
    const anonymous = await call(null, 'GET', '/api/v1/broadcasts');
    expect(anonymous).toMatchObject({ status: 401, body: { code: 'auth.login-required' } });
    expectVietnamese(anonymous.body);
    const role = await call(w.official, 'POST', '/api/v1/quiet-hours', {
      areaPath: HA_DINH,
      start: '12:00',
      end: '13:00',
    });
    expect(role.status).toBe(403);
    expect(role.body.errorVi).toBe(
      'Vai trò của bạn (cán bộ phường) không được thực hiện thao tác này; chỉ lãnh đạo phường, Phòng Văn hóa và Thông tin quận hoặc quản trị viên mới được thực hiện.',
    );
    await t.admin.post('/api/v1/users', {
      username: 'canbo.hd',
      password: 'password-canbo-hd',
      role: 'operator',
      areaPath: HA_DINH,
    });
    const hdOfficial = await t.api.as('canbo.hd', 'password-canbo-hd');
    const scope = await call(
      hdOfficial,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ startsAt: 'now', targets: { areas: [KIM_GIANG], devices: [] } }),
    );
    expect(scope).toMatchObject({
      status: 403,
      body: {
        code: 'broadcast.out-of-scope',
        errorVi: `Bạn không được tạo lịch phát cho "${KIM_GIANG}" (khu vực phụ trách của bạn là "${HA_DINH}").`,
      },
    });
  });

  it('404s: an unknown broadcast, media item or route', async () => {
    const b = await call(w.official, 'GET', '/api/v1/broadcasts/nope');
    expect(b).toMatchObject({
      status: 404,
      body: {
        error: 'broadcast nope does not exist',
        errorVi: 'Không tìm thấy bản tin nope.',
        code: 'broadcast.not-found',
      },
    });
    const m = await call(w.official, 'GET', '/api/v1/media/999');
    expect(m).toMatchObject({
      status: 404,
      body: { code: 'media.not-found', errorVi: 'Không tìm thấy tệp âm thanh số 999.' },
    });
    const route = await call(w.official, 'GET', '/api/v1/nothing-here');
    expect(route).toMatchObject({ status: 404, body: { code: 'http.no-route' } });
    expectVietnamese(route.body);
  });

  it('bodies that are not JSON, and plain-string errors keep their old shape', async () => {
    const r = await call(w.official, 'POST', '/api/v1/broadcasts', '{"title":');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('request.invalid-json');
    expect(r.body.error).toMatch(/^request body is not valid JSON/);
    expect(r.body.errorVi).toMatch(/^Dữ liệu gửi lên không phải JSON hợp lệ/);
  });

  it("devices, enrolment and areas: existing ids, bad slugs, unknown tokens, areas outside one's own", async () => {
    const exists = await call(t.admin, 'POST', '/api/v1/devices', {
      id: 'led-hd-1',
      name: 'Bảng LED',
      kind: 'led',
      areaPath: HA_DINH,
    });
    expect(exists).toEqual({
      status: 400,
      body: {
        error: 'device "led-hd-1" already exists',
        errorVi: 'Mã thiết bị "led-hd-1" đã tồn tại.',
        code: 'device.exists',
      },
    });
    const badId = await call(t.admin, 'POST', '/api/v1/devices', {
      id: 'Loa_Chợ',
      name: 'Cụm loa chợ',
      kind: 'speaker',
      areaPath: HA_DINH,
    });
    expect(badId).toMatchObject({
      status: 400,
      body: {
        code: 'slug.invalid',
        error: 'device id "Loa_Chợ" is not a valid slug (lowercase letters, digits and inner hyphens, 1-64 characters)',
        errorVi:
          'Mã thiết bị "Loa_Chợ" không hợp lệ (chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang ở giữa, dài 1–64 ký tự).',
      },
    });
    const outside = await call(w.district, 'POST', '/api/v1/devices', {
      id: 'loa-hn-1',
      name: 'Cụm loa',
      kind: 'speaker',
      areaPath: 'ha-noi',
    });
    expect(outside).toEqual({
      status: 403,
      body: {
        error: 'area "ha-noi" is outside your area',
        errorVi: 'Khu vực "ha-noi" nằm ngoài phạm vi phụ trách của bạn.',
        code: 'area.outside-your-area',
      },
    });
    const missing = await call(w.district, 'GET', '/api/v1/devices/loa-9');
    expect(missing).toMatchObject({
      status: 404,
      body: { code: 'device.not-found', errorVi: 'Thiết bị "loa-9" không tồn tại.' },
    });
    const unknown = await call(null, 'POST', '/api/v1/enrol', {
      token: 'enrol_not-a-real-token-at-all',
      publicKey: 'A'.repeat(60),
    });
    expect(unknown).toEqual({
      status: 401,
      body: {
        error: 'enrolment token is unknown or already used',
        errorVi: 'Mã đăng ký thiết bị không đúng hoặc đã được sử dụng.',
        code: 'enrol.token-unknown',
      },
    });
    const badKey = await call(null, 'POST', '/api/v1/enrol', {
      token: w.tokens['led-hd-1'],
      publicKey: 'A'.repeat(60),
    });
    expect(badKey.status).toBe(401);
    expect(badKey.body.code).toBe('enrol.bad-public-key');
    expect(badKey.body.errorVi).toMatch(/^Khóa công khai \(publicKey\) không phải khóa Ed25519 hợp lệ: /);
    const areaExists = await call(t.admin, 'POST', '/api/v1/areas', {
      parentPath: 'ha-noi',
      slug: 'thanh-xuan',
      name: 'Quận Thanh Xuân',
      level: 'district',
    });
    expect(areaExists).toEqual({
      status: 400,
      body: {
        error: 'area "ha-noi/thanh-xuan" already exists',
        errorVi: 'Khu vực "ha-noi/thanh-xuan" đã tồn tại.',
        code: 'area.exists',
      },
    });
    const noParent = await call(t.admin, 'POST', '/api/v1/areas', {
      parentPath: 'ha-noi/cau-giay',
      slug: 'dich-vong',
      name: 'Phường Dịch Vọng',
      level: 'ward',
    });
    expect(noParent.body).toMatchObject({
      code: 'area.parent-not-found',
      errorVi: 'Khu vực cấp trên "ha-noi/cau-giay" không tồn tại.',
    });
    const badSlug = await call(t.admin, 'POST', '/api/v1/areas', {
      parentPath: 'ha-noi',
      slug: 'Cầu Giấy',
      name: 'Quận Cầu Giấy',
      level: 'district',
    });
    expect(badSlug.body).toMatchObject({
      code: 'slug.invalid',
      errorVi:
        'Mã khu vực (slug) "Cầu Giấy" không hợp lệ (chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang ở giữa, dài 1–64 ký tự).',
    });
  });

  it("ward outlines: a ring not closed, an import that matches one ward twice, an area outside one's own", async () => {
    const sq = squareRing;
    const open = await call(w.district, 'PUT', '/api/v1/areas/boundary', {
      path: HA_DINH,
      geometry: { type: 'MultiPolygon', coordinates: [[sq(105.81, 20.99)], [sq(105.82, 20.99).slice(0, 4)]] },
      source: 'Sở TN&MT Hà Nội 2024',
    });
    expect(open.status).toBe(400);
    expect(open.body).toEqual({
      error:
        'ring 0 of polygon 1 is not closed: its last position [105.818, 20.992] differs from its first [105.818, 20.988]',
      errorVi: 'Vòng 0 của đa giác 1 chưa khép kín: điểm cuối [105.818, 20.992] khác điểm đầu [105.818, 20.988].',
      code: 'boundary.invalid',
    });
    const feature = (path: string) => ({
      type: 'Feature',
      properties: { path },
      geometry: { type: 'Polygon', coordinates: [sq(105.81, 20.99)] },
    });
    const twice = await call(w.district, 'POST', '/api/v1/areas/boundaries/import?source=x', {
      type: 'FeatureCollection',
      features: [feature(HA_DINH), feature(HA_DINH)],
    });
    expect(twice).toEqual({
      status: 400,
      body: {
        error: `features 0 and 1 both match ${HA_DINH}`,
        errorVi: `Đối tượng 0 và 1 cùng khớp với khu vực ${HA_DINH}.`,
        code: 'boundary.import-duplicate-match',
      },
    });
    const outside = await call(w.district, 'PUT', '/api/v1/areas/boundary', { path: 'ha-noi', geometry: null });
    expect(outside).toMatchObject({
      status: 403,
      body: { code: 'area.outside-your-area', errorVi: 'Khu vực "ha-noi" nằm ngoài phạm vi phụ trách của bạn.' },
    });
    const missing = await call(w.district, 'PUT', '/api/v1/areas/boundary', {
      path: `${HA_DINH}/to-1`,
      geometry: null,
    });
    expect(missing).toMatchObject({
      status: 400,
      body: { code: 'area.not-found', errorVi: `Khu vực "${HA_DINH}/to-1" không tồn tại.` },
    });
  });

  it('a failed upload says why in Vietnamese too (library page)', async () => {
    const token = w.official.token;
    const form = new FormData();
    form.append(
      'file',
      new Blob([
        new Uint8Array(
          Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]),
        ),
      ]),
      'anh.mp3',
    );
    const res = await fetch(`${t.hub.httpUrl}/api/v1/media`, {
      method: 'POST',
      body: form,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    const m = await w.official.waitFor(
      async () => {
        const x = await w.official.get(`/api/v1/media/${id}`);
        return x.status !== 'processing' ? x : null;
      },
      30_000,
      `media ${id}`,
    );
    expect(m).toMatchObject({
      status: 'failed',
      errorCode: 'not-audio',
      error: 'the file is not audio: it looks like a PNG image',
      errorVi: 'Tệp không phải âm thanh: có vẻ là ảnh PNG.',
    });
    // Broadcasting it names the reason in both languages.
    const b = await call(w.official, 'POST', '/api/v1/broadcasts', {
      title: 'Ảnh',
      mediaId: id,
      targets: { areas: [HA_DINH] },
      startsAt: 'now',
    });
    expect(b.status).toBe(409);
    expect(b.body.errorVi).toBe(
      `Tệp âm thanh số ${id} bị lỗi khi xử lý (Tệp không phải âm thanh: có vẻ là ảnh PNG); chỉ phát được âm thanh đã xử lý xong.`,
    );
    // Too large for this hub's limit (64 KB): refused at once.
    const big = new FormData();
    big.append('file', new Blob([new Uint8Array(100 * 1024)]), 'lon.mp3');
    const tooBig = await fetch(`${t.hub.httpUrl}/api/v1/media`, {
      method: 'POST',
      body: big,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({
      code: 'upload.too-large',
      error: expect.stringMatching(/^file is larger than the \d+ MB limit$/),
      errorVi: expect.stringMatching(/^Tệp vượt quá giới hạn \d+ MB\.$/),
    });
  });
});
