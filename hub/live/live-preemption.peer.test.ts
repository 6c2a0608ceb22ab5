// A normal live session gives way to an emergency bulletin with audio on its areas: the hub ends
// it (pre-empted) where the emergency begins, as the speakers switch to it, and refuses a new one
// while the emergency is on air. Checked by the session's per-second timer, which runs while its
// audio socket is open (that starts the session's ffmpeg, hence a peer test).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, type World } from '../../test/helpers/world.ts';

let t: TestHub;
let w: World;
beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'loa-hd', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd', kind: 'led', area: HA_DINH },
  ]);
});
afterAll(() => t?.stop());

const call = async (who: World['leader'], method: string, path: string, body?: unknown) => {
  const res = await fetch(`${t.hub.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are the contract's, checked in live-sessions.test.ts
  return { status: res.status, body: (await res.json()) as any };
};
const goLive = (who: World['leader'], body: Record<string, unknown>) =>
  call(who, 'POST', '/api/v1/live', { title: 'Họp tổ dân phố', priority: 'normal', ...body });
const end = (who: World['leader'], id: string) => call(who, 'POST', `/api/v1/live/${id}/end`, {});

describe('an emergency bulletin', () => {
  /** A ready media row of the district office's (no file is read here: scheduling only needs it ready). */
  const mediaId = () =>
    t.hub.ctx.db
      .prepare(
        "INSERT INTO media(original_name, source_bytes, status, duration_ms, outputs, uploaded_by, created_at) VALUES ('canh-bao.mp3', 1, 'ready', 60000, ?, (SELECT id FROM users WHERE role = 'district' LIMIT 1), 0)",
      )
      .run(JSON.stringify([{ format: 'opus', file: 'canh-bao.opus', sha256: 'a'.repeat(64), bytes: 1000 }]))
      .lastInsertRowid as number;
  const emergency = (areas: string[], withAudio = true) =>
    w.district.post('/api/v1/broadcasts', {
      title: 'Cảnh báo lũ',
      ...(withAudio ? { mediaId: mediaId() } : { led: { pages: [{ lines: ['LŨ'], mode: 'flash', seconds: 8 }] } }),
      priority: 'emergency',
      targets: { areas, devices: [] },
      startsAt: 'now',
    });
  /** Opens the session's audio socket as its source (the hub's per-second checks run while it is open). */
  const source = (path: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(`${t.hub.httpUrl.replace(/^http/, 'ws')}${path}`, {
        headers: { authorization: `Bearer ${w.leader.token}` },
      });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const stateOf = async (id: string) => (await call(w.leader, 'GET', `/api/v1/live/${id}`)).body;

  it('ends a normal session on its area when it begins, and refuses a new one while on air', async () => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const ws = await source(r.body.audioUrl);
    try {
      // An LED-only emergency leaves the speakers to the session.
      const led = await emergency([HA_DINH], false);
      await new Promise((res) => setTimeout(res, t.hub.ctx.config.emergencyLeadMs + 1500));
      expect((await stateOf(r.body.id)).endReason).toBeNull();
      await w.district.post(`/api/v1/broadcasts/${led.id}/cancel`, {});

      const e = await emergency([DISTRICT]); // the whole district, above the ward
      await expect
        .poll(() => stateOf(r.body.id), { timeout: t.hub.ctx.config.emergencyLeadMs + 5000, interval: 200 })
        .toMatchObject({ state: 'ended', endReason: 'pre-empted', endedBy: null });
      const refused = await goLive(w.leader, { areaIds: [HA_DINH] });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'live.emergency-on-air', errorVi: expect.stringMatching(/khẩn cấp/) });
      // The district may still go live as an emergency there.
      const urgent = await goLive(w.district, { areaIds: [HA_DINH], priority: 'emergency' });
      expect(urgent.status, JSON.stringify(urgent.body)).toBe(201);
      await end(w.district, urgent.body.id);
      await w.district.post(`/api/v1/broadcasts/${e.id}/cancel`, {});
    } finally {
      ws.close();
    }
  });
});
