// The friendly "when" form turned into what the API takes: startsAt ("now" or a Vietnam wall time)
// or an iCalendar DTSTART + RRULE text in Vietnam wall time (one RRULE per time of day, since a
// single rule with BYHOUR=6,17;BYMINUTE=0,30 would also give 06:30 and 17:00).

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export type WhenForm =
  | { kind: 'now' }
  /** One day, at one or more times (several times are one daily rule from that day to that day). */
  | { kind: 'once'; date: string; times: string[] }
  | { kind: 'daily'; times: string[]; from: string; until: string }
  | { kind: 'weekly'; weekdays: Weekday[]; times: string[]; from: string; until: string }
  /** Every year on a lunar date: the API's `lunar` (the hub writes its dates; docs/calendar.md). */
  | { kind: 'lunar'; lunar: LunarWhen }
  /** A rule this form did not write (made through the API): kept as its iCalendar text. */
  | { kind: 'custom'; rrule: string };

/** As the API takes it: lunar month 1–12 (never its leap repeat), day 1–30, HH:MM, lunar years. */
export interface LunarWhen {
  month: number;
  day: number;
  time: string;
  fromYear: number;
  untilYear: number;
}

export type WhenResult =
  | { ok: true; startsAt?: string; rrule?: string; lunar?: LunarWhen }
  | { ok: false; error: { vi: string; en: string } };

/** The hub's limits (hub/schedule/lunar-recurrence.ts): lunar years it reckons, and at most 20 of them. */
const LUNAR_FIRST = 1968;
const LUNAR_LAST = 2100;
const LUNAR_MAX_YEARS = 20;
const LUNAR_LINE = /^X-WARDCAST-LUNAR:MONTH=(\d+);DAY=(\d+);TIME=(\d{2})(\d{2});FROM=(\d+);UNTIL=(\d+)$/m;

function lunarProblem(l: LunarWhen): WhenResult | null {
  if (!Number.isInteger(l.month) || l.month < 1 || l.month > 12)
    return fail('Chọn tháng âm lịch từ 1 đến 12.', 'Choose a lunar month from 1 to 12.');
  if (!Number.isInteger(l.day) || l.day < 1 || l.day > 30)
    return fail('Ngày âm lịch phải từ 1 đến 30.', 'The lunar day must be 1 to 30.');
  if (!TIME.test(l.time))
    return fail('Giờ phát phải có dạng HH:MM (24 giờ).', 'The time must look like HH:MM (24-hour).');
  if (
    !Number.isInteger(l.fromYear) ||
    !Number.isInteger(l.untilYear) ||
    l.fromYear < LUNAR_FIRST ||
    l.untilYear > LUNAR_LAST ||
    l.untilYear < l.fromYear ||
    l.untilYear - l.fromYear >= LUNAR_MAX_YEARS
  )
    return fail(
      `Chọn năm đầu và năm cuối trong khoảng ${LUNAR_FIRST}–${LUNAR_LAST}, tối đa ${LUNAR_MAX_YEARS} năm.`,
      `Choose a first and last year within ${LUNAR_FIRST}–${LUNAR_LAST}, at most ${LUNAR_MAX_YEARS} years.`,
    );
  return null;
}

/** "06:30 ngày 10/3 âm lịch hằng năm, 2027–2031". */
export const describeLunar = (l: LunarWhen, lang: 'vi' | 'en') =>
  lang === 'en'
    ? `yearly at ${l.time} on ${l.day}/${l.month} lunar, ${l.fromYear}–${l.untilYear}`
    : `hằng năm lúc ${l.time} ngày ${l.day}/${l.month} âm lịch, ${l.fromYear}–${l.untilYear}`;

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
  if (f.kind === 'lunar') return lunarProblem(f.lunar) ?? { ok: true, lunar: f.lunar };
  if (f.kind === 'custom')
    return /^DTSTART/m.test(f.rrule) && /^RRULE:/m.test(f.rrule)
      ? { ok: true, rrule: f.rrule.trim() }
      : fail('Lịch lặp cần dòng DTSTART và RRULE.', 'A recurring rule needs a DTSTART and an RRULE line.');
  if (f.kind === 'once') {
    if (!DATE.test(f.date)) return fail('Chọn ngày phát (dd/mm/yyyy).', 'Choose a date (dd/mm/yyyy).');
    if (f.times.length === 0) return fail('Nhập ít nhất một giờ phát (HH:MM).', 'Give at least one time (HH:MM).');
    for (const t of f.times)
      if (!TIME.test(t))
        return fail('Giờ phát phải có dạng HH:MM (24 giờ).', 'The time must look like HH:MM (24-hour).');
    const times = [...new Set(f.times)].sort();
    if (times.length === 1) return { ok: true, startsAt: `${f.date}T${times[0]}` };
    return buildWhen({ kind: 'daily', times, from: f.date, until: f.date });
  }
  if (f.times.length === 0) return fail('Nhập ít nhất một giờ phát (HH:MM).', 'Give at least one time (HH:MM).');
  for (const t of f.times)
    if (!TIME.test(t)) return fail(`Giờ "${t}" không hợp lệ; dùng HH:MM.`, `"${t}" is not a time; use HH:MM.`);
  if (!DATE.test(f.from) || !DATE.test(f.until))
    return fail('Chọn ngày bắt đầu và ngày kết thúc.', 'Choose the first and last day.');
  if (f.until < f.from)
    return fail('Ngày kết thúc phải sau ngày bắt đầu.', 'The last day must not be before the first.');
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

