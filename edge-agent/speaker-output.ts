// A loudspeaker: amplifier + ffmpeg. Sequence per item: power on → zones → volume → warm-up →
// audio in (feedAudio) → play → audio out → tail → power off, sampling the amplifier's read-back
// every ~500 ms while audio plays. The result is evidence, not a claim:
//   played  - ffmpeg decoded ≥ 95 % of the media, and the amplifier read back powered and drew at
//             least minPlayingCurrentMa while playing;
//   failed  - media missing or corrupt, ffmpeg failed, the amplifier refused commands, read back
//             unpowered, or drew no current (dead amplifier or open output);
//   partial - ffmpeg ended early by itself (the timeline also makes stopped items partial).
// An amplifier that cannot measure current (a plain Modbus relay board) gives no evidence of
// sound: the receipt says so (evidence.amplifier.notMeasured, and the reason), and "played" then
// rests on the decoder and the relays read back on. Read-back errors during playback (a Modbus
// timeout or exception) are listed as faults and named in the reason.
import type { Logger } from 'pino';
import type { Clock, MediaRef, ReasonCode, ScheduleItem, TimerHandle } from '../protocol/index.ts';
import { isDeviceError, type Amplifier, type AmplifierReadback } from '../firmware-bridge/hardware.ts';
import type { ResolvedFfmpeg } from '../firmware-bridge/audio.ts';
import type { PlayResult } from './player.ts';
import { preparePlaced } from './placed-player.ts';
import { playRelay, type RelayPlayResult, type RelayStreamAccess } from './relay-player.ts';
import { waitUntil } from './start-instant.ts';
import type { MediaCache } from './media-cache.ts';
import { sleep } from './backoff.ts';
import { clip, type Evidence, type PlaybackContext, type PlaybackOutcome, type PlaybackOutput } from './playback.ts';

export interface SpeakerSettings {
  zones: number;
  warmUpMs: number;
  tailMs: number;
  minPlayingCurrentMa: number;
}

export interface SpeakerOutputDeps {
  amplifier: Amplifier;
  /** the simulated amplifier's audio input, when simulated */
  feedAudio?: (active: boolean) => void;
  settings: SpeakerSettings;
  /** "null" or "<format>:<device>" */
  audioOutput: string;
  ffmpeg: ResolvedFfmpeg;
  media: MediaCache;
  log: Logger;
  /** the device clock: start times, waits and the times in the outcome */
  clock: Clock;
  sampleEveryMs?: number;
  /** how to reach the hub's relay streams (tiếp âm); without it a relay item fails */
  relayStreams?: RelayStreamAccess;
  /** where the last bulletin aired in full is kept (the agent's store), so it outlives a restart */
  lastAired?: { get(): MediaRef | null; set(ref: MediaRef): void };
}

/**
 * Time before the warm-up for the amplifier's commands (a few Modbus round trips), ffmpeg's
 * start-up (50–300 ms on a busy board) and, for a relay, connecting to the hub's stream and
 * receiving the pages it starts from (HOLD_MS); the audio then waits for its instant.
 */
export const PREPARE_MS = 1000;

/** Share of the media's duration that must be decoded for "played". */
export const PLAYED_FRACTION = 0.95;
/**
 * The same for a relay that was never lost: joining a live stream costs the decoder's start (about
 * half a second here), which is not a fault. The hub's bar for 'played' is 90 % (admission.ts).
 */
export const RELAY_PLAYED_FRACTION = 0.92;

type AmplifierEvidence = NonNullable<Evidence['amplifier']>;

