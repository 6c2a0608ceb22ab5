// The periodic report PDF read back by an independent reader, poppler (pdfinfo, pdffonts, pdftotext;
// Debian package poppler-utils, a peer in test/peers/debian-peers.json): the form's Vietnamese text
// with its diacritics, the numbers the Vietnamese way, the draft mark or the signature, quarter and
// year titles, a device table over several pages with its header on each, and the samples under
// docs/samples as committed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';
import { renderReportPdf, type ReportPdfOptions } from './report-pdf.ts';
import {
  SAMPLE_FILES,
  SAMPLE_LED_TEXT,
  SAMPLE_SIGNATURE,
  samplePeriodicReport,
} from '../../test/helpers/periodic-report-sample.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a poppler tool; a missing poppler fails the test with what to install. */
function poppler(tool: string, args: string[]): string {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new Error(
      `${tool} not found: these tests read the PDF with poppler. Install it with "apt-get install poppler-utils".`,
    );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  expect(r.stderr, `${tool} complains about the PDF`).toBe('');
  return r.stdout;
}
const text = (file: string, page?: number) =>
  poppler('pdftotext', [
    '-layout',
    '-enc',
    'UTF-8',
    ...(page ? ['-f', String(page), '-l', String(page)] : []),
    file,
    '-',
  ]);
const pages = (file: string) => Number(/^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]))?.[1]);
/** The numbers on a table line, read the Vietnamese way ("1.234", "52,35", "97,2%"). */
const numbers = (line: string) => [...line.matchAll(/\d[\d.]*(?:,\d+)?%?/g)].map((m) => m[0]);

let dir: string;
const files: Record<string, string> = {};
async function make(name: string, doc: PeriodicReportDocument, opts: ReportPdfOptions) {
  files[name] = path.join(dir, `${name}.pdf`);
  writeFileSync(files[name], await renderReportPdf(doc, opts));
}

