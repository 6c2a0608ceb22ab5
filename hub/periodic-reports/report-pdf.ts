// The periodic report as a PDF, in Vietnamese (DejaVu Sans, as the coverage PDF). A minimal real
// rendering (title, area, period, due date, totals, sign-off), kept here until the full layout
// lands from the PDF/CSV work of issue 14.3, which replaces this file with the same signature.
// Deterministic: the same document and sign-off give the same bytes (the creation date is the
// document's generatedAt, or the sign-off time), so the stored SHA-256 means something.
import PDFDocument from 'pdfkit';
import type { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';
import { PDF_FONT, PDF_FONT_BOLD, periodName } from '../reports/coverage-pdf.ts';

export interface ReportPdfOptions {
  status: 'draft' | 'signed';
  signedBy?: string;
  signedAt?: string;
}

const num = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 2 });
/** "2026-12-05T09:30:00+07:00" (already Vietnam time) → "05/12/2026 09:30"; "2026-12-14" → "14/12/2026". */
const vn = (iso: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}` : ''}` : iso;
};

export function renderReportPdf(doc: PeriodicReportDocument, opts: ReportPdfOptions): Promise<Buffer> {
  const created = new Date(opts.status === 'signed' && opts.signedAt ? opts.signedAt : doc.generatedAt);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: 48, bottom: 56, left: 48, right: 40 },
    lang: 'vi-VN',
    info: {
      Title: `Báo cáo ${periodName(doc.period).toLowerCase()} — ${doc.area.name}`,
      Author: 'wardcast',
      Subject: 'Periodic report',
      CreationDate: created,
    },
  });
  pdf.registerFont('body', PDF_FONT);
  pdf.registerFont('bold', PDF_FONT_BOLD);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  pdf
    .font('bold')
    .fontSize(16)
    .text(`BÁO CÁO ${periodName(doc.period).toUpperCase()}`);
  pdf.font('body').fontSize(11).text(`Hoạt động truyền thanh cơ sở — ${doc.area.name}`);
  pdf.text(`Kỳ báo cáo: ${vn(doc.from)} – ${vn(doc.to)} (không gồm thời điểm cuối), giờ Việt Nam`);
  pdf.text(`Hạn gửi: ${vn(doc.dueBy)} · Lập lúc: ${vn(doc.generatedAt)}`);
  pdf.text(
    opts.status === 'signed'
      ? `Đã ký duyệt: ${opts.signedBy ?? ''} lúc ${opts.signedAt ? vn(opts.signedAt) : ''}`
      : 'BẢN NHÁP — chưa ký duyệt',
  );
  pdf.moveDown();
  const t = doc.totals;
  pdf.font('bold').text('Tổng hợp');
  pdf.font('body');
  for (const [label, v] of [
    ['Số bản tin', t.bulletins],
    ['Số thiết bị', t.devices],
    ['Lượt phát theo kế hoạch', t.scheduled],
    ['Phát đủ', t.played],
    ['Phát một phần', t.partial],
    ['Lỗi', t.failed],
    ['Không xác nhận', t.missed],
    ['Số giờ phát', t.hoursAired],
    ['Xác nhận không được tính', t.rejectedClaims],
    ['Bản tin LED đã hiển thị', doc.led.shown],
    ['Tin khẩn cấp', doc.emergencies.length],
  ] as const)
    pdf.text(`${label}: ${num.format(v)}`);
  pdf.text(`Tỷ lệ phát: ${t.coverage === null ? '—' : `${num.format(Math.round(t.coverage * 1000) / 10)}%`}`);
  pdf.end();
  return done;
}