/** Collects amplifier read-backs while audio plays. */
class AmplifierSampler {
  private readonly samples: AmplifierReadback[] = [];
  readonly errors: string[] = [];
  /** Short forms of the errors, for the evidence's 80-character fault entries. */
  private readonly shortErrors: string[] = [];
  failures = 0;
  private timer: TimerHandle | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly amplifier: Amplifier,
    private readonly everyMs: number,
    private readonly clock: Clock,
  ) {}

  start(): void {
    void this.sample();
    this.timer = this.clock.setInterval(() => void this.sample(), this.everyMs);
  }

  sample(): Promise<void> {
    this.inFlight = this.inFlight.then(async () => {
      try {
        this.samples.push(await this.amplifier.read());
      } catch (e) {
        this.failures++;
        if (this.errors.length < 5) {
          this.errors.push((e as Error).message);
          this.shortErrors.push(shortError(e));
        }
      }
    });
    return this.inFlight;
  }

  async stop(): Promise<void> {
    if (this.timer) this.clock.clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }

  /** What the amplifier cannot measure (any sample saying so). */
  notMeasured(): NonNullable<AmplifierReadback['notMeasured']> {
    return [...new Set(this.samples.flatMap((x) => x.notMeasured ?? []))];
  }

  evidence(): AmplifierEvidence {
    const s = this.samples;
    const missing = this.notMeasured();
    const currents = missing.includes('current') ? [] : s.map((x) => x.currentMa);
    const faults = [...new Set([...s.flatMap((x) => x.faults), ...this.shortErrors.map((e) => `read failed: ${e}`)])];
    return {
      powered: s.length > 0 && s.every((x) => x.powered),
      maxCurrentMa: currents.length ? Math.max(0, ...currents) : 0,
      meanCurrentMa: currents.length
        ? Math.max(0, Math.round(currents.reduce((a, b) => a + b, 0) / currents.length))
        : 0,
      maxTemperatureC: s.length && !missing.includes('temperature') ? Math.max(...s.map((x) => x.temperatureC)) : 0,
      faults: faults.slice(0, 20).map((f) => clip(f, 80)),
      samples: s.length,
      ...(missing.length ? { notMeasured: missing } : {}),
    };
  }
}

/** "unit 1 FC04 read input registers 0-2: timeout" — fits the evidence's 80-character faults. */
function shortError(e: unknown): string {
  if (isDeviceError(e)) {
    const ex = /exception ([0-9A-F]{2})/i.exec(e.detail);
    return `${e.operation.replace(/ \(.*\)$/, '')}: ${e.code}${ex ? ` ${ex[1]}` : ''}`;
  }
  return (e as Error).message;
}

export class SpeakerOutput implements PlaybackOutput {
  readonly kind = 'speaker' as const;
  /** the last file aired in full: a relay's 'last-bulletin' fallback (kept in deps.lastAired too) */
  private lastAired: MediaRef | null;

  constructor(private readonly deps: SpeakerOutputDeps) {
    this.lastAired = deps.lastAired?.get() ?? null;
  }

  /** Warm-up plus time for the amplifier's commands and ffmpeg's start-up, so neither delays the audio. */
  get leadTimeMs(): number {
    return this.deps.settings.warmUpMs + PREPARE_MS;
  }

  mediaFor(item: ScheduleItem): MediaRef | null {
    return item.media ?? null;
  }

  async telemetry() {
    try {
      const r = await this.deps.amplifier.read();
      return {
        amplifier: { powered: r.powered, currentMa: r.currentMa, temperatureC: r.temperatureC, faults: r.faults },
      };
    } catch (e) {
      return {
        amplifier: {
          powered: false,
          currentMa: 0,
          temperatureC: 0,
          faults: [clip(`read failed: ${(e as Error).message}`, 200)],
        },
      };
    }
  }

  /** The file a relay falls back to: its station ident, or the last bulletin aired here; null for silence. */
  private async fallbackFile(item: ScheduleItem): Promise<string | null> {
    const relay = item.relay!;
    const ref =
      relay.fallback === 'ident'
        ? (relay.fallbackMedia ?? null)
        : relay.fallback === 'last-bulletin'
          ? this.lastAired
          : null;
    if (!ref) return null;
    const check = await this.deps.media.verify(ref);
    return check.ok ? this.deps.media.fileFor(ref) : null;
  }

