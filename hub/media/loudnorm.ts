// Two-pass EBU R128 normalisation with ffmpeg's loudnorm, kept strictly linear (one fixed gain
// for the whole bulletin: no pumping), then checked by measuring the result with a different meter
// (ebur128). Audio whose peaks would overshoot the limit is peak-limited first: limiter.ts.
import path from 'node:path';
import { MediaError } from './errors.ts';
import { msg, type Message } from '../text/index.ts';
import { inputArgs, lastLines, progressTimeMs, runFfmpeg } from './ffmpeg-run.ts';

export interface LoudnessTarget {
  /** Integrated loudness, LUFS. */
  i: number;
  /** Maximum true peak, dBTP. */
  tp: number;
  /** Loudness range, LU. */
  lra: number;
}

export interface LoudnormMeasure {
  inputI: number;
  inputTP: number;
  inputLRA: number;
  inputThresh: number;
  targetOffset: number;
}

/** Everything before loudnorm in both passes: measure exactly what we will output (mono, 48 kHz). */
export const PRE_CHAIN = 'aformat=channel_layouts=mono,aresample=48000';
export const RATE = 48_000;
// loudnorm's option limits (ffmpeg 4.x; later versions allow LRA up to 50).
export const MAX_LRA = 20;
const MIN_I = -70;

export function parseLoudnormJson(stderr: string): Record<string, string> {
  const at = stderr.lastIndexOf('[Parsed_loudnorm');
  const open = stderr.indexOf('{', at);
  const close = stderr.indexOf('}', open);
  if (at < 0 || open < 0 || close < 0) throw new Error('no loudnorm report in ffmpeg output');
  return JSON.parse(stderr.slice(open, close + 1));
}

function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  if (/^\+?inf$/i.test(s.trim())) return Infinity;
  if (/^-inf$/i.test(s.trim())) return -Infinity;
  return Number(s);
}

export function toMeasure(j: Record<string, string>): LoudnormMeasure {
  return {
    inputI: num(j.input_i),
    inputTP: num(j.input_tp),
    inputLRA: num(j.input_lra),
    inputThresh: num(j.input_thresh),
    targetOffset: num(j.target_offset),
  };
}

export function failure(stderr: string, code: number | null, what: string): MediaError {
  const detail = lastLines(stderr);
  const damaged =
    /Invalid data|Error while decoding|corrupt|Header missing|moov atom not found|invalid frame|Error splitting/i.test(
      stderr,
    );
  return damaged
    ? new MediaError('corrupt', msg('media.damaged', { what, detail }), { detail })
    : new MediaError('ffmpeg-failed', msg('media.tool-failed', { what, exit: code, detail }), { detail });
}

export interface Pass1 {
  measured: LoudnormMeasure;
  /** Decoded length of the input. */
  decodedMs: number;
  /** Measured padded with silence to 0.5 s (a clip shorter than one loudness block). */
  padded: boolean;
  ms: number;
}

/**
 * Pass 1: measure. `limitS` stops decoding a file whose header lies about its length.
 * Clips too short for a 400 ms gating block measure as -inf; those are re-measured padded with
 * silence to 0.5 s (a slight under-read, at most about 2 dB, on a sub-half-second chime).
 */
export async function measureLoudnorm(
  ffmpegPath: string,
  input: string,
  target: LoudnessTarget,
  opts: { timeoutMs: number; limitS?: number },
): Promise<Pass1> {
  const run = async (pad: boolean) => {
    const chain = `${PRE_CHAIN}${pad ? `,apad=whole_len=${RATE / 2}` : ''},loudnorm=I=${target.i}:TP=${target.tp}:LRA=${target.lra}:print_format=json`;
    const limit = opts.limitS ? ['-t', String(opts.limitS)] : [];
    const r = await runFfmpeg(
      ffmpegPath,
      [...inputArgs(input), '-map', '0:a:0', ...limit, '-af', chain, '-f', 'null', '-'],
      { timeoutMs: opts.timeoutMs, what: 'measuring loudness' },
    );
    if (r.code !== 0) throw failure(r.stderr, r.code, 'measuring loudness');
    let json: Record<string, string>;
    try {
      json = parseLoudnormJson(r.stderr);
    } catch {
      throw failure(r.stderr, r.code, 'measuring loudness');
    }
    return { measured: toMeasure(json), decodedMs: progressTimeMs(r.stderr) ?? 0, padded: pad, ms: r.ms };
  };
  const first = await run(false);
  const m = first.measured;
  if (!Number.isFinite(m.inputI) && Number.isFinite(m.inputTP) && first.decodedMs < 1000) {
    const padded = await run(true);
    return { measured: padded.measured, decodedMs: first.decodedMs, padded: true, ms: first.ms + padded.ms };
  }
  return first;
}

