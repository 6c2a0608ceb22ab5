// Live sessions (phát trực tiếp) through the API, in one process: who may go live, quiet hours, two
// sessions on one area, an emergency pre-empting, the end, and the answers against the contract
// (hub/api-contract/live.ts). No audio flows here: the encoder starts with the first chunk, and
// test/e2e/live.e2e.test.ts streams it to real agents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { systemClock } from '../../protocol/index.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { formatVn } from '../time.ts';
import { LiveSession, LiveSessionList, LiveStarted } from '../api-contract/live.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import WebSocket from 'ws';
import { randomUUID } from 'node:crypto';
import { lookupPlan } from '../ingest/plan-lookup.ts';
import { admit } from '../ingest/admission.ts';
import { createReceiptStore } from '../ingest/receipt-store.ts';
import { occurrenceId as makeOccurrenceId } from '../broadcasts/recurrence.ts';
import type { Receipt } from '../../protocol/index.ts';

let t: TestHub;
let w: World;
/** The hub's clock runs this far ahead of the real one (a session's actual length is read from it). */
let shift = 0;
beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock: { ...systemClock, now: () => Date.now() + shift } });
  w = await seedWorld(t, [
    { id: 'loa-hd', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd', kind: 'led', area: HA_DINH },
    { id: 'loa-kg', kind: 'speaker', area: KIM_GIANG },
  ]);
});
afterAll(() => t?.stop());

