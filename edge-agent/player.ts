// Plays one audio file with ffmpeg in real time (-re) at once: a relay's fallback file. A bulletin at
// its planned instant plays through placed-player.ts instead (placed on the output's sample clock).
// The output is the profile's: "null" decodes to a null sink (the simulation, still real decoding at
// real speed), "alsa:<dev>" plays on the sound card, "s16le:<url>" writes raw PCM (mono, 48 kHz) to a
// file, socket or pipe (a test's sink). Progress (how much audio was decoded) is parsed from ffmpeg's
// output; stop() kills it. preparePlay() spawns ffmpeg ahead, reading the file from its stdin, and
// start() streams the file in (what remains after it is probing a few KB and decoding a frame).
// ffmpeg is tied to the agent (spawnTied): an agent killed mid-play (SIGKILL, OOM killer) takes
// ffmpeg with it, so the amplifier does not go on playing under a restarted agent.
import type { ChildProcessByStdio } from 'node:child_process';
import { closeSync, createReadStream, openSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { spawnTied } from '../firmware-bridge/audio.ts';

export interface PlayResult {
  exitCode: number | null;
  /** audio decoded and sent to the output, in ms */
  decodedMs: number;
  /** set when ffmpeg could not start or exited with an error (not when we stopped it) */
  error?: string;
  /** true when stopped through the abort signal */
  stopped: boolean;
}

export interface PlayOptions {
  ffmpegPath: string;
  /** "null" or "<ffmpeg output format>:<device>", e.g. "alsa:default" */
  output: string;
  signal?: AbortSignal;
  onProgress?: (decodedMs: number) => void;
}

/** ffmpeg arguments for a real-time play of `file` (a path, or pipe:0 for stdin) to `output`. */
export function ffmpegArgs(file: string, output: string): string[] {
  // -progress pipe:1 gives machine-readable out_time_us lines; stderr keeps the classic time= stats.
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-stats',
    '-re',
    '-i',
    file,
    '-vn',
    '-progress',
    'pipe:1',
    ...sinkArgs(output),
  ];
}

/** The output side of every player (files and relays): `output` as ffmpeg arguments. */
export function sinkArgs(output: string): string[] {
  const sink = output === 'null' ? ['-f', 'null', '-'] : outputArgs(output);
  // Raw PCM has no header: fix its layout so a reader knows it, and write each packet at once
  // (the default 32 KB output buffer would hold the first third of a second back).
  const raw = sink[1] === 's16le' ? ['-ac', '1', '-ar', '48000', '-flush_packets', '1'] : [];
  return [...raw, ...sink];
}

function outputArgs(output: string): string[] {
  const i = output.indexOf(':');
  if (i <= 0 || i === output.length - 1)
    throw new Error(`audio output "${output}" must be "null" or "<format>:<device>"`);
  return ['-f', output.slice(0, i), output.slice(i + 1)];
}

/** "00:01:02.50" → 62500 */
export function parseFfmpegTime(t: string): number | null {
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(t.trim());
  if (!m || m[1] === '-') return null;
  return Math.round((Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000);
}

const STOP_GRACE_MS = 2000;

export interface PreparedPlay {
  /** Releases the audio now (streams the file into the waiting ffmpeg); once. */
  start(): void;
  /** Settles when ffmpeg ends, was stopped, or could not start (also before start()). */
  result: Promise<PlayResult>;
}

/** Plays `file` at once. */
export function playFile(file: string, opts: PlayOptions): Promise<PlayResult> {
  const p = preparePlay(file, opts);
  p.start();
  return p.result;
}

/** Spawns ffmpeg for `file`, waiting on its stdin until start(). */
export function preparePlay(file: string, opts: PlayOptions): PreparedPlay {
  let fd: number | null = null;
  let started = false;
  let child: ChildProcessByStdio<Writable, Readable, Readable> | null = null;
  const result = new Promise<PlayResult>((resolve) => {
    let decodedMs = 0;
    let stderrTail = '';
    let stopped = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const progress = (ms: number | null) => {
      if (ms === null || !Number.isFinite(ms) || ms <= decodedMs) return;
      decodedMs = ms;
      opts.onProgress?.(decodedMs);
    };

    let args: string[];
    try {
      args = ffmpegArgs('pipe:0', opts.output);
      // Opened now, so a missing file is named before the start, not as ffmpeg's empty input.
      fd = openSync(file, 'r');
    } catch (e) {
      resolve({ exitCode: null, decodedMs: 0, error: clipError(file, e), stopped: false });
      return;
    }
    if (opts.signal?.aborted) {
      closeSync(fd);
      fd = null;
      resolve({ exitCode: null, decodedMs: 0, stopped: true });
      return;
    }
    child = spawnTied(opts.ffmpegPath, args, { stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessByStdio<
      Writable,
      Readable,
      Readable
    >;
    // ffmpeg exiting (stopped, or failing) closes the pipe under the file still streaming in
    child.stdin.on('error', () => undefined);

    const finish = (r: PlayResult) => {
      if (settled) return;
      settled = true;
      if (fd !== null && !started) closeSync(fd);
      fd = null;
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => {
      if (stopped || !child || child.exitCode !== null) return;
      stopped = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    let stdoutBuf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdoutBuf += chunk;
      const lines = stdoutBuf.split('\n');
      stdoutBuf = lines.pop() ?? '';
      for (const line of lines) {
        const [k, v] = line.split('=');
        if (k === 'out_time_us' || k === 'out_time_ms') {
          // both are microseconds in ffmpeg (out_time_ms is misnamed)
          const us = Number(v);
          if (Number.isFinite(us) && us >= 0) progress(Math.round(us / 1000));
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      for (const m of chunk.matchAll(/time=\s*(\S+)/g)) progress(parseFfmpegTime(m[1]));
    });

    child.on('error', (err) =>
      finish({ exitCode: null, decodedMs, error: `cannot run ffmpeg (${opts.ffmpegPath}): ${err.message}`, stopped }),
    );
    child.on('close', (code, signal) => {
      if (stopped) return finish({ exitCode: code, decodedMs, stopped: true });
      if (code === 0) return finish({ exitCode: 0, decodedMs, stopped: false });
      finish({
        exitCode: code,
        decodedMs,
        error: ffmpegExitError(opts.ffmpegPath, code, signal, stderrTail),
        stopped: false,
      });
    });
  });
  return {
    result,
    start() {
      if (started || fd === null || !child) return;
      started = true;
      createReadStream('', { fd }).pipe(child.stdin);
    },
  };
}

/**
 * Why ffmpeg ended with an error, from its exit and the last lines it wrote: a binary it could not run
 * (spawnTied runs it through setpriv, which reports that with 126/127), else the exit and its words.
 * `ignore`: lines that are not errors (progress, the debug lines a player asked for).
 */
export function ffmpegExitError(
  ffmpegPath: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stderrTail: string,
  ignore: RegExp = /^size=|time=/,
): string {
  const notRun = code === 127 || code === 126 ? /setpriv: failed to execute [^:]*: (.*)/.exec(stderrTail) : null;
  if (notRun) return `cannot run ffmpeg (${ffmpegPath}): ${notRun[1]!.trim()}`;
  const lastLines = stderrTail
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l && !ignore.test(l))
    .slice(-3)
    .join(' | ');
  return `ffmpeg exited with ${code !== null ? `code ${code}` : `signal ${signal}`}${lastLines ? `: ${lastLines}` : ''}`.slice(
    0,
    480,
  );
}

export function clipError(file: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `cannot read the audio file ${file}: ${err.message}` : err.message;
}
