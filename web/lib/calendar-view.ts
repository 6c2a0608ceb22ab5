// The calendar's day, week and month views: what range each shows, how the arrows move it, and
// how it is titled — all in Vietnam time whatever the browser's zone.
import type { Lang } from './i18n.ts';
import { DAY_MS, vnDate, vnInstant, vnParts, weekStart } from './time.ts';

export type CalendarView = 'day' | 'week' | 'month';

export const WEEKDAYS_VI = ['Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy', 'Chủ Nhật'];
export const WEEKDAYS_VI_SHORT = ['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN'];
export const WEEKDAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const WEEKDAYS_EN_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "Thứ Hai" (0 = Monday). */
export const weekdayName = (weekday: number, lang: Lang, short = false) =>
  (lang === 'en' ? (short ? WEEKDAYS_EN_SHORT : WEEKDAYS_EN) : short ? WEEKDAYS_VI_SHORT : WEEKDAYS_VI)[weekday];

const pad = (n: number) => String(n).padStart(2, '0');
/** Vietnam midnight of the day containing `ms`. */
export const dayStart = (ms: number) => vnInstant(vnDate(ms));
/** Vietnam midnight of the first of the month containing `ms`. */
export const monthStart = (ms: number) => {
  const p = vnParts(ms);
  return vnInstant(`${p.y}-${pad(p.mo)}-01`);
};

/** The days the view shows (Vietnam midnights): one, seven, or the whole weeks covering the month. */
export function viewDays(view: CalendarView, anchor: number): number[] {
  if (view === 'day') return [dayStart(anchor)];
  if (view === 'week') return Array.from({ length: 7 }, (_, i) => weekStart(anchor) + i * DAY_MS);
  const first = monthStart(anchor);
  const next = shift('month', first, 1);
  const days: number[] = [];
  for (let d = weekStart(first); d < next || days.length % 7 !== 0; d += DAY_MS) days.push(d);
  return days;
}

/** The anchor moved one view back (-1) or forward (+1). */
export function shift(view: CalendarView, anchor: number, dir: -1 | 1): number {
  if (view === 'day') return dayStart(anchor) + dir * DAY_MS;
  if (view === 'week') return weekStart(anchor) + dir * 7 * DAY_MS;
  const p = vnParts(anchor);
  const m = p.mo - 1 + dir;
  const y = p.y + Math.floor(m / 12);
  return vnInstant(`${y}-${pad((((m % 12) + 12) % 12) + 1)}-01`);
}

/** "Thứ Hai, 30/11/2026" · "30/11 – 06/12/2026" · "Tháng 11/2026" (English: "Monday 30 Nov 2026" …). */
export function viewTitle(view: CalendarView, anchor: number, lang: Lang): string {
  const days = viewDays(view, anchor);
  const p = vnParts(days[0]);
  const dm = (q: { d: number; mo: number }) => `${pad(q.d)}/${pad(q.mo)}`;
  if (view === 'day')
    return lang === 'en'
      ? `${weekdayName(p.weekday, lang)} ${p.d} ${MONTHS_EN[p.mo - 1].slice(0, 3)} ${p.y}`
      : `${weekdayName(p.weekday, lang)}, ${dm(p)}/${p.y}`;
  if (view === 'week') {
    const e = vnParts(days[6]);
    return lang === 'en'
      ? `${p.d} ${MONTHS_EN[p.mo - 1].slice(0, 3)} – ${e.d} ${MONTHS_EN[e.mo - 1].slice(0, 3)} ${e.y}`
      : `${dm(p)} – ${dm(e)}/${e.y}`;
  }
  const a = vnParts(anchor);
  return lang === 'en' ? `${MONTHS_EN[a.mo - 1]} ${a.y}` : `Tháng ${a.mo}/${a.y}`;
}

/** What the arrows say for a screen reader (and the tests): "Tuần trước", "Tháng sau", … */
export function stepLabel(view: CalendarView, dir: -1 | 1, lang: Lang): string {
  const vi = { day: 'Ngày', week: 'Tuần', month: 'Tháng' }[view];
  const en = { day: 'day', week: 'week', month: 'month' }[view];
  return lang === 'en' ? `${dir < 0 ? 'Previous' : 'Next'} ${en}` : `${vi} ${dir < 0 ? 'trước' : 'sau'}`;
}