export interface LinearPlan {
  target: LoudnessTarget;
  /** The measured values handed back to loudnorm (see planLinear on LRA 0). */
  measured: LoudnormMeasure;
  adjustments: string[];
}

const fix2 = (x: number) => Number(x.toFixed(2));
const impossible = (reason: Message) => ({ impossible: reason.en, reason });

/**
 * The effective target for which loudnorm will run linearly, mirroring its own test (af_loudnorm.c
 * init): measured_TP + (I - measured_I) <= TP and measured_LRA <= LRA, with none of the measured
 * values at its "not given" default. Returns a reason when no linear target exists.
 */
export function planLinear(
  m: LoudnormMeasure,
  wanted: LoudnessTarget,
  extraDropLu = 0,
): LinearPlan | { impossible: string; reason: Message } {
  const adjustments: string[] = [];
  // loudnorm reads measured_LRA 0 or measured_I 0 as "not given" and goes dynamic; both are
  // printed to 0.01, so a hundredth away is within the measurement's own rounding.
  const measured = { ...m, inputLRA: m.inputLRA === 0 ? 0.01 : m.inputLRA, inputI: m.inputI === 0 ? -0.01 : m.inputI };
  let lra = wanted.lra;
  if (measured.inputLRA > lra) {
    if (measured.inputLRA > MAX_LRA) {
      return impossible(msg('media.lra-too-wide', { lra: measured.inputLRA, max: MAX_LRA }));
    }
    lra = measured.inputLRA;
    adjustments.push(`loudness-range target raised from ${wanted.lra} to ${lra} LU to match the recording`);
  }
  let i = wanted.i;
  const linearOk = (ti: number) => measured.inputTP + (ti - measured.inputI) <= wanted.tp;
  if (!linearOk(i)) {
    i = Math.floor((wanted.tp - measured.inputTP + measured.inputI) * 100) / 100;
    while (!linearOk(i)) i = fix2(i - 0.01); // floating-point edge: step below the boundary
  }
  // A retry after loudnorm unexpectedly went dynamic backs off further.
  if (extraDropLu > 0) i = fix2(i - extraDropLu);
  if (i !== wanted.i)
    adjustments.push(
      `loudness target lowered from ${wanted.i} to ${i} LUFS so peaks stay at or below ${wanted.tp} dBTP with one fixed gain`,
    );
  if (i < MIN_I) {
    return impossible(msg('media.peaks-too-high', { tp: measured.inputTP, i: measured.inputI }));
  }
  return { target: { i, tp: wanted.tp, lra }, measured, adjustments };
}

export interface Pass2 {
  /** The target loudnorm actually ran with (linear). */
  effective: LoudnessTarget;
  adjustments: string[];
  report: Record<string, string>;
  normalizationType: 'linear';
  attempts: number;
  /** Decoded length of the normalised output. */
  decodedMs: number;
  ms: number;
}

/**
 * Pass 2: apply the measured values with linear=true, write 48 kHz mono 16-bit WAV to `output`,
 * and insist that loudnorm reports "linear" (it falls back to dynamic silently). On a surprise
 * "dynamic" the target is lowered a little more and pass 2 retried.
 */
