// The coverage report as a PDF for the monthly, quarterly and yearly reporting duty. Text is set in
// DejaVu Sans (embedded from the dejavu-fonts-ttf package), which has every Vietnamese glyph, so
// "Phường Hạ Đình" prints as written. Headings are Vietnamese with English beneath.
//
// Layout (A4, checked by rendering the pages with poppler, see coverage-pdf.peer.test.ts): the header,
// the totals, a bar per ward, a table per ward whose counts add up to the plan (with a total row),
// the relays' seconds aired and lost per device (when the period has relays), the live sessions' likewise, the reasons things did not play counted over the whole period, then the occurrences that did not
// play in full, one row each, then the rejected claims (signed receipts not counted). Tables repeat their header on every page; numbers are right-aligned;
// every page carries the area, the period and "Trang n/N". Times are Vietnam time (UTC+7).
import { PLAYBACK_RESULTS, REJECTION_WORDS, RESULT_SHORT_WORDS, wordOf } from '../text/index.ts';
import type { CoverageRow, CoverageSummary, ReasonCount, RejectedClaim } from './coverage.ts';
import { type Col, MARGINS, openPdf, pdfLayout } from './pdf-layout.ts';

export { PDF_FONT, PDF_FONT_BOLD } from './pdf-layout.ts';

/**
 * What the PDF prints: the summary, with the first PDF_MAX_ROWS occurrences that did not play in
 * full and rejected claims (their totals are in the summary), and the reasons counted.
 */
export interface PdfReport extends CoverageSummary {
  problems: CoverageRow[];
  reasons: ReasonCount[];
  rejectedClaims: RejectedClaim[];
}
type Report = PdfReport;
type Counts = Report['totals'];

const KEYS = PLAYBACK_RESULTS;
// The results' short words (hub/text/results.ts); a code that is not a playback result prints as itself.
const RESULT_VI: Record<string, string> = Object.fromEntries(KEYS.map((k) => [k, RESULT_SHORT_WORDS[k].vi]));
const RESULT_EN: Record<string, string> = Object.fromEntries(KEYS.map((k) => [k, RESULT_SHORT_WORDS[k].en]));
// Distinct in colour and, for a grey-scale printer, in lightness.
const COLORS: Record<string, string> = {
  played: '#2e7d32',
  partial: '#f9a825',
  failed: '#c62828',
  missed: '#4e342e',
  preempted: '#5e35b1',
  skipped: '#78909c',
  pending: '#cfd8dc',
};

/** At most this many occurrences are listed one by one; the CSV export has them all. */
export const PDF_MAX_ROWS = 500;
const MAX_REASONS = 30;

const num = new Intl.NumberFormat('vi-VN');
const n = (v: number) => num.format(v);
/** Seconds with at most one decimal, the Vietnamese way ("1.200,5"). */
const secs = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 1 });
/** The played rate over the occurrences due: those still pending are not counted as not played. */
const pct = (a: number, b: number) =>
  b ? `${(Math.floor((1000 * a) / b) / 10).toLocaleString('vi-VN', { minimumFractionDigits: 1 })}%` : '—';

