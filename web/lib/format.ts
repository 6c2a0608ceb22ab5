// Numbers as the reader writes them: Vietnamese "1.234,5" (thousands dot, decimal comma), English
// "1,234.5". Done by hand rather than with Intl so the result never depends on the browser's locale.
import { lang as currentLang, type Lang } from './i18n.ts';

/** `v` with `decimals` digits after the separator (rounded half away from zero), grouped by thousands. */
export function fmtNumber(v: number | null | undefined, decimals = 0, lang: Lang = currentLang()): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const [dot, comma] = lang === 'en' ? ['.', ','] : [',', '.'];
  const factor = 10 ** decimals;
  const rounded = Math.round(Math.abs(v) * factor) / factor;
  const [int, frac = ''] = rounded.toFixed(decimals).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, comma);
  const sign = v < 0 && rounded !== 0 ? '-' : '';
  return sign + grouped + (decimals > 0 ? dot + frac : '');
}

/** "33,6 giây" / "33.6 s": seconds with one decimal under a minute's worth of precision. */
export const fmtSeconds = (s: number | null | undefined, decimals = 1, lang: Lang = currentLang()) =>
  s === null || s === undefined ? '—' : `${fmtNumber(s, decimals, lang)} ${lang === 'en' ? 's' : 'giây'}`;

/** "75%" or, with decimals, "75,0%". */
export const fmtPercent = (part: number, whole: number, decimals = 0, lang: Lang = currentLang()) =>
  whole > 0 ? `${fmtNumber((100 * part) / whole, decimals, lang)}%` : '—';

/** A duration in ms: "4,2 giây" under a minute, "1:05" (minutes:seconds) from a minute on. */
export function fmtDuration(ms: number | null | undefined, lang: Lang = currentLang()): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : fmtSeconds(ms / 1000, 1, lang);
}
