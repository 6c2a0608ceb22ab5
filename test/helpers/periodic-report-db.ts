// A small world for the periodic report's tests, written straight into the hub's real tables: a
// district with two wards, three speakers and an LED board, November 2026 in Vietnam with a daily
// bulletin carrying LED text and tagged with a campaign, an emergency confirmed by its speakers 5,
// 12 and 30 s after it was sent, receipts admitted and rejected, and a bulletin at 23:30 on
// 31/12/2026 (Vietnam) to prove which month it belongs to.
import type { Db } from '../../hub/db/database.ts';
import { listBroadcasts } from '../../hub/broadcasts/broadcasts.ts';
import { planOccurrences } from '../../hub/broadcasts/plan.ts';
import { createCampaign, setBroadcastCampaigns } from '../../hub/campaigns/campaigns.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';

export const DISTRICT = 'ha-noi/thanh-xuan';
export const WARD_A = `${DISTRICT}/ha-dinh`;
export const WARD_B = `${DISTRICT}/kim-giang`;
/** 01/11/2026 00:00 in Vietnam */
export const NOV = Date.parse('2026-11-01T00:00:00+07:00');
/** the emergency's approval: 10/11/2026 09:00 in Vietnam */
export const EMERGENCY_AT = Date.parse('2026-11-10T09:00:00+07:00');
/** the last bulletin of the year: 31/12/2026 23:30 in Vietnam (16:30 UTC) */
export const YEAR_END_AT = Date.parse('2026-12-31T23:30:00+07:00');
export const LED_TEXT = ['Tuyên truyền Nghị quyết 98', 'Thành phố Hồ Chí Minh'];

const ical = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:]/g, '');

export interface ReportWorld {
  /** adds a receipt for broadcast `b`'s occurrence at `start` on `device` */
  receipt(
    b: string,
    start: number,
    device: string,
    result: string,
    o?: { state?: 'admitted' | 'rejected'; receivedAt?: number; reasonCode?: string },
  ): void;
  /** the 07:00 start of day `d` (0-based) of November */
  day(d: number): number;
  districtUser: number;
  wardUser: number;
}

