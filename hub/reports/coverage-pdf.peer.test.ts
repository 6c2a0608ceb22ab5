// The coverage PDF read back by an independent reader, poppler (pdfinfo, pdffonts, pdftotext,
// pdftoppm; Debian package poppler-utils, installed by .ci/run): valid A4 pages, DejaVu Sans
// embedded, Vietnamese text with its diacritics, the numbers of the report object, table headers
// and page numbers on every page, and pages that render with nothing outside the margins. The
// rendered pages are kept in test-output/coverage-pdf/ for a person to look at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { coveragePdf, PDF_MAX_ROWS } from './coverage-pdf.ts';
import { emptyReport, fixtureReport, type CoverageReport } from '../../test/helpers/coverage-report.ts';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../test-output/coverage-pdf');
const DPI = 80;
const A4 = '595.28 x 841.89 pts (A4)';

function run(tool: string, args: string[]) {
  const r = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      `${tool} not found: these tests read the PDF with poppler. Install it with "apt-get install poppler-utils" (CI installs it in .ci/run).`,
    );
  }
  if (r.error) throw r.error;
  return r;
}

/** Runs a poppler tool on a PDF; a missing poppler fails the test with what to install. */
function poppler(tool: string, args: string[]): string {
  const r = run(tool, args);
  if (r.status !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  // poppler reports a damaged file on stderr ("Syntax Error", "Syntax Warning") and carries on.
  expect(r.stderr, `${tool} complains about the PDF`).toBe('');
  return r.stdout;
}

let dir: string;
const docs: Record<string, { report: CoverageReport; file: string; pages: number }> = {};

async function make(name: string, report: CoverageReport, period: string) {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, await coveragePdf(report, period));
  docs[name] = { report, file, pages: Number(/^Pages:\s+(\d+)$/m.exec(poppler('pdfinfo', [file]))?.[1]) };
}

/** Renders pages to PNG (80 dpi), keeps a copy in test-output/coverage-pdf/, returns the images. */
function render(name: string, first: number, last: number): Array<{ page: number; png: PNG }> {
  poppler('pdftoppm', [
    '-png',
    '-r',
    String(DPI),
    '-f',
    String(first),
    '-l',
    String(last),
    docs[name].file,
    path.join(dir, name),
  ]);
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))
    .map((f) => {
      copyFileSync(path.join(dir, f), path.join(OUT, f));
      return { page: Number(/-(\d+)\.png$/.exec(f)![1]), png: PNG.sync.read(readFileSync(path.join(dir, f))) };
    })
    .filter((p) => p.page >= first && p.page <= last)
    .sort((a, b) => a.page - b.page);
}

const text = (name: string, page?: number) =>
  poppler('pdftotext', [
    '-layout',
    '-enc',
    'UTF-8',
    ...(page ? ['-f', String(page), '-l', String(page)] : []),
    docs[name].file,
    '-',
  ]);
/** The numbers on a table line, read the Vietnamese way ("17.520", "80,4%"). */
const numbers = (line: string) => [...line.matchAll(/\d[\d.]*(?:,\d+)?%?/g)].map((m) => m[0]);
const count = (s: string) => Number(s.replace(/\./g, ''));

