// A campaign's progress counts what the coverage report counts as aired: admitted receipts, played
// or partial, of its tagged bulletins on the speakers of its areas. A rejected claim, a failed play,
// a bulletin it does not carry and an occurrence not yet confirmed do not count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { listBroadcasts } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';
import { createCampaign, setBroadcastCampaigns, type CampaignRecord } from './campaigns.ts';
import { bucketsOf, bucketLabel, campaignProgress } from './progress.ts';

const DISTRICT = 'ha-noi/thanh-xuan';
const WARD_A = `${DISTRICT}/ha-dinh`;
const WARD_B = `${DISTRICT}/kim-giang`;
const FROM = Date.UTC(2026, 9, 5) - VN_OFFSET_MS; // Monday 05/10/2026 00:00 in Vietnam
const NOW = FROM + 9 * DAY + 12 * 3600_000; // Wednesday of the second week, noon
const ical = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:]/g, '');

let db: Db;
let campaign: CampaignRecord;
/** occurrence ids of a broadcast by day of the period (0–13) */
const occ = (b: string, day: number) => `${b}@${FROM + day * DAY + 7 * 3600_000}`;
let n = 0;
function receipt(b: string, day: number, device: string, result: string, state = 'admitted') {
  const start = FROM + day * DAY + 7 * 3600_000;
  db.prepare(
    `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, scheduled_start, seconds_played, evidence, signature, received_at, state, rejection)
     VALUES (?, ?, ?, ?, ?, ?, 60, '{}', 'sig', ?, ?, ?)`,
  ).run(
    `r${++n}`,
    occIds.get(`${b}|${start}`) ?? occ(b, day),
    b,
    device,
    result,
    start,
    start + 60_000,
    state,
    state === 'rejected' ? 'implausible' : null,
  );
}
const occIds = new Map<string, string>();

