// The periodic report as CSV for a spreadsheet: a minimal real export (the totals, then one line per
// ward and per device), kept here until the full layout lands from the PDF/CSV work of issue 14.3,
// which replaces this file with the same signature. Vietnamese headers by default, a decimal comma.
import type { PeriodicReportDocument, ReportOccurrences } from '../api-contract/periodic-reports.ts';
import { csvCell } from '../reports/coverage.ts';
import type { ReportLang } from '../text/index.ts';

const HEADERS = {
  vi: ['Phần', 'Mã', 'Tên', 'Lượt kế hoạch', 'Phát đủ', 'Một phần', 'Lỗi', 'Không xác nhận', 'Số giờ phát'],
  en: ['Section', 'Code', 'Name', 'Scheduled', 'Played', 'Partial', 'Failed', 'Missed', 'Hours aired'],
};
const SECTIONS = {
  vi: { total: 'Tổng', ward: 'Phường', device: 'Thiết bị' },
  en: { total: 'Total', ward: 'Ward', device: 'Device' },
};

export function reportCsv(doc: PeriodicReportDocument, lang: ReportLang = 'vi'): string {
  const hours = (h: number) => (lang === 'vi' ? String(h).replace('.', ',') : String(h));
  const line = (section: string, code: string, name: string, o: ReportOccurrences) =>
    [section, code, name, o.scheduled, o.played, o.partial, o.failed, o.missed, hours(o.hoursAired)]
      .map((v) => (typeof v === 'string' ? csvCell(v) : String(v)))
      .join(',');
  const s = SECTIONS[lang];
  const lines = [
    HEADERS[lang].map(csvCell).join(','),
    line(s.total, doc.area.path, doc.area.name, doc.totals),
    ...doc.byWard.map((w) => line(s.ward, w.areaPath, w.areaName, w)),
    ...doc.byDevice.map((d) => line(s.device, d.deviceId, d.deviceName, d)),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
