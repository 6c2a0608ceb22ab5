// Upload → two content-addressed files the agents can play: Opus (primary) and MP3 (fallback for
// players without Opus), both mono and loudness-normalised with one fixed gain (after true-peak
// limiting when the bulletin's peaks would otherwise keep it below the loudness target).
import { mkdir, mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import { MediaError } from './errors.ts';
import { inputArgs, lastLines, runFfmpeg } from './ffmpeg-run.ts';
import { normalizeToTarget, type PeakLimit } from './limiter.ts';
import { assertAudible, measureLoudnorm, measureOutput, type LoudnessTarget, type OutputLoudness } from './loudnorm.ts';
import { probeAudio, type ProbeResult } from './probe.ts';
import { placeByHash, sha256File, tempName } from './store.ts';
import { msg } from '../text/index.ts';

export interface TranscodeOptions {
  ffmpegPath?: string;
  targetLufs?: number;
  truePeakDbtp?: number;
  lra?: number;
  maxDurationS?: number;
  minDurationMs?: number;
  /** Per ffmpeg run. Default: 30 s plus a quarter of the audio's length. */
  timeoutMs?: number;
  /** Where the intermediates go: the peak-limited audio when limiting is needed (48 kHz 24-bit mono
   *  WAV, ~520 MB per hour) and the normalised one (16-bit, ~345 MB per hour). */
  tmpDir?: string;
}

export type OutputFormat = 'opus' | 'mp3';

export interface TranscodeOutput {
  format: OutputFormat;
  /** Basename in outDir: `<sha256>.<format>`. */
  file: string;
  sha256: string;
  bytes: number;
  mime: string;
  sampleRate: number;
  /** Extra gain (dB, <= 0) applied to this output only, when its codec overshot the peak limit. */
  trimDb: number;
  /** Measured on this very file (ebur128). */
  loudness: { i: number; tp: number };
}

export interface TranscodeResult {
  sourceSha256: string;
  /** Decoded length of the normalised audio. */
  durationMs: number;
  probe: ProbeResult;
  loudness: {
    inputI: number;
    inputTP: number;
    inputLRA: number;
    inputThresh: number;
    /** Effective targets: may differ from the requested ones to keep the gain linear. */
    targetI: number;
    targetTP: number;
    targetLRA: number;
    requested: LoudnessTarget;
    /** What was done beyond one gain to the requested target (peak limiting, a lowered or widened
     *  target), for people. */
    adjustments: string[];
    /** True-peak limiting before the linear gain, or null when the gain fitted under the peak limit. */
    limiter: { reductionDb: number; gainDb: number; ceilingDbtp: number; capped: boolean; runs: number } | null;
    normalizationType: 'linear';
    /** Measured on the Opus output. */
    outputI: number;
    outputTP: number;
  };
  outputs: TranscodeOutput[];
  timing: {
    probeMs: number;
    pass1Ms: number;
    limitMs: number;
    pass2Ms: number;
    encodeMs: number;
    verifyMs: number;
    totalMs: number;
    speedX: number;
  };
}

interface Encoding {
  format: OutputFormat;
  mime: string;
  sampleRate: number;
  args: string[];
}

// bitexact: no random Ogg serial and no encoder-version tags, so the same input gives the same bytes
// (hence the same name) on every run of the same ffmpeg build.
const COMMON = ['-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-ac', '1'];

export const ENCODINGS: Encoding[] = [
  // 48 kbit/s mono Opus is transparent for speech. "audio" rather than "voip": bulletins often open
  // with a music jingle. Complexity 6: 7+ adds libopus's signal analysis, ~3x slower here for no
  // audible gain at this rate; and below 7 unconstrained VBR overshoots (~88 kbit/s), so constrain it.
  {
    format: 'opus',
    mime: 'audio/ogg; codecs=opus',
    sampleRate: 48_000,
    args: [
      '-c:a',
      'libopus',
      '-b:a',
      '48k',
      '-vbr',
      'constrained',
      '-compression_level',
      '6',
      '-application',
      'audio',
      '-ar',
      '48000',
      '-f',
      'opus',
    ],
  },
  // VBR -q:a 3 (about 90-100 kbit/s for mono speech). Not CBR: LAME's CBR/ABR output measures
  // 0.4-0.5 dB quieter than its input with this build, VBR keeps the level.
  {
    format: 'mp3',
    mime: 'audio/mpeg',
    sampleRate: 44_100,
    args: ['-c:a', 'libmp3lame', '-q:a', '3', '-ar', '44100', '-f', 'mp3'],
  },
];

// An output may read above the peak limit by this much: lossy coding reshapes peaks (Opus here
// typically by 0.2-0.5 dB). Past TRIM_ABOVE_DB the output is re-encoded a little quieter.
const TP_CODEC_TOLERANCE_DB = 0.5;
const TRIM_ABOVE_DB = 0.4;
const I_TOLERANCE_LU = 1;

function checkRange(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v) || v < lo || v > hi)
    throw new RangeError(`${name} must be between ${lo} and ${hi} (got ${v})`);
  return v;
}

