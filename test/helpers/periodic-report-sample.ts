// Periodic report documents made by hand, for the exports' tests and the samples under docs/samples/:
// Quận Thanh Xuân (Hà Nội) in November 2026, with its wards, loudspeakers and LED boards, three
// campaigns, failures with their reasons, rejected claims, LED messages and one emergency. The counts
// add up as the builder's would (scheduled = every result; coverage = (played + partial) over those
// due), but nothing here comes from a hub. Deterministic: the same arguments give the same document.
import {
  PERIODIC_REPORT_SCHEMA_ID,
  type PeriodicReportDocument,
  type ReportOccurrences,
} from '../../hub/api-contract/periodic-reports.ts';
import { reasonText } from '../../hub/reports/failure-reasons.ts';

type Results = Omit<ReportOccurrences, 'scheduled' | 'secondsAired' | 'hoursAired' | 'coverage'>;

/** The occurrence counts of `r`, with seconds aired at `seconds` a play (a partial airs half) and the derived figures. */
export function occurrences(r: Partial<Results>, seconds: number): ReportOccurrences {
  const c: Results = { played: 0, partial: 0, failed: 0, missed: 0, preempted: 0, skipped: 0, pending: 0, ...r };
  const scheduled = c.played + c.partial + c.failed + c.missed + c.preempted + c.skipped + c.pending;
  const secondsAired = c.played * seconds + (c.partial * seconds) / 2;
  const due = scheduled - c.pending;
  return {
    scheduled,
    ...c,
    secondsAired,
    hoursAired: Math.round(secondsAired / 36) / 100,
    coverage: due ? (c.played + c.partial) / due : null,
  };
}

/** Sums of occurrence counts (the totals of several rows). */
function sum(rows: ReportOccurrences[]): ReportOccurrences {
  const keys = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
  const counts = Object.fromEntries(keys.map((k) => [k, rows.reduce((a, r) => a + r[k], 0)])) as Results;
  const out = occurrences(counts, 0);
  out.secondsAired = rows.reduce((a, r) => a + r.secondsAired, 0);
  out.hoursAired = Math.round(out.secondsAired / 36) / 100;
  return out;
}

const reason = (code: string, kind: string) => {
  const m = reasonText(code, kind);
  return m ? { vi: m.vi, en: m.en } : null;
};

export const SAMPLE_WARDS = [
  { slug: 'khuong-trung', name: 'Phường Khương Trung' },
  { slug: 'thanh-xuan-bac', name: 'Phường Thanh Xuân Bắc' },
  { slug: 'ha-dinh', name: 'Phường Hạ Đình' },
  { slug: 'khuong-dinh', name: 'Phường Khương Đình' },
  { slug: 'nhan-chinh', name: 'Phường Nhân Chính' },
  { slug: 'thuong-dinh', name: 'Phường Thượng Đình' },
  { slug: 'kim-giang', name: 'Phường Kim Giang' },
  { slug: 'phuong-liet', name: 'Phường Phương Liệt' },
];

export const SAMPLE_LED_TEXT = 'Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10 — Người dân cài đặt và sử dụng VNeID';

/**
 * November 2026 in Quận Thanh Xuân: `wards` wards (at most 8) with `speakersPerWard` loudspeakers and
 * one LED board each. A big `speakersPerWard` makes the device table run over several pages.
 */
