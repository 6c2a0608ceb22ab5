// The local timeline: decides what plays when, from the local store alone, so a device keeps its
// schedule while the hub or the network is down. Times in items are hub time; the clock filter
// converts them to the device clock.
//
// Rules
//  1. An item is due at its startAt (a play-now command that arrived late: at its arrival).
//     Preparation (amplifier warm-up) begins leadTimeMs earlier so audio comes out on time. With no
//     offset at all (first boot, never synced) nothing starts until the first sample or the
//     AgentClock's bounded wait, so a clock minutes off does not start a bulletin minutes early.
//  2. An item not started within lateGraceMs of being due ends as (only when the AgentClock can
//     judge lateness: a sample from this run, or a saved offset after its wait; until then such an
//     item is held, neither started nor ended, and judged once the clock is trusted):
//       'skipped' - something of equal or higher priority was playing (the reason names it);
//       'failed'  - it was due but held back because its media could not be downloaded in time;
//       'missed'  - otherwise (the agent was down, or reached it too late).
//  3. Only one item plays at a time. Among due items, the highest priority goes first, then the
//     earliest start, then the one approved first (approvedAt; then the occurrence id, so the order
//     never depends on arrival). The hub predicts the same order for its clash warnings
//     (hub/schedule/conflicts.ts, whoPlays). An emergency pre-empts whatever plays; any higher priority pre-empts a lower
//     one the same way: the interrupted item gets a 'preempted' receipt with the seconds played so
//     far and is NOT resumed. Equal or lower priority waits for the current item (rule 2 applies).
//  4. A 'stop' for a broadcast stops it if playing ('partial', reason "cancelled by hub") and drops
//     its future items without receipts.
//  5. Items removed from a newer manifest are dropped silently (store.applyManifest); an item that
//     is already playing is left to finish - the hub stops it with a 'stop' if it wants it stopped.
//  6. Exactly one receipt per occurrence: the store refuses a second one, also across restarts. An
//     occurrence found 'playing' at start-up was interrupted by a crash or power cut and gets a
//     'partial' (some audio confirmed) or 'failed' receipt, reason "agent restarted during playback".
import type { AgentEventBus } from './agent-events.ts';
import type { Logger } from 'pino';
import {
  PRIORITY_RANK,
  type PlaybackResult,
  type ReasonCode,
  type ScheduleItem,
  type TimerHandle,
} from '../protocol/index.ts';
import type { AgentClock } from './agent-clock.ts';
import type { AgentStore } from './store.ts';
import type { MediaCache } from './media-cache.ts';
import type { Evidence, PlaybackOutcome, PlaybackOutput } from './playback.ts';

export interface OccurrenceResult {
  item: ScheduleItem;
  result: PlaybackResult;
  reason?: string;
  /** Why, for people (protocol REASON_CODES). */
  reasonCode?: ReasonCode;
  /** hub time */
  actualStart: number | null;
  actualEnd: number | null;
  secondsPlayed: number;
  evidence: Evidence;
}

export interface TimelineDeps {
  store: AgentStore;
  clock: AgentClock;
  output: PlaybackOutput;
  media: MediaCache;
  lateGraceMs: number;
  /** builds, signs and queues the receipt */
  issue: (r: OccurrenceResult) => void;
  /** called as an item begins, ahead of its start: a fresh clock sample for the instant (clock burst) */
  beforeStart?: () => void;
  log: Logger;
  events: AgentEventBus;
}

export const RESTART_REASON = 'agent restarted during playback';
export const STOPPED_REASON = 'agent stopped during playback';
export const CANCELLED_REASON = 'cancelled by hub';
/**
 * How often progress is saved while playing. ffmpeg reports progress every 0.5 s, so a crash
 * (SIGKILL) under-counts the seconds played by at most this + 0.5 s: about a second. A power cut can
 * lose more: progress commits are not synced to disk (WAL, synchronous=NORMAL; see store.ts).
 */
export const PROGRESS_SAVE_MS = 500;

interface Pending {
  item: ScheduleItem;
  dueAt: number;
}

