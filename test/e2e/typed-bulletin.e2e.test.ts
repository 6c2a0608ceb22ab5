// A typed bulletin on real parts: an official types Vietnamese text, espeak-ng reads it on the
// hub, the media pipeline normalises it like an upload, a leader approves, a real agent process
// plays it and its receipt is admitted. Then the text is edited and read again: a bulletin
// waiting for approval takes the new audio in place; an approved one needs a new approval.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, type World } from '../helpers/world.ts';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { measureLufs } from '../../hub/media/test-audio.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import type { AuditEntry, HubJson, MediaOutput } from '../helpers/api-types.ts';

const TEXT = 'UBND phường Hạ Đình thông báo: 7h30 ngày 30/4/2026, TDP số 5 tổ chức tổng vệ sinh. Liên hệ 0912 345 678.';

let t: TestHub;
let w: World;
let tmp: string;
let agent: AgentProcess;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-tts-e2e-'));
  t = await startTestHub();
  w = await seedWorld(t, [{ id: 'loa-ha-dinh', kind: 'speaker', area: HA_DINH }]);
  agent = startAgentProcess({
    dir: path.join(tmp, 'loa-ha-dinh'),
    hubUrl: t.hub.httpUrl,
    mqttUrl: t.hub.mqttUrl,
    enrolToken: w.tokens['loa-ha-dinh'],
    profile: SPEAKER_PROFILE,
  });
  await waitOnline(t.admin, ['loa-ha-dinh']);
}, 90_000);

