// The periodic report as one CSV file (docs/periodic-report-formats.md, "CSV"): every section of the
// document in one flat table, so a spreadsheet or an importer reads it in one go. The first column
// names the section (totals, campaign, ward, device, failure, rejected, led, emergency); the columns
// are the union of the sections' fields, a section leaving empty what it does not have.
//
// lang 'vi' (the default) and 'en' are for people: headers, sections and kinds in words, dates
// dd/mm/yyyy (vi) or yyyy-mm-dd (en) in Vietnam time, a decimal comma in Vietnamese, coverage in
// per cent. lang 'codes' is for machines: the JSON field names and codes, the document's own times,
// plain numbers, coverage as the 0..1 share.
import type { PeriodicReportDocument, ReportOccurrences } from '../api-contract/periodic-reports.ts';
import { csvCell } from '../reports/coverage.ts';
import {
  DEVICE_KIND_WORDS,
  REJECTION_WORDS,
  REPORT_CSV_HEADER_WORDS,
  REPORT_KIND_WORDS,
  REPORT_SECTION_WORDS,
  RESULT_WORDS,
  type ReportLang,
  TARGET_PER_WORDS,
  wordOf,
} from '../text/index.ts';
import { checkedDocument, percentOf, periodDays, vnDate, vnParts } from './report-format.ts';

export type ReportCsvLang = ReportLang | 'codes';

export const REPORT_CSV_COLUMNS = [
  'section',
  'id',
  'name',
  'areaPath',
  'kind',
  'from',
  'to',
  'dueBy',
  'generatedAt',
  'bulletins',
  'devices',
  'scheduled',
  'played',
  'partial',
  'failed',
  'missed',
  'preempted',
  'skipped',
  'pending',
  'secondsAired',
  'hoursAired',
  'coverage',
  'target',
  'speakers',
  'speakersMet',
  'count',
  'rejectedClaims',
  'ledMessages',
  'text',
  'shown',
  'sentAt',
  'confirmed',
  'fullyConfirmedAt',
  'secondsToFullConfirmation',
  'medianSecondsToConfirmation',
] as const;
type Column = (typeof REPORT_CSV_COLUMNS)[number];
type Row = Partial<Record<Column, unknown>>;

/** Cells people read: words, Vietnam dates, a decimal comma in Vietnamese (a number's text, so quoted). */
function forPeople(row: Row, lang: ReportLang): Row {
  const out: Row = { ...row };
  const time = (v: unknown) => {
    if (typeof v !== 'string') return v;
    const p = vnParts(v);
    return lang === 'vi' ? `${p.date} ${p.time}` : `${p.iso.slice(0, 10)} ${p.time}`;
  };
  const decimal = (v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) && lang === 'vi' ? String(v).replace('.', ',') : v;
  out.section = wordOf(REPORT_SECTION_WORDS, row.section as string, lang);
  for (const k of ['generatedAt', 'sentAt', 'fullyConfirmedAt'] as const) out[k] = time(row[k]);
  for (const k of ['from', 'to', 'dueBy'] as const)
    if (typeof row[k] === 'string' && lang === 'vi') out[k] = vnDate(row[k] as string);
  if (typeof row.coverage === 'number') out.coverage = percentOf(row.coverage);
  for (const k of [
    'secondsAired',
    'hoursAired',
    'coverage',
    'secondsToFullConfirmation',
    'medianSecondsToConfirmation',
  ] as const)
    out[k] = decimal(out[k]);
  return out;
}

const occurrenceCells = (o: ReportOccurrences): Row => ({
  scheduled: o.scheduled,
  played: o.played,
  partial: o.partial,
  failed: o.failed,
  missed: o.missed,
  preempted: o.preempted,
  skipped: o.skipped,
  pending: o.pending,
  secondsAired: o.secondsAired,
  hoursAired: o.hoursAired,
  coverage: o.coverage,
});

