// Reacts to the hub's birth on `{prefix}/hub/status` (retained; the will says offline). When a hub
// instance other than the last one seen comes online, the hub has just started and knows nothing
// of this device's connection: the agent announces itself again (birth), sends its outbox at once
// and re-measures the clock, instead of waiting for its next retry or sync interval.
//
// hub/status is unsigned, so anyone who may publish there could make every agent react: the
// reaction is idempotent and rate-limited (at most one per minIntervalMs, later ones coalesced
// into one at the end of the interval), and nothing else is trusted from the message.
import type { Logger } from 'pino';
import { HubStatus, parseJson } from '../protocol/index.ts';

export interface HubPresenceDeps {
  /** birth again, flush the outbox, clock burst */
  react: (instance: string) => void;
  minIntervalMs: number;
  /** a monotonic clock (ms) */
  now?: () => number;
  log: Logger;
}

export class HubPresence {
  private lastInstance: string | null = null;
  private lastReaction = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private pendingInstance: string | null = null;
  /** the next status is the retained one that follows our subscription */
  private justConnected = false;
  private readonly now: () => number;

  constructor(private readonly deps: HubPresenceDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /**
   * The agent (re)connected: it subscribed, then sent its birth, outbox and clock burst, which count
   * as a reaction. The retained hub status that follows the subscription is only recorded: a hub
   * that came online before our birth was published reads that birth from the retained topic.
   */
  onConnected(): void {
    this.lastReaction = this.now();
    this.justConnected = true;
  }

  onMessage(payload: Buffer): void {
    if (payload.length === 0) return;
    const r = parseJson(HubStatus, payload);
    if (!r.ok) {
      this.deps.log.warn({ problem: r.error }, 'hub status is invalid; ignored');
      return;
    }
    const s = r.value;
    const record = this.justConnected || this.lastInstance === null;
    this.justConnected = false;
    if (s.state !== 'online') {
      this.deps.log.info({ instance: s.instance }, 'hub is offline');
      return;
    }
    if (s.instance === this.lastInstance) return;
    this.lastInstance = s.instance;
    if (record) {
      this.deps.log.debug({ instance: s.instance }, 'hub online');
      return;
    }
    this.deps.log.info({ instance: s.instance }, 'a new hub instance is online');
    this.schedule(s.instance);
  }

  private schedule(instance: string): void {
    this.pendingInstance = instance;
    if (this.timer) return;
    const wait = this.lastReaction + this.deps.minIntervalMs - this.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = null;
    const instance = this.pendingInstance;
    this.pendingInstance = null;
    if (instance === null) return;
    this.lastReaction = this.now();
    this.deps.react(instance);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
