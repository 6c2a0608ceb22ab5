// The agent's idea of hub time, and how far it may trust it. A board without RTC or NTP can boot
// minutes or days off, so every decision by time asks this first:
//
//   offsetSource  what hub time rests on                 starts items      judges late/missed, refuses by time
//   'measured'    a clock sample taken in this run       yes               yes
//   'saved'       the offset saved in an earlier run     yes               only after trustWaitMs without a sample
//                 (stale if the RTC was reset since)                        (the saved offset may be stale)
//   'none'        nothing: the raw device clock          after trustWaitMs no, deferred until the first sample
//
// `synced` is true from the first sample of this run on; 'synced' is emitted once, then.
import { EventEmitter } from 'node:events';
import { ClockFilter, type Clock, type ClockSample, type TimerHandle } from '../protocol/index.ts';

export type OffsetSource = 'measured' | 'saved' | 'none';

/** How many clock samples the agent's filter weighs (the one with the shortest round trip wins). */
export const FILTER_SAMPLES = 16;

export interface AgentClockOptions {
  /** the device's wall clock and timers (systemClock from main.ts; tests pass a ManualClock or their own) */
  device: Clock;
  /** a monotonic clock for "how long since start" (immune to wall-clock jumps) */
  monotonic?: () => number;
  /** the offset saved by an earlier run, if any */
  savedOffsetMs?: number | null;
  /** how long to wait for the first sample of this run before acting on a saved or no offset */
  trustWaitMs: number;
  filter?: ClockFilter;
}

/** Each clock sample with the best estimate after it; 'synced' once, at the first sample of this run. */
export type ClockEvents = { sample: [sample: ClockSample, best: ClockSample]; synced: [best: ClockSample] };

/**
 * Events: 'synced' (first sample of this run), 'sample' (sample, best). It is also the agent's
 * Clock: now() and the timers are the device's, so the parts that take it can be driven in tests.
 */
export class AgentClock extends EventEmitter<ClockEvents> implements Clock {
  private readonly filter: ClockFilter;
  private readonly device: Clock;
  private readonly monotonic: () => number;
  private readonly startedAt: number;
  private source: OffsetSource = 'none';

  constructor(private readonly opts: AgentClockOptions) {
    super();
    // 16 samples (the last two or three minutes): a burst taken while the machine is busy (before a
    // start) then does not push out the quick samples of a quieter moment.
    this.filter = opts.filter ?? new ClockFilter(FILTER_SAMPLES);
    this.device = opts.device;
    this.monotonic = opts.monotonic ?? (() => performance.now());
    this.startedAt = this.monotonic();
    const saved = opts.savedOffsetMs;
    if (saved !== null && saved !== undefined && Number.isFinite(saved)) {
      // A huge delay: any real sample, with a real round trip, wins in the filter.
      this.filter.add({ offsetMs: saved, delayMs: Number.MAX_SAFE_INTEGER });
      this.source = 'saved';
    }
  }

  get offsetSource(): OffsetSource {
    return this.source;
  }

  get synced(): boolean {
    return this.source === 'measured';
  }

  /** The device's own clock (uncorrected). */
  now(): number {
    return this.device.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.device.setTimeout(fn, ms);
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    this.device.clearTimeout(handle);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.device.setInterval(fn, ms);
  }

  clearInterval(handle: TimerHandle | null | undefined): void {
    this.device.clearInterval(handle);
  }

  /** Hub time now, on the best offset known (zero when none). */
  hubNow(): number {
    return this.toHubTime(this.device.now());
  }

  toHubTime(deviceTime: number): number {
    return this.filter.toHubTime(deviceTime);
  }

  toDeviceTime(hubTime: number): number {
    return this.filter.toDeviceTime(hubTime);
  }

  best(): ClockSample | null {
    return this.filter.best();
  }

  addSample(sample: ClockSample): ClockSample {
    this.filter.add(sample);
    const first = this.source !== 'measured';
    this.source = 'measured';
    const best = this.filter.best()!;
    this.emit('sample', sample, best);
    if (first) this.emit('synced', best);
    return best;
  }

  private waitedLongEnough(): boolean {
    return this.monotonic() - this.startedAt >= this.opts.trustWaitMs;
  }

  /** May the timeline start items by hub time now? */
  canStart(): boolean {
    return this.source !== 'none' || this.waitedLongEnough();
  }

  /** May the agent decide that something is late, missed or expired by hub time now? */
  canJudgeLateness(): boolean {
    return this.source === 'measured' || (this.source === 'saved' && this.waitedLongEnough());
  }
}
