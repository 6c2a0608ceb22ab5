// Every JSON GET route declares its answer (hub/api-contract/), and in a seeded hub each answer is
// exactly what its schema says: parsing keeps every field (nothing undocumented is stripped) and
// refuses nothing. The OpenAPI document carries the same schemas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { generateSigningKeys } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, type World } from '../../test/helpers/world.ts';
import { connectMqttDevice, type MqttDevice } from '../../test/helpers/mqtt-device.ts';
import { vietnameseSpeech } from '../../test/helpers/audio.ts';
import { tempDir } from '../media/test-audio.ts';
import { formatVn } from '../time.ts';
import { createApp } from './app.ts';
import { DecisionResult, DraftCheck } from '../api-contract/schedule.ts';
import { MediaDeleted, MediaItem } from '../api-contract/media.ts';
import { LiveSession } from '../api-contract/live.ts';
import type { ApiClient } from '../../cli/api-client.ts';

const DAY = 86_400_000;
const vnDay = (offsetDays: number) => formatVn(Date.now() + offsetDays * DAY)!.slice(0, 10);
/** Routes that answer with something other than JSON, or with a document of their own. */
const NOT_JSON = [
  '/metrics',
  '/api/v1/events',
  '/api/v1/openapi.json',
  '/media/:file',
  '/api/v1/reports/coverage.pdf',
  '/streams/:occurrence',
  '/api/v1/cap/alerts/:id/xml',
  '/api/v1/periodic-reports/schema.json',
  '/api/v1/periodic-reports/:id/export',
];

let t: TestHub;
let w: World;
let board: MqttDevice;
let mediaId: number;
let broadcastId: string;
let theirsId: string;
let liveId: string;
let campaignId: number;
let periodicReportId: number;

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
  ]);
  // A device online with telemetry, so the fleet list carries both.
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
  await board.birth(1);
  await board.telemetry();
  await w.official.waitFor(
    async () => (await w.official.get('/api/v1/devices/led-hd-1')).telemetry,
    10_000,
    'telemetry stored',
  );
  const up = await w.official.upload(
    '/api/v1/media',
    vietnameseSpeech(tempDir('schemas'), 'Thông báo của phường Hạ Đình', 'mp3'),
    'thong-bao.mp3',
  );
  mediaId = (
    await w.official.waitFor(
      async () => {
        const m = await w.official.get(`/api/v1/media/${up.id}`);
        return m.status === 'ready' ? m : null;
      },
      60_000,
      'media ready',
    )
  ).id;
  await t.admin.put('/api/v1/areas/boundary', {
    path: HA_DINH,
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [105.8, 20.98],
          [105.81, 20.98],
          [105.81, 20.99],
          [105.8, 20.99],
          [105.8, 20.98],
        ],
      ],
    },
    source: 'thử nghiệm',
  });
  await w.leader.post('/api/v1/quiet-hours', { areaPath: HA_DINH, start: '22:00', end: '05:30' });
  // A district campaign the ward's bulletin is tagged with.
  campaignId = (
    await w.district.post('/api/v1/campaigns', {
      name: 'Chuyển đổi số',
      from: vnDay(0),
      to: vnDay(6),
      areas: [DISTRICT],
      target: { bulletins: 3, per: 'week' },
    })
  ).id;
  // The ward's bulletin, then the district's at the same time, approved: a clash for the ward to decide.
  const when = `${vnDay(1)}T10:00`;
  const ours = await w.official.post('/api/v1/broadcasts', {
    title: 'Bản tin phường',
    campaigns: [campaignId],
    mediaId,
    targets: { areas: [HA_DINH] },
    startsAt: when,
  });
  broadcastId = ours.id;
  const theirs = await w.district.post('/api/v1/broadcasts', {
    title: 'Bản tin quận',
    mediaId,
    led: { pages: [{ lines: ['Thông báo của quận'] }] },
    targets: { areas: [DISTRICT] },
    startsAt: when,
  });
  await t.admin.post(`/api/v1/broadcasts/${theirs.id}/approve`, {});
  await w.leader.post(`/api/v1/broadcasts/${broadcastId}/approve`, {});
  theirsId = theirs.id;
  // A live session (an emergency: quiet hours do not refuse it at any hour of the run).
  liveId = (await w.district.post('/api/v1/live', { title: 'Báo cháy', areaIds: [HA_DINH], priority: 'emergency' })).id;
  // This month's report of the ward, generated now (a draft).
  periodicReportId = (
    await w.district.post('/api/v1/periodic-reports', { area: HA_DINH, kind: 'month', period: vnDay(0).slice(0, 7) })
  ).id;
}, 120_000);
afterAll(async () => {
  await board?.end();
  await t?.stop();
});

