// The live page's numbers: the microphone's level in dBFS for the meter, and the time on air.

/** The meter's bottom: quieter than this shows as an empty bar (a quiet room reads about −60 dBFS). */
export const METER_FLOOR_DB = -60;

/** The RMS level of a block of samples (−1…1) in dBFS, never below METER_FLOOR_DB. */
export function levelDb(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = samples.length ? Math.sqrt(sum / samples.length) : 0;
  const db = rms > 0 ? 20 * Math.log10(rms) : METER_FLOOR_DB;
  return Math.min(0, Math.max(METER_FLOOR_DB, db));
}

/**
 * Where the voice sits: under −45 dBFS the microphone hears almost nothing (muted, far away), over
 * −6 dBFS it is about to clip. Speech near the microphone reads around −30…−12 dBFS.
 */
export type LevelZone = 'silent' | 'good' | 'loud';
export const levelZone = (db: number): LevelZone => (db < -45 ? 'silent' : db > -6 ? 'loud' : 'good');

/** Seconds on air as "m:ss", or "h:mm:ss" from an hour on. */
export function fmtElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}
