// The coverage CSV as people read it (Vietnamese words by default, English on request) and as
// scripts read it (codes): the same rows, three ways.
import { describe, expect, it } from 'vitest';
import { csvHeader, csvLine, NO_CONFIRMATION_REASON, type CoverageRow, type RejectedClaim } from './coverage.ts';
import { preferredLang } from '../text/index.ts';

const row = (o: Record<string, unknown>) => ({
  occurrenceId: 'b1@1',
  broadcastId: 'b1',
  title: 'Bản tin sáng',
  priority: 'normal',
  deviceId: 'loa-1',
  deviceName: 'Cụm loa 01',
  areaPath: 'hn/tx/hd',
  areaName: 'Phường Hạ Đình',
  scheduledStart: '2026-11-30T06:00:00+07:00',
  actualStart: null,
  actualEnd: null,
  secondsPlayed: 0,
  result: 'pending',
  confirmed: false,
  reason: null,
  evidence: null,
  ...o,
});
const report = {
  rows: [
    row({
      result: 'played',
      confirmed: true,
      secondsPlayed: 33.587,
      actualStart: '2026-11-30T06:00:01+07:00',
      actualEnd: '2026-11-30T06:00:35+07:00',
    }),
    row({ result: 'missed', reason: NO_CONFIRMATION_REASON, priority: 'emergency' }),
    row({ result: 'pending' }),
  ],
  rejectedClaims: [
    {
      receiptId: 'r',
      receivedAt: '2026-11-30T07:00:00+07:00',
      deviceId: 'loa-1',
      deviceName: 'Cụm loa 01',
      areaPath: 'hn/tx/hd',
      areaName: 'Phường Hạ Đình',
      occurrenceId: 'x@1',
      broadcastId: 'x',
      title: null,
      claimedResult: 'played',
      claimedScheduledStart: '2026-11-30T06:30:00+07:00',
      claimedActualStart: null,
      claimedActualEnd: null,
      claimedSecondsPlayed: 30,
      deviceReason: null,
      rejection: 'unplanned',
      rejectionDetail: 'no such broadcast',
    },
  ],
} as unknown as { rows: CoverageRow[]; rejectedClaims: RejectedClaim[] };

/** The lines the streamed CSV writes for these rows and claims. */
const coverageCsv = (r: typeof report, lang: 'vi' | 'en' | 'codes' = 'vi') =>
  `\uFEFF${csvHeader(lang)}${[...r.rows, ...r.rejectedClaims].map((x) => csvLine(x, lang)).join('')}`;

const table = (csv: string) =>
  csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');

describe('coverage CSV', () => {
  it('speaks Vietnamese by default: headers, results, priorities, reasons, dd/mm/yyyy and a decimal comma', () => {
    const [head, played, missed, pending, claim] = table(coverageCsv(report));
    expect(head).toBe(
      'Khu vực,Mã khu vực,Mã thiết bị,Thiết bị,Bản tin,Mức độ,Giờ kế hoạch,Bắt đầu thực tế,Kết thúc thực tế,Số giây đã phát,Kết quả,Thiết bị đã xác nhận,Lý do,Mã lần phát,Mã lịch phát,Kết quả thiết bị báo,Số giây thiết bị báo,Lý do không tính,Chi tiết kỹ thuật,Nhận lúc,Giây tiếp âm/trực tiếp đã phát,Giây tiếp âm/trực tiếp bị mất,Loại phát',
    );
    expect(played).toBe(
      'Phường Hạ Đình,hn/tx/hd,loa-1,Cụm loa 01,Bản tin sáng,Thông thường,30/11/2026 06:00:00,30/11/2026 06:00:01,30/11/2026 06:00:35,"33,6",Đã phát,có,,b1@1,b1,,,,,,,,',
    );
    expect(missed).toContain(',Khẩn cấp,');
    expect(missed).toContain(
      ',Bỏ lỡ,không,"Không nhận được xác nhận từ thiết bị (mất kết nối, mất điện hoặc không báo cáo)",',
    );
    expect(pending).toContain(',Chờ xác nhận,không,');
    expect(claim).toContain(',Bị từ chối (không tính),không,');
    expect(claim).toContain(',Đã phát,"30,0",Không có trong kế hoạch,no such broadcast,30/11/2026 07:00:00');
    expect(coverageCsv(report)).not.toMatch(/played|pending|missed|normal|emergency|unplanned|T06:00/);
  });

  it('speaks English with lang=en', () => {
    const [head, played, missed] = table(coverageCsv(report, 'en'));
    expect(head.startsWith('Area,Area code,Device code,Device,Bulletin,Priority,Scheduled,')).toBe(true);
    expect(played).toContain(',Normal,2026-11-30 06:00:00,2026-11-30 06:00:01,2026-11-30 06:00:35,33.6,Played,yes,');
    expect(missed).toContain(',Missed,no,"No confirmation from the device (offline, powered down or not reporting)",');
  });

  it('keeps codes, ISO times and plain numbers for scripts (lang=codes)', () => {
    const [head, played, , , claim] = table(coverageCsv(report, 'codes'));
    expect(head.split(',').slice(0, 3)).toEqual(['areaName', 'areaPath', 'deviceId']);
    expect(played).toContain(',normal,2026-11-30T06:00:00+07:00,');
    expect(played).toContain(',33.587,played,true,');
    expect(claim).toContain(',rejected,false,');
    expect(claim).toContain(',unplanned,');
  });

  it('takes the reader’s language from Accept-Language, Vietnamese unless English comes first', () => {
    expect(preferredLang(undefined)).toBe('vi');
    expect(preferredLang('en-US,en;q=0.9')).toBe('en');
    expect(preferredLang('vi-VN,vi;q=0.9,en;q=0.8')).toBe('vi');
    expect(preferredLang('fr-FR,en;q=0.5,vi;q=0.7')).toBe('vi');
    expect(preferredLang('fr-FR,de;q=0.5')).toBe('vi');
    expect(preferredLang('vi;q=0,en')).toBe('en');
  });

  it("gives a relay's seconds aired and lost in columns of their own, empty for other rows", () => {
    const relay = row({
      occurrenceId: 'r1@1',
      broadcastId: 'r1',
      title: 'Tiếp âm thời sự VOV1',
      result: 'partial',
      confirmed: true,
      secondsPlayed: 540.25,
      relay: { secondsAired: 540.25, secondsLost: 59.75, kind: 'relay' },
    });
    const withRelay = { ...report, rows: [relay as unknown as CoverageRow, ...report.rows] };
    const [vi, viPlayed] = table(coverageCsv(withRelay)).slice(1);
    expect(vi!.endsWith(',"540,3","59,8",Tiếp âm')).toBe(true);
    expect(viPlayed!.endsWith(',,,')).toBe(true); // a file bulletin: no relay seconds, no kind
    const [head, en] = table(coverageCsv(withRelay, 'en'));
    expect(head!.endsWith(',Received,Relay/live seconds aired,Relay/live seconds lost,Stream')).toBe(true);
    expect(en!.endsWith(',540.3,59.8,Relay')).toBe(true);
    const [codesHead, codes, , , , claim] = table(coverageCsv(withRelay, 'codes'));
    const cols = codesHead!.split(',');
    const cells = codes!.split(',');
    expect(cells[cols.indexOf('relaySecondsAired')]).toBe('540.25');
    expect(cells[cols.indexOf('relaySecondsLost')]).toBe('59.75');
    expect(cells[cols.indexOf('streamKind')]).toBe('relay');
    expect(claim!.endsWith(',,,')).toBe(true);
  });
});
