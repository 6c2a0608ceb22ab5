// Phát trực tiếp: a ward leader (or the district office, also for an emergency) speaks into the
// browser's microphone to the chosen areas' loudspeakers. Going live is the approval. While on air:
// the microphone's level, the time on air, who is listening, and the end button. Loaded on demand
// (app.tsx): only two roles ever open it.
import { useEffect, useState } from 'preact/hooks';
import type { AppCtx } from '../app.tsx';
import { WhereFieldset } from '../components/broadcast-form/where-fieldset.tsx';
import { useTargets } from '../components/broadcast-form/use-targets.ts';
import { LevelMeter } from '../components/level-meter.tsx';
import { ApiError, get, post } from '../lib/api.ts';
import { lang, LIVE_END_REASON, pick, PRIORITY, say, tx } from '../lib/i18n.ts';
import { fmtNumber } from '../lib/format.ts';
import { fmtElapsed } from '../lib/live-level.ts';
import { currentRun, LiveRun, onRunChange } from '../lib/live-run.ts';
import { MicError } from '../lib/live-source.ts';
import type { LiveListener, LiveSession } from '../../hub/api-contract/live.ts';
import { LIVE_PAGE_TEXT } from '../../hub/text/live.ts';
import type { Area } from '../lib/session.ts';
import { fmtDateTime } from '../lib/time.ts';

const LISTENER_STATE: Record<LiveListener['state'], [string, string]> = {
  listening: ['Đang nghe', 'Listening'],
  waiting: ['Đang chờ', 'Waiting'],
  lost: ['Mất kết nối', 'Lost'],
};
const SESSION_STATE: Record<LiveSession['state'], [string, string]> = {
  starting: ['Đang bắt đầu', 'Starting'],
  live: ['Đang phát', 'On air'],
  ended: ['Đã kết thúc', 'Ended'],
};

/** "20:31:05", Vietnam time. */
const clock = (v: string | null | undefined) => (v ? fmtDateTime(v, lang(), true).slice(-8) : '—');
const areaName = (areas: Area[], path: string) => areas.find((a) => a.path === path)?.name ?? path;

export function LivePage({ ctx }: { ctx: AppCtx }) {
  const [run, setRun] = useState(currentRun);
  const [, setTick] = useState(0);
  useEffect(
    () =>
      onRunChange(() => {
        setRun(currentRun());
        setTick((x) => x + 1);
      }),
    [],
  );
  return (
    <div class="stack live-page">
      {run ? <LiveConsole run={run} areas={ctx.areas} /> : <LiveForm ctx={ctx} />}
      <RecentSessions ctx={ctx} current={run?.started.id} />
    </div>
  );
}