export async function normalizeLinear(
  ffmpegPath: string,
  input: string,
  output: string,
  m: LoudnormMeasure,
  wanted: LoudnessTarget,
  opts: { timeoutMs: number },
): Promise<Pass2> {
  let ms = 0;
  const drops = [0, 0.1, 0.5];
  for (let attempt = 0; attempt < drops.length; attempt++) {
    const plan = planLinear(m, wanted, drops[attempt]);
    if ('impossible' in plan)
      throw new MediaError('not-normalizable', msg('media.not-normalizable', { reason: plan.reason }));
    const { target: t, measured: mm } = plan;
    const ln =
      `loudnorm=I=${t.i}:TP=${t.tp}:LRA=${t.lra}` +
      `:measured_I=${mm.inputI}:measured_TP=${mm.inputTP}:measured_LRA=${mm.inputLRA}:measured_thresh=${mm.inputThresh}` +
      `:offset=${Number.isFinite(mm.targetOffset) ? mm.targetOffset : 0}:linear=true:print_format=json`;
    // loudnorm may hand out 192 kHz; the final aresample pins the rate we promised.
    const chain = `${PRE_CHAIN},${ln},aresample=${RATE}`;
    const r = await runFfmpeg(
      ffmpegPath,
      [
        ...inputArgs(input),
        '-map',
        '0:a:0',
        '-af',
        chain,
        '-c:a',
        'pcm_s16le',
        '-ar',
        String(RATE),
        '-ac',
        '1',
        '-fflags',
        '+bitexact',
        '-f',
        'wav',
        '-y',
        `file:${path.resolve(output)}`,
      ],
      { timeoutMs: opts.timeoutMs, what: 'normalising loudness' },
    );
    ms += r.ms;
    if (r.code !== 0) throw failure(r.stderr, r.code, 'normalising loudness');
    let report: Record<string, string>;
    try {
      report = parseLoudnormJson(r.stderr);
    } catch {
      throw failure(r.stderr, r.code, 'normalising loudness');
    }
    if (report.normalization_type === 'linear') {
      return {
        effective: t,
        adjustments: plan.adjustments,
        report,
        normalizationType: 'linear',
        attempts: attempt + 1,
        decodedMs: progressTimeMs(r.stderr) ?? 0,
        ms,
      };
    }
  }
  throw new MediaError('not-normalizable', msg('media.stays-dynamic', { attempts: drops.length }));
}

export interface OutputLoudness {
  /** Integrated loudness, LUFS (ebur128, 0.1 LU resolution). */
  i: number;
  /** True peak, dBTP (ebur128 4× oversampling). */
  tp: number;
  ms: number;
}

export function parseEbur128Summary(stderr: string): { i: number; tp: number } {
  const s = stderr.slice(stderr.lastIndexOf('Summary:'));
  const i = /I:\s+(-?[\d.]+|-?inf) LUFS/.exec(s);
  const tp = /Peak:\s+(-?[\d.]+|-?inf) dBFS/.exec(s);
  if (!i || !tp) throw new Error('no ebur128 summary in ffmpeg output');
  return { i: num(i[1]), tp: num(tp[1]) };
}

/** Measures a produced file with ebur128: an independent check on what loudnorm claims. */
export async function measureOutput(
  ffmpegPath: string,
  file: string,
  opts: { timeoutMs: number },
): Promise<OutputLoudness> {
  const run = async (pad: boolean) => {
    const chain = `${pad ? `aresample=${RATE},apad=whole_len=${RATE / 2},` : ''}ebur128=peak=true:framelog=verbose`;
    const r = await runFfmpeg(ffmpegPath, [...inputArgs(file), '-map', '0:a:0', '-af', chain, '-f', 'null', '-'], {
      timeoutMs: opts.timeoutMs,
      what: 'checking the result',
    });
    if (r.code !== 0) throw failure(r.stderr, r.code, 'checking the result');
    try {
      return { ...parseEbur128Summary(r.stderr), ms: r.ms };
    } catch {
      throw failure(r.stderr, r.code, 'checking the result');
    }
  };
  const first = await run(false);
  // ebur128 reports -70 when no 400 ms block exists: re-measure short clips padded.
  if (first.i <= -70 && Number.isFinite(first.tp)) {
    const padded = await run(true);
    return { ...padded, ms: first.ms + padded.ms };
  }
  return first;
}

/** Below this the "speech" is hiss or a muted microphone; amplifying it to -16 LUFS is noise. */
export const SILENCE_LUFS = -60;

export function assertAudible(m: LoudnormMeasure): void {
  if (!Number.isFinite(m.inputI) || !Number.isFinite(m.inputTP) || m.inputI <= -70 || m.inputThresh <= -70) {
    throw new MediaError('silent', msg('media.silent'));
  }
  if (m.inputI < SILENCE_LUFS) {
    throw new MediaError('silent', msg('media.almost-silent', { lufs: m.inputI }));
  }
}
