// One schema per message on the wire; TypeScript types are derived from them (z.infer), and the
// AsyncAPI document under docs/ is generated from them. Times are epoch milliseconds in hub time.
import { z } from 'zod';
import { MAX_AREA_DEPTH, SLUG_PATTERN } from './slug.ts';

export const MAX_PAYLOAD_BYTES = 256 * 1024;

const epochMs = z.number().int().nonnegative().describe('epoch milliseconds, hub time');
const slug = z.string().regex(SLUG_PATTERN, 'must be a lowercase slug');
const SLUG_SOURCE = SLUG_PATTERN.source.slice(1, -1);
const areaPath = z
  .string()
  .regex(
    new RegExp(`^${SLUG_SOURCE}(?:/${SLUG_SOURCE}){0,${MAX_AREA_DEPTH - 1}}$`),
    'must be an area path (slugs joined by "/", root first)',
  );
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

/** National rule for commune radio (Circular 39/2020/TT-BTTTT): normal < priority < emergency. */
export const Priority = z.enum(['normal', 'priority', 'emergency']);
export type Priority = z.infer<typeof Priority>;
export const PRIORITY_RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };

export const DeviceKind = z.enum(['speaker', 'led']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const PlaybackResult = z.enum(['played', 'partial', 'failed', 'missed', 'preempted', 'skipped']);
export type PlaybackResult = z.infer<typeof PlaybackResult>;

export const LedDisplayMode = z.enum(['hold', 'scroll', 'flash', 'rollUp', 'rollLeft']);
export const LedPage = z.object({
  lines: z.array(z.string().max(200)).min(1).max(4),
  mode: LedDisplayMode.default('hold'),
  seconds: z.number().int().min(1).max(600).default(8),
});
export const LedMessage = z.object({
  pages: z.array(LedPage).min(1).max(16),
});
export type LedMessage = z.infer<typeof LedMessage>;

export const MediaRef = z.object({
  sha256: sha256Hex.describe('sha256 of the encoded file the agent downloads'),
  url: z.string().min(1).describe('path on the hub, e.g. /media/<sha256>.opus'),
  bytes: z.number().int().positive(),
  format: z.enum(['opus', 'mp3']),
  durationMs: z.number().int().positive(),
  loudnessLufs: z.number().optional(),
});
export type MediaRef = z.infer<typeof MediaRef>;

/**
 * Relay (tiếp âm): what a loudspeaker airs while the upstream is lost (docs/relay.md). 'ident' loops
 * the station ident the broadcast names (fallbackMedia), 'last-bulletin' loops the last file the
 * device aired (silence when it has none), 'silence' keeps the amplifier on with nothing playing.
 */
export const RELAY_FALLBACKS = ['silence', 'ident', 'last-bulletin'] as const;
export const RelayFallback = z.enum(RELAY_FALLBACKS);
export type RelayFallback = z.infer<typeof RelayFallback>;

/** A relay occurrence: the hub pulls the upstream once and serves it transcoded to its devices. */
export const RelayRef = z.object({
  url: z
    .string()
    .regex(/^\/streams\/[^/?#]+$/, 'must be a path on the hub: /streams/<occurrence>')
    .describe('path on the hub of the transcoded live stream; the device joins it at the live edge'),
  engineUrl: z
    .string()
    .regex(/^https?:\/\/[^/?#]+\/[^?#]+$/, 'must be an absolute http(s) URL of a mount')
    .optional()
    .describe(
      "where the device pulls the stream when the hub runs a streaming engine (an Icecast relay server's mount); the stream's epoch then comes from `url` on the hub (HEAD). An agent that does not know it pulls `url`",
    ),
  format: z.enum(['ogg-opus', 'mp3']).describe('container and codec of the stream the hub serves'),
  bitrateKbps: z.number().int().min(8).max(320),
  fallback: RelayFallback,
  fallbackMedia: MediaRef.optional().describe("the station ident (fallback 'ident'), downloaded ahead like any media"),
  live: z
    .boolean()
    .optional()
    .describe(
      'a live session (phát trực tiếp): the stream ends when the speaker ends it, which is the end of the item',
    ),
  bufferMs: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .optional()
    .describe('live: stream the device holds before it starts playing, ms (its jitter buffer)'),
});
export type RelayRef = z.infer<typeof RelayRef>;

/** One occurrence of a broadcast on one device. */
export const ScheduleItem = z
  .object({
    occurrenceId: z.string().min(1).max(128).describe('unique per broadcast and start time'),
    broadcastId: z.string().min(1).max(64),
    title: z.string().max(200).default(''),
    priority: Priority,
    startAt: epochMs,
    durationMs: z
      .number()
      .int()
      .positive()
      .max(6 * 3600_000),
    volume: z.number().int().min(0).max(100),
    media: MediaRef.optional(),
    led: LedMessage.optional(),
    relay: RelayRef.optional().describe('a relayed upstream (tiếp âm) a loudspeaker plays from the hub for durationMs'),
    approvedAt: epochMs
      .optional()
      .describe(
        'when the broadcast was approved: of two items of the same priority due at the same time, the one approved first plays',
      ),
  })
  .refine((i) => i.media || i.led || i.relay, { message: 'an item needs media, an LED message or a relay' });
export type ScheduleItem = z.infer<typeof ScheduleItem>;

// ---- hub → device bodies (carried inside the signed envelope) ----

export const ScheduleManifest = z.object({
  type: z.literal('schedule'),
  deviceId: slug,
  version: z.number().int().nonnegative().describe('increases with every change; older manifests are ignored'),
  from: epochMs,
  until: epochMs,
  items: z.array(ScheduleItem).max(5000),
});
export type ScheduleManifest = z.infer<typeof ScheduleManifest>;

export const PlayNowCommand = z.object({ type: z.literal('play-now'), item: ScheduleItem });
export const StopCommand = z.object({
  type: z.literal('stop'),
  broadcastId: z.string().min(1).max(64),
  reason: z.string().max(200).default('cancelled'),
});
export const ReceiptAck = z.object({
  type: z.literal('receipt-ack'),
  receiptIds: z.array(z.string().uuid()).min(1).max(500),
});
export const ClockReply = z.object({
  type: z.literal('clock-reply'),
  requestId: z.string().min(1).max(64),
  t0: epochMs.describe('device send time, device clock'),
  t1: epochMs.describe('hub receive time'),
  t2: epochMs.describe('hub send time'),
});
export const HubBody = z.discriminatedUnion('type', [
  ScheduleManifest,
  PlayNowCommand,
  StopCommand,
  ReceiptAck,
  ClockReply,
]);
export type HubBody = z.infer<typeof HubBody>;
export type PlayNowCommand = z.infer<typeof PlayNowCommand>;
export type StopCommand = z.infer<typeof StopCommand>;
export type ReceiptAck = z.infer<typeof ReceiptAck>;
export type ClockReply = z.infer<typeof ClockReply>;

/**
 * Who a hub message is for: one device, or every device in one area (and below it). Inside the
 * signature, so a message captured on one topic cannot be aimed at other devices by republishing it.
 */
export const MessageTarget = z.union([z.object({ device: slug }).strict(), z.object({ area: areaPath }).strict()]);
export type MessageTarget = z.infer<typeof MessageTarget>;

/** The signed envelope every hub → device message travels in. */
export const SignedEnvelope = z.object({
  v: z.literal(2).describe('2: the envelope names its target (version 1 had none)'),
  id: z.string().uuid(),
  seq: z.number().int().nonnegative(),
  issuedAt: epochMs,
  expiresAt: epochMs,
  to: MessageTarget.describe(
    'the device or area the message is for; the agent refuses one not meant for itself or one of its areas, whatever topic it came on',
  ),
  body: z.unknown(),
  sig: z.string().min(1).describe('base64 Ed25519 signature over the canonical JSON of the other fields'),
});
export type SignedEnvelope = z.infer<typeof SignedEnvelope>;

// ---- device → hub ----

/**
 * In a speaker's capabilities: it pulls a live session from a streaming engine's relay server
 * (relay.engineUrl on a live item) with its burst left out and the mount waited for. The hub names
 * the engine on live items only to agents that announce it; older ones keep the hub's own stream.
 */
export const LIVE_ENGINE_CAPABILITY = 'live-engine';

export const DeviceStatus = z.object({
  state: z.enum(['online', 'offline']),
  session: z
    .number()
    .int()
    .nonnegative()
    .describe('increases on every connection; an older will never overrides a newer birth'),
  deviceId: slug,
  kind: DeviceKind.optional(),
  agentVersion: z.string().max(40).optional(),
  capabilities: z.array(z.string().max(40)).max(20).optional(),
  at: epochMs.optional(),
  manifestVersion: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe(
      'birth only: the version of the schedule manifest the device holds (0: none); the hub republishes when the device is behind',
    ),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const AmplifierEvidence = z.object({
  powered: z.boolean(),
  maxCurrentMa: z.number().nonnegative(),
  meanCurrentMa: z.number().nonnegative(),
  maxTemperatureC: z.number(),
  faults: z.array(z.string().max(80)).max(20),
  samples: z.number().int().nonnegative(),
  notMeasured: z
    .array(z.enum(['power', 'volume', 'current', 'temperature', 'faults']))
    .max(5)
    .optional()
    .describe(
      'what this amplifier cannot measure (e.g. a plain relay board): the matching fields above are placeholders, not evidence',
    ),
});
export const PlayerEvidence = z.object({
  decoder: z.string().max(200),
  exitCode: z.number().int().nullable(),
  decodedMs: z.number().int().nonnegative(),
  mediaSha256: sha256Hex.optional(),
  error: z.string().max(500).optional(),
});
/** What a relay occurrence aired: seconds of the upstream, seconds lost to the fallback, and when. */
export const RelayEvidence = z.object({
  secondsAired: z.number().nonnegative().describe('seconds of the relayed stream decoded to the output'),
  secondsLost: z.number().nonnegative().describe('seconds of the planned length without the stream'),
  fallback: RelayFallback.describe('what aired instead while the stream was lost'),
  fallbackSeconds: z.number().nonnegative().describe('seconds of fallback audio played (0 for silence)'),
  lostAt: epochMs.nullable().describe('when the stream stopped before the planned end (hub time); null if it did not'),
  bytes: z.number().int().nonnegative().describe('stream bytes received from the hub'),
  losses: z
    .array(
      z.object({
        at: epochMs.describe('when the stream stopped (hub time)'),
        seconds: z.number().nonnegative().describe('until it aired again, or until the planned end'),
        reason: z.string().max(200),
      }),
    )
    .max(100)
    .optional()
    .describe('each stretch without the stream, in order; the stream aired again between them (absent: older agents)'),
  dropouts: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('times the player ran out of stream (underruns) while the stream was still on'),
  dropoutSeconds: z.number().nonnegative().optional().describe('seconds of those underruns, together'),
  live: z.boolean().optional().describe('a live session: the stream ended when the speaker ended it'),
});
/** When the start was released against the plan, and what the device's hub time rested on. */
export const SyncEvidence = z.object({
  startErrorMs: z
    .number()
    .describe(
      'when the first sample went to the player (or the message to the board) minus the planned start, in hub time on the offset the device then held, ms',
    ),
  clockSource: z
    .enum(['measured', 'saved', 'none'])
    .describe('what that hub time rests on: a clock sample of this run, an offset saved earlier, or nothing'),
  clockUncertaintyMs: z
    .number()
    .nonnegative()
    .optional()
    .describe('half the round trip of the clock sample the offset rests on: how far hub time can be off'),
});
export const LedEvidence = z.object({
  shownText: z.string().max(2000),
  readBack: z.string().max(2000),
  matches: z.boolean(),
  brightness: z.number().int().min(0).max(100).optional(),
});

/**
 * Why an occurrence did not play (or played only in part), for people: the hub words each code for
 * officials and keeps `reason`, the device's own technical words, as detail. The codes an agent
 * sends today; a newer agent may send others (the hub then words it generally), so the schema takes
 * any short code.
 */
export const REASON_CODES = [
  'text-too-wide', // the LED board refused a message that does not fit it (too wide, too many lines or characters)
  'text-unsupported', // the LED board cannot show some characters of the message
  'device-unreachable', // the amplifier or LED board did not answer (power, cabling, network)
  'driver-error', // the amplifier or LED board answered with an error
  'readback-failed', // the LED board took the message but its status could not be read back
  'shows-other', // the LED board shows something other than the message
  'media-missing', // the audio file was not downloaded in time, or is damaged
  'player-error', // the audio player (ffmpeg) failed
  'amplifier-fault', // the amplifier reported a fault or was off while playing
  'preempted', // a bulletin of higher priority interrupted it
  'skipped', // something of equal or higher priority was playing at its time
  'late', // not started within the grace period (the agent was down or reached it too late)
  'cancelled', // the hub cancelled it while it played
  'agent-restarted', // the device restarted during playback
  'agent-stopped', // the agent was stopped during playback
  'upstream-lost', // a relay's upstream stream failed or ended before its planned end (the fallback aired)
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const Receipt = z.object({
  id: z.string().uuid(),
  deviceId: slug,
  occurrenceId: z.string().min(1).max(128),
  broadcastId: z.string().min(1).max(64),
  result: PlaybackResult,
  reason: z.string().max(500).optional(),
  reasonCode: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,39}$/)
    .optional()
    .describe(
      `why it did not play fully, for people (see REASON_CODES: ${REASON_CODES.join(', ')}); reason keeps the technical detail`,
    ),
  scheduledStart: epochMs,
  actualStart: epochMs.nullable(),
  actualEnd: epochMs.nullable(),
  secondsPlayed: z.number().nonnegative(),
  clockOffsetMs: z.number().describe('hub time minus device time, as the agent measured it'),
  evidence: z.object({
    player: PlayerEvidence.optional(),
    amplifier: AmplifierEvidence.optional(),
    led: LedEvidence.optional(),
    relay: RelayEvidence.optional(),
    sync: SyncEvidence.optional(),
  }),
  sig: z.string().min(1).describe("base64 Ed25519 signature by the device's own key over the other fields"),
});
export type Receipt = z.infer<typeof Receipt>;
export type UnsignedReceipt = Omit<Receipt, 'sig'>;

/**
 * An LED board's display as its driver is configured: the preview in the web UI draws each target
 * board with it and warns where a message does not fit. Static, so older agents may leave it out.
 */
export const LedDisplay = z.object({
  rows: z.number().int().min(1).max(1024).describe('dot rows of the LED matrix'),
  columns: z.number().int().min(1).max(4096).describe('dot columns of the LED matrix'),
  maxLineChars: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .describe('longest text line the board takes, in characters (code points after NFC); a longer one is refused'),
  charset: z.enum(['unicode-utf8', 'cp1258', 'ascii']).describe("what the board's own font can show"),
  vietnamese: z
    .enum(['picture', 'strip'])
    .describe(
      'when the charset lacks a Vietnamese letter: the page is drawn as a dot picture, or shown without diacritics behind stripMarker',
    ),
  stripMarker: z.string().max(16).optional().describe('prefix of a page shown without diacritics (strip)'),
});
export type LedDisplay = z.infer<typeof LedDisplay>;

export const Telemetry = z.object({
  deviceId: slug,
  at: epochMs,
  clockOffsetMs: z.number().nullable(),
  clockDelayMs: z.number().nullable(),
  outboxSize: z.number().int().nonnegative(),
  cacheBytes: z.number().int().nonnegative(),
  scheduleVersion: z.number().int().nonnegative(),
  nowPlaying: z.string().max(128).nullable(),
  rejected: z.record(z.string(), z.number().int().nonnegative()).describe('hub messages dropped, by reason'),
  amplifier: z
    .object({ powered: z.boolean(), currentMa: z.number(), temperatureC: z.number(), faults: z.array(z.string()) })
    .optional(),
  led: z.object({ text: z.string().max(2000), brightness: z.number(), display: LedDisplay.optional() }).optional(),
});
export type Telemetry = z.infer<typeof Telemetry>;

export const ClockRequest = z.object({ requestId: z.string().min(1).max(64), t0: epochMs });
export type ClockRequest = z.infer<typeof ClockRequest>;

/**
 * The hub's own presence, retained on `hub/status`: its birth when its MQTT connection starts, and
 * the same with state "offline" as its last will. Not signed: a device only reacts by announcing
 * itself again (at most once per few seconds), which a forger gains nothing from.
 */
export const HubStatus = z.object({
  state: z.enum(['online', 'offline']),
  instance: z.string().min(1).max(64).describe('new on every hub MQTT connection'),
  at: epochMs.optional(),
});
export type HubStatus = z.infer<typeof HubStatus>;

// ---- enrolment (HTTP) ----

export const EnrolRequest = z.object({
  token: z.string().min(16).max(200),
  publicKey: z.string().min(40).max(200).describe('PEM or base64 SPKI DER of the device Ed25519 public key'),
  agentVersion: z.string().max(40).optional(),
  proof: z
    .string()
    .max(200)
    .optional()
    .describe(
      'base64 Ed25519 signature with the device key over "wardcast-enrol-proof-v1\\n" + token (enrol-proof.ts): lets the same device retry a token whose answer was lost',
    ),
});
export const EnrolResponse = z.object({
  deviceId: slug,
  kind: DeviceKind,
  mqttUsername: z.string(),
  mqttPassword: z.string(),
  hubPublicKey: z.string(),
  topicPrefix: z.string(),
  areaPaths: z.array(z.string()).describe('the device area and every ancestor, root first'),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
