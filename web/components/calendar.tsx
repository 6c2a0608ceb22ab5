// The area's calendar in three views: a day (a list, the phone's default), a week (hours down, days
// across) and a month. Every occurrence of the broadcasts that reach the area, quiet hours shaded,
// times in Vietnam. Items never shrink to "06:00 T…": a crowded hour stacks them at full width.
// Days that carry an anniversary (solar or lunar, GET /api/v1/anniversaries/between) show its name;
// clicking it offers to prepare its bulletin.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useResource } from '../lib/hooks.ts';
import { lang, pick, PRIORITY, STATUS, tx } from '../lib/i18n.ts';
import { DAY_MS, vnDate, vnMinuteOfDay, vnParts, vnTime } from '../lib/time.ts';
import { stackItems } from '../lib/calendar-layout.ts';
import { relayHost, relaySummary } from '../lib/relay-text.ts';
import { shift, stepLabel, viewDays, viewTitle, weekdayName, type CalendarView } from '../lib/calendar-view.ts';
import type { QuietWindow as QuietHours } from '../../hub/api-contract/areas.ts';
import type { Occurrence } from '../../hub/api-contract/schedule.ts';
import type { UpcomingAnniversary } from '../../hub/api-contract/calendar.ts';
import { anniversaryDateLabel } from './upcoming-anniversaries.tsx';
import type { ComponentChildren } from 'preact';

const HOUR_PX = 36;
const LINE_PX = 20;
const PHONE = '(max-width: 640px)';
const MONTH_CELL_ITEMS = 3;

/** What the calendar shades: the start, end and area of quiet hours (GET /api/v1/quiet-hours). */
export type QuietWindow = Pick<QuietHours, 'start' | 'end' | 'areaName'>;

type Marks = Map<string, UpcomingAnniversary[]>;
type OnPick = (a: UpcomingAnniversary) => void;