const call = async (who: ApiClient, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${t.hub.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the answers are checked against the contract's schemas below
  return { status: res.status, body: (await res.json()) as any };
};
const goLive = (who: ApiClient, body: Record<string, unknown>) =>
  call(who, 'POST', '/api/v1/live', { title: 'Họp tổ dân phố', priority: 'normal', ...body });
const end = (who: ApiClient, id: string) => call(who, 'POST', `/api/v1/live/${id}/end`, {});
const auditOf = (action: string) =>
  t.hub.ctx.db.prepare('SELECT user_id, target, detail FROM audit WHERE action = ? ORDER BY id').all(action) as Array<{
    user_id: number | null;
    target: string;
    detail: string;
  }>;

describe('going live', () => {
  it('refuses an official, in Vietnamese first, and the district office alone may go live as an emergency', async () => {
    const r = await goLive(w.official, { areaIds: [HA_DINH] });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('live.role-forbidden');
    expect(r.body.errorVi).toMatch(/^Cán bộ phường không được phát trực tiếp/);
    const e = await goLive(w.leader, { areaIds: [HA_DINH], priority: 'emergency' });
    expect(e.status).toBe(403);
    expect(e.body.code).toBe('live.emergency-district-only');
    expect(await goLive(t.admin, { areaIds: [HA_DINH] })).toMatchObject({ status: 403 });
    expect(auditOf('live.start')).toHaveLength(0);
  });

  it("is a leader's approval: an approved broadcast, audited, planned for the loudspeakers as the hub's stream", async () => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH], bufferMs: 600 });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const started = LiveStarted.parse(r.body);
    expect(started).toMatchObject({ state: 'starting', audioUrl: `/api/v1/live/${started.id}/audio`, bufferMs: 600 });
    const b = getBroadcast(t.hub.ctx.db, started.broadcastId)!;
    const leaderId = (await call(w.leader, 'GET', '/api/v1/me')).body.id;
    expect(b).toMatchObject({
      status: 'approved',
      decidedBy: leaderId,
      createdBy: leaderId,
      decisionCode: 'went-live',
    });
    expect(b.live).toEqual({ sessionId: started.id, bufferMs: 600 });
    expect(auditOf('live.start').map((a) => a.target)).toEqual([b.id]);

    const plan = planOccurrences(t.hub.ctx.db, [b], b.startsAt! - 1, b.startsAt! + 1);
    // The LED board has nothing to show: no LED text was given.
    expect(plan.map((p) => p.deviceId)).toEqual(['loa-hd']);
    expect(plan[0]!.item).toMatchObject({
      occurrenceId: started.occurrenceId,
      relay: { url: `/streams/${encodeURIComponent(started.occurrenceId)}`, live: true, bufferMs: 600 },
    });

    const s = LiveSession.parse((await call(w.leader, 'GET', `/api/v1/live/${started.id}`)).body);
    expect(s).toMatchObject({
      state: 'starting',
      endReason: null,
      endedBy: null,
      areaIds: [HA_DINH],
      startedBy: leaderId,
    });
    expect(s.listeners).toEqual([
      { deviceId: 'loa-hd', name: 'loa-hd', areaId: HA_DINH, state: 'waiting', since: null, bytes: 0 },
    ]);
    const list = LiveSessionList.parse((await call(w.district, 'GET', '/api/v1/live')).body);
    expect(list.sessions.map((x) => x.id)).toContain(started.id);

    // The same area, or the district above it: refused while it runs. Another ward is free.
    const again = await goLive(w.leader, { areaIds: [DISTRICT] });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('live.area-busy');
    const other = await goLive(w.leader, { areaIds: [KIM_GIANG] });
    expect(other.status).toBe(201);

    // Only whoever went live, or the district office, ends it.
    expect((await end(w.official, started.id)).status).toBe(403);
    const ended = LiveSession.parse((await end(w.district, other.body.id)).body);
    const district = (await call(w.district, 'GET', '/api/v1/me')).body;
    expect(ended).toMatchObject({ state: 'ended', endReason: 'ended-by-user' });
    // Who pressed "Kết thúc" is kept: the district office here, not the leader who went live.
    expect(ended.endedBy).toEqual({ id: district.id, name: district.displayName || district.username });
    expect((await end(w.leader, started.id)).body).toMatchObject({ state: 'ended', endReason: 'ended-by-user' });
    expect(auditOf('live.end').map((a) => JSON.parse(a.detail))).toEqual([
      expect.objectContaining({ session: other.body.id, reason: 'ended-by-user', by: 'quan' }),
      expect.objectContaining({ session: started.id, reason: 'ended-by-user', by: 'lanhdao' }),
    ]);
  });

  it('lasts its actual length once ended: what the plan, coverage and receipt admission read', async () => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH] });
    expect(r.status).toBe(201);
    const b0 = getBroadcast(t.hub.ctx.db, r.body.broadcastId)!;
    expect(b0.durationMs).toBe(r.body.maxSeconds * 1000);
    shift += 12_345; // the speaker talks for a while
    await end(w.leader, r.body.id);
    const b = getBroadcast(t.hub.ctx.db, r.body.broadcastId)!;
    expect(b.status).toBe('approved');
    expect(b.durationMs).toBeGreaterThanOrEqual(12_345 - t.hub.ctx.config.emergencyLeadMs);
    expect(b.durationMs).toBeLessThan(12_345 - t.hub.ctx.config.emergencyLeadMs + 2000);
    expect(planOccurrences(t.hub.ctx.db, [b], b.startsAt! - 1, b.startsAt! + 1)[0]!.item.durationMs).toBe(b.durationMs);
  });

  it("rejects at its end a receipt sent while it ran that claims more than it lasted; the device's other stands", async () => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH] });
    const b0 = getBroadcast(t.hub.ctx.db, r.body.broadcastId)!;
    const start = b0.startsAt!;
    const occurrenceId = makeOccurrenceId(b0.id, start);
    const receipts = createReceiptStore(t.hub.ctx.db);
    const now = () => Date.now() + shift;
    const receipt = (result: 'failed' | 'partial', airedS: number, endAt: number): Receipt => ({
      id: randomUUID(),
      deviceId: 'loa-hd',
      occurrenceId,
      broadcastId: b0.id,
      result,
      scheduledStart: start,
      actualStart: start,
      actualEnd: endAt,
      secondsPlayed: airedS,
      clockOffsetMs: 0,
      evidence: {
        relay: {
          live: true,
          secondsAired: airedS,
          secondsLost: 0,
          fallback: 'silence',
          fallbackSeconds: 0,
          lostAt: null,
          bytes: 1000,
        },
      },
      sig: 'not-checked-here',
    });
    const store = (x: Receipt) => {
      const admission = admit(x, lookupPlan(t.hub.ctx.db, 'loa-hd', occurrenceId), now());
      expect(admission).toEqual({ admitted: true }); // while it runs, its plan lasts the maximum
      return receipts.store(x, admission, now());
    };
    const stateOf = (id: string) =>
      t.hub.ctx.db.prepare('SELECT state, rejection, rejection_detail FROM receipts WHERE receipt_id = ?').get(id) as {
        state: string;
        rejection: string | null;
        rejection_detail: string | null;
      };

    shift += 10_000;
    const honest = receipt('failed', 4, start + 4000); // lost the stream 4 s in
    store(honest);
    shift += 10_000;
    // A device's key claims 50 s of airing that is still to come (within the 60 s clock tolerance).
    const lie = receipt('partial', (now() + 50_000 - start) / 1000, now() + 50_000);
    expect(store(lie)).toMatchObject({ state: 'admitted' }); // it outranks the failure
    expect(stateOf(honest.id).state).toBe('superseded');

    await end(w.leader, r.body.id); // about 20 s after it began
    expect(stateOf(lie.id)).toEqual({
      state: 'rejected',
      rejection: 'implausible',
      rejection_detail: expect.stringMatching(
        / played of an item lasting [\d.]+ s .*checked again once the broadcast's length was known/,
      ),
    });
    expect(stateOf(honest.id)).toEqual({ state: 'admitted', rejection: null, rejection_detail: null });
    const ended = auditOf('live.end').find((a) => a.target === b0.id)!;
    expect(JSON.parse(ended.detail).receiptsRejected).toEqual([{ receiptId: lie.id, detail: expect.any(String) }]);
  });

  it('ended before it reached the speakers owes nothing: its broadcast is cancelled', async () => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH] });
    await end(w.leader, r.body.id);
    expect(getBroadcast(t.hub.ctx.db, r.body.broadcastId)!.status).toBe('cancelled');
  });

  it('an emergency pre-empts a normal live session on the same area', async () => {
    const normal = await goLive(w.leader, { areaIds: [HA_DINH] });
    const urgent = await goLive(w.district, { areaIds: [HA_DINH], priority: 'emergency', title: 'Báo cháy' });
    expect(urgent.status, JSON.stringify(urgent.body)).toBe(201);
    expect((await call(w.leader, 'GET', `/api/v1/live/${normal.body.id}`)).body).toMatchObject({
      state: 'ended',
      endReason: 'pre-empted',
      endedBy: null, // the hub ended it, for the emergency
    });
    // An emergency on air is not pre-empted by another one.
    const second = await goLive(w.district, { areaIds: [HA_DINH], priority: 'emergency' });
    expect(second.status).toBe(409);
    await end(w.district, urgent.body.id);
  });
});

