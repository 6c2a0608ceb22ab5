// Times in the UI are Asia/Ho_Chi_Minh whatever the browser's zone: Vietnam has one offset all
// year (UTC+7), so wall-clock arithmetic is a fixed shift.
export const VN_OFFSET_MS = 7 * 3600_000;
export const DAY_MS = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** Wall-clock fields of an instant in Vietnam. */
export function vnParts(ms: number) {
  const d = new Date(ms + VN_OFFSET_MS);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), weekday: (d.getUTCDay() + 6) % 7 /* 0 = Monday */ };
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
export function fmtDateTime(v: string | number | null | undefined, lang: 'vi' | 'en' = 'vi', withSeconds = false): string {
  if (v === null || v === undefined || v === '') return '—';
  const ms = typeof v === 'number' ? v : Date.parse(v);
  if (Number.isNaN(ms)) return String(v);
  const p = vnParts(ms);
  const t = `${pad(p.h)}:${pad(p.mi)}${withSeconds ? `:${pad(p.s)}` : ''}`;
  if (lang === 'en') return `${p.d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][p.mo - 1]} ${p.y}, ${t}`;
  return `${pad(p.d)}/${pad(p.mo)}/${p.y} ${t}`;
}

/** "24/11/2026" (vi) or "24 Nov 2026" (en), in Vietnam. */
export const fmtDate = (ms: number, lang: 'vi' | 'en' = 'vi') => fmtDateTime(ms, lang).replace(/,? \d{2}:\d{2}$/, '');

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}:${pad(s % 60)}` : `${(ms / 1000).toFixed(1)} s`;
}

/** "3 phút trước" / "3 min ago". */
export function fmtAgo(v: string | null | undefined, now: number, lang: 'vi' | 'en' = 'vi'): string {
  if (!v) return lang === 'en' ? 'never' : 'chưa bao giờ';
  const s = Math.max(0, Math.round((now - Date.parse(v)) / 1000));
  const [n, vi, en] = s < 60 ? [s, 'giây', 's'] : s < 3600 ? [Math.floor(s / 60), 'phút', 'min'] : s < 86400 ? [Math.floor(s / 3600), 'giờ', 'h'] : [Math.floor(s / 86400), 'ngày', 'd'];
  return lang === 'en' ? `${n} ${en} ago` : `${n} ${vi} trước`;
}