export function Calendar({
  area,
  quiet,
  onOpen,
  onPrepare,
}: {
  area: string;
  quiet: QuietWindow[];
  onOpen: (broadcastId: string) => void;
  onPrepare: (a: UpcomingAnniversary) => void;
}) {
  const phone = typeof matchMedia === 'function' && matchMedia(PHONE).matches;
  const [view, setView] = useState<CalendarView>(phone ? 'day' : 'week');
  const [anchor, setAnchor] = useState(Date.now());
  const days = viewDays(view, anchor);
  const from = `${vnDate(days[0])}T00:00`;
  const to = `${vnDate(days[days.length - 1] + DAY_MS)}T00:00`;
  const occ = useResource<Occurrence[]>(
    `/api/v1/schedule?area=${encodeURIComponent(area)}&from=${from}&to=${to}`,
    [],
    ['broadcast'],
  );
  const ann = useResource<UpcomingAnniversary[]>(
    `/api/v1/anniversaries/between?from=${vnDate(days[0])}&to=${vnDate(days[days.length - 1])}`,
  );
  const marks = useMemo(() => {
    const m: Marks = new Map();
    for (const a of ann.data ?? []) m.set(a.isoDate, [...(m.get(a.isoDate) ?? []), a]);
    return m;
  }, [ann.data]);
  const [chosen, setChosen] = useState<UpcomingAnniversary | null>(null);
  const byDay = useMemo(() => {
    const m = new Map<string, Occurrence[]>(days.map((d) => [vnDate(d), []]));
    for (const o of occ.data ?? []) m.get(vnDate(Date.parse(o.start)))?.push(o);
    for (const list of m.values()) list.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    return m;
  }, [occ.data, from]);
  const openDay = (d: number) => {
    setAnchor(d);
    setView('day');
  };

  useEffect(() => {
    const el = document.querySelector('.cal-scroll');
    if (el && view === 'week') el.scrollTop = 5 * HOUR_PX;
  }, [view]);

  return (
    <div class="calendar-wrap" data-view={view}>
      <div class="toolbar cal-toolbar">
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, not form fields; a fieldset would bring its border, padding and min-width into the toolbar */}
        <div class="seg" role="group" aria-label={tx('Kiểu xem', 'View')}>
          {(['day', 'week', 'month'] as const).map((v) => (
            <button
              type="button"
              class={`seg-item ${view === v ? 'on' : ''}`}
              aria-pressed={view === v}
              data-testid={`cal-view-${v}`}
              onClick={() => setView(v)}
            >
              {{ day: tx('Ngày', 'Day'), week: tx('Tuần', 'Week'), month: tx('Tháng', 'Month') }[v]}
            </button>
          ))}
        </div>
        <div class="row">
          <button
            type="button"
            onClick={() => setAnchor(shift(view, anchor, -1))}
            aria-label={stepLabel(view, -1, lang())}
            data-testid="cal-prev"
          >
            ‹
          </button>
          <button type="button" onClick={() => setAnchor(Date.now())} data-testid="cal-today">
            {tx('Hôm nay', 'Today')}
          </button>
          <button
            type="button"
            onClick={() => setAnchor(shift(view, anchor, 1))}
            aria-label={stepLabel(view, 1, lang())}
            data-testid="cal-next"
          >
            ›
          </button>
        </div>
        <strong data-testid="cal-title">{viewTitle(view, anchor, lang())}</strong>
      </div>
      {occ.error && <p class="error">{occ.error}</p>}
      {quiet.length > 0 && view !== 'month' && (
        <p class="muted small cal-quiet-note" data-testid="cal-quiet">
          {tx('Giờ yên tĩnh', 'Quiet hours')}: {quiet.map((w) => `${w.start}–${w.end} (${w.areaName})`).join(', ')}
        </p>
      )}
      {chosen && (
        <p class="alert info" data-testid="cal-anniversary-offer">
          ★ <strong>{tx(chosen.name, chosen.nameEn || chosen.name)}</strong> ({anniversaryDateLabel(chosen)}) —{' '}
          {chosen.date} ·{' '}
          <button type="button" class="link" data-testid="prepare-bulletin" onClick={() => onPrepare(chosen)}>
            {tx('Soạn bản tin', 'Prepare a bulletin')}
          </button>
        </p>
      )}
      {view === 'day' && (
        <>
          <AnnivMarks list={marks.get(vnDate(days[0]))} onPick={setChosen} />
          <DayList day={days[0]} items={byDay.get(vnDate(days[0])) ?? []} onOpen={onOpen} />
        </>
      )}
      {view === 'week' && (
        <WeekGrid
          days={days}
          byDay={byDay}
          marks={marks}
          onPick={setChosen}
          quiet={quiet}
          onOpen={onOpen}
          onDay={openDay}
        />
      )}
      {view === 'month' && (
        <MonthGrid
          days={days}
          anchor={anchor}
          byDay={byDay}
          marks={marks}
          onPick={setChosen}
          onOpen={onOpen}
          onDay={openDay}
        />
      )}
      <p class="legend small">
        <span class="cal-item p-normal">{pick(PRIORITY, 'normal')}</span>
        <span class="cal-item p-priority">{pick(PRIORITY, 'priority')}</span>
        <span class="cal-item p-emergency">{pick(PRIORITY, 'emergency')}</span>
        <span class="cal-item p-normal s-submitted">{pick(STATUS, 'submitted')}</span>
      </p>
    </div>
  );
}

/** The anniversaries of one day, each a button that offers to prepare its bulletin. */
const AnnivMarks = ({ list, onPick }: { list?: UpcomingAnniversary[]; onPick: OnPick }) => (
  <>
    {list?.map((a) => (
      <button
        type="button"
        class="link cal-anniv"
        data-testid="cal-anniversary"
        data-day={a.isoDate}
        title={`${tx(a.name, a.nameEn || a.name)} (${anniversaryDateLabel(a)})`}
        onClick={() => onPick(a)}
      >
        ★ {tx(a.name, a.nameEn || a.name)}
      </button>
    ))}
  </>
);

