// One broadcast: what, when, where, and each device's occurrences with their state, live as
// receipts arrive; the author (or a leader) can cancel it, and the author can edit it here.
import { fmtSeconds } from '../lib/format.ts';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { decisionReason, lang, pick, PRIORITY, RELAY_FALLBACK, RESULT, STATUS, tx } from '../lib/i18n.ts';
import { relayHost, relaySummary } from '../lib/relay-text.ts';
import { fmtDateTime } from '../lib/time.ts';
import { describeRrule } from '../lib/rrule-form.ts';
import { LedBoardPreviews } from './led-preview.tsx';
import { RelayStreams } from './relay-stream-state.tsx';
import { DeviceReason } from './device-reason.tsx';
import { BroadcastForm } from './broadcast-form-lazy.tsx';
import {
  checkBodyOf,
  clashDecisionText,
  clashesToDecide,
  conflictText,
  DecisionChoice,
  type ClashDecision,
} from './clash-choices.tsx';
import type { AppCtx } from '../app.tsx';
import type { BroadcastDetail as Detail } from '../../hub/api-contract/broadcasts.ts';
import type { Conflict, DraftCheck } from '../../hub/api-contract/schedule.ts';

export function BroadcastDetail({ ctx, id, onClose }: { ctx: AppCtx; id: string; onClose: () => void }) {
  const b = useResource<Detail>(
    `/api/v1/broadcasts/${id}`,
    [],
    ['receipt', 'broadcast', 'device'],
    (e) =>
      e.kind === 'device' ||
      (e.kind === 'receipt' && e.data.broadcastId === id) ||
      (e.kind === 'broadcast' && e.data.id === id),
  );
  const [error, setError] = useState('');
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState('');
  const x = b.data;
  if (!x) return <section class="card">{b.error ?? '…'}</section>;
  const me = ctx.me;
  // The hub allows the author to edit anything but an emergency, once per pending edit.
  const mayEdit =
    x.createdBy === me.id &&
    x.priority !== 'emergency' &&
    ['submitted', 'rejected', 'approved'].includes(x.status) &&
    !x.pendingRevision;
  if (editing)
    return (
      <BroadcastForm
        ctx={ctx}
        editing={x}
        onCancel={() => setEditing(false)}
        onSaved={(saved) => {
          setEditing(false);
          setNotice(
            saved.id !== x.id
              ? tx(
                  'Bản sửa đã được gửi duyệt; bản đã duyệt vẫn phát cho đến khi bản sửa được duyệt.',
                  'The edit is submitted; the approved version keeps airing until the edit is approved.',
                )
              : tx(
                  'Đã lưu thay đổi; bản tin chờ lãnh đạo duyệt lại.',
                  'Saved; the bulletin waits for a leader to approve it again.',
                ),
          );
          if (saved.decisionError) setError(saved.decisionError);
          b.reload();
        }}
      />
    );
  const mayCancel =
    (x.status === 'approved' || x.status === 'submitted') && (me.role !== 'operator' || x.createdBy === me.id);
  const cancel = async () => {
    if (
      !confirm(
        tx('Hủy lịch phát này? Thiết bị sẽ dừng nếu đang phát.', 'Cancel this broadcast? Devices stop it if playing.'),
      )
    )
      return;
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
        <button type="button" class="link" onClick={onClose}>
          {tx('Đóng', 'Close')}
        </button>
      </div>
      <p>
        {pick(STATUS, x.status)} · {x.rrule ? describeRrule(x.rrule, lang()) : fmtDateTime(x.startsAt, lang())} ·{' '}
        {[...x.targets.areas.map(areaName), ...x.targets.devices].join(', ')} · {tx('Âm lượng', 'Volume')} {x.volume}
      </p>
      {x.relay && (
        <p data-testid="detail-relay" data-relay-host={relayHost(x.relay.url)}>
          {relaySummary(x.relay, x.durationMs)} · {tx('Khi mất nguồn', 'If lost')}:{' '}
          {pick(RELAY_FALLBACK, x.relay.fallback)}
        </p>
      )}
      {x.relayStreams && <RelayStreams streams={x.relayStreams} reload={() => b.reload()} />}
      {decisionReason(x) && (
        <p class="muted" data-testid="decision-reason">
          {tx('Ghi chú', 'Note')}: {decisionReason(x)}
        </p>
      )}
      {notice && (
        <p class="alert info" data-testid="edit-notice">
          {notice}
        </p>
      )}
      {x.replaces && (
        <p class="muted small">
          {tx(
            'Đây là bản sửa của một lịch đã duyệt; khi được duyệt, nó thay thế bản cũ.',
            'This edits an approved broadcast; once approved it replaces it.',
          )}
        </p>
      )}
      {x.pendingRevision && (
        <p class="alert info" data-testid="pending-revision">
          {tx(
            'Có bản sửa đang chờ duyệt; bản này vẫn phát cho đến khi bản sửa được duyệt.',
            'An edit is waiting for approval; this version airs until then.',
          )}
        </p>
      )}
      {x.clashDecision && (
        <p class="alert decision" data-testid="clash-decision">
          {clashDecisionText(x.clashDecision)}
        </p>
      )}
      {x.createdBy === me.id && (x.status === 'submitted' || x.status === 'approved') && x.priority !== 'emergency' && (
        <LateClash x={x} onDecided={() => b.reload()} />
      )}
      {x.led && <LedBoardPreviews pages={x.led.pages} targets={x.targets} emergency={x.priority === 'emergency'} />}
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
            {x.devices.slice(0, 100).map((d) => (
              <tr data-state={d.state}>
                <td>{d.deviceName ?? d.deviceId}</td>
                <td>{fmtDateTime(d.scheduledStart, lang())}</td>
                <td>
                  <span class={`badge r-${d.state}`}>{pick(RESULT, d.state)}</span>
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
      {mayEdit && (
        <button
          type="button"
          onClick={() => {
            setNotice('');
            setError('');
            setEditing(true);
          }}
          data-testid="edit-broadcast"
        >
          {tx('Sửa', 'Edit')}
        </button>
      )}
      {mayCancel && (
        <button type="button" class="danger" onClick={cancel} data-testid="cancel-broadcast">
          {tx('Hủy lịch phát', 'Cancel broadcast')}
        </button>
      )}
    </section>
  );
}

/**
 * A higher level's bulletin of the same priority may arrive after this one was saved: the author
 * sees the clash here and decides, as they would have in the form.
 */
function LateClash({ x, onDecided }: { x: Detail; onDecided: () => void }) {
  const [clashes, setClashes] = useState<Conflict[]>([]);
  const [choice, setChoice] = useState<ClashDecision | ''>('');
  const [error, setError] = useState('');
  useEffect(() => {
    post<DraftCheck>(`/api/v1/broadcasts/check?exclude=${encodeURIComponent(x.id)}`, checkBodyOf(x)).then(
      (c) => setClashes(clashesToDecide(c.conflicts)),
      () => setClashes([]),
    );
  }, [x.id, x.clashDecision?.decision, x.clashDecision?.excluded]);
  if (clashes.length === 0) return null;
  const titles = [...new Set(clashes.map((c) => `«${c.title}»`))].join(', ');
  const record = async () => {
    setError('');
    try {
      await post(`/api/v1/broadcasts/${x.id}/decision`, {
        decision: choice,
        conflictsWith: [...new Set(clashes.map((c) => c.broadcastId))],
      });
      onDecided();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div class="alert decision" data-testid="late-clash">
      <p>
        {titles} — {conflictText('decision', 'higher')}
      </p>
      <DecisionChoice value={choice} onChange={setChoice} />
      {error && <p class="error">{error}</p>}
      <button type="button" class="primary" disabled={!choice} onClick={record} data-testid="record-decision">
        {tx('Ghi quyết định', 'Record the decision')}
      </button>
    </div>
  );
}
