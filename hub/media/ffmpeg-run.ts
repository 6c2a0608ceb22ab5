// One ffmpeg run with a hard deadline. Uploaded files are untrusted, so every run is bounded in
// time (the child is killed, not just abandoned) and in how much of its stderr we keep.
import { spawnTied } from '../../firmware-bridge/audio.ts';
import path from 'node:path';
import { MediaError } from './errors.ts';
import { msg } from '../text/index.ts';

// Demuxers an uploaded bulletin may use. Anything else (playlists, images, concat lists, network
// references) is refused by ffmpeg itself before it reads further.
const DEMUXERS = 'mp3,wav,w64,mov,ogg,flac,matroska,aac,aiff,asf,amr,caf';

/** Input arguments for an untrusted file: no stdin, local file only, audio demuxers only. */
export function inputArgs(file: string): string[] {
  // `file:` stops a name like "http:x" or "concat:a|b" from being read as a protocol.
  return ['-protocol_whitelist', 'file', '-format_whitelist', DEMUXERS, '-i', `file:${path.resolve(file)}`];
}

export interface FfmpegResult {
  code: number | null;
  stderr: string;
  ms: number;
}

const HEAD_MAX = 64 * 1024; // stream info lives at the start
const TAIL_MAX = 256 * 1024; // loudnorm/ebur128 reports live at the end

export function runFfmpeg(
  ffmpegPath: string,
  args: string[],
  opts: { timeoutMs: number; what: string },
): Promise<FfmpegResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawnTied(ffmpegPath, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let head = '';
    let tail = '';
    let dropped = false;
    let timedOut = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (head.length < HEAD_MAX) {
        const room = HEAD_MAX - head.length;
        head += chunk.slice(0, room);
        chunk = chunk.slice(room);
      }
      if (!chunk) return;
      tail += chunk;
      if (tail.length > TAIL_MAX * 2) {
        tail = tail.slice(-TAIL_MAX);
        dropped = true;
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(
        new MediaError('ffmpeg-failed', msg('media.tool-not-started', { what: opts.what, detail: err.message }), {
          cause: err,
        }),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (dropped) tail = tail.slice(-TAIL_MAX);
      const stderr = dropped ? `${head}\n[… output cut …]\n${tail}` : head + tail;
      if (timedOut) {
        reject(
          new MediaError(
            'timeout',
            msg('media.timeout', { what: opts.what, seconds: Math.round(opts.timeoutMs / 1000) }),
            {
              detail: lastLines(stderr),
            },
          ),
        );
        return;
      }
      // Through setpriv a missing ffmpeg is not a spawn error but setpriv's own exit 127.
      if (code === 127 && /setpriv: failed to execute/.test(stderr)) {
        reject(
          new MediaError(
            'ffmpeg-failed',
            msg('media.tool-not-started', { what: opts.what, detail: lastLines(stderr, 1) }),
          ),
        );
        return;
      }
      resolve({ code, stderr, ms });
    });
  });
}

/** The last few meaningful lines of ffmpeg's stderr (progress lines dropped), for logs and messages. */
export function lastLines(stderr: string, n = 3): string {
  return stderr
    .split(/[\r\n]+/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(size|frame)=/.test(l) && !l.startsWith('video:'))
    .slice(-n)
    .join(' | ');
}

/** Decoded length from ffmpeg's last progress line ("time=00:01:02.34"), or undefined. */
export function progressTimeMs(stderr: string): number | undefined {
  const all = [...stderr.matchAll(/time=(-?)(\d+):(\d\d):(\d\d(?:\.\d+)?)/g)];
  const m = all.at(-1);
  if (!m) return undefined;
  if (m[1]) return 0;
  return Math.round((Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1000);
}
