// What the hub's draft check found: how often and where the draft plays, quiet hours it falls in,
// clashes grouped by broadcast, and the ward official's decision where a clash asks for one.
import type { Conflict, DraftCheck } from '../../../hub/api-contract/schedule.ts';
import { fmtNumber } from '../../lib/format.ts';
import { lang, pick, PRIORITY, STATUS, tx } from '../../lib/i18n.ts';
import { fmtDateTime } from '../../lib/time.ts';
import {
  conflictText,
  conflictTitle,
  DecisionChoice,
  groupConflicts,
  whoPlaysOf,
  whoPlaysText,
  type ClashDecision,
} from '../clash-choices.tsx';

export function CheckResult({
  check,
  checkErr,
  decisions,
  decision,
  onDecision,
}: {
  check: DraftCheck | null;
  checkErr: string;
  decisions: Conflict[];
  decision: ClashDecision | '';
  onDecision: (d: ClashDecision) => void;
}) {
  const quiet = check?.quietHours ?? [];
  const grouped = groupConflicts(check?.conflicts ?? []);
  return (
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
            «{g.title}» ({pick(PRIORITY, g.priority)}, {pick(STATUS, g.status)}) — {conflictText(g.kind, g.otherLevel)}
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
      {decisions.length > 0 && <DecisionChoice value={decision} onChange={onDecision} />}
    </section>
  );
}
