// Coverage reports: request errors, and the words of the CSV (people read it in a spreadsheet):
// Vietnamese first.
import { def } from './message.ts';
import type { Words } from './results.ts';

export const REPORT_TEXT = {
  // ---- reports ----
  'report.bad-period': def(
    (p: { period: string }) => `period "${p.period}" is not a month (2026-11), a quarter (2026-Q4) or a year (2026)`,
    (p) => `Kỳ báo cáo "${p.period}" không hợp lệ; vui lòng ghi theo tháng (2026-11), quý (2026-Q4) hoặc năm (2026).`,
  ),
  'report.from-after-to': def(
    () => '"from" must be before "to"',
    () => 'Thời điểm bắt đầu ("from") phải trước thời điểm kết thúc ("to").',
  ),
  'report.too-long': def(
    () => 'a report covers at most 400 days',
    () => 'Một báo cáo chỉ bao gồm tối đa 400 ngày.',
  ),
  'report.bad-cursor': def(
    (p: { cursor: string }) =>
      `cursor "${p.cursor}" is not one this report gave; start again without a cursor and follow "next"`,
    (p) =>
      `Con trỏ trang "${p.cursor}" không hợp lệ; vui lòng tải lại từ trang đầu (không có "cursor") rồi đi theo "next".`,
  ),
  'report.bad-result': def(
    (p: { result: string; results: string }) => `result "${p.result}" is not one of ${p.results}`,
    (p) => `Kết quả "${p.result}" không hợp lệ; chỉ dùng: ${p.results}.`,
  ),
  'report.bad-limit': def(
    (p: { limit: string; max: number }) => `page size ${p.limit} is not a whole number from 1 to ${p.max}`,
    (p) => `Số dòng mỗi trang (${p.limit}) phải là số nguyên từ 1 đến ${p.max}.`,
  ),
} as const;

export type ReportLang = 'vi' | 'en';
export const PRIORITY_WORDS: Words = {
  normal: { vi: 'Thông thường', en: 'Normal' },
  priority: { vi: 'Ưu tiên', en: 'Priority' },
  emergency: { vi: 'Khẩn cấp', en: 'Emergency' },
};
/** Why the hub refused to count a signed receipt (hub/ingest/admission.ts). */
export const REJECTION_WORDS: Words = {
  unplanned: { vi: 'Không có trong kế hoạch', en: 'Not planned' },
  'not-targeted': { vi: 'Không phát cho thiết bị này', en: 'Not targeted at this device' },
  premature: { vi: 'Báo trước giờ phát', en: 'Sent before it could air' },
  implausible: { vi: 'Thời gian, số giây không hợp lý', en: 'Implausible times or seconds' },
};
export const YES_NO_WORDS = { yes: { vi: 'có', en: 'yes' }, no: { vi: 'không', en: 'no' } };
/** The reason of an occurrence missed for want of any receipt. */
export const NO_CONFIRMATION_WORDS = {
  vi: 'Không nhận được xác nhận từ thiết bị (mất kết nối, mất điện hoặc không báo cáo)',
  en: 'No confirmation from the device (offline, powered down or not reporting)',
};
/** The CSV's column headers, by the column's code (the header of the machine-readable CSV). */
export const CSV_HEADER_WORDS: Words = {
  areaName: { vi: 'Khu vực', en: 'Area' },
  areaPath: { vi: 'Mã khu vực', en: 'Area code' },
  deviceId: { vi: 'Mã thiết bị', en: 'Device code' },
  deviceName: { vi: 'Thiết bị', en: 'Device' },
  title: { vi: 'Bản tin', en: 'Bulletin' },
  priority: { vi: 'Mức độ', en: 'Priority' },
  scheduledStart: { vi: 'Giờ kế hoạch', en: 'Scheduled' },
  actualStart: { vi: 'Bắt đầu thực tế', en: 'Actual start' },
  actualEnd: { vi: 'Kết thúc thực tế', en: 'Actual end' },
  secondsPlayed: { vi: 'Số giây đã phát', en: 'Seconds played' },
  result: { vi: 'Kết quả', en: 'Result' },
  confirmed: { vi: 'Thiết bị đã xác nhận', en: 'Confirmed by the device' },
  reason: { vi: 'Lý do', en: 'Reason' },
  occurrenceId: { vi: 'Mã lần phát', en: 'Occurrence code' },
  broadcastId: { vi: 'Mã lịch phát', en: 'Broadcast code' },
  claimedResult: { vi: 'Kết quả thiết bị báo', en: 'Result claimed' },
  claimedSecondsPlayed: { vi: 'Số giây thiết bị báo', en: 'Seconds claimed' },
  rejection: { vi: 'Lý do không tính', en: 'Why not counted' },
  rejectionDetail: { vi: 'Chi tiết kỹ thuật', en: 'Technical detail' },
  receivedAt: { vi: 'Nhận lúc', en: 'Received' },
  relaySecondsAired: { vi: 'Giây tiếp âm/trực tiếp đã phát', en: 'Relay/live seconds aired' },
  relaySecondsLost: { vi: 'Giây tiếp âm/trực tiếp bị mất', en: 'Relay/live seconds lost' },
  streamKind: { vi: 'Loại phát', en: 'Stream' },
};
/** A word of one of the tables above in `lang`, or the code itself when the table lacks it. */
export const wordOf = (table: Words, code: string | null | undefined, lang: ReportLang): string =>
  code ? (table[code]?.[lang] ?? code) : '';

/**
 * The reader's language from an Accept-Language header: English when English comes before
 * Vietnamese in the reader's preferences, Vietnamese otherwise (and by default).
 */
export function preferredLang(header: string | undefined): ReportLang {
  const tags = (header ?? '')
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag, q: q === undefined ? 1 : Number(q), i };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const first = tags.find((t) => /^(vi|en)(-|$)/.test(t.tag));
  return first?.tag.startsWith('en') ? 'en' : 'vi';
}
