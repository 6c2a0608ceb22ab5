// The one ffmpeg a live session runs on the hub: the browser's MediaRecorder chunks (WebM/Opus) in
// on stdin, the same Ogg Opus stream as relays out (oggOpusOutputArgs), with as little delay as ffmpeg allows.
import { oggOpusOutputArgs } from './relay-args.ts';
import { RELAY_BITRATE_KBPS } from './relay-source.ts';

/** Ogg pages of a live stream: a page waits for this much audio before it leaves the encoder. */
export const LIVE_PAGE_MS = 100;

export interface LiveArgsOptions {
  /** loudness target, LUFS: the same as files (hub config loudnessTargetLufs) */
  targetLufs: number;
  truePeakDbtp?: number;
  bitrateKbps?: number;
}

/**
 * ffmpeg arguments: WebM (Matroska) Opus on stdin, Ogg Opus (mono, 48 kHz) on stdout.
 * - No probing: the track header names the codec, and ffmpeg would otherwise wait for seconds of
 *   audio before its first output (analyzeduration, 5 s by default), or for `probesize` bytes:
 *   even 4 kB is a second and more of the near-silence a session starts with (Opus spends a few
 *   bytes on a quiet frame), which then stays in every device's delay.
 * - Loudness without seconds of look-ahead. Relays use loudnorm, whose dynamic mode holds 3 s of
 *   audio: live, that is 3 s more between mouth and speaker. Here dynaudnorm with 50 ms frames and
 *   its smallest window (3 frames) aims each frame's RMS at the files' target (about the same as
 *   LUFS for speech), raising gain at most 5× (14 dB: the browser's own gain control has done the
 *   rough work, and more would lift the room's noise in every pause); alimiter then holds the peaks
 *   under the true-peak ceiling with its 5 ms look-ahead. It costs about 150 ms here, against about
 *   250 ms with 100 ms frames and 3 s with loudnorm (docs/live.md).
 * - asetpts numbers the samples afresh: a browser that reconnects starts its timestamps at 0 again.
 * - Opus in 'voip' mode: a voice, not music. Pages of LIVE_PAGE_MS rather than the relays' 200 ms.
 */
export function liveFfmpegArgs(o: LiveArgsOptions): string[] {
  const rms = 10 ** (o.targetLufs / 20);
  const ceiling = 10 ** ((o.truePeakDbtp ?? -1.5) / 20);
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-fflags',
    'nobuffer',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    '-f',
    'matroska',
    '-i',
    'pipe:0',
    '-vn',
    '-af',
    [
      'aformat=channel_layouts=mono',
      `dynaudnorm=f=50:g=3:p=${ceiling.toFixed(3)}:m=5:r=${rms.toFixed(4)}`,
      `alimiter=limit=${ceiling.toFixed(3)}:attack=5:release=50:level=disabled`,
      'aresample=48000',
      'asetpts=N/SR/TB',
    ].join(','),
    ...oggOpusOutputArgs(o.bitrateKbps ?? RELAY_BITRATE_KBPS, LIVE_PAGE_MS, 'voip'),
  ];
}
