// Reaching a start instant to the sub-millisecond: a timer wakes the agent a few ms early (timers
// fire late by a ms or more, and a busy event loop later still), then a short busy-wait on the
// clock ends at the instant itself. The busy-wait is bounded in real time, so a clock that does
// not move on its own (a test's manual clock) cannot hang it.
import type { Clock } from '../protocol/index.ts';
import { sleep } from './backoff.ts';

/** How early the timer wakes before the instant; the rest is a busy-wait. */
export const SPIN_MS = 4;

export async function waitUntil(clock: Clock, deviceMs: number, signal?: AbortSignal): Promise<void> {
  await sleep(clock, deviceMs - clock.now() - SPIN_MS, signal);
  const giveUpAt = performance.now() + SPIN_MS + 2;
  while (clock.now() < deviceMs && performance.now() < giveUpAt);
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}