afterAll(async () => {
  await agent?.stop();
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A raw request: status and JSON body (the API client throws on refusals). */
async function call(token: string, method: string, p: string, body?: unknown) {
  const res = await fetch(t.hub.httpUrl + p, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HubJson };
}
const tokenOf = (c: unknown) => (c as { token: string }).token;
const ready = (id: number) =>
  w.official.waitFor(
    async () => {
      const m = await w.official.get(`/api/v1/media/${id}`);
      return m.status !== 'processing' ? m : null;
    },
    60_000,
    'typed bulletin processed',
  );

let first: HubJson;

describe('a typed bulletin', () => {
  it('says what the engine will read, in words', async () => {
    const r = await w.official.post('/api/v1/tts/spoken', { text: TEXT });
    expect(r.spoken).toBe(
      'ủy ban nhân dân phường Hạ Đình thông báo: bảy giờ ba mươi phút ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu, tổ dân phố số năm tổ chức tổng vệ sinh. Liên hệ không chín một hai, ba bốn năm, sáu bảy tám.',
    );
    const info = await w.official.get('/api/v1/tts');
    expect(info).toMatchObject({ engine: 'espeak-ng', voice: 'vi', available: true, maxChars: 5000 });
  });

  it('becomes audio through espeak-ng and the same loudness pipeline as uploads', async () => {
    const accepted = await call(tokenOf(w.official), 'POST', '/api/v1/tts', { text: TEXT });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({
      status: 'processing',
      source: 'text',
      tts: { text: TEXT, engine: 'espeak-ng', voice: 'vi', regeneratedFrom: null },
    });
    first = await ready(accepted.body.id);
    expect(first.status, first.error).toBe('ready');
    expect(first.originalName).toBe('UBND phường Hạ Đình thông báo: 7h30 ngày 30/4/2026, TDP số 5 tổ chức tổng vệ…'); // the first 80 characters, cut at a word
    expect(first.tts.spoken).toMatch(/^ủy ban nhân dân phường Hạ Đình/);
    expect(first.durationMs).toBeGreaterThan(8000);
    expect(first.loudness.normalizationType).toBe('linear');
    expect(Math.abs(first.loudness.outputI - first.loudness.targetI)).toBeLessThan(1);
    // The Opus file agents fetch, measured by ffmpeg's own meter: at the target, not silence.
    const opus = first.outputs.find((o: MediaOutput) => o.format === 'opus');
    const res = await fetch(`${t.hub.httpUrl}/media/${opus.file}`, {
      headers: { authorization: `Bearer ${tokenOf(w.official)}` },
    });
    expect(res.status).toBe(200);
    const file = path.join(tmp, opus.file);
    (await import('node:fs')).writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    expect(Math.abs(measureLufs(resolveFfmpeg().path, file) - -16)).toBeLessThan(1.5);
    const audit = await t.admin.get('/api/v1/audit');
    expect(
      audit.find((a: AuditEntry) => a.action === 'media.tts' && a.target === String(first.id))?.detail,
    ).toMatchObject({
      engine: 'espeak-ng',
      voice: 'vi',
    });
  });

  it('is approved, played by a real agent, and its receipt admitted', async () => {
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Tổng vệ sinh (văn bản)',
      mediaId: first.id,
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: 'now',
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const done = await waitForResults(w.leader, b.id);
    const d = done.devices[0];
    expect(d.state, d.reason).toBe('played');
    expect(d.secondsPlayed).toBeGreaterThan((first.durationMs / 1000) * 0.9);
    expect(d.evidence.player.decodedMs).toBeGreaterThan(first.durationMs * 0.9);
    const report = await w.district.get(`/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}`);
    expect(report.totals).toMatchObject({ played: 1, failed: 0 });
  }, 90_000);

  it('edited and read again: a waiting bulletin takes the new audio in place, an approved one waits for a new approval', async () => {
    const waiting = await w.official.post('/api/v1/broadcasts', {
      title: 'Họp tổ dân phố',
      mediaId: first.id,
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: '2099-01-01T08:00',
    });
    const again = await call(tokenOf(w.official), 'POST', '/api/v1/tts', {
      text: `${TEXT} Đề nghị bà con tham gia đầy đủ.`,
      regenerates: first.id,
    });
    expect(again.status).toBe(202);
    const second = await ready(again.body.id);
    expect(second).toMatchObject({ status: 'ready', source: 'text', tts: { regeneratedFrom: first.id } });
    expect(second.durationMs).toBeGreaterThan(first.durationMs);
    const body = {
      title: 'Họp tổ dân phố',
      mediaId: second.id,
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: '2099-01-01T08:00',
    };
    const edited = await call(tokenOf(w.official), 'PUT', `/api/v1/broadcasts/${waiting.id}`, body);
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: waiting.id, mediaId: second.id, status: 'submitted' });

    await w.leader.post(`/api/v1/broadcasts/${waiting.id}/approve`, {});
    const third = await ready(
      (
        await w.official.post('/api/v1/tts', {
          text: 'Hoãn họp tổ dân phố sang 8h ngày 2/1/2099.',
          regenerates: second.id,
        })
      ).id,
    );
    const revision = await call(tokenOf(w.official), 'PUT', `/api/v1/broadcasts/${waiting.id}`, {
      ...body,
      mediaId: third.id,
    });
    expect(revision.status).toBe(201);
    expect(revision.body).toMatchObject({ replaces: waiting.id, mediaId: third.id, status: 'submitted' });
    expect((await w.leader.get(`/api/v1/broadcasts/${waiting.id}`)).mediaId).toBe(second.id); // still airing as approved
  }, 90_000);

  it('refuses empty and too-long text, an unknown bulletin to regenerate, and anyone not logged in; OpenAPI lists the roles', async () => {
    const empty = await call(tokenOf(w.official), 'POST', '/api/v1/tts', { text: '   \n ' });
    expect(empty).toMatchObject({
      status: 400,
      body: { code: 'tts.empty', errorVi: 'Nội dung bản tin đang trống: hãy nhập nội dung cần đọc trên loa.' },
    });
    const long = await call(tokenOf(w.official), 'POST', '/api/v1/tts', { text: 'Thông báo. '.repeat(600) });
    expect(long.status).toBe(400);
    expect(long.body.code).toBe('tts.too-long');
    expect(long.body.errorVi).toMatch(/^Nội dung quá dài: 6599 ký tự, tối đa 5000 ký tự \(khoảng 5 phút đọc\)/);
    const spokenEmpty = await call(tokenOf(w.official), 'POST', '/api/v1/tts/spoken', { text: '' });
    expect(spokenEmpty.body.code).toBe('tts.empty');
    const missing = await call(tokenOf(w.official), 'POST', '/api/v1/tts', { text: 'Xin chào', regenerates: 9999 });
    expect(missing).toMatchObject({ status: 404, body: { code: 'media.not-found' } });
    // An uploaded recording has no text to read again.
    const up = await w.official.upload(
      '/api/v1/media',
      vietnameseSpeech(tmp, 'Thông báo của phường.'),
      'thong-bao.mp3',
    );
    await ready(up.id);
    const notText = await call(tokenOf(w.official), 'POST', '/api/v1/tts', { text: 'Xin chào', regenerates: up.id });
    expect(notText).toMatchObject({
      status: 400,
      body: {
        code: 'tts.not-from-text',
        errorVi: `Tệp âm thanh số ${up.id} không được tạo từ văn bản nên không thể tạo lại.`,
      },
    });
    expect(await w.official.get(`/api/v1/media/${up.id}`)).toMatchObject({ source: 'upload', tts: null });
    const anonymous = await fetch(`${t.hub.httpUrl}/api/v1/tts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Xin chào' }),
    });
    expect(anonymous.status).toBe(401);
    const openapi = await t.api.get('/api/v1/openapi.json');
    expect(openapi.paths['/api/v1/tts'].post['x-roles']).toEqual(['operator', 'approver', 'district', 'admin']);
    expect(
      Object.keys(openapi.paths['/api/v1/tts'].post.requestBody.content['application/json'].schema.properties).sort(),
    ).toEqual(['regenerates', 'text']);
  });
});

describe('when the engine is missing or fails', () => {
  let broken: TestHub;
  let bw: World;
  beforeAll(async () => {
    broken = await startTestHub({ tts: { command: ['espeak-ng-not-installed', '-w', '{out}', '{textFile}'] } });
    bw = await seedWorld(broken, []);
  });
  afterAll(() => broken?.stop());

  it('the official reads what to do in Vietnamese; the admin also gets the technical detail', async () => {
    const info = await bw.official.get('/api/v1/tts');
    expect(info).toMatchObject({ available: false, problem: { code: 'tts.engine-missing' } });
    const r = await fetch(`${broken.hub.httpUrl}/api/v1/tts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf(bw.official)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Xin chào bà con' }),
    });
    const body = (await r.json()) as HubJson;
    expect(r.status).toBe(502);
    expect(body).toMatchObject({ code: 'tts.engine-missing', failure: 'engine-missing' });
    expect(body.errorVi).toBe(
      'Máy chủ chưa cài bộ chuyển văn bản thành giọng nói (espeak-ng-not-installed). Người quản trị cần cài đặt (xem hướng dẫn README), sau đó thử lại.',
    );
    expect(body.detail).toBeUndefined();
    const asAdmin = await fetch(`${broken.hub.httpUrl}/api/v1/tts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf(broken.admin)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Xin chào bà con' }),
    });
    expect(((await asAdmin.json()) as { detail: string }).detail).toMatch(/espeak-ng-not-installed: not found on PATH/);
    const audit = await broken.admin.get('/api/v1/audit');
    expect(audit.filter((a: AuditEntry) => a.action === 'media.tts-failed')).toHaveLength(2);
    expect((await bw.official.get('/api/v1/media')).length).toBe(0); // nothing half-made is left
  });
});
