// Carries content to the broadcast form: from the library (an audio bulletin or an LED message), or
// from a coming anniversary (its name and day).
import type { LedPageInput } from './led-layout.ts';

export interface DraftSeed {
  mediaId?: number;
  led?: { pages: LedPageInput[] };
  title?: string;
  /** yyyy-mm-dd: the day to air it (an anniversary's) */
  date?: string;
}
let seed: DraftSeed | null = null;
export const setDraftSeed = (s: DraftSeed) => (seed = s);
export const takeDraftSeed = () => {
  const s = seed;
  seed = null;
  return s;
};