beforeAll(async () => {
  // Fail here, with the install hint, before any PDF is made.
  for (const tool of ['pdfinfo', 'pdffonts', 'pdftotext', 'pdftoppm']) run(tool, ['-v']);
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-coverage-pdf-'));
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  await make(
    'month',
    fixtureReport({ from: '2026-10-01T00:00', to: '2026-11-01T00:00', wards: 4, devicesPerWard: 2 }),
    '2026-10',
  );
  await make('empty', emptyReport({ from: '2026-10-01T00:00', to: '2026-11-01T00:00' }), '2026-10');
  await make(
    'forged',
    fixtureReport({ from: '2026-10-01T00:00', to: '2026-10-08T00:00', wards: 2, devicesPerWard: 1, rejected: 5 }),
    '2026-10',
  );
  // A week with a daily 30-minute relay on two loudspeakers: one aired it all, one lost part of two.
  const week = fixtureReport({ from: '2026-10-01T00:00', to: '2026-10-08T00:00', wards: 2, devicesPerWard: 1 });
  const relayDevice = (deviceName: string, secondsAired: number) => ({
    deviceId: deviceName,
    deviceName,
    areaPath: 'ha-noi/thanh-xuan/ha-dinh',
    occurrences: 7,
    secondsAired,
    secondsLost: 7 * 1800 - secondsAired,
  });
  const byDevice = [relayDevice('Cụm loa Hạ Đình 01', 12_600), relayDevice('Cụm loa Hạ Đình 02', 10_844.5)];
  week.relay = {
    occurrences: 14,
    secondsAired: 23_444.5,
    secondsLost: 1755.5,
    byDevice,
  };
  await make('relays', week, '2026-10');
  // The same week with a live session of 95 s instead: one loudspeaker aired 94,2 s, one none.
  const liveWeek = fixtureReport({ from: '2026-10-01T00:00', to: '2026-10-08T00:00', wards: 2, devicesPerWard: 1 });
  liveWeek.live = {
    occurrences: 2,
    secondsAired: 94.2,
    secondsLost: 95.8,
    byDevice: [
      { ...relayDevice('Cụm loa Hạ Đình 01', 0), occurrences: 1, secondsAired: 94.2, secondsLost: 0.8 },
      { ...relayDevice('Cụm loa Hạ Đình 02', 0), occurrences: 1, secondsAired: 0, secondsLost: 95 },
    ],
  };
  await make('live', liveWeek, '2026-10');
  await make(
    'year',
    fixtureReport({ from: '2026-01-01T00:00', to: '2027-01-01T00:00', wards: 8, devicesPerWard: 3 }),
    '2026',
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('coverage PDF, read with poppler', () => {
  it('is a valid PDF of A4 pages, as many as the content needs', () => {
    expect(docs.empty.pages).toBe(1);
    expect(docs.month.pages).toBeGreaterThanOrEqual(2);
    expect(docs.year.pages).toBeGreaterThan(docs.month.pages);
    for (const { file, pages } of Object.values(docs)) {
      const info = poppler('pdfinfo', ['-f', '1', '-l', String(pages), file]);
      const sizes = [...info.matchAll(/^Page\s+\d+ size:\s+(.*)$/gm)].map((m) => m[1]);
      expect(sizes).toEqual(Array(pages).fill(A4));
    }
    expect(poppler('pdfinfo', [docs.month.file])).toMatch(
      /^Title:\s+Báo cáo độ phủ truyền thanh — Quận Thanh Xuân — Tháng 10\/2026$/m,
    );
  });

  it('embeds DejaVu Sans (regular and bold) with Unicode maps, and no other font', () => {
    for (const { file } of Object.values(docs)) {
      const fonts = poppler('pdffonts', [file])
        .split('\n')
        .slice(2)
        .filter(Boolean)
        .map((l) => {
          const m = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$/.exec(l);
          expect(m, `pdffonts line "${l}"`).not.toBeNull();
          return { name: m![1].replace(/^[A-Z]{6}\+/, ''), embedded: m![4], unicode: m![6] };
        });
      expect(fonts.map((f) => f.name).sort()).toEqual(['DejaVuSans', 'DejaVuSans-Bold']);
      for (const f of fonts) expect(f, f.name).toMatchObject({ embedded: 'yes', unicode: 'yes' });
    }
  });

  it('keeps the Vietnamese text, the headers, the times in Vietnam time and the numbers of the report', () => {
    const { report } = docs.month;
    const page1 = text('month', 1);
    for (const s of [
      'Báo cáo độ phủ truyền thanh — Quận Thanh Xuân',
      'Kỳ báo cáo / Period: Tháng 10/2026 (01/10/2026 – 31/10/2026)',
      // The fixture was generated at 2026-11-03 09:15 Vietnam time (02:15 UTC).
      'Lập lúc / Generated: 03/11/2026 09:15',
      'Asia/Ho_Chi_Minh, UTC+7',
      'Phường Thanh Xuân Bắc',
      'Phường Khương Đình',
      'Phường Hạ Đình',
      'Lý do không phát đủ / Reasons not fully played',
      // Reasons in words an official understands, not the devices' technical English.
      'Thiết bị báo lỗi khi phát.',
      'Bị ngắt bởi bản tin có mức ưu tiên cao hơn.',
    ]) {
      expect(page1).toContain(s);
    }
    expect(page1).not.toContain('amplifier fault: no output current');
    const header = page1.split('\n').find((l) => l.startsWith('Phường ') && l.includes('Kế hoạch')) ?? '';
    const at = [
      'Phường',
      'Kế hoạch',
      'Đã phát',
      'Một phần',
      'Lỗi',
      'Bỏ lỡ',
      'Bị ngắt',
      'Bỏ qua',
      'Chờ',
      'Tỉ lệ phát',
    ].map((h) => header.indexOf(h));
    expect(
      at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1])),
      `the by-ward header in order: "${header}"`,
    ).toBe(true);

    // The by-ward table and its total row carry the report's counts, in column order.
    const columns = ['scheduled', 'played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
    const lines = page1.split('\n');
    const expectRow = (label: string, c: CoverageReport['totals']) => {
      // (the bar chart has a line for each ward too, with only the percentage)
      const row = lines.find(
        (l) => l.trimStart().startsWith(`${label} `) && numbers(l.slice(l.indexOf(label) + label.length)).length === 9,
      );
      expect(row, `a table row for ${label}`).toBeDefined();
      const got = numbers(row!.slice(row!.indexOf(label) + label.length));
      expect(got.slice(0, 8).map(count), label).toEqual(columns.map((k) => c[k]));
      expect(got[8]).toMatch(/^\d{1,3},\d%$/);
    };
    for (const a of report.byArea) expectRow(a.areaName, a);
    expectRow('Tổng / Total', report.totals);
    expect(report.totals.failed + report.totals.missed).toBeGreaterThan(0);
    expect(page1).toMatch(new RegExp(`Kế hoạch / Scheduled\\s+${report.totals.scheduled}\\b`));

    // Thousands as people write them in Vietnam.
    const year = text('year', 1);
    expect(year).toMatch(/Tổng \/ Total\s+17\.520\s/);
    expect(year).toContain('Kỳ báo cáo / Period: Năm 2026 (01/01/2026 – 31/12/2026)');

    const empty = text('empty');
    expect(empty).toContain('Không có lịch phát nào trong kỳ này. / Nothing was scheduled in this period.');
    expect(empty).toMatch(/Kế hoạch \/ Scheduled\s+0\b/);
  });

  it("gives the relays' seconds aired and lost per device, with a total, only when the period has relays", () => {
    const all = text('relays');
    expect(all).toContain('Tiếp âm / Relays: seconds aired and lost per device');
    const lines = all.split('\n');
    const header = lines.find((l) => l.includes('Thiết bị · khu vực')) ?? '';
    const at = ['Thiết bị · khu vực', 'Lần tiếp âm', 'Giây đã phát', 'Giây bị mất', 'Tỉ lệ đã phát'].map((h) =>
      header.indexOf(h),
    );
    expect(
      at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!)),
      `the relay header in order: "${header}"`,
    ).toBe(true);
    const row = (label: string) => {
      const l = lines.find((x) => x.trimStart().startsWith(label));
      expect(l, `a relay row for ${label}`).toBeDefined();
      return numbers(l!.slice(l!.indexOf(label) + label.length));
    };
    // occurrences, seconds aired, seconds lost (decimal comma, thousands dots), share aired
    expect(row('Cụm loa Hạ Đình 01')).toEqual(['7', '12.600', '0', '100,0%']);
    expect(row('Cụm loa Hạ Đình 02')).toEqual(['7', '10.844,5', '1.755,5', '86,0%']);
    // the ward table's total row comes first; the relay total is the last "Tổng / Total"
    const totals = lines.filter((l) => l.trimStart().startsWith('Tổng / Total'));
    expect(numbers(totals.at(-1)!.slice(totals.at(-1)!.indexOf('Total') + 5))).toEqual([
      '14',
      '23.444,5',
      '1.755,5',
      '93,0%',
    ]);
    expect(text('month')).not.toContain('Tiếp âm');
    expect(all).not.toContain('Phát trực tiếp'); // relays are not live sessions
  });

  it("gives the live sessions' seconds aired and lost per device in a table of their own, not under relays", () => {
    const all = text('live');
    expect(all).toContain('Phát trực tiếp / Live sessions: seconds aired and lost per device');
    expect(all).not.toContain('Tiếp âm');
    const lines = all.split('\n');
    const header = lines.find((l) => l.includes('Thiết bị · khu vực')) ?? '';
    expect(header).toContain('Lần phát');
    const row = (label: string) => numbers(lines.find((x) => x.trimStart().startsWith(label))!.split(label)[1]!);
    // (shares are floored, never overstated: 94,2 of 95 s is 99,1 %)
    expect(row('Cụm loa Hạ Đình 01')).toEqual(['1', '94,2', '0,8', '99,1%']);
    expect(row('Cụm loa Hạ Đình 02')).toEqual(['1', '0', '95', '0,0%']);
    const totals = lines.filter((l) => l.trimStart().startsWith('Tổng / Total'));
    expect(numbers(totals.at(-1)!.slice(totals.at(-1)!.indexOf('Total') + 5))).toEqual(['2', '94,2', '95,8', '49,5%']);
  });

  it('lists the rejected claims apart, with what the device claimed and why the hub refused it', () => {
    const all = text('forged');
    expect(all).toMatch(/Báo cáo bị từ chối \(5\) \/ Rejected claims: signed but not counted/);
    expect(all).toMatch(/Không có trong kế hoạch \(unplanned\)/);
    expect(all).toMatch(/Báo trước giờ phát \(premature\)/);
    expect(all).toMatch(/1\.000\.000\.000 s/);
    expect(text('month')).toMatch(/Báo cáo bị từ chối \(0\)[\s\S]*Không có \/ None\./);
  });

  it('numbers every page and repeats the table header on each page the table continues to', () => {
    for (const name of ['month', 'year']) {
      const { pages, report } = docs[name];
      for (let p = 1; p <= pages; p++) {
        const t = text(name, p);
        expect(t, `${name} page ${p}`).toMatch(new RegExp(`Trang ${p}/${pages}\\s*$`, 'm'));
        if (p > 1)
          expect(
            t
              .split('\n')
              .find((l) => l.trim())!
              .trim(),
            `${name} page ${p} starts with the table header`,
          ).toMatch(/^Thời gian\s+Phường · thiết bị\s+Bản tin\s+Kết quả\s+Lý do$/);
      }
      const problems = report.rows.filter((r) => r.result !== 'played' && r.result !== 'pending').length;
      if (problems > PDF_MAX_ROWS) expect(text(name, pages)).toContain(`Chỉ in ${PDF_MAX_ROWS} dòng đầu`);
    }
  });

  it('renders every page with ink inside the A4 margins only, page 1 with the chart colours', () => {
    const margin = Math.floor((28 / 72) * DPI); // 1 cm; the PDF keeps 40 pt (14 mm) or more clear
    const pages = [
      ...render('month', 1, docs.month.pages),
      ...render('empty', 1, 1),
      ...render('year', 1, 2),
      ...render('year', docs.year.pages, docs.year.pages),
    ];
    expect(pages.length).toBe(docs.month.pages + 4);
    for (const { page, png } of pages) {
      expect([png.width, png.height]).toEqual([Math.ceil((595.28 / 72) * DPI), Math.ceil((841.89 / 72) * DPI)]);
      let ink = 0;
      const colours = new Set<number>();
      for (let y = 0; y < png.height; y++) {
        for (let x = 0; x < png.width; x++) {
          const i = 4 * (y * png.width + x);
          const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
          if (r > 240 && g > 240 && b > 240) continue;
          ink++;
          colours.add((r << 16) | (g << 8) | b);
          const inMargin = x < margin || x >= png.width - margin || y < margin || y >= png.height - margin;
          if (inMargin) throw new Error(`page ${page}: ink at (${x}, ${y}) in the margin`);
        }
      }
      expect(ink, `page ${page} has content`).toBeGreaterThan(3000);
      if (page === 1) expect(colours.size, `page ${page} distinct colours`).toBeGreaterThan(50);
    }
    // The month's page 1 shows the bars: the played green and the failed red are there.
    const month1 = pages[0].png;
    const has = (hex: number) => {
      for (let i = 0; i < month1.data.length; i += 4) {
        const d =
          Math.abs(month1.data[i] - (hex >> 16)) +
          Math.abs(month1.data[i + 1] - ((hex >> 8) & 255)) +
          Math.abs(month1.data[i + 2] - (hex & 255));
        if (d < 12) return true;
      }
      return false;
    };
    expect(has(0x2e7d32), 'played green').toBe(true);
    expect(has(0xc62828), 'failed red').toBe(true);
  });
});