export function seedReportWorld(db: Db): ReportWorld {
  const area = db.prepare('INSERT INTO areas(parent_id, path, name, level) VALUES (?, ?, ?, ?)');
  const province = area.run(null, 'ha-noi', 'Thành phố Hà Nội', 'province').lastInsertRowid;
  const district = area.run(province, DISTRICT, 'Quận Thanh Xuân', 'district').lastInsertRowid;
  const a = area.run(district, WARD_A, 'Phường Hạ Đình', 'ward').lastInsertRowid;
  const b = area.run(district, WARD_B, 'Phường Kim Giang', 'ward').lastInsertRowid;
  const user = db.prepare(
    "INSERT INTO users(username, display_name, password_hash, role, area_id, created_at) VALUES (?, ?, 'x', ?, ?, 0)",
  );
  const districtUser = Number(user.run('quan', 'Nguyễn Văn Quân', 'district', district).lastInsertRowid);
  const wardUser = Number(user.run('phuong', 'Trần Thị Hạ', 'approver', a).lastInsertRowid);
  const media = db
    .prepare(
      "INSERT INTO media(original_name, source_bytes, status, duration_ms, outputs, uploaded_by, created_at) VALUES ('nq98.mp3', 1, 'ready', 60000, ?, ?, 0)",
    )
    .run(
      JSON.stringify([{ format: 'opus', file: 'nq98.opus', sha256: 'a'.repeat(64), bytes: 1000 }]),
      districtUser,
    ).lastInsertRowid;
  const device = db.prepare('INSERT INTO devices(id, name, kind, area_id, created_at) VALUES (?, ?, ?, ?, 0)');
  device.run('a1', 'Loa tổ 1', 'speaker', a);
  device.run('a2', 'Loa tổ 2', 'speaker', a);
  device.run('a-led', 'Bảng LED Hạ Đình', 'led', a);
  device.run('b1', 'Loa Kim Giang', 'speaker', b);
  const bc = db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at)
     VALUES (?, ?, ?, ?, ?, 70, ?, ?, 60000, 'approved', ?, 0, ?, ?)`,
  );
  const led = JSON.stringify({ pages: [{ lines: LED_TEXT, mode: 'hold', seconds: 30 }] });
  const daily = `DTSTART:${ical(NOV + 7 * 3600_000)}\nRRULE:FREQ=DAILY;COUNT=30`;
  bc.run('nq98', 'Nghị quyết 98', media, led, 'normal', null, daily, districtUser, districtUser, 0);
  bc.run(
    'khan',
    'Cảnh báo ngập lụt',
    media,
    null,
    'emergency',
    EMERGENCY_AT,
    null,
    districtUser,
    districtUser,
    EMERGENCY_AT,
  );
  bc.run('cuoi-nam', 'Chúc mừng năm mới', media, null, 'normal', YEAR_END_AT, null, districtUser, districtUser, 0);
  const target = db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id) VALUES (?, ?)');
  for (const id of ['nq98', 'khan']) for (const w of [a, b]) target.run(id, w);
  target.run('cuoi-nam', a);

  const occIds = new Map<string, string>();
  for (const p of planOccurrences(db, listBroadcasts(db), NOV, YEAR_END_AT + DAY))
    occIds.set(`${p.item.broadcastId}|${p.item.startAt}`, p.item.occurrenceId);
  let n = 0;
  const receipt: ReportWorld['receipt'] = (bid, start, dev, result, o = {}) => {
    const state = o.state ?? 'admitted';
    db.prepare(
      `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason_code, scheduled_start, actual_start, actual_end, seconds_played, evidence, signature, received_at, state, rejection)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', 'sig', ?, ?, ?)`,
    ).run(
      `r${++n}`,
      occIds.get(`${bid}|${start}`) ?? `${bid}@${start}`,
      bid,
      dev,
      result,
      o.reasonCode ?? null,
      start,
      start,
      start + 60_000,
      result === 'played' ? 60 : result === 'partial' ? 30 : 0,
      o.receivedAt ?? start + 61_000,
      state,
      state === 'rejected' ? 'implausible' : null,
    );
  };
  const day = (d: number) => NOV + d * DAY + 7 * 3600_000;

  const campaign = createCampaign(
    db,
    {
      name: 'Tuyên truyền Nghị quyết 98',
      from: '2026-11-02',
      to: '2026-11-29',
      areas: [DISTRICT],
      target: { bulletins: 5, per: 'week' },
    },
    districtUser,
    0,
  );
  setBroadcastCampaigns(db, 'nq98', [campaign.id]);

  // a1 plays every day; a2 the first ten days, then fails once and goes silent; the LED board shows
  // the first twenty days; b1 plays five days and sends one claim the hub rejects.
  for (let d = 0; d < 30; d++) receipt('nq98', day(d), 'a1', 'played');
  for (let d = 0; d < 10; d++) receipt('nq98', day(d), 'a2', 'played');
  receipt('nq98', day(10), 'a2', 'failed', { reasonCode: 'amplifier-fault' });
  for (let d = 0; d < 20; d++) receipt('nq98', day(d), 'a-led', 'played');
  for (let d = 0; d < 5; d++) receipt('nq98', day(d), 'b1', 'played');
  receipt('nq98', day(5), 'b1', 'played', { state: 'rejected' });
  // The emergency: confirmed 5, 12 and 30 seconds after it was sent.
  receipt('khan', EMERGENCY_AT, 'a1', 'played', { receivedAt: EMERGENCY_AT + 5_000 });
  receipt('khan', EMERGENCY_AT, 'a2', 'played', { receivedAt: EMERGENCY_AT + 12_000 });
  receipt('khan', EMERGENCY_AT, 'b1', 'played', { receivedAt: EMERGENCY_AT + 30_000 });
  // 23:30 on 31/12 in Vietnam (16:30 UTC), confirmed at 23:31.
  receipt('cuoi-nam', YEAR_END_AT, 'a1', 'played');
  return { receipt, day, districtUser, wardUser };
}