interface Current {
  item: ScheduleItem;
  abort: AbortController;
  /** set when the timeline stops the item: overrides the output's own result */
  stopAs: { result: 'preempted' | 'partial'; reason: string; reasonCode: ReasonCode } | null;
  done: Promise<void>;
  /** how far from the planned instant the output started, for the receipt's evidence */
  sync?: NonNullable<PlaybackOutcome['evidence']['sync']>;
}

const rank = (i: ScheduleItem) => PRIORITY_RANK[i.priority];
/** Approved first plays first; an item without the time (an older hub) comes after those with it. */
const approvedOrder = (i: ScheduleItem) => i.approvedAt ?? Number.MAX_SAFE_INTEGER;
export const describeItem = (i: ScheduleItem) =>
  `${i.priority} "${i.title || i.broadcastId}" (broadcast ${i.broadcastId})`;

export class Timeline {
  private pending = new Map<string, Pending>();
  private current: Current | null = null;
  /** due items that had to wait: what was playing */
  private blockedBy = new Map<string, string>();
  /** due items held back because their media was not in the cache yet */
  private waitingForMedia = new Set<string>();
  private timer: TimerHandle | null = null;
  private stopped = true;

  constructor(private readonly deps: TimelineDeps) {}

  private hubNow(): number {
    return this.deps.clock.hubNow();
  }

  /** Settles occurrences a crash interrupted, loads the store and starts ticking. */
  start(): void {
    this.recoverInterrupted();
    this.stopped = false;
    this.reload();
  }

  /** Aborts what plays (receipt 'partial', "agent stopped during playback") and stops ticking. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    const cur = this.current;
    if (cur) {
      cur.stopAs ??= { result: 'partial', reason: STOPPED_REASON, reasonCode: 'agent-stopped' };
      cur.abort.abort();
      await cur.done;
    }
  }

  nowPlaying(): ScheduleItem | null {
    return this.current?.item ?? null;
  }

  /** Re-reads the pending items from the store (after a manifest, a command or a stop). */
  reload(): void {
    const next = new Map<string, Pending>();
    for (const s of this.deps.store.items()) {
      if (s.state !== 'pending') continue;
      if (this.current?.item.occurrenceId === s.item.occurrenceId) continue;
      next.set(s.item.occurrenceId, { item: s.item, dueAt: s.dueAt });
    }
    this.pending = next;
    for (const occ of [...this.blockedBy.keys()]) if (!next.has(occ)) this.blockedBy.delete(occ);
    for (const occ of [...this.waitingForMedia]) if (!next.has(occ)) this.waitingForMedia.delete(occ);
    this.tick();
  }

  /** Stops the broadcast if it plays and drops its pending items (already deleted from the store). */
  stopBroadcast(broadcastId: string, hubReason?: string): void {
    const cur = this.current;
    if (cur && cur.item.broadcastId === broadcastId && !cur.stopAs) {
      const extra = hubReason && !/^cancel/i.test(hubReason) ? `: ${hubReason}` : '';
      cur.stopAs = { result: 'partial', reason: CANCELLED_REASON + extra, reasonCode: 'cancelled' };
      this.deps.log.info({ occurrenceId: cur.item.occurrenceId, broadcastId }, 'stopping a cancelled broadcast');
      cur.abort.abort();
    }
    this.reload();
  }

  private recoverInterrupted(): void {
    for (const s of this.deps.store.items()) {
      if (s.state !== 'playing') continue;
      const confirmed = s.playingSince !== null && s.progressMs > 0;
      this.deps.log.warn(
        { occurrenceId: s.item.occurrenceId, progressMs: s.progressMs },
        'an occurrence was interrupted by a restart',
      );
      this.deps.issue({
        item: s.item,
        result: confirmed ? 'partial' : 'failed',
        reason: RESTART_REASON,
        reasonCode: 'agent-restarted',
        actualStart: s.playingSince,
        actualEnd: null,
        secondsPlayed: confirmed ? s.progressMs / 1000 : 0,
        evidence: {},
      });
    }
  }

