// The activity log: who did what, when, in sentences with names. An admin can open the raw entry.
import { useResource } from '../lib/hooks.ts';
import { lang, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import { auditActionLabel, auditSentence, auditWho, type AuditEntry } from '../lib/audit-text.ts';
import type { AppCtx } from '../app.tsx';

export function AuditPage({ ctx }: { ctx: AppCtx }) {
  const log = useResource<AuditEntry[]>('/api/v1/audit?limit=500', [], ['broadcast', 'media']);
  const admin = ctx.me.role === 'admin';
  return (
    <section class="card">
      <h2>{tx('Nhật ký hoạt động', 'Activity log')}</h2>
      <p class="muted small">
        {tx(
          'Ai đã làm gì, lúc nào: đăng nhập, gửi duyệt, phê duyệt, hủy, phát khẩn cấp, thiết bị…',
          'Who did what, and when: logins, submissions, approvals, cancellations, emergencies, devices…',
        )}
      </p>
      {log.error && <p class="error">{log.error}</p>}
      <div class="table-wrap">
        <table data-testid="audit" class="cards-on-phone">
          <thead>
            <tr>
              <th>{tx('Thời gian', 'When')}</th>
              <th>{tx('Người thực hiện', 'Who')}</th>
              <th>{tx('Hoạt động', 'What')}</th>
            </tr>
          </thead>
          <tbody>
            {log.data?.map((a) => (
              <tr data-testid="audit-row" data-action={a.action}>
                <td data-label={tx('Thời gian', 'When')}>{fmtDateTime(a.at, lang(), true)}</td>
                <td data-label={tx('Người thực hiện', 'Who')} data-testid="audit-who">
                  {auditWho(a, lang())}
                </td>
                <td data-label={tx('Hoạt động', 'What')}>
                  <span data-testid="audit-text" title={auditActionLabel(a.action, lang())}>
                    {auditSentence(a, lang())}
                  </span>
                  {admin && (
                    <details class="tech small" data-testid="audit-raw">
                      <summary>{tx('Chi tiết kỹ thuật', 'Technical detail')}</summary>
                      <code class="muted">
                        {JSON.stringify({ action: a.action, target: a.target, user: a.username, detail: a.detail })}
                      </code>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
