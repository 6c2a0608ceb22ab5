// The hub's side of live sessions (phát trực tiếp): one ffmpeg per session turns the browser's
// MediaRecorder chunks into the relays' Ogg Opus stream (live-args.ts), and the relays' fan-out
// serves it to every device that asks (GET /streams/<occurrence>), with who listens and how much
// they were sent. The session's rules, its broadcast and its life are hub/live/live-sessions.ts'.
// With streamEngine icecast the same pages also go to the origin Icecast as a source, on the
// session's own mount (icecast-source.ts), from which the devices then pull through their area's
// relay server (docs/live.md "Through Icecast").
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { StreamFanout, type FanoutStats } from './fanout.ts';
import { startEncoder, type Encoder } from './encoder.ts';
import { liveFfmpegArgs } from './live-args.ts';
import type { IcecastEngine } from '../config.ts';
import { icecastMount, sendToIcecast, type IcecastSource, type IcecastSourceState } from './icecast-source.ts';

export interface LiveStreamDeps {
  ffmpegPath: string;
  targetLufs: number;
  log: Logger;
  now: () => number;
  /** streamEngine icecast: the stream also goes to the origin, mount /<occurrence>.ogg */
  engine?: Pick<IcecastEngine, 'origin' | 'sourcePassword'> | null;
}

/** One device's hold on the stream. */
export interface LiveListenerState {
  deviceId: string;
  state: 'listening' | 'lost';
  /** when it last joined or left */
  since: number;
  /** bytes sent over its connections, the earlier ones included */
  bytes: number;
}

interface Hold {
  state: LiveListenerState;
  socket: Socket | null;
  /** on the engine's mount (its bytes are the engine's, not counted here) */
  engine?: boolean;
  base: number;
  sent: number;
}

/** The stream of one live session: its encoder, fan-out and listeners. */
export class LiveStream {
  private readonly fanout = new StreamFanout();
  /** started when the source connects (or by its first chunk): a session nobody speaks into runs no ffmpeg */
  private encoder: Encoder | null = null;
  /** the source on the Icecast origin (streamEngine icecast), from the encoder's start to the end */
  private source: IcecastSource | null = null;
  private readonly holds = new Map<string, Hold>();
  /** first audio byte from the source and first encoded byte out, hub time */
  firstInAt: number | null = null;
  firstOutAt: number | null = null;
  bytesIn = 0;
  private closing = false;
  private ended = false;
  private readonly endedWaiters: Array<() => void> = [];

  constructor(
    readonly occurrenceId: string,
    private readonly deps: LiveStreamDeps,
    /** the encoder ended on its own (bad input, ffmpeg died): the session has lost its source */
    private readonly onFailed: (why: string) => void,
  ) {}

  private startEncoder(): Encoder {
    const { deps, occurrenceId } = this;
    const encoder = startEncoder(
      deps.ffmpegPath,
      liveFfmpegArgs({ targetLufs: deps.targetLufs }),
      'pipe',
      this.fanout,
      (code, error) => {
        this.markEnded();
        if (this.closing) return;
        const said = encoder.said();
        const why = error
          ? `cannot run ffmpeg (${deps.ffmpegPath}): ${error.message}`
          : `the live encoder exited with ${code}${said ? `: ${said}` : ''}`;
        deps.log.warn({ occurrenceId, why }, 'live: encoder ended early');
        this.onFailed(why.slice(0, 500));
      },
    );
    encoder.child.stdout.once('data', () => (this.firstOutAt = deps.now()));
    // Connected with the encoder, before its first page: the origin has the mount, and its relay
    // servers can find it, by the time the speakers start (the origin waits 10 s for a first byte,
    // <source-timeout>; the leader's microphone sends from the moment the socket opens).
    if (deps.engine) this.source = sendToIcecast(deps.engine, icecastMount(occurrenceId), this.fanout, deps.log);
    return encoder;
  }

  private markEnded(): void {
    // (the fan-out ends the origin's PUT after its last page; stop() then keeps it from connecting again)
    this.fanout.end();
    this.source?.stop();
    this.ended = true;
    for (const w of this.endedWaiters.splice(0)) w();
  }

  get stats(): FanoutStats {
    return this.fanout.stats;
  }

