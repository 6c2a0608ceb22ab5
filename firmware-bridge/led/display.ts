// The display an LED board reports (protocol LedDisplay) and the defaults drivers fall back on.
// Plain data without zod: the web UI bundles it to preview boards that have not reported yet.
import type { LedDisplay } from '../../protocol/schemas.ts';

export type { LedDisplay };

/** An Alpha board's display when its profile leaves the fields out (profile.ts uses these). */
export const ALPHA_DEFAULT_DISPLAY = {
  rows: 16,
  columns: 96,
  maxLineChars: 64,
  charset: 'ascii',
  vietnamese: 'picture',
  stripMarker: '[KD] ',
} as const satisfies LedDisplay;