  async play(item: ScheduleItem, ctx: PlaybackContext): Promise<PlaybackOutcome> {
    const { amplifier, settings, log } = this.deps;
    const outcome: PlaybackOutcome = { result: 'failed', startedAt: null, endedAt: null, playedMs: 0, evidence: {} };
    const fail = (reason: string, reasonCode: ReasonCode = 'driver-error') => ({
      ...outcome,
      result: 'failed' as const,
      reason,
      reasonCode,
    });
    const media = item.media;
    const relay = item.relay;
    if (!media && !relay) return fail('the item has no audio, and this device is a loudspeaker');
    if (relay && !this.deps.relayStreams) return fail('this agent was started without access to relay streams');
    let file = '';
    if (media) {
      const check = await this.deps.media.verify(media);
      if (!check.ok) return fail(check.reason, 'media-missing');
      file = this.deps.media.fileFor(media);
    }
    const fallbackFile = relay ? await this.fallbackFile(item) : null;
    /** what must be decoded for 'played': of the file's length, or of the relay's planned length */
    let playedMinMs = media ? PLAYED_FRACTION * media.durationMs : RELAY_PLAYED_FRACTION * item.durationMs;
    let lengthMs = media ? media.durationMs : item.durationMs;
    const decoder = clip(
      relay
        ? `ffmpeg (${this.deps.ffmpeg.source}) ← ${streamSource(relay.engineUrl)} ${relay.format} ${relay.bitrateKbps} kb/s → ${this.deps.audioOutput}`
        : `ffmpeg (${this.deps.ffmpeg.source}) decoded ahead, placed on the output's sample clock → ${this.deps.audioOutput}`,
      200,
    );

    // The player starts up now, during the warm-up: a file's decoder and output (the file's first
    // sample placed at the instant on the output's sample clock), a relay's ffmpeg (connected to the
    // hub's stream already) waiting for the gate.
    const player = new AbortController();
    const onAbort = () => player.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const prepared = relay
      ? null
      : preparePlaced(file, {
          ffmpegPath: this.deps.ffmpeg.path,
          output: this.deps.audioOutput,
          clock: this.deps.clock,
          startAt: () => ctx.startAtDeviceMs,
          signal: player.signal,
          onProgress: (ms) => ctx.onProgress(ms),
        });
    let openGate = () => {};
    const relaying = relay
      ? playRelay(item, {
          ffmpegPath: this.deps.ffmpeg.path,
          output: this.deps.audioOutput,
          access: this.deps.relayStreams!,
          clock: this.deps.clock,
          endAtDeviceMs: ctx.startAtDeviceMs + item.durationMs,
          signal: player.signal,
          onProgress: (ms) => ctx.onProgress(ms),
          fallbackFile,
          fallback: relay.fallback,
          startGate: {
            opens: new Promise<void>((resolve) => (openGate = resolve)),
            atDeviceMs: ctx.startAtDeviceMs,
            atHubMs: ctx.toHubTime?.(ctx.startAtDeviceMs) ?? ctx.startAtDeviceMs,
          },
        })
      : null;
    let aborted = false;
    try {
      try {
        await amplifier.setPower(true);
        await amplifier.setZones(Array.from({ length: settings.zones }, (_, i) => i + 1));
        await amplifier.setVolume(item.volume);
      } catch (e) {
        return fail(
          clip(`amplifier did not accept the commands: ${(e as Error).message}`, 500),
          isDeviceError(e, 'timeout') || isDeviceError(e, 'io') ? 'device-unreachable' : 'driver-error',
        );
      }
      try {
        await sleep(this.deps.clock, settings.warmUpMs, ctx.signal);
        await waitUntil(this.deps.clock, () => ctx.startAtDeviceMs, ctx.signal);
      } catch {
        aborted = true;
        return { ...outcome, result: 'partial', reason: 'stopped before the audio started' };
      }

      // A file's start was placed on the sample clock before the instant (a late one is placed now):
      // it comes out then, whenever this wake-up came.
      prepared?.start();
      openGate();
      const placed = prepared ? await prepared.placed : null;
      if (placed)
        log.info(
          {
            occurrenceId: item.occurrenceId,
            anchorUncertaintyMs: Math.round(placed.anchorUncertaintyMs * 100) / 100,
            anchorAttempts: placed.attempts,
            // hub ms of the output's first sample (on this agent's offset): the test's sink sees it arrive
            anchorAt: Math.round((ctx.toHubTime?.(placed.anchorDeviceMs) ?? placed.anchorDeviceMs) * 100) / 100,
            late: placed.late,
          },
          'start placed on the output clock',
        );
      outcome.startedAt = placed?.atDeviceMs ?? this.deps.clock.now();
      const sampler = new AmplifierSampler(amplifier, this.deps.sampleEveryMs ?? 500, this.deps.clock);
      this.deps.feedAudio?.(true);
      ctx.onStarted(outcome.startedAt);
      sampler.start();
      let r: PlayResult;
      let relayed: RelayPlayResult | null = null;
      if (relaying !== null) {
        relayed = await relaying;
        // Seconds played are the seconds aired, as the evidence counts them: of the planned length at
        // most (the decoder may report a few ms past the end it was stopped at).
        const airedMs = Math.min(relayed.airedMs, item.durationMs);
        r = { exitCode: relayed.exitCode, decodedMs: airedMs, stopped: relayed.stopped };
        // A live session lasts until the hub ended its stream, not its planned maximum.
        const liveEnd = relayed.live?.endedAt ?? null;
        if (liveEnd !== null) {
          lengthMs = Math.max(0, liveEnd - ctx.startAtDeviceMs);
          playedMinMs = livePlayedMinMs(lengthMs, relay?.bufferMs ?? 0);
        }
      } else {
        r = await prepared!.result;
      }
      outcome.endedAt = this.deps.clock.now();
      await sampler.sample(); // one last read-back while the audio is still at the input
      this.deps.feedAudio?.(false);
      await sampler.stop();
      aborted = r.stopped;

      const amp = sampler.evidence();
      outcome.playedMs = r.decodedMs;
      outcome.evidence = {
        player: {
          decoder,
          exitCode: r.exitCode,
          decodedMs: Math.max(0, Math.round(r.decodedMs)),
          ...(media ? { mediaSha256: media.sha256 } : {}),
          ...(r.error ? { error: clip(r.error, 500) } : {}),
        },
        amplifier: amp,
        ...(relayed ? { relay: relayEvidence(relayed, item.durationMs, (t) => ctx.toHubTime?.(t) ?? t) } : {}),
      };
      // A relay whose upstream was lost is 'partial' (or 'failed' with nothing aired), for that reason.
      const upstreamLost = (): PlaybackOutcome | null =>
        relayed?.lostAt != null
          ? {
              ...outcome,
              result: relayed.airedMs > 0 ? 'partial' : 'failed',
              reasonCode: 'upstream-lost',
              reason: clip(
                `relay: ${(relayed.airedMs / 1000).toFixed(1)} of ${(item.durationMs / 1000).toFixed(1)} s aired; lost${relayed.losses.length > 1 ? ` ${relayed.losses.length} times, first` : ''}: ${relayed.lostReason}; ${relayed.fallback} aired instead`,
                500,
              ),
            }
          : null;
      const faults = amp.faults.length ? ` (faults: ${amp.faults.join(', ')})` : '';
      if (r.stopped) return { ...outcome, result: 'partial', reason: 'stopped' };
      if (r.error) return fail(clip(`ffmpeg failed: ${r.error}`, 500), 'player-error');
      if (amp.samples === 0)
        return fail(
          clip(`amplifier could not be read while playing: ${sampler.errors[0] ?? 'no answer'}`, 500),
          'device-unreachable',
        );
      const missing = sampler.notMeasured();
      if (missing.includes('current')) {
        // A relay board: it can only say its relays are on. Not evidence of sound; say so.
        if (!amp.powered)
          return fail(clip(`the amplifier's power relay read back off while playing${faults}`, 500), 'amplifier-fault');
        const lostRelay = upstreamLost();
        if (lostRelay) return lostRelay;
        if (r.decodedMs < playedMinMs) {
          return {
            ...outcome,
            result: 'partial',
            reason: `ffmpeg decoded only ${(r.decodedMs / 1000).toFixed(1)} of ${(lengthMs / 1000).toFixed(1)} s; amplifier current not measured`,
          };
        }
        return {
          ...outcome,
          result: 'played',
          reason: clip(
            `decoded in full and the relays read back on; the amplifier has no current read-back, so sound at the speakers was not measured${readErrors(sampler)}`,
            500,
          ),
        };
      }
      if (!amp.powered) {
        return fail(
          clip(
            `amplifier read back unpowered and drew no current while playing (max ${amp.maxCurrentMa} mA): dead amplifier or no mains power${faults}`,
            500,
          ),
          'amplifier-fault',
        );
      }
      if (amp.maxCurrentMa < settings.minPlayingCurrentMa) {
        return fail(
          clip(
            `amplifier drew no current while playing: dead amplifier or open output (max ${amp.maxCurrentMa} mA, needs ${settings.minPlayingCurrentMa} mA)${faults}`,
            500,
          ),
          'amplifier-fault',
        );
      }
      const lostRelay = upstreamLost();
      if (lostRelay) return lostRelay;
      if (r.decodedMs < playedMinMs) {
        return {
          ...outcome,
          result: 'partial',
          reason: `ffmpeg decoded only ${(r.decodedMs / 1000).toFixed(1)} of ${(lengthMs / 1000).toFixed(1)} s`,
        };
      }
      if (media) {
        this.lastAired = media;
        try {
          this.deps.lastAired?.set(media);
        } catch (e) {
          log.warn({ err: (e as Error).message }, 'could not keep the last bulletin aired');
        }
      }
      const errs = readErrors(sampler);
      return { ...outcome, result: 'played', ...(errs ? { reason: clip(`played${errs}`, 500) } : {}) };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      player.abort(); // a player that never started (failed amplifier, stopped early) ends here
      await prepared?.result;
      await relaying;
      this.deps.feedAudio?.(false);
      // A pre-empted item hands over at once; a finished one keeps the amplifier on for its tail.
      if (!aborted && !ctx.signal.aborted) await sleep(this.deps.clock, settings.tailMs).catch(() => undefined);
      try {
        await amplifier.setPower(false);
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'amplifier power-off failed');
      }
    }
  }
}

