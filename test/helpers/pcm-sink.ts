// A loudspeaker seen from outside the agent: the agent's ffmpeg writes raw PCM (s16le, mono,
// 48 kHz: audioOutput "s16le:unix:<socket>") to a unix socket this test owns. Each play is one
// connection. The sink stamps the first bytes on arrival with a monotonic clock expressed in hub
// time (this process shares the hub's wall clock) and finds the first audible sample; a sound card
// fed the same stream starts clocking out its first sample on arrival and plays the rest at its
// rate, so the first audible sample leaves at arrival + index / rate. What it cannot see: the sound
// card's own buffer (a fixed few ms per card, the same on every agent with the same hardware).
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
}

export interface PcmSink {
  path: string;
  /** the output setting for the agent's profile */
  audioOutput: string;
  plays: SinkPlay[];
  close(): Promise<void>;
}

export async function startPcmSink(socketPath: string): Promise<PcmSink> {
  rmSync(socketPath, { force: true });
  const plays: SinkPlay[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let play: SinkPlay | null = null;
    let odd: Buffer | null = null;
    let samples = 0;
    sock.on('data', (chunk: Buffer) => {
      const at = hubNow();
      if (!play) plays.push((play = { firstByteAt: at, firstAudibleAt: null, bytes: 0 }));
      play.bytes += chunk.length;
      if (play.firstAudibleAt !== null) return;
      const buf = odd ? Buffer.concat([odd, chunk]) : chunk;
      const whole = buf.length - (buf.length % 2);
      odd = whole < buf.length ? buf.subarray(whole) : null;
      for (let i = 0; i < whole; i += 2, samples++) {
        if (Math.abs(buf.readInt16LE(i)) > AUDIBLE) {
          play.firstAudibleAt = play.firstByteAt + (samples / SINK_RATE) * 1000;
          return;
        }
      }
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

/** The q-quantile (0..1) of xs, nearest rank. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
