// Relays (tiếp âm) and live sessions (phát trực tiếp) as the coverage report names them: the CSV's
// streamKind and the coverage page's sections. A file of its own so the page takes only these words.
import type { Words } from './results.ts';

/** What the two relay columns hold: a relay of an upstream, or a live session (the CSV's streamKind). */
export const STREAM_KIND_WORDS: Words = {
  relay: { vi: 'Tiếp âm', en: 'Relay' },
  live: { vi: 'Phát trực tiếp', en: 'Live session' },
};
/** The coverage page's sections of relays and of live sessions (web/pages/coverage.tsx). */
export const STREAM_SECTION_WORDS = {
  relay: {
    title: { vi: 'Tiếp âm: số giây đã phát và bị mất', en: 'Relays: seconds aired and lost' },
    occurrences: { vi: 'lần tiếp âm', en: 'relay occurrence(s)' },
  },
  live: {
    title: { vi: 'Phát trực tiếp: số giây đã phát và bị mất', en: 'Live sessions: seconds aired and lost' },
    occurrences: { vi: 'lần phát trực tiếp', en: 'live session occurrence(s)' },
  },
} as const;