/** "2026-10-01T06:00:00+07:00" (already Vietnam time) → "01/10/2026 06:00". */
function vnTime(iso: string | null): string {
  const m = iso && /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}` : '—';
}

/** The period as people say it: "Tháng 10/2026", "Quý 4/2026", "Năm 2026" (or the label as given). */
export function periodName(label: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(label))) return `Tháng ${m[2]}/${m[1]}`;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(label))) return `Quý ${m[2]}/${m[1]}`;
  if (/^\d{4}$/.test(label)) return `Năm ${label}`;
  return label;
}

/** From and to as dates, the end inclusive when the period ends at midnight ("01/10/2026 – 31/10/2026"). */
function rangeText(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  const midnight = (iso: string) => /T00:00(:00)?/.test(iso);
  if (midnight(from) && midnight(to)) {
    const last = new Date(Date.parse(`${to.slice(0, 10)}T00:00:00Z`) - 86_400_000).toISOString();
    return `${vnTime(from).slice(0, 10)} – ${vnTime(last).slice(0, 10)}`;
  }
  return `${vnTime(from)} – ${vnTime(to)}`;
}

function hoursText(seconds: number): string {
  const m = Math.round(seconds / 60);
  return `${n(Math.floor(m / 60))} giờ ${String(m % 60).padStart(2, '0')} phút`;
}

export function coveragePdf(report: Report, periodLabel: string): Promise<Buffer> {
  const title = `Báo cáo độ phủ truyền thanh — ${report.area.name}`;
  const period = periodName(periodLabel);
  const { doc, done } = openPdf({
    Title: `${title} — ${period}`,
    Author: 'wardcast',
    Subject: 'Coverage report',
    ...(report.generatedAt ? { CreationDate: new Date(report.generatedAt) } : {}),
  });

  const { left, width, ensure, heading, note, table, footers } = pdfLayout(doc);

  // Header.
  doc.font('bold').fontSize(16).text(title, left, MARGINS.top, { width });
  doc
    .font('body')
    .fontSize(9.5)
    .fillColor('#555')
    .text(`Coverage report of the ward loudspeakers · ${report.area.path}`, { width });
  doc.moveDown(0.5).fillColor('#000').fontSize(10);
  doc
    .font('bold')
    .text('Kỳ báo cáo / Period: ', { continued: true })
    .font('body')
    .text(`${period} (${rangeText(report.from, report.to)})`);
  doc
    .font('bold')
    .text('Lập lúc / Generated: ', { continued: true })
    .font('body')
    .text(`${vnTime(report.generatedAt)}`);
  doc
    .font('body')
    .fontSize(8.5)
    .fillColor('#555')
    .text('Mọi thời gian là giờ Việt Nam / All times are Vietnam time (Asia/Ho_Chi_Minh, UTC+7).');
  doc.fillColor('#000');

  // Totals: label and number pairs in two columns.
  const t = report.totals as Counts;
  heading('Tổng hợp', 'Totals');
  const pairs: Array<[string, string]> = [
    ['Kế hoạch / Scheduled', n(t.scheduled)],
    ...KEYS.map((k): [string, string] => [
      `${RESULT_VI[k]} / ${RESULT_EN[k]}`,
      k === 'played' ? `${n(t.played)}  (${pct(t.played, t.scheduled - t.pending)})` : n(t[k]),
    ]),
    ['Thời lượng phát / Airtime', hoursText(t.secondsPlayed)],
  ];
  const half = Math.ceil(pairs.length / 2);
  const colW = (width - 24) / 2;
  const y0 = doc.y;
  doc.font('body').fontSize(9.5);
  pairs.forEach(([label, value], i) => {
    const x = left + (i < half ? 0 : colW + 24);
    const y = y0 + (i % half) * 15;
    const valueW = doc.font('bold').widthOfString(value);
    doc.fillColor('#000').text(value, x, y, { width: colW, align: 'right', lineBreak: false });
    doc.font('body').text(label, x, y, { width: colW - valueW - 8, height: 12, ellipsis: true }); // one line at most
    doc
      .moveTo(x, y + 12.5)
      .lineTo(x + colW, y + 12.5)
      .lineWidth(0.3)
      .strokeColor('#cfd8dc')
      .stroke();
  });
  doc.x = left;
  doc.y = y0 + half * 15;

  // By ward: a stacked bar each (share of the plan), then the numbers.
  const areas = [...report.byArea].sort((a, b) => a.areaName.localeCompare(b.areaName, 'vi'));
  heading('Theo phường', 'By ward', 80);
  if (areas.length === 0) {
    note('Không có lịch phát nào trong kỳ này. / Nothing was scheduled in this period.');
  } else {
    const labelW = 150;
    const valueW = 46;
    const barW = width - labelW - valueW - 8;
    for (const a of areas) {
      ensure(15);
      const y = doc.y;
      doc
        .font('body')
        .fontSize(9)
        .fillColor('#000')
        .text(a.areaName, left, y, { width: labelW - 6, height: 11, ellipsis: true });
      doc
        .rect(left + labelW, y, barW, 10)
        .lineWidth(0.3)
        .strokeColor('#b0bec5')
        .stroke();
      let x = left + labelW;
      for (const k of KEYS) {
        const w = a.scheduled ? (barW * a[k]) / a.scheduled : 0;
        if (w > 0) doc.rect(x, y, w, 10).fill(COLORS[k]);
        x += w;
      }
      doc.fillColor('#000').text(pct(a.played, a.scheduled - a.pending), left + labelW + barW + 4, y, {
        width: valueW + 4,
        align: 'right',
        lineBreak: false,
      });
      doc.y = y + 15;
    }
    // Legend.
    ensure(16);
    let lx = left;
    const ly = doc.y + 1;
    doc.font('body').fontSize(8);
    for (const k of KEYS) {
      doc.rect(lx, ly, 8, 8).fill(COLORS[k]);
      doc.fillColor('#000').text(RESULT_VI[k], lx + 11, ly, { lineBreak: false });
      lx += 11 + doc.widthOfString(RESULT_VI[k]) + 10;
    }
    doc.x = left;
    doc.y = ly + 18;

    // 44 fits "Kế hoạch", "Một phần" and "Tỉ lệ phát" on one line; the shorter headers take 40.
    const wide = new Set(['played', 'partial']);
    const cols: Col[] = [
      { vi: 'Phường', en: 'Ward', w: width - 4 * 44 - 5 * 40 },
      { vi: 'Kế hoạch', en: 'Scheduled', w: 44, right: true },
      ...KEYS.map(
        (k): Col => ({
          vi: k === 'partial' ? 'Một phần' : k === 'pending' ? 'Chờ' : RESULT_VI[k],
          en: RESULT_EN[k],
          w: wide.has(k) ? 44 : 40,
          right: true,
        }),
      ),
      { vi: 'Tỉ lệ phát', en: 'Played', w: 44, right: true },
    ];
    const line = (name: string, c: Counts) => [
      name,
      n(c.scheduled),
      ...KEYS.map((k) => n(c[k])),
      pct(c.played, c.scheduled - c.pending),
    ];
    table(cols, [...areas.map((a) => line(a.areaName, a)), line('Tổng / Total', t)], { size: 8.5, totalRow: true });
  }

  // Relays (tiếp âm), then live sessions (phát trực tiếp), each in a table of its own: seconds of the
  // stream aired and lost on each device, from admitted receipts (a due one never confirmed lost its
  // length). Each only when the period has some.
  const streamTable = (
    stream: Report['relay'] | undefined,
    title: { vi: string; en: string },
    count: { vi: string; en: string },
  ) => {
    if (!stream || stream.occurrences <= 0) return;
    heading(title.vi, title.en);
    const streamLine = (name: string, r: { occurrences: number; secondsAired: number; secondsLost: number }) => [
      name,
      n(r.occurrences),
      secs.format(r.secondsAired),
      secs.format(r.secondsLost),
      pct(r.secondsAired, r.secondsAired + r.secondsLost),
    ];
    table(
      [
        { vi: 'Thiết bị · khu vực', en: 'Device · area', w: width - 60 - 3 * 76 },
        { ...count, w: 60, right: true },
        { vi: 'Giây đã phát', en: 'Seconds aired', w: 76, right: true },
        { vi: 'Giây bị mất', en: 'Seconds lost', w: 76, right: true },
        { vi: 'Tỉ lệ đã phát', en: 'Aired', w: 76, right: true },
      ],
      [
        ...stream.byDevice.slice(0, PDF_MAX_ROWS).map((d) => streamLine(`${d.deviceName}\n${d.areaPath}`, d)),
        streamLine('Tổng / Total', stream),
      ],
      { size: 8, totalRow: true },
    );
    if (stream.byDevice.length > PDF_MAX_ROWS)
      note(
        `Chỉ in ${n(PDF_MAX_ROWS)} thiết bị đầu; tổng tính trên mọi thiết bị, từng lần có trong bản CSV. / Only the first ${n(PDF_MAX_ROWS)} devices are printed; the total counts them all, each occurrence is in the CSV export.`,
      );
  };
  streamTable(
    report.relay,
    { vi: 'Tiếp âm', en: 'Relays: seconds aired and lost per device' },
    { vi: 'Lần tiếp âm', en: 'Relays' },
  );
  streamTable(
    report.live,
    { vi: 'Phát trực tiếp', en: 'Live sessions: seconds aired and lost per device' },
    { vi: 'Lần phát', en: 'Sessions' },
  );

  // Why things did not play, over the whole period.
  const problemCount = t.scheduled - t.played - t.pending;
  const problems = report.problems;
  heading('Lý do không phát đủ', 'Reasons not fully played');
  if (problemCount === 0) {
    note(areas.length ? 'Mọi bản tin đã phát đủ. / Everything scheduled was played in full.' : 'Không có / None.');
  } else {
    // Counted by what they mean to an official (the reason's words), not by each device's wording.
    const reasons = report.reasons.map((r) => ({ result: r.result, reason: r.reasonText?.vi ?? '—', count: r.count }));
    table(
      [
        { vi: 'Kết quả', en: 'Result', w: 80 },
        { vi: 'Lý do', en: 'Reason', w: width - 140, red: true },
        { vi: 'Số lần', en: 'Times', w: 60, right: true },
      ],
      reasons.slice(0, MAX_REASONS).map((r) => [RESULT_VI[r.result] ?? r.result, r.reason, n(r.count)]),
      { size: 8.5 },
    );
    if (reasons.length > MAX_REASONS)
      note(`… ${n(reasons.length - MAX_REASONS)} lý do khác trong bản CSV / more reasons in the CSV export`);
  }

  // What did not play, one occurrence a row.
  heading(`Chi tiết không phát đủ (${n(problemCount)})`, 'Not fully played, in detail');
  if (problemCount === 0) {
    note('Không có / None.');
  } else {
    table(
      [
        { vi: 'Thời gian', en: 'Scheduled', w: 74 },
        { vi: 'Phường · thiết bị', en: 'Ward · device', w: 112 },
        { vi: 'Bản tin', en: 'Bulletin', w: 116 },
        { vi: 'Kết quả', en: 'Result', w: 62 },
        { vi: 'Lý do', en: 'Reason', w: width - 364, red: true },
      ],
      // The reason in words; the device's technical words are in the CSV and on the bulletin's page.
      problems
        .slice(0, PDF_MAX_ROWS)
        .map((r) => [
          vnTime(r.scheduledStart),
          `${r.areaName}\n${r.deviceName}`,
          r.title,
          RESULT_VI[r.result] ?? r.result,
          r.reasonText?.vi ?? '',
        ]),
      { size: 7.5 },
    );
    if (problemCount > PDF_MAX_ROWS) {
      note(
        `Chỉ in ${n(PDF_MAX_ROWS)} dòng đầu; ${n(problemCount - PDF_MAX_ROWS)} dòng còn lại có trong bản CSV. / Only the first ${n(PDF_MAX_ROWS)} rows are printed; the other ${n(problemCount - PDF_MAX_ROWS)} are in the CSV export.`,
      );
    }
  }

  // Signed receipts the hub did not count: what a device claimed, and why it was refused.
  const claims = report.rejectedClaims;
  heading(`Báo cáo bị từ chối (${n(report.rejectedCount)})`, 'Rejected claims: signed but not counted');
  if (report.rejectedCount === 0) {
    note('Không có / None.');
  } else {
    note(
      'Thiết bị đã ký các báo cáo này nhưng chúng không khớp kế hoạch phát, nên không được tính ở trên. / The devices signed these receipts, but they do not match the plan, so none is counted above.',
    );
    doc.y += 4;
    table(
      [
        { vi: 'Nhận lúc', en: 'Received', w: 74 },
        { vi: 'Phường · thiết bị', en: 'Ward · device', w: 112 },
        { vi: 'Thiết bị báo', en: 'Claimed', w: 80 },
        { vi: 'Lý do từ chối', en: 'Why rejected', w: width - 266 },
      ],
      claims
        .slice(0, PDF_MAX_ROWS)
        .map((c) => [
          vnTime(c.receivedAt),
          `${c.areaName}\n${c.deviceName}`,
          `${RESULT_VI[c.claimedResult] ?? c.claimedResult}\n${n(Math.round(c.claimedSecondsPlayed))} s`,
          `${wordOf(REJECTION_WORDS, c.rejection, 'vi')} (${c.rejection})\n${c.rejectionDetail}`,
        ]),
      { size: 7.5 },
    );
    if (report.rejectedCount > PDF_MAX_ROWS)
      note(
        `Chỉ in ${n(PDF_MAX_ROWS)} dòng đầu; xem bản CSV. / Only the first ${n(PDF_MAX_ROWS)} are printed; see the CSV export.`,
      );
  }

  // Footer on every page: what this is and the page number.
  footers(`${report.area.name} · ${period} · lập lúc ${vnTime(report.generatedAt)} · wardcast`);

  doc.end();
  return done;
}
