// Plays a bulletin file on the output's sample clock, so that it starts in sync whatever the timers
// and processes do at the instant (docs/protocol.md, Start in sync). Two ffmpegs, both started during
// the warm-up:
//   - the decoder decodes the file ahead into raw PCM (mono, 48 kHz), read by the agent as needed;
//   - the output takes raw PCM on its stdin and writes it to the profile's output ("alsa:<dev>",
//     "s16le:<url>", "null") and is fed by the agent: silence, then the bulletin's samples from the
//     sample index that is the planned instant on the output's clock.
// An output, like a sound card, clocks its samples out from the first one at its rate: sample n
// leaves at anchor + n / 48 kHz. The agent finds the anchor once, before the instant, then only
// counts samples: it writes LEAD_MS ahead of the output, so a timer that fires late, or an ffmpeg
// that waits for a core, no longer moves the audible onset (a card's buffer absorbs up to LEAD_MS).
// The anchor: the output's input, filters, encoder and device are opened first on PRIME_SAMPLES of
// silence that atrim drops (nothing reaches the device); then one block of silence goes in at w0 and
// ffmpeg's -debug_ts line for its first packet ("muxer <- … pkt_pts:0"), printed as it writes it,
// comes back at r0; a second block follows at once, its line back at r1. The first sample left after
// w0 and before r1 (ffmpeg prints the second line after writing the first packet): the anchor is
// taken at (w0 + r0) / 2. A bracket w0 … r1 wider than ANCHOR_TOLERANCE_MS (ffmpeg or the agent
// waited for a core) is tried again on a new output while there is time. The decoder starts after
// the anchor, so its own start-up does not compete with it.
// Both ffmpegs are tied to the agent (spawnTied): an agent killed mid-play takes them with it.
import type { ChildProcessByStdio } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../protocol/index.ts';
import { spawnTied } from '../firmware-bridge/audio.ts';
import { clipError, ffmpegExitError, sinkArgs, type PlayResult } from './player.ts';

export const RATE = 48_000;
/** The raw PCM demuxer's packet: ffmpeg passes nothing on until a whole one is in. */
export const BLOCK = 1024;
/** Silence that opens the output's whole chain before the anchor; dropped by atrim. */
export const PRIME_SAMPLES = 2 * BLOCK;
/** How far ahead of the output the agent writes: a late timer up to this much moves nothing. */
export const LEAD_MS = 150;
/** An anchor bracket (w0 … r1) this narrow is kept; a wider one is tried again. */
export const ANCHOR_TOLERANCE_MS = 3;
const ANCHOR_ATTEMPTS = 3;
/** Another attempt only with this much time left before the instant. */
const RETRY_NEEDS_MS = 300;
/** The output must have opened its chain within this (a board's ffmpeg start-up is 50–300 ms). */
const READY_TIMEOUT_MS = 5000;
const TICK_MS = 20;
const STOP_GRACE_MS = 2000;
/** Decoded PCM kept ahead: the decoder waits (its pipe fills) above HIGH until below LOW. */
const QUEUE_HIGH = 2 * RATE * 2;
const QUEUE_LOW = RATE * 2;
/** ffmpeg's info and -debug_ts lines: not errors. */
const NOT_ERRORS =
  /^(size=|time=|(demuxer|decoder|filter|encoder|muxer)\b.*(<-|->)|Input #|Output #|Stream|Duration|Metadata|encoder\s*:|Guessed|\w+\s*:)/;

export interface PlacedPlayOptions {
  ffmpegPath: string;
  /** "null" or "<format>:<device>" */
  output: string;
  /** the device clock the instant is on */
  clock: Clock;
  /** the planned instant, device ms; read again until the start is placed (a clock sample moves it) */
  startAt: () => number;
  signal?: AbortSignal;
  /** ms of the bulletin played so far */
  onProgress?: (playedMs: number) => void;
}

/** Where the bulletin went on the output's sample clock. */
export interface Placement {
  /** device ms at which the output's first sample left (the middle of the bracket) */
  anchorDeviceMs: number;
  /** half the bracket the anchor was found in, ms */
  anchorUncertaintyMs: number;
  /** output attempts it took (a wide bracket is tried again) */
  attempts: number;
  /** index of the bulletin's first sample in the output's stream (after the dropped priming) */
  startSample: number;
  /** device ms at which that sample leaves: the planned instant, or later for a late start */
  atDeviceMs: number;
  /** started after its planned instant (it was past when the output was ready, or start() came first) */
  late: boolean;
}

export interface PlacedPlay {
  /** The instant is here: a start not placed yet is placed now, at the output's write position. */
  start(): void;
  /** Settles when the start is placed (with where), or null when it never will be (stopped, failed). */
  placed: Promise<Placement | null>;
  result: Promise<PlayResult>;
}

/** The decoder: the whole file as raw PCM on stdout, as fast as it is read. */
export function decodeArgs(file: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-i',
    file,
    '-vn',
    '-ac',
    '1',
    '-ar',
    `${RATE}`,
    '-f',
    's16le',
    'pipe:1',
  ];
}

