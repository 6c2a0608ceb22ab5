// The district office's emergency: pick a message (a template fills it), pick the areas, send,
// confirm — then watch each device confirm, live.
import { fmtSeconds } from '../lib/format.ts';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, get, onLive, post } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { lang, pick, RESULT, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import { myAreas } from '../lib/session.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { LedBoardPreviews } from '../components/led-preview.tsx';
import { DeviceReason } from '../components/device-reason.tsx';
import { displayKey, sizeLabel, targetedBoards, type DeviceRecord } from '../lib/led-boards.ts';
import {
  confirmSummary,
  FINAL,
  noReachText,
  reachOf,
  refusalText,
  refusingBoards,
  reportedDisplays,
  unknownBoards,
} from '../lib/send-check.ts';
import type { AppCtx } from '../app.tsx';
import { TEMPLATES } from '../lib/emergency-templates.ts';
import { pagesFromText, pagesToText, reflowPages } from '../lib/led-reflow.ts';
import { LedReflowOffer } from '../components/led-reflow-offer.tsx';
import { lazyPage } from '../components/lazy-page.tsx';

// The CAP import is the district office's alone: loaded when the page is opened, not at login.
const CapImport = lazyPage<{ ctx: AppCtx; library: LibraryItem[]; onConfirmed: (id: string) => void }>(() =>
  import('../components/cap-import.tsx').then((m) => m.CapImport),
);
import type { Broadcast, BroadcastDetail } from '../../hub/api-contract/broadcasts.ts';
import type { LibraryItem } from '../../hub/api-contract/media.ts';

export function EmergencyPage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const scopeArea = areas.find((a) => a.path === me.scope);
  const choices = [...(scopeArea ? [scopeArea] : []), ...myAreas(me, areas).filter((a) => a.level === 'ward')];
  const media = useResource<LibraryItem[]>('/api/v1/media');
  // The fleet, for what each board reported: reloaded when a board reports a display not seen yet.
  const knownDisplays = useRef(new Set<string>());
  const devices = useResource<DeviceRecord[]>(
    '/api/v1/devices',
    [],
    ['device', 'telemetry'],
    (e) =>
      e.kind === 'device' ||
      (e.kind === 'telemetry' &&
        !!e.data.led?.display &&
        !knownDisplays.current.has(`${e.data.deviceId}|${displayKey(e.data.led.display)}`)),
  );
  knownDisplays.current = new Set(
    (devices.data ?? []).filter((d) => d.display).map((d) => `${d.id}|${displayKey(d.display!)}`),
  );
  const [tpl, setTpl] = useState<string>('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  // The pages a template (or the reflow) set, with their own modes and seconds, while the text is theirs.
  const [setPages, setSetPages] = useState<LedPageInput[]>([]);
  const [mode, setMode] = useState<LedPageInput['mode']>('flash');
  const [seconds, setSeconds] = useState(8);
  const [mediaId, setMediaId] = useState<number | ''>('');
  const [targets, setTargets] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const [sent, setSent] = useState<{ id: string; at: number } | null>(null);

  // A blank line starts a new page (the reflow pages a message for small boards).
  const pages: LedPageInput[] = !text.trim()
    ? []
    : setPages.length && text === pagesToText(setPages)
      ? setPages
      : pagesFromText(text, mode, seconds);
  const usePages = (ps: LedPageInput[]) => {
    setSetPages(ps);
    setText(pagesToText(ps));
  };
  // Nothing goes out that a target board would refuse, or that reaches no device.
  const fleet = devices.data ?? [];
  const boards = targetedBoards(fleet, { areas: targets });
  const refusals = pages.length ? refusingBoards(pages, boards) : [];
  const unknown = pages.length ? unknownBoards(boards) : [];
  const content = { audio: mediaId !== '', led: pages.length > 0 };
  const reach = reachOf(fleet, { areas: targets }, content);
  const noReach = devices.data && targets.length > 0 && (content.audio || content.led) && reach.reached === 0;
  const blockedBy = refusals.length ? refusals.map(refusalText) : noReach ? [noReachText(reach, content)] : [];
  const canSend = targets.length > 0 && (pages.length > 0 || mediaId !== '') && title.trim() && blockedBy.length === 0;
  // The templates laid out for every display the fleet reported (lib/led-reflow.ts, the preview's
  // own fit logic), so a template fits every board whatever areas are chosen.
  const displays = reportedDisplays(fleet);
  const displaysKey = displays.map(displayKey).join('|');
  const tplText = useRef('');
  const laidOut = (t: (typeof TEMPLATES)[number]) => reflowPages(t.pages, displays);
  // Laying out takes a few milliseconds a template: once per set of displays, not per keystroke.
  const tplMisfits = useMemo(
    () => new Map(TEMPLATES.map((t) => [t.id, [...new Set(laidOut(t).overWide.flatMap((w) => w.displays))]])),
    [displaysKey],
  );
  const misfits = (t: (typeof TEMPLATES)[number]) => tplMisfits.get(t.id) ?? [];
  const chooseTemplate = (t: (typeof TEMPLATES)[number]) => {
    const r = laidOut(t);
    setTpl(t.id);
    setTitle(t.title);
    setMode(t.pages[0].mode);
    setSeconds(t.pages[0].seconds);
    const ps = r.fits ? r.pages : t.pages;
    tplText.current = pagesToText(ps);
    usePages(ps);
  };
  // A board reporting a display after the template was chosen: the template's text is laid out again.
  useEffect(() => {
    const t = TEMPLATES.find((x) => x.id === tpl);
    if (t && text === tplText.current) chooseTemplate(t);
  }, [displaysKey]);

  const send = async () => {
    setError('');
    try {
      const b = await post<Broadcast>('/api/v1/broadcasts', {
        title: title.trim(),
        priority: 'emergency',
        volume: 90,
        targets: { areas: targets, devices: [] },
        startsAt: 'now',
        ...(mediaId !== '' ? { mediaId } : {}),
        ...(pages.length ? { led: { pages } } : {}),
      });
      setSent({ id: b.id, at: performance.now() });
      setConfirming(false);
    } catch (e) {
      setConfirming(false);
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  if (sent)
    return (
      <Tracker
        id={sent.id}
        sentAt={sent.at}
        onNew={() => {
          setSent(null);
          setTargets([]);
          setTpl('');
        }}
      />
    );

  return (
    <div class="stack">
      <section class="card emergency">
        <h2>{tx('Phát tin khẩn cấp', 'Send an emergency')}</h2>
        <p class="muted small">
          {tx(
            'Tin khẩn cấp phát ngay, ngắt mọi bản tin khác và bỏ qua giờ yên tĩnh.',
            'An emergency airs at once, pre-empts everything and ignores quiet hours.',
          )}
        </p>
        <h3>1. {tx('Nội dung', 'Message')}</h3>
        <div class="chips">
          {TEMPLATES.map((t) => {
            const bad = misfits(t);
            return (
              <button
                type="button"
                class={`chip ${tpl === t.id ? 'on' : ''} ${bad.length ? 'warn' : ''}`}
                data-testid={`tpl-${t.id}`}
                data-fits={bad.length ? 'no' : 'yes'}
                title={
                  bad.length
                    ? tx(
                        `Không vừa bảng ${bad.map(sizeLabel).join(', ')}`,
                        `Does not fit the ${bad.map(sizeLabel).join(', ')} board(s)`,
                      )
                    : undefined
                }
                onClick={() => chooseTemplate(t)}
              >
                {tx(t.vi, t.en)}
                {bad.length > 0 && ' ⚠'}
              </button>
            );
          })}
        </div>
        <label>
          {tx('Tiêu đề', 'Title')}
          <input value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} data-testid="em-title" />
        </label>
        <label>
          {tx(
            'Chữ trên bảng LED (mỗi dòng một hàng; dòng trống sang trang mới)',
            'Text for the LED boards (one row per line; a blank line starts a page)',
          )}
          <textarea
            rows={Math.min(8, Math.max(2, text.split('\n').length))}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            data-testid="em-text"
          />
        </label>
        {pages.length > 0 && <LedBoardPreviews pages={pages} targets={{ areas: targets }} emergency />}
        {pages.length > 0 && (
          <LedReflowOffer
            pages={pages}
            boards={boards}
            areaName={(p) => areas.find((a) => a.path === p)?.name}
            emergency
            onApply={usePages}
          />
        )}
        <label>
          {tx('Âm thanh cho cụm loa (tùy chọn)', 'Audio for the speakers (optional)')}
          <select
            value={String(mediaId)}
            data-testid="em-media"
            onChange={(e) =>
              setMediaId((e.target as HTMLSelectElement).value ? +(e.target as HTMLSelectElement).value : '')
            }
          >
            <option value="">{tx('— chỉ chữ trên bảng LED —', '— boards only —')}</option>
            {media.data
              ?.filter((m) => m.status === 'ready')
              .map((m) => (
                <option value={m.id}>{m.originalName}</option>
              ))}
          </select>
        </label>
        <h3>2. {tx('Khu vực', 'Areas')}</h3>
        <div class="chips">
          {choices.map((a) => (
            <button
              type="button"
              class={`chip ${targets.includes(a.path) ? 'on' : ''}`}
              data-testid={`area-${a.path.split('/').pop()}`}
              onClick={() =>
                setTargets(targets.includes(a.path) ? targets.filter((x) => x !== a.path) : [...targets, a.path])
              }
            >
              {a.name}
            </button>
          ))}
        </div>
        {unknown.length > 0 && (
          <p class="alert warn small" data-testid="em-unknown-boards">
            {tx(
              `Chưa biết kích thước của ${unknown.map((b) => `«${b.name}»`).join(', ')} (bảng chưa báo) — không kiểm tra được thông điệp có vừa không.`,
              `The size of ${unknown.map((b) => `«${b.name}»`).join(', ')} is not known (not reported) — the message could not be checked against it.`,
            )}
          </p>
        )}
        {blockedBy.length > 0 && (
          <div class="alert error" role="alert" data-testid="em-blocked">
            <strong>{tx('Chưa gửi được', 'Cannot send yet')}</strong>
            {blockedBy.map((b) => (
              <p data-testid="em-blocked-reason">{b}</p>
            ))}
            {refusals.length > 0 && (
              <p class="small">
                {tx(
                  'Bấm «Tự chia dòng/trang cho vừa bảng», hoặc rút gọn dòng, cho đến khi vừa mọi bảng.',
                  'Press «Lay out lines and pages to fit the boards», or shorten lines, until it fits every board.',
                )}
              </p>
            )}
          </div>
        )}
        <button
          type="button"
          class="danger big"
          disabled={!canSend}
          data-testid="em-send"
          onClick={() => setConfirming(true)}
        >
          {tx('Phát khẩn cấp', 'Send emergency')}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </section>
      <CapImport ctx={ctx} library={media.data ?? []} onConfirmed={(id) => setSent({ id, at: performance.now() })} />
      {confirming && (
        <div class="modal" role="dialog" aria-modal="true">
          <div class="card">
            <h2>{tx('Xác nhận phát khẩn cấp', 'Confirm the emergency')}</h2>
            <p>
              «{title}» → {targets.map((p) => areas.find((a) => a.path === p)?.name ?? p).join(', ')}
            </p>
            <p class="muted">
              {tx(
                'Tin sẽ phát ngay trên mọi thiết bị trong các khu vực này.',
                'It will air at once on every device in these areas.',
              )}
            </p>
            <p data-testid="em-confirm-reach">
              {tx(
                `Sẽ tới ${content.audio ? reach.speakers : 0} cụm loa và ${content.led ? reach.boards : 0} bảng LED.`,
                `It reaches ${content.audio ? reach.speakers : 0} loudspeaker cluster(s) and ${content.led ? reach.boards : 0} LED board(s).`,
              )}
              {unknown.length > 0 &&
                ` ${tx(`${unknown.length} bảng chưa báo kích thước, chưa kiểm tra được.`, `${unknown.length} board(s) have not reported their size and could not be checked.`)}`}
            </p>
            <div class="row">
              <button type="button" class="danger" data-testid="em-confirm" onClick={send}>
                {tx('Xác nhận phát', 'Send now')}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {tx('Quay lại', 'Back')}
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function Tracker({ id, sentAt, onNew }: { id: string; sentAt: number; onNew: () => void }) {
  const [b, setB] = useState<BroadcastDetail | null>(null);
  const [playing, setPlaying] = useState<Record<string, boolean>>({});
  const [doneIn, setDoneIn] = useState<number | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      get<BroadcastDetail>(`/api/v1/broadcasts/${id}`).then(
        (x) => {
          setB(x);
          if (confirmSummary(x.devices, x.deviceCounts).done)
            setDoneIn((v) => v ?? (performance.now() - sentAt) / 1000);
        },
        (e: Error) => setError(e.message),
      );
    void load(); // never rejects: errors are shown
    const off = onLive((e) => {
      if (e.kind === 'telemetry') setPlaying((p) => ({ ...p, [e.data.deviceId]: !!e.data.nowPlaying }));
      if (
        (e.kind === 'receipt' && e.data.broadcastId === id) ||
        e.kind === 'device' ||
        (e.kind === 'broadcast' && e.data.id === id)
      ) {
        clearTimeout(timer);
        timer = setTimeout(load, 50);
      }
    });
    const poll = setInterval(load, 5000);
    return () => {
      off();
      clearInterval(poll);
      clearTimeout(timer);
    };
  }, [id]);
  if (!b) return <p class="muted">{error || '…'}</p>;
  // Only played (shown, on a board) counts as confirmed; failures are counted apart.
  const summary = confirmSummary(b.devices, b.deviceCounts);
  const cancel = async () => {
    await post(`/api/v1/broadcasts/${id}/cancel`).catch((e) => setError(e.message));
  };
  return (
    <section class="card emergency" data-testid="tracker" data-done={doneIn !== null ? 'yes' : 'no'}>
      <h2>
        {b.title} <span class="badge p-emergency">{tx('Khẩn cấp', 'Emergency')}</span>
      </h2>
      <p class="big-count" data-testid="confirmed-count">
        <span data-testid="confirmed-played">{`${tx('Đã phát', 'Played')} ${summary.played}/${summary.total}`}</span>
        {summary.apart.map((a) => (
          <span
            class={a.result === 'failed' || a.result === 'missed' ? 'error' : 'warn'}
            data-testid={`confirmed-${a.result}`}
          >
            {' '}
            · {pick(RESULT, a.result)} {a.count}
          </span>
        ))}
        {doneIn !== null && (
          <span class="muted" data-testid="done-in">
            {' '}
            · {tx('trong', 'in')} {fmtSeconds(doneIn)}
          </span>
        )}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>{tx('Thiết bị', 'Device')}</th>
              <th>{tx('Kết nối', 'Link')}</th>
              <th>{tx('Trạng thái', 'State')}</th>
              <th>{tx('Bắt đầu thực tế', 'Actual start')}</th>
              <th>{tx('Số giây', 'Seconds')}</th>
            </tr>
          </thead>
          <tbody>
            {b.devices.map((d) => (
              <tr data-testid="track-row" data-device={d.deviceId} data-state={d.state}>
                <td>{d.deviceName ?? d.deviceId}</td>
                <td class={d.online ? 'online' : 'offline'}>
                  {d.online ? tx('Trực tuyến', 'Online') : tx('Ngoại tuyến', 'Offline')}
                </td>
                <td>
                  {FINAL.includes(d.state) ? (
                    <span class={`badge r-${d.state}`}>{pick(RESULT, d.state)}</span>
                  ) : playing[d.deviceId] ? (
                    <span class="badge playing">{tx('Đang phát…', 'Playing…')}</span>
                  ) : (
                    <span class="badge">{tx('Đang gửi…', 'Sending…')}</span>
                  )}
                  <DeviceReason state={d.state} reason={d.reason} text={d.reasonText} />
                </td>
                <td>{fmtDateTime(d.actualStart, lang(), true)}</td>
                <td>{fmtSeconds(d.secondsPlayed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <p class="error">{error}</p>}
      <div class="row">
        {b.status === 'approved' && doneIn === null && (
          <button type="button" class="danger" onClick={cancel} data-testid="em-cancel">
            {tx('Dừng tin khẩn cấp', 'Stop the emergency')}
          </button>
        )}
        <button type="button" onClick={onNew} data-testid="em-new">
          {tx('Tin khẩn cấp mới', 'New emergency')}
        </button>
      </div>
    </section>
  );
}
