// A message people read, in English and Vietnamese: what the catalogue renders, what errors
// accept, and the error that carries one. The English is what `err.message` holds (logs, scripts,
// tests); the JSON error body carries both: { "error": <English>, "errorVi": <Vietnamese>, "code": <code> }.
// A plain string still works where an error is internal (English only).
import type { MessageCode } from './catalogue.ts';

/** A rendered catalogue message. */
export interface Message {
  readonly code: MessageCode;
  readonly en: string;
  readonly vi: string;
}

/** What errors accept: a plain string (internal, English only) or a catalogue message. */
export type Text = string | Message;

export const isMessage = (t: unknown): t is Message =>
  typeof t === 'object' &&
  t !== null &&
  typeof (t as Message).code === 'string' &&
  typeof (t as Message).en === 'string' &&
  typeof (t as Message).vi === 'string';
export const enOf = (t: Text): string => (typeof t === 'string' ? t : t.en);
/** The Vietnamese of a message; a plain string has none and stays as it is. */
export const viOf = (t: Text): string => (typeof t === 'string' ? t : t.vi);

export type Template<P> = (p: P) => string;
export interface Entry<P> {
  en: Template<P>;
  vi: Template<P>;
}
/** One entry: the parameter type comes from the English template's annotation. */
export const def = <P extends object = Record<never, never>>(en: Template<P>, vi: Template<P>): Entry<P> => ({
  en,
  vi,
});

/** An error whose message may come from the catalogue: `message` is its English. */
export class LocalizedError extends Error {
  /** The catalogue message, when the error has one. */
  readonly msg?: Message;
  constructor(text: Text, options?: { cause?: unknown }) {
    super(enOf(text), options);
    if (typeof text !== 'string') this.msg = text;
  }
}

/** What an error says, keeping its catalogue message when it has one (to pass it on in another error). */
export function textOf(e: unknown): Text {
  if (e instanceof LocalizedError && e.msg) return e.msg;
  return e instanceof Error ? e.message : String(e);
}