beforeAll(() => {
  db = openDatabase(':memory:');
  const area = db.prepare('INSERT INTO areas(parent_id, path, name, level) VALUES (?, ?, ?, ?)');
  const province = area.run(null, 'ha-noi', 'Thành phố Hà Nội', 'province').lastInsertRowid;
  const district = area.run(province, DISTRICT, 'Quận Thanh Xuân', 'district').lastInsertRowid;
  const a = area.run(district, WARD_A, 'Phường Hạ Đình', 'ward').lastInsertRowid;
  const b = area.run(district, WARD_B, 'Phường Kim Giang', 'ward').lastInsertRowid;
  const user = db
    .prepare(
      "INSERT INTO users(username, display_name, password_hash, role, area_id, created_at) VALUES ('quan', 'Quận', 'x', 'district', ?, 0)",
    )
    .run(district).lastInsertRowid;
  const media = db
    .prepare(
      "INSERT INTO media(original_name, source_bytes, status, duration_ms, outputs, uploaded_by, created_at) VALUES ('nq98.mp3', 1, 'ready', 60000, ?, ?, 0)",
    )
    .run(
      JSON.stringify([{ format: 'opus', file: 'nq98.opus', sha256: 'a'.repeat(64), bytes: 1000 }]),
      user,
    ).lastInsertRowid;
  const device = db.prepare('INSERT INTO devices(id, name, kind, area_id, created_at) VALUES (?, ?, ?, ?, 0)');
  device.run('a1', 'Loa 1', 'speaker', a);
  device.run('a2', 'Loa 2', 'speaker', a);
  device.run('a-led', 'Bảng LED', 'led', a);
  device.run('b1', 'Loa Kim Giang', 'speaker', b);
  const bc = db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at)
     VALUES (?, ?, ?, ?, 'normal', 70, ?, 60000, 'approved', ?, 0, ?, 0)`,
  );
  const led = JSON.stringify({ pages: [{ lines: ['Nghị quyết 98'], mode: 'hold', seconds: 30 }] });
  const daily = `DTSTART:${ical(FROM + 7 * 3600_000)}\nRRULE:FREQ=DAILY;COUNT=14`;
  bc.run('nq98', 'Nghị quyết 98', media, led, daily, user, user);
  bc.run('other', 'Bản tin khác', media, led, daily, user, user);
  const target = db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id) VALUES (?, ?)');
  for (const id of ['nq98', 'other']) for (const w of [a, b]) target.run(id, w);
  for (const p of planOccurrences(db, listBroadcasts(db), FROM, FROM + 14 * DAY))
    occIds.set(`${p.item.broadcastId}|${p.item.startAt}`, p.item.occurrenceId);

  campaign = createCampaign(
    db,
    {
      name: 'Nghị quyết 98',
      from: '2026-10-05',
      to: '2026-10-18',
      areas: [DISTRICT],
      target: { bulletins: 3, per: 'week' },
    },
    Number(user),
    0,
  );
  setBroadcastCampaigns(db, 'nq98', [campaign.id]);

  // Week 1. a1: three plays, and a fourth claim rejected; a2: two plays, one partial, one failure.
  for (const d of [0, 1, 2]) receipt('nq98', d, 'a1', 'played');
  receipt('nq98', 3, 'a1', 'played', 'rejected');
  receipt('nq98', 0, 'a2', 'played');
  receipt('nq98', 1, 'a2', 'played');
  receipt('nq98', 2, 'a2', 'partial');
  receipt('nq98', 3, 'a2', 'failed');
  // b1: two plays, a rejected claim, and plays of a bulletin the campaign does not carry.
  receipt('nq98', 0, 'b1', 'played');
  receipt('nq98', 1, 'b1', 'played');
  receipt('nq98', 2, 'b1', 'played', 'rejected');
  for (const d of [2, 3, 4]) receipt('other', d, 'b1', 'played');
  // Week 2 (under way): one play on a1; the 07:00 occurrences of days 7–9 on the others have no receipt yet.
  receipt('nq98', 7, 'a1', 'played');
});
afterAll(() => db.close());

describe('campaign progress', () => {
  it('cuts the period into Monday-to-Sunday weeks', () => {
    expect(bucketsOf(campaign).map(bucketLabel)).toEqual(['05/10/2026–11/10/2026', '12/10/2026–18/10/2026']);
  });

  it('counts the plan per ward and only admitted plays of tagged bulletins as aired', () => {
    const [a, b] = campaignProgress(db, campaign, NOW);
    expect(a.areaPath).toBe(WARD_A);
    expect(a.buckets.map((x) => [x.planned, x.aired, x.speakersMet, x.met])).toEqual([
      [14, 6, 2, true], // 7 days × 2 speakers (not the LED board); a1 3 + a2 3 (partial counts, failed not)
      [14, 1, 0, null], // under way: not met yet, not missed either
    ]);
    expect(a.devices.map((d) => [d.deviceId, d.aired])).toEqual([
      ['a1', [3, 1]], // the rejected fourth claim does not count
      ['a2', [3, 0]],
    ]);
    expect(a.met).toBeNull();
    expect(b.areaPath).toBe(WARD_B);
    // Only two admitted plays: the rejected claim and the other bulletin's plays do not count.
    expect(b.buckets.map((x) => [x.planned, x.aired, x.met])).toEqual([
      [7, 2, false],
      [7, 0, null],
    ]);
    expect(b.met).toBe(false);
  });

  it('counts an occurrence not yet confirmed as planned, never as aired', () => {
    const before = campaignProgress(db, campaign, NOW)[1].buckets[1];
    expect(before.aired).toBe(0);
    receipt('nq98', 8, 'b1', 'played');
    const after = campaignProgress(db, campaign, NOW)[1].buckets[1];
    expect([after.planned, after.aired]).toEqual([7, 1]);
  });

  it('scales the target down for a week the period clips', () => {
    const c = { ...campaign, startsAt: FROM + 4 * DAY, endsAt: FROM + 14 * DAY }; // Friday 09/10 onwards
    expect(bucketsOf(c).map((x) => [bucketLabel(x), x.required])).toEqual([
      ['09/10/2026–11/10/2026', 2], // 3 of 7 days: 3 × 3/7, rounded up
      ['12/10/2026–18/10/2026', 3],
    ]);
  });
});
