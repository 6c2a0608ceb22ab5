// Reaching a start instant to the sub-millisecond: a timer wakes the agent a few ms early (timers
// fire late by a ms or more, and a busy event loop later still), then a short busy-wait on the
// clock ends at the instant itself. The busy-wait is bounded in real time, so a clock that does
// not move on its own (a test's manual clock) cannot hang it.
import type { Clock } from '../protocol/index.ts';
import { sleep } from './backoff.ts';

/** How early the timer wakes before the instant; the rest is a busy-wait. */
export const SPIN_MS = 4;

/**
 * `at`: the device-clock instant, or a function giving it, read again on waking: a clock sample
 * taken while waiting (the burst before each start) moves the instant.
 */
export async function waitUntil(clock: Clock, at: number | (() => number), signal?: AbortSignal): Promise<void> {
  const instant = typeof at === 'number' ? () => at : at;
  await sleep(clock, instant() - clock.now() - SPIN_MS, signal);
  // Woken early (a later offset moved the instant away): sleep again.
  while (instant() - clock.now() > SPIN_MS + 2) await sleep(clock, instant() - clock.now() - SPIN_MS, signal);
  const deviceMs = instant();
  const giveUpAt = performance.now() + SPIN_MS + 2;
  while (clock.now() < deviceMs && performance.now() < giveUpAt);
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}
