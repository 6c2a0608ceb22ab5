// Periodic reports (báo cáo định kỳ): the monthly, quarterly and yearly reports a ward or district
// sends upward (docs/periodic-reports.md). The list by kind for the areas in scope, with status and
// due day; a report's totals and tables; regenerate a draft, sign it off (naming the document read by
// its SHA-256), revise a signed one with a reason; PDF, CSV and JSON. Loaded when first opened.
import { useState } from 'preact/hooks';
import { ApiError, post, withToken } from '../lib/api.ts';
import { useResource } from '../lib/hooks.ts';
import { lang, tx } from '../lib/i18n.ts';
import { fmtNumber, fmtPercent } from '../lib/format.ts';
import { can, myAreas } from '../lib/session.ts';
import { vnDate } from '../lib/time.ts';
import { periodLabel, ReportReminders } from '../components/report-reminders.tsx';
import type { AppCtx } from '../app.tsx';
import type {
  PeriodicReportDocument,
  PeriodicReportMeta,
  ReportKind,
  ReportOccurrences,
} from '../../hub/api-contract/periodic-reports.ts';

/** GET /api/v1/periodic-reports/:id */
type Report = PeriodicReportMeta & { document: PeriodicReportDocument };

const KINDS: Array<[ReportKind, string, string]> = [
  ['month', 'Tháng', 'Monthly'],
  ['quarter', 'Quý', 'Quarterly'],
  ['year', 'Năm', 'Yearly'],
];
const STATUS: Record<string, [string, string]> = {
  draft: ['Bản nháp', 'Draft'],
  signed: ['Đã ký', 'Signed'],
  superseded: ['Đã thay thế', 'Superseded'],
};
const dmy = (iso: string) => iso.slice(0, 10).split('-').reverse().join('/');

