// Clock sync over MQTT (NTP-style): on connect and every clockSyncIntervalMs the agent sends a
// burst of requests {requestId, t0}; the hub's signed 'clock-reply' adds t1/t2; t3 is stamped on
// arrival. The ClockFilter keeps the sample with the smallest round trip. Only replies to a request
// still outstanding (same requestId and t0) are used, so an old reply cannot be replayed into it.
// The AgentClock holds the samples (and the offset saved by the last run) and says how far to trust them.
import { randomUUID } from 'node:crypto';
import type { AgentEventBus } from './agent-events.ts';
import type { Logger } from 'pino';
import { clockSample, type ClockReply, type ClockRequest, type TimerHandle } from '../protocol/index.ts';
import type { AgentClock } from './agent-clock.ts';
import type { AgentStore } from './store.ts';

export interface ClockSyncDeps {
  clock: AgentClock;
  store: AgentStore;
  publish: (req: ClockRequest) => Promise<void>;
  isConnected: () => boolean;
  intervalMs: number;
  log: Logger;
  events: AgentEventBus;
  burstSize?: number;
  spacingMs?: number;
}

const REQUEST_TTL_MS = 60_000;

/**
 * The burst as an item begins (its lead time is at least 500 ms): fresh samples for the start
 * instant, of which the filter keeps the one with the shortest round trip. Spread over the lead
 * time, since its start is the busiest moment (every agent starts its player then).
 */
export const START_BURST = { size: 6, spacingMs: 80 };

export class ClockSync {
  private readonly outstanding = new Map<string, number>();
  private timer: TimerHandle | null = null;
  private bursting = false;

  constructor(private readonly deps: ClockSyncDeps) {}

  start(): void {
    this.timer = this.deps.clock.setInterval(() => {
      if (this.deps.isConnected()) void this.burst();
    }, this.deps.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  /** `o`: a quicker burst than the periodic one (before a start, see START_BURST). */
  async burst(o: { size?: number; spacingMs?: number } = {}): Promise<void> {
    if (this.bursting) return;
    this.bursting = true;
    try {
      const now = this.deps.clock.now();
      for (const [id, t0] of this.outstanding) if (now - t0 > REQUEST_TTL_MS) this.outstanding.delete(id);
      for (let i = 0; i < (o.size ?? this.deps.burstSize ?? 4); i++) {
        if (!this.deps.isConnected()) break;
        const requestId = randomUUID();
        const t0 = this.deps.clock.now();
        this.outstanding.set(requestId, t0);
        await this.deps
          .publish({ requestId, t0 })
          .catch((err) => this.deps.log.debug({ err: (err as Error).message }, 'clock request not sent'));
        await new Promise<void>((r) => this.deps.clock.setTimeout(r, o.spacingMs ?? this.deps.spacingMs ?? 200));
      }
    } finally {
      this.bursting = false;
    }
  }

  /** True for a reply to a request we sent and have not had an answer to. */
  isOutstanding(requestId: unknown, t0: unknown): boolean {
    return typeof requestId === 'string' && this.outstanding.get(requestId) === t0;
  }

  /**
   * `arrivedAt`: when the message came off the connection (device ms). Stamped there, before the
   * signature check and parsing, so their cost does not lengthen the return leg alone and bias the
   * offset (it did by 10–25 ms on a busy 2-core machine).
   */
  onReply(reply: ClockReply, arrivedAt?: number): void {
    const t3 = arrivedAt ?? this.deps.clock.now();
    if (!this.isOutstanding(reply.requestId, reply.t0)) {
      this.deps.log.debug({ requestId: reply.requestId }, 'clock reply for no outstanding request; ignored');
      return;
    }
    this.outstanding.delete(reply.requestId);
    const sample = clockSample(reply.t0, reply.t1, reply.t2, t3);
    const best = this.deps.clock.addSample(sample);
    this.deps.store.saveClockOffset(best.offsetMs);
    this.deps.events.emit('clock', { sample, best });
  }
}
