// Plays one audio file with ffmpeg in real time (-re) to the profile's output: "null" decodes to a
// null sink (the simulation, still real decoding at real speed), "alsa:<dev>" plays on the sound
// card. Progress (how much audio was decoded) is parsed from ffmpeg's output; stop() kills it.
// ffmpeg is tied to the agent (spawnTied): an agent killed mid-play (SIGKILL, OOM killer) takes
// ffmpeg with it, so the amplifier does not go on playing under a restarted agent.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
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

/** ffmpeg arguments for a real-time play of `file` to `output`. */
export function ffmpegArgs(file: string, output: string): string[] {
  const sink = output === 'null' ? ['-f', 'null', '-'] : outputArgs(output);
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
    ...sink,
  ];
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

export function playFile(file: string, opts: PlayOptions): Promise<PlayResult> {
  return new Promise<PlayResult>((resolve) => {
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
      args = ffmpegArgs(file, opts.output);
    } catch (e) {
      resolve({ exitCode: null, decodedMs: 0, error: (e as Error).message, stopped: false });
      return;
    }
    if (opts.signal?.aborted) {
      resolve({ exitCode: null, decodedMs: 0, stopped: true });
      return;
    }
    const child = spawnTied(opts.ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }) as ChildProcessByStdio<
      null,
      Readable,
      Readable
    >;

    const finish = (r: PlayResult) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const onAbort = () => {
      if (stopped || child.exitCode !== null) return;
      stopped = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
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
      // spawnTied runs ffmpeg through setpriv, which reports a binary it cannot execute this way
      const notRun = code === 127 || code === 126 ? /setpriv: failed to execute [^:]*: (.*)/.exec(stderrTail) : null;
      if (notRun)
        return finish({
          exitCode: code,
          decodedMs,
          error: `cannot run ffmpeg (${opts.ffmpegPath}): ${notRun[1]!.trim()}`,
          stopped: false,
        });
      const lastLines = stderrTail
        .split(/[\r\n]+/)
        .map((l) => l.trim())
        .filter((l) => l && !/^size=|time=/.test(l))
        .slice(-3)
        .join(' | ');
      finish({
        exitCode: code,
        decodedMs,
        error:
          `ffmpeg exited with ${code !== null ? `code ${code}` : `signal ${signal}`}${lastLines ? `: ${lastLines}` : ''}`.slice(
            0,
            480,
          ),
        stopped: false,
      });
    });
  });
}
