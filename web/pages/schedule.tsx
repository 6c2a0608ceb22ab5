// The week calendar of an area: every occurrence of the broadcasts that reach it (one-off and
// recurring, approved and waiting), quiet hours shaded, and the form for a new broadcast.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useResource } from '../lib/hooks.ts';
import { lang, pick, PRIORITY, STATUS, tx } from '../lib/i18n.ts';
import { DAY_MS, fmtDate, vnDate, vnMinuteOfDay, vnParts, vnTime, weekStart } from '../lib/time.ts';
import { inScope, myAreas } from '../lib/session.ts';
import { takeDraftSeed } from '../lib/draft.ts';
import { placeOverlapping } from '../lib/calendar-layout.ts';
import { BroadcastForm } from '../components/broadcast-form.tsx';
import { BroadcastDetail } from '../components/broadcast-detail.tsx';
import type { AppCtx } from '../app.tsx';

const HOUR_PX = 36;
const DAYS_VI = ['Thứ 2', 'Thứ 3', 'Thứ 4', 'Thứ 5', 'Thứ 6', 'Thứ 7', 'Chủ nhật'];
const DAYS_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function SchedulePage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const choices = myAreas(me, areas);
  const [area, setArea] = useState(me.scope ?? choices[0]?.path ?? '');
  const [week, setWeek] = useState(weekStart(Date.now()));
  const [seed] = useState(() => takeDraftSeed());
  const [showForm, setShowForm] = useState(!!seed || location.hash.includes('new'));
  const [saved, setSaved] = useState<any>(null);
  const [open, setOpen] = useState<string | null>(null);
  const from = `${vnDate(week)}T00:00`;
  const to = `${vnDate(week + 7 * DAY_MS)}T00:00`;
  const occ = useResource<any[]>(`/api/v1/schedule?area=${encodeURIComponent(area)}&from=${from}&to=${to}`, [], ['broadcast']);
  const quiet = useResource<any[]>('/api/v1/quiet-hours');
  const myQuiet = (quiet.data ?? []).filter((w) => inScope(w.areaPath, area));

  const byDay = useMemo(() => {
    const days: any[][] = [[], [], [], [], [], [], []];
    for (const o of occ.data ?? []) {
      const s = Date.parse(o.start);
      const i = Math.floor((s - week) / DAY_MS);
      if (i >= 0 && i < 7) days[i].push(o);
    }
    return days;
  }, [occ.data, week]);

  useEffect(() => {
    const el = document.querySelector('.cal-scroll');
    if (el) el.scrollTop = 5 * HOUR_PX;
  }, []);

  const now = Date.now();
  return (
    <div class="stack">
      {saved && (
        <div class="alert info" data-testid="saved">
          {saved.status === 'approved'
            ? tx(`Đã lưu «${saved.title}».`, `Saved «${saved.title}».`)
            : tx(`Đã gửi duyệt «${saved.title}». Lãnh đạo phường sẽ phê duyệt.`, `«${saved.title}» is submitted; a ward leader will approve it.`)}
          {saved.decisionError && (
            <p class="error">
              {tx('Chưa ghi được quyết định khi trùng giờ', 'The clash decision was not recorded')}: {saved.decisionError}
            </p>
          )}
        </div>
      )}
      {showForm ? (
        <BroadcastForm
          ctx={ctx}
          seed={seed}
          onSaved={(b) => {
            setSaved(b);
            setShowForm(false);
            occ.reload();
          }}
          onCancel={() => setShowForm(false)}
        />
      ) : (
        <button class="primary" data-testid="new-broadcast" onClick={() => (setSaved(null), setShowForm(true))}>
          + {tx('Lịch phát thanh mới', 'New broadcast')}
        </button>
      )}
      {open && <BroadcastDetail ctx={ctx} id={open} onClose={() => (setOpen(null), occ.reload())} />}
      <MyBroadcasts me={me} onOpen={(id) => (setOpen(id), scrollTo({ top: 0, behavior: 'smooth' }))} />
      <section class="card">
        <div class="toolbar">
          <label class="inline">
            {tx('Khu vực', 'Area')}
            <select value={area} data-testid="cal-area" onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
              {choices.map((a) => (
                <option value={a.path}>{a.name}</option>
              ))}
            </select>
          </label>
          <div class="row">
            <button onClick={() => setWeek(week - 7 * DAY_MS)} aria-label={tx('Tuần trước', 'Previous week')}>
              ‹
            </button>
            <button onClick={() => setWeek(weekStart(Date.now()))}>{tx('Tuần này', 'This week')}</button>
            <button onClick={() => setWeek(week + 7 * DAY_MS)} aria-label={tx('Tuần sau', 'Next week')}>
              ›
            </button>
          </div>
          <strong>
            {fmtDate(week, lang())} – {fmtDate(week + 6 * DAY_MS, lang())}
          </strong>
        </div>
        {myQuiet.length > 0 && (
          <p class="muted small">
            {tx('Giờ yên tĩnh', 'Quiet hours')}: {myQuiet.map((w) => `${w.start}–${w.end} (${w.areaName})`).join(', ')}
          </p>
        )}
        <div class="cal-scroll">
          <div class="calendar" data-testid="calendar">
            <div class="cal-hours">
              <div class="cal-dayhead" />
              {Array.from({ length: 24 }, (_, h) => (
                <div class="cal-hour" style={{ height: HOUR_PX }}>
                  {String(h).padStart(2, '0')}:00
                </div>
              ))}
            </div>
            {byDay.map((items, i) => {
              const dayMs = week + i * DAY_MS;
              const isToday = vnDate(dayMs) === vnDate(now);
              return (
                <div class={`cal-day ${isToday ? 'today' : ''}`} data-day={vnDate(dayMs)}>
                  <div class="cal-dayhead">
                    {(lang() === 'en' ? DAYS_EN : DAYS_VI)[i]} {vnParts(dayMs).d}/{vnParts(dayMs).mo}
                  </div>
                  <div class="cal-body" style={{ height: 24 * HOUR_PX }}>
                    {myQuiet.flatMap((w) => quietBlocks(w.start, w.end)).map(([a, b]) => (
                      <div class="cal-quiet" style={{ top: (a / 60) * HOUR_PX, height: ((b - a) / 60) * HOUR_PX }} title={tx('Giờ yên tĩnh', 'Quiet hours')} />
                    ))}
                    {isToday && <div class="cal-now" style={{ top: (vnMinuteOfDay(now) / 60) * HOUR_PX }} />}
                    {placeOverlapping(
                      items.map((o) => {
                        const top = (vnMinuteOfDay(Date.parse(o.start)) / 60) * HOUR_PX;
                        // An item is drawn at least 16 px high; it overlaps what those pixels cover.
                        return { ...o, start: top, end: top + Math.max(16, (o.durationMs / 3600_000) * HOUR_PX), startIso: o.start };
                      }),
                    ).map((o) => {
                      const s = Date.parse(o.startIso);
                      const top = o.start;
                      const h = Math.max(14, (o.durationMs / 3600_000) * HOUR_PX);
                      return (
                        <div
                          class={`cal-item p-${o.priority} s-${o.status}${o.leftOffDevices?.length ? ' left-off' : ''}`}
                          style={{ top, minHeight: h, left: `calc(${(100 * o.col) / o.cols}% + 2px)`, width: `calc(${100 / o.cols}% - 4px)`, right: 'auto' }}
                          data-testid="cal-item"
                          data-title={o.title}
                          role="button"
                          tabIndex={0}
                          onClick={() => (setOpen(o.broadcastId), scrollTo({ top: 0, behavior: 'smooth' }))}
                          onKeyDown={(e) => e.key === 'Enter' && setOpen(o.broadcastId)}
                          title={`${o.title}\n${vnTime(s)} · ${pick(PRIORITY, o.priority)} · ${pick(STATUS, o.status)}${o.recurring ? ` · ${tx('định kỳ', 'recurring')}` : ''}${
                            o.leftOffDevices?.length ? `\n${tx(`Không phát trên ${o.leftOffDevices.length} thiết bị (quyết định khi trùng giờ)`, `Left off ${o.leftOffDevices.length} device(s) by a clash decision`)}` : ''
                          }`}
                        >
                          <span class="t">{vnTime(s)}</span> {o.leftOffDevices?.length ? '⊘ ' : ''}
                          {o.title}
                        </div>
                      );
                    })}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
        <p class="legend small">
          <span class="cal-item p-normal">{pick(PRIORITY, 'normal')}</span>
          <span class="cal-item p-priority">{pick(PRIORITY, 'priority')}</span>
          <span class="cal-item p-emergency">{pick(PRIORITY, 'emergency')}</span>
          <span class="cal-item p-normal s-submitted">{pick(STATUS, 'submitted')}</span>
        </p>
      </section>
    </div>
  );
}

/**
 * The author's own broadcasts still in play: waiting, rejected (to fix and resubmit), approved;
 * flagged when a higher level's bulletin now clashes with one and the official must decide.
 */
function MyBroadcasts({ me, onOpen }: { me: AppCtx['me']; onOpen: (id: string) => void }) {
  const list = useResource<any[]>('/api/v1/broadcasts', [], ['broadcast']);
  const mine = (list.data ?? []).filter((b) => b.createdBy === me.id && b.status !== 'cancelled' && b.priority !== 'emergency').slice(0, 8);
  const toDecide = new Set((useResource<any[]>('/api/v1/clashes-to-decide', [], ['broadcast']).data ?? []).map((c) => c.broadcastId));
  if (mine.length === 0) return null;
  return (
    <section class="card" data-testid="my-broadcasts">
      <h2>{tx('Bản tin của tôi', 'My broadcasts')}</h2>
      <ul class="plain">
        {mine.map((b) => (
          <li data-status={b.status}>
            <button class="link" onClick={() => onOpen(b.id)}>
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

/** Minute ranges within a day covered by a quiet window (two when it wraps past midnight). */
function quietBlocks(start: string, end: string): Array<[number, number]> {
  const m = (t: string) => +t.slice(0, 2) * 60 + +t.slice(3, 5);
  const a = m(start);
  const b = m(end);
  return a < b ? [[a, b]] : [
      [0, b],
      [a, 1440],
    ];
}
