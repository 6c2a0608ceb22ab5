// NTP-style clock offset over MQTT. The device sends t0 (its clock); the hub stamps t1 on receipt
// and t2 on reply (hub clock); the device stamps t3 on receipt. Hub time = device time + offset.

export interface ClockSample {
  offsetMs: number;
  delayMs: number;
}

export function clockSample(t0: number, t1: number, t2: number, t3: number): ClockSample {
  return {
    offsetMs: (t1 - t0 + (t2 - t3)) / 2,
    delayMs: Math.max(0, t3 - t0 - (t2 - t1)),
  };
}

/**
 * Keeps the last samples and trusts the one with the smallest round-trip delay: queueing in the
 * broker only ever adds delay, and the offset error is bounded by half the delay (NTP's filter).
 */
export class ClockFilter {
  private samples: ClockSample[] = [];
  constructor(private readonly keep = 8) {}

  add(sample: ClockSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
  }

  best(): ClockSample | null {
    if (this.samples.length === 0) return null;
    return this.samples.reduce((a, b) => (b.delayMs < a.delayMs ? b : a));
  }

  /** Hub time for a device-clock instant; unmeasured offset counts as zero. */
  toHubTime(deviceTime: number): number {
    return deviceTime + (this.best()?.offsetMs ?? 0);
  }

  toDeviceTime(hubTime: number): number {
    return hubTime - (this.best()?.offsetMs ?? 0);
  }
}

/** A timer a Clock made; only that clock can clear it. */
export type TimerHandle = { unref?(): unknown };

/**
 * Time as a dependency: code that decides by time, or waits, asks a Clock instead of Date.now and
 * the global timers, so tests can drive it (ManualClock, or vitest fake timers over systemClock).
 * The composition roots (hub/main.ts, edge-agent/main.ts) pass systemClock.
 */
export interface Clock {
  /** wall-clock ms since the epoch */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | null | undefined): void;
}

type GlobalTimer = Parameters<typeof globalThis.clearTimeout>[0];

/** The real clock. Each call reads the global at call time, so vitest's fake timers drive it too. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => globalThis.clearTimeout(h as unknown as GlobalTimer),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms) as unknown as TimerHandle,
  clearInterval: (h) => globalThis.clearInterval(h as unknown as GlobalTimer),
};

interface ManualTimer {
  at: number;
  fn: () => void;
  /** set for an interval */
  every: number | null;
  seq: number;
}

/** A clock that moves only when told to; its timers fire, in time order, as it passes them. */
export class ManualClock implements Clock {
  private readonly timers = new Map<TimerHandle, ManualTimer>();
  private seq = 0;

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    if (handle) this.timers.delete(handle);
  }

  clearInterval(handle: TimerHandle | null | undefined): void {
    if (handle) this.timers.delete(handle);
  }

  /** Timers not yet fired or cleared. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves the clock forward by ms, firing every timer due on the way at its own instant. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward (asked to move ${ms} ms)`);
    this.runUntil(this.t + ms);
  }

  /** Moves the clock to an instant (not before now), firing the timers due on the way. */
  set(at: number): void {
    if (!(at >= this.t)) throw new RangeError(`a clock only moves forward (at ${this.t}, asked for ${at})`);
    this.runUntil(at);
  }

  private add(fn: () => void, ms: number, every: number | null): TimerHandle {
    const handle: TimerHandle = {};
    this.timers.set(handle, { at: this.t + Math.max(0, ms), fn, every, seq: this.seq++ });
    return handle;
  }

  private runUntil(end: number): void {
    for (;;) {
      let next: [TimerHandle, ManualTimer] | null = null;
      for (const e of this.timers)
        if (e[1].at <= end && (!next || e[1].at < next[1].at || (e[1].at === next[1].at && e[1].seq < next[1].seq)))
          next = e;
      if (!next) break;
      const [handle, timer] = next;
      this.t = Math.max(this.t, timer.at);
      if (timer.every === null) this.timers.delete(handle);
      else this.timers.set(handle, { ...timer, at: timer.at + timer.every, seq: this.seq++ });
      timer.fn();
    }
    this.t = end;
  }
}
