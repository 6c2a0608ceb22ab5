// Coverage reports for tests of the PDF, shaped as the PDF route assembles them (the summary, the
// occurrences not played in full, the reasons counted, the rejected claims), with the rows they were
// counted from, without a hub behind them:
// a district of Hà Nội with wards named as they are written, devices, bulletins and the reasons
// devices give when a bulletin did not play. Deterministic: the same arguments give the same report.
import { RESULTS, type CoverageRow, type RejectedClaim } from '../../hub/reports/coverage.ts';
import type { PdfReport } from '../../hub/reports/coverage-pdf.ts';
import { REJECTION_REASONS } from '../../hub/ingest/admission.ts';
import { explain } from '../../hub/reports/failure-reasons.ts';
import { formatVn, VN_OFFSET_MS } from '../../hub/time.ts';

export type CoverageReport = PdfReport & { rows: CoverageRow[] };
type Result = CoverageRow['result'];

export const THANH_XUAN = 'ha-noi/thanh-xuan';
export const WARDS: Array<{ slug: string; name: string }> = [
  { slug: 'thanh-xuan-bac', name: 'Phường Thanh Xuân Bắc' },
  { slug: 'khuong-dinh', name: 'Phường Khương Đình' },
  { slug: 'ha-dinh', name: 'Phường Hạ Đình' },
  { slug: 'kim-giang', name: 'Phường Kim Giang' },
  { slug: 'thuong-dinh', name: 'Phường Thượng Đình' },
  { slug: 'nhan-chinh', name: 'Phường Nhân Chính' },
  { slug: 'khuong-trung', name: 'Phường Khương Trung' },
  { slug: 'phuong-liet', name: 'Phường Phương Liệt' },
];
const TITLES = [
  'Bản tin thời sự sáng',
  'Thông báo tiêm chủng mở rộng đợt 2 cho trẻ dưới 5 tuổi',
  'Tuyên truyền phòng cháy chữa cháy khu dân cư',
  'Lịch thu gom rác thải và vệ sinh môi trường',
  'Thông báo cắt điện tổ dân phố số 7',
];
const REASONS: Partial<Record<Result, string[]>> = {
  failed: [
    'amplifier fault: no output current on zone 2',
    'mất điện lưới trong khi phát (mains power lost)',
    'media checksum mismatch, file re-download failed',
  ],
  partial: ['stopped after 94 s: amplifier overheated', 'phát bị gián đoạn do mất kết nối 4G'],
  preempted: ['preempted by emergency broadcast "Cảnh báo mưa lớn, ngập úng"'],
  skipped: ['skipped: inside quiet hours 22:00–05:30 of the ward'],
};
const MISSED_REASON = 'no confirmation received from the device (offline, powered down or not reporting)';

/** A small deterministic generator (mulberry32), so fixtures do not change between runs. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  /** Period start and end, Vietnam wall time (e.g. '2026-10-01T00:00'). */
  from: string;
  to: string;
  wards?: number;
  devicesPerWard?: number;
  /** Bulletins a day per device. */
  perDay?: number;
  seed?: number;
  /** Report generation time, ms since the epoch. */
  now?: number;
  /** Rejected claims (forged-but-signed receipts) to list beside the rows. */
  rejected?: number;
}

const vnMs = (wall: string) => Date.parse(`${wall}:00Z`) - VN_OFFSET_MS;

export function fixtureReport(o: FixtureOptions): CoverageReport {
  const random = rng(o.seed ?? 7);
  const from = vnMs(o.from);
  const to = vnMs(o.to);
  const now = o.now ?? to + 2 * 86_400_000 + 9 * 3600_000 + 15 * 60_000;
  const wards = WARDS.slice(0, o.wards ?? 4);
  const devices = wards.flatMap((w, i) =>
    Array.from({ length: o.devicesPerWard ?? 2 }, (_, j) => ({
      id: `loa-${w.slug}-${j + 1}`,
      name: `Loa cụm ${j + 1} — tổ dân phố ${i * 3 + j + 1}`,
      areaPath: `${THANH_XUAN}/${w.slug}`,
      areaName: w.name,
    })),
  );
  const rows: CoverageRow[] = [];
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  for (let day = from; day < to; day += 86_400_000) {
    for (let k = 0; k < (o.perDay ?? 2); k++) {
      const start = day + (6 + k * 11) * 3600_000; // 06:00 and 17:00 Vietnam time
      const b = k % TITLES.length;
      for (const d of devices) {
        const p = random();
        const result: Result =
          p < 0.8
            ? 'played'
            : p < 0.86
              ? 'failed'
              : p < 0.91
                ? 'missed'
                : p < 0.95
                  ? 'partial'
                  : p < 0.98
                    ? 'preempted'
                    : 'skipped';
        const confirmed = result !== 'missed';
        const seconds = result === 'played' ? 180 : result === 'partial' ? 94 : 0;
        const reason = result === 'missed' ? MISSED_REASON : REASONS[result] ? pick(REASONS[result]!) : null;
        rows.push({
          occurrenceId: `occ-${b}-${start}`,
          broadcastId: `b-${b + 1}`,
          title: TITLES[b],
          priority: 'normal',
          deviceId: d.id,
          deviceName: d.name,
          areaPath: d.areaPath,
          areaName: d.areaName,
          scheduledStart: formatVn(start)!,
          actualStart: seconds ? formatVn(start + 2000) : null,
          actualEnd: seconds ? formatVn(start + 2000 + seconds * 1000) : null,
          secondsPlayed: seconds,
          result,
          confirmed,
          reason,
          ...explain(result, null, reason, 'speaker'), // worded as the hub words them (failure-reasons.ts)
          evidence: null,
        });
      }
    }
  }
  const claims: RejectedClaim[] = Array.from({ length: o.rejected ?? 0 }, (_, i) => {
    const d = devices[i % devices.length];
    const at = from + (i + 1) * 3600_000;
    return {
      receiptId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      receivedAt: formatVn(at)!,
      deviceId: d.id,
      deviceName: d.name,
      areaPath: d.areaPath,
      areaName: d.areaName,
      occurrenceId: `occ-x-${at}`,
      broadcastId: `b-x-${i}`,
      title: null,
      claimedResult: 'played',
      claimedScheduledStart: formatVn(at),
      claimedActualStart: formatVn(at),
      claimedActualEnd: formatVn(at + 1_000_000_000),
      claimedSecondsPlayed: 1_000_000_000,
      deviceReason: null,
      rejection: REJECTION_REASONS[i % REJECTION_REASONS.length],
      rejectionDetail: `không có trong kế hoạch / forged claim ${i + 1}`,
    };
  });
  return assemble(rows, { from, to, now, devices }, claims);
}