  /** Evaluates the rules now and sets the timer for the next moment anything can change. */
  private tick(): void {
    if (this.stopped) return;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    const { lateGraceMs, output, media } = this.deps;
    const { clock } = this.deps;
    const now = this.hubNow();

    // Rule 2: items whose grace ran out - judged only on a trusted clock; held until then.
    const judge = clock.canJudgeLateness();
    for (const p of [...this.pending.values()]) {
      if (now - p.dueAt <= lateGraceMs || !judge) continue;
      this.pending.delete(p.item.occurrenceId);
      this.expire(p, now);
    }

    // Rule 3: pick among due items whose media is in place.
    const lead = output.leadTimeMs;
    const startable: Pending[] = [];
    for (const p of this.pending.values()) {
      if (!clock.canStart() || now < p.dueAt - lead || now - p.dueAt > lateGraceMs) continue;
      const ref = output.mediaFor(p.item);
      if (ref && !media.isReady(ref)) {
        media.urgent(ref);
        this.waitingForMedia.add(p.item.occurrenceId);
        continue;
      }
      startable.push(p);
    }
    startable.sort(
      (a, b) =>
        rank(b.item) - rank(a.item) ||
        a.dueAt - b.dueAt ||
        approvedOrder(a.item) - approvedOrder(b.item) ||
        a.item.occurrenceId.localeCompare(b.item.occurrenceId),
    );
    const best = startable[0];
    const cur = this.current;
    if (best && !cur) {
      this.begin(best);
    } else if (best && cur && !cur.stopAs && rank(best.item) > rank(cur.item)) {
      cur.stopAs = { result: 'preempted', reason: `pre-empted by ${describeItem(best.item)}`, reasonCode: 'preempted' };
      this.deps.log.info({ occurrenceId: cur.item.occurrenceId, by: best.item.occurrenceId }, 'pre-empting');
      cur.abort.abort();
    }
    if (this.current) {
      const playing = this.current.item;
      for (const p of this.pending.values()) {
        if (now >= p.dueAt && rank(p.item) <= rank(playing) && !this.blockedBy.has(p.item.occurrenceId)) {
          this.blockedBy.set(p.item.occurrenceId, describeItem(playing));
        }
      }
    }

    // Wake at the next lead/due/grace boundary, and at least every second (the clock offset moves).
    let next = now + 1000;
    for (const p of this.pending.values()) {
      for (const t of [p.dueAt - lead, p.dueAt, p.dueAt + lateGraceMs + 1]) if (t > now && t < next) next = t;
    }
    this.timer = clock.setTimeout(() => this.tick(), Math.max(5, next - now));
    this.timer.unref?.();
  }

  private expire(p: Pending, now: number): void {
    const occ = p.item.occurrenceId;
    const blocker =
      this.blockedBy.get(occ) ??
      (this.current && rank(this.current.item) >= rank(p.item) ? describeItem(this.current.item) : null);
    this.blockedBy.delete(occ);
    const waitedForMedia = this.waitingForMedia.delete(occ);
    const ref = this.deps.output.mediaFor(p.item);
    const lateS = Math.round((now - p.dueAt) / 1000);
    let result: PlaybackResult;
    let reason: string;
    let reasonCode: ReasonCode;
    if (waitedForMedia && ref && !this.deps.media.isReady(ref) && !blocker) {
      result = 'failed';
      reasonCode = 'media-missing';
      const err = this.deps.media.lastError(ref.sha256);
      reason = `media ${ref.sha256} was not downloaded in time${err ? `: ${err}` : ' (still downloading)'}`;
    } else if (blocker) {
      result = 'skipped';
      reason = `skipped: ${blocker} was playing`;
      reasonCode = 'skipped';
    } else {
      result = 'missed';
      reasonCode = 'late';
      reason = `not started within ${Math.round(this.deps.lateGraceMs / 1000)} s of its start (${lateS} s late)`;
    }
    this.deps.log.info({ occurrenceId: occ, result, reason }, 'occurrence not played');
    this.deps.issue({
      item: p.item,
      result,
      reason,
      reasonCode,
      actualStart: null,
      actualEnd: null,
      secondsPlayed: 0,
      evidence: {},
    });
  }

