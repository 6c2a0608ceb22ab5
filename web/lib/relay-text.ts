// How a relay (tiếp âm) is named on the pages: by its upstream's host and its length.
import { fmtDuration } from './format.ts';
import { tx } from './i18n.ts';

/** "radio.vov.vn" from the upstream address (the address itself when it does not parse). */
export function relayHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

/** "Tiếp âm từ radio.vov.vn, 30:00" / "Relay of radio.vov.vn, 30:00" (until HH:MM when it ends at a time). */
export function relaySummary(r: { url: string; endsAt: string | null }, durationMs: number): string {
  const host = relayHost(r.url);
  const len = fmtDuration(durationMs);
  return r.endsAt
    ? tx(`Tiếp âm từ ${host}, ${len} (đến ${r.endsAt})`, `Relay of ${host}, ${len} (until ${r.endsAt})`)
    : tx(`Tiếp âm từ ${host}, ${len}`, `Relay of ${host}, ${len}`);
}