/** The document's rows, section by section, in the document's order; words in `lang` where a row has them. */
function rows(doc: PeriodicReportDocument, lang: ReportCsvLang): Row[] {
  const words = (table: Parameters<typeof wordOf>[0], code: string) =>
    lang === 'codes' ? code : wordOf(table, code, lang);
  const days = periodDays(doc.from, doc.to);
  const out: Row[] = [
    {
      section: 'totals',
      id: doc.period,
      name: doc.area.name,
      areaPath: doc.area.path,
      kind: words(REPORT_KIND_WORDS, doc.kind),
      // People read the period's first and last day; an importer gets the instants (the end exclusive).
      from: lang === 'codes' ? doc.from : days.first,
      to: lang === 'codes' ? doc.to : days.last,
      dueBy: doc.dueBy,
      generatedAt: doc.generatedAt,
      bulletins: doc.totals.bulletins,
      devices: doc.totals.devices,
      ...occurrenceCells(doc.totals),
      rejectedClaims: doc.totals.rejectedClaims,
      ledMessages: doc.led.messages,
      shown: doc.led.shown,
    },
  ];
  for (const c of doc.byCampaign) {
    const per = c.target.per;
    out.push({
      section: 'campaign',
      id: c.campaignId,
      name: c.name,
      from: c.from,
      to: c.to,
      bulletins: c.bulletins,
      ...occurrenceCells(c),
      target:
        lang === 'codes'
          ? `${c.target.bulletins}/${per}`
          : `${c.target.bulletins} ${lang === 'vi' ? 'bản tin' : 'bulletins'}/${wordOf(TARGET_PER_WORDS, per, lang)}`,
      speakers: c.speakers,
      speakersMet: c.speakersMet,
    });
  }
  for (const w of doc.byWard)
    out.push({
      section: 'ward',
      id: w.areaPath,
      name: w.areaName,
      areaPath: w.areaPath,
      bulletins: w.bulletins,
      devices: w.devices,
      ...occurrenceCells(w),
    });
  for (const d of doc.byDevice)
    out.push({
      section: 'device',
      id: d.deviceId,
      name: d.deviceName,
      areaPath: d.areaPath,
      kind: words(DEVICE_KIND_WORDS, d.kind),
      ...occurrenceCells(d),
    });
  // Failure and rejection codes in the id column; their words (for people) in the name column; a
  // failure's result (failed, missed, …) in the kind column.
  for (const f of doc.failures)
    out.push({
      section: 'failure',
      id: f.reasonCode,
      name: lang === 'codes' ? '' : (f.reasonText?.[lang] ?? f.reasonCode),
      kind: words(RESULT_WORDS, f.result),
      count: f.count,
    });
  for (const [code, count] of Object.entries(doc.rejectedByReason))
    out.push({
      section: 'rejected',
      id: code,
      name: lang === 'codes' ? '' : wordOf(REJECTION_WORDS, code, lang),
      count,
    });
  for (const m of doc.led.byMessage)
    out.push({
      section: 'led',
      id: m.broadcastId,
      name: m.title,
      text: m.text,
      devices: m.boards,
      scheduled: m.scheduled,
      shown: m.shown,
    });
  for (const e of doc.emergencies)
    out.push({
      section: 'emergency',
      id: e.broadcastId,
      name: e.title,
      sentAt: e.sentAt,
      devices: e.devices,
      confirmed: e.confirmed,
      fullyConfirmedAt: e.fullyConfirmedAt,
      secondsToFullConfirmation: e.secondsToFullConfirmation,
      medianSecondsToConfirmation: e.medianSecondsToConfirmation,
    });
  return lang === 'codes' ? out : out.map((r) => forPeople(r, lang));
}

/**
 * The whole report as CSV text: a byte-order mark (so spreadsheet programs read Vietnamese as
 * UTF-8), the header, then one line per row, CRLF-terminated as RFC 4180 has it.
 */
export function reportCsv(doc: PeriodicReportDocument, lang: ReportCsvLang = 'vi'): string {
  const report = checkedDocument(doc);
  if (lang !== 'vi' && lang !== 'en' && lang !== 'codes')
    throw new Error(`CSV language "${lang}" is not vi, en or codes`);
  const header = REPORT_CSV_COLUMNS.map((c) => (lang === 'codes' ? c : csvCell(REPORT_CSV_HEADER_WORDS[c][lang])));
  const lines = [
    header.join(','),
    ...rows(report, lang).map((r) => REPORT_CSV_COLUMNS.map((c) => csvCell(r[c])).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
