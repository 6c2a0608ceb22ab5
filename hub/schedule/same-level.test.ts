// Issue 13.4: bulletins of the same level and priority at the same time on the same device. The
// check says which one the device would play (by the agent's own rule), approval asks the leader to
// choose, and the choice is stored, audited and decides the manifest the device receives and the
// coverage report's "scheduled".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS as DAY, generateSigningKeys } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, type World } from '../../test/helpers/world.ts';
import { connectMqttDevice, type MqttDevice } from '../../test/helpers/mqtt-device.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { formatVn } from '../time.ts';
import { whoPlays } from './conflicts.ts';
import type {
  AuditEntry,
  Broadcast,
  BroadcastDevice,
  Conflict,
  CoverageRow,
  HubJson,
} from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
let official: ApiClient;
let leader: ApiClient;
let board: MqttDevice;
const day = formatVn(Date.now() + 3 * DAY)!.slice(0, 10);
const bulletin = (title: string, time = '06:00') => ({
  title,
  led: { pages: [{ lines: [title], mode: 'hold', seconds: 30 }] },
  priority: 'normal',
  volume: 60,
  targets: { areas: [HA_DINH], devices: [] },
  startsAt: `${day}T${time}`,
});

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [{ id: 'led-hd-1', kind: 'led', area: HA_DINH }]);
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
  official = await t.api.as('canbo.hd', 'password-canbo-hd');
  leader = await t.api.as('lanhdao.hd', 'password-lanhdao-hd');
  const enrolled = await t.api.post('/api/v1/enrol', {
    token: w.tokens['led-hd-1'],
    publicKey: generateSigningKeys().publicKeyPem,
  });
  board = await connectMqttDevice({
    url: t.hub.mqttUrl,
    deviceId: 'led-hd-1',
    password: enrolled.mqttPassword,
    session: 1,
  });
});
afterAll(async () => {
  await board?.end();
  await t?.stop();
});

