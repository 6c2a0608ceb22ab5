// Forged-but-signed receipts against a real hub (SQLite file, embedded broker, HTTP): a device's
// own key signs every claim and the device's own MQTT credentials publish it, as an attacker
// holding one device's key would. The coverage report (JSON, CSV) counts only what was admitted,
// lists the rest with their reasons, and a true 'played' that arrives after a false early claim
// stands. The hub's clock is injected, so the test passes at any date and hour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID, createPrivateKey, type KeyObject } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { generateSigningKeys, signReceipt, systemClock, topics, type UnsignedReceipt } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { formatVn } from '../time.ts';
import type { Broadcast, BroadcastDevice, CoverageRow, RejectedClaim } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
let hubNow = Date.now();
const tp = topics();
const LED_MS = 20_000;
const led = (text: string) => ({ pages: [{ lines: [text], mode: 'hold', seconds: LED_MS / 1000 }] });

interface Device {
  id: string;
  key: KeyObject;
  client: MqttClient;
  acked: Set<string>;
}
const devices: Record<string, Device> = {};

async function enrol(id: string): Promise<Device> {
  const keys = generateSigningKeys();
  const creds = await t.api.post('/api/v1/enrol', { token: w.tokens[id], publicKey: keys.publicKeyPem });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.hub.mqttPort}`, {
    clientId: id,
    username: creds.mqttUsername,
    password: creds.mqttPassword,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  const acked = new Set<string>();
  // The ack is a signed envelope; its body names the receipt ids.
  client.on('message', (_topic, payload) => {
    const env = JSON.parse(payload.toString());
    if (env.body?.type === 'receipt-ack') for (const r of env.body.receiptIds) acked.add(r);
  });
  await client.subscribeAsync(tp.deviceReply(id), { qos: 1 });
  return { id, key: createPrivateKey(keys.privateKeyPem), client, acked };
}

/** Signs a receipt with the device's key and publishes it with the hub clock set to `at`. */
async function send(
  d: Device,
  at: number,
  o: Partial<UnsignedReceipt> & Pick<UnsignedReceipt, 'occurrenceId' | 'broadcastId' | 'scheduledStart'>,
): Promise<string> {
  hubNow = at;
  const r = signReceipt(d.key, {
    id: randomUUID(),
    deviceId: d.id,
    result: 'played',
    actualStart: null,
    actualEnd: null,
    secondsPlayed: 0,
    clockOffsetMs: 12,
    evidence: {},
    ...o,
  });
  await d.client.publishAsync(tp.deviceEvent(d.id, 'receipt'), JSON.stringify(r), { qos: 1 });
  await waitFor(() => d.acked.has(r.id), `ack of ${r.id}`);
  return r.id;
}

async function waitFor(check: () => boolean, what: string, ms = 10_000) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// The API shows times to the second; the occurrence id carries the exact start.
/** A broadcast as posted: the API's, with the exact start the test scheduled (when it kept it). */
type Posted = Broadcast & { exactStart?: number };
const at = (b: Posted): number => b.exactStart ?? Date.parse(b.startsAt!);
const occ = (b: Posted) => ({ occurrenceId: `${b.id}@${at(b)}`, broadcastId: b.id, scheduledStart: at(b) });
/** An honest LED 'played' for an occurrence, sent right after it ended. */
const played = (b: Posted, delayMs = 0) => ({
  ...occ(b),
  result: 'played' as const,
  actualStart: at(b) + delayMs + 30,
  actualEnd: at(b) + delayMs + LED_MS + 60,
  secondsPlayed: 20.03,
});

let ours: Posted; // Hạ Đình's bulletin
let theirs: Posted; // Kim Giang's bulletin
let cancelledMidway: Posted;
let cancelledEarly: Posted;
let emergency: Posted;
let from: number;
let to: number;

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock: { ...systemClock, now: () => hubNow } });
  w = await seedWorld(t, [
    { id: 'led-hd-1', kind: 'led', area: HA_DINH, name: 'Bảng LED chợ Hạ Đình' },
    { id: 'led-kg-1', kind: 'led', area: KIM_GIANG, name: 'Bảng LED Kim Giang' },
  ]);
  await t.admin.post('/api/v1/users', {
    username: 'canbo.kg',
    password: 'password-canbo-kg',
    role: 'operator',
    areaPath: KIM_GIANG,
  });
  const post = async (title: string, area: string, startsAt: number) => {
    const b = await w.official.post('/api/v1/broadcasts', {
      title,
      led: led(title),
      targets: { areas: [area] },
      startsAt: formatVn(startsAt),
    });
    return w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  };
  // Starts in the future from the real clock (the hub refuses past ones); receipts then travel in
  // the injected hub clock, after these starts.
  const base = Math.ceil((Date.now() + 3600_000) / 60_000) * 60_000;
  ours = await post('Thông báo cắt điện Hạ Đình', HA_DINH, base);
  theirs = await post('Thông báo Kim Giang', KIM_GIANG, base + 600_000);
  cancelledMidway = await post('Tin bị huỷ giữa chừng', HA_DINH, base + 1200_000);
  cancelledEarly = await post('Tin bị huỷ trước giờ phát', HA_DINH, base + 1800_000);
  await w.leader.post(`/api/v1/broadcasts/${cancelledEarly.id}/cancel`, {});
  // Cancelled 10 s into its airing (what a cancel during playback leaves in the database).
  t.hub.ctx.db
    .prepare("UPDATE broadcasts SET status = 'cancelled', cancelled_at = ? WHERE id = ?")
    .run(at(cancelledMidway) + 10_000, cancelledMidway.id);
  emergency = await w.district.post('/api/v1/broadcasts', {
    title: 'Cảnh báo ngập',
    led: led('Cảnh báo ngập'),
    priority: 'emergency',
    targets: { areas: [DISTRICT] },
    startsAt: 'now',
  });
  const planned = await w.district.get(`/api/v1/broadcasts/${emergency.id}`);
  emergency.exactStart = Number(planned.devices[0].occurrenceId.split('@')[1]);
  from = Date.now() - 3600_000;
  to = base + 3 * 3600_000;
  devices.hd = await enrol('led-hd-1');
  devices.kg = await enrol('led-kg-1');
});
afterAll(async () => {
  for (const d of Object.values(devices)) await d.client.endAsync();
  await t?.stop();
});

describe('receipts admitted against the plan, through the broker', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const hd = devices.hd;
    const S = at(ours);
    // The attack: one device's key, signed claims.
    ids.early = await send(hd, S - 30 * 60_000, played(ours));
    ids.otherWard = await send(hd, at(theirs) + 60_000, played(theirs));
    ids.noSuch = await send(hd, S + 60_000, {
      ...played(ours),
      occurrenceId: `${randomUUID()}@${S}`,
      broadcastId: randomUUID(),
    });
    ids.notAnOccurrence = await send(hd, S + 60_000, {
      ...played(ours),
      occurrenceId: `${ours.id}@${S + 1000}`,
      scheduledStart: S + 1000,
    });
    ids.endBeforeStart = await send(hd, S + 60_000, {
      ...played(ours),
      actualStart: S + 50_000,
      actualEnd: S + 1000,
      result: 'partial',
      secondsPlayed: 0,
    });
    ids.billion = await send(hd, S + 60_000, { ...played(ours), secondsPlayed: 1e9 });
    ids.afterCancel = await send(hd, at(cancelledEarly) + 60_000, played(cancelledEarly));
    // The truth arrives later and stands, though the false early claim came first.
    ids.truth = await send(hd, S + LED_MS + 1000, played(ours));
    ids.duplicate = ids.truth;
    await hd.client.publishAsync(
      tp.deviceEvent(hd.id, 'receipt'),
      JSON.stringify(
        signReceipt(hd.key, { id: ids.truth, deviceId: hd.id, ...played(ours), clockOffsetMs: 12, evidence: {} }),
      ),
      { qos: 1 },
    );
    // A weaker result after it is kept as superseded.
    ids.weaker = await send(hd, S + LED_MS + 2000, { ...occ(ours), result: 'missed' });
    // Owed although cancelled: it started before the cancellation.
    ids.cancelledPartial = await send(hd, at(cancelledMidway) + 11_000, {
      ...occ(cancelledMidway),
      result: 'partial',
      reason: 'cancelled by hub',
      actualStart: at(cancelledMidway) + 20,
      actualEnd: at(cancelledMidway) + 10_100,
      secondsPlayed: 10.05,
    });
    // An emergency whose play-now reached the board 8 minutes late: due at its arrival.
    ids.lateEmergency = await send(hd, at(emergency) + 8 * 60_000 + LED_MS + 1000, played(emergency, 8 * 60_000));
    // Kim Giang's own board, honestly.
    ids.kg = await send(devices.kg, at(theirs) + LED_MS + 500, played(theirs));
  });

  it('acknowledges every stored receipt, admitted or not, so the outbox empties', () => {
    for (const [name, id] of Object.entries(ids))
      expect(devices[name === 'kg' ? 'kg' : 'hd'].acked.has(id), name).toBe(true);
  });

  it('the coverage report counts only admitted receipts and lists the rejected claims with reasons', async () => {
    const r = await w.district.get(
      `/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&from=${encodeURIComponent(formatVn(from)!)}&to=${encodeURIComponent(formatVn(to)!)}`,
    );
    const row = (b: Posted) => r.rows.find((x: CoverageRow) => x.broadcastId === b.id);
    expect(r.rows.map((x: CoverageRow) => x.broadcastId).sort()).toEqual(
      [ours.id, cancelledMidway.id, emergency.id].sort(),
    );
    expect(row(ours)).toMatchObject({ deviceId: 'led-hd-1', result: 'played', secondsPlayed: 20.03, confirmed: true });
    expect(row(cancelledMidway)).toMatchObject({ result: 'partial', secondsPlayed: 10.05 });
    expect(row(emergency)).toMatchObject({ result: 'played' });
    expect(r.totals).toMatchObject({ scheduled: 3, played: 2, partial: 1 });
    expect(r.totals.secondsPlayed).toBeCloseTo(20.03 + 10.05 + 20.03, 5);

    expect(r.rejectedCount).toBe(7);
    expect(r.rejectedByReason).toEqual({ unplanned: 3, 'not-targeted': 1, premature: 1, implausible: 2 });
    const claim = (id: string) => r.rejectedClaims.find((c: RejectedClaim) => c.receiptId === id);
    expect(claim(ids.early)).toMatchObject({
      rejection: 'premature',
      claimedResult: 'played',
      deviceId: 'led-hd-1',
      areaName: 'Phường Hạ Đình',
    });
    expect(claim(ids.otherWard)).toMatchObject({ rejection: 'not-targeted', title: 'Thông báo Kim Giang' });
    expect(claim(ids.otherWard).rejectionDetail).toMatch(/not a target/);
    expect(claim(ids.noSuch)).toMatchObject({ rejection: 'unplanned', title: null });
    expect(claim(ids.notAnOccurrence).rejectionDetail).toMatch(/no occurrence at/);
    expect(claim(ids.endBeforeStart)).toMatchObject({ rejection: 'implausible' });
    expect(claim(ids.billion)).toMatchObject({ rejection: 'implausible', claimedSecondsPlayed: 1e9 });
    expect(claim(ids.afterCancel).rejectionDetail).toMatch(/cancelled at/);

    // The broadcast's own page shows the standing record; the history keeps them all.
    const detail = await w.district.get(`/api/v1/broadcasts/${ours.id}?from=${from}&to=${to}`);
    expect(detail.devices.find((d: BroadcastDevice) => d.deviceId === 'led-hd-1')).toMatchObject({
      state: 'played',
      secondsPlayed: 20.03,
    });
    const history = t.hub.ctx.db
      .prepare('SELECT receipt_id AS id, state FROM receipts WHERE occurrence_id = ? ORDER BY rowid')
      .all(`${ours.id}@${at(ours)}`);
    expect(history).toEqual([
      { id: ids.early, state: 'rejected' },
      { id: ids.endBeforeStart, state: 'rejected' },
      { id: ids.billion, state: 'rejected' },
      { id: ids.truth, state: 'admitted' },
      { id: ids.weaker, state: 'superseded' },
    ]);
  });

  it('the CSV marks rejected claims so a spreadsheet summing "played" is not fooled', async () => {
    const res = await fetch(
      `${t.hub.httpUrl}/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&from=${encodeURIComponent(formatVn(from)!)}&to=${encodeURIComponent(formatVn(to)!)}&format=csv&lang=codes`,
      {
        headers: { authorization: `Bearer ${w.district.token}` },
      },
    );
    const [head, ...lines] = (await res.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const cols = head.split(',');
    // No cell of these rows has a comma or quote, so a plain split reads them.
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
    expect(cols).toEqual(
      expect.arrayContaining(['result', 'secondsPlayed', 'claimedResult', 'claimedSecondsPlayed', 'rejection']),
    );
    expect(rows.filter((x) => x.result === 'played')).toHaveLength(2);
    const rejected = rows.filter((x) => x.result === 'rejected');
    expect(rejected).toHaveLength(7);
    expect(rejected.every((x) => x.secondsPlayed === '0' && x.claimedResult !== '' && x.rejection !== '')).toBe(true);
    expect(rejected.map((x) => x.rejection).sort()).toEqual([
      'implausible',
      'implausible',
      'not-targeted',
      'premature',
      'unplanned',
      'unplanned',
      'unplanned',
    ]);
    expect(rows.reduce((s, x) => s + Number(x.secondsPlayed), 0)).toBeCloseTo(50.11, 5);
  });

  it('counts rejected receipts by reason in /metrics', async () => {
    const text = await t.admin.get('/metrics');
    expect(text).toMatch(/wardcast_receipts_rejected_total\{reason="unplanned"\} 3/);
    expect(text).toMatch(/wardcast_receipts_rejected_total\{reason="not-targeted"\} 1/);
    expect(text).toMatch(/wardcast_receipts_rejected_total\{reason="premature"\} 1/);
    expect(text).toMatch(/wardcast_receipts_rejected_total\{reason="implausible"\} 2/);
    expect(text).toMatch(/wardcast_receipts_duplicate_total 1/);
  });

  it('keeps area scoping: another ward’s official sees neither the claims nor the report', async () => {
    const kgOfficial = await t.api.as('canbo.kg', 'password-canbo-kg');
    await expect(
      kgOfficial.get(
        `/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&from=${encodeURIComponent(formatVn(from)!)}&to=${encodeURIComponent(formatVn(to)!)}`,
      ),
    ).rejects.toThrow(/403/);
    const own = await kgOfficial.get(
      `/api/v1/reports/coverage?area=${encodeURIComponent(KIM_GIANG)}&from=${encodeURIComponent(formatVn(from)!)}&to=${encodeURIComponent(formatVn(to)!)}`,
    );
    expect(own.rejectedClaims).toEqual([]);
    expect(own.rows.find((x: CoverageRow) => x.broadcastId === theirs.id)).toMatchObject({
      deviceId: 'led-kg-1',
      result: 'played',
    });
    // Every page and the CSV keep the same rule; without an area, one's own area is read.
    const span = `from=${encodeURIComponent(formatVn(from)!)}&to=${encodeURIComponent(formatVn(to)!)}`;
    for (const p of ['/api/v1/reports/coverage/rows', '/api/v1/reports/coverage/rejected']) {
      await expect(kgOfficial.get(`${p}?area=${encodeURIComponent(HA_DINH)}&${span}`)).rejects.toThrow(/403/);
      await expect(kgOfficial.get(`${p}?area=${encodeURIComponent(DISTRICT)}&${span}`)).rejects.toThrow(/403/);
    }
    const csv = await fetch(
      `${t.hub.httpUrl}/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&${span}&format=csv`,
      { headers: { authorization: `Bearer ${kgOfficial.token}` } },
    );
    expect(csv.status).toBe(403);
    const rows = await kgOfficial.get(`/api/v1/reports/coverage/rows?${span}`);
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(new Set(rows.rows.map((x: CoverageRow) => x.deviceId))).toEqual(new Set(['led-kg-1']));
    expect((await kgOfficial.get(`/api/v1/reports/coverage/rejected?${span}`)).claims).toEqual([]);
  });

  it('pages the rows and claims, and names bad page parameters', async () => {
    const span = `area=${encodeURIComponent(HA_DINH)}&from=${encodeURIComponent(formatVn(from)!)}&to=${encodeURIComponent(formatVn(to)!)}`;
    const all: RejectedClaim[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const p: { claims: RejectedClaim[]; next: string | null } = await w.district.get(
        `/api/v1/reports/coverage/rejected?${span}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(p.claims.length).toBeLessThanOrEqual(2);
      all.push(...p.claims);
      cursor = p.next;
    }
    expect(all.map((c) => c.receiptId)).toEqual(
      (await w.district.get(`/api/v1/reports/coverage?${span}`)).rejectedClaims.map((c: RejectedClaim) => c.receiptId),
    );
    expect(new Set(all.map((c) => c.receiptId)).size).toBe(7);
    const partial = await w.district.get(`/api/v1/reports/coverage/rows?${span}&result=partial,failed`);
    expect(partial.rows.map((x: CoverageRow) => x.broadcastId)).toEqual([cancelledMidway.id]);
    const bad = async (q: string) => {
      const res = await fetch(`${t.hub.httpUrl}/api/v1/reports/coverage/rows?${span}&${q}`, {
        headers: { authorization: `Bearer ${w.district.token}` },
      });
      return { status: res.status, body: await res.json() };
    };
    for (const q of ['limit=0', 'limit=2001', 'limit=abc', 'limit=1.5'])
      expect((await bad(q)).body.error, q).toMatch(/limit/);
    expect(await bad('cursor=not-a-cursor')).toMatchObject({ status: 400, body: { code: 'report.bad-cursor' } });
    expect(await bad('result=played,won')).toMatchObject({ status: 400, body: { code: 'report.bad-result' } });
    expect((await bad('result=played,won')).body.errorVi).toMatch(/không hợp lệ/);
    expect((await bad('limit=0')).status).toBe(400);
    const detail = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts/${ours.id}?limit=0`, {
      headers: { authorization: `Bearer ${w.district.token}` },
    });
    expect(detail.status).toBe(400);
  });
});
