// The periodic report's CSV: one flat table of every section, read by people (Vietnamese by
// default, English) and by importers (codes), with the spreadsheet's needs met (BOM, quoting, numbers).
import { describe, expect, it } from 'vitest';
import { REPORT_CSV_COLUMNS, reportCsv } from './report-csv.ts';
import { samplePeriodicReport } from '../../test/helpers/periodic-report-sample.ts';
import type { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';

/** RFC 4180 as a spreadsheet reads it: quoted cells may hold commas, quotes ("") and line breaks. */
function parse(csv: string): string[][] {
  expect(csv.startsWith('\uFEFF'), 'starts with a byte-order mark').toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const text = csv.slice(1);
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) cell += c;
    else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(row.length === 0 && cell === '', 'the last line ends with CRLF').toBe(true);
  return rows;
}

/** The rows as records by column code, with the header row. */
function records(csv: string) {
  const [header, ...rows] = parse(csv);
  for (const r of rows) expect(r.length, `a line of ${r.length} cells: ${r.join('|')}`).toBe(header.length);
  return {
    header,
    rows: rows.map((r) => Object.fromEntries(REPORT_CSV_COLUMNS.map((c, i) => [c, r[i]])) as Record<string, string>),
  };
}

const sample = samplePeriodicReport();

describe('periodic report CSV', () => {
  it('has one line per row of every section, in the order of the document, with the same columns each', () => {
    for (const lang of ['vi', 'en', 'codes'] as const) {
      const { rows } = records(reportCsv(sample, lang));
      const expected = [
        1,
        sample.byCampaign.length,
        sample.byWard.length,
        sample.byDevice.length,
        sample.failures.length,
        Object.keys(sample.rejectedByReason).length,
        sample.led.byMessage.length,
        sample.emergencies.length,
      ];
      const sections = rows.map((r) => r.section);
      const runs = sections.filter((s, i) => s !== sections[i - 1]);
      expect(runs.length, lang).toBe(8);
      expect(
        runs.map((s) => sections.filter((x) => x === s).length),
        lang,
      ).toEqual(expected);
    }
    const codes = records(reportCsv(sample, 'codes')).rows.map((r) => r.section);
    expect([...new Set(codes)]).toEqual([
      'totals',
      'campaign',
      'ward',
      'device',
      'failure',
      'rejected',
      'led',
      'emergency',
    ]);
  });

  it('heads the columns in Vietnamese by default, in English on request, with the field codes for machines', () => {
    expect(reportCsv(sample)).toBe(reportCsv(sample, 'vi'));
    const vi = records(reportCsv(sample, 'vi'));
    expect(vi.header.slice(0, 4)).toEqual(['Mục', 'Mã', 'Tên', 'Mã khu vực']);
    expect(vi.header).toContain('Tỉ lệ phủ (%)');
    expect(vi.rows[0].section).toBe('Tổng hợp');
    expect(vi.rows.find((r) => r.id === 'tx-ha-dinh-led-01')?.kind).toBe('Bảng LED');
    const en = records(reportCsv(sample, 'en'));
    expect(en.header.slice(0, 4)).toEqual(['Section', 'Code', 'Name', 'Area code']);
    expect(en.rows[0].section).toBe('Totals');
    expect(en.rows.find((r) => r.id === 'tx-ha-dinh-led-01')?.kind).toBe('LED board');
    expect(records(reportCsv(sample, 'codes')).header).toEqual([...REPORT_CSV_COLUMNS]);
  });

  it('writes numbers the reader’s way: a decimal comma in Vietnamese, a point in English, the JSON values as codes', () => {
    const [vi, en, codes] = (['vi', 'en', 'codes'] as const).map((l) => records(reportCsv(sample, l)).rows[0]);
    const t = sample.totals;
    expect(t.hoursAired).toBe(52.35);
    expect([vi.hoursAired, en.hoursAired, codes.hoursAired]).toEqual(['52,35', '52.35', '52.35']);
    // Coverage in per cent for people (never rounded up), the 0..1 share for machines.
    expect([vi.coverage, en.coverage]).toEqual(['97,2', '97.2']);
    expect(Number(codes.coverage)).toBe(t.coverage);
    // Counts are plain integers in every language.
    for (const r of [vi, en, codes]) expect([r.scheduled, r.played, r.failed]).toEqual(['840', '815', '11']);
    // The raw line quotes a decimal comma (it would split the cell) and nothing else numeric.
    const line = reportCsv(sample, 'vi').split('\r\n')[1];
    expect(line).toContain(',"52,35","97,2",');
    expect(line).toContain(',840,815,2,11,');
  });

  it('writes days and times in Vietnam time: dd/mm/yyyy (vi), yyyy-mm-dd (en), the document’s own as codes', () => {
    const [vi, en, codes] = (['vi', 'en', 'codes'] as const).map((l) => records(reportCsv(sample, l)).rows);
    // The period's first and last day for people; the instants (end exclusive) for machines.
    expect([vi[0].from, vi[0].to, vi[0].dueBy, vi[0].generatedAt]).toEqual([
      '01/11/2026',
      '30/11/2026',
      '14/12/2026',
      '01/12/2026 00:05:12',
    ]);
    expect([en[0].from, en[0].to, en[0].generatedAt]).toEqual(['2026-11-01', '2026-11-30', '2026-12-01 00:05:12']);
    expect([codes[0].from, codes[0].to, codes[0].generatedAt]).toEqual([sample.from, sample.to, sample.generatedAt]);
    const emergency = (rows: Array<Record<string, string>>) => rows.find((r) => r.id === 'b-2026-11-0063')!;
    expect([emergency(vi).sentAt, emergency(vi).fullyConfirmedAt]).toEqual([
      '18/11/2026 14:42:05',
      '18/11/2026 14:44:20',
    ]);
    expect(emergency(codes).sentAt).toBe('2026-11-18T07:42:05.000Z');
    expect(emergency(vi).secondsToFullConfirmation).toBe('135');
  });

  it('gives failures and rejections their code and, for people, their words', () => {
    const vi = records(reportCsv(sample, 'vi')).rows.filter((r) => r.section === 'Lý do không phát đủ');
    expect(vi[0]).toMatchObject({ id: 'amplifier-fault', count: '9' });
    expect(vi[0].name).toMatch(/^Âm ly báo lỗi/);
    const en = records(reportCsv(sample, 'en')).rows.find((r) => r.id === 'unplanned');
    expect(en).toMatchObject({ section: 'Rejected claims', name: 'Not planned', count: '3' });
    const codes = records(reportCsv(sample, 'codes')).rows.find((r) => r.id === 'unplanned');
    expect(codes).toMatchObject({ section: 'rejected', name: '', count: '3' });
    const target = records(reportCsv(sample, 'en')).rows.find((r) => r.id === '12')!;
    expect([target.target, target.speakers, target.speakersMet]).toEqual(['3 bulletins/week', '8', '7']);
    expect(records(reportCsv(sample, 'codes')).rows.find((r) => r.id === '15')!.target).toBe('10/period');
  });

  it('quotes commas, quotes and line breaks, and defuses text a spreadsheet would run as a formula', () => {
    const doc: PeriodicReportDocument = structuredClone(sample);
    doc.byCampaign[0].name = 'Tuyên truyền "Ngày hội Đại đoàn kết", khu dân cư';
    doc.byCampaign[1].name = '=HYPERLINK("http://x")';
    doc.led.byMessage[0].text = 'Dòng một\nDòng hai';
    const csv = reportCsv(doc, 'vi');
    expect(csv).toContain(',"Tuyên truyền ""Ngày hội Đại đoàn kết"", khu dân cư",');
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"")",`);
    const rows = records(csv).rows;
    expect(rows.find((r) => r.id === '12')!.name).toBe('Tuyên truyền "Ngày hội Đại đoàn kết", khu dân cư');
    expect(rows.find((r) => r.id === '14')!.name).toBe(`'=HYPERLINK("http://x")`);
    expect(rows.find((r) => r.id === 'b-2026-11-0041')!.text).toBe('Dòng một\nDòng hai');
    expect(rows.find((r) => r.id === 'b-2026-11-0041')!.text).not.toContain('\r');
  });

  it('leaves empty what a report does not have: no campaign, nothing due, an emergency never fully confirmed', () => {
    const doc: PeriodicReportDocument = structuredClone(sample);
    doc.byCampaign = [];
    doc.totals = { ...doc.totals, coverage: null };
    doc.emergencies[0] = { ...doc.emergencies[0], fullyConfirmedAt: null, secondsToFullConfirmation: null };
    const { rows } = records(reportCsv(doc, 'vi'));
    expect(rows.some((r) => r.section === 'Chuyên đề')).toBe(false);
    expect(rows[0].coverage).toBe('');
    const e = rows.find((r) => r.section === 'Khẩn cấp')!;
    expect([e.fullyConfirmedAt, e.secondsToFullConfirmation, e.medianSecondsToConfirmation]).toEqual(['', '', '41']);
  });

  it('refuses what is not a report document, naming the field, and a language it does not write', () => {
    const { totals: _, ...noTotals } = sample;
    expect(() => reportCsv(noTotals as PeriodicReportDocument, 'vi')).toThrow(/not a periodic report document: totals/);
    expect(() => reportCsv({ ...sample, kind: 'week' } as never, 'vi')).toThrow(/: kind:/);
    expect(() => reportCsv(sample, 'fr' as never)).toThrow('CSV language "fr" is not vi, en or codes');
  });
});
