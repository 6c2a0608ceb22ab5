// Coverage per area and period (month, quarter, year): scheduled vs played vs failed vs missed,
// with the devices' reasons, as an SVG chart and tables; CSV and PDF exports.
import { useState } from 'preact/hooks';
import { get, withToken } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { lang, pick, RESULT, tx } from '../lib/i18n.ts';
import { fmtDateTime, vnParts } from '../lib/time.ts';
import { fmtNumber, fmtPercent, fmtSeconds } from '../lib/format.ts';
import { myAreas } from '../lib/session.ts';
import { DeviceReason } from '../components/device-reason.tsx';
import type { AppCtx } from '../app.tsx';
import type { Counts, CoverageReport, CoverageRowsPage, RejectedClaimsPage } from '../../hub/api-contract/reports.ts';
import { STREAM_KIND_WORDS, STREAM_SECTION_WORDS } from '../../hub/text/streams.ts';

/** Why the hub refused to count a signed receipt (hub/ingest/admission.ts). */
const REJECTION: Record<string, [string, string]> = {
  unplanned: ['ngoài kế hoạch', 'not planned'],
  'not-targeted': ['không nhắm tới thiết bị này', 'not targeted at this device'],
  premature: ['gửi trước giờ phát', 'sent before it could air'],
  implausible: ['thời gian, số giây không hợp lý', 'implausible times or seconds'],
};

/**
 * The played rate over the occurrences that were due: those still pending (not yet due, or within
 * the grace for their confirmation) are left out of the denominator, not counted as not played.
 */
export const rateOf = (x: { played: number; scheduled: number; pending: number }) => {
  const due = x.scheduled - x.pending;
  return fmtPercent(x.played, due);
};
/** "Tháng 11/2026", "Quý 4/2026", "Năm 2026" (English: "November 2026", "Q4 2026", "2026"). */
const periodName = (kind: string, year: number, month: number, quarter: number) =>
  kind === 'month'
    ? tx(`Tháng ${month}/${year}`, `${month}/${year}`)
    : kind === 'quarter'
      ? tx(`Quý ${quarter}/${year}`, `Q${quarter} ${year}`)
      : tx(`Năm ${year}`, `${year}`);
/** "không tính 1 lần chưa đến giờ" next to a rate, when some were left out. */
const pendingNote = (pending: number) =>
  pending > 0
    ? tx(`không tính ${fmtNumber(pending)} lần chưa đến giờ`, `${fmtNumber(pending)} not yet due left out`)
    : '';

const KEYS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
const COLORS: Record<string, string> = {
  played: '#2e7d32',
  partial: '#f9a825',
  failed: '#c62828',
  missed: '#6d4c41',
  preempted: '#5e35b1',
  skipped: '#78909c',
  pending: '#b0bec5',
};