/**
 * The output: raw PCM from stdin to `output`. Small probes so it starts on the priming alone;
 * -debug_ts prints a line as each packet is written (the anchor's upper bound).
 */
export function outputArgs(output: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'info',
    '-debug_ts',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-f',
    's16le',
    '-ar',
    `${RATE}`,
    '-ac',
    '1',
    '-i',
    'pipe:0',
    '-af',
    `atrim=start_sample=${PRIME_SAMPLES},asetpts=N/SR/TB`,
    ...sinkArgs(output),
  ];
}

type Proc = ChildProcessByStdio<Writable, Readable, Readable>;

/** One output process: ready once its chain is open, and when its first packet went out. */
class OutputProcess {
  readonly child: Proc;
  stderrTail = '';
  readonly ready: Promise<void>;
  /** when the -debug_ts lines of the first two packets (pts 0 and BLOCK) came in, performance ms */
  readonly packets: [Promise<number>, Promise<number>];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: string }>;

  constructor(ffmpegPath: string, output: string) {
    this.child = spawnTied(ffmpegPath, outputArgs(output), { stdio: ['pipe', 'ignore', 'pipe'] }) as unknown as Proc;
    this.child.stdin.on('error', () => undefined); // ffmpeg gone: its exit says why
    let onReady = () => {};
    this.ready = new Promise((r) => (onReady = r));
    const seen: Array<((at: number) => void) | null> = [null, null];
    this.packets = [new Promise((r) => (seen[0] = r)), new Promise((r) => (seen[1] = r))];
    const lines = [/muxer <- [^\n]*pkt_pts:0 /, new RegExp(`muxer <- [^\\n]*pkt_pts:${BLOCK} `)];
    let seenReady = false;
    let scan = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      const at = performance.now();
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
      if (seen[1] === null) return; // both seen: nothing more to look for
      scan = (scan + chunk).slice(-2000);
      if (!seenReady && scan.includes('Output #0')) {
        seenReady = true;
        onReady();
      }
      if (!seenReady) return;
      for (const i of [0, 1])
        if (seen[i] && lines[i]!.test(scan)) {
          seen[i]!(at);
          seen[i] = null;
        }
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => resolve({ code: null, signal: null, spawnError: e.message }));
      this.child.on('close', (code, signal) => resolve({ code, signal }));
    });
  }

  write(samples: Buffer): void {
    this.child.stdin.write(samples);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}

const silence = (samples: number) => Buffer.alloc(samples * 2);
const timeout = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, ms)).unref());

/** Prepares `file` on a new output now; it starts at opts.startAt() on the output's sample clock. */
export function preparePlaced(file: string, opts: PlacedPlayOptions): PlacedPlay {
  let forced = false;
  let onPlaced: (p: Placement | null) => void = () => {};
  const placed = new Promise<Placement | null>((r) => (onPlaced = r));
  const result = run(
    file,
    opts,
    () => forced,
    (p) => onPlaced(p),
  ).finally(() => onPlaced(null));
  return {
    start() {
      forced = true;
    },
    placed,
    result,
  };
}

