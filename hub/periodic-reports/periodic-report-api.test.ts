// Periodic reports through the API, by the hub's clock (03/12/2026 in Vietnam): who may generate,
// read and sign them (a ward's leader its own ward only, never another's), refusals by name (a bad
// period 400, an unknown report 404, a stale or second signature 409), reminders, the published
// schema, and the exports: the JSON exactly as stored and hashed, the signed PDF byte for byte, CSV;
// and a hub restarted after the year's end makes the drafts it missed on its own (main.ts wires it).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { DISTRICT, HA_DINH, KIM_GIANG, seedWorld, type World } from '../../test/helpers/world.ts';
import type { ApiClient, HubJson } from '../../cli/api-client.ts';
import { PERIODIC_REPORT_SCHEMA_ID, PeriodicReport } from '../api-contract/periodic-reports.ts';

const clock = new ManualClock(Date.parse('2026-12-03T10:00:00+07:00'));
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
let t: TestHub;
let w: World;
let leader: ApiClient;
let otherLeader: ApiClient;
let reportId: number;

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock });
  w = await seedWorld(t, [
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
    { id: 'loa-kg-1', kind: 'speaker', area: KIM_GIANG },
  ]);
  for (const [username, area] of [
    ['phuong', HA_DINH],
    ['phuongkg', KIM_GIANG],
  ])
    await t.admin.post('/api/v1/users', {
      username,
      password: `password-${username}`,
      role: 'approver',
      areaPath: area,
    });
  leader = await t.api.as('phuong', 'password-phuong');
  otherLeader = await t.api.as('phuongkg', 'password-phuongkg');
});
afterAll(() => t?.stop());

