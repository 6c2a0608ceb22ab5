// The district office's emergency: pick a message (a template fills it), pick the areas, send,
// confirm — then watch each device confirm, live.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, onLive, post } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { lang, pick, RESULT, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import { myAreas } from '../lib/session.ts';
import type { LedPageInput } from '../lib/led-layout.ts';
import { LedBoardPreviews } from '../components/led-preview.tsx';
import type { AppCtx } from '../app.tsx';

const TEMPLATES: Array<{ id: string; vi: string; en: string; title: string; pages: LedPageInput[] }> = [
  { id: 'storm', vi: 'Bão', en: 'Storm', title: 'Khẩn cấp: bão đổ bộ', pages: [{ lines: ['KHẨN CẤP: BÃO ĐỔ BỘ', 'Hạn chế ra đường, chằng chống nhà cửa'], mode: 'flash', seconds: 8 }] },
  { id: 'flood', vi: 'Ngập lụt', en: 'Flood', title: 'Khẩn cấp: ngập lụt', pages: [{ lines: ['KHẨN CẤP: NGẬP LỤT', 'Di chuyển tài sản lên cao, tránh vùng trũng'], mode: 'flash', seconds: 8 }] },
  { id: 'fire', vi: 'Cháy', en: 'Fire', title: 'Khẩn cấp: cháy', pages: [{ lines: ['KHẨN CẤP: CÓ CHÁY', 'Sơ tán theo hướng dẫn, gọi 114'], mode: 'flash', seconds: 8 }] },
  { id: 'epidemic', vi: 'Dịch bệnh', en: 'Epidemic', title: 'Khẩn cấp: dịch bệnh', pages: [{ lines: ['KHẨN CẤP: DỊCH BỆNH', 'Thực hiện khai báo y tế, đeo khẩu trang'], mode: 'hold', seconds: 8 }] },
];
const FINAL = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped'];

