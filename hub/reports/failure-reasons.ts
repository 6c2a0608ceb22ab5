// Why a device did not play, in words an official understands (catalogue 'reason.failure'), from
// the code the device gave with its receipt. Receipts from agents that predate the codes carry only
// their technical English: the code is recognised from it. The English stays as detail, never as
// the main text.
import type { Message } from '../text/index.ts';
import { msg } from '../text/index.ts';

/** The code for a result and what the device said; null when there is nothing to explain (played). */
export function reasonCodeOf(
  result: string,
  reasonCode: string | null | undefined,
  reason: string | null | undefined,
): string | null {
  if (result === 'played' || result === 'pending' || result === 'scheduled' || result === 'rejected') return null;
  if (reasonCode) return reasonCode;
  const r = reason ?? '';
  if (result === 'missed') return /^no confirmation received/.test(r) || !r ? 'no-receipt' : 'late';
  if (result === 'preempted') return 'preempted';
  if (result === 'skipped') return 'skipped';
  if (/^LED board did not take the message/.test(r)) {
    if (/cannot show|cannot draw/.test(r)) return 'text-unsupported';
    if (/does not fit|dots wide|dot rows|characters, more than|SMALL DOTS PICTURE/.test(r)) return 'text-too-wide';
    if (/\((timeout|io)\)/.test(r)) return 'device-unreachable';
    return 'driver-error';
  }
  if (/^LED board status could not be read back/.test(r)) return 'readback-failed';
  if (/^LED board shows/.test(r)) return 'shows-other';
  if (/^media .* (missing|hash is wrong)|not downloaded in time/.test(r)) return 'media-missing';
  if (/^cancelled by hub/.test(r)) return 'cancelled';
  if (/^agent restarted/.test(r)) return 'agent-restarted';
  if (/^agent stopped/.test(r)) return 'agent-stopped';
  if (/^playback crashed|^ffmpeg failed/.test(r)) return 'player-error';
  if (result === 'partial') return 'cut-short'; // e.g. "ffmpeg decoded only 3.0 of 4.0 s"
  if (/amplifier|relay|current/i.test(r)) return 'amplifier-fault';
  return 'unknown';
}

/** The reason for people: both languages (the catalogue's), or null when there is nothing to explain. */
export function reasonText(code: string | null, deviceKind: string | undefined): Message | null {
  return code ? msg('reason.failure', { code, kind: deviceKind ?? '' }) : null;
}

/** The fields pages and exports show beside a result: the code, its words (vi, en) and the device's own detail. */
export function explain(
  result: string,
  reasonCode: string | null | undefined,
  reason: string | null | undefined,
  deviceKind: string | undefined,
) {
  const code = reasonCodeOf(result, reasonCode, reason);
  const text = reasonText(code, deviceKind);
  return { reasonCode: code, reasonText: text ? { vi: text.vi, en: text.en } : null };
}
