// The hub's media pipeline: probe an upload, normalise its loudness, store Opus + MP3 by hash.
export { MediaError, isMediaError, type MediaErrorCode } from './errors.ts';
export { probeAudio, type ProbeResult } from './probe.ts';
export { measureOutput, planLinear, type LoudnessTarget, type LoudnormMeasure } from './loudnorm.ts';
export { normalizeLoudness, limitPeaks, planLimit, MAX_REDUCTION_DB, type PeakLimit } from './limiter.ts';
export { transcode, ENCODINGS, type TranscodeOptions, type TranscodeOutput, type TranscodeResult } from './pipeline.ts';
export { sha256File, sweepTemp } from './store.ts';