/** "06:00–06:30", or "06:00" for what ends within its first minute. */
const span = (o: Occurrence) => {
  const [s, e] = [vnTime(Date.parse(o.start)), vnTime(Date.parse(o.end))];
  return s === e ? s : `${s}–${e}`;
};

/** The full description of an occurrence: on hover (title), and read by screen readers. */
function describe(o: Occurrence): string {
  return `${span(o)} ${o.title}\n${pick(PRIORITY, o.priority)} · ${pick(STATUS, o.status)}${o.recurring ? ` · ${tx('định kỳ', 'recurring')}` : ''}${o.relay ? `\n${relaySummary(o.relay, o.durationMs)}` : ''}${
    o.leftOffDevices?.length
      ? `\n${tx(`Không phát trên ${o.leftOffDevices.length} thiết bị (quyết định khi trùng giờ)`, `Left off ${o.leftOffDevices.length} device(s) by a clash decision`)}`
      : ''
  }`;
}

/** Marks a relay (tiếp âm) where there is room only for its title. */
const RelayMark = () => <span class="cal-relay">{tx('Tiếp âm', 'Relay')} · </span>;

const itemClass = (o: Occurrence) =>
  `cal-item p-${o.priority} s-${o.status}${o.leftOffDevices?.length ? ' left-off' : ''}`;

