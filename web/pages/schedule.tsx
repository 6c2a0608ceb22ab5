// The schedule ("lịch phát thanh") of an area: the author's own broadcasts, the calendar (day, week,
// month) of every occurrence that reaches the area, and the form for a new broadcast.
import { useState } from 'preact/hooks';
import { useResource } from '../lib/hooks.ts';
import { pick, STATUS, tx } from '../lib/i18n.ts';
import { withinScope } from '../../protocol/area-scope.ts';
import { myAreas } from '../lib/session.ts';
import { takeDraftSeed, type DraftSeed } from '../lib/draft.ts';
import { Calendar } from '../components/calendar.tsx';
import { BroadcastForm } from '../components/broadcast-form-lazy.tsx';
import { BroadcastDetail } from '../components/broadcast-detail.tsx';
import { UpcomingAnniversaries } from '../components/upcoming-anniversaries.tsx';
import type { AppCtx } from '../app.tsx';
import type { QuietWindow } from '../../hub/api-contract/areas.ts';
import type { Broadcast } from '../../hub/api-contract/broadcasts.ts';
import type { UpcomingAnniversary } from '../../hub/api-contract/calendar.ts';
import type { ClashToDecide } from '../../hub/api-contract/schedule.ts';

export function SchedulePage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const choices = myAreas(me, areas);
  const [area, setArea] = useState(me.scope ?? choices[0]?.path ?? '');
  const [seed, setSeed] = useState<DraftSeed | null>(() => takeDraftSeed());
  const [showForm, setShowForm] = useState(!!seed || location.hash.includes('new'));
  const [saved, setSaved] = useState<(Broadcast & { decisionError: string }) | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const quiet = useResource<QuietWindow[]>('/api/v1/quiet-hours');
  const myQuiet = (quiet.data ?? []).filter((w) => withinScope(w.areaPath, area));
  // The form opens on the anniversary's day, its title the anniversary's name.
  const prepare = (a: UpcomingAnniversary) => {
    setSeed({ title: a.name, date: a.isoDate });
    setSaved(null);
    setShowForm(true);
    scrollTo({ top: 0, behavior: 'smooth' });
  };

  return (
    <div class="stack">
      {saved && (
        <div class="alert info" data-testid="saved">
          {saved.status === 'approved'
            ? tx(`Đã lưu «${saved.title}».`, `Saved «${saved.title}».`)
            : tx(
                `Đã gửi duyệt «${saved.title}». Lãnh đạo phường sẽ phê duyệt.`,
                `«${saved.title}» is submitted; a ward leader will approve it.`,
              )}
          {saved.decisionError && (
            <p class="error">
              {tx('Chưa ghi được quyết định khi trùng giờ', 'The clash decision was not recorded')}:{' '}
              {saved.decisionError}
            </p>
          )}
        </div>
      )}
      {showForm ? (
        <BroadcastForm
          key={seed ? `${seed.title}|${seed.date}` : ''}
          ctx={ctx}
          seed={seed}
          onSaved={(b) => {
            setSaved(b);
            setShowForm(false);
          }}
          onCancel={() => setShowForm(false)}
        />
      ) : (
        <button
          type="button"
          class="primary"
          data-testid="new-broadcast"
          onClick={() => {
            setSaved(null);
            setShowForm(true);
          }}
        >
          + {tx('Lịch phát thanh mới', 'New broadcast')}
        </button>
      )}
      {open && <BroadcastDetail ctx={ctx} id={open} onClose={() => setOpen(null)} />}
      <UpcomingAnniversaries onPrepare={prepare} />
      <MyBroadcasts
        me={me}
        onOpen={(id) => {
          setOpen(id);
          scrollTo({ top: 0, behavior: 'smooth' });
        }}
      />
      <section class="card">
        <div class="toolbar">
          <label class="inline">
            {tx('Khu vực', 'Area')}
            <select
              value={area}
              data-testid="cal-area"
              onChange={(e) => setArea((e.target as HTMLSelectElement).value)}
            >
              {choices.map((a) => (
                <option value={a.path}>{a.name}</option>
              ))}
            </select>
          </label>
        </div>
        <Calendar
          area={area}
          quiet={myQuiet}
          onPrepare={prepare}
          onOpen={(id) => {
            setOpen(id);
            scrollTo({ top: 0, behavior: 'smooth' });
          }}
        />
      </section>
    </div>
  );
}

/**
 * The author's own broadcasts still in play: waiting, rejected (to fix and resubmit), approved;
 * flagged when a higher level's bulletin now clashes with one and the official must decide.
 */
function MyBroadcasts({ me, onOpen }: { me: AppCtx['me']; onOpen: (id: string) => void }) {
  const list = useResource<Broadcast[]>('/api/v1/broadcasts', [], ['broadcast']);
  const mine = (list.data ?? [])
    .filter((b) => b.createdBy === me.id && b.status !== 'cancelled' && b.priority !== 'emergency')
    .slice(0, 8);
  const toDecide = new Set(
    (useResource<ClashToDecide[]>('/api/v1/clashes-to-decide', [], ['broadcast']).data ?? []).map((c) => c.broadcastId),
  );
  if (mine.length === 0) return null;
  return (
    <section class="card" data-testid="my-broadcasts">
      <h2>{tx('Bản tin của tôi', 'My broadcasts')}</h2>
      <ul class="plain">
        {mine.map((b) => (
          <li data-status={b.status}>
            <button type="button" class="link" onClick={() => onOpen(b.id)}>
              {b.title}
            </button>{' '}
            <span class={`badge s-${b.status}`}>{pick(STATUS, b.status)}</span>
            {toDecide.has(b.id) && (
              <span class="badge decision" data-testid="needs-decision">
                {tx('Cần quyết định: trùng giờ với cấp trên', 'Decide: clashes with a higher level')}
              </span>
            )}
            {b.status === 'rejected' && b.decisionNote && (
              <span class="muted small">
                {' '}
                — {tx('lý do', 'reason')}: {b.decisionNote}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
