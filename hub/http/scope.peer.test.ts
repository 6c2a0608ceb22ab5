// Reads follow the user's area, on a real hub with a district and two wards: a Kim Giang official
// cannot list, read, download or get the waveform of Hạ Đình-only media, nor see Hạ Đình's audit
// entries or live events; devices download only media their plan uses; /metrics needs a token; the
// coverage CSV neutralises formulas in every text cell; the login limiter is per address as well;
// a logout with ?token= revokes that token.
import { mkdtempSync, rmSync } from 'node:fs';
import { createPrivateKey, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, signReceipt, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { vietnameseSpeech } from '../../test/helpers/audio.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { formatVn } from '../time.ts';
import type { AuditEntry, Broadcast, MediaItem, MediaOutput } from '../../test/helpers/api-types.ts';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let t: TestHub;
let w: World;
let tmp: string;
let hd: ApiClient, kg: ApiClient, hdLeader: ApiClient, kgLeader: ApiClient;
const creds: Record<string, { mqttPassword: string; key: ReturnType<typeof createPrivateKey> }> = {};
let hdMedia: MediaItem, districtMedia: MediaItem, hdBroadcast: Broadcast;
const clients: MqttClient[] = [];

const tokenOf = (c: ApiClient) => c.token as string;
const get = (p: string, headers: Record<string, string> = {}) => fetch(t.hub.httpUrl + p, { headers });
const bearer = (c: ApiClient) => ({ authorization: `Bearer ${tokenOf(c)}` });
const basic = (id: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${creds[id].mqttPassword}`).toString('base64')}`,
});
const fileOf = (m: MediaItem) => m.outputs.find((o: MediaOutput) => o.format === 'opus')!.file;
const inOneHour = () => formatVn(Date.now() + 3600_000)!;

async function uploaded(as: ApiClient, text: string) {
  const up = await as.upload('/api/v1/media', vietnameseSpeech(tmp, text, 'wav'), 'tin.wav');
  return as.waitFor(
    async () => {
      const m = await as.get(`/api/v1/media/${up.id}`);
      return m.status === 'ready' ? m : null;
    },
    60_000,
    'media ready',
  );
}

