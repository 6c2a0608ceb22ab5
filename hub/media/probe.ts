// Reads what an uploaded file contains, with ffmpeg alone (no ffprobe in @ffmpeg-installer):
// `ffmpeg -i file` with no output prints the container and stream lines, then exits 1.
import { stat } from 'node:fs/promises';
import { MediaError } from './errors.ts';
import { inputArgs, lastLines, runFfmpeg } from './ffmpeg-run.ts';
import { sniffFile, type Sniff } from './sniff.ts';
import { msg } from '../text/index.ts';

export interface ProbeResult {
  /** From the container header; null when it does not say. */
  durationMs: number | null;
  /** ffmpeg guessed the duration from the bitrate (MP3 without a Xing header): may be far off. */
  durationEstimated: boolean;
  codec: string;
  sampleRate: number;
  channels: number;
  /** ffmpeg's demuxer name, e.g. "mp3", "mov,mp4,m4a,3gp,3g2,mj2", "ogg". */
  formatName: string;
  hasAudio: boolean;
  bytes: number;
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  '2.1': 3,
  '3.0': 3,
  '3.0(back)': 3,
  '3.1': 4,
  '4.0': 4,
  quad: 4,
  'quad(side)': 4,
  '4.1': 5,
  '5.0': 5,
  '5.0(side)': 5,
  '5.1': 6,
  '5.1(side)': 6,
  '6.0': 6,
  '6.0(front)': 6,
  hexagonal: 6,
  '6.1': 7,
  '6.1(back)': 7,
  '6.1(front)': 7,
  '7.0': 7,
  '7.0(front)': 7,
  '7.1': 8,
  '7.1(wide)': 8,
  '7.1(wide-side)': 8,
  octagonal: 8,
};

export function parseChannels(layout: string): number {
  const n = /^(\d+) channels?/.exec(layout);
  if (n) return Number(n[1]);
  return LAYOUT_CHANNELS[layout] ?? 0;
}

interface StreamLine {
  kind: string;
  desc: string;
}

export function parseProbe(stderr: string): {
  formatName?: string;
  durationMs: number | null;
  durationEstimated: boolean;
  streams: StreamLine[];
} {
  const input = /^Input #0, (.+?), from '/m.exec(stderr);
  const dur = /^\s*Duration: (?:(\d+):(\d\d):(\d\d(?:\.\d+)?)|N\/A)/m.exec(stderr);
  const durationMs =
    dur && dur[1] !== undefined
      ? Math.round((Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3])) * 1000)
      : null;
  const streams = [...stderr.matchAll(/^\s*Stream #0:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: (\w+): (.*)$/gm)].map((m) => ({
    kind: m[1],
    desc: m[2],
  }));
  return {
    formatName: input?.[1],
    durationMs,
    durationEstimated: /Estimating duration from bitrate/.test(stderr),
    streams,
  };
}

function describeAudio(desc: string): { codec: string; sampleRate: number; channels: number } {
  // "aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s (default)"
  const parts = desc.split(/,\s*/);
  const codec = parts[0].split(/[\s(]/)[0];
  const rateIdx = parts.findIndex((p) => /^\d+ Hz$/.test(p));
  const sampleRate = rateIdx >= 0 ? parseInt(parts[rateIdx], 10) : 0;
  const channels = rateIdx >= 0 && parts[rateIdx + 1] ? parseChannels(parts[rateIdx + 1].trim()) : 0;
  return { codec, sampleRate, channels };
}

function notOpenable(sniff: Sniff, stderr: string): MediaError {
  const detail = lastLines(stderr);
  if (sniff.bytes === 0) return new MediaError('corrupt', msg('media.empty-file'), { detail });
  if (sniff.looksLike && !sniff.audioSignature)
    return new MediaError('not-audio', msg('media.not-audio-looks-like', { looksLike: sniff.looksLike }), { detail });
  if (sniff.looksLike)
    return new MediaError('corrupt', msg('media.damaged-looks-like', { looksLike: sniff.looksLike }), { detail });
  return new MediaError('not-audio', msg('media.unknown-format'), { detail });
}

export async function probeAudio(
  ffmpegPath: string,
  file: string,
  opts: { timeoutMs?: number; requireAudio?: boolean } = {},
): Promise<ProbeResult> {
  let sniff: Sniff;
  try {
    // Before opening: opening a FIFO or device would block (or never end).
    if (!(await stat(file)).isFile()) throw new MediaError('not-audio', msg('media.not-regular-file'));
    sniff = await sniffFile(file);
  } catch (err) {
    if (err instanceof MediaError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'missing' : code === 'EACCES' ? 'denied' : 'other';
    throw new MediaError('corrupt', msg('media.cannot-open', { why, detail: String(code ?? err) }), { cause: err });
  }
  if (sniff.bytes === 0) throw notOpenable(sniff, '');
  const run = await runFfmpeg(ffmpegPath, inputArgs(file), {
    timeoutMs: opts.timeoutMs ?? 15_000,
    what: 'reading the file',
  });
  const parsed = parseProbe(run.stderr);
  if (!parsed.formatName) throw notOpenable(sniff, run.stderr);

  const audio = parsed.streams.find((s) => s.kind === 'Audio');
  const base = {
    durationMs: parsed.durationMs,
    durationEstimated: parsed.durationEstimated,
    formatName: parsed.formatName,
    bytes: sniff.bytes,
  };
  if (!audio) {
    if (opts.requireAudio === false) return { ...base, codec: '', sampleRate: 0, channels: 0, hasAudio: false };
    const video = parsed.streams.find((s) => s.kind === 'Video');
    const what =
      sniff.looksLike && !sniff.audioSignature
        ? { looksLike: sniff.looksLike }
        : video
          ? { video: video.desc.split(/[\s,(]/)[0] }
          : {};
    throw new MediaError('not-audio', msg('media.no-audio-stream', what), { detail: lastLines(run.stderr) });
  }
  return { ...base, ...describeAudio(audio.desc), hasAudio: true };
}
