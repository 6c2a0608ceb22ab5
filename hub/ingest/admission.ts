// Admission of playback receipts: a signature proves which device sent a receipt, not that it is
// true. A receipt counts only for an occurrence the hub planned for that device, with times and
// seconds an honest agent could have produced (edge-agent/timeline.ts, speaker-output.ts,
// led-output.ts, relay-player.ts). Everything here is pure: the plan lookup and the hub's receive
// time come in as arguments. docs/protocol.md ("Receipts") explains every margin below.
import type { PlaybackResult, Receipt, ScheduleItem } from '../../protocol/index.ts';

const S = 1000;
const MIN = 60 * S;

/** Error of a device's hub-time estimate: clock sync errs by half a round trip; this is generous. */
export const CLOCK_TOLERANCE_MS = 60 * S;
/** Longest amplifier warm-up a hardware profile allows: a failure (or stop) in it precedes the start. */
export const MAX_WARM_UP_MS = 60 * S;
/**
 * Latest an honest agent starts an item after its scheduled start: a play-now delivered late is due
 * at its arrival (its envelope lives 10 min), then the agent's late grace (1 min by default) and
 * the warm-up (≤ 1 min). Twice that, so a slow board or a longer configured grace still fits.
 */
export const MAX_START_DELAY_MS = 30 * MIN;
/** Time on air beyond the item's duration: ffmpeg start-up and exit, the LED board's status read. */
export const AIR_TAIL_MS = 15 * S;
/** Seconds played beyond the item's duration or the claimed span: decoder and timer rounding. */
export const SECONDS_ALLOWANCE_S = 2;
/** A 'played' claims nearly all of the item (the agent's own bar is 95 % decoded). */
export const PLAYED_MIN_FRACTION = 0.9;
/**
 * A live session's devices join its stream at the start and hold their buffer before playing, so
 * a short session aired in full is shorter than the item by about that: a 'played' needs the item
 * less its buffer and this (the agent's own bar allows 2 s, edge-agent/speaker-output.ts).
 */
export const LIVE_JOIN_ALLOWANCE_MS = 3 * S;

/** The seconds a 'played' must claim of this item. */
export function playedMinSeconds(item: ScheduleItem): number {
  const bar = PLAYED_MIN_FRACTION * item.durationMs;
  if (!item.relay?.live) return bar / S;
  return Math.max(0, Math.min(bar, item.durationMs - (item.relay.bufferMs ?? 0) - LIVE_JOIN_ALLOWANCE_MS)) / S;
}

