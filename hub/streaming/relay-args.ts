// The one ffmpeg a relay occurrence runs on the hub: pull the upstream at its own pace, even its
// loudness on the fly to the files' target, and encode a low-bitrate mono stream for 4G links.
import { RELAY_BITRATE_KBPS } from './relay-source.ts';

export interface RelayArgsOptions {
  /** the upstream (validated: http or https) */
  url: string;
  /** integrated loudness target, LUFS: the same as files (hub config loudnessTargetLufs) */
  targetLufs: number;
  truePeakDbtp?: number;
  lra?: number;
  bitrateKbps?: number;
}

/** An HLS playlist is read by ffmpeg's hls demuxer, which does not take the HTTP options below. */
export const isHls = (url: string) => /\.m3u8?(?:$|[?#])/i.test(url);

/**
 * ffmpeg arguments: upstream in, Ogg Opus (mono, 48 kHz, `bitrateKbps`) out on stdout.
 * - A small probe: a live MP3 joined mid-stream scores low as MP3, and ffmpeg would otherwise read up
 *   to 1 MB (a minute of a 128 kb/s stream) before it settles on the format.
 * - `-re` paces reading at real time: a live upstream is paced already, and an HLS playlist or a
 *   server's connect burst must not race ahead of the listeners.
 * - HTTP upstreams reconnect on a dropped connection (a few seconds at most) and give up when no
 *   byte comes for 10 s, so a dead upstream ends the relay rather than hanging it.
 * - loudnorm in single pass (dynamic mode) works on live input; its 3 s look-ahead is why the hub
 *   starts the pull a few seconds before the occurrence (relay-streams.ts, PREROLL_MS).
 * - Constrained VBR: a data plan is billed by the byte, and unconstrained VBR overshoots on steady
 *   tones (about 39 kb/s for a sine at 24k here; 26 kb/s constrained, Ogg pages included).
 * - Ogg pages of 200 ms: a listener joining late waits at most that long for a page to start from.
 */
export function relayFfmpegArgs(o: RelayArgsOptions): string[] {
  const kbps = o.bitrateKbps ?? RELAY_BITRATE_KBPS;
  const http = isHls(o.url) ? [] : ['-rw_timeout', '5000000'];
  const loudnorm = `loudnorm=I=${o.targetLufs}:TP=${o.truePeakDbtp ?? -1.5}:LRA=${o.lra ?? 11}`;
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-re',
    '-formatprobesize',
    '16384',
    '-probesize',
    '32768',
    '-analyzeduration',
    '500000',
    ...http,
    '-i',
    o.url,
    '-vn',
    '-af',
    `aformat=channel_layouts=mono,${loudnorm},aresample=48000`,
    ...oggOpusOutputArgs(kbps, 200),
  ];
}

/**
 * The output every hub stream shares (relays and live sessions): Ogg Opus, mono, `kbps` constrained
 * VBR, in Ogg pages of `pageMs` (a listener joining late waits at most that long for a page), on
 * stdout, flushed page by page.
 */
export function oggOpusOutputArgs(kbps: number, pageMs: number, application: 'audio' | 'voip' = 'audio'): string[] {
  return [
    '-ac',
    '1',
    '-c:a',
    'libopus',
    '-b:a',
    `${kbps}k`,
    '-vbr',
    'constrained',
    '-application',
    application,
    '-page_duration',
    String(pageMs * 1000),
    '-flush_packets',
    '1',
    '-f',
    'ogg',
    'pipe:1',
  ];
}

/** Data a listener receives per hour at `kbps`, in MB (10^6 bytes), before HTTP and TCP overhead. */
export const megabytesPerHour = (kbps: number) => (kbps * 1000 * 3600) / 8 / 1e6;
