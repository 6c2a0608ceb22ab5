// The periodic report's exports (hub/periodic-reports/report-csv.ts and report-pdf.ts): the CSV's
// column headers and section names, and the words for the report's and devices' kinds. Vietnamese
// first; docs/periodic-report-formats.md lists the columns.
import type { Words } from './results.ts';

/** The CSV's sections, in the order they come (the first column of every line). */
export const REPORT_SECTION_WORDS: Words = {
  totals: { vi: 'Tổng hợp', en: 'Totals' },
  campaign: { vi: 'Chuyên đề', en: 'Campaign' },
  ward: { vi: 'Phường', en: 'Ward' },
  device: { vi: 'Thiết bị', en: 'Device' },
  failure: { vi: 'Lý do không phát đủ', en: 'Failure' },
  rejected: { vi: 'Báo cáo bị từ chối', en: 'Rejected claims' },
  led: { vi: 'Thông điệp LED', en: 'LED message' },
  emergency: { vi: 'Khẩn cấp', en: 'Emergency' },
};

/** The report's kind, as a word in a sentence. */
export const REPORT_KIND_WORDS: Words = {
  month: { vi: 'tháng', en: 'month' },
  quarter: { vi: 'quý', en: 'quarter' },
  year: { vi: 'năm', en: 'year' },
};

export const DEVICE_KIND_WORDS: Words = {
  speaker: { vi: 'Loa', en: 'Loudspeaker' },
  led: { vi: 'Bảng LED', en: 'LED board' },
};

/** A campaign's target "per", after "3 bản tin/…". */
export const TARGET_PER_WORDS: Words = {
  week: { vi: 'tuần', en: 'week' },
  month: { vi: 'tháng', en: 'month' },
  period: { vi: 'cả đợt', en: 'whole period' },
};

/** The CSV's columns by code (the header with lang=codes), with the headers people read. */
export const REPORT_CSV_HEADER_WORDS: Words = {
  section: { vi: 'Mục', en: 'Section' },
  id: { vi: 'Mã', en: 'Code' },
  name: { vi: 'Tên', en: 'Name' },
  areaPath: { vi: 'Mã khu vực', en: 'Area code' },
  kind: { vi: 'Loại', en: 'Kind' },
  from: { vi: 'Từ ngày', en: 'From' },
  to: { vi: 'Đến ngày', en: 'To' },
  dueBy: { vi: 'Hạn gửi', en: 'Due by' },
  generatedAt: { vi: 'Lập lúc', en: 'Generated' },
  bulletins: { vi: 'Số bản tin', en: 'Bulletins' },
  devices: { vi: 'Số thiết bị', en: 'Devices' },
  scheduled: { vi: 'Lượt kế hoạch', en: 'Scheduled' },
  played: { vi: 'Đã phát', en: 'Played' },
  partial: { vi: 'Phát một phần', en: 'Partial' },
  failed: { vi: 'Lỗi', en: 'Failed' },
  missed: { vi: 'Bỏ lỡ', en: 'Missed' },
  preempted: { vi: 'Bị ngắt', en: 'Pre-empted' },
  skipped: { vi: 'Bỏ qua', en: 'Skipped' },
  pending: { vi: 'Chờ xác nhận', en: 'Pending' },
  secondsAired: { vi: 'Số giây đã phát', en: 'Seconds aired' },
  hoursAired: { vi: 'Số giờ đã phát', en: 'Hours aired' },
  coverage: { vi: 'Tỉ lệ phủ (%)', en: 'Coverage (%)' },
  target: { vi: 'Chỉ tiêu', en: 'Target' },
  speakers: { vi: 'Số loa', en: 'Speakers' },
  speakersMet: { vi: 'Số loa đạt chỉ tiêu', en: 'Speakers meeting the target' },
  count: { vi: 'Số lần', en: 'Count' },
  rejectedClaims: { vi: 'Báo cáo bị từ chối', en: 'Rejected claims' },
  ledMessages: { vi: 'Số thông điệp LED', en: 'LED messages' },
  text: { vi: 'Nội dung hiển thị', en: 'Text shown' },
  shown: { vi: 'Lượt đã hiển thị', en: 'Times shown' },
  sentAt: { vi: 'Phát lúc', en: 'Sent' },
  confirmed: { vi: 'Thiết bị đã xác nhận', en: 'Devices confirmed' },
  fullyConfirmedAt: { vi: 'Xác nhận đủ lúc', en: 'Fully confirmed' },
  secondsToFullConfirmation: { vi: 'Số giây đến khi xác nhận đủ', en: 'Seconds to full confirmation' },
  medianSecondsToConfirmation: { vi: 'Trung vị số giây xác nhận', en: 'Median seconds to confirmation' },
};
