// A device's reason under its state. A failure (or a missing confirmation) shows in red, in words an
// official understands; what the device said (English, technical) is one click away.
import { tx } from '../lib/i18n.ts';
import { failureText } from '../lib/send-check.ts';

export function DeviceReason({ state, reason }: { state: string; reason: string | null | undefined }) {
  if (state === 'failed' || state === 'missed')
    return (
      <div class="error small" data-testid="fail-reason">
        {failureText(reason, state)}
        {reason && (
          <details data-testid="fail-detail">
            <summary>{tx('Chi tiết kỹ thuật', 'Technical detail')}</summary>
            <code class="muted">{reason}</code>
          </details>
        )}
      </div>
    );
  return reason ? <div class="muted small">{reason}</div> : null;
}