export function EmergencyPage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const scopeArea = areas.find((a) => a.path === me.scope);
  const choices = [...(scopeArea ? [scopeArea] : []), ...myAreas(me, areas).filter((a) => a.level === 'ward')];
  const media = useResource<any[]>('/api/v1/media');
  const [tpl, setTpl] = useState<string>('');
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [mediaId, setMediaId] = useState<number | ''>('');
  const [targets, setTargets] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const [sent, setSent] = useState<{ id: string; at: number } | null>(null);

  const pages: LedPageInput[] = text.trim() ? [{ lines: text.split('\n').slice(0, 4), mode: 'flash', seconds: 8 }] : [];
  const canSend = targets.length > 0 && (pages.length > 0 || mediaId !== '') && title.trim();

  const send = async () => {
    setError('');
    try {
      const b = await post('/api/v1/broadcasts', {
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

  if (sent) return <Tracker id={sent.id} sentAt={sent.at} onNew={() => (setSent(null), setTargets([]), setTpl(''))} />;

  return (
    <div class="stack">
      <section class="card emergency">
        <h2>{tx('Phát tin khẩn cấp', 'Send an emergency')}</h2>
        <p class="muted small">{tx('Tin khẩn cấp phát ngay, ngắt mọi bản tin khác và bỏ qua giờ yên tĩnh.', 'An emergency airs at once, pre-empts everything and ignores quiet hours.')}</p>
        <h3>1. {tx('Nội dung', 'Message')}</h3>
        <div class="chips">
          {TEMPLATES.map((t) => (
            <button
              class={`chip ${tpl === t.id ? 'on' : ''}`}
              data-testid={`tpl-${t.id}`}
              onClick={() => {
                setTpl(t.id);
                setTitle(t.title);
                setText(t.pages[0].lines.join('\n'));
              }}
            >
              {tx(t.vi, t.en)}
            </button>
          ))}
        </div>
        <label>
          {tx('Tiêu đề', 'Title')}
          <input value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} data-testid="em-title" />
        </label>
        <label>
          {tx('Chữ trên bảng LED (mỗi dòng một hàng)', 'Text for the LED boards (one row per line)')}
          <textarea rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} data-testid="em-text" />
        </label>
        {pages.length > 0 && <LedBoardPreviews pages={pages} targets={{ areas: targets }} emergency />}
        <label>
          {tx('Âm thanh cho cụm loa (tùy chọn)', 'Audio for the speakers (optional)')}
          <select value={String(mediaId)} data-testid="em-media" onChange={(e) => setMediaId((e.target as HTMLSelectElement).value ? +(e.target as HTMLSelectElement).value : '')}>
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
              class={`chip ${targets.includes(a.path) ? 'on' : ''}`}
              data-testid={`area-${a.path.split('/').pop()}`}
              onClick={() => setTargets(targets.includes(a.path) ? targets.filter((x) => x !== a.path) : [...targets, a.path])}
            >
              {a.name}
            </button>
          ))}
        </div>
        <button class="danger big" disabled={!canSend} data-testid="em-send" onClick={() => setConfirming(true)}>
          {tx('Phát khẩn cấp', 'Send emergency')}
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </section>
      {confirming && (
        <div class="modal" role="dialog" aria-modal="true">
          <div class="card">
            <h2>{tx('Xác nhận phát khẩn cấp', 'Confirm the emergency')}</h2>
            <p>
              «{title}» → {targets.map((p) => areas.find((a) => a.path === p)?.name ?? p).join(', ')}
            </p>
            <p class="muted">{tx('Tin sẽ phát ngay trên mọi thiết bị trong các khu vực này.', 'It will air at once on every device in these areas.')}</p>
            <div class="row">
              <button class="danger" data-testid="em-confirm" onClick={send}>
                {tx('Xác nhận phát', 'Send now')}
              </button>
              <button onClick={() => setConfirming(false)}>{tx('Quay lại', 'Back')}</button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function Tracker({ id, sentAt, onNew }: { id: string; sentAt: number; onNew: () => void }) {
  const [b, setB] = useState<any>(null);
  const [playing, setPlaying] = useState<Record<string, boolean>>({});
  const [doneIn, setDoneIn] = useState<number | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let timer: any;
    const load = () =>
      get(`/api/v1/broadcasts/${id}`).then((x) => {
        setB(x);
        if (x.devices.length && x.devices.every((d: any) => FINAL.includes(d.state))) setDoneIn((v) => v ?? (performance.now() - sentAt) / 1000);
      }, (e) => setError(e.message));
    load();
    const off = onLive((k, d) => {
      if (k === 'telemetry') setPlaying((p) => ({ ...p, [d.deviceId]: !!d.nowPlaying }));
      if ((k === 'receipt' && d.broadcastId === id) || k === 'device' || (k === 'broadcast' && d.id === id)) {
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
  const confirmed = b.devices.filter((d: any) => FINAL.includes(d.state)).length;
  const cancel = async () => {
    await post(`/api/v1/broadcasts/${id}/cancel`).catch((e) => setError(e.message));
  };
  return (
    <section class="card emergency" data-testid="tracker" data-done={doneIn !== null ? 'yes' : 'no'}>
      <h2>
        {b.title} <span class="badge p-emergency">{tx('Khẩn cấp', 'Emergency')}</span>
      </h2>
      <p class="big-count" data-testid="confirmed-count">
        {tx('Đã xác nhận', 'Confirmed')} {confirmed}/{b.devices.length}
        {doneIn !== null && (
          <span class="muted" data-testid="done-in">
            {' '}
            · {tx('trong', 'in')} {doneIn.toFixed(1)} s
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
            {b.devices.map((d: any) => (
              <tr data-testid="track-row" data-device={d.deviceId} data-state={d.state}>
                <td>{d.deviceName ?? d.deviceId}</td>
                <td class={d.online ? 'online' : 'offline'}>{d.online ? tx('Trực tuyến', 'Online') : tx('Ngoại tuyến', 'Offline')}</td>
                <td>
                  {FINAL.includes(d.state) ? (
                    <span class={`badge r-${d.state}`}>{pick(RESULT, d.state)}</span>
                  ) : playing[d.deviceId] ? (
                    <span class="badge playing">{tx('Đang phát…', 'Playing…')}</span>
                  ) : (
                    <span class="badge">{tx('Đang gửi…', 'Sending…')}</span>
                  )}
                  {d.reason && <div class="muted small">{d.reason}</div>}
                </td>
                <td>{fmtDateTime(d.actualStart, lang(), true)}</td>
                <td>{d.secondsPlayed ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && <p class="error">{error}</p>}
      <div class="row">
        {b.status === 'approved' && doneIn === null && (
          <button class="danger" onClick={cancel} data-testid="em-cancel">
            {tx('Dừng tin khẩn cấp', 'Stop the emergency')}
          </button>
        )}
        <button onClick={onNew}>{tx('Tin khẩn cấp mới', 'New emergency')}</button>
      </div>
    </section>
  );
}