async function run(
  file: string,
  opts: PlacedPlayOptions,
  isForced: () => boolean,
  onPlaced: (p: Placement) => void,
): Promise<PlayResult> {
  try {
    // Opened now, so a missing file is named before the start, not as ffmpeg's error.
    closeSync(openSync(file, 'r'));
  } catch (e) {
    return { exitCode: null, decodedMs: 0, error: clipError(file, e), stopped: false };
  }
  const signal = opts.signal ?? new AbortController().signal;
  if (signal.aborted) return { exitCode: null, decodedMs: 0, stopped: true };

  // Device ms from the monotonic clock: Date.now() has whole ms, floored; the largest difference seen
  // is the closest (one far below it is the wall clock stepping back).
  let offset = Number.NEGATIVE_INFINITY;
  const sampleOffset = () => {
    const d = opts.clock.now() - performance.now();
    if (d > offset || d < offset - 1.5) offset = d;
  };
  sampleOffset();

  const stopped = new Promise<'stopped'>((r) => signal.addEventListener('abort', () => r('stopped'), { once: true }));
  let decoder!: Decoder;
  let out: OutputProcess | null = null;
  const procs: Array<{ kill(s?: NodeJS.Signals): void; exited: Promise<unknown> }> = [];
  let timer: NodeJS.Timeout | undefined;
  let check: NodeJS.Timeout | undefined;
  let bulletinSamples = 0;
  let startSample: number | null = null;
  let anchor = 0;
  let written = 0;
  /** ms of the bulletin that has left the output by now */
  const playedMs = () =>
    startSample === null
      ? 0
      : Math.max(0, Math.min(bulletinSamples, (performance.now() - anchor) * (RATE / 1000) - startSample)) /
        (RATE / 1000);
  const stoppedResult = (): PlayResult => ({ exitCode: null, decodedMs: playedMs(), stopped: true });
  const failed = (error: string, exitCode: number | null = null): PlayResult => ({
    exitCode,
    decodedMs: playedMs(),
    error,
    stopped: false,
  });
  const decoderFailed = async (): Promise<string | null> => {
    const d = await decoder.exited;
    if (d.spawnError) return `cannot run ffmpeg (${opts.ffmpegPath}): ${d.spawnError}`;
    return d.code === 0 ? null : ffmpegExitError(opts.ffmpegPath, d.code, d.signal, decoder.stderrTail);
  };
  const outputFailed = async (o: OutputProcess): Promise<string> => {
    const x = await o.exited;
    if (x.spawnError) return `cannot run ffmpeg (${opts.ffmpegPath}): ${x.spawnError}`;
    return ffmpegExitError(opts.ffmpegPath, x.code, x.signal, o.stderrTail, NOT_ERRORS);
  };

  try {
    // 1. The anchor, on a fresh output; again on a new one while the bracket is wide and time allows.
    let attempts = 0;
    let half = 0;
    for (;;) {
      attempts++;
      const o = new OutputProcess(opts.ffmpegPath, opts.output);
      procs.push(o);
      out = o;
      o.write(silence(PRIME_SAMPLES));
      const ready = await Promise.race([
        o.ready.then(() => 'ready' as const),
        o.exited.then(() => 'exited' as const),
        stopped,
        timeout(READY_TIMEOUT_MS),
      ]);
      if (ready === 'stopped') return stoppedResult();
      if (ready === 'timeout') return failed(`the audio output did not open within ${READY_TIMEOUT_MS / 1000} s`);
      if (ready === 'exited') return failed(await outputFailed(o));
      // Block 0 goes in at w0 and its line comes back at r0; block 1 goes in at w1 and its line at r1.
      // ffmpeg prints a packet's line just before writing it, in one thread: block 0 reached the
      // output after w0 and before block 1's line, so before r1.
      const packet = async (i: 0 | 1) => {
        const w = performance.now();
        o.write(silence(BLOCK));
        const r = await Promise.race([
          o.packets[i],
          o.exited.then(() => 'exited' as const),
          stopped,
          timeout(READY_TIMEOUT_MS),
        ]);
        return { w, r };
      };
      const p0 = await packet(0);
      const p1 = typeof p0.r === 'number' ? await packet(1) : p0;
      if (p1.r === 'stopped') return stoppedResult();
      if (p1.r === 'timeout') return failed('the audio output wrote nothing');
      if (p1.r === 'exited') return failed(await outputFailed(o));
      const [w0, r0, r1] = [p0.w, p0.r as number, p1.r];
      anchor = (w0 + r0) / 2;
      half = Math.max(anchor - w0, r1 - anchor);
      sampleOffset();
      const left = opts.startAt() - offset - performance.now();
      if (r1 - w0 <= ANCHOR_TOLERANCE_MS || attempts >= ANCHOR_ATTEMPTS || left < RETRY_NEEDS_MS) break;
      // ffmpeg or this agent waited for a core in the bracket: a new output, a new anchor
      o.kill('SIGKILL');
      await o.exited;
    }
    written = 2 * BLOCK;
    const output = out!;
    // The decoder starts now: its start-up and first burst of decoding do not fall on the anchor.
    decoder = new Decoder(opts.ffmpegPath, file);
    procs.push(decoder);

    // 2. Silence, then the bulletin from its sample; LEAD_MS ahead of the output, block by block.
    const perMs = RATE / 1000;
    const dueAt = (sample: number) => anchor + sample / perMs;
    let ended = false;
    const tick = () => {
      sampleOffset();
      const now = performance.now();
      const upTo = (now - anchor + LEAD_MS) * perMs;
      while (written < upTo && !ended) {
        const block = silence(BLOCK);
        if (startSample === null) {
          // Placed when the block holding the planned sample is written, once there is audio to
          // start on; a start past already (late) or forced by start() begins at this block.
          const planned = Math.round((opts.startAt() - offset - anchor) * perMs);
          const late = planned < written || isForced();
          if ((late || planned < written + BLOCK) && !decoder.failed && (decoder.queued > 0 || decoder.ended)) {
            startSample = late ? written : planned;
            onPlaced({
              anchorDeviceMs: anchor + offset,
              anchorUncertaintyMs: half,
              attempts,
              startSample,
              atDeviceMs: dueAt(startSample) + offset,
              late,
            });
          }
        }
        if (startSample !== null && written + BLOCK > startSample) {
          const from = Math.max(0, startSample - written);
          const got = decoder.take(block.subarray(from * 2));
          bulletinSamples += got;
          // (the decoder is far ahead of real time; one that is not leaves silence, not a slip)
          if (got < BLOCK - from && decoder.ended) ended = true;
        }
        output.write(block);
        written += BLOCK;
      }
      opts.onProgress?.(playedMs());
    };
    tick();
    timer = setInterval(tick, TICK_MS);
    const whole = new Promise<void>((resolve) => {
      check = setInterval(() => {
        if (ended || decoder.failed) resolve();
      }, TICK_MS);
    });
    const end = await Promise.race([whole, output.exited, stopped]);
    if (end === 'stopped') return stoppedResult();
    if (end !== undefined) return failed(await outputFailed(output), output.child.exitCode);
    const why = await decoderFailed();
    if (why) return failed(why);
    // 3. Everything is written: end the output's input when its last sample is due (a card plays out).
    clearInterval(timer);
    const left = dueAt(written) - performance.now();
    if ((await Promise.race([timeout(left), stopped])) === 'stopped') return stoppedResult();
    output.child.stdin.end();
    const x = await Promise.race([output.exited, stopped]);
    if (x === 'stopped') return stoppedResult();
    if (x.code !== 0) return failed(await outputFailed(output), x.code);
    return { exitCode: 0, decodedMs: bulletinSamples / perMs, stopped: false };
  } finally {
    clearInterval(timer);
    clearInterval(check);
    for (const p of procs) p.kill('SIGTERM');
    const kill = setTimeout(() => {
      for (const p of procs) p.kill('SIGKILL');
    }, STOP_GRACE_MS);
    await Promise.all(procs.map((p) => p.exited));
    clearTimeout(kill);
  }
}