function LiveForm({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const targets = useTargets(me, areas);
  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<'normal' | 'emergency'>('normal');
  const [ledText, setLedText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  // An emergency goes out only after a second, explicit yes, as on the emergency page.
  const [confirming, setConfirming] = useState(false);
  const ready = title.trim() !== '' && targets.targets.length > 0;

  const submit = (e: Event) => {
    e.preventDefault();
    if (priority === 'emergency') setConfirming(true);
    else void start();
  };
  const start = async () => {
    setConfirming(false);
    setBusy(true);
    setError('');
    try {
      await LiveRun.start({
        title: title.trim(),
        areaIds: targets.targets,
        priority,
        ...(ledText.trim() ? { ledText: ledText.trim() } : {}),
      });
    } catch (err) {
      // The microphone's refusal in our words; the hub's (quiet hours, a clash, the role) in its own.
      setError(err instanceof MicError || err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <form
      class={`card live-form ${priority === 'emergency' ? 'emergency' : ''}`}
      data-testid="live-form"
      onSubmit={submit}
    >
      <h2>{tx('Phát trực tiếp', 'Live broadcast')}</h2>
      <p class="muted small">
        {tx(
          'Nói vào micro của máy tính hoặc điện thoại: loa ở các nơi đã chọn phát lời của bạn ngay lúc nói. Bắt đầu phát là đã phê duyệt; mọi buổi phát đều được ghi vào nhật ký.',
          'Speak into the computer’s or the phone’s microphone: the loudspeakers in the chosen areas air your voice as you speak. Going live is the approval; every live broadcast is logged.',
        )}
      </p>
      <label>
        {tx('Tiêu đề', 'Title')}
        <input
          name="title"
          value={title}
          required
          maxLength={200}
          placeholder={tx('Ví dụ: Thông báo họp tổ dân phố', 'e.g. Neighbourhood meeting call')}
          onInput={(e) => setTitle((e.target as HTMLInputElement).value)}
        />
      </label>
      <WhereFieldset where={targets} areas={areas} />
      <fieldset>
        <legend>{tx('Mức độ', 'Priority')}</legend>
        {/* only the district may go live as an emergency */}
        {(me.role === 'district' ? (['normal', 'emergency'] as const) : (['normal'] as const)).map((p) => (
          <label class="check">
            <input type="radio" name="priority" value={p} checked={priority === p} onChange={() => setPriority(p)} />
            {pick(PRIORITY, p)}
          </label>
        ))}
        <p class="muted small">
          {priority === 'emergency'
            ? tx(
                'Khẩn cấp: ngắt mọi bản tin đang phát và bỏ qua giờ yên tĩnh.',
                'Emergency: pre-empts whatever is playing and ignores quiet hours.',
              )
            : tx(
                'Thông thường: không phát được trong giờ yên tĩnh của nơi đã chọn.',
                'Normal: cannot go live during the chosen areas’ quiet hours.',
              )}
        </p>
      </fieldset>
      <label>
        {tx('Chữ trên bảng LED (không bắt buộc)', 'Text for the LED boards (optional)')}
        <textarea
          name="led-text"
          rows={2}
          maxLength={500}
          value={ledText}
          onInput={(e) => setLedText((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <div class="toolbar">
        <button
          type="submit"
          class={`big ${priority === 'emergency' ? 'danger' : 'primary'}`}
          data-testid="live-start"
          disabled={busy || !ready}
        >
          {busy ? tx('Đang mở micro…', 'Opening the microphone…') : tx('Bắt đầu phát', 'Start')}
        </button>
      </div>
      <p class="error" role="alert" data-testid="live-error">
        {error}
      </p>
      {confirming && (
        <div class="modal" role="dialog" aria-modal="true" data-testid="live-confirm-dialog">
          <div class="card">
            <h2>{tx('Xác nhận phát trực tiếp khẩn cấp', 'Confirm the emergency live broadcast')}</h2>
            <p>
              «{title.trim()}» → {targets.targets.map((p) => areaName(areas, p)).join(', ')}
            </p>
            <p class="muted">
              {tx(
                'Lời của bạn sẽ phát ngay trên mọi loa ở các khu vực này, ngắt mọi bản tin và buổi phát trực tiếp thường đang phát, kể cả trong giờ yên tĩnh.',
                'Your voice will air at once on every loudspeaker in these areas, interrupting any bulletin or normal live broadcast, quiet hours included.',
              )}
            </p>
            <div class="row">
              <button type="button" class="danger" data-testid="live-confirm" onClick={() => void start()}>
                {tx('Xác nhận phát', 'Go live now')}
              </button>
              <button type="button" data-testid="live-confirm-back" onClick={() => setConfirming(false)}>
                {tx('Quay lại', 'Back')}
              </button>
            </div>
          </div>
        </div>
      )}
    </form>
  );
}

function LiveConsole({ run, areas }: { run: LiveRun; areas: Area[] }) {
  const s = run.session;
  const state = s?.state ?? run.started.state;
  const ended = state === 'ended';
  const [ending, setEnding] = useState(false);
  const title = s?.title ?? '';
  return (
    <section class={`card live-console ${ended ? 'ended' : 'on-air'}`} data-testid="live-console" data-state={state}>
      {/* Read out when it goes on air or ends; the level and the clock change too often for that. */}
      <h2 aria-live="polite">
        {!ended && <span class="on-air-dot" aria-hidden="true" />}
        {ended ? tx('Đã kết thúc phát trực tiếp', 'Live broadcast ended') : tx('Đang phát trực tiếp', 'On air')}
      </h2>
      <p data-testid="live-what">
        <strong>{title}</strong>
        {s && (
          <>
            {' · '}
            {s.areaIds.map((p) => areaName(areas, p)).join(', ')}
            {' · '}
            <span class={`badge p-${s.priority}`}>{pick(PRIORITY, s.priority)}</span>
          </>
        )}
      </p>
      {!ended && <LevelMeter db={run.level} />}
      <dl class="live-facts">
        <div>
          <dt>{ended ? tx('Đã phát', 'On air for') : tx('Thời gian phát', 'On air')}</dt>
          <dd data-testid="live-elapsed">{fmtElapsed(run.secondsOnAir)}</dd>
        </div>
        <div>
          <dt>{tx('Bắt đầu lúc', 'Started at')}</dt>
          <dd data-testid="live-started">{clock(run.started.startsAt)}</dd>
        </div>
        {ended ? (
          <div>
            <dt>{tx('Kết thúc lúc', 'Ended at')}</dt>
            <dd data-testid="live-ended-at">{clock(s?.endedAt)}</dd>
          </div>
        ) : (
          <div>
            <dt>{tx('Tối đa', 'At most')}</dt>
            <dd>{fmtElapsed(run.started.maxSeconds)}</dd>
          </div>
        )}
        {s?.secondsReceived !== undefined && (
          <div>
            <dt>{tx('Máy chủ đã nhận', 'Hub received')}</dt>
            <dd data-testid="live-received">{fmtElapsed(s.secondsReceived)}</dd>
          </div>
        )}
        <div>
          <dt>{tx('Trạng thái', 'State')}</dt>
          <dd data-testid="live-state">{pick(SESSION_STATE, state)}</dd>
        </div>
      </dl>
      {ended && s?.endReason && (
        <p data-testid="live-end-reason">
          {s.endReason === 'ended-by-user' && s.endedBy
            ? say(LIVE_PAGE_TEXT['live.ended-by'], { name: s.endedBy.name })
            : `${tx('Lý do', 'Why')}: ${pick(LIVE_END_REASON, s.endReason)}`}
        </p>
      )}
      {run.problem && (
        <p class="alert warn" role="status" data-testid="live-problem">
          {run.problem}
        </p>
      )}
      {ended ? (
        <button type="button" class="primary" data-testid="live-again" onClick={() => run.dismiss()}>
          {tx('Phát lần mới', 'Go live again')}
        </button>
      ) : (
        <button
          type="button"
          class="danger big live-end"
          data-testid="live-end"
          disabled={ending}
          onClick={() => {
            setEnding(true);
            void run.end().finally(() => setEnding(false));
          }}
        >
          {ending ? tx('Đang kết thúc…', 'Ending…') : tx('Kết thúc', 'End')}
        </button>
      )}
      <Listeners listeners={s?.listeners ?? []} areas={areas} ended={ended} />
    </section>
  );
}

function Listeners({ listeners, areas, ended }: { listeners: LiveListener[]; areas: Area[]; ended: boolean }) {
  const count = (st: LiveListener['state']) => listeners.filter((l) => l.state === st).length;
  return (
    <div class="listeners">
      <h3>{tx('Thiết bị nhận', 'Devices')}</h3>
      {!ended && (
        <p data-testid="listener-counts">
          {(['listening', 'waiting', 'lost'] as const).map((st, i) => (
            <>
              {i > 0 && ' · '}
              <span data-count={st}>
                {pick(LISTENER_STATE, st)}: <strong>{count(st)}</strong>
              </span>
            </>
          ))}
          {' · '}
          {tx(`trên ${listeners.length} thiết bị`, `of ${listeners.length} devices`)}
        </p>
      )}
      {listeners.length === 0 ? (
        <p class="muted small">{tx('Chưa có thiết bị nào trong nơi đã chọn.', 'No device in the chosen areas yet.')}</p>
      ) : (
        <ul class="listener-list" data-testid="listeners">
          {listeners.map((l) => (
            <li class="listener-row" data-testid="listener" data-device={l.deviceId} data-state={l.state}>
              <span class="listener-name">{l.name}</span>
              <span class="muted small">{areaName(areas, l.areaId)}</span>
              {/* Once ended, what each device was sent is the news; its state then is not. */}
              {!ended && <span class={`badge l-${l.state}`}>{pick(LISTENER_STATE, l.state)}</span>}
              <span class="muted small">
                {!ended && l.since ? tx(`từ ${clock(l.since)} · `, `since ${clock(l.since)} · `) : ''}
                {tx('đã nhận', 'received')} {fmtNumber(l.bytes / 1024)} KB
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Live sessions running or ended in the last 10 minutes, within the user's areas; running ones can be ended. */
function RecentSessions({ ctx, current }: { ctx: AppCtx; current?: string }) {
  const [sessions, setSessions] = useState<LiveSession[]>([]);
  const [error, setError] = useState('');
  const [n, setN] = useState(0);
  useEffect(() => {
    let alive = true;
    const load = () =>
      get<{ sessions: LiveSession[] }>('/api/v1/live').then(
        (r) => alive && setSessions(r.sessions),
        (e: Error) => alive && setError(e.message),
      );
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [current, n]);
  const others = sessions.filter((s) => s.id !== current);
  if (others.length === 0 && !error) return null;
  const mayEnd = (s: LiveSession) => s.state !== 'ended' && (ctx.me.role === 'district' || s.startedBy === ctx.me.id);
  return (
    <section class="card">
      <h3>{tx('Các buổi phát trực tiếp gần đây', 'Recent live broadcasts')}</h3>
      <p class="error" role="alert">
        {error}
      </p>
      <ul class="listener-list" data-testid="live-sessions">
        {others.map((s) => (
          <li class="listener-row" data-testid="live-session" data-id={s.id} data-state={s.state}>
            <span class="listener-name">{s.title}</span>
            <span class="muted small">
              {s.areaIds.map((p) => areaName(ctx.areas, p)).join(', ')} · {s.startedByName ?? ''} · {clock(s.startedAt)}
            </span>
            <span class={`badge s-${s.state}`}>
              {pick(SESSION_STATE, s.state)}
              {s.state === 'ended' && ` · ${fmtElapsed(s.secondsLive)}`}
            </span>
            {mayEnd(s) && (
              <button
                type="button"
                class="danger small"
                onClick={() =>
                  post(`/api/v1/live/${s.id}/end`).then(
                    () => setN((x) => x + 1),
                    (e: Error) => setError(e.message),
                  )
                }
              >
                {tx('Kết thúc', 'End')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
