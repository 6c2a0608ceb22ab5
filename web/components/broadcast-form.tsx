// A new or edited broadcast: content (audio and/or LED message), priority, volume, where, and a
// friendly "when" that becomes startsAt or an rrule. While the user types, the hub checks the draft
// for clashes with other broadcasts on the same devices and for quiet hours, before anything is
// saved; a clash with a higher level's bulletin of the same priority asks the official to decide.
import { fmtDuration, fmtNumber } from '../lib/format.ts';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, get, post } from '../lib/api.ts';
import { lang, pick, PRIORITY, STATUS, tx } from '../lib/i18n.ts';
import {
  buildWhen,
  describeRrule,
  parseTimes,
  parseWhen,
  WEEKDAYS,
  weekdayLabel,
  type Weekday,
  type WhenForm,
} from '../lib/rrule-form.ts';
import { fmtDateTime, vnDate, DAY_MS, showDateInput } from '../lib/time.ts';
import { myAreas } from '../lib/session.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { LedComposer, emptyPage, ledForApi } from './led-composer.tsx';
import { useResource } from '../lib/hooks.ts';
import { overLimitText, targetedBoards, type ComposeLimits, type DeviceRecord } from '../lib/led-boards.ts';
import { ledEmptyText, noReachText, reachOf, refusalText, refusingBoards } from '../lib/send-check.ts';
import { DateInput, TimeInput } from './vn-inputs.tsx';
import { TypedBulletin } from './typed-bulletin.tsx';
import { LedReflowOffer } from './led-reflow-offer.tsx';
import { useLedFromText } from './typed-led.ts';
import type { AppCtx } from '../app.tsx';
import type { Broadcast } from '../../hub/api-contract/broadcasts.ts';
import type { MediaItem } from '../../hub/api-contract/media.ts';
import type { Conflict, DraftCheck } from '../../hub/api-contract/schedule.ts';

type Seed = { mediaId?: number | null; led?: { pages: LedPageInput[] } | null; title?: string };

