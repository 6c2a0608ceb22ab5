// Reporting periods: Vietnamese calendar months, quarters and years (Asia/Ho_Chi_Minh, UTC+7 all
// year), written 2026-11, 2026-Q4 and 2026, and the day each report is due.
//
// The plans say "báo cáo … trước ngày 15": before the 15th of the month after the period, so the
// last day to send is the 14th (dueBy). A quarter is due by the 14th of the month after it; a year
// by 14 January of the next year (the plans ask the year report before 15 November, which needs a
// reporting year other than the calendar year: docs/periodic-reports.md says why we keep calendar years).
import { DAY_MS } from '../../protocol/index.ts';
import type { ReportKind } from '../api-contract/periodic-reports.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { VN_OFFSET_MS } from '../time.ts';

export interface Period {
  kind: ReportKind;
  /** as written: 2026-11, 2026-Q4, 2026 */
  period: string;
  /** first instant of the period in Vietnam */
  from: number;
  /** first instant after it (exclusive) */
  to: number;
  /** yyyy-mm-dd, the last day to send the report */
  dueBy: string;
}

/** The first instant of month `mo` (0-based, may overflow) of year `y` in Vietnam. */
const vnMonthStart = (y: number, mo: number) => Date.UTC(y, mo, 1) - VN_OFFSET_MS;
const ymd = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);

function build(kind: ReportKind, y: number, firstMonth: number, months: number): Period {
  const period =
    kind === 'month'
      ? `${y}-${String(firstMonth + 1).padStart(2, '0')}`
      : kind === 'quarter'
        ? `${y}-Q${firstMonth / 3 + 1}`
        : String(y);
  const from = vnMonthStart(y, firstMonth);
  const to = vnMonthStart(y, firstMonth + months);
  // `to` is the 1st of the following month in Vietnam; the 14th is 13 days later.
  return { kind, period, from, to, dueBy: ymd(to + 13 * DAY_MS) };
}

/**
 * Parses a period; with `kind`, it must be a period of that kind. Refuses anything else with a
 * LocalizedError naming the text (report.bad-period, periodic-report.kind-mismatch).
 */
export function parsePeriod(text: string, kind?: ReportKind): Period {
  const t = text.trim();
  let m: RegExpExecArray | null;
  let p: Period | null = null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(t)) && +m[2] >= 1 && +m[2] <= 12) p = build('month', +m[1], +m[2] - 1, 1);
  else if ((m = /^(\d{4})-Q([1-4])$/.exec(t))) p = build('quarter', +m[1], (+m[2] - 1) * 3, 3);
  else if ((m = /^(\d{4})$/.exec(t))) p = build('year', +m[1], 0, 12);
  if (!p || +t.slice(0, 4) < 2000) throw new LocalizedError(msg('report.bad-period', { period: text }));
  if (kind && p.kind !== kind) throw new LocalizedError(msg('periodic-report.kind-mismatch', { period: t, kind }));
  return p;
}

/** The period of `kind` that contains the instant `at` (Vietnam time). */
export function periodAt(kind: ReportKind, at: number): Period {
  const d = new Date(at + VN_OFFSET_MS);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth();
  if (kind === 'month') return build('month', y, mo, 1);
  if (kind === 'quarter') return build('quarter', y, mo - (mo % 3), 3);
  return build('year', y, 0, 12);
}

/** The period of the same kind just before `p`. */
export const previousPeriod = (p: Period): Period => periodAt(p.kind, p.from - 1);
/** The period of the same kind just after `p`. */
export const nextPeriod = (p: Period): Period => periodAt(p.kind, p.to);

/** The Vietnamese calendar date (yyyy-mm-dd) of an instant. */
export const vnDate = ymd;

/** Whole days from the Vietnamese date of `now` to `dueBy` (yyyy-mm-dd): 0 on the day, negative after. */
export function daysUntil(dueBy: string, now: number): number {
  const [y, m, d] = dueBy.split('-').map(Number);
  const today = ymd(now);
  const [ty, tm, td] = today.split('-').map(Number);
  return Math.round((Date.UTC(y, m - 1, d) - Date.UTC(ty, tm - 1, td)) / DAY_MS);
}
