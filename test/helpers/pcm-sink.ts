// A loudspeaker seen from outside the agent: the agent's ffmpeg writes raw PCM (s16le, mono,
// 48 kHz: audioOutput "s16le:unix:<socket>") to a unix socket this test owns. Each play is one
// connection. The sink stamps the first bytes on arrival with a monotonic clock expressed in hub
// time (this process shares the hub's wall clock) and finds the first audible sample; a sound card
// fed the same stream starts clocking out its first sample on arrival and plays the rest at its
// rate, so the first audible sample leaves at arrival + index / rate. What it cannot see: the sound
// card's own buffer (a fixed few ms per card, the same on every agent with the same hardware).
// With `onsets`, the sink also follows the whole play as such a card would (for live latency): it
// stamps every burst onset after a silence in hub time, and counts the card running dry (a chunk
// arriving later than its samples were due) as a gap, after which the card starts again on arrival.
import net from 'node:net';
import { rmSync } from 'node:fs';

export const SINK_RATE = 48_000;
/** |sample| above this is audible (−50 dBFS). */
const AUDIBLE = Math.round(32768 * 10 ** (-50 / 20));

/** Hub time in ms, with sub-ms resolution and no wall-clock steps during the run. */
export const hubNow = () => performance.timeOrigin + performance.now();

export interface SinkPlay {
  /** hub ms when the first byte of this play arrived */
  firstByteAt: number;
  /** hub ms at which its first audible sample leaves the speaker (null: all silent so far) */
  firstAudibleAt: number | null;
  bytes: number;
  /**
   * a second of PCM from a quarter second before the first audible sample (or from the first byte),
   * to find where in the audio the play started (contentSkewMs); a player that opens its output
   * early and feeds it silence first (files) has its audio there too
   */
  head: Buffer;
  /** hub ms at which head's first sample leaves */
  headAt: number;
  /** with `onsets`: every burst that began after ≥ ONSET_SILENCE_MS of quiet (hub ms, burst length ms) */
  onsets: Array<{ at: number; lengthMs: number | null }>;
  /** with `onsets`: hub ms at which the card plays out the last sample it has had */
  until: number;
  /** with `onsets`: the card ran dry at `at` for `ms` (past its GAP_TOLERANCE_MS buffer) */
  gaps: Array<{ at: number; ms: number }>;
}

/** Bytes of PCM each play keeps: one second. */
const HEAD_BYTES = SINK_RATE * 2;
/** Of which before the first audible sample: a quarter second. */
const PRE_BYTES = SINK_RATE / 2;

export interface PcmSink {
  path: string;
  /** the output setting for the agent's profile */
  audioOutput: string;
  plays: SinkPlay[];
  close(): Promise<void>;
}

/** Quiet this long before a loud sample makes it an onset, ms. */
export const ONSET_SILENCE_MS = 150;
/** A burst ends after this much quiet, ms. */
const BURST_END_MS = 10;
/** The card's own buffer: a chunk up to this late is absorbed, later is a gap (ALSA's usual period). */
export const GAP_TOLERANCE_MS = 20;