export function samplePeriodicReport(o: { wards?: number; speakersPerWard?: number } = {}): PeriodicReportDocument {
  const wards = SAMPLE_WARDS.slice(0, o.wards ?? 4);
  const perWard = o.speakersPerWard ?? 2;
  const area = { path: 'ha-noi/thanh-xuan', name: 'Quận Thanh Xuân', level: 'district' };

  // Each loudspeaker: 3 bulletins a day for 30 days, 4 min 30 s each; a few did not play in full.
  const byDevice: PeriodicReportDocument['byDevice'] = [];
  wards.forEach((w, i) => {
    for (let k = 1; k <= perWard; k++) {
      const seed = i * 7 + k;
      const failed = seed % 3;
      const missed = seed % 4 === 0 ? 2 : 0;
      const partial = seed % 5 === 1 ? 1 : 0;
      const preempted = 1;
      byDevice.push({
        deviceId: `tx-${w.slug}-loa-${String(k).padStart(2, '0')}`,
        deviceName: `Cụm loa ${w.name.replace('Phường ', '')} ${String(k).padStart(2, '0')}`,
        areaPath: `${area.path}/${w.slug}`,
        kind: 'speaker',
        ...occurrences({ played: 90 - failed - missed - partial - preempted, partial, failed, missed, preempted }, 270),
      });
    }
    byDevice.push({
      deviceId: `tx-${w.slug}-led-01`,
      deviceName: `Bảng LED UBND ${w.name}`,
      areaPath: `${area.path}/${w.slug}`,
      kind: 'led',
      ...occurrences({ played: i === 1 ? 28 : 30, failed: i === 1 ? 2 : 0 }, 0),
    });
  });

  const byWard = wards.map((w) => {
    const devices = byDevice.filter((d) => d.areaPath === `${area.path}/${w.slug}`);
    return {
      areaPath: `${area.path}/${w.slug}`,
      areaName: w.name,
      devices: devices.length,
      bulletins: 5,
      ...sum(devices),
    };
  });
  const speakers = byDevice.filter((d) => d.kind === 'speaker');
  const speakerTotals = sum(speakers);

  // Campaigns share the speakers' occurrences: the resolution's third, the digital transformation's sixth.
  const share = (part: number) =>
    occurrences(
      {
        played: Math.round(speakerTotals.played / part),
        partial: Math.round(speakerTotals.partial / part),
        failed: Math.round(speakerTotals.failed / part),
        missed: Math.round(speakerTotals.missed / part),
      },
      270,
    );
  const byCampaign: PeriodicReportDocument['byCampaign'] = [
    {
      campaignId: 12,
      name: 'Tuyên truyền Nghị quyết 98',
      from: '2026-10-01',
      to: '2026-12-31',
      bulletins: 3,
      target: { bulletins: 3, per: 'week' },
      speakers: speakers.length,
      speakersMet: speakers.length - 1,
      ...share(3),
    },
    {
      campaignId: 14,
      name: 'Chuyển đổi số',
      from: '2026-11-01',
      to: '2026-11-30',
      bulletins: 2,
      target: { bulletins: 8, per: 'month' },
      speakers: speakers.length,
      speakersMet: speakers.length,
      ...share(6),
    },
    {
      campaignId: 15,
      name: 'Phòng cháy, chữa cháy mùa hanh khô',
      from: '2026-11-15',
      to: '2027-01-15',
      bulletins: 1,
      target: { bulletins: 10, per: 'period' },
      speakers: speakers.length,
      speakersMet: 0,
      ...occurrences({ played: speakers.length * 2, pending: speakers.length }, 180),
    },
  ];

  const all = sum(byDevice);
  const failures: PeriodicReportDocument['failures'] = [
    {
      result: 'failed',
      reasonCode: 'amplifier-fault',
      reasonText: reason('amplifier-fault', 'speaker'),
      count: all.failed - 2,
    },
    { result: 'missed', reasonCode: 'no-receipt', reasonText: reason('no-receipt', 'speaker'), count: all.missed },
    { result: 'preempted', reasonCode: 'preempted', reasonText: reason('preempted', 'speaker'), count: all.preempted },
    { result: 'partial', reasonCode: 'cut-short', reasonText: reason('cut-short', 'speaker'), count: all.partial },
    { result: 'failed', reasonCode: 'text-too-wide', reasonText: reason('text-too-wide', 'led'), count: 2 },
  ].filter((f) => f.count > 0);
  const rejectedByReason = { unplanned: 3, premature: 1 };

  const boards = wards.length;
  const ledMessages: PeriodicReportDocument['led']['byMessage'] = [
    {
      broadcastId: 'b-2026-11-0041',
      title: 'Ngày Chuyển đổi số quốc gia',
      text: SAMPLE_LED_TEXT,
      boards,
      shown: boards * 15 - 2,
      scheduled: boards * 15,
    },
    {
      broadcastId: 'b-2026-11-0057',
      title: 'Phòng cháy chữa cháy',
      text: 'Cảnh giác cháy nổ mùa hanh khô — Gọi 114 khi có cháy',
      boards,
      shown: boards * 15,
      scheduled: boards * 15,
    },
  ];

  return {
    $schema: PERIODIC_REPORT_SCHEMA_ID,
    area,
    kind: 'month',
    period: '2026-11',
    from: '2026-10-31T17:00:00.000Z',
    to: '2026-11-30T17:00:00.000Z',
    timeZone: 'Asia/Ho_Chi_Minh',
    dueBy: '2026-12-14',
    generatedAt: '2026-11-30T17:05:12.000Z',
    totals: { ...all, bulletins: 9, devices: byDevice.length, rejectedClaims: 4 },
    byCampaign,
    byWard,
    byDevice,
    failures,
    rejectedByReason,
    led: {
      messages: ledMessages.length,
      shown: ledMessages.reduce((a, m) => a + m.shown, 0),
      byMessage: ledMessages,
    },
    emergencies: [
      {
        broadcastId: 'b-2026-11-0063',
        title: 'Cảnh báo mưa lớn, ngập úng cục bộ chiều 18/11',
        sentAt: '2026-11-18T07:42:05.000Z',
        devices: speakers.length,
        confirmed: speakers.length,
        fullyConfirmedAt: '2026-11-18T07:44:20.000Z',
        secondsToFullConfirmation: 135,
        medianSecondsToConfirmation: 41,
      },
    ],
  };
}

/** Who signs the signed sample, and when (03/12/2026 09:30 in Vietnam). */
export const SAMPLE_SIGNATURE = {
  status: 'signed',
  signedBy: 'Nguyễn Thị Hồng Nhung',
  signedAt: '2026-12-03T02:30:00.000Z',
} as const;

/** The files under docs/ that `npm run docs:report-samples` writes, relative to the repository. */
export const SAMPLE_FILES = {
  schema: 'docs/schemas/periodic-report.v1.json',
  json: 'docs/samples/periodic-report-2026-11.json',
  csv: 'docs/samples/periodic-report-2026-11.csv',
  csvCodes: 'docs/samples/periodic-report-2026-11.codes.csv',
  pdf: 'docs/samples/periodic-report-2026-11.pdf',
  signedPdf: 'docs/samples/periodic-report-2026-11.signed.pdf',
} as const;
