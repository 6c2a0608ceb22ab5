// Live sessions (phát trực tiếp): a leader, or the district office for an emergency, speaks from the
// browser's microphone to the speakers of some areas. A session is a broadcast (calendar, coverage,
// audit), approved by the act of going live. The contract shared by the hub, the live page and the
// latency bench (docs/live.md).
import { z } from 'zod';
import { Priority } from '../../protocol/schemas.ts';

/** The jitter buffer an agent holds before playing, by default and at the extremes (docs/live.md). */
export const LIVE_BUFFER_MS = { default: 400, min: 0, max: 5000 } as const;
/** How long a session may last: it ends by itself then ('max-length'). */
export const LIVE_MAX_SECONDS = 30 * 60;
export { LIVE_SOURCE_GRACE_MS } from './live-limits.ts';
/** Ended sessions stay in GET /api/v1/live this long. */
export const LIVE_RECENT_MS = 10 * 60_000;

export const LiveStartBody = z.object({
  title: z.string().trim().min(1).max(200),
  /** area paths (as the areas API names them, e.g. "hcm/q1/ben-nghe") */
  areaIds: z.array(z.string().min(1).max(300)).min(1).max(200),
  priority: z.enum(['normal', 'emergency']),
  ledText: z.string().trim().max(500).optional(),
  bufferMs: z.number().int().min(LIVE_BUFFER_MS.min).max(LIVE_BUFFER_MS.max).optional(),
});
export type LiveStartBody = z.infer<typeof LiveStartBody>;

export const LIVE_STATES = ['starting', 'live', 'ended'] as const;
export const LiveState = z.enum(LIVE_STATES);
export type LiveState = z.infer<typeof LiveState>;
export const LIVE_END_REASONS = ['ended-by-user', 'source-lost', 'max-length', 'pre-empted'] as const;
export const LiveEndReason = z.enum(LIVE_END_REASONS);
export type LiveEndReason = z.infer<typeof LiveEndReason>;

/** A time as the API writes it: ISO 8601 with the Vietnam offset. */
const vnTime = z.string();

export const LiveStarted = z.object({
  id: z.string(),
  broadcastId: z.string(),
  occurrenceId: z.string(),
  state: z.literal('starting'),
  audioUrl: z.string().describe('the WebSocket the browser sends its MediaRecorder chunks to (same origin)'),
  startsAt: vnTime,
  /** added: startsAt in ms since the epoch (startsAt is to the second): when the speakers start */
  startsAtMs: z.number().int().optional(),
  maxSeconds: z.number().int(),
  bufferMs: z.number().int(),
});
export type LiveStarted = z.infer<typeof LiveStarted>;

export const LiveListener = z.object({
  deviceId: z.string(),
  name: z.string(),
  areaId: z.string().describe("the device's area path"),
  state: z.enum(['waiting', 'listening', 'lost']),
  since: vnTime.nullable().describe('when the device last joined or left the stream'),
  bytes: z.number().int().describe('stream bytes sent to the device'),
});
export type LiveListener = z.infer<typeof LiveListener>;

export const LiveSession = z.object({
  id: z.string(),
  broadcastId: z.string(),
  occurrenceId: z.string(),
  title: z.string(),
  areaIds: z.array(z.string()),
  priority: Priority,
  state: LiveState,
  startedBy: z.number().int(),
  startedAt: vnTime,
  /** added: when the speakers start, ms since the epoch */
  startsAtMs: z.number().int().optional(),
  endedAt: vnTime.nullable(),
  endReason: LiveEndReason.nullable(),
  secondsLive: z.number().describe('seconds since the start (to the end, once ended)'),
  bufferMs: z.number().int(),
  maxSeconds: z.number().int(),
  listeners: z.array(LiveListener),
  /** added: the name of who started it, and the audio seconds the hub has received */
  startedByName: z.string().optional(),
  secondsReceived: z.number().optional(),
  /** added: who ended it (pressed "Kết thúc"); null while it runs and when the hub ended it */
  endedBy: z
    .object({ id: z.number().int(), name: z.string() })
    .nullable()
    .optional()
    .describe('who ended the session; null while it runs or when the hub ended it (endReason says why)'),
});
export type LiveSession = z.infer<typeof LiveSession>;
export const LiveSessionList = z.object({ sessions: z.array(LiveSession) });

/** What the hub may send on the audio socket (text frames), about once a second. */
export const LiveStatusMessage = z.object({
  type: z.literal('status'),
  state: LiveState,
  listeners: z.number().int(),
  secondsLive: z.number(),
});
export type LiveStatusMessage = z.infer<typeof LiveStatusMessage>;
