// "When" as the official fills it in (now, once on a day at one or more times, daily, weekly, yearly
// on a lunar date, or a custom iCalendar rule), turned into startsAt, an rrule or the API's `lunar`
// by lib/rrule-form.ts.
import { useMemo, useState } from 'preact/hooks';
import { buildWhen, parseTimes, parseWhen, type LunarWhen, type Weekday, type WhenForm } from '../../lib/rrule-form.ts';
import { DAY_MS, vnDate } from '../../lib/time.ts';

/** `seedDate` (yyyy-mm-dd): the day a new broadcast starts on (a coming anniversary's), else today. */
export function useWhen(editing: { startsAt: string | null; rrule: string | null } | undefined, seedDate?: string) {
  const today = vnDate(Date.now());
  const initial = editing ? parseWhen(editing) : null;
  // The fields of whichever kind the edited rule is; undefined where that kind has none.
  const w0: { kind?: string; date?: string; from?: string; until?: string; weekdays?: Weekday[]; rrule?: string } =
    initial ?? {};
  const [kind, setKind] = useState<WhenForm['kind']>(initial?.kind ?? 'once');
  const [date, setDate] = useState<string>(w0?.date ?? seedDate ?? today);
  // "Once": one day at one or more times (a morning and an evening bulletin on the same day).
  const [onceTimes, setOnceTimes] = useState<string[]>(initial?.kind === 'once' ? initial.times : ['17:30']);
  const [timesText, setTimesText] = useState<string>(
    initial?.kind === 'daily' || initial?.kind === 'weekly' ? initial.times.join(', ') : '06:00, 17:30',
  );
  const [from, setFrom] = useState<string>(w0?.from ?? today);
  const [until, setUntil] = useState<string>(w0?.until ?? vnDate(Date.now() + 6 * DAY_MS));
  const [weekdays, setWeekdays] = useState<Weekday[]>(w0?.weekdays ?? ['MO', 'WE', 'FR']);
  const [customRule, setCustomRule] = useState<string>(w0?.rrule ?? '');
  // Yearly on a lunar date: Giỗ Tổ's 10/3 at 06:30 for five lunar years from this one, until chosen.
  const year = +today.slice(0, 4);
  const [lunar, setLunar] = useState<LunarWhen>(
    initial?.kind === 'lunar'
      ? initial.lunar
      : { month: 3, day: 10, time: '06:30', fromYear: year, untilYear: year + 4 },
  );

  const when = useMemo(() => {
    const times = parseTimes(timesText);
    const f: WhenForm =
      kind === 'now'
        ? { kind }
        : kind === 'custom'
          ? { kind, rrule: customRule }
          : kind === 'lunar'
            ? { kind, lunar }
            : kind === 'once'
              ? { kind, date, times: onceTimes }
              : kind === 'daily'
                ? { kind, times: times ?? ['x'], from, until }
                : { kind, weekdays, times: times ?? ['x'], from, until };
    return buildWhen(f);
  }, [kind, date, onceTimes.join(), timesText, from, until, weekdays.join(), customRule, JSON.stringify(lunar)]);

  return {
    when,
    fields: { kind, date, onceTimes, timesText, from, until, weekdays, customRule, lunar },
    set: { setKind, setDate, setOnceTimes, setTimesText, setFrom, setUntil, setWeekdays, setCustomRule, setLunar },
  };
}

export type WhenState = ReturnType<typeof useWhen>;
