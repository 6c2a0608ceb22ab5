// The friendly "when" form turned into what the API takes: startsAt ("now" or a Vietnam wall time)
// or an iCalendar DTSTART + RRULE text in Vietnam wall time (one RRULE per time of day, since a
// single rule with BYHOUR=6,17;BYMINUTE=0,30 would also give 06:30 and 17:00).

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type WhenForm =
  | { kind: 'now' }
  | { kind: 'once'; date: string; time: string }
  | { kind: 'daily'; times: string[]; from: string; until: string }
  | { kind: 'weekly'; weekdays: Weekday[]; times: string[]; from: string; until: string };

export type WhenResult = { ok: true; startsAt?: string; rrule?: string } | { ok: false; error: { vi: string; en: string } };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const fail = (vi: string, en: string): WhenResult => ({ ok: false, error: { vi, en } });
const compact = (date: string) => date.replace(/-/g, '');

/** "06:00, 17:30" or "6:00 17:30" → ["06:00", "17:30"], sorted, unique; null if one is bad. */
export function parseTimes(text: string): string[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out: string[] = [];
  for (const p of parts) {
    const m = /^(\d{1,2})[:hg.](\d{2})?$/.exec(p.trim());
    if (!m) return null;
    const t = `${m[1].padStart(2, '0')}:${m[2] ?? '00'}`;
    if (!TIME.test(t)) return null;
    if (!out.includes(t)) out.push(t);
  }
  return out.sort();
}

export function buildWhen(f: WhenForm): WhenResult {
  if (f.kind === 'now') return { ok: true, startsAt: 'now' };
  if (f.kind === 'once') {
    if (!DATE.test(f.date)) return fail('Chọn ngày phát.', 'Choose a date.');
    if (!TIME.test(f.time)) return fail('Giờ phát phải có dạng HH:MM.', 'The time must look like HH:MM.');
    return { ok: true, startsAt: `${f.date}T${f.time}` };
  }
  if (f.times.length === 0) return fail('Nhập ít nhất một giờ phát (HH:MM).', 'Give at least one time (HH:MM).');
  for (const t of f.times) if (!TIME.test(t)) return fail(`Giờ "${t}" không hợp lệ; dùng HH:MM.`, `"${t}" is not a time; use HH:MM.`);
  if (!DATE.test(f.from) || !DATE.test(f.until)) return fail('Chọn ngày bắt đầu và ngày kết thúc.', 'Choose the first and last day.');
  if (f.until < f.from) return fail('Ngày kết thúc phải sau ngày bắt đầu.', 'The last day must not be before the first.');
  const days = (Date.parse(f.until) - Date.parse(f.from)) / 86_400_000;
  if (days > 366) return fail('Lịch định kỳ dài tối đa một năm.', 'A recurring schedule lasts at most a year.');
  let byDay = '';
  if (f.kind === 'weekly') {
    if (f.weekdays.length === 0) return fail('Chọn ít nhất một thứ trong tuần.', 'Choose at least one weekday.');
    byDay = `;BYDAY=${WEEKDAYS.filter((d) => f.weekdays.includes(d)).join(',')}`;
  }
  const freq = f.kind === 'weekly' ? 'WEEKLY' : 'DAILY';
  const lines = [`DTSTART:${compact(f.from)}T000000`];
  for (const t of [...new Set(f.times)].sort()) {
    const [h, m] = t.split(':').map(Number);
    lines.push(`RRULE:FREQ=${freq};UNTIL=${compact(f.until)}T235959${byDay};BYHOUR=${h};BYMINUTE=${m};BYSECOND=0`);
  }
  return { ok: true, rrule: lines.join('\n') };
}

const VI_DAYS: Record<Weekday, string> = { MO: 'T2', TU: 'T3', WE: 'T4', TH: 'T5', FR: 'T6', SA: 'T7', SU: 'CN' };
const EN_DAYS: Record<Weekday, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' };
export const weekdayLabel = (d: Weekday, lang: 'vi' | 'en') => (lang === 'en' ? EN_DAYS : VI_DAYS)[d];

/** A short description of an rrule this form wrote (or a generic one for other rules). */
export function describeRrule(rrule: string, lang: 'vi' | 'en'): string {
  const start = /DTSTART[^:]*:(\d{4})(\d{2})(\d{2})/.exec(rrule);
  const rules = rrule.split('\n').filter((l) => l.startsWith('RRULE:'));
  const times = rules
    .map((r) => {
      const h = /BYHOUR=(\d+)/.exec(r)?.[1];
      const m = /BYMINUTE=(\d+)/.exec(r)?.[1] ?? '0';
      return h === undefined ? null : `${h.padStart(2, '0')}:${m.padStart(2, '0')}`;
    })
    .filter(Boolean);
  const until = /UNTIL=(\d{4})(\d{2})(\d{2})/.exec(rules[0] ?? '');
  const count = /COUNT=(\d+)/.exec(rules[0] ?? '')?.[1];
  const byday = /BYDAY=([A-Z,]+)/.exec(rules[0] ?? '')?.[1]?.split(',') as Weekday[] | undefined;
  const from = start ? `${start[3]}/${start[2]}/${start[1]}` : '';
  const to = until ? `${until[3]}/${until[2]}/${until[1]}` : '';
  const when = byday ? byday.map((d) => weekdayLabel(d, lang)).join(', ') : lang === 'en' ? 'daily' : 'hằng ngày';
  if (lang === 'en') return `${when} at ${times.join(', ')}${from ? ` from ${from}` : ''}${to ? ` to ${to}` : count ? `, ${count} times` : ''}`;
  return `${when} lúc ${times.join(', ')}${from ? ` từ ${from}` : ''}${to ? ` đến ${to}` : count ? `, ${count} lần` : ''}`;
}
