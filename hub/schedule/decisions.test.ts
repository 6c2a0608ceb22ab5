// Clash decisions and edits, through HTTP against a real hub. A ward official whose own bulletin
// clashes with the district's bulletin of the same priority decides which airs on the ward's
// devices: the decision changes what each device is planned to play (the same plan the manifests
// are built from), only for devices in their ward, and only while their bulletin stands. Editing:
// in place before approval; an approved broadcast keeps airing until its edit is approved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { formatVn } from '../time.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';
import type {
  AuditEntry,
  Broadcast,
  BroadcastDevice,
  Conflict,
  CoverageRow,
  DayOccurrence,
} from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
let hdOfficial: ApiClient;
let hdLeader: ApiClient;
let kgOfficial: ApiClient;
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

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
    { id: 'led-kg-1', kind: 'led', area: KIM_GIANG },
  ]);
  await t.admin.post('/api/v1/users', {
    username: 'canbo.hd',
    password: 'password-canbo-hd',
    role: 'operator',
    areaPath: HA_DINH,
  });
  await t.admin.post('/api/v1/users', {
    username: 'lanhdao.hd',
    password: 'password-lanhdao-hd',
    role: 'approver',
    areaPath: HA_DINH,
  });
  await t.admin.post('/api/v1/users', {
    username: 'canbo.kg',
    password: 'password-canbo-kg',
    role: 'operator',
    areaPath: KIM_GIANG,
  });
  hdOfficial = await t.api.as('canbo.hd', 'password-canbo-hd');
  hdLeader = await t.api.as('lanhdao.hd', 'password-lanhdao-hd');
  kgOfficial = await t.api.as('canbo.kg', 'password-canbo-kg');
});
afterAll(() => t?.stop());

async function failure(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const m = /→ (\d+): (.*)$/s.exec((e as Error).message);
    return { status: Number(m?.[1] ?? 0), message: m?.[2] ?? '' };
  }
  throw new Error('expected the request to fail');
}
/** Devices each broadcast is planned on (what goes into their manifests). */
const plannedOn = async (api: ApiClient, id: string) =>
  (await api.get(`/api/v1/broadcasts/${id}`)).devices.map((d: BroadcastDevice) => d.deviceId).sort();

