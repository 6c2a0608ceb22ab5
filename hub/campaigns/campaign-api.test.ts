// Campaigns through the API: who may create and change them (a district for its areas, a ward's
// leader for its own), tagging a bulletin (refused, by name, for a campaign out of sight, archived,
// or not overlapping its targets), and archiving a carried campaign instead of deleting it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import type { HubJson } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
let ward: ApiClient;
const led = (...lines: string[]) => ({ pages: [{ lines, mode: 'hold', seconds: 8 }] });
const bulletin = (o: Record<string, unknown>) => ({
  title: 'Tuyên truyền Nghị quyết 98',
  startsAt: 'now',
  led: led('Nghị quyết 98'),
  targets: { areas: [HA_DINH], devices: [] },
  ...o,
});
const campaign = (o: Record<string, unknown> = {}) => ({
  name: 'Nghị quyết 98',
  from: '2026-01-01',
  to: '2026-12-31',
  areas: [HA_DINH],
  target: { bulletins: 3, per: 'week' },
  ...o,
});

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
    { id: 'led-kg-1', kind: 'led', area: KIM_GIANG },
  ]);
  await t.admin.post('/api/v1/users', {
    username: 'phuong',
    password: 'password-phuong',
    role: 'approver',
    areaPath: HA_DINH,
  });
  ward = await t.api.as('phuong', 'password-phuong');
});
afterAll(() => t?.stop());

async function call(as: ApiClient, method: string, path: string, body?: unknown) {
  const res = await fetch(t.hub.httpUrl + path, {
    method,
    headers: { authorization: `Bearer ${as.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HubJson };
}

describe('campaigns', () => {
  it('a ward leader creates one for its ward, not for another; an operator creates none', async () => {
    const r = await call(ward, 'POST', '/api/v1/campaigns', campaign());
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      areas: [HA_DINH],
      target: { bulletins: 3, per: 'week' },
      archived: false,
      bulletins: 0,
    });
    const other = await call(ward, 'POST', '/api/v1/campaigns', campaign({ areas: [KIM_GIANG] }));
    expect(other).toMatchObject({ status: 403, body: { code: 'area.outside-scope' } });
    expect((await call(w.official, 'POST', '/api/v1/campaigns', campaign())).status).toBe(403);
  });

  it('refuses a period that is not one, by name and in Vietnamese', async () => {
    const bad = await call(w.district, 'POST', '/api/v1/campaigns', campaign({ from: '2026-02-30' }));
    expect(bad).toMatchObject({ status: 400, body: { code: 'campaign.bad-date' } });
    expect(bad.body.errorVi).toContain('2026-02-30');
    const back = await call(
      w.district,
      'POST',
      '/api/v1/campaigns',
      campaign({ from: '2026-12-01', to: '2026-11-01' }),
    );
    expect(back).toMatchObject({ status: 400, body: { code: 'campaign.bad-period' } });
  });

  it("a district's campaign is read by the ward but changed only by the district", async () => {
    const c = (
      await call(w.district, 'POST', '/api/v1/campaigns', campaign({ name: 'Chuyển đổi số', areas: [DISTRICT] }))
    ).body;
    const list = (await call(ward, 'GET', '/api/v1/campaigns')).body as HubJson[];
    expect(list.map((x) => x.name)).toContain('Chuyển đổi số');
    const edit = await call(ward, 'PUT', `/api/v1/campaigns/${c.id}`, campaign({ areas: [HA_DINH] }));
    expect(edit).toMatchObject({ status: 403, body: { code: 'campaign.not-yours' } });
    const ok = await call(
      w.district,
      'PUT',
      `/api/v1/campaigns/${c.id}`,
      campaign({ name: 'Chuyển đổi số 2026', areas: [DISTRICT], target: { bulletins: 8, per: 'month' } }),
    );
    expect(ok.body).toMatchObject({ name: 'Chuyển đổi số 2026', target: { bulletins: 8, per: 'month' } });
  });

  it('tags a bulletin, refusing a campaign out of sight or elsewhere; a carried campaign is archived, not deleted', async () => {
    const c = (await call(ward, 'POST', '/api/v1/campaigns', campaign({ name: 'An toàn giao thông' }))).body;
    const elsewhere = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ campaigns: [c.id], targets: { areas: [KIM_GIANG], devices: [] } }),
    );
    expect(elsewhere).toMatchObject({ status: 400, body: { code: 'campaign.tag-no-overlap' } });
    expect(elsewhere.body.errorVi).toContain('An toàn giao thông');
    const unknown = await call(w.official, 'POST', '/api/v1/broadcasts', bulletin({ campaigns: [9999] }));
    expect(unknown).toMatchObject({ status: 404, body: { code: 'campaign.tag-unknown' } });

    const b = await call(w.official, 'POST', '/api/v1/broadcasts', bulletin({ campaigns: [c.id] }));
    expect(b.status).toBe(201);
    expect(b.body.campaigns).toEqual([c.id]);
    expect((await call(w.official, 'GET', `/api/v1/broadcasts/${b.body.id}`)).body.campaigns).toEqual([c.id]);
    // An edit without campaigns keeps the tag.
    const edited = await call(
      w.official,
      'PUT',
      `/api/v1/broadcasts/${b.body.id}`,
      bulletin({ title: 'Đội mũ bảo hiểm' }),
    );
    expect(edited.body.campaigns).toEqual([c.id]);
    expect((await call(ward, 'GET', `/api/v1/campaigns/${c.id}`)).body.bulletins).toBe(1);

    expect((await call(ward, 'DELETE', `/api/v1/campaigns/${c.id}`)).status).toBe(200);
    expect((await call(ward, 'GET', `/api/v1/campaigns/${c.id}`)).body.archived).toBe(true);
    const names = ((await call(ward, 'GET', '/api/v1/campaigns')).body as HubJson[]).map((x) => x.name);
    expect(names).not.toContain('An toàn giao thông');
    const late = await call(w.official, 'POST', '/api/v1/broadcasts', bulletin({ campaigns: [c.id] }));
    expect(late).toMatchObject({ status: 400, body: { code: 'campaign.tag-archived' } });
    // Its bulletin keeps the tag through an edit; only new tags to it are refused.
    const kept = await call(w.official, 'PUT', `/api/v1/broadcasts/${b.body.id}`, bulletin({ campaigns: [c.id] }));
    expect(kept).toMatchObject({ status: 200, body: { campaigns: [c.id] } });
  });

  it('shows progress per ward for the speakers of its areas', async () => {
    const c = (
      await call(
        w.district,
        'POST',
        '/api/v1/campaigns',
        campaign({ areas: [DISTRICT], target: { bulletins: 2, per: 'period' } }),
      )
    ).body;
    const p = await call(ward, 'GET', `/api/v1/campaigns/${c.id}/progress?devices=1`);
    expect(p.status).toBe(200);
    expect(p.body.campaign.id).toBe(c.id);
    expect(p.body.wards).toEqual([]); // no loudspeakers in this world: LED boards are not counted
  });
});