/** A request's raw answer: status and JSON body (the error body carries both languages). */
async function raw(api: ApiClient, path: string, body: unknown): Promise<{ status: number; body: HubJson }> {
  const res = await fetch(t.hub.httpUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** The titles in the newest manifest the board received, at 06:00 on that day. */
const at0600 = () => {
  const last = board.manifests.at(-1);
  return last
    ? last.items
        .filter((i) => formatVn(i.startAt) === `${day}T06:00:00+07:00`)
        .map((i) => i.title)
        .sort()
    : [];
};
const waitManifest = (titles: string[]) =>
  board.waitFor(() => JSON.stringify(at0600()) === JSON.stringify(titles), 10_000, `manifest at 06:00 = ${titles}`);

describe('the precedence rule the pages state', () => {
  it('higher priority, then earlier start, then approved first; two unapproved at the same start: whichever is approved first', () => {
    const n = (priority: 'normal' | 'priority', startAt: number, approvedAt: number | null) => ({
      priority,
      startAt,
      approvedAt,
    });
    expect(whoPlays(n('normal', 0, null), n('priority', 0, 1))).toBe('other');
    expect(whoPlays(n('normal', 0, null), n('normal', 60_000, 1))).toBe('draft');
    expect(whoPlays(n('normal', 0, null), n('normal', 0, 5))).toBe('other');
    expect(whoPlays(n('normal', 0, 3), n('normal', 0, 5))).toBe('draft');
    expect(whoPlays(n('normal', 0, null), n('normal', 0, null))).toBe('first-approved');
  });
});

describe('same-level clash: the leader chooses at approval', () => {
  let a: Broadcast;
  let b: Broadcast;
  let c: Broadcast;

  beforeAll(async () => {
    a = await official.post('/api/v1/broadcasts', bulletin('Tin A'));
    await leader.post(`/api/v1/broadcasts/${a.id}/approve`, {});
    await waitManifest(['Tin A']);
    b = await official.post('/api/v1/broadcasts', bulletin('Tin B'));
    c = await official.post('/api/v1/broadcasts', bulletin('Tin C'));
  });

  it('the check says the approved one plays and that the leader chooses', async () => {
    const check = await leader.post(`/api/v1/broadcasts/check?exclude=${b.id}`, bulletin('Tin B'));
    const withA = check.conflicts.filter((x: Conflict) => x.broadcastId === a.id);
    expect(withA).toEqual([
      expect.objectContaining({
        kind: 'overlap',
        otherLevel: 'same',
        plays: 'other',
        leaderChooses: true,
        deviceId: 'led-hd-1',
      }),
    ]);
    // Against C (waiting too, same start): whichever is approved first plays; nothing to choose yet.
    expect(check.conflicts.filter((x: Conflict) => x.broadcastId === c.id)).toEqual([
      expect.objectContaining({ plays: 'first-approved', leaderChooses: false }),
    ]);
  });

  it('approving without a choice is refused, names the other bulletin, and approves nothing', async () => {
    const { status, body } = await raw(leader, `/api/v1/broadcasts/${b.id}/approve`, {});
    expect(status).toBe(409);
    expect(body.code).toBe('decision.same-level-needed');
    expect(body.errorVi).toContain('«Tin A»');
    expect(body.clashes).toEqual([expect.objectContaining({ broadcastId: a.id, deviceId: 'led-hd-1' })]);
    expect((await leader.get(`/api/v1/broadcasts/${b.id}`)).status).toBe('submitted');
  });

  it('"this one plays": the other steps aside on the device; the manifest and the report follow; audited', async () => {
    await leader.post(`/api/v1/broadcasts/${b.id}/approve`, { clashes: 'air-ours' });
    await waitManifest(['Tin B']);
    const detail = await leader.get(`/api/v1/broadcasts/${b.id}`);
    expect(detail.clashDecision).toMatchObject({
      decision: 'air-ours',
      sameLevel: true,
      against: [a.id],
      againstTitles: ['Tin A'],
    });
    expect(
      (await leader.get(`/api/v1/broadcasts/${a.id}`)).devices.filter((d: BroadcastDevice) =>
        d.scheduledStart.startsWith(`${day}T06:00`),
      ),
    ).toEqual([]);
    const report = await leader.get(`/api/v1/reports/coverage?area=${HA_DINH}&from=${day}T00:00&to=${day}T23:59`);
    expect(report.rows.map((r: CoverageRow) => r.title)).toEqual(['Tin B']);
    expect(report.totals.scheduled).toBe(1);
    const audit = await leader.get('/api/v1/audit');
    expect(audit.find((e: AuditEntry) => e.action === 'broadcast.decision' && e.target === b.id)?.detail).toMatchObject(
      {
        decision: 'air-ours',
        sameLevel: true,
        conflictsWith: [a.id],
      },
    );
  });

  it('"this one yields": it leaves the device at that time; the one approved before keeps it', async () => {
    const check = await leader.post(`/api/v1/broadcasts/check?exclude=${c.id}`, bulletin('Tin C'));
    expect(check.conflicts.map((x: Conflict) => [x.title, x.plays, x.leaderChooses])).toEqual([
      ['Tin B', 'other', true],
    ]);
    await leader.post(`/api/v1/broadcasts/${c.id}/approve`, { clashes: 'yield' });
    expect((await leader.get(`/api/v1/broadcasts/${c.id}`)).clashDecision).toMatchObject({
      decision: 'yield',
      sameLevel: true,
      excluded: 1,
    });
    // The board's manifest is republished for C's approval and still holds only B at 06:00.
    const before = board.manifests.length;
    await board.waitFor(() => board.manifests.length > before || at0600().length, 10_000, 'manifest');
    expect(at0600()).toEqual(['Tin B']);
    const report = await leader.get(`/api/v1/reports/coverage?area=${HA_DINH}&from=${day}T00:00&to=${day}T23:59`);
    expect(report.rows.map((r: CoverageRow) => r.title)).toEqual(['Tin B']);
  });

  it('a bulletin at another time is approved without a choice', async () => {
    const d = await official.post('/api/v1/broadcasts', bulletin('Tin D', '08:00'));
    expect((await leader.post(`/api/v1/broadcasts/${d.id}/approve`, {})).status).toBe('approved');
  });
});
