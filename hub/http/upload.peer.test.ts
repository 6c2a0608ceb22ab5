// Uploads through the real HTTP route: bad files end as failed media items with a reason, file
// names cannot reach outside the data folder, and oversize uploads are refused and not kept.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';

let t: TestHub;
let token: string;
beforeAll(async () => {
  t = await startTestHub({ maxUploadBytes: 64 * 1024 });
  token = (await t.api.post('/api/v1/auth/login', { username: 'admin', password: 'test-admin-password-1' })).token;
});
afterAll(() => t?.stop());

async function upload(bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${t.hub.httpUrl}/api/v1/media`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: await res.json() };
}

const settled = (id: number) =>
  t.admin.waitFor(
    async () => {
      const m = await t.admin.get(`/api/v1/media/${id}`);
      return m.status !== 'processing' ? m : null;
    },
    30_000,
    `media ${id}`,
  );

describe('media upload', () => {
  it('turns a text file named .mp3 into a failed media item that says why', async () => {
    const r = await upload(Buffer.from('Đây không phải là âm thanh.\n'.repeat(50)), 'ban-tin.mp3');
    expect(r.status).toBe(202);
    const m = await settled(r.body.id);
    expect(m).toMatchObject({ status: 'failed', errorCode: 'not-audio' });
    expect(m.error).toMatch(/not audio/);
  });

  it('keeps only the base name of a path-trick file name and stores nothing outside the data folder', async () => {
    const r = await upload(Buffer.from(`GIF89a${'x'.repeat(100)}`), '../../../../tmp/evil.mp3');
    expect(r.body.originalName).toBe('evil.mp3');
    await settled(r.body.id);
    expect(existsSync('/tmp/evil.mp3')).toBe(false);
    expect(readdirSync(path.join(t.dir, 'uploads'))).toEqual([]);
  });

  it('refuses a file over the size limit with 413 and keeps no partial file', async () => {
    const r = await upload(Buffer.alloc(200 * 1024, 1), 'big.wav');
    expect(r.status).toBe(413);
    expect(r.body.error).toMatch(/larger than/);
    expect(readdirSync(path.join(t.dir, 'uploads'))).toEqual([]);
  });

  it('asks for multipart when the body is something else', async () => {
    const res = await fetch(`${t.hub.httpUrl}/api/v1/media`, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error).toMatch(/multipart\/form-data.*"file"/);
  });

  it('serves only known content-addressed files, and only to devices or users', async () => {
    expect((await fetch(`${t.hub.httpUrl}/media/${'a'.repeat(64)}.opus`)).status).toBe(401);
    const res = await fetch(`${t.hub.httpUrl}/media/..%2F..%2Fhub.sqlite`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(404);
  });
});