describe('quiet hours', () => {
  const hhmm = (ms: number) => formatVn(ms)!.slice(11, 16);
  it('refuse a normal session that would start in them (409, the hub’s words), not an emergency', async () => {
    const now = Date.now() + shift;
    const q = await call(w.district, 'POST', '/api/v1/quiet-hours', {
      areaPath: KIM_GIANG,
      start: hhmm(now - 30 * 60_000),
      end: hhmm(now + 90 * 60_000),
      note: 'giờ nghỉ',
    });
    expect(q.status, JSON.stringify(q.body)).toBe(201);
    try {
      const r = await goLive(w.leader, { areaIds: [KIM_GIANG] });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('quiet-hours');
      expect(r.body.errorVi).toMatch(/giờ/);
      const e = await goLive(w.district, { areaIds: [KIM_GIANG], priority: 'emergency' });
      expect(e.status).toBe(201);
      await end(w.district, e.body.id);
    } finally {
      await call(w.district, 'DELETE', `/api/v1/quiet-hours/${q.body.id}`);
    }
  });

  it('end a normal session where they begin: its maximum stops short of them', async () => {
    const now = Date.now() + shift;
    // Quiet hours from the next whole minute after 10 minutes from now.
    const start = Math.ceil((now + 10 * 60_000) / 60_000) * 60_000;
    const q = await call(w.district, 'POST', '/api/v1/quiet-hours', {
      areaPath: KIM_GIANG,
      start: hhmm(start),
      end: hhmm(start + 60 * 60_000),
    });
    try {
      const r = await goLive(w.leader, { areaIds: [KIM_GIANG] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.maxSeconds).toBeLessThanOrEqual((start - now) / 1000);
      expect(r.body.maxSeconds).toBeGreaterThan((start - now) / 1000 - 120);
      await end(w.leader, r.body.id);
    } finally {
      await call(w.district, 'DELETE', `/api/v1/quiet-hours/${q.body.id}`);
    }
  });
});

describe('the audio socket', () => {
  /** The status a refused upgrade answers with, and its body's code. */
  const refusal = (path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; code: string }>((resolve, reject) => {
      const ws = new WebSocket(`${t.hub.httpUrl.replace(/^http/, 'ws')}${path}`, { headers });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, code: JSON.parse(body || '{}').code }));
      });
      ws.on('open', () => reject(new Error('the socket opened')));
      ws.on('error', () => undefined);
    });
  const bearer = (who: ApiClient) => ({ authorization: `Bearer ${who.token}` });

  it('refuses anyone but whoever went live, another origin, and an ended or unknown session', async () => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH] });
    const path = r.body.audioUrl as string;
    expect(await refusal(path, {})).toMatchObject({ status: 401, code: 'auth.login-required' });
    expect(await refusal(path, bearer(w.district))).toMatchObject({ status: 403, code: 'live.not-starter' });
    expect(await refusal(path, { ...bearer(w.leader), origin: 'https://evil.example' })).toMatchObject({
      status: 403,
    });
    expect(await refusal('/api/v1/live/00000000-0000-4000-8000-000000000000/audio', bearer(w.leader))).toMatchObject({
      status: 404,
      code: 'live.not-found',
    });
    await end(w.leader, r.body.id);
    expect(await refusal(path, bearer(w.leader))).toMatchObject({ status: 409, code: 'live.ended' });
    // Anything else that asks to upgrade is refused; the broker's /mqtt stays its own.
    expect(await refusal('/api/v1/nothing', bearer(w.leader))).toMatchObject({ status: 400 });
  });
});

