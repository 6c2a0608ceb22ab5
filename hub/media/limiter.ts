// True-peak limiting ahead of the linear loudness pass. Speech has a high peak-to-loudness ratio
// (espeak ≈ 18.5–19.5 dB, and real microphones are often no better) while −16 LUFS under −1.5 dBTP
// allows 14.5 dB, so one fixed gain alone cannot reach the target. Here the peaks are pulled down by
// a look-ahead limiter running at 192 kHz (so it holds true peaks, not just sample peaks), the
// limited audio is measured again, and loudnorm's linear pass then brings it to the full target.
// The integrated target is lowered only when more than MAX_REDUCTION_DB of limiting would be needed.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { inputArgs, progressTimeMs, runFfmpeg } from './ffmpeg-run.ts';
import {
  assertAudible,
  failure,
  measureLoudnorm,
  measureOutput,
  normalizeLinear,
  parseLoudnormJson,
  PRE_CHAIN,
  RATE,
  MAX_LRA,
  toMeasure,
  type LoudnessTarget,
  type LoudnormMeasure,
  type OutputLoudness,
  type Pass1,
  type Pass2,
} from './loudnorm.ts';

/** The limiter runs at 4× 48 kHz: its ceiling then holds for true peaks (ITU-R BS.1770 meters oversample 4×). */
export const OVERSAMPLE_RATE = 4 * RATE;
/** Look-ahead, ms: the gain starts falling this long before a peak, so the peak itself is not clipped. */
export const ATTACK_MS = 5;
/** Time for the gain to recover after a peak, ms. Short enough not to duck the following syllable. */
export const RELEASE_MS = 50;
/** Lossy coding adds to true peaks, and more so on limited audio, whose loudest peaks are many and
 *  all at the ceiling (libopus at 48 kbit/s: 1–2 dB, against 0.2–0.5 dB on unprocessed speech). The
 *  limited audio is aimed this far under the peak limit so that the Opus file still meets it. */
export const CODEC_HEADROOM_DB = 1.0;
/** The ceiling sits this much lower again: room for the linear pass to make up a small shortfall. */
export const LINEAR_SLACK_DB = 0.3;
/** Past this much reduction of the loudest peak, speech starts to sound squashed: lower the target instead. */
export const MAX_REDUCTION_DB = 12;
/** Limiting costs loudness (the gain dips around every peak it pulls down), so the gain in front of
 *  the limiter must exceed the plain gain. First guess at the excess: this fraction of the reduction
 *  the plain gain alone would need (speech measured 0.25–0.4, up to 0.9 on the hardest espeak voice). */
const LOSS_GUESS = 0.4;
const MAX_RUNS = 3;

const fix2 = (x: number) => Number(x.toFixed(2));

/** The limiter's delay in samples at OVERSAMPLE_RATE: ffmpeg's alimiter delays by its look-ahead
 *  buffer (floor(rate × attack)) minus one sample, and has no latency compensation before 5.1. */
const attackSamples = Math.floor((OVERSAMPLE_RATE * ATTACK_MS) / 1000);
const DELAY_SAMPLES = attackSamples - 1;

/**
 * The filter chain from an upload to the limited 48 kHz mono signal: `gainDb` of fixed gain, then a
 * limiter holding `ceilingDbtp`. The delay is padded at the end and cut from the start, so the
 * output has the input's exact length and alignment; below the ceiling it is the input (plus gain).
 */
export function limiterChain(gainDb: number, ceilingDbtp: number): string {
  const limit = 10 ** (ceilingDbtp / 20);
  if (!(limit >= 0.0625 && limit <= 1))
    throw new RangeError(`limiter ceiling ${ceilingDbtp} dBTP is outside alimiter's range (-24..0 dBFS)`);
  // attack is given so that rate × attack lands safely inside the intended sample count.
  const attack = (((attackSamples + 0.5) * 1000) / OVERSAMPLE_RATE).toFixed(6);
  return [
    PRE_CHAIN,
    `volume=${fix2(gainDb)}dB:precision=double`,
    `aresample=${OVERSAMPLE_RATE}`,
    `apad=pad_len=${DELAY_SAMPLES}`,
    // level=disabled: no make-up gain (alimiter would otherwise scale the ceiling up to 0 dBFS).
    `alimiter=limit=${limit.toFixed(6)}:attack=${attack}:release=${RELEASE_MS}:level=disabled`,
    `atrim=start_sample=${DELAY_SAMPLES}`,
    'asetpts=PTS-STARTPTS',
    `aresample=${RATE}`,
  ].join(',');
}