/** A report for a period in which nothing was scheduled. */
export function emptyReport(o: { from: string; to: string; now?: number }): CoverageReport {
  const to = vnMs(o.to);
  return assemble([], { from: vnMs(o.from), to, now: o.now ?? to + 86_400_000, devices: [] });
}

function assemble(
  rows: CoverageRow[],
  o: { from: number; to: number; now: number; devices: Array<{ id: string; name: string; areaPath: string }> },
  claims: RejectedClaim[] = [],
): CoverageReport {
  const empty = () => ({
    scheduled: 0,
    secondsPlayed: 0,
    ...(Object.fromEntries(RESULTS.map((r) => [r, 0])) as Record<Result, number>),
  });
  const totals = empty();
  const byArea = new Map<string, ReturnType<typeof empty>>();
  const byDevice = new Map<string, ReturnType<typeof empty>>();
  const get = (m: typeof byArea, k: string) => m.get(k) ?? m.set(k, empty()).get(k)!;
  for (const r of rows) {
    for (const c of [totals, get(byArea, r.areaPath), get(byDevice, r.deviceId)]) {
      c.scheduled += 1;
      c[r.result] += 1;
      c.secondsPlayed += r.secondsPlayed;
    }
  }
  const areaName = new Map(WARDS.map((w) => [`${THANH_XUAN}/${w.slug}`, w.name]));
  const device = new Map(o.devices.map((d) => [d.id, d]));
  return {
    area: { path: THANH_XUAN, name: 'Quận Thanh Xuân' },
    from: formatVn(o.from),
    to: formatVn(o.to),
    generatedAt: formatVn(o.now),
    timeZone: 'Asia/Ho_Chi_Minh',
    totals,
    byArea: [...byArea].map(([p, c]) => ({ areaPath: p, areaName: areaName.get(p) ?? p, ...c })),
    byDevice: [...byDevice].map(([id, c]) => ({
      deviceId: id,
      deviceName: device.get(id)!.name,
      areaPath: device.get(id)!.areaPath,
      ...c,
    })),
    relay: { occurrences: 0, secondsAired: 0, secondsLost: 0, byDevice: [] }, // these rows hold no relay
    live: { occurrences: 0, secondsAired: 0, secondsLost: 0, byDevice: [] }, // nor a live session
    rows,
    problems: rows.filter((r) => r.result !== 'played' && r.result !== 'pending'),
    reasons: reasonsOf(rows),
    rejectedCount: claims.length,
    rejectedByReason: Object.fromEntries(
      REJECTION_REASONS.map((k) => [k, claims.filter((c) => c.rejection === k).length]),
    ) as CoverageReport['rejectedByReason'],
    rejectedClaims: claims,
  };
}

/** The reasons things did not play, counted as the report's SQL counts them. */
function reasonsOf(rows: CoverageRow[]): CoverageReport['reasons'] {
  const counted = new Map<string, CoverageReport['reasons'][number]>();
  for (const r of rows.filter((r) => r.result !== 'played' && r.result !== 'pending')) {
    const k = `${r.result}|${r.reasonText?.vi}`;
    const c =
      counted.get(k) ??
      counted.set(k, { result: r.result, reasonCode: r.reasonCode, reasonText: r.reasonText, count: 0 }).get(k)!;
    c.count += 1;
  }
  return [...counted.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.result.localeCompare(b.result) ||
      (a.reasonText?.vi ?? '').localeCompare(b.reasonText?.vi ?? ''),
  );
}
