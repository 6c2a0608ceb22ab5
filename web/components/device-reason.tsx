// A device's reason under its state. A failure (or a missing confirmation) shows in red, in words an
// official understands (the hub words the receipt's reason code from its catalogue: reasonText);
// what the device said (English, technical) is one click away and never the main text.
import { lang, tx } from '../lib/i18n.ts';
import { failureText } from '../lib/send-check.ts';
import type { ReasonText as ReasonTextOrNull } from '../../hub/api-contract/broadcasts.ts';

/** The reason in words (Vietnamese and English), as the hub's answers carry it. */
export type ReasonText = NonNullable<ReasonTextOrNull>;

export function DeviceReason({
  state,
  reason,
  text,
}: {
  state: string;
  reason: string | null | undefined;
  text?: ReasonText | null;
}) {
  const failed = state === 'failed' || state === 'missed';
  // The hub's words; a hub too old to send them: the same meaning recognised here.
  const words = text ? (lang() === 'en' ? text.en : text.vi) : failed ? failureText(reason, state) : null;
  if (!words && !reason) return null;
  return (
    <div class={failed ? 'error small' : 'muted small'} data-testid={failed ? 'fail-reason' : 'note-reason'}>
      {words}
      {reason && (
        <details data-testid="fail-detail">
          <summary>{tx('Chi tiết kỹ thuật', 'Technical detail')}</summary>
          <code class="muted">{reason}</code>
        </details>
      )}
    </div>
  );
}
