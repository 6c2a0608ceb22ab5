// "Hằng năm theo âm lịch": a bulletin every year on a lunar date (Giỗ Tổ on 10/3, Vu Lan on 15/7),
// and the civil dates it falls on. The hub reckons those (GET /api/v1/anniversaries/lunar-dates): the
// lunar calendar's astronomy is a package the browser does not load. This part loads when chosen.
import { useResource } from '../../lib/hooks.ts';
import { tx } from '../../lib/i18n.ts';
import { buildWhen, type LunarWhen } from '../../lib/rrule-form.ts';
import { vnDate } from '../../lib/time.ts';
import type { LunarDates } from '../../../hub/api-contract/calendar.ts';
import { TimeInput } from '../vn-inputs.tsx';

export function LunarFields({ lunar, onChange }: { lunar: LunarWhen; onChange: (l: LunarWhen) => void }) {
  const set = (k: keyof LunarWhen) => (e: Event) => onChange({ ...lunar, [k]: +(e.target as HTMLInputElement).value });
  const q = `month=${lunar.month}&day=${lunar.day}&fromYear=${lunar.fromYear}&untilYear=${lunar.untilYear}`;
  const dates = useResource<LunarDates>(
    buildWhen({ kind: 'lunar', lunar }).ok ? `/api/v1/anniversaries/lunar-dates?${q}` : null,
  );
  const today = vnDate(Date.now());
  return (
    <div data-testid="lunar-fields">
      <div class="row">
        <label class="inline">
          {tx('Ngày âm lịch', 'Lunar day')}
          <input type="number" name="lunar-day" min={1} max={30} value={lunar.day} onInput={set('day')} />
        </label>
        <label class="inline">
          {tx('Tháng âm lịch', 'Lunar month')}
          <select name="lunar-month" value={lunar.month} onChange={set('month')}>
            {Array.from({ length: 12 }, (_, i) => (
              <option value={i + 1}>{i + 1}</option>
            ))}
          </select>
        </label>
        <label class="inline">
          {tx('Giờ (24 giờ)', 'Time (24-hour)')}
          <TimeInput name="lunar-time" value={lunar.time} onChange={(time) => onChange({ ...lunar, time })} />
        </label>
      </div>
      <div class="row">
        <label class="inline">
          {tx('Từ năm âm lịch', 'From lunar year')}
          <input
            type="number"
            name="lunar-from"
            min={1968}
            max={2100}
            value={lunar.fromYear}
            onInput={set('fromYear')}
          />
        </label>
        <label class="inline">
          {tx('Đến năm', 'Until year')}
          <input
            type="number"
            name="lunar-until"
            min={1968}
            max={2100}
            value={lunar.untilYear}
            onInput={set('untilYear')}
          />
        </label>
      </div>
      <p class="muted small">
        {tx(
          'Phát vào tháng thường, không phát lại trong tháng nhuận; ngày 30 của tháng thiếu (29 ngày) phát vào ngày 29.',
          'Airs in the regular month, not again in its leap repeat; a 30th in a 29-day month airs on the 29th.',
        )}
      </p>
      {dates.error && <p class="error">{dates.error}</p>}
      {dates.data && (
        <p data-testid="lunar-dates">
          {tx('Rơi vào các ngày (dương lịch)', 'Falls on (solar dates)')}:{' '}
          {dates.data.dates.map((d, i) => (
            <span data-testid="lunar-date" data-past={d.isoDate < today ? 'yes' : undefined}>
              {i ? ', ' : ''}
              {d.isoDate < today ? <s>{d.date}</s> : d.date}
              {d.shifted ? tx(' (ngày 29)', ' (the 29th)') : ''}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
