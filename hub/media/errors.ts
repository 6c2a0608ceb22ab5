// Errors a ward official may see after an upload: `code` is for programs, `message` (English) and
// `msg` (hub/text/, English and Vietnamese) for people.
import { LocalizedError, type Text } from '../text/index.ts';

export type MediaErrorCode =
  | 'not-audio'
  | 'corrupt'
  | 'too-long'
  | 'too-short'
  | 'silent'
  | 'not-normalizable'
  | 'ffmpeg-failed'
  | 'timeout';

export class MediaError extends LocalizedError {
  readonly code: MediaErrorCode;
  /** Tail of ffmpeg's own output, for operators' logs; never shown as the message. */
  readonly detail?: string;

  constructor(code: MediaErrorCode, message: Text, opts: { detail?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MediaError';
    this.code = code;
    if (opts.detail) this.detail = opts.detail;
  }
}

export function isMediaError(e: unknown): e is MediaError {
  return e instanceof MediaError;
}