/** One occurrence, as a button that opens its broadcast. */
function Item({
  o,
  style,
  onOpen,
  children,
}: {
  o: Occurrence;
  style?: Record<string, string | number>;
  onOpen: (id: string) => void;
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: a block positioned in the grid (and the legend's colours are the same class); a <button> brings the global button padding, background and centring
    <div
      class={itemClass(o)}
      style={style}
      data-testid="cal-item"
      data-title={o.title}
      data-start={o.start}
      data-relay-host={o.relay ? relayHost(o.relay.url) : undefined}
      role="button"
      tabIndex={0}
      title={describe(o)}
      onClick={() => onOpen(o.broadcastId)}
      onKeyDown={(e) => e.key === 'Enter' && onOpen(o.broadcastId)}
    >
      {children}
    </div>
  );
}

function DayList({ day, items, onOpen }: { day: number; items: Occurrence[]; onOpen: (id: string) => void }) {
  return (
    <div class="cal-daylist" data-testid="cal-day-list" data-day={vnDate(day)}>
      {items.length === 0 ? (
        <p class="muted" data-testid="cal-empty">
          {tx('Không có lịch phát nào trong ngày.', 'Nothing scheduled on this day.')}
        </p>
      ) : (
        <ul class="plain">
          {items.map((o) => (
            <li>
              <Item o={o} onOpen={onOpen}>
                <span class="t">{span(o)}</span>{' '}
                <span class="cal-title-text">
                  {o.leftOffDevices?.length ? '⊘ ' : ''}
                  {o.title}
                </span>
                <span class="cal-meta">
                  {pick(PRIORITY, o.priority)} · {pick(STATUS, o.status)}
                  {o.recurring ? ` · ${tx('định kỳ', 'recurring')}` : ''}
                  {o.relay ? ` · ${relaySummary(o.relay, o.durationMs)}` : ''}
                </span>
              </Item>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function WeekGrid({
  days,
  byDay,
  marks,
  onPick,
  quiet,
  onOpen,
  onDay,
}: {
  days: number[];
  byDay: Map<string, Occurrence[]>;
  marks: Marks;
  onPick: OnPick;
  quiet: QuietWindow[];
  onOpen: (id: string) => void;
  onDay: (d: number) => void;
}) {
  const now = Date.now();
  return (
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
        {days.map((dayMs) => {
          const isToday = vnDate(dayMs) === vnDate(now);
          const p = vnParts(dayMs);
          const placed = stackItems(
            (byDay.get(vnDate(dayMs)) ?? []).map((o) => ({
              ...o,
              top: (vnMinuteOfDay(Date.parse(o.start)) / 60) * HOUR_PX,
              height: Math.max(LINE_PX, (o.durationMs / 3600_000) * HOUR_PX),
            })),
          );
          return (
            <div class={`cal-day ${isToday ? 'today' : ''}`} data-day={vnDate(dayMs)}>
              <button
                type="button"
                class="cal-dayhead link"
                onClick={() => onDay(dayMs)}
                title={tx('Xem cả ngày', 'Open the day')}
              >
                {weekdayName(p.weekday, lang())} {p.d}/{p.mo}
              </button>
              <div class="cal-body" style={{ height: 24 * HOUR_PX }}>
                <AnnivMarks list={marks.get(vnDate(dayMs))} onPick={onPick} />
                {quiet
                  .flatMap((w) => quietBlocks(w.start, w.end))
                  .map(([a, b]) => (
                    <div
                      class="cal-quiet"
                      style={{ top: (a / 60) * HOUR_PX, height: ((b - a) / 60) * HOUR_PX }}
                      title={tx('Giờ yên tĩnh', 'Quiet hours')}
                    />
                  ))}
                {isToday && <div class="cal-now" style={{ top: (vnMinuteOfDay(now) / 60) * HOUR_PX }} />}
                {placed.map((o) => (
                  <Item o={o} onOpen={onOpen} style={{ top: o.y, height: o.height }}>
                    <span class="t">{vnTime(Date.parse(o.start))}</span> {o.leftOffDevices?.length ? '⊘ ' : ''}
                    {o.relay ? <RelayMark /> : null}
                    {o.title}
                  </Item>
                ))}
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}

function MonthGrid({
  days,
  anchor,
  byDay,
  marks,
  onPick,
  onOpen,
  onDay,
}: {
  days: number[];
  anchor: number;
  byDay: Map<string, Occurrence[]>;
  marks: Marks;
  onPick: OnPick;
  onOpen: (id: string) => void;
  onDay: (d: number) => void;
}) {
  const month = vnParts(anchor).mo;
  const today = vnDate(Date.now());
  return (
    <div class="cal-month" data-testid="cal-month">
      {days.slice(0, 7).map((d) => (
        <div class="cal-month-head">
          <span class="long">{weekdayName(vnParts(d).weekday, lang())}</span>
          <span class="short">{weekdayName(vnParts(d).weekday, lang(), true)}</span>
        </div>
      ))}
      {days.map((d) => {
        const p = vnParts(d);
        const items = byDay.get(vnDate(d)) ?? [];
        return (
          <div
            class={`cal-month-day ${p.mo !== month ? 'other' : ''} ${vnDate(d) === today ? 'today' : ''}`}
            data-day={vnDate(d)}
            data-count={items.length}
          >
            <button
              type="button"
              class="link cal-month-date"
              onClick={() => onDay(d)}
              aria-label={`${weekdayName(p.weekday, lang())} ${p.d}/${p.mo}: ${items.length} ${tx('lần phát', 'occurrence(s)')}`}
            >
              {p.d}
              {items.length > 0 && <span class="cal-count">{items.length}</span>}
            </button>
            <AnnivMarks list={marks.get(vnDate(d))} onPick={onPick} />
            <div class="cal-month-items">
              {items.slice(0, MONTH_CELL_ITEMS).map((o) => (
                <Item o={o} onOpen={onOpen}>
                  <span class="t">{vnTime(Date.parse(o.start))}</span> {o.relay ? <RelayMark /> : null}
                  {o.title}
                </Item>
              ))}
              {items.length > MONTH_CELL_ITEMS && (
                <button type="button" class="link small" onClick={() => onDay(d)}>
                  {tx(`+${items.length - MONTH_CELL_ITEMS} lần nữa`, `+${items.length - MONTH_CELL_ITEMS} more`)}
                </button>
              )}
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** Minute ranges within a day covered by a quiet window (two when it wraps past midnight). */
function quietBlocks(start: string, end: string): Array<[number, number]> {
  const m = (t: string) => +t.slice(0, 2) * 60 + +t.slice(3, 5);
  const a = m(start);
  const b = m(end);
  return a < b
    ? [[a, b]]
    : [
        [0, b],
        [a, 1440],
      ];
}
