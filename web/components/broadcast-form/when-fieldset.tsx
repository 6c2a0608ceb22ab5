// "When" in the form: the kind of schedule, its days and times, what it comes to in words, and
// the iCalendar rule for whoever supports the system. Yearly on a lunar date loads its part when chosen.
import { lang, tx } from '../../lib/i18n.ts';
import { describeLunar, describeRrule, WEEKDAYS, weekdayLabel } from '../../lib/rrule-form.ts';
import { showDateInput } from '../../lib/time.ts';
import { DateInput, TimeInput } from '../vn-inputs.tsx';
import type { WhenState } from './use-when.ts';
import { LunarFields } from './lunar-fields.tsx';

export function WhenFieldset({ state }: { state: WhenState }) {
  const { when } = state;
  const { kind, date, onceTimes, timesText, from, until, weekdays, customRule, lunar } = state.fields;
  const { setKind, setDate, setOnceTimes, setTimesText, setFrom, setUntil, setWeekdays, setCustomRule, setLunar } =
    state.set;
  return (
    <fieldset>
      <legend>{tx('Thời gian phát', 'When')}</legend>
      <div class="seg">
        {(
          [
            ['now', 'Phát ngay', 'Now'],
            ['once', 'Một lần', 'Once'],
            ['daily', 'Hằng ngày', 'Daily'],
            ['weekly', 'Hằng tuần', 'Weekly'],
            ['lunar', 'Hằng năm theo âm lịch', 'Yearly, lunar date'],
            ...(kind === 'custom' ? ([['custom', 'Quy tắc riêng', 'Custom rule']] as const) : []),
          ] as const
        ).map(([k, vi, en]) => (
          <label class={`seg-item ${kind === k ? 'on' : ''}`}>
            <input type="radio" name="when" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {tx(vi, en)}
          </label>
        ))}
      </div>
      {kind === 'once' && (
        <div class="row once-times">
          <label class="inline">
            {tx('Ngày (dd/mm/yyyy)', 'Date (dd/mm/yyyy)')}
            <DateInput name="date" value={date} onChange={setDate} />
          </label>
          {onceTimes.map((t, i) => (
            <span class="once-time" data-testid="once-time">
              <label class="inline">
                {onceTimes.length > 1
                  ? tx(`Giờ ${i + 1} (24 giờ)`, `Time ${i + 1} (24-hour)`)
                  : tx('Giờ (24 giờ)', 'Time (24-hour)')}
                <TimeInput
                  name="time"
                  value={t}
                  onChange={(v) => setOnceTimes(onceTimes.map((x, j) => (j === i ? v : x)))}
                />
              </label>
              {onceTimes.length > 1 && (
                <button
                  type="button"
                  class="link small"
                  data-testid="remove-time"
                  onClick={() => setOnceTimes(onceTimes.filter((_, j) => j !== i))}
                  aria-label={tx(`Bỏ giờ ${i + 1}`, `Remove time ${i + 1}`)}
                >
                  {tx('Bỏ', 'Remove')}
                </button>
              )}
            </span>
          ))}
          {onceTimes.length < 12 && (
            <button type="button" class="small" data-testid="add-time" onClick={() => setOnceTimes([...onceTimes, ''])}>
              + {tx('Thêm giờ trong ngày', 'Add a time that day')}
            </button>
          )}
        </div>
      )}
      {kind === 'lunar' && <LunarFields lunar={lunar} onChange={setLunar} />}
      {kind === 'custom' && (
        <label>
          {tx('Quy tắc lặp (iCalendar, giờ Việt Nam)', 'Recurrence (iCalendar, Vietnam time)')}
          <textarea
            name="rrule"
            rows={3}
            value={customRule}
            onInput={(e) => setCustomRule((e.target as HTMLTextAreaElement).value)}
          />
        </label>
      )}
      {(kind === 'daily' || kind === 'weekly') && (
        <>
          {kind === 'weekly' && (
            <div class="row weekdays">
              {WEEKDAYS.map((d) => (
                <label class="check">
                  <input
                    type="checkbox"
                    name="weekday"
                    value={d}
                    checked={weekdays.includes(d)}
                    onChange={(e) =>
                      setWeekdays(
                        (e.target as HTMLInputElement).checked ? [...weekdays, d] : weekdays.filter((x) => x !== d),
                      )
                    }
                  />
                  {weekdayLabel(d, lang())}
                </label>
              ))}
            </div>
          )}
          <label>
            {tx('Các giờ phát (HH:MM, cách nhau bởi dấu phẩy)', 'Times (HH:MM, comma separated)')}
            <input name="times" value={timesText} onInput={(e) => setTimesText((e.target as HTMLInputElement).value)} />
          </label>
          <div class="row">
            <label class="inline">
              {tx('Từ ngày (dd/mm/yyyy)', 'From (dd/mm/yyyy)')}
              <DateInput name="from" value={from} onChange={setFrom} />
            </label>
            <label class="inline">
              {tx('Đến ngày (dd/mm/yyyy)', 'Until (dd/mm/yyyy)')}
              <DateInput name="until" value={until} onChange={setUntil} />
            </label>
          </div>
        </>
      )}
      {!when.ok && <p class="error">{tx(when.error.vi, when.error.en)}</p>}
      {when.ok && kind !== 'now' && (
        <p class="when-summary" data-testid="when-summary">
          {tx('Phát', 'Plays')}{' '}
          {when.lunar
            ? describeLunar(when.lunar, lang())
            : when.rrule
              ? describeRrule(when.rrule, lang())
              : onceText(when.startsAt!)}
        </p>
      )}
      {/* The iCalendar text is for whoever supports the system, not something an official needs to read. */}
      {when.ok && when.rrule && kind !== 'custom' && (
        <details class="tech">
          <summary class="muted small">{tx('Chi tiết kỹ thuật', 'Technical details')}</summary>
          <pre class="rrule" data-testid="rrule">
            {when.rrule}
          </pre>
        </details>
      )}
    </fieldset>
  );
}

/** "2026-12-01T17:30" (Vietnam wall time, as the form sends it) → "ngày 01/12/2026 lúc 17:30". */
const onceText = (startsAt: string) => {
  const [d, t] = startsAt.split('T');
  return tx(`ngày ${showDateInput(d)} lúc ${t}`, `on ${showDateInput(d)} at ${t}`);
};
