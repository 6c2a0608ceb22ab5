import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import { MediaError } from './errors.ts';
import { MAX_REDUCTION_DB } from './limiter.ts';
import { transcode, type TranscodeResult } from './pipeline.ts';
import { probeAudio } from './probe.ts';
import { decodedMs, makeFixtures, type Fixtures } from './test-audio.ts';

const ffmpeg = resolveFfmpeg().path;
let fx: Fixtures;
let outDir: string;

beforeAll(() => {
  fx = makeFixtures(ffmpeg);
  outDir = path.join(fx.dir, 'media');
});
afterAll(() => {
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

async function mediaError(p: Promise<unknown>): Promise<MediaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaError);
  return err as MediaError;
}

const leftovers = () => (existsSync(outDir) ? readdirSync(outDir).filter((f) => f.startsWith('.')) : []);

// Every bulletin must play at the REQUESTED loudness (-16 LUFS) within 1 LU, peaks within the
// codec allowance of -1.5 dBTP, and with one linear gain in loudnorm's second pass.
const REQUESTED = { i: -16, tp: -1.5 };

async function checkGood(r: TranscodeResult, inputMs: number): Promise<void> {
  const l = r.loudness;
  expect(l.normalizationType).toBe('linear');
  expect(l.requested.i).toBe(REQUESTED.i);
  expect(l.targetI).toBe(REQUESTED.i);
  expect(l.targetTP).toBe(REQUESTED.tp);
  expect(Math.abs(l.outputI - REQUESTED.i)).toBeLessThanOrEqual(1);
  expect(l.outputTP).toBeLessThanOrEqual(REQUESTED.tp + 0.5);
  expect(Math.abs(r.durationMs - inputMs)).toBeLessThan(100);
  expect(r.outputs.map((o) => o.format)).toEqual(['opus', 'mp3']);
  for (const o of r.outputs) {
    expect(Math.abs(o.loudness.i - REQUESTED.i)).toBeLessThanOrEqual(1);
    expect(o.loudness.tp).toBeLessThanOrEqual(REQUESTED.tp + 0.5);
    const file = path.join(outDir, o.file);
    const bytes = readFileSync(file);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(o.file).toBe(`${sha}.${o.format}`);
    expect(o.sha256).toBe(sha);
    expect(o.bytes).toBe(bytes.length);
    const p = await probeAudio(ffmpeg, file);
    expect(p.channels).toBe(1);
    expect(p.sampleRate).toBe(o.format === 'opus' ? 48_000 : 44_100);
    expect(p.codec).toBe(o.format === 'opus' ? 'opus' : 'mp3');
    expect(Math.abs(decodedMs(ffmpeg, file) - inputMs)).toBeLessThan(150);
    // Bit rates in the voice range promised: Opus ~48, MP3 ~96 kbit/s.
    const kbps = (bytes.length * 8) / inputMs;
    if (o.format === 'opus') {
      expect(kbps).toBeGreaterThan(35);
      expect(kbps).toBeLessThan(70);
    } else {
      expect(kbps).toBeGreaterThan(64);
      expect(kbps).toBeLessThan(130);
    }
  }
  expect(r.timing.speedX).toBeGreaterThan(0);
}