  /** hub ms at which the stream's granule 0 went out, once its first audio page has (X-Stream-Epoch) */
  get epoch(): number | null {
    return this.fanout.epoch;
  }

  /** streamEngine icecast: the source on the origin, or null before the encoder starts */
  get engine(): IcecastSourceState | null {
    return this.source?.state ?? null;
  }

  get isOpen(): boolean {
    return !this.closing && !this.ended;
  }

  /**
   * The source connected: ffmpeg starts now, so its start-up (100–300 ms here) is over before the
   * first chunk, rather than piling the first chunks up into a burst that every device would buffer.
   */
  prepare(): void {
    if (this.isOpen) this.encoder ??= this.startEncoder();
  }

  /** A chunk of the browser's recording (WebM/Opus). */
  write(chunk: Buffer): void {
    if (!this.isOpen) return;
    this.firstInAt ??= this.deps.now();
    this.bytesIn += chunk.length;
    this.encoder ??= this.startEncoder();
    this.encoder.child.stdin!.write(chunk);
  }

  /**
   * Adds a device's response; false when the stream has ended. `onEpoch` gets the stream's epoch
   * before the response's first byte (at once, or with the first audio page).
   */
  attach(
    deviceId: string,
    listenerId: string,
    out: Writable,
    socket: Socket | null,
    onEpoch?: (epoch: number) => void,
  ): boolean {
    if (!this.isOpen || !this.fanout.add({ id: listenerId, out, ...(onEpoch ? { onEpoch } : {}) })) return false;
    const prev = this.holds.get(deviceId);
    const hold: Hold = {
      state: { deviceId, state: 'listening', since: this.deps.now(), bytes: prev?.state.bytes ?? 0 },
      socket,
      base: socket?.bytesWritten ?? 0,
      sent: prev?.state.bytes ?? 0,
    };
    this.holds.set(deviceId, hold);
    out.once('close', () => {
      if (this.holds.get(deviceId) !== hold) return;
      this.count(hold);
      hold.socket = null;
      // A stream that ended with the session is not a loss.
      if (this.isOpen) {
        hold.state.state = 'lost';
        hold.state.since = this.deps.now();
      }
    });
    return true;
  }

  /**
   * streamEngine icecast: a device the hub let in on the session's mount (Icecast's listener_add),
   * or one the engine says has gone (listener_remove). A departure after the end is not a loss.
   */
  engineListener(deviceId: string, on: boolean): void {
    const prev = this.holds.get(deviceId);
    const now = this.deps.now();
    if (on) {
      const bytes = prev?.state.bytes ?? 0;
      const state: LiveListenerState = { deviceId, state: 'listening', since: now, bytes };
      this.holds.set(deviceId, { state, socket: null, base: 0, sent: bytes, engine: true });
    } else if (prev?.engine && prev.state.state === 'listening' && this.isOpen) {
      prev.state.state = 'lost';
      prev.state.since = now;
    }
  }

  /** Who holds (or held) the stream, by device. */
  listeners(): LiveListenerState[] {
    for (const h of this.holds.values()) this.count(h);
    return [...this.holds.values()].map((h) => ({ ...h.state }));
  }

  private count(h: Hold): void {
    if (h.socket) h.state.bytes = h.sent + Math.max(0, h.socket.bytesWritten - h.base);
  }

  /**
   * The session ends: ffmpeg gets the end of its input, encodes what it holds, and the stream
   * ends for every listener when it has (a listener thus hears the last words). Resolves then;
   * ffmpeg is killed if it takes longer than `graceMs`.
   */
  async close(graceMs = 3000): Promise<void> {
    if (this.closing || this.ended) return this.ended ? undefined : this.waitEnded();
    this.closing = true;
    for (const h of this.holds.values()) this.count(h);
    const encoder = this.encoder;
    if (!encoder) return this.markEnded();
    encoder.child.stdin!.end();
    const kill = setTimeout(() => encoder.kill(), graceMs);
    kill.unref?.();
    await this.waitEnded();
    clearTimeout(kill);
  }

  private waitEnded(): Promise<void> {
    return this.ended ? Promise.resolve() : new Promise((r) => this.endedWaiters.push(r));
  }
}
