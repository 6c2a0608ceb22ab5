// A relay (tiếp âm) through the API: scheduled like any bulletin, its upstream address and length
// checked with the problem named (Vietnamese first), and planned for loudspeakers as a stream item
// on the hub. Its stream is for devices only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, type World } from '../../test/helpers/world.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { formatVn } from '../time.ts';
import type { HubJson } from '../../cli/api-client.ts';

let t: TestHub;
let w: World;
beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'loa-1', kind: 'speaker', area: HA_DINH },
    { id: 'led-1', kind: 'led', area: HA_DINH },
  ]);
});
afterAll(() => t?.stop());

const post = async (body: unknown) => {
  const res = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${(w.official as unknown as { token: string }).token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HubJson };
};
const relay = (r: Record<string, unknown>, when: Record<string, unknown> = { startsAt: '2099-01-01T05:00' }) => ({
  title: 'Tiếp âm thời sự VOV1',
  targets: { areas: [HA_DINH], devices: [] },
  relay: { url: 'http://radio.vov.vn:8000/vov1.mp3', ...r },
  ...when,
});
/** A day in Vietnam some days from now (the checks look at the coming weeks). */
const vnDay = (offsetDays: number) => formatVn(Date.now() + offsetDays * 86_400_000)!.slice(0, 10);
const DAILY_5AM = 'DTSTART:20990101T050000\nRRULE:FREQ=DAILY;COUNT=3';

describe('a relay broadcast', () => {
  it('runs each day from 05:00 to its end time, and is planned as a stream for loudspeakers only', async () => {
    const r = await post(relay({ endsAt: '05:30' }, { rrule: DAILY_5AM }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      status: 'submitted',
      durationMs: 30 * 60_000,
      relay: { url: 'http://radio.vov.vn:8000/vov1.mp3', seconds: null, endsAt: '05:30', fallback: 'silence' },
    });
    const b = getBroadcast(t.hub.ctx.db, r.body.id)!;
    const plan = planOccurrences(
      t.hub.ctx.db,
      [b],
      Date.parse('2098-12-31T00:00:00Z'),
      Date.parse('2099-01-05T00:00:00Z'),
    );
    // The LED board has nothing to show: a relay is audio.
    expect(new Set(plan.map((p) => p.deviceId))).toEqual(new Set(['loa-1']));
    expect(plan).toHaveLength(3);
    const item = plan[0]!.item;
    expect(item).toMatchObject({
      durationMs: 30 * 60_000,
      relay: {
        url: `/streams/${encodeURIComponent(item.occurrenceId)}`,
        format: 'ogg-opus',
        bitrateKbps: 24,
        fallback: 'silence',
      },
    });
    expect(item.media).toBeUndefined();
  });

  it('refuses an address that is not http or https, naming the problem in Vietnamese first', async () => {
    const r = await post(relay({ url: 'rtmp://vov.vn/live/vov1', seconds: 600 }));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'relay.url-scheme' });
    expect(r.body.errorVi).toBe(
      'Địa chỉ nguồn tiếp âm "rtmp://vov.vn/live/vov1" dùng giao thức "rtmp": chỉ tiếp âm được luồng http hoặc https (Icecast, SHOUTcast, HLS).',
    );
  });

  it('refuses a relay without a length, with an end that is not a time, or with an ident fallback without the ident', async () => {
    expect((await post(relay({}))).body).toMatchObject({ code: 'relay.length-one-of' });
    expect((await post(relay({ seconds: 600, fallback: 'ident' }))).body).toMatchObject({
      code: 'relay.ident-needs-media',
    });
    expect((await post(relay({ endsAt: '5:30pm' }))).body).toMatchObject({ code: 'relay.ends-at-invalid' });
  });

  it('keeps the quiet hours like any bulletin: a normal relay at 23:00 is refused, a priority one is not', async () => {
    const q = await fetch(`${t.hub.httpUrl}/api/v1/quiet-hours`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(w.leader as unknown as { token: string }).token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ areaPath: HA_DINH, start: '22:00', end: '04:30' }),
    });
    expect(q.status).toBe(201);
    const late = relay({ endsAt: '23:30' }, { startsAt: `${vnDay(3)}T23:00` });
    const r = await post(late);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('quiet-hours');
    expect(r.body.errorVi).toMatch(/không được phát trong giờ yên tĩnh/);
    expect((await post({ ...late, priority: 'priority' })).status).toBe(201);
  });

  it('is checked for clashes like any bulletin, for its whole length', async () => {
    // A second relay half an hour into the first overlaps it on the same loudspeaker.
    const first = await post(relay({ seconds: 3600 }, { startsAt: `${vnDay(4)}T05:00` }));
    await w.leader.post(`/api/v1/broadcasts/${first.body.id}/approve`, {});
    const res2 = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts/check`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(w.official as unknown as { token: string }).token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(relay({ seconds: 600 }, { startsAt: `${vnDay(4)}T05:30` })),
    });
    const clash: unknown = await res2.json();
    expect(JSON.stringify(clash)).toContain(first.body.id);
  });

  it('serves its stream to devices only', async () => {
    const r = await post(relay({ seconds: 600 }));
    const occ = encodeURIComponent(`${r.body.id}@${Date.parse('2099-01-01T05:00:00+07:00')}`);
    expect((await fetch(`${t.hub.httpUrl}/streams/${occ}`)).status).toBe(401);
    const asUser = await fetch(`${t.hub.httpUrl}/streams/${occ}`, {
      headers: { authorization: `Bearer ${(w.leader as unknown as { token: string }).token}` },
    });
    expect(asUser.status).toBe(404);
  });
});
