// The topic table: every message kind on the wire, with its topic, who publishes it, who reads it,
// its schema, QoS and retain flag. Everything else is derived from it: topic names (topics()), the
// typed publish (publish.ts), the brokers' access rules (hub/broker/access-rules.ts) and the AsyncAPI
// document. Everything lives under a configurable prefix (default `wardcast/v1`). Topics carry ids
// only; payloads carry everything else (MQTT 3.1.1).
import type { z } from 'zod';
import { ClockRequest, DeviceStatus, HubStatus, Receipt, SignedEnvelope, Telemetry } from './schemas.ts';
import { SLUG_PATTERN, assertAreaPath, assertSlug } from './slug.ts';

export * from './slug.ts';

export const DEFAULT_TOPIC_PREFIX = 'wardcast/v1';

export type DeviceEventKind = 'receipt' | 'telemetry' | 'clock';
export const DEVICE_EVENT_KINDS: readonly DeviceEventKind[] = ['receipt', 'telemetry', 'clock'];

export type Role = 'hub' | 'device';
export const ROLES: readonly Role[] = ['hub', 'device'];

export interface KindSpec {
  /** The topic under the prefix; `{deviceId}` is one level, `{areaPath}` one to eight. */
  pattern: string;
  /** The only role that may publish it (the hub may also clear a retained copy: see mayPublish). */
  from: Role;
  /** The roles that subscribe to it; a device only to its own id and its areas. */
  to: readonly Role[];
  /** The payload on the wire. */
  schema: z.ZodType;
  qos: 0 | 1;
  retain: boolean;
  /**
   * 'hub': a signed envelope made by seal() from a typed body; the agent verifies and parses it, so
   * the publisher does not parse it again (manifests are large and fan-outs many). 'device': signed
   * by the device (receipts). Anything else is validated before it is published.
   */
  signed?: 'hub' | 'device';
}

/**
 * Retained where a (re)connecting reader needs the latest state at once; QoS 0 where a lost message
 * is replaced by the next one and a late duplicate would mislead.
 */
export const TOPIC_TABLE = {
  /** Signed commands for one device (play now, stop). */
  deviceCommand: {
    pattern: 'dev/{deviceId}/cmd',
    from: 'hub',
    to: ['device'],
    schema: SignedEnvelope,
    qos: 1,
    retain: false,
    signed: 'hub',
  },
  /** The signed manifest of the device's coming week, retained. */
  deviceSchedule: {
    pattern: 'dev/{deviceId}/schedule',
    from: 'hub',
    to: ['device'],
    schema: SignedEnvelope,
    qos: 1,
    retain: true,
    signed: 'hub',
  },
  /** The device's birth, retained; the same topic carries its last will. */
  deviceStatus: {
    pattern: 'dev/{deviceId}/status',
    from: 'device',
    to: ['hub'],
    schema: DeviceStatus,
    qos: 1,
    retain: true,
  },
  /** Signed replies to one device: receipt acknowledgements and clock replies. */
  deviceReply: {
    pattern: 'dev/{deviceId}/reply',
    from: 'hub',
    to: ['device'],
    schema: SignedEnvelope,
    qos: 1,
    retain: false,
    signed: 'hub',
  },
  /** Signed commands for every device in an area and below it (devices subscribe to each ancestor). */
  areaCommand: {
    pattern: 'area/{areaPath}/cmd',
    from: 'hub',
    to: ['device'],
    schema: SignedEnvelope,
    qos: 1,
    retain: false,
    signed: 'hub',
  },
  /**
   * The hub's birth {state:'online', instance}, retained, and as its last will {state:'offline',
   * instance}. A device that sees a new instance come online announces itself again, so the hub learns
   * who is connected without waiting for each device's next message. The hub reads it too, to answer
   * a late will of one of its own earlier connections.
   */
  hubStatus: { pattern: 'hub/status', from: 'hub', to: ['device', 'hub'], schema: HubStatus, qos: 1, retain: true },
  /** Playback receipts, signed by the device; resent until the hub acknowledges them. */
  'deviceEvent/receipt': {
    pattern: 'dev/{deviceId}/evt/receipt',
    from: 'device',
    to: ['hub'],
    schema: Receipt,
    qos: 1,
    retain: false,
    signed: 'device',
  },
  /** Device health; the next one replaces a lost one. */
  'deviceEvent/telemetry': {
    pattern: 'dev/{deviceId}/evt/telemetry',
    from: 'device',
    to: ['hub'],
    schema: Telemetry,
    qos: 0,
    retain: false,
  },
  /** Clock sync requests; a lost one is retried, a late one would only give a bad sample. */
  'deviceEvent/clock': {
    pattern: 'dev/{deviceId}/evt/clock',
    from: 'device',
    to: ['hub'],
    schema: ClockRequest,
    qos: 0,
    retain: false,
  },
} as const satisfies Record<string, KindSpec>;