/** The sample as a quarter or a year: the same figures over a longer period. */
const asPeriod = (kind: 'quarter' | 'year', period: string, from: string, to: string, dueBy: string) => ({
  ...samplePeriodicReport(),
  kind,
  period,
  from,
  to,
  dueBy,
  generatedAt: to,
});

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-report-pdf-'));
  const sample = samplePeriodicReport();
  await make('draft', sample, { status: 'draft' });
  await make('signed', sample, SAMPLE_SIGNATURE);
  await make(
    'quarter',
    asPeriod('quarter', '2026-Q4', '2026-09-30T17:00:00.000Z', '2026-12-31T17:00:00.000Z', '2027-01-14'),
    { status: 'draft' },
  );
  await make('year', asPeriod('year', '2026', '2025-12-31T17:00:00.000Z', '2026-12-31T17:00:00.000Z', '2026-11-14'), {
    status: 'draft',
  });
  await make('long', samplePeriodicReport({ wards: 8, speakersPerWard: 12 }), { status: 'draft' });
  const empty = samplePeriodicReport();
  Object.assign(empty, {
    byCampaign: [],
    byWard: [],
    byDevice: [],
    failures: [],
    rejectedByReason: {},
    emergencies: [],
  });
  empty.led = { messages: 0, shown: 0, byMessage: [] };
  await make('empty', empty, { status: 'draft' });
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('periodic report PDF, read with poppler', () => {
  it('embeds DejaVu Sans only, on A4 pages, titled in Vietnamese', () => {
    for (const file of Object.values(files)) {
      const fonts = poppler('pdffonts', [file])
        .split('\n')
        .slice(2)
        .filter(Boolean)
        .map((l) => l.split(/\s+/)[0].replace(/^[A-Z]{6}\+/, ''));
      expect(fonts.sort()).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
      expect(poppler('pdfinfo', [file])).toMatch(/^Page size:\s+595.28 x 841.89 pts \(A4\)$/m);
    }
    expect(poppler('pdfinfo', [files.draft])).toMatch(/^Title:\s+Báo cáo tháng 11\/2026 — Quận Thanh Xuân$/m);
    expect(poppler('pdfinfo', [files.quarter])).toMatch(/^Title:\s+Báo cáo quý IV\/2026 — Quận Thanh Xuân$/m);
    expect(poppler('pdfinfo', [files.signed])).toMatch(/^Author:\s+Nguyễn Thị Hồng Nhung$/m);
  });

  it('reads as the form sent upward: headings, period, dates, sections, Vietnamese intact', () => {
    const all = text(files.draft);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'QUẬN THANH XUÂN',
      'BÁO CÁO THÁNG 11/2026',
      'Monthly report, November 2026: ward loudspeakers and LED boards',
      'Đơn vị / Area: Quận Thanh Xuân (ha-noi/thanh-xuan)',
      'Kỳ báo cáo / Period: 01/11/2026 – 30/11/2026',
      'Lập lúc / Generated: 01/12/2026 00:05', // 17:05 UTC on 30/11
      'Hạn gửi / Due by: 14/12/2026',
      'I. Tổng hợp / Totals',
      'II. Theo chuyên đề / By campaign',
      'III. Theo phường / By ward',
      'IV. Theo thiết bị / By device',
      'V. Lý do không phát đủ / Reasons not fully played',
      'VI. Báo cáo bị từ chối (4) / Rejected claims: signed but not counted',
      'VII. Thông điệp trên bảng LED / LED messages shown',
      'VIII. Bản tin khẩn cấp / Emergencies and time to full confirmation',
      'Tuyên truyền Nghị', // (the campaign's name wraps in its column)
      'quyết 98',
      'Chuyển đổi số',
      'Phường Khương Trung',
      'Phường Thanh Xuân Bắc',
      'Âm ly báo lỗi hoặc không có điện khi phát',
      'Không có trong kế hoạch',
      'Cảnh báo mưa lớn, ngập úng cục bộ',
      '2 phút 15 giây',
      '41 giây',
      '18/11/2026 14:42',
      '18/11/2026 14:44',
    ])
      expect(all, s).toContain(s);
    // The LED text as sent, diacritics kept (pdftotext may wrap it in its column).
    const flat = all.replace(/\s+/g, ' ');
    for (const word of SAMPLE_LED_TEXT.split(' ')) expect(flat).toContain(word);
    expect(flat).toContain('Hưởng ứng Ngày Chuyển đổi số quốc gia 10/10');
  });

  it('writes the figures the Vietnamese way: hours with a decimal comma, coverage floored to one decimal', () => {
    const sample = samplePeriodicReport();
    const page1 = text(files.draft, 1);
    expect(page1).toMatch(/Số giờ đã phát \/ Hours aired\s+52,35 giờ/);
    expect(page1).toMatch(/Tỉ lệ phủ \/ Coverage\s+97,2%/);
    expect(page1).toMatch(/Lượt kế hoạch \/ Scheduled\s+840\b/);
    const lines = page1.split('\n');
    const row = (label: string) => numbers(lines.find((l) => l.trimStart().startsWith(label))!.split(label)[1]);
    // devices, bulletins, scheduled, played, partial, not played, pending, hours, coverage
    const ward = sample.byWard[1];
    expect(row(ward.areaName)).toEqual([
      String(ward.devices),
      String(ward.bulletins),
      String(ward.scheduled),
      String(ward.played),
      String(ward.partial),
      String(ward.failed + ward.missed + ward.preempted + ward.skipped),
      '0',
      '13,05',
      '96,1%',
    ]);
    expect(row('Tổng / Total')).toEqual(['12', '9', '840', '815', '2', '23', '0', '52,35', '97,2%']);
    // A year's thousands with a dot.
    const year = samplePeriodicReport({ wards: 8, speakersPerWard: 12 });
    expect(year.totals.scheduled).toBeGreaterThan(1000);
    const long = text(files.long, 1);
    expect(long).toMatch(/Lượt kế hoạch \/ Scheduled\s+\d{1,3}\.\d{3}\b/);
  });

  it('marks a draft as not signed, and a signed report with who signed and when, in Vietnam time', () => {
    const draft = text(files.draft);
    const signed = text(files.signed);
    expect(draft.match(/BẢN NHÁP — chưa ký \/ DRAFT — not signed/g)?.length).toBe(2); // under the title, and the block
    expect(draft).not.toContain('Người ký');
    expect(signed).not.toContain('BẢN NHÁP');
    expect(signed).toMatch(/Người ký: Nguyễn Thị Hồng Nhung\s+Lúc: 03\/12\/2026 09:30/);
    expect(signed).toContain('Signed by Nguyễn Thị Hồng Nhung at 03/12/2026 09:30.');
    for (let p = 1; p <= pages(files.draft); p++) expect(text(files.draft, p)).toMatch(/· BẢN NHÁP ·/);
    expect(text(files.signed, pages(files.signed))).toMatch(/· đã ký 03\/12\/2026 09:30 ·/);
  });

  it('titles a quarter in Roman numerals and a year, with their days', () => {
    const q = text(files.quarter, 1);
    expect(q).toContain('BÁO CÁO QUÝ IV/2026');
    expect(q).toContain('Kỳ báo cáo / Period: 01/10/2026 – 31/12/2026');
    expect(q).toContain('Hạn gửi / Due by: 14/01/2027');
    const y = text(files.year, 1);
    expect(y).toContain('BÁO CÁO NĂM 2026');
    expect(y).toContain('Kỳ báo cáo / Period: 01/01/2026 – 31/12/2026');
    expect(y).toContain('Lập lúc / Generated: 01/01/2027 00:00');
  });

  it('carries a long device table over pages, with its header on each and every device once', () => {
    const doc = samplePeriodicReport({ wards: 8, speakersPerWard: 12 });
    const n = pages(files.long);
    expect(n).toBeGreaterThanOrEqual(4);
    const header =
      /^\s*Thiết bị · khu vực\s+Loại\s+Kế hoạch\s+Đã phát\s+Một phần\s+Không phát\s+Chờ\s+Giờ phát\s+Tỉ lệ phủ\s*$/;
    let continued = 0;
    for (let p = 1; p <= n; p++) {
      const t = text(files.long, p);
      expect(t, `page ${p}`).toMatch(new RegExp(`Trang ${p}/${n}\\s*$`, 'm'));
      const first = t.split('\n').find((l) => l.trim())!;
      // Only the device table lists loudspeakers: every later page that does continues it.
      if (p > 1 && t.includes('Cụm loa')) {
        expect(first, `page ${p} starts with the device table's header`).toMatch(header);
        continued++;
      }
    }
    expect(continued).toBeGreaterThanOrEqual(2);
    const all = text(files.long);
    // Each loudspeaker once; a board's long name wraps in its cell, so its rows are counted by their first words.
    for (const d of doc.byDevice.filter((x) => x.kind === 'speaker'))
      expect(all.split(d.deviceName).length - 1, d.deviceName).toBe(1);
    const boards = all.split('\n').filter((l) => l.trimStart().startsWith('Bảng LED UBND Phường'));
    expect(boards.length).toBe(doc.byDevice.filter((x) => x.kind === 'led').length);
  });

  it('says so when a section has nothing', () => {
    const t = text(files.empty);
    for (const s of [
      'Không có chuyên đề nào trong kỳ. / No campaign in this period.',
      'Không có lịch phát nào trong kỳ này. / Nothing was scheduled in this period.',
      'Mọi bản tin đã phát đủ. / Everything due was played in full.',
      'Không có thông điệp nào trong kỳ. / No LED message in this period.',
      'Không có bản tin khẩn cấp nào trong kỳ. / No emergency in this period.',
    ])
      expect(t).toContain(s);
  });

  it('keeps every page’s ink inside the A4 margins', () => {
    const dpi = 50;
    const margin = Math.floor((28 / 72) * dpi); // 1 cm; the layout keeps 40 pt (14 mm) or more clear
    for (const name of ['draft', 'signed', 'long']) {
      poppler('pdftoppm', ['-png', '-r', String(dpi), files[name], path.join(dir, `ink-${name}`)]);
      const images = readdirSync(dir).filter((f) => f.startsWith(`ink-${name}-`));
      expect(images.length).toBe(pages(files[name]));
      for (const f of images) {
        const png = PNG.sync.read(readFileSync(path.join(dir, f)));
        let ink = 0;
        for (let y = 0; y < png.height; y++)
          for (let x = 0; x < png.width; x++) {
            const i = 4 * (y * png.width + x);
            if (png.data[i] > 240 && png.data[i + 1] > 240 && png.data[i + 2] > 240) continue;
            ink++;
            if (x < margin || x >= png.width - margin || y < margin || y >= png.height - margin)
              throw new Error(`${f}: ink at (${x}, ${y}) in the margin`);
          }
        expect(ink, `${f} has content`).toBeGreaterThan(1000);
      }
    }
  });

  it('has samples under docs/samples that read as the report: headings, diacritics, decimal comma, draft and signature', () => {
    const draft = text(path.join(root, SAMPLE_FILES.pdf));
    const signed = text(path.join(root, SAMPLE_FILES.signedPdf));
    for (const t of [draft, signed]) {
      expect(t).toContain('BÁO CÁO THÁNG 11/2026');
      expect(t).toContain('Phường Khương Trung');
      expect(t).toMatch(/52,35 giờ/);
      expect(t).toContain('2 phút 15 giây');
    }
    expect(draft).toContain('BẢN NHÁP — chưa ký / DRAFT — not signed');
    expect(signed).toMatch(/Người ký: Nguyễn Thị Hồng Nhung\s+Lúc: 03\/12\/2026 09:30/);
  });
});
