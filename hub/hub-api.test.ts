// The hub's HTTP API against a real hub (SQLite file, embedded broker): logins, roles, approval
// by a second person, and clear errors for bad input that leave stored data intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../test/helpers/test-hub.ts';
import type { ApiClient } from '../cli/api-client.ts';
import { generateSigningKeys } from '../protocol/index.ts';
import type { AuditEntry, BroadcastDevice } from '../test/helpers/api-types.ts';

let t: TestHub;
let official: ApiClient;
let leader: ApiClient;

async function raw(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.hub.httpUrl + path, { method, body, headers });
  return { status: res.status, body: await res.json().catch(() => null) };
}

beforeAll(async () => {
  t = await startTestHub();
  await t.admin.post('/api/v1/areas', { slug: 'ha-noi', name: 'Hà Nội', level: 'province' });
  await t.admin.post('/api/v1/areas', {
    parentPath: 'ha-noi',
    slug: 'thanh-xuan',
    name: 'Thanh Xuân',
    level: 'district',
  });
  await t.admin.post('/api/v1/areas', {
    parentPath: 'ha-noi/thanh-xuan',
    slug: 'ha-dinh',
    name: 'Hạ Đình',
    level: 'ward',
  });
  await t.admin.post('/api/v1/areas', {
    parentPath: 'ha-noi/thanh-xuan',
    slug: 'kim-giang',
    name: 'Kim Giang',
    level: 'ward',
  });
  await t.admin.post('/api/v1/users', {
    username: 'canbo',
    password: 'password-canbo',
    role: 'operator',
    areaPath: 'ha-noi/thanh-xuan/ha-dinh',
  });
  await t.admin.post('/api/v1/users', {
    username: 'lanhdao',
    password: 'password-lanhdao',
    role: 'approver',
    areaPath: 'ha-noi/thanh-xuan/ha-dinh',
  });
  await t.admin.post('/api/v1/devices', {
    id: 'loa-1',
    name: 'Loa 1',
    kind: 'speaker',
    areaPath: 'ha-noi/thanh-xuan/ha-dinh',
  });
  // An LED bulletin needs a board to show it (one that reaches no device is refused).
  await t.admin.post('/api/v1/devices', {
    id: 'bang-1',
    name: 'Bảng 1',
    kind: 'led',
    areaPath: 'ha-noi/thanh-xuan/ha-dinh',
  });
  official = await t.api.as('canbo', 'password-canbo');
  leader = await t.api.as('lanhdao', 'password-lanhdao');
});
afterAll(() => t?.stop());

const led = { pages: [{ lines: ['Thông báo: cắt điện ngày 25/11'], mode: 'hold', seconds: 10 }] };

