// The periodic report (báo cáo tháng / quý / năm) as the PDF a district or ward sends upward
// (docs/periodic-report-formats.md, "PDF"). Vietnamese, with English beside or beneath; A4, DejaVu
// Sans embedded, tables that repeat their header on every page (hub/reports/pdf-layout.ts).
//
// Order: the national heading and the report's title, period, generation and due dates; the totals;
// the tables per campaign, ward and device; the reasons not played in full; the rejected claims; the
// LED messages shown; the emergencies with their time to full confirmation; the sign-off block. A
// draft says so under the title, in the sign-off block and in every page's footer.
//
// The same document and options give the same bytes: the sign-off's SHA-256 is taken of them. The
// PDF's dates (CreationDate, ModDate) are the report's (generatedAt, or signedAt once signed), and
// pdfkit derives the file ID from those; nothing else in the file depends on the clock.
import type { PeriodicReportDocument, ReportOccurrences } from '../api-contract/periodic-reports.ts';
import { type Col, MARGINS, openPdf, pdfLayout } from '../reports/pdf-layout.ts';
import { DEVICE_KIND_WORDS, REJECTION_WORDS, TARGET_PER_WORDS, wordOf } from '../text/index.ts';
import { parseVnDateTime } from '../time.ts';
import {
  checkedDocument,
  durationVi,
  percentOf,
  periodDays,
  periodTitle,
  vnDate,
  vnDateTime,
} from './report-format.ts';

export interface ReportPdfOptions {
  status: 'draft' | 'signed';
  /** Who signed: required when signed. */
  signedBy?: string;
  /** When (ISO instant): required when signed. */
  signedAt?: string;
}

const LEVEL_WORDS: Record<string, string> = {
  province: 'TỈNH / THÀNH PHỐ',
  district: 'QUẬN / HUYỆN',
  ward: 'PHƯỜNG / XÃ',
};