describe('a clash with the district is the ward official’s decision', () => {
  let district: Broadcast;
  let ours: Broadcast;

  beforeAll(async () => {
    district = await w.district.post(
      '/api/v1/broadcasts',
      bulletin({
        title: 'Tin ưu tiên của quận',
        priority: 'priority',
        startsAt: `${vnDay(3)}T09:00`,
        targets: { areas: [DISTRICT], devices: [] },
      }),
    );
    await w.leader.post(`/api/v1/broadcasts/${district.id}/approve`, {});
    ours = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Tin của phường Hạ Đình', priority: 'priority', startsAt: `${vnDay(3)}T09:00` }),
    );
  });

  it('refuses decisions that have nothing to decide or come from another ward', async () => {
    const plain = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Không trùng', startsAt: `${vnDay(3)}T15:00` }),
    );
    expect(
      await failure(hdOfficial.post(`/api/v1/broadcasts/${plain.id}/decision`, { decision: 'yield' })),
    ).toMatchObject({ status: 409, message: expect.stringMatching(/no clash with a higher level/) });
    expect(
      (await failure(hdOfficial.post(`/api/v1/broadcasts/${ours.id}/decision`, { decision: 'maybe' }))).status,
    ).toBe(400);
    expect(
      (await failure(kgOfficial.post(`/api/v1/broadcasts/${ours.id}/decision`, { decision: 'air-ours' }))).status,
    ).toBe(403);
  });

  it('"yield": ours leaves the clashing device once approved; the district bulletin stays everywhere', async () => {
    const toDecide = async () =>
      (await hdOfficial.get('/api/v1/clashes-to-decide')).filter(
        (c: { broadcastId: string }) => c.broadcastId === ours.id,
      ); // clashesToDecide
    expect(await toDecide()).toEqual([
      {
        broadcastId: ours.id,
        title: 'Tin của phường Hạ Đình',
        against: [{ id: district.id, title: 'Tin ưu tiên của quận' }],
      },
    ]);
    const r = await hdOfficial.post(`/api/v1/broadcasts/${ours.id}/decision`, {
      decision: 'yield',
      conflictsWith: [district.id],
    });
    expect(await toDecide()).toEqual([]);
    expect(r.excluded).toEqual([
      expect.objectContaining({ broadcastId: ours.id, deviceId: 'led-hd-1', start: `${vnDay(3)}T09:00:00+07:00` }),
    ]);
    // The leader reviewing it sees the decision and no remaining clash.
    const detail = await hdLeader.get(`/api/v1/broadcasts/${ours.id}`);
    expect(detail.clashDecision).toMatchObject({ decision: 'yield', excluded: 1 });
    expect(detail.devices).toEqual([]);
    const check = await hdLeader.post(
      `/api/v1/broadcasts/check?exclude=${ours.id}`,
      bulletin({ title: 'x', priority: 'priority', startsAt: `${vnDay(3)}T09:00` }),
    );
    expect(check.conflicts.filter((c: Conflict) => c.kind === 'decision')).toEqual([]);
    await hdLeader.post(`/api/v1/broadcasts/${ours.id}/approve`, {});
    expect(await plannedOn(w.district, district.id)).toEqual(['led-hd-1', 'led-kg-1']);
    expect(await plannedOn(w.district, ours.id)).toEqual([]);
  });

  it('"air-ours" (deciding again replaces the decision): the district bulletin leaves this ward only', async () => {
    const r = await hdOfficial.post(`/api/v1/broadcasts/${ours.id}/decision`, { decision: 'air-ours' });
    expect(r.excluded).toEqual([expect.objectContaining({ broadcastId: district.id, deviceId: 'led-hd-1' })]);
    expect(await plannedOn(w.district, district.id)).toEqual(['led-kg-1']);
    expect(await plannedOn(w.district, ours.id)).toEqual(['led-hd-1']);
    // The ward's week calendar marks the district occurrence as left off its device; Kim Giang's does not.
    const day = (api: ApiClient, area: string) =>
      api.get(`/api/v1/schedule?area=${encodeURIComponent(area)}&from=${vnDay(3)}T00:00&to=${vnDay(4)}T00:00`);
    const leftOff = async (api: ApiClient, area: string) =>
      (await day(api, area)).find((o: DayOccurrence) => o.broadcastId === district.id).leftOffDevices;
    expect(await leftOff(hdOfficial, HA_DINH)).toEqual(['led-hd-1']);
    expect(await leftOff(w.district, DISTRICT)).toEqual(['led-hd-1']);
    expect(await leftOff(kgOfficial, KIM_GIANG)).toEqual([]);
    const audit = (await w.district.get('/api/v1/audit')).filter(
      (a: AuditEntry) => a.action === 'broadcast.decision' && a.target === ours.id,
    );
    expect(audit.map((a: AuditEntry) => (a.detail as { decision: string }).decision)).toEqual(['air-ours', 'yield']); // newest first
    expect(audit[0]).toMatchObject({
      username: 'canbo.hd',
      detail: { conflictsWith: [district.id], devices: ['led-hd-1'] },
    });
  });

  it('a cancelled ward bulletin gives the device back to the district bulletin', async () => {
    await hdOfficial.post(`/api/v1/broadcasts/${ours.id}/cancel`, {});
    expect(await plannedOn(w.district, district.id)).toEqual(['led-hd-1', 'led-kg-1']);
  });
});