const ymd = (s: string) => `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;

/** The form that wrote a stored broadcast's timing, for editing it: the inverse of buildWhen. */
export function parseWhen(b: { startsAt: string | null; rrule: string | null }): WhenForm {
  if (!b.rrule) {
    // Stored start times come back as "2026-11-27T17:30:00+07:00" (Vietnam time).
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(b.startsAt ?? '');
    return m ? { kind: 'once', date: m[1], times: [m[2]] } : { kind: 'now' };
  }
  // A lunar recurrence is edited as its rule; the hub writes its dates again.
  const l = LUNAR_LINE.exec(b.rrule);
  if (l) {
    const [month, day, hh, mm, fromYear, untilYear] = l.slice(1);
    return {
      kind: 'lunar',
      lunar: { month: +month, day: +day, time: `${hh}:${mm}`, fromYear: +fromYear, untilYear: +untilYear },
    };
  }
  const lines = b.rrule.trim().split(/\r?\n/);
  const start = /^DTSTART:(\d{8})T000000$/.exec(lines[0]);
  const rules = lines
    .slice(1)
    .map((l) =>
      /^RRULE:FREQ=(DAILY|WEEKLY);UNTIL=(\d{8})T235959(?:;BYDAY=([A-Z,]+))?;BYHOUR=(\d{1,2});BYMINUTE=(\d{1,2});BYSECOND=0$/.exec(
        l,
      ),
    );
  const first = rules[0];
  const same = first && rules.every((r) => r && r[1] === first[1] && r[2] === first[2] && r[3] === first[3]);
  if (!start || !same || (first[1] === 'WEEKLY') !== !!first[3]) return { kind: 'custom', rrule: b.rrule };
  const times = rules.map((r) => `${r![4].padStart(2, '0')}:${r![5].padStart(2, '0')}`);
  const common = { times, from: ymd(start[1]), until: ymd(first[2]) };
  // Several times on one day: the form wrote it as "once" (a daily rule from that day to that day).
  if (first[1] === 'DAILY' && common.from === common.until) return { kind: 'once', date: common.from, times };
  if (first[1] === 'DAILY') return { kind: 'daily', ...common };
  const weekdays = first[3]!.split(',') as Weekday[];
  return weekdays.every((d) => (WEEKDAYS as readonly string[]).includes(d))
    ? { kind: 'weekly', weekdays, ...common }
    : { kind: 'custom', rrule: b.rrule };
}

const VI_DAYS: Record<Weekday, string> = { MO: 'T2', TU: 'T3', WE: 'T4', TH: 'T5', FR: 'T6', SA: 'T7', SU: 'CN' };
const EN_DAYS: Record<Weekday, string> = {
  MO: 'Mon',
  TU: 'Tue',
  WE: 'Wed',
  TH: 'Thu',
  FR: 'Fri',
  SA: 'Sat',
  SU: 'Sun',
};
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
  // A daily rule that ends on the day it starts is one day at several times.
  if (from && from === to && !byday && rules.every((r) => r.includes('FREQ=DAILY')))
    return lang === 'en' ? `on ${from} at ${times.join(', ')}` : `ngày ${from} lúc ${times.join(', ')}`;
  const when = byday ? byday.map((d) => weekdayLabel(d, lang)).join(', ') : lang === 'en' ? 'daily' : 'hằng ngày';
  if (lang === 'en')
    return `${when} at ${times.join(', ')}${from ? ` from ${from}` : ''}${to ? ` to ${to}` : count ? `, ${count} times` : ''}`;
  return `${when} lúc ${times.join(', ')}${from ? ` từ ${from}` : ''}${to ? ` đến ${to}` : count ? `, ${count} lần` : ''}`;
}
