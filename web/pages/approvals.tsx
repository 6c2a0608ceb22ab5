// The leader's queue: listen or preview, then approve, or reject with a reason. Nobody approves
// their own bulletin (the hub refuses it); the page says so instead of showing the buttons.
import { useEffect, useState } from 'preact/hooks';
import { post, ApiError } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { decisionReason, lang, pick, PRIORITY, STATUS, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import { describeRrule } from '../lib/rrule-form.ts';
import { AudioWithWave } from '../components/waveform.tsx';
import { BroadcastDetail } from '../components/broadcast-detail.tsx';
import { LedBoardPreviews } from '../components/led-preview.tsx';
import {
  checkBodyOf,
  clashDecisionText,
  conflictText,
  conflictTitle,
  groupConflicts,
  SameLevelChoice,
  whoPlaysOf,
  whoPlaysText,
  type ClashDecision,
} from '../components/clash-choices.tsx';
import type { AppCtx } from '../app.tsx';
import type { Broadcast } from '../../hub/api-contract/broadcasts.ts';
import type { LibraryItem, MediaItem } from '../../hub/api-contract/media.ts';
import type { DraftCheck } from '../../hub/api-contract/schedule.ts';

export function ApprovalsPage({ ctx }: { ctx: AppCtx }) {
  const queue = useResource<Broadcast[]>('/api/v1/broadcasts?status=submitted', [], ['broadcast']);
  const recent = useResource<Broadcast[]>('/api/v1/broadcasts', [], ['broadcast']);
  const names = useResource<Record<string, string>>('/api/v1/user-names');
  const media = useResource<LibraryItem[]>('/api/v1/media', [], ['media']);
  const areaName = (p: string) => ctx.areas.find((a) => a.path === p)?.name ?? p;
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div class="stack">
      {open && <BroadcastDetail ctx={ctx} id={open} onClose={() => setOpen(null)} />}
      <section class="card">
        <h2>
          {tx('Chờ phê duyệt', 'Awaiting approval')} ({queue.data?.length ?? '…'})
        </h2>
        {queue.data?.length === 0 && (
          <p class="muted">{tx('Không có bản tin nào chờ duyệt.', 'Nothing is waiting for approval.')}</p>
        )}
        {queue.data?.map((b) => (
          <Item
            b={b}
            me={ctx.me}
            author={names.data?.[b.createdBy] ?? `#${b.createdBy}`}
            media={media.data?.find((m) => m.id === b.mediaId)}
            areaName={areaName}
            onDone={() => {
              queue.reload();
              recent.reload();
            }}
          />
        ))}
      </section>
      <section class="card">
        <h2>{tx('Đã quyết định gần đây', 'Recently decided')}</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>{tx('Tiêu đề', 'Title')}</th>
                <th>{tx('Mức độ', 'Priority')}</th>
                <th>{tx('Trạng thái', 'Status')}</th>
                <th>{tx('Người quyết định', 'Decided by')}</th>
                <th>{tx('Lý do', 'Reason')}</th>
              </tr>
            </thead>
            <tbody>
              {recent.data
                ?.filter((b) => b.status !== 'submitted')
                .slice(0, 20)
                .map((b) => (
                  <tr data-testid="decided-row" data-status={b.status}>
                    <td>
                      <button
                        type="button"
                        class="link"
                        onClick={() => {
                          setOpen(b.id);
                          scrollTo({ top: 0 });
                        }}
                      >
                        {b.title}
                      </button>
                    </td>
                    <td class={`p-${b.priority}`}>{pick(PRIORITY, b.priority)}</td>
                    <td>{pick(STATUS, b.status)}</td>
                    <td>
                      {b.decidedBy ? names.data?.[b.decidedBy] : '—'}{' '}
                      <span class="muted small">{fmtDateTime(b.decidedAt, lang())}</span>
                    </td>
                    <td data-testid="decision-reason">{decisionReason(b)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  );
}

function Item({
  b,
  me,
  author,
  media,
  areaName,
  onDone,
}: {
  b: Broadcast;
  me: AppCtx['me'];
  author: string;
  media: MediaItem | undefined;
  areaName: (p: string) => string;
  onDone: () => void;
}) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const [choice, setChoice] = useState<ClashDecision | ''>('');
  const own = b.createdBy === me.id;
  // What approving would collide with, and whether quiet hours forbid it.
  const [check, setCheck] = useState<DraftCheck | null>(null);
  useEffect(() => {
    post<DraftCheck>(`/api/v1/broadcasts/check?exclude=${encodeURIComponent(b.id)}`, checkBodyOf(b)).then(
      setCheck,
      () => setCheck(null),
    );
  }, [b.id]);
  // Approved bulletins of the same level this one clashes with: the leader chooses which plays.
  const chooseAgainst: string[] = [
    ...new Set<string>((check?.conflicts ?? []).filter((c) => c.leaderChooses).map((c) => c.title)),
  ];
  const act = async (path: string, body: unknown = {}) => {
    setError('');
    try {
      await post(path, body);
      onDone();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <article class="queue-item" data-testid="queue-item" data-title={b.title}>
      <header>
        <strong>{b.title}</strong> <span class={`badge p-${b.priority}`}>{pick(PRIORITY, b.priority)}</span>
      </header>
      <p class="muted small">
        {tx('Người soạn', 'Author')}: {author} · {tx('Gửi lúc', 'Submitted')} {fmtDateTime(b.createdAt, lang())} ·{' '}
        {tx('Âm lượng', 'Volume')} {b.volume}
      </p>
      <p>
        {tx('Phát', 'When')}: {b.rrule ? describeRrule(b.rrule, lang()) : fmtDateTime(b.startsAt, lang())} ·{' '}
        {tx('Nơi phát', 'Where')}: {[...b.targets.areas.map(areaName), ...b.targets.devices].join(', ')}
      </p>
      {check && check.quietHours.length > 0 && (
        <p class="alert error" data-testid="queue-quiet">
          {tx(
            `Trùng giờ yên tĩnh ${check.quietHours[0].window.start}–${check.quietHours[0].window.end} (${check.quietHours[0].window.areaName}); hệ thống sẽ không cho phê duyệt.`,
            `In the quiet hours ${check.quietHours[0].window.start}–${check.quietHours[0].window.end} (${check.quietHours[0].window.areaName}); it cannot be approved.`,
          )}
        </p>
      )}
      {groupConflicts(check?.conflicts ?? []).map((g) => (
        <div
          class={`alert ${g.kind === 'decision' ? 'decision' : g.kind === 'preempts' ? 'info' : 'warn'}`}
          data-testid={`queue-conflict-${g.kind}`}
        >
          <strong>{conflictTitle(g.kind)}</strong>: «{g.title}» ({pick(PRIORITY, g.priority)}, {pick(STATUS, g.status)})
          — {conflictText(g.kind, g.otherLevel)}
          {g.kind === 'overlap' && (
            <p data-testid="queue-who-plays" data-plays={whoPlaysOf(g)}>
              {whoPlaysText(g, true)}
            </p>
          )}
        </div>
      ))}
      {!own && chooseAgainst.length > 0 && (
        <SameLevelChoice titles={chooseAgainst} value={choice} onChange={setChoice} />
      )}
      {check?.clashDecision && (
        <p class="alert decision" data-testid="queue-clash-decision">
          {clashDecisionText(check.clashDecision)}
        </p>
      )}
      {media && <AudioWithWave media={media} />}
      {b.led && <LedBoardPreviews pages={b.led.pages} targets={b.targets} />}
      {own ? (
        <p class="alert info" data-testid="own-note">
          {tx(
            'Bạn là người soạn bản tin này nên không thể tự phê duyệt; một lãnh đạo khác phải duyệt.',
            'You wrote this bulletin, so you cannot approve it; another leader must.',
          )}
        </p>
      ) : (
        <div class="row">
          <button
            type="button"
            class="primary"
            data-testid="approve"
            disabled={chooseAgainst.length > 0 && !choice}
            onClick={() =>
              act(`/api/v1/broadcasts/${b.id}/approve`, choice && chooseAgainst.length ? { clashes: choice } : {})
            }
          >
            {chooseAgainst.length > 0 && choice
              ? choice === 'air-ours'
                ? tx('Phê duyệt — bản tin này phát', 'Approve — this one plays')
                : tx('Phê duyệt — bản tin này nhường', 'Approve — this one steps aside')
              : tx('Phê duyệt', 'Approve')}
          </button>
          {!rejecting && (
            <button type="button" data-testid="reject" onClick={() => setRejecting(true)}>
              {tx('Từ chối', 'Reject')}
            </button>
          )}
        </div>
      )}
      {rejecting && (
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            // act shows its own errors.
            if (reason.trim()) void act(`/api/v1/broadcasts/${b.id}/reject`, { reason: reason.trim() });
          }}
        >
          <input
            placeholder={tx('Lý do từ chối (bắt buộc)', 'Reason (required)')}
            value={reason}
            data-testid="reason"
            required
            onInput={(e) => setReason((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="danger" data-testid="confirm-reject" disabled={!reason.trim()}>
            {tx('Xác nhận từ chối', 'Reject')}
          </button>
        </form>
      )}
      {error && <p class="error">{error}</p>}
    </article>
  );
}
