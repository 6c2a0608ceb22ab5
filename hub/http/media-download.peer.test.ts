// Devices fetch transcoded audio by content address (only media of approved broadcasts that reach them); downloads resume with Range and revalidate
// with ETag, and the bytes are exactly what the name promises.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { vietnameseSpeech } from '../../test/helpers/audio.ts';
import { formatVn } from '../time.ts';
import type { MediaOutput } from '../../test/helpers/api-types.ts';

let t: TestHub;
let tmp: string;
let url: string;
let device: { mqttUsername: string; mqttPassword: string };
const basic = (u: string, p: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-dl-'));
  t = await startTestHub();
  await t.admin.post('/api/v1/areas', { slug: 'ha-noi', name: 'Hà Nội', level: 'province' });
  const { enrolToken } = await t.admin.post('/api/v1/devices', {
    id: 'loa-1',
    name: 'Loa 1',
    kind: 'speaker',
    areaPath: 'ha-noi',
  });
  device = await t.api.post('/api/v1/enrol', { token: enrolToken, publicKey: generateSigningKeys().publicKeyPem });
  const up = await t.admin.upload('/api/v1/media', vietnameseSpeech(tmp, 'Xin chào bà con.', 'wav'), 'xin-chao.wav');
  const m = await t.admin.waitFor(
    async () => {
      const x = await t.admin.get(`/api/v1/media/${up.id}`);
      return x.status === 'ready' ? x : null;
    },
    30_000,
    'media ready',
  );
  url = `${t.hub.httpUrl}/media/${m.outputs.find((o: MediaOutput) => o.format === 'opus').file}`;
  // A device gets only media its plan uses: an approved broadcast that reaches it.
  expect((await fetch(url, { headers: basic(device.mqttUsername, device.mqttPassword) })).status).toBe(404);
  const b = await t.admin.post('/api/v1/broadcasts', {
    title: 'Xin chào',
    mediaId: m.id,
    targets: { areas: ['ha-noi'] },
    startsAt: formatVn(Date.now() + 3600_000),
  });
  await t.admin.post('/api/v1/users', {
    username: 'lanhdao',
    password: 'password-lanhdao',
    role: 'approver',
    areaPath: 'ha-noi',
  });
  await (await t.api.as('lanhdao', 'password-lanhdao')).post(`/api/v1/broadcasts/${b.id}/approve`, {});
});
afterAll(async () => {
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('media downloads', () => {
  it('serves the file to an enrolled device, and its sha256 matches its name', async () => {
    const res = await fetch(url, { headers: basic(device.mqttUsername, device.mqttPassword) });
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(`${createHash('sha256').update(body).digest('hex')}.opus`).toBe(path.basename(url));
    expect(res.headers.get('etag')).toBeTruthy();
  });

  it('refuses wrong device credentials', async () => {
    expect((await fetch(url, { headers: basic('loa-1', 'wrong') })).status).toBe(401);
  });

  it('resumes with Range (206) and revalidates with ETag (304)', async () => {
    const h = basic(device.mqttUsername, device.mqttPassword);
    const full = await fetch(url, { headers: h });
    const etag = full.headers.get('etag')!;
    const total = Number(full.headers.get('content-length'));
    const part = await fetch(url, { headers: { ...h, range: 'bytes=100-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-${total - 1}/${total}`);
    expect((await part.arrayBuffer()).byteLength).toBe(total - 100);
    expect(etag).toBe(`"${path.basename(url, '.opus')}"`); // strong: the content address itself
    // (fetch would add "cache-control: no-cache" to a conditional request unless one is given)
    const again = await fetch(url, { headers: { ...h, 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('accepts devices over MQTT on WebSocket at /mqtt with the same credentials and rules', async () => {
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${t.hub.httpPort}/mqtt`, {
      clientId: 'loa-1',
      username: 'loa-1',
      password: device.mqttPassword,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    try {
      expect((await client.subscribeAsync(topics().deviceSchedule('loa-1')))[0].qos).toBe(0);
      await expect(client.subscribeAsync(topics().deviceSchedule('loa-2'))).rejects.toThrow(/Subscribe error/);
    } finally {
      await client.endAsync();
    }
  });
});