/** What to ask each GET route for in this world, and as whom (an admin unless the answer is personal). */
const requests = (): Record<string, { url: string; as?: () => ApiClient }> => ({
  '/api/v1/broadcasts/:id': { url: `/api/v1/broadcasts/${broadcastId}` },
  '/api/v1/devices/:id': { url: '/api/v1/devices/led-hd-1' },
  '/api/v1/media/:id': { url: `/api/v1/media/${mediaId}` },
  '/api/v1/media/:id/waveform': { url: `/api/v1/media/${mediaId}/waveform` },
  '/api/v1/schedule': { url: `/api/v1/schedule?area=${HA_DINH}&from=${vnDay(0)}T00:00&to=${vnDay(7)}T00:00` },
  '/api/v1/reports/coverage': { url: `/api/v1/reports/coverage?area=${HA_DINH}&to=${vnDay(3)}T00:00` },
  '/api/v1/reports/coverage/rows': { url: `/api/v1/reports/coverage/rows?area=${HA_DINH}&to=${vnDay(3)}T00:00` },
  '/api/v1/reports/coverage/rejected': { url: `/api/v1/reports/coverage/rejected?area=${HA_DINH}` },
  '/api/v1/clashes-to-decide': { url: '/api/v1/clashes-to-decide', as: () => w.official },
  '/api/v1/live/:id': { url: `/api/v1/live/${liveId}` },
  '/api/v1/campaigns/:id': { url: `/api/v1/campaigns/${campaignId}` },
  '/api/v1/campaigns/:id/progress': { url: `/api/v1/campaigns/${campaignId}/progress?devices=1` },
  '/api/v1/periodic-reports/:id': { url: `/api/v1/periodic-reports/${periodicReportId}` },
  '/api/v1/anniversaries/between': { url: `/api/v1/anniversaries/between?from=${vnDay(0)}&to=${vnDay(90)}` },
  '/api/v1/anniversaries/lunar-dates': {
    url: '/api/v1/anniversaries/lunar-dates?month=3&day=10&fromYear=2027&untilYear=2031',
  },
});

