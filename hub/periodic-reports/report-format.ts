// How the periodic report's exports (PDF and CSV) write times, periods and durations: Vietnam time
// (UTC+7 all year), dd/mm/yyyy and 24-hour for people; and the check that what they are given is a
// report document at all.
import { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';
import { formatVn, parseVnDateTime } from '../time.ts';

/** The document, or an error naming the first field that is wrong (an export never prints half a report). */
export function checkedDocument(doc: unknown): PeriodicReportDocument {
  const r = PeriodicReportDocument.safeParse(doc);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new Error(`not a periodic report document: ${i.path.join('.') || '(the document)'}: ${i.message}`);
}

/** An ISO instant as Vietnam wall time: { date: "30/11/2026", time: "23:59:05", iso: "2026-11-30T23:59:05" }. */
export function vnParts(iso: string): { date: string; time: string; iso: string } {
  const local = (formatVn(parseVnDateTime(iso)) as string).slice(0, 19);
  const [y, m, d] = local.slice(0, 10).split('-');
  return { date: `${d}/${m}/${y}`, time: local.slice(11), iso: local };
}

/** "30/11/2026 23:59" (seconds left out: people read minutes). */
export const vnDateTime = (iso: string) => {
  const p = vnParts(iso);
  return `${p.date} ${p.time.slice(0, 5)}`;
};

/** "2026-12-14" → "14/12/2026". */
export const vnDate = (ymd: string) => ymd.split('-').reverse().join('/');

/** The period's first and last day in Vietnam: `to` is the first instant after it. */
export function periodDays(from: string, to: string): { first: string; last: string } {
  const last = formatVn(parseVnDateTime(to) - 1) as string;
  return { first: vnParts(from).iso.slice(0, 10), last: last.slice(0, 10) };
}

const ROMAN = ['I', 'II', 'III', 'IV'];
const MONTHS_EN = 'January February March April May June July August September October November December'.split(' ');

/** The report's title: "THÁNG 11/2026", "QUÝ IV/2026", "NĂM 2026"; and in English. */
export function periodTitle(kind: string, period: string): { vi: string; en: string } {
  let m: RegExpExecArray | null;
  if (kind === 'month' && (m = /^(\d{4})-(\d{2})$/.exec(period)))
    return { vi: `THÁNG ${m[2]}/${m[1]}`, en: `Monthly report, ${MONTHS_EN[Number(m[2]) - 1]} ${m[1]}` };
  if (kind === 'quarter' && (m = /^(\d{4})-Q([1-4])$/.exec(period)))
    return { vi: `QUÝ ${ROMAN[Number(m[2]) - 1]}/${m[1]}`, en: `Quarterly report, Q${m[2]} ${m[1]}` };
  if (kind === 'year' && /^\d{4}$/.test(period)) return { vi: `NĂM ${period}`, en: `Yearly report, ${period}` };
  throw new Error(`period "${period}" is not a ${kind} (2026-11, 2026-Q4 or 2026)`);
}

/** A duration the way people say it: "45 giây", "2 phút 15 giây", "1 giờ 0 phút 5 giây". */
export function durationVi(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? `${h} giờ` : '', h || m ? `${m} phút` : '', `${s % 60} giây`];
  return parts.filter(Boolean).join(' ');
}

/** A 0..1 share as a percentage with one decimal, never rounded up (99,96 % is not 100 %). */
export const percentOf = (share: number) => Math.floor(share * 1000 + 1e-9) / 10;
