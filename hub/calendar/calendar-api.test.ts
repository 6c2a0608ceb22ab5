// The calendar through the API at the year's end: the district keeps it, a ward reads it, and the
// upcoming anniversaries come with their dates in Vietnam by the hub's clock, not the machine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { DISTRICT, HA_DINH, seedWorld, type World } from '../../test/helpers/world.ts';
import type { HubJson } from '../../cli/api-client.ts';

// 31/12/2026 23:30 in Vietnam (16:30 UTC): half an hour before the new year there.
const clock = new ManualClock(Date.parse('2026-12-31T23:30:00+07:00'));
let t: TestHub;
let w: World;
beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock });
  w = await seedWorld(t, []);
});
afterAll(() => t?.stop());

const call = async (as: 'official' | 'district' | 'admin', method: string, path: string, body?: unknown) => {
  const token = (as === 'admin' ? t.admin : w[as]) as unknown as { token: string };
  const res = await fetch(`${t.hub.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HubJson };
};
const brief = (list: HubJson[]) => list.map((a) => `${a.date} ${a.name} (${a.label})`);

describe('the calendar of anniversaries', () => {
  it('is seeded with the national days, solar and lunar', async () => {
    const r = await call('official', 'GET', '/api/v1/anniversaries');
    expect(r.status).toBe(200);
    const names = r.body.map((a: HubJson) => `${a.name} ${a.day}/${a.month} ${a.calendar}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Ngày Giải phóng miền Nam, thống nhất đất nước 30/4 solar',
        'Ngày Quốc khánh 2/9 solar',
        'Tết Nguyên Đán 1/1 lunar',
        'Giỗ Tổ Hùng Vương 10/3 lunar',
        'Lễ Vu Lan 15/7 lunar',
      ]),
    );
  });

  it('gives the upcoming ones as dates in Vietnam, across the year end', async () => {
    const r = await call('official', 'GET', '/api/v1/anniversaries/upcoming?days=51');
    expect(r.status).toBe(200);
    expect(brief(r.body)).toEqual([
      '01/01/2027 Tết Dương lịch (1/1)',
      '30/01/2027 Ông Công, ông Táo (23/12 âm lịch)',
      '03/02/2027 Ngày thành lập Đảng Cộng sản Việt Nam (3/2)',
      '06/02/2027 Tết Nguyên Đán (1/1 âm lịch)',
    ]);
    expect(r.body[0]).toMatchObject({ isoDate: '2027-01-01', daysAway: 1 });

    clock.set(Date.parse('2027-01-01T00:30:00+07:00')); // 17:30 UTC on the 31st: already the 1st here
    const after = await call('official', 'GET', '/api/v1/anniversaries/upcoming?days=1');
    expect(brief(after.body)).toEqual(['01/01/2027 Tết Dương lịch (1/1)']);
    expect(after.body[0].daysAway).toBe(0);
  });

  it('lets the district add its own, on a lunar date, and a ward read it', async () => {
    const add = await call('district', 'POST', '/api/v1/anniversaries', {
      name: 'Lễ hội đình Hạ Đình',
      calendar: 'lunar',
      month: 2,
      day: 12,
      areaPath: DISTRICT,
    });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    const up = await call('official', 'GET', '/api/v1/anniversaries/upcoming?days=90');
    // 12/2 Đinh Mùi: 19/03/2027.
    expect(brief(up.body)).toContain('19/03/2027 Lễ hội đình Hạ Đình (12/2 âm lịch)');
  });

  it('refuses a ward official, a district touching a national day, and dates no calendar has', async () => {
    const body = { name: 'Ngày hội', calendar: 'solar', month: 4, day: 30, areaPath: HA_DINH };
    expect((await call('official', 'POST', '/api/v1/anniversaries', body)).status).toBe(403);
    const national = await call('district', 'POST', '/api/v1/anniversaries', { ...body, areaPath: null });
    expect(national).toMatchObject({ status: 403, body: { code: 'calendar.national' } });
    const tet = (await call('district', 'GET', '/api/v1/anniversaries')).body.find(
      (a: HubJson) => a.name === 'Tết Nguyên Đán',
    );
    expect((await call('district', 'DELETE', `/api/v1/anniversaries/${tet.id}`)).status).toBe(403);

    const bad = [
      [{ ...body, month: 13 }, 'calendar.bad-month', 'Tháng 13 không hợp lệ (phải từ 1 đến 12).'],
      [{ ...body, day: 31 }, 'calendar.bad-solar-day', 'Tháng 4 dương lịch không có ngày 31.'],
      [{ ...body, calendar: 'lunar', day: 31 }, 'calendar.bad-lunar-day', undefined],
    ] as const;
    for (const [b, code, vi] of bad) {
      const r = await call('district', 'POST', '/api/v1/anniversaries', b);
      expect(r.status).toBe(400);
      expect(r.body.code).toBe(code);
      if (vi) expect(r.body.errorVi).toBe(vi);
    }
    expect((await call('official', 'GET', '/api/v1/anniversaries/upcoming?days=0')).body.code).toBe(
      'calendar.bad-window',
    );
  });

  it('gives the anniversaries between two days, for the calendar grid', async () => {
    const r = await call('official', 'GET', '/api/v1/anniversaries/between?from=2027-04-10&to=2027-04-30');
    expect(r.status).toBe(200);
    expect(brief(r.body)).toEqual([
      '16/04/2027 Giỗ Tổ Hùng Vương (10/3 âm lịch)',
      '30/04/2027 Ngày Giải phóng miền Nam, thống nhất đất nước (30/4)',
    ]);
    const bad = await call('official', 'GET', '/api/v1/anniversaries/between?from=2027-04-31&to=2027-05-01');
    expect(bad).toMatchObject({ status: 400, body: { code: 'calendar.bad-range' } });
    const long = await call('official', 'GET', '/api/v1/anniversaries/between?from=2027-01-01&to=2028-03-01');
    expect(long.body.code).toBe('calendar.bad-range');
  });

  it("gives the dates a yearly bulletin on a lunar date falls on, a 30th kept on a 29-day month's last day", async () => {
    const hung = await call(
      'official',
      'GET',
      '/api/v1/anniversaries/lunar-dates?month=3&day=10&fromYear=2023&untilYear=2027',
    );
    expect(hung.body.dates.map((d: HubJson) => `${d.lunarYear}: ${d.date}`)).toEqual([
      '2023: 29/04/2023',
      '2024: 18/04/2024',
      '2025: 07/04/2025',
      '2026: 26/04/2026',
      '2027: 16/04/2027',
    ]);
    // 30/12 lunar: Giáp Thìn's month 12 has 29 days, so it airs on 29/12, the day before Tết (28/01/2025).
    const eve = await call(
      'official',
      'GET',
      '/api/v1/anniversaries/lunar-dates?month=12&day=30&fromYear=2023&untilYear=2024',
    );
    expect(eve.body.dates).toEqual([
      { lunarYear: 2023, date: '09/02/2024', isoDate: '2024-02-09', shifted: false },
      { lunarYear: 2024, date: '28/01/2025', isoDate: '2025-01-28', shifted: true },
    ]);
    const refused = async (q: string) =>
      (await call('official', 'GET', `/api/v1/anniversaries/lunar-dates?${q}`)).body.code;
    expect(await refused('month=3&day=31&fromYear=2027&untilYear=2028')).toBe('calendar.bad-lunar-day');
    expect(await refused('month=13&day=1&fromYear=2027&untilYear=2028')).toBe('calendar.bad-month');
    expect(await refused('month=3&day=10&fromYear=2027&untilYear=2060')).toBe('lunar.bad-years');
  });

  it('lets an administrator change a national day', async () => {
    const r = await call('admin', 'POST', '/api/v1/anniversaries', {
      name: 'Ngày Chuyển đổi số quốc gia',
      nameEn: 'National Digital Transformation Day',
      calendar: 'solar',
      month: 10,
      day: 10,
      areaPath: null,
    });
    expect(r.status).toBe(201);
    expect((await call('admin', 'DELETE', `/api/v1/anniversaries/${r.body.id}`)).status).toBe(200);
  });
});