export function CoveragePage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const choices = myAreas(me, areas);
  const now = vnParts(Date.now());
  const [area, setArea] = useState(me.scope ?? choices[0]?.path ?? '');
  const [kind, setKind] = useState<'month' | 'quarter' | 'year'>('month');
  const [year, setYear] = useState(now.y);
  const [month, setMonth] = useState(now.mo);
  const [quarter, setQuarter] = useState(Math.ceil(now.mo / 3));
  const period =
    kind === 'month'
      ? `${year}-${String(month).padStart(2, '0')}`
      : kind === 'quarter'
        ? `${year}-Q${quarter}`
        : `${year}`;
  const q = `area=${encodeURIComponent(area)}&period=${period}`;
  const report = useResource<CoverageReport>(`/api/v1/reports/coverage?${q}`, [], ['receipt']);
  const r = report.data;
  // The report's totals come whole; the occurrences not played in full, a page at a time.
  const problems = usePages(
    `/api/v1/reports/coverage/rows?${q}&result=${PROBLEMS.join(',')}`,
    (p: CoverageRowsPage) => p.rows,
  );
  const problemCount = r ? r.totals.scheduled - r.totals.played - r.totals.pending : 0;
  return (
    <div class="stack">
      <section class="card">
        <div class="toolbar">
          <label class="inline">
            {tx('Khu vực', 'Area')}
            <select
              value={area}
              data-testid="cov-area"
              onChange={(e) => setArea((e.target as HTMLSelectElement).value)}
            >
              {choices.map((a) => (
                <option value={a.path}>{a.name}</option>
              ))}
            </select>
          </label>
          <label class="inline">
            {tx('Kỳ', 'Period')}
            <select
              value={kind}
              data-testid="cov-kind"
              onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}
            >
              <option value="month">{tx('Tháng', 'Month')}</option>
              <option value="quarter">{tx('Quý', 'Quarter')}</option>
              <option value="year">{tx('Năm', 'Year')}</option>
            </select>
          </label>
          {kind === 'month' && (
            <select
              value={month}
              onChange={(e) => setMonth(+(e.target as HTMLSelectElement).value)}
              aria-label={tx('Tháng', 'Month')}
            >
              {Array.from({ length: 12 }, (_, i) => (
                <option value={i + 1}>{tx(`Tháng ${i + 1}`, `Month ${i + 1}`)}</option>
              ))}
            </select>
          )}
          {kind === 'quarter' && (
            <select
              value={quarter}
              onChange={(e) => setQuarter(+(e.target as HTMLSelectElement).value)}
              aria-label={tx('Quý', 'Quarter')}
            >
              {[1, 2, 3, 4].map((i) => (
                <option value={i}>{tx(`Quý ${i}`, `Q${i}`)}</option>
              ))}
            </select>
          )}
          <input
            type="number"
            value={year}
            min={2020}
            max={2100}
            onInput={(e) => setYear(+(e.target as HTMLInputElement).value || now.y)}
            aria-label={tx('Năm', 'Year')}
            class="year"
          />
          <a
            class="button"
            href={withToken(`/api/v1/reports/coverage?${q}&format=csv&lang=${lang()}`)}
            data-testid="csv"
            download
          >
            CSV
          </a>
          <a class="button" href={withToken(`/api/v1/reports/coverage.pdf?${q}`)} data-testid="pdf" download>
            PDF
          </a>
        </div>
        {report.error && <p class="error">{report.error}</p>}
        {r && (
          <>
            <h2>
              {tx('Báo cáo độ phủ', 'Coverage report')} — {r.area.name} · {periodName(kind, year, month, quarter)}
            </h2>
            <div class="totals" data-testid="totals">
              <Stat label={tx('Kế hoạch', 'Scheduled')} value={r.totals.scheduled} k="scheduled" />
              {KEYS.map((k) => (
                <Stat label={pick(RESULT, k)} value={r.totals[k]} k={k} />
              ))}
              <Stat
                label={tx('Giây đã phát', 'Seconds played')}
                value={Math.round(r.totals.secondsPlayed)}
                k="seconds"
              />
            </div>
            <p data-testid="rate">
              {tx('Tỉ lệ phát', 'Played rate')}: <strong data-testid="rate-value">{rateOf(r.totals)}</strong>{' '}
              <span class="muted small" data-testid="rate-note">
                (
                {tx(
                  `${fmtNumber(r.totals.played)}/${fmtNumber(r.totals.scheduled - r.totals.pending)} lần đã đến giờ`,
                  `${fmtNumber(r.totals.played)} of ${fmtNumber(r.totals.scheduled - r.totals.pending)} due`,
                )}
                {r.totals.pending > 0 ? `; ${pendingNote(r.totals.pending)}` : ''})
              </span>
            </p>
            <Chart rows={r.byArea} />
          </>
        )}
      </section>
      {r && (
        <section class="card">
          <h3>{tx('Theo khu vực', 'By area')}</h3>
          <CountsTable rows={r.byArea} name={(x) => x.areaName} />
          <h3>{tx('Theo thiết bị', 'By device')}</h3>
          <CountsTable rows={r.byDevice} name={(x) => x.deviceName} />
          {r.relay.occurrences > 0 && <StreamTable kind="relay" stream={r.relay} />}
          {r.live && r.live.occurrences > 0 && <StreamTable kind="live" stream={r.live} />}
          <h3>
            {tx('Không phát đủ, kèm lý do', 'Not fully played, with reasons')} ({problemCount})
          </h3>
          <div class="table-wrap">
            <table data-testid="problems" class="cards-on-phone">
              <thead>
                <tr>
                  <th>{tx('Giờ kế hoạch', 'Scheduled')}</th>
                  <th>{tx('Thiết bị', 'Device')}</th>
                  <th>{tx('Bản tin', 'Bulletin')}</th>
                  <th>{tx('Kết quả', 'Result')}</th>
                  <th>{tx('Lý do', 'Reason')}</th>
                </tr>
              </thead>
              <tbody>
                {problems.items.map((x) => (
                  <tr data-testid="problem-row">
                    <td data-label={tx('Giờ kế hoạch', 'Scheduled')}>{fmtDateTime(x.scheduledStart, lang())}</td>
                    <td data-label={tx('Thiết bị', 'Device')}>{x.deviceName}</td>
                    <td data-label={tx('Bản tin', 'Bulletin')}>{x.title}</td>
                    <td data-label={tx('Kết quả', 'Result')}>
                      <span class={`badge r-${x.result}`}>{pick(RESULT, x.result)}</span>
                    </td>
                    <td data-label={tx('Lý do', 'Reason')} class="reason" data-testid="problem-reason">
                      <DeviceReason state={x.result} reason={x.reason} text={x.reasonText} />
                      {x.relay && (
                        <span class="muted small" data-testid="problem-relay" data-kind={x.relay.kind ?? 'relay'}>
                          {' '}
                          {relaySecondsText(x.relay)}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton pages={problems} testid="problems-more" />
          <RejectedClaims q={q} count={r.rejectedCount} />
        </section>
      )}
    </div>
  );
}

/**
 * Signed receipts the hub did not count: kept as evidence of what a device claimed, so the district
 * sees a device (or a stolen key) reporting what was never planned for it.
 */
function RejectedClaims({ q, count }: { q: string; count: number }) {
  const pages = usePages(`/api/v1/reports/coverage/rejected?${q}`, (p: RejectedClaimsPage) => p.claims);
  const claims = pages.items;
  return (
    <>
      <h3>
        {tx('Báo cáo bị từ chối, không tính vào độ phủ', 'Rejected claims, not counted')} ({count})
      </h3>
      {count === 0 ? (
        <p class="muted">{tx('Không có.', 'None.')}</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="rejected" class="cards-on-phone">
            <thead>
              <tr>
                <th>{tx('Nhận lúc', 'Received')}</th>
                <th>{tx('Thiết bị', 'Device')}</th>
                <th>{tx('Bản tin', 'Bulletin')}</th>
                <th>{tx('Thiết bị báo', 'Claimed')}</th>
                <th>{tx('Lý do từ chối', 'Why refused')}</th>
              </tr>
            </thead>
            <tbody>
              {claims.map((c) => (
                <tr>
                  <td data-label={tx('Nhận lúc', 'Received')}>{fmtDateTime(c.receivedAt, lang())}</td>
                  <td data-label={tx('Thiết bị', 'Device')}>{c.deviceName}</td>
                  <td data-label={tx('Bản tin', 'Bulletin')}>{c.title ?? c.broadcastId}</td>
                  <td data-label={tx('Thiết bị báo', 'Claimed')}>
                    <span class={`badge r-${c.claimedResult}`}>{pick(RESULT, c.claimedResult)}</span>{' '}
                    {fmtSeconds(c.claimedSecondsPlayed)}
                  </td>
                  <td data-label={tx('Lý do từ chối', 'Why refused')}>
                    {pick(REJECTION, c.rejection)}
                    {c.rejectionDetail && (
                      <details class="tech small">
                        <summary>{tx('Chi tiết kỹ thuật', 'Technical detail')}</summary>
                        <code class="muted">{c.rejectionDetail}</code>
                      </details>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <MoreButton pages={pages} testid="rejected-more" />
        </div>
      )}
    </>
  );
}

const PROBLEMS = ['partial', 'failed', 'missed', 'preempted', 'skipped'];

/**
 * A list the hub pages (hub/reports/coverage.ts): the first page reloads when a receipt arrives;
 * "Xem thêm" appends the next one. Pages already read are dropped when the list changes (url).
 */
function usePages<P extends { next: string | null }, T>(url: string, itemsOf: (page: P) => T[]) {
  const first = useResource<P>(url, [], ['receipt']);
  const [more, setMore] = useState<{ url: string; items: T[]; next: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const extra = more && more.url === url ? more : null;
  const next: string | null = extra ? extra.next : (first.data?.next ?? null);
  return {
    items: [...(first.data ? itemsOf(first.data) : []), ...(extra?.items ?? [])],
    next,
    busy,
    error: first.error,
    async loadMore() {
      if (!next) return;
      setBusy(true);
      try {
        const p = await get<P>(`${url}&cursor=${encodeURIComponent(next)}`);
        setMore({ url, items: [...(extra?.items ?? []), ...itemsOf(p)], next: p.next });
      } finally {
        setBusy(false);
      }
    },
  };
}

function MoreButton({ pages, testid }: { pages: ReturnType<typeof usePages>; testid: string }) {
  if (!pages.next) return null;
  return (
    <button type="button" class="secondary" data-testid={testid} disabled={pages.busy} onClick={() => pages.loadMore()}>
      {tx('Xem thêm', 'Show more')}
    </button>
  );
}

/** "Tiếp âm: đã phát 1.200,5 giây, mất 599,5 giây" (or "Phát trực tiếp: …" for a live session). */
const relaySecondsText = (r: { secondsAired: number; secondsLost: number; kind?: 'relay' | 'live' }) => {
  const kind = STREAM_KIND_WORDS[r.kind ?? 'relay']!;
  return tx(
    `${kind.vi}: đã phát ${fmtSeconds(r.secondsAired)}, mất ${fmtSeconds(r.secondsLost)}`,
    `${kind.en}: ${fmtSeconds(r.secondsAired)} aired, ${fmtSeconds(r.secondsLost)} lost`,
  );
};

/**
 * Relays (tiếp âm), or live sessions (phát trực tiếp), by seconds aired and lost on each device
 * (admitted receipts only): a section each, so a live session is never read as a relay.
 */
function StreamTable({ kind, stream }: { kind: 'relay' | 'live'; stream: CoverageReport['relay'] }) {
  const words = STREAM_SECTION_WORDS[kind];
  const share = fmtPercent(stream.secondsAired, stream.secondsAired + stream.secondsLost, 1);
  return (
    <>
      <h3>{tx(words.title.vi, words.title.en)}</h3>
      <p data-testid={`${kind}-totals`}>
        {tx(
          `${fmtNumber(stream.occurrences)} ${words.occurrences.vi}; đã phát ${fmtSeconds(stream.secondsAired)}, mất ${fmtSeconds(stream.secondsLost)} (${share} đã phát).`,
          `${fmtNumber(stream.occurrences)} ${words.occurrences.en}; ${fmtSeconds(stream.secondsAired)} aired, ${fmtSeconds(stream.secondsLost)} lost (${share} aired).`,
        )}
      </p>
      <div class="table-wrap">
        <table data-testid={`${kind}-by-device`} class="cards-on-phone">
          <thead>
            <tr>
              <th>{tx('Thiết bị', 'Device')}</th>
              <th>{tx('Số lần', 'Occurrences')}</th>
              <th>{tx('Giây đã phát', 'Seconds aired')}</th>
              <th>{tx('Giây bị mất', 'Seconds lost')}</th>
            </tr>
          </thead>
          <tbody>
            {stream.byDevice.map((d) => (
              <tr data-device={d.deviceId}>
                <td data-label={tx('Thiết bị', 'Device')}>{d.deviceName}</td>
                <td data-label={tx('Số lần', 'Occurrences')}>{fmtNumber(d.occurrences)}</td>
                <td data-label={tx('Giây đã phát', 'Seconds aired')}>{fmtNumber(d.secondsAired, 1)}</td>
                <td data-label={tx('Giây bị mất', 'Seconds lost')}>{fmtNumber(d.secondsLost, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Stat({ label, value, k }: { label: string; value: number; k: string }) {
  return (
    <div class="stat" data-k={k}>
      <span class="v" style={{ color: COLORS[k] }}>
        {fmtNumber(value)}
      </span>
      <span class="l">{label}</span>
    </div>
  );
}

function CountsTable<R extends Counts>({ rows, name }: { rows: R[]; name: (x: R) => string }) {
  return (
    <>
      <p class="scroll-cue muted small">
        {tx('Bảng rộng: vuốt ngang để xem thêm cột →', 'A wide table: swipe sideways for more columns →')}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th />
              <th>{tx('Kế hoạch', 'Scheduled')}</th>
              {KEYS.map((k) => (
                <th>{pick(RESULT, k)}</th>
              ))}
              <th
                title={tx(
                  'Đã phát / số lần đã đến giờ (không tính lần chưa đến giờ)',
                  'Played / occurrences due (those not yet due left out)',
                )}
              >
                {tx('Tỉ lệ (trên số lần đã đến giờ)', 'Rate (of those due)')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((x) => (
              <tr>
                <td>{name(x)}</td>
                <td>{fmtNumber(x.scheduled)}</td>
                {KEYS.map((k) => (
                  <td>{fmtNumber(x[k])}</td>
                ))}
                <td data-testid="row-rate">
                  {rateOf(x)}
                  {x.pending > 0 && <div class="muted small">{pendingNote(x.pending)}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * Horizontal stacked bars, one per area, drawn in HTML so text keeps its CSS size on any screen
 * (an SVG scaled to a phone shrank it to 6 px): names wrap above their bar on a phone, and the
 * legend wraps so every colour keeps its label.
 */
function Chart({ rows }: { rows: CoverageReport['byArea'] }) {
  const max = Math.max(1, ...rows.map((r) => r.scheduled));
  return (
    <figure class="cov-chart" data-testid="chart" aria-label={tx('Biểu đồ độ phủ theo khu vực', 'Coverage by area')}>
      <ul class="cov-legend" data-testid="chart-legend">
        {KEYS.map((k) => (
          <li data-k={k}>
            <span class="swatch" style={{ background: COLORS[k] }} />
            {pick(RESULT, k)}
          </li>
        ))}
      </ul>
      {rows.map((r) => (
        <div class="cov-row" data-area={r.areaPath} data-testid="chart-row">
          <div class="cov-name">{r.areaName}</div>
          <div class="cov-track">
            <div class="cov-bar" style={{ width: `${(100 * r.scheduled) / max}%` }}>
              {KEYS.map((k) =>
                r[k] > 0 ? (
                  <span
                    class="cov-seg"
                    data-k={k}
                    style={{ flexGrow: r[k], background: COLORS[k] }}
                    title={`${pick(RESULT, k)}: ${fmtNumber(r[k])}`}
                  />
                ) : null,
              )}
            </div>
            <span class="cov-count">
              {fmtNumber(r.played)}/{fmtNumber(r.scheduled)}
            </span>
          </div>
        </div>
      ))}
    </figure>
  );
}
