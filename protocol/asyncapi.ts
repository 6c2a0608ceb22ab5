// Generates the AsyncAPI 3.0 description of the MQTT interface from the code that defines it:
// addresses, direction, QoS and retain from the topic table, payloads from the zod schemas. The
// committed docs/asyncapi.json is checked against this output by protocol.test.ts.
import { z } from 'zod';
import { DEFAULT_TOPIC_PREFIX, TOPIC_TABLE, filterOf, type Kind } from './topics.ts';
import {
  ClockReply,
  ClockRequest,
  DeviceStatus,
  HubStatus,
  MessageTarget,
  PlayNowCommand,
  ReceiptAck,
  Receipt,
  ScheduleManifest,
  SignedEnvelope,
  StopCommand,
  Telemetry,
  MAX_PAYLOAD_BYTES,
} from './schemas.ts';

// 2.0.0: envelope v2 names its target (`to`); agents refuse v1 envelopes and messages for others.
export const ASYNCAPI_PROTOCOL_VERSION = '2.0.0';

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-7',
  }) as Record<string, unknown>;
  return rest;
}

const envelopeOf = (body: z.ZodType, what: string, to: string) =>
  SignedEnvelope.extend({
    to: MessageTarget.describe(`${to}; covered by the signature`),
    body: body.describe(`${what}; covered by the signature`),
  }).describe(
    'Signed envelope: Ed25519 signature by the hub key over the canonical JSON (sorted keys, no whitespace) of every field but sig. ' +
      "The agent drops it unless the signature matches the key pinned at enrolment, `to` names this device (on a device topic) or exactly the area of the area topic it came on (one of the device's areas), " +
      'expiresAt has not passed, issuedAt is not in the future and the id is new.',
  );

const SCHEMAS: Record<string, z.ZodType> = {
  CommandEnvelope: envelopeOf(
    z.discriminatedUnion('type', [PlayNowCommand, StopCommand]),
    'a play-now or stop command',
    '{device} on a device command topic, {area} (that exact area) on an area command topic',
  ),
  ScheduleEnvelope: envelopeOf(
    ScheduleManifest,
    'the schedule manifest of the coming week',
    "{device}, the same device as the manifest's deviceId",
  ),
  ReplyEnvelope: envelopeOf(
    z.discriminatedUnion('type', [ReceiptAck, ClockReply]),
    'a receipt acknowledgement or a clock reply',
    '{device}: the device whose receipt or clock request it answers',
  ),
  DeviceStatus,
  HubStatus,
  Receipt,
  Telemetry,
  ClockRequest,
};

/** What the table does not say: words for each kind. Every kind of the table must have them. */
interface ChannelSpec {
  title: string;
  description: string;
  message: keyof typeof SCHEMAS;
  messageSummary: string;
  operation: string;
}

function channelSpecs(prefix: string): Record<Kind, ChannelSpec> {
  return {
    deviceCommand: {
      title: 'Device command',
      description:
        'Commands for one device (play now, stop). Signed envelope; the agent de-duplicates by envelope id since QoS 1 may deliver twice.',
      message: 'CommandEnvelope',
      messageSummary: 'A signed play-now or stop command',
      operation: 'sendDeviceCommand',
    },
    deviceSchedule: {
      title: 'Device schedule',
      description:
        "Retained manifest of the device's coming week, signed. A device that (re)connects gets the latest at once; it ignores a manifest whose version is not newer than the one it holds.",
      message: 'ScheduleEnvelope',
      messageSummary: 'A signed schedule manifest',
      operation: 'sendDeviceSchedule',
    },
    deviceStatus: {
      title: 'Device status (birth and last will)',
      description:
        'Retained. The agent publishes state "online" (birth, with kind, agent version and capabilities) when it connects, and registers state "offline" with the same session number as its MQTT last will. ' +
        'session increases on every connection: the hub ignores a status whose session is older than the newest seen, so a late will never marks a live device offline. The hub subscribes to ' +
        filterOf('deviceStatus', prefix) +
        '.',
      message: 'DeviceStatus',
      messageSummary: 'Birth message or last will',
      operation: 'receiveDeviceStatus',
    },
    'deviceEvent/receipt': {
      title: 'Playback receipt',
      description:
        "One per occurrence: played, partial, failed, missed, preempted or skipped, with evidence (decoder, amplifier current, LED read-back). Signed by the device's own key. " +
        'Kept in the agent outbox and re-sent until the hub acknowledges it on the reply topic; the hub de-duplicates by receipt id. The hub subscribes to ' +
        filterOf('deviceEvent/receipt', prefix) +
        '.',
      message: 'Receipt',
      messageSummary: 'A signed playback confirmation',
      operation: 'receiveReceipt',
    },
    'deviceEvent/telemetry': {
      title: 'Telemetry',
      description:
        'Periodic device health: clock offset, outbox and cache size, schedule version, hardware read-back and rejected hub messages by reason. Not signed; the next one replaces a lost one.',
      message: 'Telemetry',
      messageSummary: 'Device health',
      operation: 'receiveTelemetry',
    },
    'deviceEvent/clock': {
      title: 'Clock request',
      description:
        'NTP-style clock sync: the agent sends t0 (its clock); the hub answers on the reply topic with t1 (receipt) and t2 (send) in hub time; the agent stamps t3 and keeps the sample with the smallest round-trip delay.',
      message: 'ClockRequest',
      messageSummary: 'Clock sync request',
      operation: 'receiveClockRequest',
    },
    deviceReply: {
      title: 'Hub reply',
      description:
        'Signed replies to one device: receipt acknowledgements (the agent may then drop those receipts from its outbox) and clock replies. MQTT 3.1.1 has no response topics, so request ids travel in the payload.',
      message: 'ReplyEnvelope',
      messageSummary: 'A signed receipt acknowledgement or clock reply',
      operation: 'sendDeviceReply',
    },
    areaCommand: {
      title: 'Area command',
      description:
        'One publish reaches every device in an area and below it (emergencies, the kill switch): each agent subscribes to the command topic of its own area and of every ancestor. Signed envelope, as device commands.',
      message: 'CommandEnvelope',
      messageSummary: 'A signed play-now or stop command for a whole area',
      operation: 'sendAreaCommand',
    },
    hubStatus: {
      title: 'Hub status (birth and last will)',
      description:
        'Retained. The hub publishes state "online" with a new instance id whenever its MQTT connection starts, and registers state "offline" as its last will. ' +
        'An agent that sees a new instance online publishes its birth again (with the manifest version it holds), sends its outbox and resynchronises its clock: ' +
        'after a hub restart the hub knows within seconds who is connected and who is behind. Not signed; the reaction is rate-limited and harmless.',
      message: 'HubStatus',
      messageSummary: 'Hub birth message or last will',
      operation: 'sendHubStatus',
    },
  };
}