/** How far the plain gain to `wanted.i` would push the true peak over `wanted.tp`, dB (≤ 0: it fits). */
export function peakExcessDb(m: LoudnormMeasure, wanted: LoudnessTarget): number {
  return m.inputTP + (wanted.i - m.inputI) - wanted.tp;
}

export interface LimitPlan {
  ceilingDbtp: number;
  /** Gain in front of the limiter for the first run, dB. */
  gainDb: number;
  /** Most gain allowed in front of the limiter (MAX_REDUCTION_DB of reduction), dB. */
  maxGainDb: number;
  /** The gain at which the limiter starts to act: the loudest peak reaches the ceiling. */
  onsetGainDb: number;
}

/** Whether and how to limit; null when the plain gain already fits under the peak limit. */
export function planLimit(m: LoudnormMeasure, wanted: LoudnessTarget): LimitPlan | null {
  if (!(peakExcessDb(m, wanted) > 0)) return null;
  // A loudness range loudnorm cannot take linearly is refused anyway: don't limit for nothing.
  if (m.inputLRA > MAX_LRA) return null;
  const ceilingDbtp = wanted.tp - CODEC_HEADROOM_DB - LINEAR_SLACK_DB;
  const onsetGainDb = ceilingDbtp - m.inputTP;
  const maxGainDb = onsetGainDb + MAX_REDUCTION_DB;
  const plain = wanted.i - m.inputI;
  const gainDb = Math.min(maxGainDb, plain + LOSS_GUESS * (plain - onsetGainDb));
  return { ceilingDbtp, gainDb: fix2(gainDb), maxGainDb: fix2(maxGainDb), onsetGainDb };
}

export interface PeakLimit {
  /** Fixed gain in front of the limiter, dB. */
  gainDb: number;
  ceilingDbtp: number;
  /** How far the loudest true peak was pulled down, dB. */
  reductionDb: number;
  /** True when the reduction is at MAX_REDUCTION_DB: the target may be out of reach. */
  capped: boolean;
  /** Limiter runs it took (the loudness the limiting costs is found by measuring). */
  runs: number;
  /** loudnorm's measurement of the limited audio. */
  measured: LoudnormMeasure;
  decodedMs: number;
  ms: number;
}

/**
 * Limits `input` into `output` (48 kHz mono 24-bit WAV) so that the linear pass can reach
 * `wanted.i` under `wanted.tp`, measuring the limited audio with loudnorm in the same ffmpeg run.
 * The gain in front of the limiter is raised (up to MAX_RUNS runs) until the measured loudness is
 * within the ceiling margin of the target; returns null when no limiting is needed.
 */
export async function limitPeaks(
  ffmpegPath: string,
  input: string,
  output: string,
  m: LoudnormMeasure,
  wanted: LoudnessTarget,
  opts: { timeoutMs: number; padMeasure?: boolean },
): Promise<PeakLimit | null> {
  const plan = planLimit(m, wanted);
  if (!plan) return null;
  let ms = 0;
  const run = async (gainDb: number) => {
    const measure = `${opts.padMeasure ? `apad=whole_len=${RATE / 2},` : ''}loudnorm=I=${wanted.i}:TP=${wanted.tp}:LRA=${wanted.lra}:print_format=json`;
    const graph = `[0:a:0]${limiterChain(gainDb, plan.ceilingDbtp)},asplit=2[out][m];[m]${measure}[ln]`;
    const r = await runFfmpeg(
      ffmpegPath,
      [
        ...inputArgs(input),
        '-filter_complex',
        graph,
        '-map',
        '[out]',
        '-c:a',
        'pcm_s24le',
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
        '-map',
        '[ln]',
        '-f',
        'null',
        '-',
      ],
      { timeoutMs: opts.timeoutMs, what: 'limiting peaks' },
    );
    ms += r.ms;
    if (r.code !== 0) throw failure(r.stderr, r.code, 'limiting peaks');
    let json: Record<string, string>;
    try {
      json = parseLoudnormJson(r.stderr);
    } catch {
      throw failure(r.stderr, r.code, 'limiting peaks');
    }
    const measured = toMeasure(json);
    // Limiting a measurable recording cannot make it unmeasurable; if it did, stop here.
    assertAudible(measured);
    return { gainDb, measured, decodedMs: progressTimeMs(r.stderr) ?? 0 };
  };

  let gainDb = plan.gainDb;
  // Secant steps on "measured loudness as a function of gain", starting from the limiter's onset
  // (where it costs nothing). Loudness grows ever slower with gain, so each step falls a little
  // short; 15 % extra per step makes up for most of that. Overshooting is harmless: the linear
  // pass then turns the whole thing down a little, peaks included.
  let prev = { gainDb: plan.onsetGainDb, i: m.inputI + plan.onsetGainDb };
  let last = await run(gainDb);
  let runs = 1;
  for (;;) {
    const short = wanted.i - last.measured.inputI;
    const fits = last.measured.inputTP + short <= wanted.tp - CODEC_HEADROOM_DB;
    if (fits || short <= 0 || gainDb >= plan.maxGainDb || runs >= MAX_RUNS) break;
    const slope = Math.min(1, Math.max(0.2, (last.measured.inputI - prev.i) / (gainDb - prev.gainDb)));
    prev = { gainDb, i: last.measured.inputI };
    gainDb = fix2(Math.min(plan.maxGainDb, gainDb + (1.15 * short) / slope));
    last = await run(gainDb);
    runs++;
  }
  const reductionDb = fix2(m.inputTP + gainDb - last.measured.inputTP);
  return {
    gainDb,
    ceilingDbtp: plan.ceilingDbtp,
    reductionDb,
    capped: gainDb >= plan.maxGainDb,
    runs,
    measured: last.measured,
    decodedMs: last.decodedMs,
    ms,
  };
}