describe('response schemas', () => {
  const routes = () => createApp(t.hub.ctx).routes;

  it('every JSON GET route declares its answer', () => {
    const gets = routes().filter((r) => r.method === 'get');
    expect(gets.filter((r) => !r.response).map((r) => r.path)).toEqual(expect.arrayContaining(NOT_JSON));
    expect(gets.filter((r) => !r.response).length).toBe(NOT_JSON.length);
  });

  it('each GET answer in a seeded hub is exactly what its schema says', async () => {
    const asked = requests();
    const checked: string[] = [];
    for (const r of routes().filter((x) => x.method === 'get' && x.response)) {
      const q = asked[r.path] ?? { url: r.path };
      expect(q.url.split('?')[0], `${r.path} needs an example`).not.toContain(':');
      const body = await (q.as?.() ?? t.admin).get(q.url);
      const parsed = (r.response as z.ZodTypeAny).safeParse(body);
      expect(parsed.error?.issues, r.path).toBeUndefined();
      // Stripped fields would be answered but undocumented.
      expect(parsed.data, r.path).toEqual(body);
      checked.push(r.path);
    }
    expect(checked.length).toBeGreaterThanOrEqual(22);
  });

  it('the data behind those answers is there (not only empty lists); a clash decision answers as DecisionResult', async () => {
    const devices = await t.admin.get('/api/v1/devices');
    expect(devices.find((d: { id: string }) => d.id === 'led-hd-1').telemetry).not.toBeNull();
    expect(
      (await w.official.get('/api/v1/clashes-to-decide')).map((c: { broadcastId: string }) => c.broadcastId),
    ).toEqual([broadcastId]);
    const decided = await w.official.post(`/api/v1/broadcasts/${broadcastId}/decision`, {
      decision: 'air-ours',
      conflictsWith: [theirsId],
    });
    expect(DecisionResult.parse(decided)).toEqual(decided);
    const detail = await t.admin.get(`/api/v1/broadcasts/${broadcastId}`);
    expect(detail.devices.length).toBeGreaterThan(0);
    expect(detail.clashDecision).not.toBeNull();
    expect((await t.admin.get('/api/v1/areas/boundaries')).features.length).toBe(1);
    expect((await t.admin.get('/api/v1/quiet-hours')).length).toBe(1);
    expect((await t.admin.get('/api/v1/audit')).length).toBeGreaterThan(5);
  });

  it('the coverage report tells the live session apart from relays; an ended session says who ended it', async () => {
    const live = await t.admin.get(`/api/v1/live/${liveId}`);
    const coverage = `area=${HA_DINH}&to=${vnDay(3)}T00:00`;
    const summary = await t.admin.get(`/api/v1/reports/coverage?${coverage}`);
    expect(summary.live.occurrences).toBeGreaterThan(0);
    expect(summary.relay.occurrences).toBe(0);
    const { rows } = await t.admin.get(`/api/v1/reports/coverage/rows?${coverage}&limit=2000`);
    const ofLive = rows.filter((r: { broadcastId: string }) => r.broadcastId === live.broadcastId);
    expect(ofLive.length).toBeGreaterThan(0);
    expect(ofLive.every((r: { relay?: { kind: string } }) => r.relay?.kind === 'live')).toBe(true);
    // Another session, ended at once by the district office: the answer names who ended it. (The
    // first is ended first, if the hub has not already: two emergencies never share an area.)
    await w.district.post(`/api/v1/live/${liveId}/end`, {});
    const other = await w.district.post('/api/v1/live', {
      title: 'Báo cháy 2',
      areaIds: [HA_DINH],
      priority: 'emergency',
    });
    const ended = await w.district.post(`/api/v1/live/${other.id}/end`, {});
    expect(LiveSession.parse(ended)).toEqual(ended);
    const me = await w.district.get('/api/v1/me');
    expect(ended).toMatchObject({
      endReason: 'ended-by-user',
      endedBy: { id: me.id, name: me.displayName || me.username },
    });
  });

  it('a draft check answers as DraftCheck', async () => {
    const body = await w.official.post('/api/v1/broadcasts/check', {
      title: 'Nháp',
      mediaId,
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(1)}T10:00`,
    });
    expect(body.conflicts.length).toBeGreaterThan(0);
    expect(DraftCheck.parse(body)).toEqual(body);
  });

  it('archiving, restoring and deleting media answer as their schemas say', async () => {
    const file = path.join(tempDir('schemas-bad'), 'khong-phai-am-thanh.mp3');
    writeFileSync(file, 'Đây không phải là âm thanh.\n'.repeat(50));
    const up = await w.official.upload('/api/v1/media', file, 'khong-phai-am-thanh.mp3');
    await w.official.waitFor(
      async () => (await w.official.get(`/api/v1/media/${up.id}`)).status === 'failed',
      30_000,
      'media failed',
    );
    for (const [how, schema] of [
      [() => w.official.post(`/api/v1/media/${up.id}/archive`, {}), MediaItem],
      [() => w.official.post(`/api/v1/media/${up.id}/restore`, {}), MediaItem],
      [
        async () => {
          const { token } = await t.api.post('/api/v1/auth/login', { username: 'canbo', password: 'password-canbo' });
          const res = await fetch(`${t.hub.httpUrl}/api/v1/media/${up.id}`, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${token}` },
          });
          expect(res.status).toBe(200);
          return res.json();
        },
        MediaDeleted,
      ],
    ] as const) {
      const body = await how();
      expect(schema.parse(body)).toEqual(body);
    }
  });

  it('the OpenAPI document describes the answers', async () => {
    const doc = await t.api.get('/api/v1/openapi.json');
    const ok = (p: string, m = 'get') => doc.paths[p][m].responses['200'].content['application/json'].schema;
    expect(ok('/api/v1/areas')).toMatchObject({ type: 'array', items: { type: 'object' } });
    expect(Object.keys(ok('/api/v1/areas').items.properties).sort()).toEqual([
      'code',
      'id',
      'level',
      'name',
      'parentId',
      'path',
    ]);
    expect(ok('/api/v1/broadcasts/{id}').properties.devices.type).toBe('array');
    expect(ok('/api/v1/me').properties.role.enum).toEqual(['operator', 'approver', 'district', 'admin']);
    expect(ok('/api/v1/broadcasts', 'post').required).toContain('status');
  });
});