async function call(as: ApiClient, method: string, path: string, body?: unknown) {
  const res = await fetch(t.hub.httpUrl + path, {
    method,
    headers: { authorization: `Bearer ${as.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type,
    bytes,
    disposition: res.headers.get('content-disposition') ?? '',
    body: (type.includes('json') ? JSON.parse(bytes.toString('utf8')) : null) as HubJson,
  };
}
const november = { area: HA_DINH, kind: 'month', period: '2026-11' };

describe('periodic reports through the API', () => {
  it('a ward leader generates its ward’s report; an operator may not, nor a leader for another ward', async () => {
    const r = await call(leader, 'POST', '/api/v1/periodic-reports', november);
    expect(r.status).toBe(201);
    expect(PeriodicReport.parse(r.body)).toEqual(r.body);
    expect(r.body).toMatchObject({
      areaPath: HA_DINH,
      areaName: 'Phường Hạ Đình',
      version: 1,
      status: 'draft',
      dueBy: '2026-12-14',
      overdue: false,
      changedSince: null,
      document: { $schema: PERIODIC_REPORT_SCHEMA_ID, period: '2026-11', totals: { devices: 2 } },
    });
    reportId = r.body.id;
    expect((await call(leader, 'POST', '/api/v1/periodic-reports', november)).status).toBe(200); // regenerated
    expect((await call(w.official, 'POST', '/api/v1/periodic-reports', november)).status).toBe(403);
    expect(await call(otherLeader, 'POST', '/api/v1/periodic-reports', november)).toMatchObject({
      status: 403,
      body: { code: 'area.outside-scope' },
    });
  });

  it('is read by anyone whose area holds it, never by another ward', async () => {
    expect((await call(w.official, 'GET', `/api/v1/periodic-reports/${reportId}`)).status).toBe(200); // district operator
    expect(await call(otherLeader, 'GET', `/api/v1/periodic-reports/${reportId}`)).toMatchObject({
      status: 404,
      body: { code: 'periodic-report.not-found' },
    });
    expect((await call(otherLeader, 'GET', '/api/v1/periodic-reports')).body.reports).toEqual([]);
    expect(
      (await call(leader, 'GET', '/api/v1/periodic-reports?kind=month')).body.reports.map((r: HubJson) => r.id),
    ).toEqual([reportId]);
    expect((await call(otherLeader, 'GET', `/api/v1/periodic-reports?area=${HA_DINH}`)).status).toBe(403);
    for (const id of ['999', 'abc'])
      expect((await call(leader, 'GET', `/api/v1/periodic-reports/${id}`)).status, id).toBe(404);
  });

  it('refuses a bad period, a period of another kind and an unknown area, by name in both languages', async () => {
    const bad = await call(w.district, 'POST', '/api/v1/periodic-reports', { ...november, period: '2026-13' });
    expect(bad).toMatchObject({ status: 400, body: { code: 'report.bad-period' } });
    expect(bad.body.errorVi).toContain('2026-13');
    expect(await call(w.district, 'POST', '/api/v1/periodic-reports', { ...november, kind: 'quarter' })).toMatchObject({
      status: 400,
      body: { code: 'periodic-report.kind-mismatch' },
    });
    expect(
      await call(w.district, 'POST', '/api/v1/periodic-reports', { ...november, area: `${DISTRICT}/khong-co` }),
    ).toMatchObject({ status: 404, body: { code: 'area.not-found' } });
    expect((await call(w.district, 'POST', '/api/v1/periodic-reports', { ...november, kind: 'week' })).status).toBe(
      400,
    );
  });

  it('reminds the ward’s leader, not another ward’s, with the days left', async () => {
    const mine = await call(leader, 'GET', '/api/v1/periodic-reports/reminders');
    expect(mine.body.reminders).toEqual([
      {
        reportId,
        areaPath: HA_DINH,
        areaName: 'Phường Hạ Đình',
        kind: 'month',
        period: '2026-11',
        dueBy: '2026-12-14',
        daysLeft: 11,
      },
    ]);
    expect((await call(otherLeader, 'GET', '/api/v1/periodic-reports/reminders')).body.reminders).toEqual([]);
  });

  it('exports the draft: JSON as stored and hashed, a PDF, and CSV in Vietnamese', async () => {
    const meta = (await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}`)).body;
    const json = await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}/export?format=json`);
    expect(json.type).toMatch(/^application\/json/);
    expect(sha(json.bytes)).toBe(meta.documentSha256);
    expect(json.body).toEqual(meta.document);
    const pdf = await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}/export?format=pdf`);
    expect([pdf.type, pdf.bytes.subarray(0, 5).toString()]).toEqual(['application/pdf', '%PDF-']);
    expect(pdf.disposition).toContain('.pdf');
    const csv = await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}/export?format=csv`);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.bytes.toString('utf8')).toContain('Phường Hạ Đình');
    expect((await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}/export?format=docx`)).status).toBe(400);
  });

  it('is described in the OpenAPI document, with the roles that may write', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    expect(Object.keys(doc.paths['/api/v1/periodic-reports'])).toEqual(['get', 'post']);
    expect(doc.paths['/api/v1/periodic-reports/{id}/sign'].post['x-roles']).toEqual(['approver', 'district', 'admin']);
    for (const p of [
      '/api/v1/periodic-reports/{id}/export',
      '/api/v1/periodic-reports/reminders',
      '/api/v1/periodic-reports/schema.json',
    ])
      expect(doc.paths[p]?.get, p).toBeDefined();
  });

  it('publishes the document’s JSON Schema under its $id', async () => {
    const s = await call(w.official, 'GET', '/api/v1/periodic-reports/schema.json');
    expect(s.status).toBe(200);
    const schema = JSON.parse(s.bytes.toString('utf8'));
    expect(schema.$id).toBe(PERIODIC_REPORT_SCHEMA_ID);
    expect(schema.properties.totals.properties.hoursAired.type).toBe('number');
  });

  it('signs what was read, once; the PDF served after is the stored one byte for byte', async () => {
    const meta = (await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}`)).body;
    const stale = await call(leader, 'POST', `/api/v1/periodic-reports/${reportId}/sign`, {
      documentSha256: '0'.repeat(64),
    });
    expect(stale).toMatchObject({ status: 409, body: { code: 'periodic-report.stale-document' } });
    expect(
      (
        await call(w.official, 'POST', `/api/v1/periodic-reports/${reportId}/sign`, {
          documentSha256: meta.documentSha256,
        })
      ).status,
    ).toBe(403);
    clock.advance(60_000);
    const signed = await call(leader, 'POST', `/api/v1/periodic-reports/${reportId}/sign`, {
      documentSha256: meta.documentSha256,
    });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', signedAt: '2026-12-03T10:01:00+07:00', changedSince: false });
    const pdf = await call(w.district, 'GET', `/api/v1/periodic-reports/${reportId}/export?format=pdf`);
    expect(sha(pdf.bytes)).toBe(signed.body.pdfSha256);
    const twice = await call(leader, 'POST', `/api/v1/periodic-reports/${reportId}/sign`, {
      documentSha256: meta.documentSha256,
    });
    expect(twice).toMatchObject({ status: 409, body: { code: 'periodic-report.already-signed' } });
    expect(twice.body.errorVi).toContain('đã được');
    expect((await call(leader, 'POST', '/api/v1/periodic-reports', november)).status).toBe(409);
    expect((await call(leader, 'GET', '/api/v1/periodic-reports/reminders')).body.reminders).toEqual([]);
  });

  it('a revision opens version 2 with its reason; the audit log words each step', async () => {
    const rev = await call(leader, 'POST', `/api/v1/periodic-reports/${reportId}/revise`, {
      reason: 'Bổ sung số liệu',
    });
    expect(rev).toMatchObject({ status: 201, body: { version: 2, status: 'draft', revisionOf: reportId } });
    expect((await call(leader, 'POST', `/api/v1/periodic-reports/${reportId}/revise`, { reason: ' ' })).status).toBe(
      400,
    );
    const actions = (await t.admin.get('/api/v1/audit')).map((e: HubJson) => e.action);
    for (const a of ['periodic-report.generate', 'periodic-report.sign', 'periodic-report.revise'])
      expect(actions).toContain(a);
  });

  it('a hub started after the year ended makes December’s, the fourth quarter’s and the year’s drafts on its own', async () => {
    const signedPdf = (await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}`)).body.pdfSha256;
    await t.stop(true);
    clock.set(Date.parse('2027-01-03T08:00:00+07:00'));
    t = await startTestHub({}, t.dir, { clock });
    const made = await t.admin.waitFor(
      async () => {
        const list = (await t.admin.get('/api/v1/periodic-reports')).reports as HubJson[];
        return list.length >= 11 ? list : null;
      },
      30_000,
      'the catch-up at start',
    );
    expect(made.map((r: HubJson) => `${r.period} ${r.areaPath} v${r.version} ${r.status}`).sort()).toEqual(
      [
        ...[DISTRICT, HA_DINH, KIM_GIANG].flatMap((a) => [
          `2026 ${a} v1 draft`,
          `2026-12 ${a} v1 draft`,
          `2026-Q4 ${a} v1 draft`,
        ]),
        `2026-11 ${HA_DINH} v1 signed`, // untouched: the devices came in December, so no other November report
        `2026-11 ${HA_DINH} v2 draft`,
      ].sort(),
    );
    leader = await t.api.as('phuong', 'password-phuong');
    expect((await call(leader, 'GET', `/api/v1/periodic-reports/${reportId}`)).body.pdfSha256).toBe(signedPdf);
    const reminders = (await call(leader, 'GET', '/api/v1/periodic-reports/reminders')).body.reminders;
    expect(reminders.map((r: HubJson) => [r.period, r.daysLeft])).toEqual([
      ['2026-11', -20], // the open revision, overdue
      ['2026-12', 11], // by due day, then month, quarter, year
      ['2026-Q4', 11],
      ['2026', 11],
    ]);
  });
});
