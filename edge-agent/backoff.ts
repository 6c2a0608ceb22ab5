// Exponential backoff with jitter: thousands of agents reconnecting (or retrying downloads) after a
// broker or hub restart must not come back in lockstep.
import type { Clock } from '../protocol/index.ts';

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** ± fraction, e.g. 0.3 spreads a 4 s delay over 2.8-5.2 s */
  jitter: number;
}

/** Delay before retry number `attempt` (0-based): minMs doubling up to maxMs, then jittered. */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const base = Math.min(opts.maxMs, opts.minMs * 2 ** Math.min(attempt, 30));
  const spread = 1 + opts.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * spread));
}

/** A sleep on the clock that ends early (rejecting with the signal's reason) when the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const t = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    const onAbort = () => {
      clock.clearTimeout(t);
      reject(signal!.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
