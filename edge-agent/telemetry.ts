// Telemetry: every telemetryIntervalMs while connected, one QoS 0 message with the clock offset,
// the outbox and cache sizes, the schedule version, what plays, rejected hub messages by reason
// and the hardware's read-back.
import type { Logger } from 'pino';
import { Telemetry, describeZodError, type TimerHandle } from '../protocol/index.ts';
import type { AgentClock } from './agent-clock.ts';
import type { AgentStore } from './store.ts';
import type { MediaCache } from './media-cache.ts';
import type { PlaybackOutput } from './playback.ts';
import type { Timeline } from './timeline.ts';

export interface TelemetryDeps {
  deviceId: string;
  store: AgentStore;
  clock: AgentClock;
  media: MediaCache;
  output: PlaybackOutput;
  timeline: Timeline;
  publish: (t: Telemetry) => Promise<void>;
  isConnected: () => boolean;
  intervalMs: number;
  log: Logger;
}

export async function buildTelemetry(d: TelemetryDeps): Promise<Telemetry> {
  const best = d.clock.best();
  const measured = best && best.delayMs !== Number.MAX_SAFE_INTEGER ? best : null;
  return {
    deviceId: d.deviceId,
    at: Math.round(d.clock.hubNow()),
    clockOffsetMs: measured ? Math.round(measured.offsetMs) : null,
    clockDelayMs: measured ? Math.round(measured.delayMs) : null,
    outboxSize: d.store.outboxSize(),
    cacheBytes: d.media.cacheBytes(),
    scheduleVersion: d.store.appliedManifest()?.version ?? 0,
    nowPlaying: d.timeline.nowPlaying()?.occurrenceId ?? null,
    rejected: d.store.rejectionCounts(),
    ...(await d.output.telemetry()),
  };
}

export class TelemetryReporter {
  private timer: TimerHandle | null = null;

  constructor(private readonly deps: TelemetryDeps) {}

  start(): void {
    this.timer = this.deps.clock.setInterval(() => void this.send(), this.deps.intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) this.deps.clock.clearInterval(this.timer);
    this.timer = null;
  }

  async send(): Promise<void> {
    if (!this.deps.isConnected()) return;
    try {
      const t = await buildTelemetry(this.deps);
      const check = Telemetry.safeParse(t);
      if (!check.success) {
        this.deps.log.error(
          { problem: describeZodError(check.error) },
          'telemetry does not match its schema; not sent',
        );
        return;
      }
      await this.deps.publish(check.data);
    } catch (err) {
      this.deps.log.debug({ err: (err as Error).message }, 'telemetry not sent');
    }
  }
}
