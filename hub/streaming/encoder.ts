// The one ffmpeg behind a hub stream (a relay occurrence, a live session): its Ogg Opus output goes
// into the stream's fan-out, and the last of what it said is kept to explain an early end.
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { spawnTied } from '../../firmware-bridge/audio.ts';
import { lastLines } from '../media/ffmpeg-run.ts';
import type { StreamFanout } from './fanout.ts';

export interface Encoder {
  child: ChildProcess & { stdout: Readable; stderr: Readable; stdin: Writable | null };
  /** ffmpeg's last two lines on stderr, joined: why it ended */
  said(): string;
  /** still running */
  running(): boolean;
  /** SIGTERM, once */
  kill(): void;
  /** resolves when the process has exited (at once if it already has) */
  exited(): Promise<void>;
}

/**
 * Starts ffmpeg with `args` (input from stdin when `stdin` is 'pipe'), its stdout into `fanout`.
 * `onEnd` is called once, when the process closes or cannot start, with the error if it could not.
 */
export function startEncoder(
  ffmpegPath: string,
  args: string[],
  stdin: 'ignore' | 'pipe',
  fanout: StreamFanout,
  onEnd: (code: number | string | null, error?: Error) => void,
): Encoder {
  const child = spawnTied(ffmpegPath, args, { stdio: [stdin, 'pipe', 'pipe'] }) as Encoder['child'];
  let tail = '';
  let ended = false;
  const end = (code: number | string | null, error?: Error) => {
    if (ended) return;
    ended = true;
    onEnd(code, error);
  };
  child.stdout.on('data', (chunk: Buffer) => fanout.write(chunk));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => (tail = (tail + t).slice(-2000)));
  child.stdin?.on('error', () => undefined); // ffmpeg gone: its close says why
  child.on('error', (e) => end(null, e));
  child.on('close', (code, signal) => end(code ?? signal));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    said: () => lastLines(tail, 2),
    running,
    kill: () => {
      if (running()) child.kill('SIGTERM');
    },
    exited: () => (running() ? new Promise<void>((r) => child.once('close', () => r())) : Promise.resolve()),
  };
}
