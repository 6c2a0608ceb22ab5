// Carries content from the library to the broadcast form (an audio bulletin or an LED message).
import type { LedPageInput } from './led-layout.ts';

export interface DraftSeed {
  mediaId?: number;
  led?: { pages: LedPageInput[] };
  title?: string;
}
let seed: DraftSeed | null = null;
export const setDraftSeed = (s: DraftSeed) => (seed = s);
export const takeDraftSeed = () => {
  const s = seed;
  seed = null;
  return s;
};