const num = new Intl.NumberFormat('vi-VN');
const n = (v: number) => num.format(v);
/** Hours with two decimals and a decimal comma: "1.234,50". */
const hours = new Intl.NumberFormat('vi-VN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pct = (share: number | null) =>
  share === null ? '—' : `${percentOf(share).toLocaleString('vi-VN', { minimumFractionDigits: 1 })}%`;
const DRAFT_RED = '#c62828';

/** The columns every occurrence table ends with; the failed, missed, pre-empted and skipped are "not played". */
const OCCURRENCE_COLS: Col[] = [
  { vi: 'Kế hoạch', en: 'Scheduled', w: 44, right: true },
  { vi: 'Đã phát', en: 'Played', w: 40, right: true },
  { vi: 'Một phần', en: 'Partial', w: 44, right: true },
  { vi: 'Không phát', en: 'Not played', w: 54, right: true },
  { vi: 'Chờ', en: 'Pending', w: 34, right: true },
  { vi: 'Giờ phát', en: 'Hours aired', w: 44, right: true },
  { vi: 'Tỉ lệ phủ', en: 'Coverage', w: 44, right: true },
];
const OCCURRENCE_WIDTH = OCCURRENCE_COLS.reduce((a, c) => a + c.w, 0);
const occurrenceCells = (o: ReportOccurrences) => [
  n(o.scheduled),
  n(o.played),
  n(o.partial),
  n(o.failed + o.missed + o.preempted + o.skipped),
  n(o.pending),
  hours.format(o.hoursAired),
  pct(o.coverage),
];

export async function renderReportPdf(doc: PeriodicReportDocument, opts: ReportPdfOptions): Promise<Buffer> {
  const report = checkedDocument(doc);
  const signed = opts.status === 'signed';
  if (opts.status !== 'draft' && !signed) throw new Error(`PDF status "${opts.status}" is not draft or signed`);
  if (signed && (!opts.signedBy?.trim() || !opts.signedAt))
    throw new Error('a signed report PDF needs signedBy and signedAt (who signed, and when)');
  const signedAt = signed ? vnDateTime(opts.signedAt as string) : ''; // also checks it is a time

  const title = periodTitle(report.kind, report.period);
  const inSentence = title.vi.replace(/^\S+/, (w) => w.toLowerCase()); // "quý IV/2026"
  const days = periodDays(report.from, report.to);
  // (parsed as the exports read times: an instant without an offset is Vietnam time, on any machine)
  const when = new Date(parseVnDateTime(signed ? (opts.signedAt as string) : report.generatedAt));
  const { doc: pdf, done } = openPdf({
    Title: `Báo cáo ${inSentence} — ${report.area.name}`,
    Author: signed ? (opts.signedBy as string) : 'wardcast',
    Subject: `${title.en}: ward loudspeakers and LED boards`,
    Keywords: `${report.area.path} ${report.period} ${signed ? 'signed' : 'draft'}`,
    CreationDate: when,
    ModDate: when,
  });
  const { left, width, ensure, heading, note, table, footers } = pdfLayout(pdf);
  const t = report.totals;

  // The national heading: the area on the left, the country and its motto on the right.
  const half = width / 2;
  const top = MARGINS.top;
  pdf
    .font('body')
    .fontSize(8.5)
    .fillColor('#000')
    .text(LEVEL_WORDS[report.area.level] ?? report.area.level.toUpperCase(), left, top, {
      width: half - 10,
      align: 'center',
    });
  pdf.font('bold').text(report.area.name.toUpperCase(), { width: half - 10, align: 'center' });
  const leftBottom = pdf.y;
  pdf.font('bold').text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', left + half, top, { width: half, align: 'center' });
  pdf.text('Độc lập - Tự do - Hạnh phúc', { width: half, align: 'center', underline: true });
  pdf.y = Math.max(pdf.y, leftBottom) + 14;

  // The title, in Vietnamese then English, and the draft mark under it.
  pdf.font('bold').fontSize(16).text(`BÁO CÁO ${title.vi}`, left, pdf.y, { width, align: 'center' });
  pdf
    .font('body')
    .fontSize(9.5)
    .text('Kết quả hoạt động truyền thanh cơ sở và bảng tin điện tử', { width, align: 'center' });
  pdf.fillColor('#555').fontSize(8.5).text(`${title.en}: ward loudspeakers and LED boards`, { width, align: 'center' });
  if (!signed) {
    pdf.moveDown(0.3).font('bold').fontSize(10).fillColor(DRAFT_RED);
    pdf.text('BẢN NHÁP — chưa ký / DRAFT — not signed', { width, align: 'center' });
  }
  pdf.fillColor('#000').moveDown(0.8);

  const line = (label: string, value: string) => {
    pdf.x = left;
    pdf.font('bold').fontSize(9.5).text(label, { continued: true }).font('body').text(value, { width });
  };
  line('Đơn vị / Area: ', `${report.area.name} (${report.area.path})`);
  line('Kỳ báo cáo / Period: ', `${vnDate(days.first)} – ${vnDate(days.last)}`);
  line('Lập lúc / Generated: ', vnDateTime(report.generatedAt));
  line('Hạn gửi / Due by: ', vnDate(report.dueBy));
  pdf
    .font('body')
    .fontSize(8.5)
    .fillColor('#555')
    .text('Mọi thời gian là giờ Việt Nam / All times are Vietnam time (Asia/Ho_Chi_Minh, UTC+7).', { width });
  pdf.fillColor('#000');

  // I. Totals: label and value pairs in two columns.
  heading('I. Tổng hợp', 'Totals');
  const pairs: Array<[string, string]> = [
    ['Số bản tin / Bulletins', n(t.bulletins)],
    ['Số thiết bị / Devices', n(t.devices)],
    ['Lượt kế hoạch / Scheduled', n(t.scheduled)],
    ['Đã phát / Played', n(t.played)],
    ['Phát một phần / Partial', n(t.partial)],
    ['Lỗi / Failed', n(t.failed)],
    ['Bỏ lỡ / Missed', n(t.missed)],
    ['Bị ngắt, bỏ qua / Pre-empted, skipped', n(t.preempted + t.skipped)],
    ['Chờ xác nhận / Pending', n(t.pending)],
    ['Số giờ đã phát / Hours aired', `${hours.format(t.hoursAired)} giờ`],
    ['Tỉ lệ phủ / Coverage', pct(t.coverage)],
    ['Báo cáo bị từ chối / Rejected claims', n(t.rejectedClaims)],
  ];
  const rows = Math.ceil(pairs.length / 2);
  const colW = (width - 24) / 2;
  ensure(rows * 15);
  const y0 = pdf.y;
  pairs.forEach(([label, value], i) => {
    const x = left + (i < rows ? 0 : colW + 24);
    const y = y0 + (i % rows) * 15;
    pdf.font('bold').fontSize(9.5).text(value, x, y, { width: colW, align: 'right', lineBreak: false });
    pdf.font('body').text(label, x, y, { width: colW - pdf.widthOfString(value) - 8, height: 12, ellipsis: true });
    pdf
      .moveTo(x, y + 12.5)
      .lineTo(x + colW, y + 12.5)
      .lineWidth(0.3)
      .strokeColor('#cfd8dc')
      .stroke();
  });
  pdf.x = left;
  pdf.y = y0 + rows * 15;
  note(
    'Tỉ lệ phủ = (đã phát + một phần) / (kế hoạch − chờ xác nhận), chỉ tính báo cáo đã được chấp nhận. / Coverage = (played + partial) / (scheduled − pending), from admitted receipts only.',
  );

  // II. By campaign.
  heading('II. Theo chuyên đề', 'By campaign');
  if (report.byCampaign.length === 0) note('Không có chuyên đề nào trong kỳ. / No campaign in this period.');
  else
    table(
      [
        { vi: 'Chuyên đề', en: 'Campaign', w: width - OCCURRENCE_WIDTH - 74 - 34 },
        { vi: 'Chỉ tiêu · loa đạt', en: 'Target · speakers met', w: 74 },
        { vi: 'Bản tin', en: 'Bulletins', w: 34, right: true },
        ...OCCURRENCE_COLS,
      ],
      report.byCampaign.map((c) => [
        `${c.name}\n${vnDate(c.from)} – ${vnDate(c.to)}`,
        `${n(c.target.bulletins)} bản tin/${wordOf(TARGET_PER_WORDS, c.target.per, 'vi')}\nĐạt: ${n(c.speakersMet)}/${n(c.speakers)} loa`,
        n(c.bulletins),
        ...occurrenceCells(c),
      ]),
      { size: 7.5 },
    );

  // III. By ward, with the district's total.
  heading('III. Theo phường', 'By ward');
  if (report.byWard.length === 0) note('Không có lịch phát nào trong kỳ này. / Nothing was scheduled in this period.');
  else
    table(
      [
        { vi: 'Phường', en: 'Ward', w: width - OCCURRENCE_WIDTH - 2 * 38 },
        { vi: 'Thiết bị', en: 'Devices', w: 38, right: true },
        { vi: 'Bản tin', en: 'Bulletins', w: 38, right: true },
        ...OCCURRENCE_COLS,
      ],
      [
        ...report.byWard.map((w) => [w.areaName, n(w.devices), n(w.bulletins), ...occurrenceCells(w)]),
        ['Tổng / Total', n(t.devices), n(t.bulletins), ...occurrenceCells(t)],
      ],
      { size: 7.5, totalRow: true },
    );

  // IV. By device.
  heading('IV. Theo thiết bị', 'By device');
  if (report.byDevice.length === 0) note('Không có / None.');
  else
    table(
      [
        { vi: 'Thiết bị · khu vực', en: 'Device · area', w: width - OCCURRENCE_WIDTH - 50 },
        { vi: 'Loại', en: 'Kind', w: 50 },
        ...OCCURRENCE_COLS,
      ],
      report.byDevice.map((d) => [
        `${d.deviceName}\n${d.areaPath}`,
        wordOf(DEVICE_KIND_WORDS, d.kind, 'vi'),
        ...occurrenceCells(d),
      ]),
      { size: 7.5 },
    );

  // V. Why things did not play in full.
  heading('V. Lý do không phát đủ', 'Reasons not fully played');
  if (report.failures.length === 0) note('Mọi bản tin đã phát đủ. / Everything due was played in full.');
  else
    table(
      [
        { vi: 'Lý do', en: 'Reason', w: width - 110 - 50, red: true },
        { vi: 'Mã', en: 'Code', w: 110 },
        { vi: 'Số lần', en: 'Times', w: 50, right: true },
      ],
      report.failures.map((f) => [f.reasonText?.vi ?? f.reasonCode, f.reasonCode, n(f.count)]),
      { size: 8 },
    );

  // VI. Signed receipts the hub did not count.
  const rejected = Object.entries(report.rejectedByReason);
  heading(`VI. Báo cáo bị từ chối (${n(t.rejectedClaims)})`, 'Rejected claims: signed but not counted');
  if (rejected.length === 0) note('Không có / None.');
  else {
    note(
      'Thiết bị đã ký các báo cáo này nhưng chúng không khớp kế hoạch phát, nên không được tính ở trên. / The devices signed these receipts, but they do not match the plan, so none is counted above.',
    );
    pdf.y += 4;
    table(
      [
        { vi: 'Lý do từ chối', en: 'Why rejected', w: width - 110 - 50 },
        { vi: 'Mã', en: 'Code', w: 110 },
        { vi: 'Số lần', en: 'Times', w: 50, right: true },
      ],
      rejected.map(([code, count]) => [wordOf(REJECTION_WORDS, code, 'vi'), code, n(count)]),
      { size: 8 },
    );
  }

  // VII. LED messages and how often the boards confirmed them shown.
  heading('VII. Thông điệp trên bảng LED', 'LED messages shown');
  if (report.led.byMessage.length === 0) note('Không có thông điệp nào trong kỳ. / No LED message in this period.');
  else {
    note(
      `${n(report.led.messages)} thông điệp, ${n(report.led.shown)} lượt hiển thị đã được bảng xác nhận. / ${n(report.led.messages)} messages, shown ${n(report.led.shown)} times as confirmed by the boards.`,
    );
    pdf.y += 4;
    table(
      [
        { vi: 'Bản tin', en: 'Bulletin', w: 110 },
        { vi: 'Nội dung hiển thị', en: 'Text shown', w: width - 110 - 2 * 44 - 52 },
        { vi: 'Số bảng', en: 'Boards', w: 44, right: true },
        { vi: 'Kế hoạch', en: 'Scheduled', w: 44, right: true },
        { vi: 'Đã hiển thị', en: 'Shown', w: 52, right: true },
      ],
      report.led.byMessage.map((m) => [m.title, m.text, n(m.boards), n(m.scheduled), n(m.shown)]),
      { size: 7.5 },
    );
  }

  // VIII. Emergencies: how long until every device owed one confirmed it aired.
  heading('VIII. Bản tin khẩn cấp', 'Emergencies and time to full confirmation');
  if (report.emergencies.length === 0) note('Không có bản tin khẩn cấp nào trong kỳ. / No emergency in this period.');
  else
    table(
      [
        { vi: 'Bản tin', en: 'Bulletin', w: width - 2 * 78 - 2 * 56 - 84 },
        { vi: 'Phát lúc', en: 'Sent', w: 78 },
        { vi: 'Đã xác nhận', en: 'Devices confirmed', w: 56, right: true },
        { vi: 'Xác nhận đủ lúc', en: 'Fully confirmed', w: 78 },
        { vi: 'Thời gian đến khi đủ', en: 'Time to full confirmation', w: 84, right: true },
        { vi: 'Trung vị', en: 'Median', w: 56, right: true },
      ],
      report.emergencies.map((e) => [
        e.title,
        vnDateTime(e.sentAt),
        `${n(e.confirmed)}/${n(e.devices)}`,
        e.fullyConfirmedAt ? vnDateTime(e.fullyConfirmedAt) : 'Chưa đủ / Not all',
        e.secondsToFullConfirmation === null ? '—' : durationVi(e.secondsToFullConfirmation),
        e.medianSecondsToConfirmation === null ? '—' : durationVi(e.medianSecondsToConfirmation),
      ]),
      { size: 7.5 },
    );

  // The sign-off block, kept on one page.
  heading('Xác nhận', 'Sign-off', 90);
  const boxY = pdf.y;
  const boxH = 48;
  pdf
    .rect(left, boxY, width, boxH)
    .lineWidth(signed ? 0.6 : 1.2)
    .strokeColor(signed ? '#000' : DRAFT_RED)
    .stroke();
  if (signed) {
    pdf
      .font('bold')
      .fontSize(10.5)
      .fillColor('#000')
      .text(`Người ký: ${opts.signedBy}    Lúc: ${signedAt}`, left + 10, boxY + 9, { width: width - 20 });
    pdf
      .font('body')
      .fontSize(8.5)
      .fillColor('#555')
      .text(
        `Signed by ${opts.signedBy} at ${signedAt}. A signed report does not change: later evidence gives a new version.`,
        { width: width - 20 },
      );
  } else {
    pdf
      .font('bold')
      .fontSize(12)
      .fillColor(DRAFT_RED)
      .text('BẢN NHÁP — chưa ký / DRAFT — not signed', left + 10, boxY + 9, { width: width - 20 });
    pdf
      .font('body')
      .fontSize(8.5)
      .fillColor('#555')
      .text('Số liệu có thể thay đổi đến khi được ký. / The figures may change until it is signed.', {
        width: width - 20,
      });
  }
  pdf.fillColor('#000');
  pdf.y = boxY + boxH;

  footers(
    `${report.area.name} · Báo cáo ${inSentence} · ${signed ? `đã ký ${signedAt}` : 'BẢN NHÁP'} · lập lúc ${vnDateTime(report.generatedAt)} · wardcast`,
  );
  pdf.end();
  return done;
}