describe('transcode: common uploads', () => {
  // espeak speech peaks at 0 dBTP about 18.5 dB above its loudness: every one of these needs its
  // peaks limited to reach -16 LUFS under -1.5 dBTP.
  it.each(['mp3', 'm4a', 'vorbis', 'opus', 'flac', 'wav', 'quiet'])('%s reaches -16 LUFS', async (name) => {
    const r = await transcode(fx.good[name], outDir, { ffmpegPath: ffmpeg });
    await checkGood(r, fx.speechMs);
    expect(r.loudness.limiter).not.toBeNull();
    expect(r.loudness.limiter!.capped).toBe(false);
    expect(r.loudness.adjustments).toEqual([
      expect.stringMatching(/^peaks limited by \d+\.\d dB so the bulletin reaches -16 LUFS/),
    ]);
    expect(r.sourceSha256).toBe(createHash('sha256').update(readFileSync(fx.good[name])).digest('hex'));
  });

  it('a quiet recording (-35 LUFS) is lifted', async () => {
    const r = await transcode(fx.good.quiet, outDir, { ffmpegPath: ffmpeg });
    expect(r.loudness.inputI).toBeCloseTo(-35, 0);
    expect(r.loudness.outputI - r.loudness.inputI).toBeGreaterThan(12);
  });

  it('a loud, clipped recording reaches -16 LUFS with one gain alone, no limiting', async () => {
    const r = await transcode(fx.good.loud, outDir, { ffmpegPath: ffmpeg });
    await checkGood(r, fx.speechMs);
    expect(r.loudness.inputI).toBeGreaterThan(-10);
    expect(r.loudness.limiter).toBeNull();
    expect(r.timing.limitMs).toBe(0);
    expect(r.loudness.adjustments).toEqual([]);
  });

  it('peaky speech: peaks limited, not the loudness lowered, and said how much', async () => {
    const r = await transcode(fx.good.wav, outDir, { ffmpegPath: ffmpeg });
    const l = r.loudness;
    // Without limiting the peak limit would have held it near -20 LUFS.
    expect(l.inputTP + (REQUESTED.i - l.inputI)).toBeGreaterThan(REQUESTED.tp + 3);
    expect(l.targetI).toBe(-16);
    const lim = l.limiter!;
    expect(lim.ceilingDbtp).toBeLessThan(REQUESTED.tp);
    expect(lim.reductionDb).toBeGreaterThan(3);
    expect(lim.reductionDb).toBeLessThanOrEqual(MAX_REDUCTION_DB);
    expect(lim.runs).toBeLessThanOrEqual(3);
    expect(l.adjustments[0]).toBe(
      `peaks limited by ${lim.reductionDb.toFixed(1)} dB so the bulletin reaches -16 LUFS with true peaks at or below -1.5 dBTP`,
    );
    expect(r.timing.limitMs).toBeGreaterThan(0);
  });

  it('last resort: when limiting would need more than 12 dB, the target is lowered and said why', async () => {
    // Quiet speech with one full-scale click: reaching -16 LUFS would take ~30 dB off that peak.
    const r = await transcode(fx.good.spike, outDir, { ffmpegPath: ffmpeg });
    const l = r.loudness;
    expect(l.normalizationType).toBe('linear');
    expect(l.limiter!.capped).toBe(true);
    expect(l.limiter!.reductionDb).toBeCloseTo(MAX_REDUCTION_DB, 0);
    expect(l.targetI).toBeLessThan(-16);
    expect(l.adjustments).toEqual([
      expect.stringMatching(
        /^peaks limited by 12\.0 dB, the most that keeps speech natural; that is not enough for -16 LUFS$/,
      ),
      expect.stringMatching(/^loudness target lowered from -16 to -\d+\.\d+ LUFS/),
    ]);
    for (const o of r.outputs) {
      expect(Math.abs(o.loudness.i - l.targetI)).toBeLessThanOrEqual(1);
      expect(o.loudness.tp).toBeLessThanOrEqual(REQUESTED.tp + 0.5);
    }
  });

  it('a wide loudness range stays linear (LRA target raised)', async () => {
    const r = await transcode(fx.good.wide, outDir, { ffmpegPath: ffmpeg });
    await checkGood(r, 2 * fx.speechMs);
    expect(r.loudness.adjustments.join()).toMatch(/peaks limited by/);
    // Raised to the range of what the linear pass gets: the limited audio, a little narrower.
    expect(r.loudness.targetLRA).toBeGreaterThan(11);
    expect(r.loudness.targetLRA).toBeLessThanOrEqual(r.loudness.inputLRA);
    expect(r.loudness.adjustments.join()).toMatch(`raised from 11 to ${r.loudness.targetLRA} LU`);
  });

  it('a clip shorter than one 400 ms loudness block is still measured and normalised', async () => {
    const r = await transcode(fx.good.short, outDir, { ffmpegPath: ffmpeg });
    expect(r.durationMs).toBeGreaterThanOrEqual(300);
    expect(r.loudness.normalizationType).toBe('linear');
    expect(Number.isFinite(r.loudness.outputI)).toBe(true);
  });

  it('is idempotent: same input, same names, nothing rewritten or left behind', async () => {
    const a = await transcode(fx.good.flac, outDir, { ffmpegPath: ffmpeg });
    const before = a.outputs.map((o) => readFileSync(path.join(outDir, o.file)));
    const b = await transcode(fx.good.flac, outDir, { ffmpegPath: ffmpeg });
    expect(b.outputs.map((o) => o.file)).toEqual(a.outputs.map((o) => o.file));
    for (const [k, o] of b.outputs.entries())
      expect(readFileSync(path.join(outDir, o.file)).equals(before[k])).toBe(true);
    expect(leftovers()).toEqual([]);
  });
});

describe('transcode: bad uploads give a MediaError with a reason', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['text', 'not-audio', /^the file is not audio: it looks like a text file$/],
    ['truncated', 'corrupt', /cut short: it says it lasts 6\.\d s but only 2\.\d s of sound could be read/],
    ['zero', 'corrupt', /empty \(0 bytes\)/],
    ['silence', 'silent', /silent/],
    ['png', 'not-audio', /looks like a PNG image/],
    ['videoOnly', 'not-audio', /no audio stream \(it holds only video: h264\)/],
    ['tooShort', 'too-short', /too short: 0\.20 s, it must last at least 0\.30 s/],
    ['garbage', 'not-audio', /not in any audio format/],
  ];
  it.each(cases)('%s → %s', async (name, code, message) => {
    const e = await mediaError(transcode(fx.bad[name], outDir, { ffmpegPath: ffmpeg }));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(leftovers()).toEqual([]);
  });

  it('too long for the limit', async () => {
    const e = await mediaError(transcode(fx.good.wav, outDir, { ffmpegPath: ffmpeg, maxDurationS: 2 }));
    expect(e.code).toBe('too-long');
    expect(e.message).toMatch(/too long: 6\.\d s, the limit is 2\.0 s/);
  });

  it('a deadline that cannot be met stops ffmpeg and leaves nothing behind', async () => {
    const e = await mediaError(transcode(fx.good.wav, outDir, { ffmpegPath: ffmpeg, timeoutMs: 1 }));
    expect(e.code).toBe('timeout');
    expect(leftovers()).toEqual([]);
  });

  it('no ffmpeg where we were told it is', async () => {
    const e = await mediaError(transcode(fx.good.wav, outDir, { ffmpegPath: '/nonexistent/ffmpeg' }));
    expect(e.code).toBe('ffmpeg-failed');
  });

  it('nonsense options are a programming error, not a MediaError', async () => {
    await expect(transcode(fx.good.wav, outDir, { ffmpegPath: ffmpeg, targetLufs: 3 })).rejects.toThrow(RangeError);
  });
});