export type Kind = keyof typeof TOPIC_TABLE;
/** The same as Kind (the name the AsyncAPI generator used first). */
export type TopicKind = Kind;
export const KINDS = Object.keys(TOPIC_TABLE) as Kind[];

type ParamNames<P extends string> = P extends `${string}{${infer N}}${infer R}` ? N | ParamNames<R> : never;
/** What a kind's topic needs: `{ deviceId }`, `{ areaPath }` or nothing (`{}`). */
export type TopicParams<K extends Kind> = { readonly [N in ParamNames<(typeof TOPIC_TABLE)[K]['pattern']>]: string };
/** The payload of a kind, as its schema says. */
export type Body<K extends Kind> = z.infer<(typeof TOPIC_TABLE)[K]['schema']>;
/** The kinds a role publishes. */
export type KindFrom<R extends Role> = { [K in Kind]: (typeof TOPIC_TABLE)[K]['from'] extends R ? K : never }[Kind];
export type RetainedKind = { [K in Kind]: (typeof TOPIC_TABLE)[K]['retain'] extends true ? K : never }[Kind];

/** How each kind is published (the table's QoS and retain flag). */
export const TOPIC_DELIVERY = Object.fromEntries(
  KINDS.map((k) => [k, { qos: TOPIC_TABLE[k].qos, retain: TOPIC_TABLE[k].retain }]),
) as Record<Kind, { qos: 0 | 1; retain: boolean }>;

type Param = 'deviceId' | 'areaPath';
const PARAM_CHECK: Record<Param, (v: string) => string> = {
  deviceId: (v) => assertSlug(v, 'device id'),
  areaPath: assertAreaPath,
};
// Each pattern split once into literal text and parameters, so building a topic is a concatenation.
const COMPILED = Object.fromEntries(
  KINDS.map((k) => [
    k,
    TOPIC_TABLE[k].pattern
      .split(/(\{\w+\})/)
      .filter(Boolean)
      .map((s) => (s.startsWith('{') ? { param: s.slice(1, -1) as Param } : s)),
  ]),
) as Record<Kind, Array<string | { param: Param }>>;

/** The topic of `kind` for `params`; throws naming the bad or missing id. */
export function topicOf<K extends Kind>(kind: K, params: TopicParams<K>, prefix = DEFAULT_TOPIC_PREFIX): string {
  let out = `${prefix}/`;
  for (const s of COMPILED[kind]) {
    if (typeof s === 'string') {
      out += s;
      continue;
    }
    const v = (params as Record<string, unknown>)[s.param];
    if (typeof v !== 'string') throw new Error(`a ${kind} topic needs ${s.param}`);
    out += PARAM_CHECK[s.param](v);
  }
  return out;
}

/**
 * The subscription filter that covers `kind` for every device (`+` for the device id). Kinds under
 * an area path have none: an area path spans a varying number of levels.
 */
export function filterOf(kind: Kind, prefix = DEFAULT_TOPIC_PREFIX): string {
  if (TOPIC_TABLE[kind].pattern.includes('{areaPath}')) throw new Error(`${kind} has no filter over all areas`);
  return `${prefix}/${TOPIC_TABLE[kind].pattern.replace('{deviceId}', '+')}`;
}

export function topics(prefix = DEFAULT_TOPIC_PREFIX) {
  const dev = (kind: 'deviceCommand' | 'deviceSchedule' | 'deviceStatus' | 'deviceReply') => (id: string) =>
    topicOf(kind, { deviceId: id }, prefix);
  return {
    prefix,
    deviceCommand: dev('deviceCommand'),
    deviceSchedule: dev('deviceSchedule'),
    deviceStatus: dev('deviceStatus'),
    deviceEvent: (id: string, kind: DeviceEventKind) => topicOf(`deviceEvent/${kind}`, { deviceId: id }, prefix),
    deviceReply: dev('deviceReply'),
    areaCommand: (areaPath: string) => topicOf('areaCommand', { areaPath }, prefix),
    hubStatus: topicOf('hubStatus', {}, prefix),
    allDeviceStatus: filterOf('deviceStatus', prefix),
    /** Every device's every event (the hub subscribes to each kind by name: subscriptionsOf). */
    allDeviceEvents: `${prefix}/dev/+/evt/+`,
  };
}
export type Topics = ReturnType<typeof topics>;

