// Reaching the start instant when a clock sample moves it while the agent waits (the burst before
// each start): the instant is read again on waking, so the release follows the newer offset.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../protocol/index.ts';
import { SPIN_MS, waitUntil } from './start-instant.ts';

const settle = () => new Promise((r) => setImmediate(r));

describe('waitUntil', () => {
  it('follows an instant that a newer clock offset moved later while it slept', async () => {
    const clock = new ManualClock(0);
    let instant = 1000;
    let done = false;
    const waiting = waitUntil(clock, () => instant).then(() => (done = true));
    instant = 1300; // a clock sample came in: hub time now maps 300 ms later on this device
    clock.set(1000 - SPIN_MS);
    await settle();
    expect(done).toBe(false); // woke at the old instant, and went back to sleep
    clock.set(1300);
    await waiting;
    expect(done).toBe(true);
  });

  it('takes a plain instant, and wakes the busy-wait length before it', async () => {
    const clock = new ManualClock(0);
    const waiting = waitUntil(clock, 100);
    clock.set(100 - SPIN_MS);
    await waiting; // the busy-wait gives up in real time on a clock that does not move
    expect(clock.pendingTimers).toBe(0);
  });
});