export async function startPcmSink(
  socketPath: string,
  o: { onsets?: boolean /** dBFS for a burst's samples */; onsetDbfs?: number } = {},
): Promise<PcmSink> {
  const loud = Math.round(32768 * 10 ** ((o.onsetDbfs ?? -30) / 20));
  rmSync(socketPath, { force: true });
  const plays: SinkPlay[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let play: SinkPlay | null = null;
    let odd: Buffer | null = null;
    // until the first audible sample: the last PRE_BYTES (and more) of the play, from byte preFrom
    let pre = Buffer.alloc(0);
    let preFrom = 0;
    let samples = 0;
    // the card's timeline: sample n leaves at anchor + n / rate
    let anchor = 0;
    // samples since the last loud one: a play that starts mid-burst has no onset there (a cut burst
    // would pass for a shorter click)
    let quiet = 0;
    let burst: { at: number; n: number; last: number } | null = null;
    const ms = (n: number) => (n / SINK_RATE) * 1000;
    sock.on('data', (chunk: Buffer) => {
      const at = hubNow();
      if (!play) {
        plays.push(
          (play = {
            firstByteAt: at,
            firstAudibleAt: null,
            bytes: 0,
            head: Buffer.alloc(0),
            headAt: at,
            until: at,
            onsets: [],
            gaps: [],
          }),
        );
        anchor = at;
      }
      play.bytes += chunk.length;
      if (play.firstAudibleAt !== null) {
        if (play.head.length < HEAD_BYTES)
          play.head = Buffer.concat([play.head, chunk.subarray(0, HEAD_BYTES - play.head.length)]);
      } else {
        pre = Buffer.concat([pre, chunk]);
        // (whole samples dropped, so the kept bytes stay aligned)
        const drop = pre.length - HEAD_BYTES - PRE_BYTES;
        if (drop > 0) {
          const even = drop - (drop % 2);
          pre = pre.subarray(even);
          preFrom += even;
        }
      }
      if (play.firstAudibleAt !== null && !o.onsets) return;
      const buf = odd ? Buffer.concat([odd, chunk]) : chunk;
      const whole = buf.length - (buf.length % 2);
      odd = whole < buf.length ? buf.subarray(whole) : null;
      if (o.onsets) {
        const due = anchor + ms(samples);
        if (at > due + GAP_TOLERANCE_MS) {
          play.gaps.push({ at: due, ms: at - due });
          anchor += at - due;
        }
        play.until = anchor + ms(samples + whole / 2);
      }
      for (let i = 0; i < whole; i += 2, samples++) {
        const v = Math.abs(buf.readInt16LE(i));
        if (play.firstAudibleAt === null && v > AUDIBLE) {
          play.firstAudibleAt = play.firstByteAt + ms(samples);
          const from = Math.max(preFrom, samples * 2 - PRE_BYTES);
          play.head = Buffer.from(pre.subarray(from - preFrom, from - preFrom + HEAD_BYTES));
          play.headAt = play.firstByteAt + ms(from / 2);
          pre = Buffer.alloc(0);
          if (!o.onsets) return;
        }
        if (!o.onsets) continue;
        if (v > loud) {
          if (!burst && quiet >= (ONSET_SILENCE_MS / 1000) * SINK_RATE)
            burst = { at: anchor + ms(samples), n: samples, last: samples };
          else if (burst) burst.last = samples;
          quiet = 0;
        } else {
          quiet++;
          if (burst && quiet >= (BURST_END_MS / 1000) * SINK_RATE) {
            play.onsets.push({ at: burst.at, lengthMs: ms(burst.last + 1 - burst.n) });
            burst = null;
          }
        }
      }
    });
    sock.on('end', () => {
      if (burst && play) play.onsets.push({ at: burst.at, lengthMs: null }); // cut off by the end
      burst = null;
    });
    sock.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    path: socketPath,
    audioOutput: `s16le:unix:${socketPath}`,
    plays,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          rmSync(socketPath, { force: true });
          resolve();
        });
      }),
  };
}

/** Where the first audible sample of raw PCM (s16le, mono, SINK_RATE) is, ms from its start; null if silent. */
export function firstAudibleMs(pcm: Buffer): number | null {
  for (let i = 0; i + 1 < pcm.length; i += 2)
    if (Math.abs(pcm.readInt16LE(i)) > AUDIBLE) return (i / 2 / SINK_RATE) * 1000;
  return null;
}

/** The q-quantile (0..1) of xs, nearest rank. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/**
 * When `b` plays the same audio as `a`, minus when `a` does (ms): the echo a listener between the
 * two speakers hears. The lag between their first seconds of PCM that correlates best (a coarse
 * search at 8 kHz, then every sample around it), within ±250 ms; null when they do not match (one is
 * silent, or they play different audio).
 */
export function contentSkewMs(a: SinkPlay, b: SinkPlay): number | null {
  const A = pcm(a.head);
  const B = pcm(b.head);
  const from = SINK_RATE / 4;
  const to = (SINK_RATE * 3) / 4;
  const maxLag = SINK_RATE / 4;
  if (A.length < to || B.length < SINK_RATE) return null;
  const score = (k: number, step: number) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = from; i < to; i += step) {
      const x = A[i]!;
      const y = B[i + k] ?? 0;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
  };
  let best = { k: 0, r: -1 };
  for (let k = -maxLag; k < maxLag; k += 6) {
    const r = score(k, 6);
    if (r > best.r) best = { k, r };
  }
  const coarse = best.k;
  best = { k: coarse, r: -1 };
  for (let k = coarse - 6; k <= coarse + 6; k++) {
    const r = score(k, 1);
    if (r > best.r) best = { k, r };
  }
  if (best.r < 0.5) return null;
  // Sample i of a's window leaves at a.headAt + i/rate; the same audio in b is its sample i + k.
  return b.headAt - a.headAt + (best.k / SINK_RATE) * 1000;
}

function pcm(buf: Buffer): Float64Array {
  const out = new Float64Array(Math.floor(buf.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}