export interface Normalized {
  limit: PeakLimit | null;
  pass2: Pass2;
  /** Everything done beyond one gain to the requested target, for people. */
  adjustments: string[];
}

/**
 * From pass 1's measurement to a normalised 48 kHz WAV at `output`: peak limiting first when the
 * plain gain would overshoot the true-peak limit (the limited intermediate goes to `workDir`), then
 * loudnorm's linear pass to the full target.
 */
export async function normalizeToTarget(
  ffmpegPath: string,
  input: string,
  output: string,
  pass1: Pass1,
  wanted: LoudnessTarget,
  opts: { timeoutMs: number; workDir: string },
): Promise<Normalized> {
  const limited = path.join(opts.workDir, 'limited.wav');
  const limit = await limitPeaks(ffmpegPath, input, limited, pass1.measured, wanted, {
    timeoutMs: opts.timeoutMs,
    padMeasure: pass1.padded,
  });
  const pass2 = await normalizeLinear(
    ffmpegPath,
    limit ? limited : input,
    output,
    limit ? limit.measured : pass1.measured,
    wanted,
    { timeoutMs: opts.timeoutMs },
  );
  if (limit) await rm(limited, { force: true });
  const adjustments: string[] = [];
  if (limit) {
    const db = limit.reductionDb.toFixed(1);
    if (pass2.effective.i >= wanted.i)
      adjustments.push(
        `peaks limited by ${db} dB so the bulletin reaches ${wanted.i} LUFS with true peaks at or below ${wanted.tp} dBTP`,
      );
    else if (limit.capped)
      adjustments.push(
        `peaks limited by ${db} dB, the most that keeps speech natural; that is not enough for ${wanted.i} LUFS`,
      );
    else adjustments.push(`peaks limited by ${db} dB`);
  }
  adjustments.push(...pass2.adjustments);
  return { limit, pass2, adjustments };
}

export interface NormalizeResult {
  pass1: Pass1;
  limit: PeakLimit | null;
  pass2: Pass2;
  adjustments: string[];
  output: OutputLoudness;
}

/** Measure, limit if needed, normalise and check, for callers that want a normalised WAV only. */
export async function normalizeLoudness(
  ffmpegPath: string,
  input: string,
  output: string,
  wanted: LoudnessTarget,
  opts: { timeoutMs: number; tmpDir?: string },
): Promise<NormalizeResult> {
  const pass1 = await measureLoudnorm(ffmpegPath, input, wanted, opts);
  assertAudible(pass1.measured);
  const workDir = await mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), 'wardcast-limit-'));
  try {
    const { limit, pass2, adjustments } = await normalizeToTarget(ffmpegPath, input, output, pass1, wanted, {
      timeoutMs: opts.timeoutMs,
      workDir,
    });
    const out = await measureOutput(ffmpegPath, output, opts);
    return { pass1, limit, pass2, adjustments, output: out };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