/**
 * What the hub subscribes to: every kind it reads, for every device. A device's subscriptions are
 * literal (its own id, each of its areas): deviceSubscriptions.
 */
export function hubSubscriptions(prefix = DEFAULT_TOPIC_PREFIX): string[] {
  return KINDS.filter((k) => (TOPIC_TABLE[k].to as readonly Role[]).includes('hub')).map((k) => filterOf(k, prefix));
}

/** The topics a device subscribes to: each kind it reads, for its own id and each of its areas. */
export function deviceSubscriptions(deviceId: string, areaPaths: readonly string[], prefix = DEFAULT_TOPIC_PREFIX) {
  return KINDS.filter((k) => (TOPIC_TABLE[k].to as readonly Role[]).includes('device')).flatMap((k) => {
    const pattern: string = TOPIC_TABLE[k].pattern;
    if (pattern.includes('{areaPath}')) return areaPaths.map((a) => topicOf(k, { areaPath: a } as never, prefix));
    return [topicOf(k, { deviceId } as never, prefix)];
  });
}

export type ParsedTopic =
  | { kind: 'deviceCommand' | 'deviceSchedule' | 'deviceStatus' | 'deviceReply'; deviceId: string }
  | { kind: 'deviceEvent'; deviceId: string; event: DeviceEventKind }
  | { kind: 'areaCommand'; areaPath: string }
  | { kind: 'hubStatus' };

// Each pattern as its levels, for matching; an area path stands for one to eight levels.
const LEVELS = Object.fromEntries(KINDS.map((k) => [k, TOPIC_TABLE[k].pattern.split('/')])) as Record<Kind, string[]>;

/** The kind and ids of a topic under `prefix`; null for anything that is not ours or is malformed. */
export function matchTopic(
  topic: string,
  prefix = DEFAULT_TOPIC_PREFIX,
): { kind: Kind; deviceId?: string; areaPath?: string } | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const rest = topic.slice(prefix.length + 1).split('/');
  for (const kind of KINDS) {
    const levels = LEVELS[kind];
    const area = levels.indexOf('{areaPath}');
    if (area < 0 ? rest.length !== levels.length : rest.length < levels.length) continue;
    // Levels after an area path are matched from the end.
    const at = (i: number) => (area >= 0 && i > area ? rest.length - (levels.length - i) : i);
    let deviceId: string | undefined;
    let ok = true;
    for (let i = 0; ok && i < levels.length; i++) {
      if (i === area) continue;
      const level = rest[at(i)];
      if (levels[i] !== '{deviceId}') ok = levels[i] === level;
      else if ((ok = SLUG_PATTERN.test(level))) deviceId = level;
    }
    if (!ok) continue;
    if (area < 0) return deviceId === undefined ? { kind } : { kind, deviceId };
    const areaPath = rest.slice(area, rest.length - (levels.length - area - 1)).join('/');
    try {
      return { kind, areaPath: assertAreaPath(areaPath) };
    } catch {
      return null;
    }
  }
  return null;
}

/** Parses a topic under `prefix`; returns null for anything that is not ours or is malformed. */
export function parseTopic(topic: string, prefix = DEFAULT_TOPIC_PREFIX): ParsedTopic | null {
  const m = matchTopic(topic, prefix);
  if (!m) return null;
  if (m.kind.startsWith('deviceEvent/'))
    return {
      kind: 'deviceEvent',
      deviceId: m.deviceId!,
      event: m.kind.slice('deviceEvent/'.length) as DeviceEventKind,
    };
  return m as ParsedTopic;
}

/** The table's kind of a parsed topic. */
export const kindOf = (t: ParsedTopic): Kind => (t.kind === 'deviceEvent' ? `deviceEvent/${t.event}` : t.kind);

/** Every ancestor path of an area, root first: "a/b/c" → ["a", "a/b", "a/b/c"]. */
export function areaAncestry(areaPath: string): string[] {
  const parts = assertAreaPath(areaPath).split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