  private begin(p: Pending): void {
    const { store, clock, output, events, log } = this.deps;
    const item = p.item;
    const occ = item.occurrenceId;
    this.pending.delete(occ);
    this.blockedBy.delete(occ);
    this.waitingForMedia.delete(occ);
    store.markPlaying(occ);
    let lastProgressWrite = 0;
    const cur: Current = { item, abort: new AbortController(), stopAs: null, done: Promise.resolve() };
    this.current = cur;
    log.info({ occurrenceId: occ, broadcastId: item.broadcastId, priority: item.priority }, 'starting');
    const plannedStart = Math.max(item.startAt, p.dueAt);
    this.deps.beforeStart?.();
    cur.done = output
      .play(item, {
        signal: cur.abort.signal,
        // Read when waiting, not now: the clock burst just asked for moves it.
        get startAtDeviceMs() {
          return clock.toDeviceTime(plannedStart);
        },
        toHubTime: (deviceMs) => clock.toHubTime(deviceMs),
        onStarted: (deviceMs) => {
          store.markAudible(occ, Math.round(clock.toHubTime(deviceMs)));
          cur.sync = syncEvidence(clock, deviceMs, plannedStart);
          events.emit('playing', {
            occurrenceId: occ,
            broadcastId: item.broadcastId,
            priority: item.priority,
            title: item.title,
          });
        },
        onProgress: (ms) => {
          if (ms - lastProgressWrite < PROGRESS_SAVE_MS) return;
          lastProgressWrite = ms;
          store.recordProgress(occ, ms);
        },
      })
      .catch(
        (err): PlaybackOutcome => ({
          result: 'failed',
          reason: `playback crashed: ${(err as Error).message}`.slice(0, 500),
          reasonCode: 'player-error',
          startedAt: null,
          endedAt: null,
          playedMs: 0,
          evidence: {},
        }),
      )
      .then((outcome) => this.finish(cur, outcome));
  }

  private finish(cur: Current, outcome: PlaybackOutcome): void {
    const { clock, events, log } = this.deps;
    let result: PlaybackResult = outcome.result;
    let reason = outcome.reason;
    let reasonCode = outcome.reasonCode;
    // The timeline's decision wins over "stopped" - but a failure found before the stop, or an
    // item that finished anyway, keeps its own result.
    if (cur.stopAs && outcome.result === 'partial') {
      result = cur.stopAs.result;
      reason = cur.stopAs.reason;
      reasonCode = cur.stopAs.reasonCode;
    }
    const toHub = (t: number | null) => (t === null ? null : Math.round(clock.toHubTime(t)));
    try {
      this.deps.issue({
        item: cur.item,
        result,
        reason,
        // A play that went fine carries no code (its reason is a note, e.g. "not measured").
        ...(result !== 'played' && reasonCode ? { reasonCode } : {}),
        actualStart: toHub(outcome.startedAt),
        actualEnd: toHub(outcome.endedAt),
        secondsPlayed: Math.max(0, outcome.playedMs) / 1000,
        evidence: cur.sync ? { ...outcome.evidence, sync: cur.sync } : outcome.evidence,
      });
    } catch (err) {
      log.error({ err, occurrenceId: cur.item.occurrenceId }, 'could not record the receipt');
    }
    log.info({ occurrenceId: cur.item.occurrenceId, result, reason }, 'finished');
    this.current = null;
    events.emit('idle', { occurrenceId: cur.item.occurrenceId, result });
    this.tick();
  }
}

/**
 * The start as the agent saw it, in hub time: the first sample handed to the player (or message
 * to the board) minus the planned instant, on the clock offset it then held; and how far that
 * offset can be off (half the round trip of the clock sample it rests on).
 */
function syncEvidence(clock: AgentClock, deviceMs: number, plannedStart: number): NonNullable<Current['sync']> {
  const best = clock.best();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    startErrorMs: round(clock.toHubTime(deviceMs) - plannedStart),
    clockSource: clock.offsetSource,
    ...(best && clock.offsetSource === 'measured' ? { clockUncertaintyMs: round(best.delayMs / 2) } : {}),
  };
}
