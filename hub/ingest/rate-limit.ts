// Per-device message rates on the hub's ingest: a token bucket per device and kind. Excess is
// dropped, which costs nothing that matters: a dropped receipt is not acknowledged, so the agent
// sends it again from its outbox; a dropped clock request just goes unanswered; telemetry is a
// sample. Presence (status) is never limited: a dropped will would leave a dead device online.

export interface Rate {
  /** tokens the bucket holds (the burst) */
  burst: number;
  /** tokens added per second */
  perSecond: number;
}

/**
 * Well above what an agent sends: a clock burst is 4 requests 200 ms apart (at most every second),
 * telemetry at most once a second, and a reconnecting agent flushes its receipt outbox 50 at a
 * time every 200 ms.
 */
export const DEVICE_RATES: Record<string, Rate> = {
  clock: { burst: 20, perSecond: 5 },
  telemetry: { burst: 10, perSecond: 2 },
  receipt: { burst: 500, perSecond: 300 },
};

interface Bucket {
  tokens: number;
  at: number;
  /** drops since the last log line */
  dropped: number;
  loggedAt: number;
}

export function createRateLimiter(o: {
  rates: Record<string, Rate>;
  now: () => number;
  /** A drop: counted every time, logged at most once per `logEveryMs` per device and kind. */
  onDrop: (deviceId: string, kind: string, droppedSinceLastLog: number | null) => void;
  logEveryMs?: number;
}) {
  const logEvery = o.logEveryMs ?? 60_000;
  // Only enrolled devices can publish on their topics (broker access rules): bounded by the fleet.
  const buckets = new Map<string, Bucket>();
  return {
    /** True if the message may be handled; false when it is dropped. */
    take(deviceId: string, kind: string): boolean {
      const rate = o.rates[kind];
      if (!rate) return true;
      const now = o.now();
      const key = `${deviceId}\0${kind}`;
      let b = buckets.get(key);
      if (!b) buckets.set(key, (b = { tokens: rate.burst, at: now, dropped: 0, loggedAt: -Infinity }));
      b.tokens = Math.min(rate.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * rate.perSecond);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
      }
      b.dropped += 1;
      if (now - b.loggedAt >= logEvery) {
        o.onDrop(deviceId, kind, b.dropped);
        b.dropped = 0;
        b.loggedAt = now;
      } else o.onDrop(deviceId, kind, null);
      return false;
    },
  };
}