/** `editing`: a stored broadcast (as GET /api/v1/broadcasts/:id gives it) to change instead of a new one. */
export function BroadcastForm({
  ctx,
  seed,
  editing,
  onSaved,
  onCancel,
}: {
  ctx: AppCtx;
  seed?: Seed | null;
  editing?: Broadcast;
  onSaved: (b: Broadcast & { decisionError: string }) => void;
  onCancel: () => void;
}) {
  const { me, areas } = ctx;
  const today = vnDate(Date.now());
  const start: Seed = editing ?? seed ?? {};
  const initialWhen = editing ? parseWhen(editing) : null;
  const [title, setTitle] = useState(start.title ?? '');
  const [mediaId, setMediaId] = useState<number | ''>(start.mediaId ?? '');
  const [useLed, setUseLed] = useState(!!start.led);
  const [pages, setPages] = useState<LedPageInput[]>(start.led?.pages ?? [emptyPage()]);
  const [priority, setPriority] = useState<'normal' | 'priority'>(
    editing?.priority === 'priority' ? 'priority' : 'normal',
  );
  const [volume, setVolume] = useState<number>(editing?.volume ?? 70);
  const choosable = myAreas(me, areas).filter(
    (a) => a.level === 'ward' || a.level === 'district' || a.path === me.scope,
  );
  const [targets, setTargets] = useState<string[]>(
    editing
      ? editing.targets.areas
      : me.role === 'operator' || me.role === 'approver'
        ? [me.scope!].filter(Boolean)
        : [],
  );
  // Single devices named as targets (through the API): an edit keeps them unless unticked.
  const [targetDevices, setTargetDevices] = useState<string[]>(editing?.targets.devices ?? []);
  const otherAreas = targets.filter((p) => !choosable.some((a) => a.path === p));
  // Each field from whichever kind of rule has it.
  const w0: { kind?: string; date?: string; from?: string; until?: string; weekdays?: Weekday[]; rrule?: string } =
    initialWhen ?? {};
  const [kind, setKind] = useState<WhenForm['kind']>(initialWhen?.kind ?? 'once');
  const [date, setDate] = useState<string>(w0?.date ?? today);
  // "Once": one day at one or more times (a morning and an evening bulletin on the same day).
  const [onceTimes, setOnceTimes] = useState<string[]>(initialWhen?.kind === 'once' ? initialWhen.times : ['17:30']);
  const [timesText, setTimesText] = useState<string>(
    initialWhen?.kind === 'daily' || initialWhen?.kind === 'weekly' ? initialWhen.times.join(', ') : '06:00, 17:30',
  );
  const [from, setFrom] = useState<string>(w0?.from ?? today);
  const [until, setUntil] = useState<string>(w0?.until ?? vnDate(Date.now() + 6 * DAY_MS));
  const [weekdays, setWeekdays] = useState<Weekday[]>(w0?.weekdays ?? ['MO', 'WE', 'FR']);
  const [customRule, setCustomRule] = useState<string>(w0?.rrule ?? '');
  const [check, setCheck] = useState<DraftCheck | null>(null);
  const [checkErr, setCheckErr] = useState('');
  const [decision, setDecision] = useState<ClashDecision | ''>('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState('');
  const [media, setMedia] = useState<MediaItem[]>([]);
  const [ledLimits, setLedLimits] = useState<ComposeLimits | null>(null);
  // A typed bulletin (TypedBulletin): its text may fill the LED message; edited text not yet read again stops the form.
  const [ttsStop, setTtsStop] = useState<string | null>(null);
  const ledFromText = useLedFromText(ledLimits, (p) => (setUseLed(true), setPages(p)));
  const formRef = useRef<HTMLFormElement>(null);
  const titleRef = useRef<HTMLInputElement>(null);

  // The form opens at its top with the title ready to type, wherever the page was scrolled (coming
  // from the library's LED composer at the bottom of its page, or from a long schedule).
  useEffect(() => {
    const f = formRef.current;
    if (!f) return;
    scrollTo({ top: Math.max(0, f.getBoundingClientRect().top + scrollY - 8), behavior: 'instant' as ScrollBehavior });
    titleRef.current?.focus({ preventScroll: true });
  }, []);

  // Reloaded when the audio is one the list does not have yet (a typed bulletin just read).
  useEffect(() => {
    if (mediaId !== '' && media.some((m) => m.id === mediaId)) return;
    // Unreachable hub: the list stays as it was.
    get<MediaItem[]>('/api/v1/media').then(
      (m) => setMedia(m.filter((x) => x.status === 'ready')),
      () => {},
    );
  }, [mediaId]);

  const when = useMemo(() => {
    const times = parseTimes(timesText);
    const f: WhenForm =
      kind === 'now'
        ? { kind }
        : kind === 'custom'
          ? { kind, rrule: customRule }
          : kind === 'once'
            ? { kind, date, times: onceTimes }
            : kind === 'daily'
              ? { kind, times: times ?? ['x'], from, until }
              : { kind, weekdays, times: times ?? ['x'], from, until };
    return buildWhen(f);
  }, [kind, date, onceTimes.join(), timesText, from, until, weekdays.join(), customRule]);

  const led = useLed ? ledForApi(pages) : undefined;
  const body = when.ok
    ? {
        title: title.trim() || '…',
        ...(mediaId !== '' ? { mediaId } : {}),
        ...(led ? { led } : {}),
        priority,
        volume,
        targets: { areas: targets, devices: targetDevices },
        ...(when.startsAt ? { startsAt: when.startsAt } : { rrule: when.rrule }),
      }
    : null;
  const ready = !!body && targets.length + targetDevices.length > 0 && (mediaId !== '' || !!led) && !(useLed && !led);
  // Refused before submitting (the hub refuses the same): an LED box ticked with no text, a
  // submission that reaches no device, a message a target board (as it reported itself) would refuse.
  const fleet = useResource<DeviceRecord[]>('/api/v1/devices', [], ['device']);
  const where = { areas: targets, devices: targetDevices };
  const content = { audio: mediaId !== '', led: !!led };
  const reach = fleet.data ? reachOf(fleet.data, where, content) : null;
  const stops: string[] = [];
  if (useLed && !led) stops.push(ledEmptyText());
  if (ttsStop) stops.push(ttsStop);
  if (ledFromText.cut) stops.push(ledFromText.cut);
  const ledTooLong = useLed && ledLimits ? overLimitText(pages, ledLimits.maxChars) : null;
  if (ledTooLong) stops.push(ledTooLong);
  if (reach && targets.length + targetDevices.length > 0 && (content.audio || content.led) && reach.reached === 0)
    stops.push(noReachText(reach, content));
  if (led && fleet.data) stops.push(...refusingBoards(led.pages, targetedBoards(fleet.data, where)).map(refusalText));
  const bodyKey = JSON.stringify(body);

  useEffect(() => {
    setCheck(null);
    setCheckErr('');
    setDecision('');
    if (!ready) return;
    const t = setTimeout(() => {
      // An edit is checked as the broadcast it changes, so it does not clash with itself.
      post<DraftCheck>(
        `/api/v1/broadcasts/check${editing ? `?exclude=${encodeURIComponent(editing.id)}` : ''}`,
        body,
      ).then(setCheck, (e: Error) => setCheckErr(e.message));
    }, 300);
    return () => clearTimeout(t);
  }, [bodyKey, ready]);

  // The official decides clashes with a higher level's bulletin of the same priority.
  const decisions = clashesToDecide(check?.conflicts);
  const quiet = check?.quietHours ?? [];
  const blocked = quiet.length > 0 || (decisions.length > 0 && !decision) || stops.length > 0;

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    if (!title.trim()) return setError(tx('Nhập tiêu đề bản tin.', 'Give the bulletin a title.'));
    if (!when.ok) return setError(tx(when.error.vi, when.error.en));
    if (stops.length) return setError(stops[0]);
    if (!ready)
      return setError(
        tx(
          'Chọn âm thanh hoặc viết thông điệp LED, và chọn nơi phát.',
          'Choose audio or write an LED message, and choose where.',
        ),
      );
    setSaving(true);
    try {
      const payload = { ...body, title: title.trim() };
      const b = editing
        ? await api<Broadcast>('PUT', `/api/v1/broadcasts/${editing.id}`, payload)
        : await post<Broadcast>('/api/v1/broadcasts', payload);
      let decisionError = '';
      if (decisions.length && decision) {
        try {
          await post(`/api/v1/broadcasts/${b.id}/decision`, {
            decision,
            conflictsWith: [...new Set(decisions.map((c) => c.broadcastId))],
          });
        } catch (err) {
          decisionError = err instanceof ApiError ? err.message : String(err);
        }
      }
      onSaved({ ...b, decisionError });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  const grouped = groupConflicts(check?.conflicts ?? []);
  return (
    <form class="card form" onSubmit={submit} data-testid="broadcast-form" ref={formRef}>
      <h2>
        {editing ? tx(`Sửa «${editing.title}»`, `Edit «${editing.title}»`) : tx('Lịch phát thanh mới', 'New broadcast')}
      </h2>
      {editing?.status === 'approved' && (
        <p class="alert info" data-testid="edit-approved-note">
          {tx(
            'Lịch này đã được phê duyệt và vẫn phát như cũ cho đến khi lãnh đạo duyệt bản sửa; khi đó bản sửa thay thế bản cũ.',
            'This broadcast is approved and keeps airing as it is until a leader approves the edit, which then replaces it.',
          )}
        </p>
      )}
      {editing?.status === 'rejected' && editing.decisionNote && (
        <p class="alert warn">
          {tx('Lý do bị từ chối', 'Rejected because')}: {editing.decisionNote}
        </p>
      )}
      <label>
        {tx('Tiêu đề', 'Title')}
        <input
          ref={titleRef}
          value={title}
          name="title"
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
          required
          maxLength={200}
        />
      </label>
      <label>
        {tx('Bản tin âm thanh', 'Audio bulletin')}
        <select
          value={String(mediaId)}
          name="media"
          onChange={(e) =>
            setMediaId((e.target as HTMLSelectElement).value ? +(e.target as HTMLSelectElement).value : '')
          }
        >
          <option value="">{tx('— không có —', '— none —')}</option>
          {media.map((m) => (
            <option value={m.id}>
              {m.originalName} ({fmtDuration(m.durationMs)})
            </option>
          ))}
        </select>
      </label>
      <TypedBulletin mediaId={mediaId} onMedia={setMediaId} onLedText={ledFromText.setText} onStop={setTtsStop} />
      <label class="check">
        <input
          type="checkbox"
          checked={useLed}
          onChange={(e) => setUseLed((e.target as HTMLInputElement).checked)}
          name="use-led"
        />
        {tx('Kèm thông điệp LED cho bảng tin điện tử', 'Include an LED message for the boards')}
      </label>
      {useLed && (
        <LedComposer
          pages={pages}
          onChange={setPages}
          targets={{ areas: targets, devices: targetDevices }}
          onLimits={setLedLimits}
        />
      )}
      {useLed && fleet.data && (
        <LedReflowOffer
          pages={pages}
          boards={targetedBoards(fleet.data, where)}
          areaName={(p) => areas.find((a) => a.path === p)?.name}
          onApply={setPages}
        />
      )}

      <fieldset>
        <legend>{tx('Mức độ', 'Priority')}</legend>
        {(['normal', 'priority'] as const).map((p) => (
          <label class="check">
            <input type="radio" name="priority" value={p} checked={priority === p} onChange={() => setPriority(p)} />
            {pick(PRIORITY, p)}
          </label>
        ))}
        <p class="muted small">
          {tx(
            'Tin khẩn cấp do Phòng Văn hóa và Thông tin gửi ở mục Khẩn cấp.',
            'Emergencies are sent by the district office from the Emergency page.',
          )}
        </p>
      </fieldset>
      <label>
        {tx('Âm lượng', 'Volume')}: {volume}
        <input
          type="range"
          min={0}
          max={100}
          value={volume}
          onInput={(e) => setVolume(+(e.target as HTMLInputElement).value)}
        />
      </label>

      <fieldset>
        <legend>{tx('Nơi phát', 'Where')}</legend>
        <div class="area-list">
          {choosable.map((a) => (
            <label class="check">
              <input
                type="checkbox"
                name="target"
                value={a.path}
                checked={targets.includes(a.path)}
                onChange={(e) =>
                  setTargets(
                    (e.target as HTMLInputElement).checked ? [...targets, a.path] : targets.filter((x) => x !== a.path),
                  )
                }
              />
              {a.name}
            </label>
          ))}
          {otherAreas.map((p) => (
            <label class="check">
              <input
                type="checkbox"
                name="target"
                value={p}
                checked
                onChange={() => setTargets(targets.filter((x) => x !== p))}
              />
              {areas.find((a) => a.path === p)?.name ?? p}
            </label>
          ))}
          {targetDevices.map((id) => (
            <label class="check">
              <input
                type="checkbox"
                name="target-device"
                value={id}
                checked
                onChange={() => setTargetDevices(targetDevices.filter((x) => x !== id))}
              />
              {tx('Thiết bị', 'Device')} {id}
            </label>
          ))}
        </div>
      </fieldset>

      <fieldset>
        <legend>{tx('Thời gian phát', 'When')}</legend>
        <div class="seg">
          {(
            [
              ['now', 'Phát ngay', 'Now'],
              ['once', 'Một lần', 'Once'],
              ['daily', 'Hằng ngày', 'Daily'],
              ['weekly', 'Hằng tuần', 'Weekly'],
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
              <button
                type="button"
                class="small"
                data-testid="add-time"
                onClick={() => setOnceTimes([...onceTimes, ''])}
              >
                + {tx('Thêm giờ trong ngày', 'Add a time that day')}
              </button>
            )}
          </div>
        )}
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
              <input
                name="times"
                value={timesText}
                onInput={(e) => setTimesText((e.target as HTMLInputElement).value)}
              />
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
            {tx('Phát', 'Plays')} {when.rrule ? describeRrule(when.rrule, lang()) : onceText(when.startsAt!)}
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

      <section class="check-result" data-testid="check-result" aria-live="polite">
        {checkErr && <p class="error">{checkErr}</p>}
        {check && (
          <p class="muted" data-testid="check-summary">
            {tx(
              `${fmtNumber(check.occurrences)} lần phát trong 5 tuần tới, trên ${fmtNumber(check.devices)} thiết bị${check.firstStart ? `; lần đầu ${fmtDateTime(check.firstStart)}` : ''}.`,
              `${fmtNumber(check.occurrences)} occurrence(s) in the next 5 weeks on ${fmtNumber(check.devices)} device(s)${check.firstStart ? `; first ${fmtDateTime(check.firstStart, 'en')}` : ''}.`,
            )}
          </p>
        )}
        {quiet.length > 0 && (
          <div class="alert error" data-testid="quiet-clash">
            <strong>{tx('Trùng giờ yên tĩnh', 'In quiet hours')}</strong>
            <p>
              {tx(
                `Bản tin mức thông thường không được phát trong giờ yên tĩnh ${quiet[0].window.start}–${quiet[0].window.end} của ${quiet[0].window.areaName}: lần phát ${fmtDateTime(quiet[0].occurrenceStart)}${quiet.length > 1 ? ` và ${quiet.length - 1} lần khác` : ''}. Chọn giờ khác (tin ưu tiên và khẩn cấp không bị giới hạn).`,
                `Normal-priority bulletins may not play in the quiet hours ${quiet[0].window.start}–${quiet[0].window.end} of ${quiet[0].window.areaName}: the occurrence at ${fmtDateTime(quiet[0].occurrenceStart, 'en')}${quiet.length > 1 ? ` and ${quiet.length - 1} more` : ''}. Choose another time (priority and emergency bulletins are not limited).`,
              )}
            </p>
          </div>
        )}
        {grouped.map((g) => (
          <div
            class={`alert ${g.kind === 'decision' ? 'decision' : g.kind === 'preempts' ? 'info' : 'warn'}`}
            data-testid={`conflict-${g.kind}`}
          >
            <strong>{conflictTitle(g.kind)}</strong>
            <p>
              «{g.title}» ({pick(PRIORITY, g.priority)}, {pick(STATUS, g.status)}) —{' '}
              {conflictText(g.kind, g.otherLevel)}
            </p>
            {g.kind === 'overlap' && (
              <p data-testid="who-plays" data-plays={whoPlaysOf(g)}>
                {whoPlaysText(g, false)}
              </p>
            )}
            <p class="muted small">
              {g.items
                .slice(0, 4)
                .map((c) => `${fmtDateTime(c.draftStart, lang())} · ${c.deviceName}`)
                .join('; ')}
              {g.items.length > 4 ? ` (+${g.items.length - 4})` : ''}
            </p>
          </div>
        ))}
        {decisions.length > 0 && <DecisionChoice value={decision} onChange={setDecision} />}
      </section>

      {stops.length > 0 && (
        <div class="alert error" data-testid="form-blocked">
          <strong>{tx('Chưa gửi được', 'Cannot submit yet')}</strong>
          {stops.map((x) => (
            <p data-testid="form-blocked-reason">{x}</p>
          ))}
        </div>
      )}
      {error && (
        <p class="error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
      <div class="row">
        <button class="primary" disabled={saving || blocked} data-testid="submit">
          {editing
            ? tx('Lưu thay đổi và gửi duyệt lại', 'Save changes and resubmit')
            : me.role === 'operator'
              ? tx('Gửi duyệt', 'Submit for approval')
              : tx('Lưu và gửi duyệt', 'Save and submit')}
        </button>
        <button type="button" onClick={onCancel}>
          {tx('Hủy', 'Cancel')}
        </button>
      </div>
    </form>
  );
}

/** "2026-12-01T17:30" (Vietnam wall time, as the form sends it) → "ngày 01/12/2026 lúc 17:30". */
const onceText = (startsAt: string) => {
  const [d, t] = startsAt.split('T');
  return tx(`ngày ${showDateInput(d)} lúc ${t}`, `on ${showDateInput(d)} at ${t}`);
};

export type ClashDecision = 'air-ours' | 'yield';

/** The ward official's two choices on a clash with a higher level's bulletin of the same priority. */
export function DecisionChoice({
  value,
  onChange,
}: {
  value: ClashDecision | '';
  onChange: (d: ClashDecision) => void;
}) {
  return (
    <fieldset class="decision-box" data-testid="decide">
      <legend>
        {tx(
          'Quyết định của cán bộ phường (Thông tư 39/2020/TT-BTTTT)',
          "The ward official's decision (Circular 39/2020/TT-BTTTT)",
        )}
      </legend>
      <label class="check">
        <input
          type="radio"
          name="decision"
          value="air-ours"
          checked={value === 'air-ours'}
          onChange={() => onChange('air-ours')}
        />
        {tx(
          'Phát bản tin của phường; bản tin cấp trên không phát trên các thiết bị của phường vào các lần trùng giờ.',
          "Air ours; the higher level's bulletin is left off the ward's devices at the clashing times.",
        )}
      </label>
      <label class="check">
        <input
          type="radio"
          name="decision"
          value="yield"
          checked={value === 'yield'}
          onChange={() => onChange('yield')}
        />
        {tx(
          'Nhường cho bản tin cấp trên; bản tin này không phát trên các thiết bị đó vào các lần trùng giờ.',
          'Yield to the higher level; this bulletin is left off those devices at the clashing times.',
        )}
      </label>
    </fieldset>
  );
}

/** A stored broadcast as the body of a draft check (POST /api/v1/broadcasts/check?exclude=id). */
export const checkBodyOf = (b: Broadcast) => ({
  title: b.title,
  priority: b.priority,
  volume: b.volume,
  targets: b.targets,
  ...(b.mediaId ? { mediaId: b.mediaId } : {}),
  ...(b.led ? { led: b.led } : {}),
  ...(b.rrule ? { rrule: b.rrule } : { startsAt: b.startsAt }),
});

/** Clashes with a higher level's bulletin of the same priority: the ward official's to decide. */
export const clashesToDecide = (conflicts: Conflict[] | undefined) =>
  (conflicts ?? []).filter((c) => c.kind === 'decision' && c.otherLevel === 'higher');

/** Conflicts by the bulletin they are with and their kind: the first one, with all of them as items. */
export function groupConflicts(list: Conflict[]) {
  const m = new Map<string, Conflict & { items: Conflict[] }>();
  for (const c of list) {
    const k = `${c.broadcastId}|${c.kind}`;
    const g = m.get(k) ?? m.set(k, { ...c, items: [] }).get(k)!;
    g.items.push(c);
  }
  return [...m.values()];
}

export function conflictTitle(kind: string) {
  return kind === 'decision'
    ? tx('Cần cán bộ phường quyết định', 'Your decision')
    : kind === 'preempts'
      ? tx('Sẽ ngắt bản tin khác', 'Will pre-empt another bulletin')
      : kind === 'preempted'
        ? tx('Sẽ bị ngắt', 'Will be pre-empted')
        : tx('Trùng giờ', 'Overlaps');
}
export function conflictText(kind: string, level: string) {
  const from =
    level === 'higher'
      ? tx('của cấp trên', 'from a higher level')
      : level === 'lower'
        ? tx('của cấp dưới', 'from a lower level')
        : tx('cùng cấp', 'from the same level');
  switch (kind) {
    case 'decision':
      return tx(
        `bản tin cùng mức ${from} trùng giờ trên cùng thiết bị; theo quy định, cán bộ phường quyết định phát bản tin nào.`,
        `a bulletin of the same level ${from} overlaps on the same devices; by the national rule the ward official decides which airs.`,
      );
    case 'preempts':
      return tx(
        'bản tin này có mức cao hơn và sẽ ngắt bản tin đó.',
        'this bulletin has the higher level and will interrupt it.',
      );
    case 'preempted':
      return tx(
        'bản tin đó có mức cao hơn và sẽ ngắt bản tin này.',
        'that bulletin has the higher level and will interrupt this one.',
      );
    default:
      return tx(`trùng giờ trên cùng thiết bị (${from}).`, `overlaps on the same devices (${from}).`);
  }
}

/** Which of the two a device plays at a same-level clash, over a group's occurrences ('mixed' if it varies). */
export function whoPlaysOf(g: { items: Array<{ plays: string }> }): string {
  const all = new Set(g.items.map((c) => c.plays));
  return all.size === 1 ? [...all][0] : 'mixed';
}

/**
 * The hub's precedence rule for a same-level clash, in words (hub/schedule/conflicts.ts whoPlays,
 * the agent's own order): the earlier start plays, at the same start the one approved first; the
 * other waits and is skipped if it cannot start within a minute. `reviewing`: a leader's card.
 */
export function whoPlaysText(
  g: { title: string; items: Array<{ plays: string; leaderChooses?: boolean }> },
  reviewing: boolean,
): string {
  const waits = tx(
    'chờ bản tin kia phát xong và bị bỏ qua nếu phải chờ quá 1 phút',
    'waits for the other and is skipped if it cannot start within a minute',
  );
  const choose = g.items.some((c) => c.leaderChooses)
    ? reviewing
      ? tx(' Hãy chọn bên dưới bản tin nào phát.', ' Choose below which one plays.')
      : tx(' Lãnh đạo sẽ chọn bản tin nào phát khi phê duyệt.', 'The leader chooses which one plays when approving.')
    : '';
  switch (whoPlaysOf(g)) {
    case 'other':
      return (
        tx(
          `Nếu không chọn khác: «${g.title}» sẽ phát (đã duyệt trước hoặc bắt đầu trước); bản tin này ${waits}.`,
          `Unless chosen otherwise: «${g.title}» plays (approved or starting first); this one ${waits}.`,
        ) + choose
      );
    case 'draft':
      return (
        tx(
          `Nếu không chọn khác: bản tin này sẽ phát (bắt đầu trước); «${g.title}» ${waits}.`,
          `Unless chosen otherwise: this one plays (it starts first); «${g.title}» ${waits}.`,
        ) + choose
      );
    case 'first-approved':
      return tx(
        `Cả hai cùng giờ và đều chưa được duyệt: bản tin nào được phê duyệt trước sẽ phát; lãnh đạo duyệt bản tin sau sẽ chọn.`,
        'Both start together and neither is approved yet: the one approved first plays; the leader approving the second chooses.',
      );
    default:
      return (
        tx(
          `Tùy lần phát: bản tin bắt đầu trước (cùng giờ thì bản tin được duyệt trước) sẽ phát; bản tin kia ${waits}.`,
          `It depends on the occurrence: the one starting first (at the same time, the one approved first) plays; the other ${waits}.`,
        ) + choose
      );
  }
}

/** The leader's choice on same-level clashes at approval (POST …/approve { clashes }). */
export function SameLevelChoice({
  titles,
  value,
  onChange,
}: {
  titles: string[];
  value: ClashDecision | '';
  onChange: (d: ClashDecision) => void;
}) {
  const others = titles.map((t) => `«${t}»`).join(', ');
  return (
    <fieldset class="decision-box" data-testid="same-level-choice">
      <legend>
        {tx(
          'Trùng giờ với bản tin cùng cấp đã duyệt: chọn bản tin nào phát',
          'Clashes with an approved bulletin of the same level: choose which plays',
        )}
      </legend>
      <label class="check">
        <input
          type="radio"
          name="same-level"
          value="air-ours"
          data-testid="choose-air-ours"
          checked={value === 'air-ours'}
          onChange={() => onChange('air-ours')}
        />
        {tx(
          `Bản tin này phát; ${others} nhường (không phát trên các thiết bị trùng giờ vào các lần đó).`,
          `This one plays; ${others} steps aside (left off the clashing devices at those times).`,
        )}
      </label>
      <label class="check">
        <input
          type="radio"
          name="same-level"
          value="yield"
          data-testid="choose-yield"
          checked={value === 'yield'}
          onChange={() => onChange('yield')}
        />
        {tx(
          `Bản tin này nhường ${others} (không phát trên các thiết bị trùng giờ vào các lần đó).`,
          `This one steps aside for ${others} (left off the clashing devices at those times).`,
        )}
      </label>
    </fieldset>
  );
}

/** What was decided about a clash (GET …/broadcasts/:id clashDecision): the leader's same-level choice, or the ward official's decision against a higher level. */
export function clashDecisionText(d: {
  decision: 'air-ours' | 'yield';
  excluded: number;
  sameLevel?: boolean;
  againstTitles?: string[];
}) {
  if (d.sameLevel) {
    const others = (d.againstTitles ?? []).map((t) => `«${t}»`).join(', ');
    return d.decision === 'yield'
      ? tx(
          `Lãnh đạo đã chọn: bản tin này nhường bản tin cùng cấp; ${d.excluded} lần phát của bản tin này không phát trên thiết bị trùng giờ.`,
          `The leader chose: this bulletin steps aside for the one of the same level; ${d.excluded} occurrence(s) of it are left off the clashing devices.`,
        )
      : tx(
          `Lãnh đạo đã chọn: bản tin này phát; ${others} nhường ${d.excluded} lần phát trên thiết bị trùng giờ.`,
          `The leader chose: this bulletin plays; ${others} steps aside for ${d.excluded} occurrence(s) on the clashing devices.`,
        );
  }
  return d.decision === 'yield'
    ? tx(
        `Cán bộ phường quyết định nhường cho bản tin cấp trên: ${d.excluded} lần phát của bản tin này không phát trên thiết bị trùng giờ.`,
        `The ward official yields to the higher level: ${d.excluded} occurrence(s) of this bulletin are left off the clashing devices.`,
      )
    : tx(
        `Cán bộ phường quyết định phát bản tin của phường: ${d.excluded} lần phát của bản tin cấp trên không phát trên thiết bị của phường.`,
        `The ward official airs the ward's bulletin: ${d.excluded} occurrence(s) of the higher level's bulletin are left off the ward's devices.`,
      );
}
