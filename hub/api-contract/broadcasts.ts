// Broadcasts: a bulletin placed in time and space, as the API presents it (times in Vietnam time),
// and its detail with the per-device state of each occurrence.
import { z } from 'zod';
import { LedMessage, Priority, RelayFallback } from '../../protocol/schemas.ts';

export const BROADCAST_STATUSES = ['submitted', 'approved', 'rejected', 'cancelled'] as const;
export const BroadcastStatus = z.enum(BROADCAST_STATUSES);
export type BroadcastStatus = z.infer<typeof BroadcastStatus>;

/** A time as the API writes it: ISO 8601 with the Vietnam offset, or null. */
const vnTime = z.string().nullable();

export const BroadcastTargets = z.object({ areas: z.array(z.string()), devices: z.array(z.string()) });

/** A relay's settings (tiếp âm): the upstream, its length or end time, and what airs if it is lost. */
export const RelaySettings = z.object({
  url: z.string(),
  seconds: z.number().int().nullable(),
  endsAt: z.string().nullable().describe('HH:MM, Vietnam time'),
  fallback: RelayFallback,
  identMediaId: z.number().int().nullable(),
});

export const Broadcast = z.object({
  id: z.string(),
  title: z.string(),
  mediaId: z.number().int().nullable(),
  led: LedMessage.nullable(),
  priority: Priority,
  volume: z.number().int(),
  startsAt: vnTime.describe('the first start; null for a recurring rule'),
  rrule: z.string().nullable(),
  durationMs: z.number(),
  status: BroadcastStatus,
  createdBy: z.number().int(),
  createdAt: vnTime,
  decidedBy: z.number().int().nullable(),
  decidedAt: vnTime,
  decisionNote: z.string().nullable().describe("what the decider wrote (a rejection's reason)"),
  decisionCode: z.enum(['emergency-self-approved', 'went-live']).nullable(),
  cancelledAt: vnTime,
  replaces: z.string().nullable().describe('the approved broadcast this edit replaces once it is approved itself'),
  targets: BroadcastTargets,
  relay: RelaySettings.nullable().describe('set for a relay (tiếp âm)'),
  live: z
    .object({ sessionId: z.string(), bufferMs: z.number().int() })
    .nullable()
    .optional()
    .describe('set for a live session (phát trực tiếp): GET /api/v1/live/{sessionId}'),
  campaigns: z.array(z.number().int()).optional().describe('the campaigns (chuyên đề) it is tagged with'),
});
export type Broadcast = z.infer<typeof Broadcast>;
export const BroadcastList = z.array(Broadcast);

/** Approval; on a same-level clash, which of the two plays (see POST /api/v1/broadcasts/{id}/approve). */
export const ApproveBody = z.object({
  clashes: z.enum(['air-ours', 'yield']).optional().describe('the choice on same-level clashes (see above)'),
});

/** The reason in words an official understands (Vietnamese and English). */
export const ReasonText = z.object({ vi: z.string(), en: z.string() }).nullable();
export type ReasonText = z.infer<typeof ReasonText>;

export const StandingDecision = z
  .object({
    decision: z.enum(['air-ours', 'yield']),
    excluded: z.number().int().describe('occurrences it moved'),
    against: z.array(z.string()),
    sameLevel: z.boolean(),
    againstTitles: z.array(z.string()),
  })
  .nullable();
export type StandingDecision = z.infer<typeof StandingDecision>;

export const DeviceOccurrence = z.object({
  deviceId: z.string(),
  deviceName: z.string(),
  online: z.boolean(),
  occurrenceId: z.string(),
  scheduledStart: vnTime,
  state: z
    .string()
    .describe(
      'a receipt result, scheduled, awaiting-confirmation, not-capable (sent nothing: its agent lacks the capability), or the broadcast status',
    ),
  actualStart: vnTime,
  actualEnd: vnTime,
  secondsPlayed: z.number().nullable(),
  reason: z.string().nullable().describe("the device's own detail"),
  reasonCode: z.string().nullable(),
  reasonText: ReasonText,
  evidence: z.unknown(),
});
export type DeviceOccurrence = z.infer<typeof DeviceOccurrence>;

/** The Icecast engine's side of a relay occurrence (streamEngine icecast, docs/relay.md "Beyond one hub"). */
export const RelayEngineState = z.object({
  engine: z.literal('icecast'),
  status: z
    .enum(['idle', 'connecting', 'sending', 'reconnecting', 'failed', 'stopped'])
    .describe(
      "the hub's source on the origin: idle (no stream yet), connecting, sending, reconnecting (dropped or unreachable), failed (the origin refused it), stopped",
    ),
  connects: z.number().int().describe('connections the origin took for the current stretch'),
  error: z.string().nullable().describe('the last refusal or drop, in words'),
  bytesSent: z.number().int().describe('Ogg bytes sent to the origin in the current stretch'),
  listenersKnown: z
    .boolean()
    .describe(
      'whether the listen servers ask the hub about listeners (URL listener authentication); else listeners is 0',
    ),
  listeners: z.number().int().describe('devices on the listen servers now, as they told the hub'),
  admitted: z.number().int().describe('devices the listen servers let in, each join counted'),
  servers: z
    .array(z.object({ server: z.string().describe('host:port'), devices: z.array(z.string()) }))
    .describe('the devices on each listen server now'),
});
export type RelayEngineState = z.infer<typeof RelayEngineState>;

/** A relay occurrence the hub runs now (or ran in the last 10 minutes): its pull and, with an engine, its source. */
export const RelayStreamState = z.object({
  occurrenceId: z.string(),
  startAt: vnTime,
  endAt: vnTime,
  state: z
    .enum(['waiting', 'live', 'lost', 'ended', 'cancelled'])
    .describe("the hub's pull of the upstream: waiting (before its pull), live, lost (retrying), ended, cancelled"),
  error: z.string().nullable().describe('why the upstream was lost, last'),
  losses: z.number().int().describe('stretches without the upstream'),
  hubListeners: z.number().int().describe("listeners of the hub's own stream now (with an engine: its source)"),
  engine: RelayEngineState.nullable().describe('null when the hub serves the devices itself (streamEngine hub)'),
});
export type RelayStreamState = z.infer<typeof RelayStreamState>;

export const BroadcastDetail = Broadcast.extend({
  devices: z.array(DeviceOccurrence),
  deviceCounts: z.record(z.string(), z.number().int()).describe('rows by state over the whole window'),
  devicesTotal: z.number().int(),
  devicesNextOffset: z.number().int().nullable(),
  clashDecision: StandingDecision,
  pendingRevision: z.string().nullable().describe('an edit waiting for approval'),
  relayStreams: z
    .array(RelayStreamState)
    .optional()
    .describe("a relay's occurrences the hub runs now or ran in the last 10 minutes (the hub keeps them in memory)"),
});
export type BroadcastDetail = z.infer<typeof BroadcastDetail>;