/** The period of `kind` just over at `now`, in Vietnam: the one a report is usually made for. */
function lastPeriod(kind: ReportKind, now: number): string {
  const [y, m] = vnDate(now).split('-').map(Number);
  if (kind === 'year') return String(y - 1);
  if (kind === 'quarter') {
    const q = Math.floor((m - 1) / 3); // this quarter's index, 0–3
    return q === 0 ? `${y - 1}-Q4` : `${y}-Q${q}`;
  }
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

export function ReportsPage({ ctx }: { ctx: AppCtx }) {
  const { me, areas } = ctx;
  const [kind, setKind] = useState<ReportKind>('month');
  const [open, setOpen] = useState<number | null>(null);
  // Bumped by every act here, so the reminders are read again.
  const [acts, setActs] = useState(0);
  const changed = () => {
    setActs((n) => n + 1);
    list.reload();
  };
  const list = useResource<{ reports: PeriodicReportMeta[] }>(
    `/api/v1/periodic-reports?kind=${kind}`,
    [],
    ['broadcast'],
  );
  const reports = list.data?.reports ?? [];
  return (
    <div class="stack">
      <ReportReminders version={acts} onOpen={setOpen} />
      <section class="card">
        <h2>{tx('Báo cáo định kỳ', 'Periodic reports')}</h2>
        <p class="muted small">
          {tx(
            'Báo cáo tháng, quý, năm gửi trước ngày 15 của tháng sau kỳ báo cáo (báo cáo năm: trước 15/01 năm sau). Số liệu chỉ tính các lần phát đã được thiết bị xác nhận và hệ thống chấp nhận; báo cáo đã ký không thay đổi.',
            'Monthly, quarterly and yearly reports are due before the 15th of the month after the period (the yearly one: before 15 January). Figures count only plays the devices confirmed and the hub admitted; a signed report never changes.',
          )}
        </p>
        {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons, as the calendar's views */}
        <div class="seg" role="group" aria-label={tx('Loại báo cáo', 'Kind')}>
          {KINDS.map(([k, vi, en]) => (
            <button
              type="button"
              class={`seg-item ${kind === k ? 'on' : ''}`}
              aria-pressed={kind === k}
              data-testid={`report-kind-${k}`}
              onClick={() => setKind(k)}
            >
              {tx(vi, en)}
            </button>
          ))}
        </div>
        {list.error && <p class="error">{list.error}</p>}
        <div class="table-wrap">
          <table data-testid="report-list" class="cards-on-phone">
            <thead>
              <tr>
                <th>{tx('Kỳ báo cáo', 'Period')}</th>
                <th>{tx('Địa bàn', 'Area')}</th>
                <th>{tx('Trạng thái', 'Status')}</th>
                <th>{tx('Hạn gửi', 'Due by')}</th>
                <th>{tx('Người ký', 'Signed by')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr data-testid="report-row" data-id={r.id} data-status={r.status} class={open === r.id ? 'on' : ''}>
                  <td data-label={tx('Kỳ báo cáo', 'Period')}>
                    <button type="button" class="link" onClick={() => setOpen(r.id)}>
                      {periodLabel(r.period)}
                    </button>
                    {r.version > 1 && ` · ${tx('bản sửa đổi', 'revision')} ${r.version}`}
                  </td>
                  <td data-label={tx('Địa bàn', 'Area')}>{r.areaName}</td>
                  <td data-label={tx('Trạng thái', 'Status')}>
                    <span class={`badge r-${r.status}`}>{tx(...STATUS[r.status])}</span>
                  </td>
                  <td data-label={tx('Hạn gửi', 'Due by')} class={r.overdue ? 'error' : ''} data-testid="report-due">
                    {dmy(r.dueBy)}
                    {r.overdue && ` (${tx('quá hạn', 'overdue')})`}
                  </td>
                  <td data-label={tx('Người ký', 'Signed by')}>
                    {r.signedBy
                      ? `${r.signedBy.name}, ${r.signedAt?.slice(0, 10).split('-').reverse().join('/')}`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {list.data && reports.length === 0 && (
          <p class="muted">{tx('Chưa có báo cáo nào loại này.', 'No reports of this kind yet.')}</p>
        )}
      </section>
      {can.reports(me) && (
        <Generate
          kind={kind}
          choices={myAreas(me, areas).filter((a) => a.level === 'ward' || a.level === 'district')}
          initial={me.scope ?? ''}
          onMade={(id) => {
            changed();
            setOpen(id);
          }}
        />
      )}
      {open !== null && (
        <ReportView key={open} id={open} mayAct={can.reports(me)} onChanged={changed} onOpen={setOpen} />
      )}
    </div>
  );
}

function Generate({
  kind,
  choices,
  initial,
  onMade,
}: {
  kind: ReportKind;
  choices: Array<{ path: string; name: string }>;
  initial: string;
  onMade: (id: number) => void;
}) {
  const [area, setArea] = useState(choices.some((a) => a.path === initial) ? initial : (choices[0]?.path ?? ''));
  const [period, setPeriod] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const shown = period ?? lastPeriod(kind, Date.now());
  const make = async (e: Event) => {
    e.preventDefault();
    setError('');
    setBusy(true);
    try {
      const r = await post<PeriodicReportMeta>('/api/v1/periodic-reports', { area, kind, period: shown });
      onMade(r.id);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card form" onSubmit={make} data-testid="report-generate">
      <h3>{tx('Lập báo cáo', 'Generate a report')}</h3>
      <div class="row">
        <label class="inline">
          {tx('Địa bàn', 'Area')}
          <select name="area" value={area} onChange={(e) => setArea((e.target as HTMLSelectElement).value)}>
            {choices.map((a) => (
              <option value={a.path}>{a.name}</option>
            ))}
          </select>
        </label>
        <label class="inline">
          {tx('Kỳ (2026-11, 2026-Q4 hoặc 2026)', 'Period (2026-11, 2026-Q4 or 2026)')}
          <input name="period" value={shown} onInput={(e) => setPeriod((e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {tx('Lập báo cáo', 'Generate')}
        </button>
      </div>
      {error && <p class="error">{error}</p>}
    </form>
  );
}

const rate = (o: ReportOccurrences) => (o.coverage === null ? '—' : fmtPercent(o.coverage, 1));

function ReportView({
  id,
  mayAct,
  onChanged,
  onOpen,
}: {
  id: number;
  mayAct: boolean;
  onChanged: () => void;
  onOpen: (id: number) => void;
}) {
  const r = useResource<Report>(`/api/v1/periodic-reports/${id}`, [id]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const act = async (f: () => Promise<Report>, then?: (x: Report) => void) => {
    setError('');
    setBusy(true);
    try {
      const x = await f();
      onChanged();
      if (then) then(x);
      else r.setData(x);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  if (r.error) return <p class="error">{r.error}</p>;
  if (!r.data) return <div class="loading">…</div>;
  const m = r.data;
  const d = m.document;
  const t = d.totals;
  const file = (format: string) => withToken(`/api/v1/periodic-reports/${m.id}/export?format=${format}&lang=${lang()}`);
  return (
    <section class="card" data-testid="report-view" data-status={m.status}>
      <h3>
        {tx('Báo cáo', 'Report')} {periodLabel(m.period)} — {m.areaName}
        {m.version > 1 && ` (${tx('bản sửa đổi', 'revision')} ${m.version})`}
      </h3>
      <p>
        <span class={`badge r-${m.status}`} data-testid="report-status">
          {tx(...STATUS[m.status])}
        </span>{' '}
        {tx('Hạn gửi', 'Due by')}{' '}
        <span class={m.overdue ? 'error' : ''}>
          {dmy(m.dueBy)}
          {m.overdue && ` (${tx('quá hạn', 'overdue')})`}
        </span>{' '}
        · {tx('Lập lúc', 'Generated')} {dmy(m.generatedAt)} {m.generatedAt.slice(11, 16)}
      </p>
      {m.signedBy && (
        <p data-testid="report-signed">
          {tx('Đã ký bởi', 'Signed by')} {m.signedBy.name}, {dmy(m.signedAt!)} {m.signedAt!.slice(11, 16)} ·{' '}
          {tx('SHA-256 của PDF', "The PDF's SHA-256")}:{' '}
          <code class="hash" data-testid="report-pdf-hash">
            {m.pdfSha256}
          </code>
        </p>
      )}
      {m.revisionReason && (
        <p class="muted">
          {tx('Lý do sửa đổi', 'Reason for the revision')}: {m.revisionReason}
        </p>
      )}
      {m.changedSince && (
        <p class="alert warn" data-testid="report-changed">
          {tx(
            'Số liệu đã thay đổi sau khi ký: báo cáo đã ký giữ nguyên; lập bản sửa đổi nếu cần gửi lại.',
            'The figures have changed since it was signed: the signed report stays as it is; revise it to send the new figures.',
          )}
        </p>
      )}
      <Totals t={t} />
      <Tables d={d} />
      <p class="muted small">
        {tx('SHA-256 của tài liệu', "The document's SHA-256")}:{' '}
        <code class="hash" data-testid="report-doc-hash">
          {m.documentSha256}
        </code>
      </p>
      <div class="row">
        <a class="button" href={file('pdf')} download data-testid="report-pdf">
          PDF
        </a>
        <a class="button" href={file('csv')} download data-testid="report-csv">
          CSV
        </a>
        <a class="button" href={file('json')} download data-testid="report-json">
          JSON
        </a>
        {mayAct && m.status === 'draft' && (
          <>
            <button
              type="button"
              disabled={busy}
              data-testid="report-regenerate"
              onClick={() =>
                act(() =>
                  post<Report>('/api/v1/periodic-reports', { area: m.areaPath, kind: m.kind, period: m.period }),
                )
              }
            >
              {tx('Tạo lại', 'Regenerate')}
            </button>
            <button
              type="button"
              class="primary"
              disabled={busy}
              data-testid="report-sign"
              title={tx(
                `Ký tài liệu có SHA-256 ${m.documentSha256}`,
                `Sign the document whose SHA-256 is ${m.documentSha256}`,
              )}
              onClick={() =>
                act(() => post<Report>(`/api/v1/periodic-reports/${m.id}/sign`, { documentSha256: m.documentSha256 }))
              }
            >
              {tx('Ký duyệt', 'Sign off')}
            </button>
          </>
        )}
      </div>
      {mayAct && m.status === 'signed' && (
        <form
          class="row"
          data-testid="report-revise"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              () => post<Report>(`/api/v1/periodic-reports/${m.id}/revise`, { reason }),
              (x) => onOpen(x.id),
            );
          }}
        >
          <label class="inline">
            {tx('Lý do sửa đổi', 'Reason for the revision')}
            <input
              name="reason"
              value={reason}
              required
              maxLength={1000}
              onInput={(e) => setReason((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={busy || !reason.trim()}>
            {tx('Lập bản sửa đổi', 'Revise')}
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Totals({ t }: { t: PeriodicReportDocument['totals'] }) {
  const cells: Array<[string, string, string]> = [
    ['Bản tin', 'Bulletins', fmtNumber(t.bulletins)],
    ['Thiết bị', 'Devices', fmtNumber(t.devices)],
    ['Lượt theo kế hoạch', 'Scheduled', fmtNumber(t.scheduled)],
    ['Đã phát', 'Played', fmtNumber(t.played)],
    ['Phát một phần', 'Partial', fmtNumber(t.partial)],
    ['Lỗi', 'Failed', fmtNumber(t.failed)],
    ['Không xác nhận', 'Missed', fmtNumber(t.missed)],
    ['Giờ phát', 'Hours aired', fmtNumber(t.hoursAired, 2)],
    ['Độ phủ', 'Coverage', rate(t)],
    ['Xác nhận bị từ chối', 'Rejected claims', fmtNumber(t.rejectedClaims)],
  ];
  return (
    <dl class="report-totals" data-testid="report-totals">
      {cells.map(([vi, en, v]) => (
        <div>
          <dt>{tx(vi, en)}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A titled table, or nothing when it has no rows. */
function Table({ id, title, head, rows }: { id: string; title: string; head: string[]; rows: string[][] }) {
  return (
    <div class="table-wrap" data-testid={`report-${id}`}>
      <h4>{title}</h4>
      {rows.length === 0 ? (
        <p class="muted small">{tx('Không có.', 'None.')}</p>
      ) : (
        <table class="cards-on-phone">
          <thead>
            <tr>
              {head.map((h) => (
                <th>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                {row.map((c, i) => (
                  <td data-label={head[i]}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Tables({ d }: { d: PeriodicReportDocument }) {
  const n = (v: number) => fmtNumber(v);
  const occ = [tx('Kế hoạch', 'Scheduled'), tx('Đã phát', 'Played'), tx('Giờ phát', 'Hours'), tx('Độ phủ', 'Coverage')];
  const occRow = (o: ReportOccurrences) => [
    n(o.scheduled),
    n(o.played + o.partial),
    fmtNumber(o.hoursAired, 2),
    rate(o),
  ];
  const when = (iso: string | null) => (iso ? `${dmy(iso)} ${iso.slice(11, 16)}` : '—');
  return (
    <>
      <Table
        id="campaigns"
        title={tx('Theo chuyên đề', 'By campaign')}
        head={[tx('Chuyên đề', 'Campaign'), tx('Bản tin', 'Bulletins'), ...occ, tx('Loa đạt chỉ tiêu', 'Speakers met')]}
        rows={d.byCampaign.map((c) => [c.name, n(c.bulletins), ...occRow(c), `${c.speakersMet}/${c.speakers}`])}
      />
      <Table
        id="wards"
        title={tx('Theo phường', 'By ward')}
        head={[tx('Phường', 'Ward'), tx('Thiết bị', 'Devices'), tx('Bản tin', 'Bulletins'), ...occ]}
        rows={d.byWard.map((w) => [w.areaName, n(w.devices), n(w.bulletins), ...occRow(w)])}
      />
      <Table
        id="devices"
        title={tx('Theo thiết bị', 'By device')}
        head={[tx('Thiết bị', 'Device'), ...occ, tx('Lỗi', 'Failed'), tx('Không xác nhận', 'Missed')]}
        rows={d.byDevice.map((x) => [x.deviceName, ...occRow(x), n(x.failed), n(x.missed)])}
      />
      <Table
        id="failures"
        title={tx('Không phát đủ, theo lý do', 'Not played in full, by reason')}
        head={[tx('Lý do', 'Reason'), tx('Số lượt', 'Count')]}
        rows={d.failures.map((f) => [f.reasonText ? tx(f.reasonText.vi, f.reasonText.en) : f.reasonCode, n(f.count)])}
      />
      <Table
        id="led"
        title={tx(
          `Thông điệp LED (${d.led.shown}/${d.led.messages} đã hiện)`,
          `LED messages (${d.led.shown}/${d.led.messages} shown)`,
        )}
        head={[
          tx('Bản tin', 'Bulletin'),
          tx('Nội dung', 'Text'),
          tx('Bảng LED', 'Boards'),
          tx('Đã hiện/kế hoạch', 'Shown/scheduled'),
        ]}
        rows={d.led.byMessage.map((x) => [x.title, x.text, n(x.boards), `${x.shown}/${x.scheduled}`])}
      />
      <Table
        id="emergencies"
        title={tx('Tin khẩn cấp', 'Emergencies')}
        head={[
          tx('Bản tin', 'Bulletin'),
          tx('Gửi lúc', 'Sent'),
          tx('Đã xác nhận', 'Confirmed'),
          tx('Xác nhận đủ lúc', 'All confirmed'),
          tx('Thời gian đến khi xác nhận đủ', 'Time to full confirmation'),
        ]}
        rows={d.emergencies.map((e) => [
          e.title,
          when(e.sentAt),
          `${e.confirmed}/${e.devices}`,
          when(e.fullyConfirmedAt),
          e.secondsToFullConfirmation === null
            ? '—'
            : `${fmtNumber(e.secondsToFullConfirmation, 1)} ${tx('giây', 's')}`,
        ])}
      />
    </>
  );
}
