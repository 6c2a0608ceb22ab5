// What the timeline needs from a device output (loudspeaker amplifier + player, or LED board).
import type { DeviceKind, MediaRef, ReasonCode, Receipt, ScheduleItem, Telemetry } from '../protocol/index.ts';

export type Evidence = Receipt['evidence'];

export interface PlaybackContext {
  /** aborted to pre-empt, cancel, or because the agent stops */
  signal: AbortSignal;
  /**
   * device-clock instant at which the audio / message should come out, on the offset held when it is
   * read (a clock sample taken during the preparation moves it)
   */
  readonly startAtDeviceMs: number;
  /** called once, when the audio / message actually comes out (device ms) */
  onStarted(deviceMs: number): void;
  /** called as playback advances (ms of content played) */
  onProgress(playedMs: number): void;
  /** device ms → hub ms (the relay evidence's lostAt is in hub time) */
  toHubTime?(deviceMs: number): number;
}

export interface PlaybackOutcome {
  /** what the output itself concluded; the timeline overrides it when it aborted the item */
  result: 'played' | 'partial' | 'failed';
  reason?: string;
  /** Why, for people (protocol REASON_CODES); `reason` keeps the technical words. */
  reasonCode?: ReasonCode;
  /** device ms; null if nothing came out */
  startedAt: number | null;
  endedAt: number | null;
  playedMs: number;
  evidence: Evidence;
}

export interface PlaybackOutput {
  readonly kind: DeviceKind;
  /** how long before startAt preparation begins (amplifier warm-up), so audio starts on time */
  readonly leadTimeMs: number;
  /** the media file the item needs cached before it can start, or null */
  mediaFor(item: ScheduleItem): MediaRef | null;
  play(item: ScheduleItem, ctx: PlaybackContext): Promise<PlaybackOutcome>;
  /** hardware state for telemetry; never throws */
  telemetry(): Promise<Pick<Telemetry, 'amplifier' | 'led'>>;
}

export const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