describe('hub API', () => {
  it('logs in with the admin password from the environment contract and refuses a wrong one', async () => {
    expect(
      (
        await raw('POST', '/api/v1/auth/login', JSON.stringify({ username: 'admin', password: 'nope-nope' }), {
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(401);
    expect((await raw('GET', '/api/v1/devices')).status).toBe(401);
    const me = await t.admin.get('/api/v1/me');
    expect(me).toMatchObject({ username: 'admin', role: 'admin' });
  });

  it('names the problem in malformed or invalid requests', async () => {
    const token = (await t.api.post('/api/v1/auth/login', { username: 'canbo', password: 'password-canbo' })).token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const notJson = await raw('POST', '/api/v1/broadcasts', '{"title": ', auth);
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatch(/not valid JSON/);
    const missing = await raw(
      'POST',
      '/api/v1/broadcasts',
      JSON.stringify({ title: 'x', targets: { areas: [] } }),
      auth,
    );
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/choose at least one area or device/);
    const badTime = await raw(
      'POST',
      '/api/v1/broadcasts',
      JSON.stringify({ title: 'x', led, targets: { areas: ['ha-noi/thanh-xuan/ha-dinh'] }, startsAt: 'tomorrow' }),
      auth,
    );
    expect(badTime.body.error).toMatch(/startsAt: "tomorrow" is not a date-time/);
    const unbounded = await raw(
      'POST',
      '/api/v1/broadcasts',
      JSON.stringify({
        title: 'x',
        led,
        targets: { areas: ['ha-noi/thanh-xuan/ha-dinh'] },
        rrule: 'DTSTART:20261124T060000\nRRULE:FREQ=DAILY',
      }),
      auth,
    );
    expect(unbounded.body.error).toMatch(/COUNT or UNTIL/);
  });

  it('keeps a ward official inside their ward', async () => {
    await expect(
      official.post('/api/v1/broadcasts', {
        title: 'x',
        led,
        targets: { areas: ['ha-noi/thanh-xuan/kim-giang'] },
        startsAt: 'now',
      }),
    ).rejects.toThrow(/403.*kim-giang/);
    await expect(
      official.post('/api/v1/devices', { id: 'x', name: 'x', kind: 'led', areaPath: 'ha-noi/thanh-xuan/ha-dinh' }),
    ).rejects.toThrow(/403/);
  });

  it('requires a second person to approve, and an approval reaches the device manifest', async () => {
    const b = await official.post('/api/v1/broadcasts', {
      title: 'Cắt điện',
      led,
      targets: { areas: ['ha-noi/thanh-xuan/ha-dinh'] },
      startsAt: '2030-01-02T08:00',
    });
    expect(b.status).toBe('submitted');
    expect(b.startsAt).toBe('2030-01-02T08:00:00+07:00');
    await expect(official.post(`/api/v1/broadcasts/${b.id}/approve`, {})).rejects.toThrow(/403/);
    await expect(leader.post(`/api/v1/broadcasts/${b.id}/reject`, { reason: '' })).rejects.toThrow(/needs a reason/);
    const approved = await leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    expect(approved.status).toBe('approved');
    await expect(leader.post(`/api/v1/broadcasts/${b.id}/approve`, {})).rejects.toThrow(/409.*not waiting/);
    const detail = await leader.get(`/api/v1/broadcasts/${b.id}?to=${Date.parse('2030-02-01')}`);
    // LED only: the board shows it, the speaker has nothing to do.
    expect(detail.devices.map((d: BroadcastDevice) => d.deviceId)).toEqual(['bang-1']);
    const audit = await t.admin.get('/api/v1/audit');
    expect(audit.map((a: AuditEntry) => a.action)).toEqual(
      expect.arrayContaining(['broadcast.submit', 'broadcast.approve']),
    );
  });

  it('describes every mounted route in the OpenAPI document', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    for (const p of [
      '/api/v1/auth/login',
      '/api/v1/devices',
      '/api/v1/media',
      '/api/v1/media/{id}',
      '/api/v1/broadcasts',
      '/api/v1/broadcasts/{id}/approve',
      '/api/v1/broadcasts/{id}/cancel',
      '/api/v1/reports/coverage',
      '/api/v1/health',
      '/metrics',
    ])
      expect(doc.paths[p], p).toBeDefined();
    expect(
      doc.paths['/api/v1/broadcasts'].post.requestBody.content['application/json'].schema.properties.priority.enum,
    ).toEqual(['normal', 'priority', 'emergency']);
    // The report's pages, with their documented page sizes.
    const param = (path: string, name: string) =>
      doc.paths[path].get.parameters.find((x: { name: string }) => x.name === name);
    for (const p of ['/api/v1/reports/coverage/rows', '/api/v1/reports/coverage/rejected'])
      expect(param(p, 'limit').schema).toMatchObject({ default: 200, maximum: 2000, minimum: 1 });
    expect(param('/api/v1/reports/coverage/rows', 'cursor')).toBeDefined();
    expect(param('/api/v1/broadcasts/{id}', 'limit').schema).toMatchObject({ default: 500, maximum: 5000 });
  });

  it('serves health and Prometheus metrics', async () => {
    expect(await t.api.get('/api/v1/health')).toMatchObject({ status: 'ok', database: true, mqtt: true });
    const metrics = await t.admin.get('/metrics');
    expect(metrics).toMatch(/wardcast_devices\{kind="speaker",online="false"\} 1/);
  });

  it('slows down password guessing: after 10 failures the login answers 429', async () => {
    const attempt = () =>
      raw('POST', '/api/v1/auth/login', JSON.stringify({ username: 'lanhdao', password: 'guess-guess' }), {
        'content-type': 'application/json',
      });
    for (let i = 0; i < 10; i++) expect((await attempt()).status).toBe(401);
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(blocked.body.error).toMatch(/too many failed attempts/);
    // Another user from the same address is not locked out.
    expect(await t.api.as('canbo', 'password-canbo')).toBeTruthy();
  });

  it('a broker that does not answer: enrolment says so (503), the token stays good, nobody is locked out', async () => {
    const { enrolToken } = await t.admin.post('/api/v1/devices', {
      id: 'loa-broker-cham',
      name: 'Loa 2',
      kind: 'speaker',
      areaPath: 'ha-noi/thanh-xuan/ha-dinh',
    });
    const access = t.hub.ctx.deviceAccess;
    const provision = access.provision;
    access.provision = async () => {
      throw new Error("no answer from Mosquitto's dynamic-security plugin within 10000 ms");
    };
    const publicKey = generateSigningKeys().publicKeyPem;
    const enrol = () =>
      raw('POST', '/api/v1/enrol', JSON.stringify({ token: enrolToken, publicKey }), {
        'content-type': 'application/json',
      });
    try {
      // more than the 10 failures that lock an address out: the broker's failures are not guesses
      for (let i = 0; i < 12; i++) {
        const r = await enrol();
        expect(r.status).toBe(503);
        expect(r.body.error).toMatch(/MQTT broker could not be updated.*dynamic-security/);
      }
    } finally {
      access.provision = provision;
    }
    const r = await enrol();
    expect(r.status).toBe(200);
    expect(r.body.deviceId).toBe('loa-broker-cham');
  });

  it('refuses an unknown enrolment token and a key that is not Ed25519', async () => {
    const r = await raw(
      'POST',
      '/api/v1/enrol',
      JSON.stringify({ token: 'enrol_aaaaaaaaaaaaaaaaaaaaaaaa', publicKey: 'x'.repeat(60) }),
      { 'content-type': 'application/json' },
    );
    expect(r.status).toBe(401);
    expect(r.body.error).toMatch(/unknown or already used/);
  });
});
