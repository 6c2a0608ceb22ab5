// The Clock that time-dependent code takes: a manual clock fires its timers in time order as it is
// moved, and the system clock follows vitest's fake timers (it reads the globals at call time).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from './clock.ts';

describe('ManualClock', () => {
  it('fires timeouts and intervals at their own instants, in order, and not after they are cleared', () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 300);
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 100);
    const every = clock.setInterval(() => fired.push(`i@${clock.now()}`), 250);
    const never = clock.setTimeout(() => fired.push('never'), 200);
    clock.clearTimeout(never);
    clock.advance(600);
    expect(fired).toEqual(['a@1100', 'i@1250', 'b@1300', 'i@1500']);
    expect(clock.now()).toBe(1600);
    clock.clearInterval(every);
    clock.set(5000);
    expect(fired).toHaveLength(4);
    expect(clock.pendingTimers).toBe(0);
  });

  it('runs a timer set by a timer within the same advance', () => {
    const clock = new ManualClock(0);
    const at: number[] = [];
    clock.setTimeout(() => {
      at.push(clock.now());
      clock.setTimeout(() => at.push(clock.now()), 50);
    }, 50);
    clock.advance(100);
    expect(at).toEqual([50, 100]);
  });

  it('refuses to move backwards, naming the move', () => {
    const clock = new ManualClock(1000);
    expect(() => clock.advance(-1)).toThrow(/only moves forward \(asked to move -1 ms\)/);
    expect(() => clock.set(999)).toThrow(/at 1000, asked for 999/);
  });
});

describe('systemClock', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads the time and timers vitest fakes', () => {
    vi.useFakeTimers();
    vi.setSystemTime(Date.UTC(2026, 11, 31, 16, 59, 59)); // 31/12 23:59:59 in Vietnam
    let fired = 0;
    systemClock.setTimeout(() => fired++, 1000);
    expect(systemClock.now()).toBe(Date.UTC(2026, 11, 31, 16, 59, 59));
    vi.advanceTimersByTime(1000);
    expect(fired).toBe(1);
    expect(new Date(systemClock.now()).toISOString()).toBe('2026-12-31T17:00:00.000Z');
  });
});
