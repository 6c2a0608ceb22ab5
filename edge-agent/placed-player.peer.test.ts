// The sample-placed player with real ffmpeg, writing raw PCM to a unix socket this test reads as a
// sound card would: the bulletin's first sample lands at the sample index of the planned instant on
// the output's clock, however late the release comes; a start already past begins at once. No
// timed assertions: sample positions in the sink, and the player's own account of its placement.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../firmware-bridge/audio.ts';
import { systemClock } from '../protocol/index.ts';
import { preparePlaced, RATE, type Placement } from './placed-player.ts';
import { makeClip } from './test-support/helpers.ts';

const ffmpegPath = resolveFfmpeg().path;
let dir = '';
/** 0.5 s of a constant level (8192): its very first sample is loud, so its index in the sink is exact */
let level = '';
const LEVEL = 8192;

/** Each connection's PCM, as the card receives it. */
function startSink(socketPath: string) {
  const plays: Buffer[][] = [];
  const server = net.createServer((sock) => {
    const chunks: Buffer[] = [];
    plays.push(chunks);
    sock.on('data', (c: Buffer) => chunks.push(c));
  });
  return new Promise<{ plays: () => Buffer[]; close: () => Promise<void> }>((resolve) =>
    server.listen(socketPath, () =>
      resolve({
        // (connections that wrote nothing: an output that opened and was replaced)
        plays: () => plays.map((c) => Buffer.concat(c)).filter((b) => b.length > 0),
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

const firstLoud = (pcm: Buffer) => {
  for (let i = 0; i + 1 < pcm.length; i += 2) if (Math.abs(pcm.readInt16LE(i)) > 100) return i / 2;
  return null;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wardcast-placed-'));
  level = path.join(dir, 'level.wav');
  execFileSync(ffmpegPath, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `aevalsrc=${LEVEL / 32768}:s=${RATE}:d=0.5`,
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    level,
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('placed player', () => {
  it('puts the first sample at the planned instant on the output clock when the release comes late', async () => {
    const sink = await startSink(path.join(dir, 'late-release.sock'));
    try {
      const plannedAt = systemClock.now() + 1500;
      const p = preparePlaced(level, {
        ffmpegPath,
        output: `s16le:unix:${path.join(dir, 'late-release.sock')}`,
        clock: systemClock,
        startAt: () => plannedAt,
      });
      const placement = (await p.placed) as Placement;
      // The release comes long after the planned instant, and the event loop is then held busy:
      // neither moves the start, which was placed on the sample clock before the instant.
      await new Promise((r) => setTimeout(r, Math.max(0, plannedAt - systemClock.now()) + 300));
      for (const until = performance.now() + 100; performance.now() < until; );
      p.start();
      const r = await p.result;
      expect(r).toMatchObject({ exitCode: 0, stopped: false });
      expect(r.error).toBeUndefined();
      expect(r.decodedMs).toBeCloseTo(500, 0);

      expect(placement.late).toBe(false);
      expect(placement.atDeviceMs).toBeCloseTo(plannedAt, 0);
      expect(placement.startSample).toBe(Math.round(((plannedAt - placement.anchorDeviceMs) * RATE) / 1000));
      const pcm = sink.plays().at(-1)!;
      expect(firstLoud(pcm)).toBe(placement.startSample);
      // the bulletin whole and unchanged, then nothing but silence
      const body = pcm.subarray(placement.startSample * 2, (placement.startSample + RATE / 2) * 2);
      for (let i = 0; i < body.length; i += 2) expect(body.readInt16LE(i)).toBe(LEVEL);
      expect(firstLoud(pcm.subarray((placement.startSample + RATE / 2) * 2))).toBeNull();
    } finally {
      await sink.close();
    }
  });

  it('a start already past when the output is ready begins at once, late, at the write position', async () => {
    const sock = path.join(dir, 'late-start.sock');
    const sink = await startSink(sock);
    try {
      const plannedAt = systemClock.now() - 2000;
      const p = preparePlaced(level, {
        ffmpegPath,
        output: `s16le:unix:${sock}`,
        clock: systemClock,
        startAt: () => plannedAt,
      });
      const placement = (await p.placed) as Placement;
      expect(await p.result).toMatchObject({ exitCode: 0, stopped: false });
      expect(placement.late).toBe(true);
      expect(placement.atDeviceMs).toBeGreaterThan(plannedAt + 1900);
      expect(firstLoud(sink.plays().at(-1)!)).toBe(placement.startSample);
    } finally {
      await sink.close();
    }
  });

  it('plays a real bulletin to the null output; stops when aborted before or during the audio', async () => {
    const clip = makeClip('Thông báo khẩn cấp về bão số ba', 3);
    const progress: number[] = [];
    const soon = systemClock.now() + 300;
    const whole = preparePlaced(clip.file, {
      ffmpegPath,
      output: 'null',
      clock: systemClock,
      startAt: () => soon,
      onProgress: (ms) => progress.push(ms),
    });
    const r = await whole.result;
    expect(r).toMatchObject({ exitCode: 0, stopped: false });
    expect(Math.abs(r.decodedMs - clip.durationMs)).toBeLessThan(100);
    expect(progress.at(-1)).toBeGreaterThan(0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const ac = new AbortController();
    const now = systemClock.now();
    const midway = preparePlaced(clip.file, {
      ffmpegPath,
      output: 'null',
      clock: systemClock,
      startAt: () => now,
      signal: ac.signal,
    });
    await midway.placed;
    setTimeout(() => ac.abort(), 1000);
    const m = await midway.result;
    expect(m.stopped).toBe(true);
    expect(m.decodedMs).toBeGreaterThan(300);
    expect(m.decodedMs).toBeLessThan(clip.durationMs - 1000);

    const before = new AbortController();
    before.abort();
    const never = preparePlaced(clip.file, {
      ffmpegPath,
      output: 'null',
      clock: systemClock,
      startAt: () => systemClock.now(),
      signal: before.signal,
    });
    expect(await never.result).toMatchObject({ stopped: true, decodedMs: 0 });
    expect(await never.placed).toBeNull();
  });

  it('names the problem when the file is missing or is not audio, or the output cannot be opened', async () => {
    const soon = systemClock.now() + 200;
    const o = { ffmpegPath, output: 'null', clock: systemClock, startAt: () => soon };
    const missing = preparePlaced('/nonexistent/bulletin.opus', o);
    expect((await missing.result).error).toMatch(/cannot read the audio file .*no such file or directory/i);
    expect(await missing.placed).toBeNull();
    const notAudio = await preparePlaced(new URL(import.meta.url).pathname, o).result;
    expect(notAudio.error).toMatch(/ffmpeg exited with code \d+: .*Invalid data/);
    const badOutput = await preparePlaced(makeClip('Xin chào').file, { ...o, output: 'alsa:no-such-card-xyz' }).result;
    expect(badOutput.error).toMatch(/ffmpeg exited with code \d+: .*(alsa|audio device|Input\/output)/i);
    expect(badOutput.error).not.toMatch(/muxer <-|Input #0/);
  });
});