const PARAMETERS = {
  deviceId: {
    description: 'Device id: a lowercase slug (letters, digits, inner hyphens, 1-64 characters).',
    examples: ['loa-ha-dinh-01'],
  },
  areaPath: {
    description: 'Area path: slugs joined by "/", root first, 1-8 levels; it spans that many topic levels.',
    examples: ['ha-noi/thanh-xuan/ha-dinh'],
  },
};

/** The AsyncAPI 3.0 document, from the hub's point of view (send = the hub publishes). */
export function buildAsyncApi(prefix: string = DEFAULT_TOPIC_PREFIX): Record<string, unknown> {
  const specs = channelSpecs(prefix);
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  // In the order of the words below (the document's order), which cover every kind of the table.
  for (const [kind, c] of Object.entries(specs) as Array<[Kind, ChannelSpec]>) {
    const { pattern, from, qos, retain } = TOPIC_TABLE[kind];
    // Described from the hub: 'send' is published by the hub, 'receive' by agents.
    const action = from === 'hub' ? 'send' : 'receive';
    const address = `${prefix}/${pattern}`;
    const id = kind.replace('/', '-');
    const params = [...address.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as keyof typeof PARAMETERS);
    channels[id] = {
      address,
      title: c.title,
      description: c.description,
      parameters: Object.fromEntries(params.map((p) => [p, PARAMETERS[p]])),
      messages: { [c.message]: { $ref: `#/components/messages/${c.message}` } },
    };
    operations[c.operation] = {
      action,
      channel: { $ref: `#/channels/${id}` },
      summary: c.messageSummary,
      description: `${action === 'send' ? 'The hub publishes; the agent subscribes' : 'The agent publishes; the hub subscribes'}. QoS ${qos}${retain ? ', retained' : ''}.`,
      bindings: { mqtt: { qos, retain, bindingVersion: '0.2.0' } },
      messages: [{ $ref: `#/channels/${id}/messages/${c.message}` }],
    };
  }
  const messages = Object.fromEntries(
    Object.keys(SCHEMAS).map((name) => [
      name,
      {
        name,
        title: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
        contentType: 'application/json',
        payload: { $ref: `#/components/schemas/${name}` },
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'wardcast MQTT interface',
      version: ASYNCAPI_PROTOCOL_VERSION,
      description:
        'Hub ↔ edge agent messages for ward loudspeakers and LED boards. MQTT 3.1.1 only (no MQTT 5 features). ' +
        `Topics live under a configurable prefix (here "${prefix}"). Payloads are UTF-8 JSON of at most ${MAX_PAYLOAD_BYTES} bytes; times are epoch milliseconds in hub time. ` +
        'Every hub → device message is a signed envelope (Ed25519, key pinned at enrolment) that names its target device or area; receipts are signed by the device. ' +
        'Described from the hub: "send" operations are published by the hub, "receive" operations by agents. Generated from protocol/*.ts; do not edit by hand.',
      license: { name: 'MIT' },
    },
    defaultContentType: 'application/json',
    servers: {
      broker: {
        host: 'localhost:1883',
        protocol: 'mqtt',
        protocolVersion: '3.1.1',
        description: "The hub's embedded broker (aedes) by default, or an external broker (e.g. mosquitto) by URL.",
        security: [{ $ref: '#/components/securitySchemes/deviceCredentials' }],
      },
    },
    channels,
    operations,
    components: {
      schemas: Object.fromEntries(Object.entries(SCHEMAS).map(([name, s]) => [name, jsonSchema(s)])),
      messages,
      securitySchemes: {
        deviceCredentials: {
          type: 'userPassword',
          description: 'Per-device MQTT username and password, issued at enrolment; no shared or default passwords.',
        },
      },
    },
  };
}
