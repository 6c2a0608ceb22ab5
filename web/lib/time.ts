// Times in the UI are Asia/Ho_Chi_Minh whatever the browser's zone: Vietnam has one offset all
// year (UTC+7), so wall-clock arithmetic is a fixed shift.
import { DAY_MS } from '../../protocol/time-units.ts';

export { DAY_MS };
export const VN_OFFSET_MS = 7 * 3600_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** Wall-clock fields of an instant in Vietnam. */
export function vnParts(ms: number) {
  const d = new Date(ms + VN_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    weekday: (d.getUTCDay() + 6) % 7 /* 0 = Monday */,
  };
}

/** "2026-11-24" for an instant, in Vietnam. */
export const vnDate = (ms: number) => {
  const p = vnParts(ms);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}`;
};
export const vnTime = (ms: number) => {
  const p = vnParts(ms);
  return `${pad(p.h)}:${pad(p.mi)}`;
};

/** Instant of a Vietnam wall time given as "2026-11-24" and "06:00". */
export function vnInstant(date: string, time = '00:00'): number {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return Date.UTC(y, mo - 1, d, h, mi) - VN_OFFSET_MS;
}

/** Monday 00:00 (Vietnam) of the week containing `ms`. */
export function weekStart(ms: number): number {
  const p = vnParts(ms);
  return vnInstant(`${p.y}-${pad(p.mo)}-${pad(p.d)}`) - p.weekday * DAY_MS;
}

/** Minutes after Vietnam midnight. */
export const vnMinuteOfDay = (ms: number) => {
  const p = vnParts(ms);
  return p.h * 60 + p.mi;
};

/** "24/11/2026 06:00" (vi) or "24 Nov 2026, 06:00" (en), always in Vietnam time. */
export function fmtDateTime(
  v: string | number | null | undefined,
  lang: 'vi' | 'en' = 'vi',
  withSeconds = false,
): string {
  if (v === null || v === undefined || v === '') return '—';
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (Number.isNaN(ms)) return String(v);
  const p = vnParts(ms);
  const t = `${pad(p.h)}:${pad(p.mi)}${withSeconds ? `:${pad(p.s)}` : ''}`;
  if (lang === 'en')
    return `${p.d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][p.mo - 1]} ${p.y}, ${t}`;
  return `${pad(p.d)}/${pad(p.mo)}/${p.y} ${t}`;
}

/** "24/11/2026" (vi) or "24 Nov 2026" (en), in Vietnam. */
export const fmtDate = (ms: number, lang: 'vi' | 'en' = 'vi') => fmtDateTime(ms, lang).replace(/,? \d{2}:\d{2}$/, '');

/** "3 phút trước" / "3 min ago". */
export function fmtAgo(v: string | null | undefined, now: number, lang: 'vi' | 'en' = 'vi'): string {
  if (!v) return lang === 'en' ? 'never' : 'chưa bao giờ';
  const s = Math.max(0, Math.round((now - Date.parse(v)) / 1000));
  const [n, vi, en] =
    s < 60
      ? [s, 'giây', 's']
      : s < 3600
        ? [Math.floor(s / 60), 'phút', 'min']
        : s < 86400
          ? [Math.floor(s / 3600), 'giờ', 'h']
          : [Math.floor(s / 86400), 'ngày', 'd'];
  return lang === 'en' ? `${n} ${en} ago` : `${n} ${vi} trước`;
}

// ---- typed dates and times (Vietnamese conventions whatever the browser's locale) ----

/**
 * A date as typed in a form, "dd/mm/yyyy" (also d/m/yyyy, with "-" or "." between, or an ISO
 * "yyyy-mm-dd" pasted in) → "yyyy-mm-dd", or null when it is not a real calendar day.
 */
export function parseDateInput(text: string): string | null {
  const s = text.trim();
  let y: number, mo: number, d: number;
  let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (m) [d, mo, y] = [+m[1], +m[2], +m[3]];
  else if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) [y, mo, d] = [+m[1], +m[2], +m[3]];
  else return null;
  if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1) return null;
  if (d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return null; // 31/11, 29/02 in a common year
  return `${y}-${pad(mo)}-${pad(d)}`;
}

/** "2026-12-01" → "01/12/2026" ('' for anything else). */
export const showDateInput = (iso: string) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
};

/** A time as typed, 24-hour: "17:30", "5:30", "17h30", "17h", "1730" → "17:30"; null otherwise (AM/PM included). */
export function parseTimeInput(text: string): string | null {
  const s = text.trim().toLowerCase();
  const m = /^(\d{1,2})(?:[:hg.](\d{2})?)?$/.exec(s) ?? /^(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const h = +m[1];
  const mi = m[2] === undefined ? 0 : +m[2];
  if (h > 23 || mi > 59) return null;
  return `${pad(h)}:${pad(mi)}`;
}

export const DATE_INPUT_ERROR = {
  vi: 'Ngày phải có dạng ngày/tháng/năm, ví dụ 01/12/2026.',
  en: 'Write the date as day/month/year, e.g. 01/12/2026.',
};
export const TIME_INPUT_ERROR = {
  vi: 'Giờ phải có dạng giờ:phút theo 24 giờ, ví dụ 17:30.',
  en: 'Write the time as hours:minutes, 24-hour, e.g. 17:30.',
};
