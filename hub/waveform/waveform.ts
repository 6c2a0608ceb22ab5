// Waveform peaks for the bulletin library: the hub decodes the normalised audio with ffmpeg once,
// keeps the peak of every 1/100 s, folds them into a fixed number of buckets and caches the JSON
// next to the media (by content address, so it never goes stale).
import { spawnTied } from '../../firmware-bridge/audio.ts';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const WAVEFORM_BUCKETS = 800;
const RATE = 4000;
const BLOCK = RATE / 100;

export interface Waveform {
  sha256: string;
  buckets: number;
  durationMs: number;
  /** Peak absolute amplitude per bucket, 0..1, rounded to 3 decimals. */
  peaks: number[];
}

/** Folds per-block peaks into `buckets` values (max of each span). Pure. */
export function foldPeaks(blocks: ArrayLike<number>, buckets: number): number[] {
  const out: number[] = new Array(buckets).fill(0);
  if (blocks.length === 0) return out;
  for (let i = 0; i < blocks.length; i++) {
    const b = Math.min(buckets - 1, Math.floor((i * buckets) / blocks.length));
    if (blocks[i] > out[b]) out[b] = blocks[i];
  }
  // Fewer blocks than buckets: spread each block over the buckets it covers.
  if (blocks.length < buckets)
    for (let b = 0; b < buckets; b++) out[b] = blocks[Math.floor((b * blocks.length) / buckets)];
  return out.map((v) => Math.round(v * 1000) / 1000);
}

function decodePeaks(
  ffmpegPath: string,
  file: string,
  timeoutMs: number,
): Promise<{ blocks: Float32Array; samples: number }> {
  return new Promise((resolve, reject) => {
    const child = spawnTied(
      ffmpegPath,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        `file:${path.resolve(file)}`,
        '-ac',
        '1',
        '-ar',
        String(RATE),
        '-f',
        's16le',
        '-',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const blocks: number[] = [];
    let peak = 0;
    let inBlock = 0;
    let samples = 0;
    let carry: Buffer | null = null;
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      const n = buf.length >> 1;
      for (let i = 0; i < n; i++) {
        const v = Math.abs(buf.readInt16LE(i * 2)) / 32768;
        if (v > peak) peak = v;
        if (++inBlock === BLOCK) {
          blocks.push(peak);
          peak = 0;
          inBlock = 0;
        }
      }
      samples += n;
      carry = buf.length & 1 ? buf.subarray(buf.length - 1) : null;
    });
    child.stderr!.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`ffmpeg could not start to draw the waveform: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0)
        return reject(new Error(`ffmpeg could not decode the audio for its waveform (exit ${code}): ${err.trim()}`));
      if (inBlock > 0) blocks.push(peak);
      resolve({ blocks: Float32Array.from(blocks), samples });
    });
  });
}

export function createWaveforms(opts: { cacheDir: string; ffmpegPath: () => string; concurrency?: number }) {
  const inFlight = new Map<string, Promise<Waveform>>();
  // At most a couple of decodes at once: a library page asks for many waveforms together.
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async <T>(f: () => Promise<T>): Promise<T> => {
    if (running >= (opts.concurrency ?? 2)) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await f();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
  return {
    /** Peaks of a content-addressed media file; computed once, then read from the cache. */
    get(sha256: string, mediaFile: string): Promise<Waveform> {
      if (!/^[0-9a-f]{64}$/.test(sha256)) return Promise.reject(new Error('bad content address'));
      const cached = path.join(opts.cacheDir, `${sha256}.json`);
      if (existsSync(cached)) return Promise.resolve(JSON.parse(readFileSync(cached, 'utf8')));
      let p = inFlight.get(sha256);
      if (!p) {
        p = slot(() => decodePeaks(opts.ffmpegPath(), mediaFile, 120_000))
          .then(({ blocks, samples }) => {
            const w: Waveform = {
              sha256,
              buckets: WAVEFORM_BUCKETS,
              durationMs: Math.round((samples / RATE) * 1000),
              peaks: foldPeaks(blocks, WAVEFORM_BUCKETS),
            };
            mkdirSync(opts.cacheDir, { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            writeFileSync(tmp, JSON.stringify(w));
            renameSync(tmp, cached);
            return w;
          })
          .finally(() => inFlight.delete(sha256));
        inFlight.set(sha256, p);
      }
      return p;
    },
  };
}
export type Waveforms = ReturnType<typeof createWaveforms>;