export const REJECTION_REASONS = ['unplanned', 'not-targeted', 'premature', 'implausible'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** What the plan says about one occurrence on one device. */
export type PlanLookup =
  | { kind: 'planned'; item: ScheduleItem }
  | { kind: 'unplanned'; detail: string }
  | { kind: 'not-targeted'; detail: string };

export type Admission = { admitted: true } | { admitted: false; reason: RejectionReason; detail: string };

/** Evidence of airing, most first: among admitted receipts for one occurrence the highest stands. */
export const RESULT_RANK: Record<PlaybackResult, number> = {
  played: 6,
  partial: 5,
  preempted: 4,
  failed: 3,
  skipped: 2,
  missed: 1,
};

const iso = (t: number) => new Date(t).toISOString();
const sec = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export function admit(r: Receipt, plan: PlanLookup, receivedAt: number): Admission {
  const reject = (reason: RejectionReason, detail: string): Admission => ({ admitted: false, reason, detail });
  if (plan.kind !== 'planned') return reject(plan.kind, plan.detail);
  const item = plan.item;
  const durationMs = item.durationMs;
  if (r.broadcastId !== item.broadcastId)
    return reject(
      'unplanned',
      `occurrence ${r.occurrenceId} belongs to broadcast ${item.broadcastId}, not ${r.broadcastId}`,
    );
  if (r.scheduledStart !== item.startAt)
    return reject('implausible', `scheduled start ${iso(r.scheduledStart)} is not the planned ${iso(item.startAt)}`);

  const aired = r.actualStart !== null || r.secondsPlayed > 0;
  // Only a failure or stop during the amplifier's warm-up can honestly be reported before the start.
  const early =
    !aired && (r.result === 'failed' || r.result === 'partial' || r.result === 'preempted')
      ? MAX_WARM_UP_MS + CLOCK_TOLERANCE_MS
      : CLOCK_TOLERANCE_MS;
  if (receivedAt < item.startAt - early)
    return reject(
      'premature',
      `received ${sec(item.startAt - receivedAt)} before the scheduled start ${iso(item.startAt)}`,
    );

  if (r.result === 'missed' || r.result === 'skipped') {
    if (aired || r.actualEnd !== null)
      return reject(
        'implausible',
        `a '${r.result}' receipt claims airtime (${r.secondsPlayed} s, start ${r.actualStart ?? '—'})`,
      );
    return { admitted: true };
  }
  if (r.result === 'played' && (r.actualStart === null || r.actualEnd === null))
    return reject('implausible', `'played' needs both an actual start and end`);
  if (r.actualStart === null) {
    if (r.actualEnd !== null) return reject('implausible', 'an actual end without an actual start');
    if (r.secondsPlayed > 0) return reject('implausible', `${r.secondsPlayed} s played without an actual start`);
    return { admitted: true };
  }

  const start = r.actualStart;
  if (start < item.startAt - CLOCK_TOLERANCE_MS)
    return reject(
      'implausible',
      `actual start ${iso(start)} is ${sec(item.startAt - start)} before the scheduled start`,
    );
  if (start > item.startAt + MAX_START_DELAY_MS)
    return reject(
      'implausible',
      `actual start ${iso(start)} is ${sec(start - item.startAt)} after the scheduled start`,
    );
  if (start > receivedAt + CLOCK_TOLERANCE_MS)
    return reject(
      'implausible',
      `actual start ${iso(start)} is after the hub received the receipt (${iso(receivedAt)})`,
    );
  const maxSeconds = durationMs / S + SECONDS_ALLOWANCE_S;
  if (r.secondsPlayed > maxSeconds)
    return reject('implausible', `${r.secondsPlayed} s played of an item lasting ${sec(durationMs)}`);

  // The end, or (an agent restarted mid-item: no end) the receive time, bounds the seconds.
  const end = r.actualEnd ?? receivedAt + CLOCK_TOLERANCE_MS;
  if (r.actualEnd !== null) {
    if (r.actualEnd < start)
      return reject('implausible', `actual end ${iso(r.actualEnd)} is before the actual start ${iso(start)}`);
    if (r.actualEnd > receivedAt + CLOCK_TOLERANCE_MS)
      return reject(
        'implausible',
        `actual end ${iso(r.actualEnd)} is after the hub received the receipt (${iso(receivedAt)})`,
      );
    if (r.actualEnd - start > durationMs + AIR_TAIL_MS)
      return reject('implausible', `on air ${sec(r.actualEnd - start)} for an item lasting ${sec(durationMs)}`);
  }
  if (r.secondsPlayed > (end - start) / S + SECONDS_ALLOWANCE_S)
    return reject('implausible', `${r.secondsPlayed} s played between ${iso(start)} and ${iso(end)}`);
  if (r.result === 'played' && r.secondsPlayed < playedMinSeconds(item)) {
    return reject('implausible', `'played' with ${r.secondsPlayed} s of an item lasting ${sec(durationMs)}`);
  }
  return admitRelay(r, item) ?? { admitted: true };
}

/**
 * A relay's account (evidence.relay) against its planned length: only a relay item has one, the
 * seconds aired are the seconds played, and aired plus lost fit in the planned length.
 */
function admitRelay(r: Receipt, item: ScheduleItem): Admission | null {
  const relay = r.evidence.relay;
  if (!relay) return null;
  const reject = (detail: string): Admission => ({ admitted: false, reason: 'implausible', detail });
  if (!item.relay) return reject(`relay evidence for occurrence ${r.occurrenceId}, which is not a relay`);
  if (!!relay.live !== !!item.relay.live)
    return reject(
      item.relay.live
        ? `occurrence ${r.occurrenceId} is a live session, but its evidence is a relay's`
        : `live evidence for occurrence ${r.occurrenceId}, which is a relay`,
    );
  if ((relay.dropoutSeconds ?? 0) > item.durationMs / S + SECONDS_ALLOWANCE_S)
    return reject(`${relay.dropoutSeconds} s of dropouts in an occurrence lasting ${sec(item.durationMs)}`);
  if (Math.abs(relay.secondsAired - r.secondsPlayed) > SECONDS_ALLOWANCE_S)
    return reject(`relay aired ${relay.secondsAired} s but the receipt claims ${r.secondsPlayed} s played`);
  if (relay.secondsAired + relay.secondsLost > item.durationMs / S + SECONDS_ALLOWANCE_S)
    return reject(
      `relay aired ${relay.secondsAired} s and lost ${relay.secondsLost} s of an occurrence lasting ${sec(item.durationMs)}`,
    );
  return null;
}

/** Whether a newly admitted receipt takes the place of the one standing (ties keep the first). */
export const outranks = (incoming: PlaybackResult, standing: PlaybackResult) =>
  RESULT_RANK[incoming] > RESULT_RANK[standing];
