// The coverage report as a PDF for the monthly, quarterly and yearly reporting duty. Text is set in
// DejaVu Sans (embedded from the dejavu-fonts-ttf package), which has every Vietnamese glyph, so
// "Phường Hạ Đình" prints as written. Headings are Vietnamese with English beneath.
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { coverageReport } from './coverage.ts';

const require = createRequire(import.meta.url);
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const PDF_FONT = path.join(fontDir, 'DejaVuSans.ttf');
export const PDF_FONT_BOLD = path.join(fontDir, 'DejaVuSans-Bold.ttf');

type Report = ReturnType<typeof coverageReport>;

const RESULT_VI: Record<string, string> = {
  played: 'Đã phát',
  partial: 'Phát một phần',
  failed: 'Lỗi',
  missed: 'Bỏ lỡ',
  preempted: 'Bị ngắt',
  skipped: 'Bỏ qua',
  pending: 'Chờ xác nhận',
};
const COLORS: Record<string, string> = { played: '#2e7d32', partial: '#f9a825', failed: '#c62828', missed: '#6d4c41', preempted: '#5e35b1', skipped: '#78909c', pending: '#90a4ae' };
const KEYS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;

const vnTime = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '—');

export function coveragePdf(report: Report, periodLabel: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `Báo cáo độ phủ — ${report.area.name} — ${periodLabel}`, Author: 'wardcast' } });
  doc.registerFont('body', PDF_FONT);
  doc.registerFont('bold', PDF_FONT_BOLD);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;

  doc.font('bold').fontSize(17).text(`Báo cáo độ phủ truyền thanh — ${report.area.name}`);
  doc.font('body').fontSize(10).fillColor('#555').text(`Coverage report · ${report.area.path}`);
  doc.moveDown(0.4).fillColor('#000').fontSize(10);
  doc.text(`Kỳ báo cáo / Period: ${periodLabel}  (${vnTime(report.from)} → ${vnTime(report.to)}, giờ Việt Nam / Asia/Ho_Chi_Minh)`);
  doc.text(`Lập lúc / Generated: ${vnTime(report.generatedAt)}`);
  doc.moveDown(0.8);

  // Totals.
  const t = report.totals as Record<string, number>;
  doc.font('bold').fontSize(12).text('Tổng hợp / Totals');
  doc.font('body').fontSize(10);
  doc.text(`Kế hoạch / Scheduled: ${t.scheduled}    Thời lượng đã phát / Seconds played: ${Math.round(t.secondsPlayed)}`);
  doc.text(KEYS.map((k) => `${RESULT_VI[k]}: ${t[k]}`).join('    '));
  doc.moveDown(0.6);

  // Stacked bars per ward.
  doc.font('bold').fontSize(12).text('Theo phường / By ward');
  doc.moveDown(0.3);
  const labelW = 150;
  const barW = width - labelW - 60;
  for (const a of report.byArea as Array<Record<string, any>>) {
    if (doc.y > doc.page.height - 80) doc.addPage();
    const y = doc.y;
    doc.font('body').fontSize(9).fillColor('#000').text(a.areaName, left, y, { width: labelW - 6, lineBreak: false, ellipsis: true });
    let x = left + labelW;
    for (const k of KEYS) {
      const w = a.scheduled ? (barW * a[k]) / a.scheduled : 0;
      if (w > 0) doc.rect(x, y, w, 10).fill(COLORS[k]);
      x += w;
    }
    doc.fillColor('#000').text(`${a.played}/${a.scheduled}`, left + labelW + barW + 6, y, { lineBreak: false });
    doc.x = left;
    doc.y = y + 15;
  }
  // Legend.
  let lx = left;
  const ly = doc.y + 2;
  for (const k of KEYS) {
    doc.rect(lx, ly, 8, 8).fill(COLORS[k]);
    doc.fillColor('#000').fontSize(8).text(RESULT_VI[k], lx + 11, ly, { lineBreak: false });
    lx += 11 + doc.widthOfString(RESULT_VI[k]) + 12;
  }
  doc.x = left;
  doc.y = ly + 18;

  // Table by ward.
  const cols = [
    { h: 'Phường / Ward', w: 150, v: (a: any) => a.areaName },
    { h: 'Kế hoạch', w: 55, v: (a: any) => a.scheduled },
    { h: 'Đã phát', w: 50, v: (a: any) => a.played },
    { h: 'Một phần', w: 50, v: (a: any) => a.partial },
    { h: 'Lỗi', w: 40, v: (a: any) => a.failed },
    { h: 'Bỏ lỡ', w: 40, v: (a: any) => a.missed },
    { h: 'Bị ngắt', w: 45, v: (a: any) => a.preempted },
    { h: 'Tỉ lệ', w: 50, v: (a: any) => (a.scheduled ? `${Math.round((100 * a.played) / a.scheduled)}%` : '—') },
  ];
  const row = (vals: string[], bold = false) => {
    if (doc.y > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    let x = left;
    doc.font(bold ? 'bold' : 'body').fontSize(9);
    vals.forEach((v, i) => {
      doc.text(v, x, y, { width: cols[i].w - 4, lineBreak: false, ellipsis: true });
      x += cols[i].w;
    });
    doc.x = left;
    doc.y = y + 13;
  };
  row(cols.map((c) => c.h), true);
  for (const a of report.byArea) row(cols.map((c) => String(c.v(a))));
  doc.moveDown(0.8);

  // What did not play, with the reasons the devices gave.
  const problems = report.rows.filter((r) => r.result !== 'played' && r.result !== 'pending');
  doc.font('bold').fontSize(12).text(`Không phát đủ, kèm lý do / Not fully played, with reasons (${problems.length})`, left);
  doc.font('body').fontSize(8.5);
  if (problems.length === 0) doc.text('Không có / None.');
  for (const r of problems.slice(0, 500)) {
    if (doc.y > doc.page.height - 60) doc.addPage();
    doc.text(`${vnTime(r.scheduledStart)} · ${r.deviceName} (${r.areaName}) · ${r.title} · ${RESULT_VI[r.result] ?? r.result}${r.reason ? ` — ${r.reason}` : ''}`, left, doc.y, { width });
  }
  if (problems.length > 500) doc.text(`… ${problems.length - 500} dòng nữa trong bản CSV / more rows in the CSV export`);

  doc.end();
  return done;
}
