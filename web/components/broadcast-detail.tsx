// One broadcast: what, when, where, and each device's occurrences with their state, live as
// receipts arrive; the author (or a leader) can cancel it.
import { useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { lang, pick, PRIORITY, RESULT, STATUS, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import { describeRrule } from '../lib/rrule-form.ts';
import { LedPreview } from './led-preview.tsx';
import type { AppCtx } from '../app.tsx';

export function BroadcastDetail({ ctx, id, onClose }: { ctx: AppCtx; id: string; onClose: () => void }) {
  const b = useResource<any>(`/api/v1/broadcasts/${id}`, [], ['receipt', 'broadcast', 'device'], (k, d) => k === 'device' || d.broadcastId === id || d.id === id);
  const [error, setError] = useState('');
  const x = b.data;
  if (!x) return <section class="card">{b.error ?? '…'}</section>;
  const me = ctx.me;
  const mayCancel = (x.status === 'approved' || x.status === 'submitted') && (me.role !== 'operator' || x.createdBy === me.id);
  const cancel = async () => {
    if (!confirm(tx('Hủy lịch phát này? Thiết bị sẽ dừng nếu đang phát.', 'Cancel this broadcast? Devices stop it if playing.'))) return;
    try {
      await post(`/api/v1/broadcasts/${id}/cancel`);
      b.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const areaName = (p: string) => ctx.areas.find((a) => a.path === p)?.name ?? p;
  return (
    <section class="card" data-testid="broadcast-detail">
      <div class="row" style={{ justifyContent: 'space-between' }}>
        <h2>
          {x.title} <span class={`badge p-${x.priority}`}>{pick(PRIORITY, x.priority)}</span>
        </h2>
        <button class="link" onClick={onClose}>
          {tx('Đóng', 'Close')}
        </button>
      </div>
      <p>
        {pick(STATUS, x.status)} · {x.rrule ? describeRrule(x.rrule, lang()) : fmtDateTime(x.startsAt, lang())} · {[...x.targets.areas.map(areaName), ...x.targets.devices].join(', ')} · {tx('Âm lượng', 'Volume')} {x.volume}
      </p>
      {x.decisionNote && (
        <p class="muted">
          {tx('Ghi chú', 'Note')}: {x.decisionNote}
        </p>
      )}
      {x.led && <LedPreview pages={x.led.pages} emergency={x.priority === 'emergency'} />}
      <div class="table-wrap">
        <table data-testid="detail-devices">
          <thead>
            <tr>
              <th>{tx('Thiết bị', 'Device')}</th>
              <th>{tx('Giờ kế hoạch', 'Scheduled')}</th>
              <th>{tx('Trạng thái', 'State')}</th>
              <th>{tx('Bắt đầu thực tế', 'Actual start')}</th>
              <th>{tx('Số giây', 'Seconds')}</th>
            </tr>
          </thead>
          <tbody>
            {x.devices.slice(0, 100).map((d: any) => (
              <tr data-state={d.state}>
                <td>{d.deviceName ?? d.deviceId}</td>
                <td>{fmtDateTime(d.scheduledStart, lang())}</td>
                <td>
                  <span class={`badge r-${d.state}`}>{pick(RESULT, d.state)}</span>
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
      {mayCancel && (
        <button class="danger" onClick={cancel} data-testid="cancel-broadcast">
          {tx('Hủy lịch phát', 'Cancel broadcast')}
        </button>
      )}
    </section>
  );
}
