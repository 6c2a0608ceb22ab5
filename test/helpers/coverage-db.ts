// A coverage database written straight into the hub's real tables (after the real migrations), for
// the report's equivalence and paging tests and for the reports benchmark: a district of wards with
// speakers and LED boards, bulletins of every kind the report must tell apart (daily, one-off,
// cancelled midway, withdrawn before approval, approved late, LED-only, waiting for approval), clash
// exclusions in force and not, a device decommissioned midway, another district's devices, and
// receipts admitted, superseded and rejected — some for occurrences no longer planned. Deterministic.
import type { Db } from '../../hub/db/database.ts';
import { listBroadcasts } from '../../hub/broadcasts/broadcasts.ts';
import { everOwed, owedAt, planOccurrences } from '../../hub/broadcasts/plan.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';

export const PROVINCE = 'ha-noi';
export const DISTRICT = 'ha-noi/thanh-xuan';
export const OTHER_DISTRICT = 'ha-noi/cau-giay';
export const wardPath = (i: number) => `${DISTRICT}/phuong-${i + 1}`;

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vietnam wall time of an instant as an iCalendar DTSTART value (20261001T000000). */
const icalVn = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 19).replace(/[-:]/g, '');

export interface CoverageDbOptions {
  /** Start of the period (epoch ms, a Vietnam midnight) and its length in days. */
  from: number;
  days: number;
  devices: number;
  wards: number;
  /** The report's "now": receipts exist only for occurrences before it. */
  now: number;
  seed?: number;
  /** Share of due device-occurrences that sent a receipt (the rest are missed). */
  reporting?: number;
}

