// A relay's occurrences as the hub runs them now (the broadcast detail's relayStreams): the hub's
// pull of the upstream and, when an Icecast engine distributes it, the engine's state, so an
// official or the district engineer sees at a glance whether the speakers are being fed. The
// hub's own words for a failure (English, from Icecast or ffmpeg) are in the tooltip, for the engineer.
import { useEffect } from 'preact/hooks';
import { fmtNumber } from '../lib/format.ts';
import { lang, pick, RELAY_ENGINE, RELAY_PULL, tx } from '../lib/i18n.ts';
import { fmtDateTime } from '../lib/time.ts';
import type { RelayStreamState } from '../../hub/api-contract/broadcasts.ts';

/** "36,5 KB" / "1,2 MB" (decimal comma in Vietnamese). */
const fmtBytes = (n: number) => (n >= 1_000_000 ? `${fmtNumber(n / 1_000_000, 1)} MB` : `${fmtNumber(n / 1000, 1)} KB`);

const ON = new Set<RelayStreamState['state']>(['waiting', 'live', 'lost']);
/** While an occurrence is on, read the state again this often (the engine's state sends no event). */
const POLL_MS = 3000;

const listening = (n: number) => tx(`${n} thiết bị đang nghe`, `${n} devices listening`);

export function RelayStreams({ streams, reload }: { streams: RelayStreamState[]; reload: () => void }) {
  const on = streams.some((s) => ON.has(s.state));
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [on]);
  if (!streams.length) return null;
  return (
    <ul class="plain small" data-testid="relay-streams">
      {streams.map((s) => {
        const e = s.engine;
        const why = [s.state === 'lost' ? s.error : null, e && e.status !== 'sending' ? e.error : null]
          .filter(Boolean)
          .join('; ');
        return (
          <li data-testid="relay-stream" data-state={s.state} data-engine={e?.status ?? ''} title={why || undefined}>
            {fmtDateTime(s.startAt, lang())} · {tx('Nguồn', 'Upstream')}: {pick(RELAY_PULL, s.state)}
            {e ? (
              <span data-testid="relay-engine">
                {' · '}
                {tx('Máy chủ phát lại', 'Relay server')}: {pick(RELAY_ENGINE, e.status)}
                {e.listenersKnown && ` · ${listening(e.listeners)}`}
                {e.bytesSent > 0 && ` · ${tx('đã gửi', 'sent')} ${fmtBytes(e.bytesSent)}`}
              </span>
            ) : (
              ` · ${listening(s.hubListeners)}`
            )}
          </li>
        );
      })}
    </ul>
  );
}
