// CAP over the API, with the hub's real audio path (espeak-ng and ffmpeg, hence a peer test): an
// uploaded alert becomes an emergency draft whose audio is its description read aloud, the district
// confirms it and it becomes an approved emergency; an Update and a Cancel act on it; an alert's
// audio resource is downloaded (within its size limit) from a local server playing the issuer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { vietnameseSpeech } from '../../test/helpers/audio.ts';
import { connectMqttDevice, type MqttDevice } from '../../test/helpers/mqtt-device.ts';
import { generateSigningKeys } from '../../protocol/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/cap/${name}`, import.meta.url), 'utf8');
const LIMIT = 2_000_000;

let t: TestHub;
let w: World;
/** Kim Giang's loudspeaker, as its agent meets the broker: what the hub commands it. */
let speaker: MqttDevice;
let tmp: string;
let issuer: http.Server;
let issuerUrl: string;
const files: Record<string, Buffer> = {};

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-cap-'));
  files['/ban-tin.wav'] = readFileSync(vietnameseSpeech(tmp, 'Mưa lớn ở huyện Sóc Sơn', 'wav'));
  files['/qua-lon.wav'] = Buffer.alloc(LIMIT + 1);
  issuer = http.createServer((req, res) => {
    const f = files[req.url ?? ''];
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'audio/wav' }).end(f);
  });
  await new Promise<void>((r) => issuer.listen(0, '127.0.0.1', r));
  issuerUrl = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}`;
  t = await startTestHub({ cap: { audioMaxBytes: LIMIT } });
  w = await seedWorld(t, [
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
    { id: 'loa-kg-1', kind: 'speaker', area: KIM_GIANG },
  ]);
  const { mqttPassword } = await t.api.post('/api/v1/enrol', {
    token: w.tokens['loa-kg-1'],
    publicKey: generateSigningKeys().publicKeyPem,
  });
  speaker = await connectMqttDevice({
    url: t.hub.mqttUrl,
    deviceId: 'loa-kg-1',
    password: mqttPassword,
    session: 1,
    areas: ['ha-noi', 'ha-noi/thanh-xuan', KIM_GIANG],
  });
  await speaker.birth(1);
}, 60_000);

afterAll(async () => {
  await speaker?.end();
  await t?.stop();
  issuer?.closeAllConnections();
  await new Promise((r) => issuer?.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

const mediaReady = (id: number) =>
  w.district.waitFor(
    async () => {
      const m = await w.district.get(`/api/v1/media/${id}`);
      if (m.status === 'failed') throw new Error(`media ${id} failed: ${m.error}`);
      return m.status === 'ready' && m;
    },
    60_000,
    `media ${id} ready`,
  );

describe('CAP over the API', () => {
  let alertDraft: string;
  /** the recording the alert with a resource brought: ready in the library */
  let recording: number;

  it('an official of a ward may not import an emergency', async () => {
    await expect(w.official.post('/api/v1/cap/alerts', { xml: fixture('alert.xml') })).rejects.toThrow(/→ 403/);
  });

  it('a malformed upload is refused with its reason in both languages, and nothing stored', async () => {
    const res = await fetch(`${t.hub.httpUrl}/api/v1/cap/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.district.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ xml: fixture('malformed.xml') }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe('cap.malformed');
    expect(body.errorVi).toMatch(/^Tệp không phải XML hợp lệ/);
    expect((await w.district.get('/api/v1/cap/alerts')).alerts).toEqual([]);
  });

  it('upload → an emergency draft with the description read aloud → the district confirms → an approved emergency', async () => {
    const r = await w.district.post('/api/v1/cap/alerts', { xml: fixture('alert.xml') });
    expect(r.outcome).toBe('draft');
    expect(r.broadcast).toMatchObject({
      status: 'submitted',
      priority: 'emergency',
      targets: { areas: [HA_DINH, KIM_GIANG] },
    });
    expect(r.alert.notes).toEqual([]);
    const media = await mediaReady(r.broadcast.mediaId);
    expect(media.tts.text).toBe('Bão số 9 đổ bộ vào Hà Nội chiều nay. Người dân ở trong nhà, chằng chống nhà cửa.');
    alertDraft = r.broadcast.id;
    // Nothing airs yet: the draft waits in the approval queue like any other.
    expect((await w.district.get(`/api/v1/broadcasts/${alertDraft}`)).status).toBe('submitted');
    // The ordinary approval is not the way: it would skip the draft's own checks.
    await expect(w.leader.post(`/api/v1/broadcasts/${alertDraft}/approve`, {})).rejects.toThrow(
      /→ 409: .*imported CAP alert/,
    );
    const b = await w.district.post(`/api/v1/cap/drafts/${alertDraft}/confirm`, {});
    expect(b).toMatchObject({
      id: alertDraft,
      status: 'approved',
      priority: 'emergency',
      durationMs: media.durationMs,
    });
    // The same alert uploaded again changes nothing.
    expect((await w.district.post('/api/v1/cap/alerts', { xml: fixture('alert.xml') })).outcome).toBe('duplicate');
  }, 90_000);

  it('an Update is a draft that replaces the airing alert once confirmed; a Cancel ends it', async () => {
    const u = await w.district.post('/api/v1/cap/alerts', { xml: fixture('update.xml') });
    expect(u.broadcast).toMatchObject({ status: 'submitted', replaces: alertDraft, targets: { areas: [KIM_GIANG] } });
    expect((await w.district.get(`/api/v1/broadcasts/${alertDraft}`)).status).toBe('approved');
    expect(speaker.commands.filter((c) => c.body.item?.broadcastId === u.broadcast.id)).toEqual([]); // not before it is confirmed
    await mediaReady(u.broadcast.mediaId);
    await w.district.post(`/api/v1/cap/drafts/${u.broadcast.id}/confirm`, {});
    expect((await w.district.get(`/api/v1/broadcasts/${alertDraft}`)).status).toBe('cancelled');
    const c = await w.district.post('/api/v1/cap/alerts', { xml: fixture('cancel.xml') });
    expect(c).toMatchObject({ outcome: 'cancel', broadcast: { id: u.broadcast.id, status: 'cancelled' } });
    await speaker.waitFor(
      () => speaker.commands.find((x) => x.type === 'stop' && x.body.broadcastId === u.broadcast.id),
      10_000,
      "the Cancel's stop",
    );
    const list = (await w.district.get('/api/v1/cap/alerts')).alerts;
    expect(list.map((a: { msgType: string; status: string }) => [a.msgType, a.status])).toEqual([
      ['Cancel', 'cancelled'],
      ['Update', 'cancelled'],
      ['Alert', 'cancelled'],
    ]);
    const xml = await fetch(`${t.hub.httpUrl}/api/v1/cap/alerts/${list[2].id}/xml`, {
      headers: { authorization: `Bearer ${w.district.token}` },
    }).then((r) => r.text());
    expect(xml).toBe(fixture('alert.xml'));
  }, 90_000);

  it("takes the alert's audio resource through the media pipeline; with no area matched, the district chooses", async () => {
    const xml = fixture('elsewhere.xml').replace('RESOURCE_URI', `${issuerUrl}/ban-tin.wav`);
    const r = await w.district.post('/api/v1/cap/alerts', { xml });
    expect(r.broadcast.targets).toEqual({ areas: [], devices: [] });
    expect(r.alert.notes.map((n: { code: string }) => n.code)).toEqual(['cap.needs-areas']);
    const media = await mediaReady(r.broadcast.mediaId);
    expect(media.originalName).toBe('Bản tin mưa lớn');
    recording = media.id;
    await expect(w.district.post(`/api/v1/cap/drafts/${r.broadcast.id}/confirm`, {})).rejects.toThrow(
      /→ 409: none of the alert's areas/,
    );
    const b = await w.district.post(`/api/v1/cap/drafts/${r.broadcast.id}/confirm`, { areas: [HA_DINH] });
    expect(b).toMatchObject({ status: 'approved', targets: { areas: [HA_DINH] } });
  }, 90_000);

  it('a resource over the size limit is not kept: the draft is LED-only and says why', async () => {
    const xml = fixture('elsewhere.xml')
      .replace('RESOURCE_URI', `${issuerUrl}/qua-lon.wav`)
      .replace('VN-KTTV-2026-1201-14', 'VN-KTTV-2026-1201-15');
    const r = await w.district.post('/api/v1/cap/alerts', { xml });
    expect(r.broadcast.mediaId).toBeNull();
    const [audio] = r.alert.notes;
    expect(audio.code).toBe('cap.audio-unavailable');
    expect(audio.en).toContain(`more than the limit of ${LIMIT} bytes`);
    expect(audio.vi).toMatch(/^Không có âm thanh: Không tải được âm thanh của cảnh báo/);

    // The district gives it a recording from the library when it confirms; one it cannot see is refused.
    await expect(
      w.district.post(`/api/v1/cap/drafts/${r.broadcast.id}/confirm`, { areas: [HA_DINH], mediaId: 999_999 }),
    ).rejects.toThrow(/→ 404: .*999999/);
    const b = await w.district.post(`/api/v1/cap/drafts/${r.broadcast.id}/confirm`, {
      areas: [HA_DINH],
      mediaId: recording,
    });
    expect(b).toMatchObject({ status: 'approved', mediaId: recording, targets: { areas: [HA_DINH] } });
    expect(b.durationMs).toBeGreaterThan(1000);
  });

  it("an area given its administrative code is matched by the alert's geocode, not by the names", async () => {
    await expect(w.official.put('/api/v1/areas/code', { path: KIM_GIANG, code: '00367' })).rejects.toThrow(/→ 403/);
    await expect(w.district.put('/api/v1/areas/code', { path: KIM_GIANG, code: '3670' })).rejects.toThrow(
      /→ 400: administrative code "3670" is not one/,
    );
    expect(await w.district.put('/api/v1/areas/code', { path: KIM_GIANG, code: '00367' })).toMatchObject({
      path: KIM_GIANG,
      code: '00367',
    });
    // alert.xml names Hạ Đình and Kim Giang in its areaDesc, and geocode 00367.
    const xml = fixture('alert.xml').replace(
      /<identifier>[^<]*<\/identifier>/,
      '<identifier>VN-KTTV-MA-XA-1</identifier>',
    );
    const r = await w.district.post('/api/v1/cap/alerts', { xml });
    expect(r.broadcast.targets).toEqual({ areas: [KIM_GIANG], devices: [] });
    const audit = (await w.district.get('/api/v1/audit')) as Array<{ action: string; detail: unknown }>;
    expect(audit.find((e) => e.action === 'area.code.set')?.detail).toEqual({ code: '00367' });
    await w.district.put('/api/v1/areas/code', { path: KIM_GIANG, code: null });
  });
});
