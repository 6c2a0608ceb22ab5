// The live session's numbers shared with the browser. Kept apart from live.ts, which loads zod,
// so the live page can import them without zod in its bundle.

/** With no audio socket this long, the hub ends the session ('source-lost'): a phone may reconnect meanwhile. */
export const LIVE_SOURCE_GRACE_MS = 10_000;