describe('editing a broadcast', () => {
  it('changes one waiting for approval in place; a rejected one goes back to the queue', async () => {
    const b = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Họp tổ dân phố', startsAt: `${vnDay(4)}T08:00` }),
    );
    const e1 = await hdOfficial.put(
      `/api/v1/broadcasts/${b.id}`,
      bulletin({ title: 'Họp tổ dân phố số 5', startsAt: `${vnDay(4)}T08:30` }),
    );
    expect(e1).toMatchObject({
      id: b.id,
      title: 'Họp tổ dân phố số 5',
      status: 'submitted',
      startsAt: `${vnDay(4)}T08:30:00+07:00`,
    });
    await hdLeader.post(`/api/v1/broadcasts/${b.id}/reject`, { reason: 'Ghi rõ địa điểm họp' });
    const e2 = await hdOfficial.put(
      `/api/v1/broadcasts/${b.id}`,
      bulletin({ title: 'Họp tổ dân phố số 5 tại nhà văn hóa', startsAt: `${vnDay(4)}T08:30` }),
    );
    expect(e2).toMatchObject({ id: b.id, status: 'submitted', decisionNote: null, decidedBy: null });
    const audit = (await w.district.get('/api/v1/audit'))
      .filter((a: AuditEntry) => a.target === b.id)
      .map((a: AuditEntry) => a.action);
    expect(audit).toEqual(['broadcast.edit', 'broadcast.reject', 'broadcast.edit', 'broadcast.submit']);
  });

  it('keeps an approved one airing until its edit is approved, then the edit replaces it', async () => {
    const b = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({
        title: 'Lịch tiêm chủng',
        rrule: `DTSTART:${vnDay(1).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;COUNT=5;BYHOUR=7;BYMINUTE=0;BYSECOND=0`,
      }),
    );
    await hdLeader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const edit = await hdOfficial.put(
      `/api/v1/broadcasts/${b.id}`,
      bulletin({
        title: 'Lịch tiêm chủng (sửa giờ)',
        rrule: `DTSTART:${vnDay(1).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;COUNT=5;BYHOUR=7;BYMINUTE=30;BYSECOND=0`,
      }),
    );
    expect(edit).toMatchObject({ status: 'submitted', replaces: b.id });
    expect(edit.id).not.toBe(b.id);
    const old = await hdOfficial.get(`/api/v1/broadcasts/${b.id}`);
    expect(old).toMatchObject({ status: 'approved', pendingRevision: edit.id });
    expect(old.devices.length).toBe(5); // still planned on the board, every morning
    expect(
      await failure(
        hdOfficial.put(`/api/v1/broadcasts/${b.id}`, bulletin({ title: 'Lần hai', startsAt: `${vnDay(2)}T10:00` })),
      ),
    ).toMatchObject({ status: 409, message: expect.stringContaining(edit.id) });

    await hdLeader.post(`/api/v1/broadcasts/${edit.id}/approve`, {});
    expect((await hdOfficial.get(`/api/v1/broadcasts/${b.id}`)).status).toBe('cancelled');
    expect(
      (await hdOfficial.get(`/api/v1/broadcasts/${edit.id}`)).devices.map((d: BroadcastDevice) =>
        d.scheduledStart.slice(11, 16),
      ),
    ).toEqual(Array(5).fill('07:30'));
    expect(
      (await w.district.get('/api/v1/audit')).find(
        (a: AuditEntry) => a.target === b.id && a.action === 'broadcast.superseded',
      ),
    ).toMatchObject({ username: 'lanhdao.hd', detail: { by: edit.id } });
  });

  it('counts a recurring rule from its approval: earlier days are not "missed", a replaced version not twice', async () => {
    const rule = (minute: number) =>
      `DTSTART:${vnDay(-3).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;COUNT=10;BYHOUR=7;BYMINUTE=${minute};BYSECOND=0`;
    const b = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Bắt đầu từ ba ngày trước', rrule: rule(0) }),
    );
    await hdLeader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const edit = await hdOfficial.put(
      `/api/v1/broadcasts/${b.id}`,
      bulletin({ title: 'Bắt đầu từ ba ngày trước', rrule: rule(15) }),
    );
    await hdLeader.post(`/api/v1/broadcasts/${edit.id}/approve`, {});
    const month = (d: string) => d.slice(0, 7);
    for (const period of new Set([month(vnDay(-3)), month(vnDay(0))])) {
      const rows = (
        await w.district.get(`/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&period=${period}`)
      ).rows.filter((r: CoverageRow) => r.broadcastId === b.id || r.broadcastId === edit.id);
      // Nothing before today's approval is owed; from today on only the new version's 07:15 is.
      expect(rows.filter((r: CoverageRow) => r.scheduledStart < `${vnDay(0)}T00:00`)).toEqual([]);
      expect(
        rows.every((r: CoverageRow) => r.broadcastId === edit.id && r.scheduledStart.slice(11, 16) === '07:15'),
      ).toBe(true);
    }
  });

  it('is for the author only, never for emergencies or cancelled broadcasts, and names bad input', async () => {
    const b = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Của cán bộ', startsAt: `${vnDay(5)}T10:00` }),
    );
    expect(
      await failure(hdLeader.put(`/api/v1/broadcasts/${b.id}`, bulletin({ startsAt: `${vnDay(5)}T10:00` }))),
    ).toMatchObject({ status: 403, message: expect.stringMatching(/only the author/) });
    expect(
      await failure(hdOfficial.put(`/api/v1/broadcasts/${b.id}`, bulletin({ startsAt: '2020-01-01T10:00' }))),
    ).toMatchObject({ status: 400, message: expect.stringMatching(/in the past/) });
    expect(await failure(hdOfficial.put(`/api/v1/broadcasts/${b.id}`, { title: '' }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/title is required/),
    });
    expect(
      await failure(
        hdOfficial.put(
          `/api/v1/broadcasts/${b.id}`,
          bulletin({ targets: { areas: [KIM_GIANG], devices: [] }, startsAt: `${vnDay(5)}T10:00` }),
        ),
      ),
    ).toMatchObject({ status: 403 });
    expect((await hdOfficial.get(`/api/v1/broadcasts/${b.id}`)).title).toBe('Của cán bộ'); // nothing stored changed
    await hdOfficial.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
    expect(
      (await failure(hdOfficial.put(`/api/v1/broadcasts/${b.id}`, bulletin({ startsAt: `${vnDay(5)}T10:00` })))).status,
    ).toBe(409);
    const em = await w.district.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Khẩn', priority: 'emergency', startsAt: 'now' }),
    );
    expect(
      await failure(
        w.district.put(
          `/api/v1/broadcasts/${em.id}`,
          bulletin({ title: 'Khẩn (sửa)', priority: 'emergency', startsAt: 'now' }),
        ),
      ),
    ).toMatchObject({ status: 409, message: expect.stringMatching(/emergency cannot be edited/) });
    expect(
      (await failure(hdOfficial.put('/api/v1/broadcasts/nope', bulletin({ startsAt: `${vnDay(5)}T10:00` })))).status,
    ).toBe(404);
  });

  it('is held to the quiet hours like a new broadcast', async () => {
    const b = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Buổi tối', startsAt: `${vnDay(6)}T19:00` }),
    );
    await hdLeader.post('/api/v1/quiet-hours', { areaPath: HA_DINH, start: '22:00', end: '05:30' });
    expect(
      await failure(
        hdOfficial.put(
          `/api/v1/broadcasts/${b.id}`,
          bulletin({ title: 'Buổi tối muộn', startsAt: `${vnDay(6)}T22:30` }),
        ),
      ),
    ).toMatchObject({ status: 400, message: expect.stringMatching(/quiet hours 22:00–05:30/) });
  });
});