export function seedCoverageDb(db: Db, o: CoverageDbOptions): { from: number; to: number; receipts: number } {
  const random = rng(o.seed ?? 11);
  const to = o.from + o.days * 86_400_000;
  const H = 3600_000;
  db.transaction(() => {
    const area = db.prepare('INSERT INTO areas(parent_id, path, name, level) VALUES (?, ?, ?, ?)');
    const province = area.run(null, PROVINCE, 'Thành phố Hà Nội', 'province').lastInsertRowid;
    const district = area.run(province, DISTRICT, 'Quận Thanh Xuân', 'district').lastInsertRowid;
    const other = area.run(province, OTHER_DISTRICT, 'Quận Cầu Giấy', 'district').lastInsertRowid;
    const otherWard = area.run(other, `${OTHER_DISTRICT}/dich-vong`, 'Phường Dịch Vọng', 'ward').lastInsertRowid;
    const wards = Array.from(
      { length: o.wards },
      (_, i) => area.run(district, wardPath(i), `Phường ${i + 1}`, 'ward').lastInsertRowid,
    );
    const user = db
      .prepare(
        "INSERT INTO users(username, display_name, password_hash, role, area_id, created_at) VALUES ('quan', 'Quận', 'x', 'district', ?, 0)",
      )
      .run(district).lastInsertRowid;
    const media = db
      .prepare(
        "INSERT INTO media(original_name, source_bytes, status, duration_ms, outputs, uploaded_by, created_at) VALUES ('ban-tin.mp3', 1, 'ready', 180000, ?, ?, 0)",
      )
      .run(
        JSON.stringify([{ format: 'opus', file: 'ban-tin.opus', sha256: 'a'.repeat(64), bytes: 1000 }]),
        user,
      ).lastInsertRowid;
    const device = db.prepare(
      'INSERT INTO devices(id, name, kind, area_id, decommissioned_at, created_at) VALUES (?, ?, ?, ?, ?, 0)',
    );
    for (let i = 0; i < o.devices; i++) {
      const kind = i % 5 === 4 ? 'led' : 'speaker';
      device.run(
        `dev-${String(i).padStart(5, '0')}`,
        `${kind === 'led' ? 'Bảng LED' : 'Loa'} ${i + 1}, tổ ${(i % 40) + 1}`,
        kind,
        wards[i % o.wards],
        i === 3 ? o.from + Math.floor(o.days / 2) * DAY : null,
      );
    }
    device.run('other-1', 'Loa Dịch Vọng', 'speaker', otherWard, null);
    const led = JSON.stringify({ pages: [{ lines: ['Thông báo'], mode: 'hold', seconds: 30 }] });
    const bc = db.prepare(
      `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, cancelled_at)
       VALUES (@id, @title, @media, @led, @priority, 70, @startsAt, @rrule, 180000, @status, @user, @createdAt, @user, @decidedAt, @cancelledAt)`,
    );
    const target = db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, ?)');
    const daily = (hours: string, minute = 0) =>
      `DTSTART:${icalVn(o.from)}\nRRULE:FREQ=DAILY;BYHOUR=${hours};BYMINUTE=${minute};BYSECOND=0;COUNT=${o.days * hours.split(',').length}`;
    const add = (
      b: Partial<Record<string, unknown>> & { id: string },
      areas: Array<number | bigint>,
      devices: string[] = [],
    ) => {
      bc.run({
        title: b.id,
        media,
        led,
        priority: 'normal',
        startsAt: null,
        rrule: null,
        status: 'approved',
        user,
        createdAt: o.from - 2 * DAY,
        decidedAt: o.from - DAY,
        cancelledAt: null,
        ...b,
      });
      for (const a of areas) target.run(b.id, a, null);
      for (const d of devices) target.run(b.id, null, d);
    };
    add({ id: 'b-daily', title: 'Bản tin thời sự sáng và chiều', rrule: daily('6,17') }, [district]);
    add(
      {
        id: 'b-cancelled',
        title: 'Tuyên truyền phòng cháy, "khu dân cư"',
        rrule: daily('12', 30),
        status: 'cancelled',
        cancelledAt: o.from + 10 * DAY + 13 * H,
      },
      [wards[0]],
    );
    add(
      {
        id: 'b-withdrawn',
        title: 'Rút lại',
        rrule: daily('9'),
        status: 'cancelled',
        decidedAt: null,
        cancelledAt: o.from,
      },
      [district],
    );
    add(
      { id: 'b-once', title: '=Thông báo cắt điện', startsAt: o.from + 5 * DAY + 9 * H, priority: 'priority' },
      [],
      ['dev-00000', 'dev-00001', 'dev-00004', 'other-1'],
    );
    add({ id: 'b-late', title: 'Lịch thu gom rác', rrule: daily('19'), decidedAt: o.from + 12 * DAY + 20 * H }, [
      wards[1 % o.wards],
    ]);
    add({ id: 'b-led', title: 'Cảnh báo mưa lớn', media: null, rrule: daily('8'), priority: 'emergency' }, [
      wards[2 % o.wards],
    ]);
    add({ id: 'b-draft', title: 'Chờ duyệt', rrule: daily('10'), status: 'submitted', decidedAt: null }, [district]);
    add({ id: 'b-rejected', title: 'Bị từ chối', rrule: daily('11'), status: 'rejected' }, [district]);
    // A clash decision in force (decided for an approved broadcast) and one that is not.
    const exclude = db.prepare(
      "INSERT INTO occurrence_exclusions(broadcast_id, start_at, device_id, decided_for, decision, decided_by, decided_at) VALUES ('b-daily', ?, ?, ?, 'yield', ?, 0)",
    );
    for (let d = 0; d < Math.min(4, o.devices); d++)
      exclude.run(o.from + 5 * DAY + 6 * H, `dev-${String(d).padStart(5, '0')}`, 'b-once', user);
    exclude.run(o.from + 6 * DAY + 6 * H, 'dev-00000', 'b-rejected', user);
  })();

  // Receipts, from the plan the manifests are built from.
  // (owed only: admission refuses the rest; the unplanned admitted receipts are added below.)
  const owed = listBroadcasts(db, { limit: 100_000 }).filter(everOwed);
  const byId = new Map(owed.map((b) => [b.id, b]));
  const planned = planOccurrences(db, owed, o.from - 2 * DAY, to + 2 * DAY).filter((p) =>
    owedAt(byId.get(p.item.broadcastId)!, p.item.startAt),
  );
  const insert = db.prepare(
    `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state, rejection, rejection_detail)
     VALUES (@id, @occ, @b, @device, @result, @reason, @start, @as, @ae, @seconds, 3.5, @evidence, 'sig', @received, @state, @rejection, @detail)`,
  );
  let n = 0;
  const put = (r: Record<string, unknown>) => {
    insert.run({
      id: `r-${String(++n).padStart(8, '0')}`,
      reason: null,
      as: null,
      ae: null,
      seconds: 0,
      evidence: '{}',
      state: 'admitted',
      rejection: null,
      detail: null,
      ...r,
    });
  };
  const reporting = o.reporting ?? 0.93;
  const REASONS = ['amplifier fault: no output current on zone 2', 'mất điện lưới trong khi phát', '-5 dB, "clipping"'];
  db.transaction(() => {
    for (const p of planned) {
      const start = p.item.startAt;
      if (start + p.item.durationMs + 60_000 > o.now || random() > reporting) continue;
      const x = random();
      const result =
        x < 0.8 ? 'played' : x < 0.86 ? 'failed' : x < 0.92 ? 'partial' : x < 0.96 ? 'preempted' : 'skipped';
      const seconds = result === 'played' ? p.item.durationMs / 1000 : result === 'partial' ? 94.25 : 0;
      const base = {
        occ: p.item.occurrenceId,
        b: p.item.broadcastId,
        device: p.deviceId,
        start,
        received: start + p.item.durationMs + 5000,
      };
      // Now and then an earlier claim that a better one superseded, or a refused one beside it.
      if (random() < 0.02) put({ ...base, result: 'failed', reason: 'retrying', state: 'superseded' });
      if (random() < 0.01)
        put({
          ...base,
          result: 'played',
          seconds: 1e9,
          state: 'rejected',
          rejection: 'implausible',
          detail: 'seconds played exceed the occurrence',
        });
      put({
        ...base,
        result,
        reason: result === 'played' ? null : REASONS[Math.floor(random() * REASONS.length)],
        as: seconds ? start + 1200 : null,
        ae: seconds ? start + 1200 + seconds * 1000 : null,
        seconds,
        evidence: JSON.stringify({ amplifierCurrentA: 1.25 }),
      });
    }
    // Admitted receipts for occurrences no longer planned (the plan changed), rejected unplanned
    // claims, and a claim with an absurd start received within the period.
    for (let i = 0; i < Math.min(o.devices, 12); i++) {
      const device = `dev-${String((i * 7) % o.devices).padStart(5, '0')}`;
      const start = o.from + (i + 1) * DAY + 15 * H;
      if (start > o.now) continue;
      put({
        occ: `b-gone@${start}`,
        b: i % 2 ? 'b-gone' : 'b-withdrawn',
        device,
        result: 'played',
        seconds: 60.5,
        start,
        received: start + 70_000,
        as: start,
        ae: start + 60_500,
      });
      put({
        occ: `b-x@${start}`,
        b: 'b-x',
        device,
        result: 'played',
        seconds: 10,
        start,
        received: start + 20_000,
        state: 'rejected',
        rejection: 'unplanned',
        detail: 'không có trong kế hoạch',
      });
    }
    put({
      occ: 'b-daily@1',
      b: 'b-daily',
      device: 'dev-00001',
      result: 'played',
      start: 1,
      received: o.from + 3 * DAY,
      state: 'rejected',
      rejection: 'premature',
      detail: 'absurd start',
    });
    put({
      occ: `b-daily@${o.from + 6 * H}`,
      b: 'b-daily',
      device: 'other-1',
      result: 'played',
      start: o.from + 6 * H,
      received: o.from + 7 * H,
      state: 'rejected',
      rejection: 'not-targeted',
      detail: 'outside',
    });
  })();
  return { from: o.from, to, receipts: n };
}
