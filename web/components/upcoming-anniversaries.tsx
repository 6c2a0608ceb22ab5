// The anniversaries coming up (the district's calendar, GET /api/v1/anniversaries/upcoming), each with
// a prompt to prepare its bulletin: "Sắp tới: Giỗ Tổ Hùng Vương (10/3 âm lịch) — 26/04/2026 · Soạn bản tin".
// Dates are the hub's, in Vietnam, by its clock.
import { useResource } from '../lib/hooks.ts';
import { tx } from '../lib/i18n.ts';
import type { UpcomingAnniversary } from '../../hub/api-contract/calendar.ts';
import { UPCOMING_DAYS } from '../../hub/api-contract/calendar-window.ts';

const SHOWN = 5;

export const anniversaryDateLabel = (a: Pick<UpcomingAnniversary, 'calendar' | 'month' | 'day'>) =>
  a.calendar === 'lunar' ? tx(`${a.day}/${a.month} âm lịch`, `${a.day}/${a.month} lunar`) : `${a.day}/${a.month}`;

export function UpcomingAnniversaries({ onPrepare }: { onPrepare: (a: UpcomingAnniversary) => void }) {
  const list = useResource<UpcomingAnniversary[]>(`/api/v1/anniversaries/upcoming?days=${UPCOMING_DAYS}`);
  const coming = (list.data ?? []).slice(0, SHOWN);
  if (coming.length === 0) return null;
  return (
    <section class="card" data-testid="upcoming-anniversaries">
      <h2>{tx('Ngày lễ, kỷ niệm sắp tới', 'Coming anniversaries')}</h2>
      <ul class="plain">
        {coming.map((a) => (
          <li data-testid="anniversary" data-id={a.id}>
            {tx('Sắp tới', 'Coming')}: <strong>{tx(a.name, a.nameEn || a.name)}</strong> ({anniversaryDateLabel(a)}) —{' '}
            {a.date}
            {a.daysAway === 0 ? ` (${tx('hôm nay', 'today')})` : ''} ·{' '}
            <button type="button" class="link" data-testid="prepare-bulletin" onClick={() => onPrepare(a)}>
              {tx('Soạn bản tin', 'Prepare a bulletin')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