/** The decoder's PCM, read as the output needs it; the decoder waits while enough is queued. */
class Decoder {
  private readonly child: Proc;
  private readonly chunks: Buffer[] = [];
  queued = 0;
  ended = false;
  failed = false;
  stderrTail = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: string }>;
  private odd: Buffer | null = null;
  private dropping = false;

  constructor(ffmpegPath: string, file: string) {
    this.child = spawnTied(ffmpegPath, decodeArgs(file), { stdio: ['ignore', 'pipe', 'pipe'] }) as unknown as Proc;
    this.child.stdout.on('data', (b: Buffer) => {
      if (this.dropping) return;
      this.chunks.push(b);
      this.queued += b.length;
      if (this.queued > QUEUE_HIGH) this.child.stdout.pause();
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (t: string) => {
      this.stderrTail = (this.stderrTail + t).slice(-4000);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.failed = true;
        this.ended = true;
        resolve({ code: null, signal: null, spawnError: e.message });
      });
      this.child.on('close', (code, signal) => {
        this.ended = true;
        if (code !== 0) this.failed = true;
        resolve({ code, signal });
      });
    });
  }

  /** Fills `into` with whole samples from the queue; returns how many samples. */
  take(into: Buffer): number {
    let n = 0;
    if (this.odd) {
      this.chunks.unshift(this.odd);
      this.odd = null;
    }
    while (n < into.length && this.chunks.length) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, into.length - n);
      c.copy(into, n, 0, k);
      n += k;
      this.queued -= k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    // keep an odd byte for the next block (a chunk may split a sample)
    if (n % 2 === 1) {
      n--;
      this.odd = Buffer.from(into.subarray(n, n + 1));
      into[n] = 0;
      this.queued += 1;
    }
    if (this.queued < QUEUE_LOW && this.child.stdout.isPaused()) this.child.stdout.resume();
    return n / 2;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    // (a paused stdout would hold back 'close': what is left is read and dropped)
    this.dropping = true;
    this.chunks.length = 0;
    this.queued = 0;
    this.child.stdout.resume();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
