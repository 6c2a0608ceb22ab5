// Archiving and deleting media through the real HTTP routes: refused while a broadcast that may
// still air or is reported uses the media (naming it, in Vietnamese too), allowed once none does;
// deleting removes the files; a failed upload can go; who may is the uploader's ward (its
// officials, leaders, the district office) and an admin; all of it is audited.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { vietnameseSpeech } from '../../test/helpers/audio.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { formatVn } from '../time.ts';
import type { AuditEntry, HubJson, MediaItem, MediaOutput } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
let tmp: string;
let hdOfficial: ApiClient;
let hdColleague: ApiClient;
let hdLeader: ApiClient;
let kgOfficial: ApiClient;
let speech: string;
const later = () => formatVn(Date.now() + 2 * 86_400_000)!.slice(0, 16);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-media-life-'));
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH },
    { id: 'loa-kg-1', kind: 'speaker', area: KIM_GIANG },
  ]);
  const users = [
    ['canbo.hd', 'operator', HA_DINH],
    ['canbo2.hd', 'operator', HA_DINH],
    ['lanhdao.hd', 'approver', HA_DINH],
    ['canbo.kg', 'operator', KIM_GIANG],
  ] as const;
  for (const [username, role, areaPath] of users)
    await t.admin.post('/api/v1/users', { username, password: `password-${username}`, role, areaPath });
  [hdOfficial, hdColleague, hdLeader, kgOfficial] = await Promise.all(users.map(([u]) => t.api.as(u, `password-${u}`)));
  speech = vietnameseSpeech(tmp, 'Xin chào bà con.', 'wav');
});
afterAll(async () => {
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const settled = (api: ApiClient, id: number) =>
  api.waitFor(
    async () => {
      const m = await api.get(`/api/v1/media/${id}`);
      return m.status !== 'processing' ? m : null;
    },
    30_000,
    `media ${id}`,
  );

async function raw(api: ApiClient, method: string, p: string): Promise<{ status: number; body: HubJson }> {
  const res = await fetch(t.hub.httpUrl + p, { method, headers: { authorization: `Bearer ${api.token}` } });
  return { status: res.status, body: await res.json() };
}
const library = async (api: ApiClient, archived = false) =>
  (await api.get(`/api/v1/media${archived ? '?archived=1' : ''}`)).map((m: MediaItem) => m.id);

describe('archiving and deleting media', () => {
  it('in use by a waiting or approved broadcast: refused, naming it; once rejected: deleted, files gone, audited', async () => {
    const m = await settled(hdOfficial, (await hdOfficial.upload('/api/v1/media', speech, 'xin-chao.wav')).id);
    expect(m.status).toBe('ready');
    const files = m.outputs.map((o: MediaOutput) => path.join(t.dir, 'media', o.file));
    expect(files.every(existsSync)).toBe(true);
    const b = await hdOfficial.post('/api/v1/broadcasts', {
      title: 'Tin sáng thứ hai',
      mediaId: m.id,
      targets: { areas: [HA_DINH] },
      startsAt: later(),
    });
    for (const [method, p] of [
      ['DELETE', `/api/v1/media/${m.id}`],
      ['POST', `/api/v1/media/${m.id}/archive`],
    ]) {
      const r = await raw(hdOfficial, method, p);
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('media.in-use');
      expect(r.body.errorVi).toContain('«Tin sáng thứ hai»');
      expect(r.body.broadcasts).toEqual([{ id: b.id, title: 'Tin sáng thứ hai', status: 'submitted' }]);
    }
    await hdLeader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    expect((await raw(hdOfficial, 'DELETE', `/api/v1/media/${m.id}`)).status).toBe(409);
    // Cancelled after approval: the report still accounts for it.
    await hdLeader.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
    expect((await raw(hdOfficial, 'DELETE', `/api/v1/media/${m.id}`)).body.errorVi).toContain('«Tin sáng thứ hai»');

    // A second upload used only by a rejected bulletin may go.
    const n = await settled(hdOfficial, (await hdOfficial.upload('/api/v1/media', speech, 'lan-hai.wav')).id);
    const r = await hdOfficial.post('/api/v1/broadcasts', {
      title: 'Bị từ chối',
      mediaId: n.id,
      targets: { areas: [HA_DINH] },
      startsAt: later(),
    });
    await hdLeader.post(`/api/v1/broadcasts/${r.id}/reject`, { reason: 'Trùng nội dung' });
    // Same content as the first upload: the shared files stay, since the first still names them.
    const del = await raw(hdColleague, 'DELETE', `/api/v1/media/${n.id}`);
    expect(del.status).toBe(200);
    expect(del.body.removedFiles).toEqual([]);
    expect(files.every(existsSync)).toBe(true);
    expect(await library(hdOfficial)).not.toContain(n.id);
    expect(await hdOfficial.get(`/api/v1/media/${n.id}`)).toMatchObject({ deletedAt: expect.any(String), outputs: [] });
    const audit = await hdLeader.get('/api/v1/audit');
    expect(audit.find((e: AuditEntry) => e.action === 'media.delete' && e.target === String(n.id))).toMatchObject({
      username: 'canbo2.hd',
      detail: { name: 'lan-hai.wav', status: 'ready' },
    });
    // A bulletin can no longer use it.
    await expect(
      hdOfficial.post('/api/v1/broadcasts', {
        title: 'x',
        mediaId: n.id,
        targets: { areas: [HA_DINH] },
        startsAt: later(),
      }),
    ).rejects.toThrow(/→ 400: media \d+ does not exist/);
  });

  it('a failed upload is deleted with its files; archive hides, restore brings back; an archived item cannot be scheduled', async () => {
    const bad = path.join(tmp, 'khong-phai-am-thanh.mp3');
    writeFileSync(bad, 'Đây không phải là âm thanh.\n'.repeat(50));
    const f = await settled(hdOfficial, (await hdOfficial.upload('/api/v1/media', bad, 'khong-phai-am-thanh.mp3')).id);
    expect(f.status).toBe('failed');
    expect((await raw(hdOfficial, 'DELETE', `/api/v1/media/${f.id}`)).status).toBe(200);
    expect(await library(hdOfficial)).not.toContain(f.id);

    const a = await settled(
      hdOfficial,
      (await hdOfficial.upload('/api/v1/media', vietnameseSpeech(tmp, 'Lưu trữ.', 'wav'), 'luu-tru.wav')).id,
    );
    await hdLeader.post(`/api/v1/media/${a.id}/archive`, {});
    expect(await library(hdOfficial)).not.toContain(a.id);
    expect(await library(hdOfficial, true)).toEqual([a.id]);
    const use = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hdOfficial.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', mediaId: a.id, targets: { areas: [HA_DINH] }, startsAt: later() }),
    });
    expect(use.status).toBe(409);
    expect((await use.json()).errorVi).toBe(
      `Tệp âm thanh số ${a.id} đã được lưu trữ; hãy khôi phục trong thư viện để dùng.`,
    );
    await hdOfficial.post(`/api/v1/media/${a.id}/restore`, {});
    expect(await library(hdOfficial)).toContain(a.id);
    expect(await library(hdOfficial, true)).toEqual([]);
    // Its own content: deleting removes its files from the disk.
    const files = a.outputs.map((o: MediaOutput) => path.join(t.dir, 'media', o.file));
    expect(files.every(existsSync)).toBe(true);
    const del = await raw(hdOfficial, 'DELETE', `/api/v1/media/${a.id}`);
    expect(del.body.removedFiles.sort()).toEqual(a.outputs.map((o: MediaOutput) => o.file).sort());
    expect(files.some(existsSync)).toBe(false);
    const actions = (await hdLeader.get('/api/v1/audit'))
      .filter((e: AuditEntry) => e.target === String(a.id))
      .map((e: AuditEntry) => `${e.action} ${e.username}`);
    expect(actions).toEqual([
      'media.delete canbo.hd',
      'media.restore canbo.hd',
      'media.archive lanhdao.hd',
      'media.upload canbo.hd',
    ]);
  });

  it("who may: not another ward's official, not a ward official for the district's media; the district office and an admin may", async () => {
    const mine = await settled(hdOfficial, (await hdOfficial.upload('/api/v1/media', speech, 'cua-ha-dinh.wav')).id);
    // Kim Giang cannot even see it.
    expect((await raw(kgOfficial, 'DELETE', `/api/v1/media/${mine.id}`)).status).toBe(404);
    // The district's upload, heard in Hạ Đình through a bulletin for it: seen there, not theirs to remove.
    const theirs = await settled(w.official, (await w.official.upload('/api/v1/media', speech, 'cua-quan.wav')).id);
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Tin quận',
      mediaId: theirs.id,
      targets: { areas: [DISTRICT] },
      startsAt: later(),
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/reject`, { reason: 'Chưa đúng' });
    const r = await raw(hdOfficial, 'POST', `/api/v1/media/${theirs.id}/archive`);
    expect(r.status).toBe(403);
    expect(r.body.errorVi).toContain('«cua-quan.wav»');
    // The district office may manage its wards' media; so may an admin.
    await w.district.post(`/api/v1/media/${mine.id}/archive`, {});
    expect((await raw(t.admin, 'DELETE', `/api/v1/media/${theirs.id}`)).status).toBe(200);
  });
});
