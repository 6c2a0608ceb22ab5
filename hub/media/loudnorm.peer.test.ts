import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import { normalizeLoudness } from './limiter.ts';
import {
  parseEbur128Summary,
  parseLoudnormJson,
  planLinear,
  PRE_CHAIN,
  type LinearPlan,
  type LoudnormMeasure,
} from './loudnorm.ts';
import { makeFixtures, measureLufs, type Fixtures } from './test-audio.ts';

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

function plan(m: LoudnormMeasure, t = target): LinearPlan {
  const p = planLinear(m, t);
  if ('impossible' in p) throw new Error(p.impossible);
  return p;
}

describe('planLinear mirrors loudnorm’s linear-mode test', () => {
  it('keeps the requested target when the gain fits under the peak limit', () => {
    const p = plan(measure({}));
    expect(p.target).toEqual(target);
    expect(p.adjustments).toEqual([]);
  });

  it('lowers the integrated target just enough for the true-peak limit', () => {
    const m = measure({ inputI: -18.77, inputTP: 0.03 });
    const p = plan(m);
    expect(m.inputTP + (p.target.i - m.inputI)).toBeLessThanOrEqual(target.tp);
    expect(p.target.i).toBeGreaterThanOrEqual(-20.32);
    expect(p.target.i).toBeLessThan(-20.29);
    expect(p.adjustments.join()).toMatch(/lowered from -16/);
  });

  it('raises the LRA target to the measured range', () => {
    const p = plan(measure({ inputLRA: 14.2 }));
    expect(p.target.lra).toBe(14.2);
    expect(p.adjustments.join()).toMatch(/raised from 11 to 14.2/);
  });

  it('hands loudnorm 0.01 for a measured LRA of 0, which it would read as "not given"', () => {
    expect(plan(measure({ inputLRA: 0 })).measured.inputLRA).toBe(0.01);
  });

  it('gives a reason when no linear gain exists', () => {
    const wide = planLinear(measure({ inputLRA: 23.4 }), target);
    expect('impossible' in wide && wide.impossible).toMatch(/loudness range \(23.4 LU\)/);
    const spiky = planLinear(measure({ inputI: -69, inputTP: 5 }), target);
    expect('impossible' in spiky && spiky.impossible).toMatch(/peaks are too high/);
  });
});

describe('report parsers', () => {
  it('loudnorm JSON, including -inf', () => {
    const j = parseLoudnormJson(
      'size=N/A\n[Parsed_loudnorm_2 @ 0x1]\n{\n\t"input_i" : "-inf",\n\t"normalization_type" : "dynamic"\n}\n',
    );
    expect(j).toEqual({ input_i: '-inf', normalization_type: 'dynamic' });
  });

  it('ebur128 summary', () => {
    const s =
      '[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -20.1 LUFS\n    Threshold: -30.2 LUFS\n\n  True peak:\n    Peak:       -1.5 dBFS\n';
    expect(parseEbur128Summary(s)).toEqual({ i: -20.1, tp: -1.5 });
  });
});

describe('two passes on real speech', () => {
  let fx: Fixtures;
  beforeAll(() => {
    fx = makeFixtures(ffmpeg, { good: true, bad: false });
  });
  afterAll(() => {
    if (fx) rmSync(fx.dir, { recursive: true, force: true });
  });

  it('passing the target back unchanged makes loudnorm go dynamic, silently', () => {
    // Why the check exists: espeak peaks near 0 dBTP, so reaching -16 LUFS would overshoot -1.5 dBTP.
    const m = measureRaw(fx.good.wav);
    const r = spawnSync(
      ffmpeg,
      [
        '-hide_banner',
        '-nostdin',
        '-i',
        fx.good.wav,
        '-af',
        `${PRE_CHAIN},loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=${m.input_i}:measured_TP=${m.input_tp}:measured_LRA=${m.input_lra}:measured_thresh=${m.input_thresh}:offset=${m.target_offset}:linear=true:print_format=json`,
        '-f',
        'null',
        '-',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(parseLoudnormJson(r.stderr).normalization_type).toBe('dynamic');
  });

  it('normalizeLoudness lands linear on the requested target, peaks limited first', async () => {
    const out = path.join(fx.dir, 'quiet-normalised.wav');
    const r = await normalizeLoudness(ffmpeg, fx.good.quiet, out, target, { timeoutMs: 30_000 });
    expect(r.pass1.measured.inputI).toBeCloseTo(-35, 0);
    expect(r.limit).not.toBeNull();
    expect(r.pass2.normalizationType).toBe('linear');
    expect(r.pass2.report.normalization_type).toBe('linear');
    expect(r.pass2.effective.i).toBe(target.i);
    expect(Math.abs(r.output.i - target.i)).toBeLessThanOrEqual(1);
    expect(r.output.tp).toBeLessThanOrEqual(target.tp + 0.1);
    expect(r.adjustments.join()).toMatch(/^peaks limited by/);
    // A second meter agrees.
    expect(Math.abs(measureLufs(ffmpeg, out) - target.i)).toBeLessThanOrEqual(1);
    const head = spawnSync(ffmpeg, ['-hide_banner', '-i', out], { encoding: 'utf8' }).stderr;
    expect(head).toMatch(/48000 Hz, mono/);
  });

  it('a wide loudness range is kept linear by raising the LRA target', async () => {
    const out = path.join(fx.dir, 'wide-normalised.wav');
    const r = await normalizeLoudness(ffmpeg, fx.good.wide, out, target, { timeoutMs: 30_000 });
    expect(r.pass1.measured.inputLRA).toBeGreaterThan(11);
    // The range of what the linear pass got: the peak-limited audio when there was limiting.
    expect(r.pass2.effective.lra).toBe((r.limit?.measured ?? r.pass1.measured).inputLRA);
    expect(r.pass2.effective.lra).toBeGreaterThan(11);
    expect(r.pass2.normalizationType).toBe('linear');
  });
});

function measureRaw(file: string): Record<string, string> {
  const r = spawnSync(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-i',
      file,
      '-af',
      `${PRE_CHAIN},loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json`,
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8' },
  );
  return parseLoudnormJson(r.stderr);
}
