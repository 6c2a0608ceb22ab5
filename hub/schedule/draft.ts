// A broadcast as it would be stored, built from a draft the user has not saved yet: the conflict
// check and the quiet-hours check look at the same occurrences the dispatcher would plan.
import type { Db } from '../db/database.ts';
import type { Broadcast, BroadcastInput } from '../broadcasts/broadcasts.ts';
import { getMedia } from '../media/media-store.ts';
import { parseVnDateTime } from '../time.ts';
import { validateRecurrence } from '../broadcasts/recurrence.ts';
import { LocalizedError, msg, textOf } from '../text/index.ts';
import { parseRelaySettings, relayDurationFor, validateRelayUrl } from '../streaming/relay-source.ts';

export class DraftError extends LocalizedError {}

export function draftBroadcast(
  db: Db,
  input: BroadcastInput,
  userId: number,
  now: number,
  startLeadMs = 5000,
): Broadcast {
  let durationMs: number;
  if (input.relay) {
    try {
      validateRelayUrl(input.relay.url);
      durationMs = relayDurationFor(input.relay, input, now, startLeadMs);
    } catch (e) {
      // a relay's own problem; a bad date or rule is worded below
      if (e instanceof LocalizedError && e.msg?.code.startsWith('relay.')) throw new DraftError(e.msg);
      durationMs = 1000;
    }
  } else if (input.mediaId !== undefined) {
    const m = getMedia(db, input.mediaId);
    if (m?.status !== 'ready' || !m.durationMs)
      throw new DraftError(msg('draft.media-not-ready', { id: input.mediaId }));
    durationMs = m.durationMs;
  } else {
    const pagesMs = input.led!.pages.reduce((s, p) => s + p.seconds * 1000, 0);
    durationMs = (input.displaySeconds ?? 0) * 1000 || pagesMs;
  }
  let startsAt: number | null = null;
  if (input.startsAt !== undefined) {
    try {
      startsAt = input.startsAt === 'now' ? now + startLeadMs : parseVnDateTime(input.startsAt);
    } catch (e) {
      throw new DraftError(msg('broadcast.starts-at-invalid', { reason: textOf(e) }));
    }
  } else {
    try {
      validateRecurrence(input.rrule!);
    } catch (e) {
      throw new DraftError(msg('broadcast.rrule-invalid', { reason: textOf(e) }));
    }
  }
  return {
    id: 'draft',
    title: input.title,
    mediaId: input.mediaId ?? null,
    led: input.led ?? null,
    live: null,
    relay: input.relay
      ? parseRelaySettings(
          JSON.stringify({
            url: validateRelayUrl(input.relay.url),
            seconds: input.relay.seconds ?? null,
            endsAt: input.relay.endsAt ?? null,
            fallback: input.relay.fallback,
            identMediaId: input.relay.identMediaId ?? null,
          }),
        )
      : null,
    priority: input.priority,
    volume: input.volume,
    startsAt,
    rrule: input.rrule ?? null,
    durationMs,
    status: 'submitted',
    createdBy: userId,
    createdAt: now,
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    decisionCode: null,
    cancelledAt: null,
    replaces: null,
    targets: { areas: input.targets.areas, devices: input.targets.devices },
  };
}
