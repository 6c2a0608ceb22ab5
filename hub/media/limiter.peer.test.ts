import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import {
  CODEC_HEADROOM_DB,
  LINEAR_SLACK_DB,
  limiterChain,
  limitPeaks,
  MAX_REDUCTION_DB,
  planLimit,
} from './limiter.ts';
import { measureLoudnorm, measureOutput, PRE_CHAIN, type LoudnormMeasure } from './loudnorm.ts';
import { makeFixtures, type Fixtures } from './test-audio.ts';

const ffmpeg = resolveFfmpeg().path;
const target = { i: -16, tp: -1.5, lra: 11 };
const measure = (m: Partial<LoudnormMeasure>): LoudnormMeasure => ({
  inputI: -30,
  inputTP: -20,
  inputLRA: 5,
  inputThresh: -40,
  targetOffset: 0.2,
  ...m,
});
const CEILING = target.tp - CODEC_HEADROOM_DB - LINEAR_SLACK_DB;

describe('planLimit', () => {
  it('does nothing when one gain to the target fits under the peak limit', () => {
    expect(planLimit(measure({ inputI: -30, inputTP: -20 }), target)).toBeNull();
    // Exactly at the limit still fits.
    expect(planLimit(measure({ inputI: -30, inputTP: -15.5 }), target)).toBeNull();
  });

  it('limits speech whose peaks the gain would push over: ceiling under the limit, gain above the plain gain', () => {
    const p = planLimit(measure({ inputI: -18.5, inputTP: 0 }), target)!;
    expect(p.ceilingDbtp).toBeCloseTo(CEILING, 5);
    expect(p.onsetGainDb).toBeCloseTo(CEILING, 5);
    // The plain gain is 2.5 dB; limiting costs loudness, so the first run aims higher.
    expect(p.gainDb).toBeGreaterThan(2.5);
    expect(p.gainDb).toBeLessThan(p.maxGainDb);
    expect(p.maxGainDb).toBeCloseTo(CEILING + MAX_REDUCTION_DB, 2);
  });

  it('never plans more than MAX_REDUCTION_DB off the loudest peak', () => {
    const p = planLimit(measure({ inputI: -45, inputTP: 0 }), target)!;
    expect(p.gainDb).toBe(p.maxGainDb);
    expect(0 + p.gainDb - p.ceilingDbtp).toBeCloseTo(MAX_REDUCTION_DB, 2);
  });

  it('does not limit a recording whose loudness range no fixed gain can take anyway', () => {
    expect(planLimit(measure({ inputI: -18.5, inputTP: 0, inputLRA: 23 }), target)).toBeNull();
  });
});

function rawF32(args: string[]): Float32Array {
  const r = spawnSync(ffmpeg, ['-hide_banner', '-nostdin', ...args, '-f', 'f32le', '-c:a', 'pcm_f32le', '-'], {
    maxBuffer: 64 << 20,
  });
  expect(r.status, String(r.stderr)).toBe(0);
  const b = r.stdout as Buffer;
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

describe('the limiter chain on real speech', () => {
  let fx: Fixtures;
  beforeAll(() => {
    fx = makeFixtures(ffmpeg, { good: true, bad: false });
  });
  afterAll(() => {
    if (fx) rmSync(fx.dir, { recursive: true, force: true });
  });

  it('below its ceiling it is the plain gain: same length, sample-aligned (its look-ahead delay undone)', () => {
    const plain = rawF32(['-i', fx.speechWav, '-af', `${PRE_CHAIN},volume=-6dB`]);
    const limited = rawF32(['-i', fx.speechWav, '-af', limiterChain(-6, -1)]);
    expect(limited.length).toBe(plain.length);
    let worst = 0;
    for (let k = 0; k < plain.length; k++) worst = Math.max(worst, Math.abs(plain[k] - limited[k]));
    expect(worst).toBeLessThan(1e-4);
  });

  it('holds its ceiling on true peaks, without changing the length', async () => {
    const out = path.join(fx.dir, 'hard-limited.wav');
    const r = spawnSync(
      ffmpeg,
      ['-hide_banner', '-nostdin', '-y', '-i', fx.speechWav, '-af', limiterChain(10, -3), '-c:a', 'pcm_f32le', out],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const m = await measureOutput(ffmpeg, out, { timeoutMs: 30_000 });
    expect(m.tp).toBeLessThanOrEqual(-2.9);
    expect(m.tp).toBeGreaterThan(-3.5);
    expect(rawF32(['-i', out]).length).toBe(rawF32(['-i', fx.speechWav, '-af', PRE_CHAIN]).length);
  });

  it('refuses a ceiling outside what alimiter can do', () => {
    expect(() => limiterChain(0, -30)).toThrow(RangeError);
  });

  it('limitPeaks leaves the linear pass a gain that reaches the target within the codec headroom', async () => {
    const pass1 = await measureLoudnorm(ffmpeg, fx.good.wav, target, { timeoutMs: 30_000 });
    const out = path.join(fx.dir, 'limited.wav');
    const l = (await limitPeaks(ffmpeg, fx.good.wav, out, pass1.measured, target, { timeoutMs: 30_000 }))!;
    expect(l).not.toBeNull();
    expect(l.capped).toBe(false);
    expect(l.runs).toBeLessThanOrEqual(3);
    expect(l.reductionDb).toBeGreaterThan(3);
    expect(l.reductionDb).toBeLessThan(MAX_REDUCTION_DB);
    const m = l.measured;
    expect(m.inputTP).toBeLessThanOrEqual(l.ceilingDbtp + 0.05);
    expect(m.inputTP + (target.i - m.inputI)).toBeLessThanOrEqual(target.tp - CODEC_HEADROOM_DB);
    expect(Math.abs(l.decodedMs - fx.speechMs)).toBeLessThan(100);
    const head = spawnSync(ffmpeg, ['-hide_banner', '-i', out], { encoding: 'utf8' }).stderr;
    expect(head).toMatch(/pcm_s24le.*48000 Hz, mono/);
  });

  it('limitPeaks does nothing for a recording one gain can bring to the target', async () => {
    const pass1 = await measureLoudnorm(ffmpeg, fx.good.loud, target, { timeoutMs: 30_000 });
    expect(
      await limitPeaks(ffmpeg, fx.good.loud, path.join(fx.dir, 'never.wav'), pass1.measured, target, {
        timeoutMs: 30_000,
      }),
    ).toBeNull();
  });
});