describe('a hub restarted during a session', () => {
  /** As if the hub had crashed with the session open (its last stamp `aliveMs` after the start) and started again hours later. */
  const crashAndRestart = async (aliveMs: number | null) => {
    const r = await goLive(w.leader, { areaIds: [HA_DINH] });
    const alive = aliveMs === null ? null : r.body.startsAtMs + aliveMs;
    t.hub.ctx.db.prepare('UPDATE live_sessions SET ended_at = NULL, alive_at = ? WHERE id = ?').run(alive, r.body.id);
    shift += 5 * 3600_000;
    t.hub.ctx.live.endOrphans();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { r, s: (await call(w.leader, 'GET', `/api/v1/live/${r.body.id}`)).body };
  };

  it('ends what the last run left open as source-lost at its last sign of life, not at the restart', async () => {
    const { r, s } = await crashAndRestart(95_000);
    expect(s).toMatchObject({ state: 'ended', endReason: 'source-lost', secondsLive: 95 });
    const b = getBroadcast(t.hub.ctx.db, r.body.broadcastId)!;
    expect(b.durationMs).toBe(95_000);
    // A device key in the wrong hands claims the session's maximum: the plan's length refuses it.
    const plan = lookupPlan(t.hub.ctx.db, 'loa-hd', r.body.occurrenceId);
    expect(plan.kind).toBe('planned');
    const claim = (seconds: number) =>
      admit(
        {
          id: randomUUID(),
          deviceId: 'loa-hd',
          occurrenceId: r.body.occurrenceId,
          broadcastId: b.id,
          result: 'played',
          scheduledStart: r.body.startsAtMs,
          actualStart: r.body.startsAtMs,
          actualEnd: r.body.startsAtMs + seconds * 1000,
          secondsPlayed: seconds,
          clockOffsetMs: 0,
          evidence: {},
          sig: 'x',
        },
        plan,
        Date.now() + shift,
      );
    expect(claim(r.body.maxSeconds)).toMatchObject({ admitted: false, reason: 'implausible' });
    expect(claim(94)).toEqual({ admitted: true });
  });

  it('cancels a session the last run left open that never had its source: nothing aired', async () => {
    const { r, s } = await crashAndRestart(null);
    expect(s).toMatchObject({ state: 'ended', endReason: 'source-lost', secondsLive: 0 });
    expect(getBroadcast(t.hub.ctx.db, r.body.broadcastId)!.status).toBe('cancelled');
  });
});