export async function transcode(input: string, outDir: string, opts: TranscodeOptions = {}): Promise<TranscodeResult> {
  const started = performance.now();
  const ffmpegPath = opts.ffmpegPath ?? resolveFfmpeg().path;
  const wanted: LoudnessTarget = {
    i: checkRange('targetLufs', opts.targetLufs ?? -16, -70, -5),
    tp: checkRange('truePeakDbtp', opts.truePeakDbtp ?? -1.5, -9, 0),
    lra: checkRange('lra', opts.lra ?? 11, 1, 20),
  };
  const maxMs = (opts.maxDurationS ?? 3600) * 1000;
  const minMs = opts.minDurationMs ?? 300;

  const probe = await probeAudio(ffmpegPath, input, { timeoutMs: opts.timeoutMs ?? 15_000 });
  const probeMs = performance.now() - started;
  const headerMs = probe.durationMs !== null && !probe.durationEstimated ? probe.durationMs : undefined;
  if (headerMs !== undefined && headerMs > maxMs) throw tooLong(headerMs, maxMs);
  if (headerMs !== undefined && headerMs < minMs) throw tooShort(headerMs, minMs);
  const timeoutMs = opts.timeoutMs ?? 30_000 + Math.min(headerMs ?? maxMs, maxMs) / 4;

  // Pass 1. Decoding stops just past the limit, whatever the header claimed.
  // Hash only once the probe has shown a regular, readable file; it overlaps pass 1.
  const [pass1, sourceSha256] = await settleAll([
    measureLoudnorm(ffmpegPath, input, wanted, { timeoutMs, limitS: maxMs / 1000 + 1 }),
    sha256File(input),
  ]);
  if (pass1.decodedMs > maxMs) throw tooLong(pass1.decodedMs, maxMs, true);
  if (pass1.decodedMs <= 0) throw new MediaError('corrupt', msg('media.no-sound-decoded'));
  if (headerMs !== undefined && headerMs - pass1.decodedMs > Math.max(500, headerMs * 0.05)) {
    throw new MediaError('corrupt', msg('media.cut-short', { headerMs, decodedMs: pass1.decodedMs }));
  }
  if (pass1.decodedMs < minMs) throw tooShort(pass1.decodedMs, minMs);
  assertAudible(pass1.measured);

  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(path.join(opts.tmpDir ?? os.tmpdir(), 'wardcast-media-'));
  const temps: string[] = [];
  try {
    const wav = path.join(work, 'normalised.wav');
    const { limit, pass2, adjustments } = await normalizeToTarget(ffmpegPath, input, wav, pass1, wanted, {
      timeoutMs,
      workDir: work,
    });

    const encode = async (enc: Encoding, trimDb: number) => {
      const tmp = tempName(outDir, enc.format);
      temps.push(tmp);
      const trim = trimDb ? ['-af', `volume=${trimDb.toFixed(2)}dB`] : [];
      const r = await runFfmpeg(
        ffmpegPath,
        [...inputArgs(wav), ...trim, ...COMMON, ...enc.args, '-y', `file:${path.resolve(tmp)}`],
        { timeoutMs, what: `encoding ${enc.format.toUpperCase()}` },
      );
      if (r.code !== 0)
        throw new MediaError(
          'ffmpeg-failed',
          msg('media.encode-failed', { format: enc.format.toUpperCase(), detail: lastLines(r.stderr) }),
          { detail: r.stderr.slice(-4000) },
        );
      return tmp;
    };
    let encodeMs = 0;
    let verifyMs = 0;
    const timed = async <T>(add: (ms: number) => void, job: Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await job;
      } finally {
        add(performance.now() - t0);
      }
    };
    const addEnc = (ms: number) => (encodeMs += ms);
    const addVer = (ms: number) => (verifyMs += ms);

    const target = pass2.effective;
    let files = await timed(addEnc, settleAll(ENCODINGS.map((enc) => encode(enc, 0))));
    let measured = await timed(addVer, settleAll(files.map((f) => measureOutput(ffmpegPath, f, { timeoutMs }))));
    // A lossy codec can push true peaks past the limit; take the excess off that output with a
    // further fixed gain (still linear) rather than refuse the upload.
    const trims = measured.map((m) => (m.tp > target.tp + TRIM_ABOVE_DB ? -(m.tp - target.tp) : 0));
    if (trims.some((t) => t !== 0)) {
      const redo = ENCODINGS.map((_enc, k) => (trims[k] ? k : -1)).filter((k) => k >= 0);
      const again = await timed(addEnc, settleAll(redo.map((k) => encode(ENCODINGS[k], trims[k]))));
      const remeasured = await timed(addVer, settleAll(again.map((f) => measureOutput(ffmpegPath, f, { timeoutMs }))));
      files = files.slice();
      measured = measured.slice();
      for (const [j, k] of redo.entries()) {
        files[k] = again[j];
        measured[k] = remeasured[j];
      }
    }
    for (const [k, enc] of ENCODINGS.entries()) verify(enc.format, measured[k], target);

    const outputs: TranscodeOutput[] = [];
    for (const [k, enc] of ENCODINGS.entries()) {
      const placed = await placeByHash(files[k], enc.format);
      const { i, tp } = measured[k];
      outputs.push({
        format: enc.format,
        file: placed.file,
        sha256: placed.sha256,
        bytes: placed.bytes,
        mime: enc.mime,
        sampleRate: enc.sampleRate,
        trimDb: trims[k],
        loudness: { i, tp },
      });
    }

    const durationMs = pass2.decodedMs || pass1.decodedMs;
    const totalMs = performance.now() - started;
    const m = pass1.measured;
    const opus = outputs.find((o) => o.format === 'opus')!;
    return {
      sourceSha256,
      durationMs,
      probe,
      loudness: {
        inputI: m.inputI,
        inputTP: m.inputTP,
        inputLRA: m.inputLRA,
        inputThresh: m.inputThresh,
        targetI: pass2.effective.i,
        targetTP: pass2.effective.tp,
        targetLRA: pass2.effective.lra,
        requested: wanted,
        adjustments,
        limiter: limiterSummary(limit),
        normalizationType: pass2.normalizationType,
        outputI: opus.loudness.i,
        outputTP: opus.loudness.tp,
      },
      outputs,
      timing: {
        probeMs,
        pass1Ms: pass1.ms,
        limitMs: limit?.ms ?? 0,
        pass2Ms: pass2.ms,
        encodeMs,
        verifyMs,
        totalMs,
        speedX: durationMs / totalMs,
      },
    };
  } finally {
    await Promise.all(temps.map((t) => unlink(t).catch(() => undefined)));
    await rm(work, { recursive: true, force: true });
  }
}

