// The reports the user must sign and has not (GET /api/v1/periodic-reports/reminders): a ward's by
// its leaders, a district's by its office, from the day after the period until signed, due before
// the 15th. Shown above every page for those who sign, and on the reports page.
import { useState } from 'preact/hooks';
import { useResource } from '../lib/hooks.ts';
import { tx } from '../lib/i18n.ts';
import type { ReportKind } from '../../hub/api-contract/periodic-reports.ts';

interface Reminder {
  reportId: number;
  areaName: string;
  kind: ReportKind;
  period: string;
  dueBy: string;
  daysLeft: number;
}

/** "2026-11" → "Tháng 11/2026", "2026-Q4" → "Quý 4/2026", "2026" → "Năm 2026". */
export function periodLabel(period: string): string {
  const q = /^(\d{4})-Q(\d)$/.exec(period);
  if (q) return tx(`Quý ${q[2]}/${q[1]}`, `Q${q[2]} ${q[1]}`);
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return tx(`Tháng ${+m[2]}/${m[1]}`, `${m[2]}/${m[1]}`);
  return tx(`Năm ${period}`, period);
}

/** The banner names this many (the earliest due first) and counts the rest. */
const SHOWN = 3;
const more = (n: number) => tx(`và ${n} báo cáo khác`, `and ${n} more`);

/**
 * `onOpen`: on the reports page, opens a report, and "more" lists them all; elsewhere each reminder
 * and "more" lead to that page. `version`: read again when it changes (after an act on the page).
 */
export function ReportReminders({ onOpen, version }: { onOpen?: (id: number) => void; version?: number }) {
  const list = useResource<{ reminders: Reminder[] }>('/api/v1/periodic-reports/reminders', [version], ['broadcast']);
  const [expanded, setExpanded] = useState(false);
  const all = list.data?.reminders ?? [];
  const due = expanded ? all : all.slice(0, SHOWN);
  if (due.length === 0) return null;
  return (
    <div class="alert warn report-reminders" data-testid="report-reminders">
      <strong>{tx('Báo cáo cần ký duyệt', 'Reports to sign off')}</strong>
      {due.map((r) => (
        <p data-testid="report-reminder" data-id={r.reportId}>
          {onOpen ? (
            <button type="button" class="link" onClick={() => onOpen(r.reportId)}>
              {tx('Báo cáo', 'Report')} {periodLabel(r.period)} — {r.areaName}
            </button>
          ) : (
            <a href="#/reports">
              {tx('Báo cáo', 'Report')} {periodLabel(r.period)} — {r.areaName}
            </a>
          )}
          : {tx('hạn gửi', 'due by')} {r.dueBy.split('-').reverse().join('/')}{' '}
          <span class={r.daysLeft < 0 ? 'error' : ''}>
            {r.daysLeft < 0
              ? tx(`(quá hạn ${-r.daysLeft} ngày)`, `(${-r.daysLeft} day(s) overdue)`)
              : tx(`(còn ${r.daysLeft} ngày)`, `(${r.daysLeft} day(s) left)`)}
          </span>
        </p>
      ))}
      {all.length > due.length && (
        <p>
          {onOpen ? (
            <button type="button" class="link" data-testid="report-reminders-more" onClick={() => setExpanded(true)}>
              {more(all.length - due.length)}
            </button>
          ) : (
            <a href="#/reports" data-testid="report-reminders-more">
              {more(all.length - due.length)}
            </a>
          )}
        </p>
      )}
    </div>
  );
}
