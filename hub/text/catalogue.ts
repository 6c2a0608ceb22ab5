// The catalogue: every user-facing error is a code with a template per language taking named
// parameters; `msg(code, params)` renders both. The entries live in one file per domain.
import { BROADCAST_TEXT } from './broadcasts.ts';
import { CALENDAR_TEXT } from './calendar.ts';
import { CAMPAIGN_TEXT } from './campaigns.ts';
import { CAP_TEXT } from './cap.ts';
import { DEVICE_TEXT } from './devices.ts';
import { LIVE_PAGE_TEXT, LIVE_TEXT } from './live.ts';
import { MEDIA_TEXT } from './media.ts';
import type { Entry, Message } from './message.ts';
import { OUTLINE_TEXT } from './outlines.ts';
import { PERIODIC_REPORT_TEXT } from './periodic-reports.ts';
import { RELAY_TEXT } from './relay.ts';
import { REPORT_TEXT } from './reports.ts';
import { REQUEST_TEXT } from './requests.ts';
import { RESULT_TEXT } from './results.ts';
import { SCHEDULE_TEXT } from './schedule.ts';
import { TIME_TEXT } from './time.ts';
import { TTS_TEXT } from './tts.ts';

export const CATALOGUE = {
  ...REQUEST_TEXT,
  ...TIME_TEXT,
  ...BROADCAST_TEXT,
  ...SCHEDULE_TEXT,
  ...REPORT_TEXT,
  ...RESULT_TEXT,
  ...MEDIA_TEXT,
  ...TTS_TEXT,
  ...DEVICE_TEXT,
  ...OUTLINE_TEXT,
  ...RELAY_TEXT,
  ...LIVE_TEXT,
  ...LIVE_PAGE_TEXT,
  ...CALENDAR_TEXT,
  ...CAP_TEXT,
  ...CAMPAIGN_TEXT,
  ...PERIODIC_REPORT_TEXT,
} as const;

export type MessageCode = keyof typeof CATALOGUE;
export type MessageParams<C extends MessageCode> = (typeof CATALOGUE)[C] extends Entry<infer P> ? P : never;
/** The parameters argument: optional when the message takes none. */
export type MessageArgs<C extends MessageCode> =
  Record<never, never> extends MessageParams<C> ? [params?: MessageParams<C>] : [params: MessageParams<C>];

/** Renders a catalogue message in both languages. */
export function msg<C extends MessageCode>(code: C, ...[params]: MessageArgs<C>): Message {
  const e = CATALOGUE[code] as Entry<MessageParams<C>>;
  const p = (params ?? {}) as MessageParams<C>;
  return { code, en: e.en(p), vi: e.vi(p) };
}

/** English text → its Vietnamese, for zod messages set with zodMessage (see hub/zod-vi.ts). */
const zodVi = new Map<string, Message>();
export const zodMessageVi = (english: string): Message | undefined => zodVi.get(english);

/**
 * A catalogue message for a zod schema: `.refine(f, zodMessage(code))` or `.min(1, zodMessage(code))`.
 * The English is zod's message; the Vietnamese travels in the issue's `params` (refine, custom
 * issues) and is also looked up by the English text (checks such as min, whose issues carry none).
 */
export function zodMessage<C extends MessageCode>(
  code: C,
  ...args: MessageArgs<C>
): { message: string; params: { code: C; vi: string } } {
  const m = msg(code, ...args);
  zodVi.set(m.en, m);
  return { message: m.en, params: { code, vi: m.vi } };
}