async function user(username: string, role: string, areaPath: string) {
  await t.admin.post('/api/v1/users', { username, password: `password-${username}`, role, areaPath });
  return t.api.as(username, `password-${username}`);
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-scope-'));
  t = await startTestHub({ metricsToken: METRICS_TOKEN });
  w = await seedWorld(t, [
    { id: 'loa-hd', kind: 'speaker', area: HA_DINH },
    { id: 'loa-kg', kind: 'speaker', area: KIM_GIANG },
    // Each ward's LED board, so that its own LED bulletin reaches a device (one that reaches none is refused).
    { id: 'bang-hd', kind: 'led', area: HA_DINH },
    { id: 'bang-kg', kind: 'led', area: KIM_GIANG },
  ]);
  hd = await user('canbo.hadinh', 'operator', HA_DINH);
  kg = await user('canbo.kimgiang', 'operator', KIM_GIANG);
  hdLeader = await user('lanhdao.hadinh', 'approver', HA_DINH);
  kgLeader = await user('lanhdao.kimgiang', 'approver', KIM_GIANG);
  for (const id of ['loa-hd', 'loa-kg']) {
    const keys = generateSigningKeys();
    const c = await t.api.post('/api/v1/enrol', { token: w.tokens[id], publicKey: keys.publicKeyPem });
    creds[id] = { mqttPassword: c.mqttPassword, key: createPrivateKey(keys.privateKeyPem) };
  }
  hdMedia = await uploaded(hd, 'Bản tin phường Hạ Đình.');
  districtMedia = await uploaded(w.district, 'Bản tin của quận.');
  hdBroadcast = await hd.post('/api/v1/broadcasts', {
    title: '=HYPERLINK("http://x")',
    mediaId: hdMedia.id,
    targets: { areas: [HA_DINH] },
    startsAt: inOneHour(),
  });
  await hdLeader.post(`/api/v1/broadcasts/${hdBroadcast.id}/approve`, {});
  const d = await w.district.post('/api/v1/broadcasts', {
    title: 'Tin của quận',
    mediaId: districtMedia.id,
    targets: { areas: [DISTRICT] },
    startsAt: inOneHour(),
  });
  if (d.status !== 'approved') await w.leader.post(`/api/v1/broadcasts/${d.id}/approve`, {});
}, 180_000);
afterAll(async () => {
  for (const c of clients) await c.endAsync().catch(() => {});
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('media follow the area', () => {
  it('a Kim Giang official cannot list, read, download or get the waveform of Hạ Đình-only media', async () => {
    expect((await kg.get('/api/v1/media')).map((m: MediaItem) => m.id)).toEqual([districtMedia.id]); // the district's bulletin reaches the ward
    expect((await get(`/api/v1/media/${hdMedia.id}`, bearer(kg))).status).toBe(404);
    expect((await get(`/api/v1/media/${hdMedia.id}/waveform`, bearer(kg))).status).toBe(404);
    expect((await get(`/media/${fileOf(hdMedia)}?token=${tokenOf(kg)}`)).status).toBe(404);
    await expect(
      kg.post('/api/v1/broadcasts', {
        title: 'Mượn tin',
        mediaId: hdMedia.id,
        targets: { areas: [KIM_GIANG] },
        startsAt: inOneHour(),
      }),
    ).rejects.toThrow(/404/);
    // The ward that uploaded it, and the district above it, do see it.
    expect((await hd.get('/api/v1/media')).map((m: MediaItem) => m.id)).toContain(hdMedia.id);
    expect((await get(`/api/v1/media/${hdMedia.id}/waveform`, bearer(hd))).status).toBe(200);
    expect((await get(`/media/${fileOf(hdMedia)}?token=${tokenOf(hd)}`)).status).toBe(200);
    expect((await w.district.get('/api/v1/media')).map((m: MediaItem) => m.id).sort()).toEqual(
      [hdMedia.id, districtMedia.id].sort(),
    );
  });

  it('a device downloads only media its plan uses', async () => {
    expect((await get(`/media/${fileOf(hdMedia)}`, basic('loa-hd'))).status).toBe(200);
    expect((await get(`/media/${fileOf(hdMedia)}`, basic('loa-kg'))).status).toBe(404);
    expect((await get(`/media/${fileOf(districtMedia)}`, basic('loa-kg'))).status).toBe(200);
  });
});

describe('audit log and live events follow the area', () => {
  it("a Kim Giang leader does not see Hạ Đình's audit entries; Hạ Đình's leader and the district do", async () => {
    const about = (log: AuditEntry[]) =>
      log.filter(
        (e) => e.target === hdBroadcast.id || (e.action === 'media.upload' && e.target === String(hdMedia.id)),
      );
    expect(about(await kgLeader.get('/api/v1/audit'))).toEqual([]);
    expect(
      about(await hdLeader.get('/api/v1/audit'))
        .map((e) => e.action)
        .sort(),
    ).toEqual(['broadcast.approve', 'broadcast.submit', 'media.upload']);
    expect(about(await w.district.get('/api/v1/audit'))).toHaveLength(3);
    expect(JSON.stringify(await kgLeader.get('/api/v1/audit'))).not.toContain('HYPERLINK');
  });

  it("a Kim Giang official's event stream carries nothing about Hạ Đình's devices or broadcasts", async () => {
    const streams = await Promise.all(
      [kg, hd].map(async (c) => {
        const ctl = new AbortController();
        const res = await fetch(`${t.hub.httpUrl}/api/v1/events?token=${tokenOf(c)}`, { signal: ctl.signal });
        let text = '';
        void (async () => {
          try {
            for await (const chunk of res.body as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString();
          } catch {
            /* aborted */
          }
        })();
        return { text: () => text, close: () => ctl.abort() };
      }),
    );
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.hub.mqttPort}`, {
        clientId: 'loa-hd',
        username: 'loa-hd',
        password: creds['loa-hd'].mqttPassword,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      clients.push(client);
      await client.publishAsync(topics().deviceEvent('loa-hd', 'telemetry'), '{}', { qos: 1 }); // seen (online), then refused as invalid
      const hdOwn = await hd.post('/api/v1/broadcasts', {
        title: 'Tin riêng Hạ Đình',
        led: { pages: [{ lines: ['Hạ Đình'], mode: 'hold', seconds: 10 }] },
        targets: { areas: [HA_DINH] },
        startsAt: inOneHour(),
      });
      const kgOwn = await kg.post('/api/v1/broadcasts', {
        title: 'Tin riêng Kim Giang',
        led: { pages: [{ lines: ['Kim Giang'], mode: 'hold', seconds: 10 }] },
        targets: { areas: [KIM_GIANG] },
        startsAt: inOneHour(),
      });
      const [kgStream, hdStream] = streams;
      await t.admin.waitFor(
        async () =>
          kgStream.text().includes(kgOwn.id) &&
          hdStream.text().includes(hdOwn.id) &&
          hdStream.text().includes('loa-hd'),
        10_000,
        'both streams',
      );
      expect(kgStream.text()).not.toContain(hdOwn.id);
      expect(kgStream.text()).not.toContain('loa-hd');
      expect(hdStream.text()).not.toContain(kgOwn.id);
    } finally {
      for (const s of streams) s.close();
    }
  });
});

describe('/metrics', () => {
  it('refuses without a token and to non-admins; answers the metrics token and an admin', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await get('/metrics', bearer(w.district))).status).toBe(403);
    expect((await get('/metrics', bearer(t.admin))).status).toBe(200);
    const res = await get('/metrics', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/wardcast_devices/);
  });
});

describe('coverage CSV', () => {
  it('neutralises every formula-leading character in every text cell, device-supplied ones included', async () => {
    const client = clients[0];
    for (const [reason, occurrenceId] of [
      ['\t=1+1', '-5'],
      ['\r=1+1', '@SUM(A1)'],
      ['+1', '=cmd|calc'],
    ]) {
      const r = signReceipt(creds['loa-hd'].key, {
        id: randomUUID(),
        deviceId: 'loa-hd',
        occurrenceId,
        broadcastId: '+x',
        result: 'failed',
        reason,
        scheduledStart: Date.now() - 60_000,
        actualStart: null,
        actualEnd: null,
        secondsPlayed: 0,
        clockOffsetMs: 0,
        evidence: {},
      });
      await client.publishAsync(topics().deviceEvent('loa-hd', 'receipt'), JSON.stringify(r), { qos: 1 });
    }
    const csv = await t.admin.waitFor(
      async () => {
        const text = await (
          await get(`/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&format=csv`, bearer(hd))
        ).text();
        return (text.match(/,Bị từ chối \(không tính\),/g) ?? []).length === 3 ? text : null;
      },
      10_000,
      'three rejected claims in the CSV',
    );
    // A cell starts after a comma (or a quote that opens it); none starts with a formula character.
    expect(csv.replace(/\r\n/g, '\n')).not.toMatch(/(^|[,\n])"?[=+\-@\t\r]/);
    for (const cell of [
      `"'=HYPERLINK(""http://x"")"`,
      `'\t=1+1`,
      `"'\r=1+1"`,
      `'+1`,
      `'-5`,
      `'@SUM(A1)`,
      `'=cmd|calc`,
      `'+x`,
    ])
      expect(csv).toContain(cell);
  });
});

describe('login and logout', () => {
  it('slows spraying across usernames from one address, and not other addresses', async () => {
    const attempt = (username: string, ip: string) =>
      fetch(`${t.hub.httpUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ username, password: 'mat-khau-doan' }),
      });
    for (let i = 0; i < 30; i++) expect((await attempt(`user${i}`, '203.0.113.7')).status).toBe(401);
    expect((await attempt('user-new', '203.0.113.7')).status).toBe(429);
    expect((await attempt('user-new', '203.0.113.8')).status).toBe(401);
  });

  it('a logout sent with ?token= revokes that token', async () => {
    const c = await t.api.as('canbo.hadinh', 'password-canbo.hadinh');
    expect((await get('/api/v1/me', bearer(c))).status).toBe(200);
    const out = await fetch(`${t.hub.httpUrl}/api/v1/auth/logout?token=${tokenOf(c)}`, { method: 'POST' });
    expect(out.status).toBe(200);
    expect((await get('/api/v1/me', bearer(c))).status).toBe(401);
  });
});
