// The words people read, in Vietnamese and English: the message catalogue (one file per domain),
// and the words of the reports. Browser-safe (no node: imports): web/ may import from hub/text.
// Words follow the glossary in docs/glossary.md.
export {
  CATALOGUE,
  msg,
  zodMessage,
  zodMessageVi,
  type MessageArgs,
  type MessageCode,
  type MessageParams,
} from './catalogue.ts';
export { enOf, isMessage, LocalizedError, textOf, viOf, type Message, type Text } from './message.ts';
export { activityVi, LOOKS_LIKE_VI } from './media.ts';
export { placeEn, placeVi, type OutlinePlace, type OutlineSubject } from './outlines.ts';
export { ROLE_VI } from './requests.ts';
export type { LedProblem } from './broadcasts.ts';
export {
  CSV_HEADER_WORDS,
  NO_CONFIRMATION_WORDS,
  preferredLang,
  PRIORITY_WORDS,
  REJECTION_WORDS,
  wordOf,
  YES_NO_WORDS,
  type ReportLang,
} from './reports.ts';
export {
  DEVICE_KIND_WORDS,
  REPORT_CSV_HEADER_WORDS,
  REPORT_KIND_WORDS,
  REPORT_SECTION_WORDS,
  TARGET_PER_WORDS,
} from './report-exports.ts';
export { STREAM_KIND_WORDS, STREAM_SECTION_WORDS } from './streams.ts';
export { PLAYBACK_RESULTS, RESULT_SHORT_WORDS, RESULT_WORDS, type PlaybackResult, type Words } from './results.ts';