describe('what the review found', () => {
  it('an operator cannot decide a colleague’s bulletin off the air (as with cancelling)', async () => {
    await t.admin.post('/api/v1/users', {
      username: 'canbo2.hd',
      password: 'password-canbo2-hd',
      role: 'operator',
      areaPath: HA_DINH,
    });
    const colleague = await t.api.as('canbo2.hd', 'password-canbo2-hd');
    const d = await w.district.post(
      '/api/v1/broadcasts',
      bulletin({
        title: 'Quận, lúc 14:00',
        priority: 'priority',
        startsAt: `${vnDay(8)}T14:00`,
        targets: { areas: [DISTRICT], devices: [] },
      }),
    );
    await w.leader.post(`/api/v1/broadcasts/${d.id}/approve`, {});
    const ours = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Phường, lúc 14:00', priority: 'priority', startsAt: `${vnDay(8)}T14:00` }),
    );
    expect(
      await failure(colleague.post(`/api/v1/broadcasts/${ours.id}/decision`, { decision: 'yield' })),
    ).toMatchObject({ status: 403 });
    expect(
      (await hdLeader.post(`/api/v1/broadcasts/${ours.id}/decision`, { decision: 'yield' })).excluded,
    ).toHaveLength(1);
  });

  it('approving an edit needs the right to end the original, which must still be approved', async () => {
    const wide = await w.official.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Toàn quận', startsAt: `${vnDay(9)}T10:00`, targets: { areas: [DISTRICT], devices: [] } }),
    );
    await w.leader.post(`/api/v1/broadcasts/${wide.id}/approve`, {});
    const narrowed = await w.official.put(
      `/api/v1/broadcasts/${wide.id}`,
      bulletin({ title: 'Chỉ Hạ Đình', startsAt: `${vnDay(9)}T10:00` }),
    );
    // The Hạ Đình leader may approve Hạ Đình bulletins, but not end a district-wide one.
    expect((await failure(hdLeader.post(`/api/v1/broadcasts/${narrowed.id}/approve`, {}))).status).toBe(403);
    expect((await w.district.get(`/api/v1/broadcasts/${wide.id}`)).status).toBe('approved');

    // Two edits of one original: once one has replaced it, the other cannot be approved as well.
    const first = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({ title: 'Bản gốc', startsAt: `${vnDay(9)}T15:00` }),
    );
    await hdLeader.post(`/api/v1/broadcasts/${first.id}/approve`, {});
    const e1 = await hdOfficial.put(
      `/api/v1/broadcasts/${first.id}`,
      bulletin({ title: 'Sửa lần 1', startsAt: `${vnDay(9)}T15:10` }),
    );
    await hdLeader.post(`/api/v1/broadcasts/${e1.id}/reject`, { reason: 'Chưa đúng giờ' });
    const e2 = await hdOfficial.put(
      `/api/v1/broadcasts/${first.id}`,
      bulletin({ title: 'Sửa lần 2', startsAt: `${vnDay(9)}T15:20` }),
    );
    await hdOfficial.put(
      `/api/v1/broadcasts/${e1.id}`,
      bulletin({ title: 'Sửa lần 1 (lại)', startsAt: `${vnDay(9)}T15:10` }),
    );
    await hdLeader.post(`/api/v1/broadcasts/${e2.id}/approve`, {});
    expect(await failure(hdLeader.post(`/api/v1/broadcasts/${e1.id}/approve`, {}))).toMatchObject({
      status: 409,
      message: expect.stringMatching(/which is cancelled now/),
    });
  });

  it('a broadcast is read only by those it concerns; one withdrawn before approval is owed to nobody', async () => {
    const b = await hdOfficial.post(
      '/api/v1/broadcasts',
      bulletin({
        title: 'Rút lại trước khi duyệt',
        rrule: `DTSTART:${vnDay(0).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;COUNT=3;BYHOUR=6;BYMINUTE=5;BYSECOND=0`,
      }),
    );
    expect((await failure(kgOfficial.get(`/api/v1/broadcasts/${b.id}`))).status).toBe(404);
    await hdOfficial.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
    const rows = (
      await w.district.get(
        `/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&period=${vnDay(0).slice(0, 7)}`,
      )
    ).rows;
    expect(rows.filter((r: CoverageRow) => r.broadcastId === b.id)).toEqual([]);
  });

  it('a decision covers every clash of a long rule on every device, not just the first 35 days or 200', async () => {
    const KHUONG_MAI = `${DISTRICT}/khuong-mai`;
    await t.admin.post('/api/v1/areas', {
      parentPath: DISTRICT,
      slug: 'khuong-mai',
      name: 'Phường Khương Mai',
      level: 'ward',
    });
    await t.admin.post('/api/v1/users', {
      username: 'canbo.km',
      password: 'password-canbo-km',
      role: 'operator',
      areaPath: KHUONG_MAI,
    });
    const km = await t.api.as('canbo.km', 'password-canbo-km');
    const boards = Array.from({ length: 7 }, (_, i) => `led-km-${i + 1}`);
    for (const id of boards) await t.admin.post('/api/v1/devices', { id, name: id, kind: 'led', areaPath: KHUONG_MAI });
    const daily = (title: string, areas: string[]) =>
      bulletin({
        title,
        priority: 'priority',
        targets: { areas, devices: [] },
        rrule: `DTSTART:${vnDay(1).replace(/-/g, '')}T000000\nRRULE:FREQ=DAILY;COUNT=40;BYHOUR=8;BYMINUTE=0;BYSECOND=0`,
      });
    const d = await w.district.post('/api/v1/broadcasts', daily('Quận, 8 giờ mỗi sáng', [DISTRICT]));
    await w.leader.post(`/api/v1/broadcasts/${d.id}/approve`, {});
    const ours = await km.post('/api/v1/broadcasts', daily('Khương Mai, 8 giờ mỗi sáng', [KHUONG_MAI]));
    const r = await km.post(`/api/v1/broadcasts/${ours.id}/decision`, { decision: 'air-ours' });
    expect(r.excluded).toHaveLength(7 * 40);
    await w.leader.post(`/api/v1/broadcasts/${ours.id}/approve`, {});
    // Day 38: the district bulletin is still on Hạ Đình's and Kim Giang's boards, on none of Khương Mai's.
    const day38 = Date.parse(`${vnDay(38)}T00:00:00+07:00`);
    const planned = (await w.district.get(`/api/v1/broadcasts/${d.id}?from=${day38}&to=${day38 + DAY}`)).devices
      .map((x: BroadcastDevice) => x.deviceId)
      .sort();
    expect(planned).toEqual(['led-hd-1', 'led-kg-1']);
  });
});