/** Like Promise.all, but waits for every job: a sibling ffmpeg must not still be writing into a
 *  directory we are about to clean. */
async function settleAll<T extends readonly unknown[] | []>(
  jobs: T,
): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const settled = await Promise.allSettled(jobs as readonly unknown[]);
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [P in keyof T]: Awaited<T[P]>;
  };
}

function limiterSummary(l: PeakLimit | null): TranscodeResult['loudness']['limiter'] {
  return (
    l && { reductionDb: l.reductionDb, gainDb: l.gainDb, ceilingDbtp: l.ceilingDbtp, capped: l.capped, runs: l.runs }
  );
}

function verify(format: OutputFormat, got: OutputLoudness, target: LoudnessTarget): void {
  const off = got.i - target.i;
  if (Math.abs(off) > I_TOLERANCE_LU || got.tp > target.tp + TP_CODEC_TOLERANCE_DB) {
    throw new MediaError(
      'ffmpeg-failed',
      msg('media.loudness-check-failed', {
        format: format.toUpperCase(),
        i: got.i,
        tp: got.tp,
        targetI: target.i,
        targetTp: target.tp,
      }),
    );
  }
}

function tooLong(ms: number, maxMs: number, cutOff = false): MediaError {
  // When decoding was cut off at the limit, `ms` is only a lower bound.
  return new MediaError('too-long', msg('media.too-long', { ms, maxMs, cutOff }));
}

function tooShort(ms: number, minMs: number): MediaError {
  return new MediaError('too-short', msg('media.too-short', { ms, minMs }));
}
