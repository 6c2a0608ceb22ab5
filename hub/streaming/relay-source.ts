// A relay source (tiếp âm): a broadcast whose audio is an upstream stream (Icecast/SHOUTcast over
// HTTP with MP3, AAC or Opus; HLS). What is stored with the broadcast, how its input is checked, and
// how long each occurrence lasts. Scheduling, approval and clash rules are the broadcast's own.
import { z } from 'zod';
import { RELAY_FALLBACKS, type MediaRef, type RelayRef } from '../../protocol/index.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { parseVnDateTime, VN_OFFSET_MS } from '../time.ts';
import { parseHhmm } from '../schedule/quiet-hours.ts';
import { occurrencesBetween, validateRecurrence } from '../broadcasts/recurrence.ts';

/** The codec the hub serves relays in (docs/relay.md): Opus in Ogg, mono, 24 kb/s. */
export const RELAY_FORMAT = 'ogg-opus' as const;
export const RELAY_BITRATE_KBPS = 24;
/** The longest relay occurrence: the manifest's item limit. */
export const MAX_RELAY_MS = 6 * 3600_000;

/** A relay as the API takes it: exactly one of `seconds` (its length) or `endsAt` (HH:MM, Vietnam time). */
export const RelayInput = z.object({
  url: z.string().trim().min(1).max(2000),
  seconds: z
    .number()
    .int()
    .min(5)
    .max(MAX_RELAY_MS / 1000)
    .optional(),
  endsAt: z.string().trim().max(20).optional(),
  fallback: z.enum(RELAY_FALLBACKS).default('silence'),
  /** the station ident's media, for the fallback 'ident' */
  identMediaId: z.number().int().positive().optional(),
});
export type RelayInput = z.infer<typeof RelayInput>;

/** What a relay broadcast stores (broadcasts.relay, JSON). */
export interface RelaySettings {
  url: string;
  seconds: number | null;
  endsAt: string | null;
  fallback: RelayInput['fallback'];
  identMediaId: number | null;
}

/** Checks an upstream address: a URL, http or https, naming a server. Returns it normalised. */
export function validateRelayUrl(text: string): string {
  const url = text.trim();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LocalizedError(msg('relay.url-invalid', { url }));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new LocalizedError(msg('relay.url-scheme', { url, scheme: parsed.protocol.replace(/:$/, '') }));
  if (!parsed.hostname) throw new LocalizedError(msg('relay.url-no-host', { url }));
  return parsed.href;
}

/** "05:30" → minutes after midnight, or null when it is not a 24-hour time of day. */
export function parseTimeOfDay(text: string): number | null {
  try {
    return parseHhmm(text);
  } catch {
    return null;
  }
}

const DAY_MS = 86_400_000;
/** Milliseconds after midnight in Vietnam (no daylight saving there, so every day is alike). */
const vnTimeOfDayMs = (t: number) => (((t + VN_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;

/**
 * The length of every occurrence: `seconds`, or from the start's time of day to `endsAt` (past
 * midnight when earlier than the start). `starts` are sample starts of the broadcast (epoch ms):
 * with `endsAt` they must all begin at the same time of day.
 */
export function relayDurationMs(input: Pick<RelayInput, 'seconds' | 'endsAt'>, starts: number[]): number {
  if ((input.seconds === undefined) === (input.endsAt === undefined))
    throw new LocalizedError(msg('relay.length-one-of'));
  let ms: number;
  if (input.seconds !== undefined) ms = input.seconds * 1000;
  else {
    const end = parseTimeOfDay(input.endsAt!);
    if (end === null) throw new LocalizedError(msg('relay.ends-at-invalid', { endsAt: input.endsAt! }));
    const times = new Set(starts.map(vnTimeOfDayMs));
    if (times.size !== 1) throw new LocalizedError(msg('relay.ends-at-varies'));
    const start = [...times][0]!;
    ms = (end * 60_000 - start + DAY_MS) % DAY_MS || DAY_MS;
  }
  if (ms > MAX_RELAY_MS)
    throw new LocalizedError(msg('relay.too-long', { minutes: Math.round(ms / 60_000), max: MAX_RELAY_MS / 60_000 }));
  return ms;
}

/**
 * The length of a relay's occurrences from its input and when it starts ("now", a date-time or a
 * rule). Errors other than the relay's own (a bad date or rule) are left for the caller to word.
 */
export function relayDurationFor(
  relay: RelayInput,
  when: { startsAt?: string; rrule?: string },
  now: number,
  startLeadMs: number,
): number {
  let starts: number[] = [];
  if (relay.endsAt !== undefined && relay.seconds === undefined) {
    if (when.startsAt === 'now') starts = [now + startLeadMs];
    else if (when.startsAt !== undefined) starts = [parseVnDateTime(when.startsAt)];
    else if (when.rrule !== undefined) {
      const { first } = validateRecurrence(when.rrule);
      starts = occurrencesBetween({ startsAt: null, rrule: when.rrule }, first, first + 400 * DAY_MS);
    }
  }
  return relayDurationMs(relay, starts);
}

export const streamPath = (occurrenceId: string) => `/streams/${encodeURIComponent(occurrenceId)}`;

/** The manifest's part of a relay occurrence. */
export function relayRef(settings: RelaySettings, occurrenceId: string, identMedia: MediaRef | undefined): RelayRef {
  return {
    url: streamPath(occurrenceId),
    format: RELAY_FORMAT,
    bitrateKbps: RELAY_BITRATE_KBPS,
    fallback: settings.fallback,
    ...(settings.fallback === 'ident' && identMedia ? { fallbackMedia: identMedia } : {}),
  };
}

/** The manifest's part of a live session: the hub's stream, read like a relay's, with the agents' buffer. */
export function liveRef(occurrenceId: string, bufferMs: number): RelayRef {
  return {
    url: streamPath(occurrenceId),
    format: RELAY_FORMAT,
    bitrateKbps: RELAY_BITRATE_KBPS,
    fallback: 'silence',
    live: true,
    bufferMs,
  };
}

export function parseRelaySettings(json: string | null): RelaySettings | null {
  return json ? (JSON.parse(json) as RelaySettings) : null;
}