/**
 * What a live session must have aired for 'played': of its length on this device (start to the
 * stream's end), less the join (the buffer and the decoder's start); the hub's bar is lower still
 * (hub/ingest/admission.ts, LIVE_JOIN_ALLOWANCE_MS).
 */
export const livePlayedMinMs = (lengthMs: number, bufferMs: number) =>
  Math.min(RELAY_PLAYED_FRACTION * lengthMs, lengthMs - bufferMs - 2000);

/** The receipt's account of a relay: seconds of the stream aired, seconds lost, and what aired instead. */
function relayEvidence(r: RelayPlayResult, plannedMs: number, toHubTime: (deviceMs: number) => number) {
  const aired = Math.min(r.airedMs, plannedMs);
  return {
    ...(r.live ? { live: true, dropouts: r.live.dropouts, dropoutSeconds: Math.round(r.live.dropoutMs) / 1000 } : {}),
    secondsAired: Math.round(aired) / 1000,
    secondsLost: r.lostAt === null ? 0 : Math.round(Math.max(0, plannedMs - aired)) / 1000,
    fallback: r.fallback,
    fallbackSeconds: Math.round(r.fallbackMs) / 1000,
    lostAt: r.lostAt === null ? null : Math.round(toHubTime(r.lostAt)),
    bytes: r.bytes,
    ...(r.losses.length
      ? {
          losses: r.losses.slice(0, 100).map((l) => ({
            at: Math.round(toHubTime(l.at)),
            seconds: Math.round(l.ms) / 1000,
            reason: clip(l.reason, 200),
          })),
        }
      : {}),
  };
}

/** "; 2 amplifier read-backs failed during playback: <first error>", or "" when none failed. */
function readErrors(sampler: AmplifierSampler): string {
  if (sampler.failures === 0) return '';
  return `; ${sampler.failures} amplifier read-back${sampler.failures > 1 ? 's' : ''} failed during playback: ${sampler.errors[0]}`;
}

/** Who serves a relay or live stream, in the receipt's decoder line: the hub, or the engine's server it names. */
function streamSource(engineUrl: string | undefined): string {
  if (!engineUrl) return 'hub stream';
  try {
    return `engine stream ${new URL(engineUrl).host}`;
  } catch {
    return 'engine stream';
  }
}
