// MQTT topic names, built and parsed in one place. Everything lives under a configurable prefix
// (default `wardcast/v1`). Topics carry ids only; payloads carry everything else (MQTT 3.1.1).

export const DEFAULT_TOPIC_PREFIX = 'wardcast/v1';

/** Device ids and area path segments are lowercase slugs, so they are safe as topic levels. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

export type DeviceEventKind = 'receipt' | 'telemetry' | 'clock';
export const DEVICE_EVENT_KINDS: readonly DeviceEventKind[] = ['receipt', 'telemetry', 'clock'];

export function assertSlug(value: string, what: string): string {
  if (!SLUG_PATTERN.test(value)) {
    throw new Error(
      `${what} "${value}" is not a valid slug (lowercase letters, digits and inner hyphens, 1-64 characters)`,
    );
  }
  return value;
}

/** The most levels an area path may have (province → district → ward → neighbourhood → …). */
export const MAX_AREA_DEPTH = 8;

/** An area path is slugs joined by "/", root first: "ha-noi/thanh-xuan/ha-dinh". */
export function assertAreaPath(path: string): string {
  const parts = path.split('/');
  if (parts.length === 0 || parts.length > MAX_AREA_DEPTH)
    throw new Error(`area path "${path}" must have 1-${MAX_AREA_DEPTH} levels`);
  for (const p of parts) assertSlug(p, `area path segment in "${path}"`);
  return path;
}

export function topics(prefix = DEFAULT_TOPIC_PREFIX) {
  const dev = (id: string) => `${prefix}/dev/${assertSlug(id, 'device id')}`;
  return {
    prefix,
    /** hub → device, QoS 1: signed commands (play now, stop, ...). */
    deviceCommand: (id: string) => `${dev(id)}/cmd`,
    /** hub → device, retained: the signed manifest of the device's coming week. */
    deviceSchedule: (id: string) => `${dev(id)}/schedule`,
    /** device → hub, retained: birth message; the same topic carries the last will. */
    deviceStatus: (id: string) => `${dev(id)}/status`,
    /** device → hub: receipts (playback confirmations), telemetry and clock requests. */
    deviceEvent: (id: string, kind: DeviceEventKind) => `${dev(id)}/evt/${kind}`,
    /** hub → device: signed replies (receipt acknowledgements, clock replies). */
    deviceReply: (id: string) => `${dev(id)}/reply`,
    /** hub → every device in an area (and below it, since devices subscribe to each ancestor). */
    areaCommand: (areaPath: string) => `${prefix}/area/${assertAreaPath(areaPath)}/cmd`,
    /**
     * hub → every device, retained: the hub's birth {state:'online', instance} and, as its last will,
     * {state:'offline', instance}. A device that sees a new instance come online announces itself
     * again, so the hub learns who is connected without waiting for each device's next message.
     */
    hubStatus: `${prefix}/hub/status`,
    /** subscriptions the hub makes */
    allDeviceStatus: `${prefix}/dev/+/status`,
    allDeviceEvents: `${prefix}/dev/+/evt/+`,
  };
}
export type Topics = ReturnType<typeof topics>;

export type TopicKind =
  | 'deviceCommand'
  | 'deviceSchedule'
  | 'deviceStatus'
  | 'deviceReply'
  | 'areaCommand'
  | 'hubStatus'
  | `deviceEvent/${DeviceEventKind}`;

/**
 * How each topic is published. Retained where a (re)connecting reader needs the latest state at
 * once; QoS 0 where a lost message is replaced by the next one and a late duplicate would mislead.
 */
export const TOPIC_DELIVERY: Record<TopicKind, { qos: 0 | 1; retain: boolean }> = {
  deviceCommand: { qos: 1, retain: false },
  deviceSchedule: { qos: 1, retain: true },
  deviceStatus: { qos: 1, retain: true },
  deviceReply: { qos: 1, retain: false },
  areaCommand: { qos: 1, retain: false },
  hubStatus: { qos: 1, retain: true },
  'deviceEvent/receipt': { qos: 1, retain: false },
  'deviceEvent/telemetry': { qos: 0, retain: false },
  'deviceEvent/clock': { qos: 0, retain: false },
};

export type ParsedTopic =
  | { kind: 'deviceCommand' | 'deviceSchedule' | 'deviceStatus' | 'deviceReply'; deviceId: string }
  | { kind: 'deviceEvent'; deviceId: string; event: DeviceEventKind }
  | { kind: 'areaCommand'; areaPath: string }
  | { kind: 'hubStatus' };

/** Parses a topic under `prefix`; returns null for anything that is not ours or is malformed. */
export function parseTopic(topic: string, prefix = DEFAULT_TOPIC_PREFIX): ParsedTopic | null {
  if (!topic.startsWith(`${prefix}/`)) return null;
  const rest = topic.slice(prefix.length + 1).split('/');
  if (rest[0] === 'dev' && rest.length >= 3 && SLUG_PATTERN.test(rest[1])) {
    const deviceId = rest[1];
    if (rest.length === 3) {
      const map = {
        cmd: 'deviceCommand',
        schedule: 'deviceSchedule',
        status: 'deviceStatus',
        reply: 'deviceReply',
      } as const;
      // own keys only: "dev/x/constructor" must not match Object.prototype
      if (!Object.hasOwn(map, rest[2])) return null;
      return { kind: map[rest[2] as keyof typeof map], deviceId };
    }
    if (rest.length === 4 && rest[2] === 'evt' && (DEVICE_EVENT_KINDS as string[]).includes(rest[3])) {
      return { kind: 'deviceEvent', deviceId, event: rest[3] as DeviceEventKind };
    }
    return null;
  }
  if (rest.length === 2 && rest[0] === 'hub' && rest[1] === 'status') return { kind: 'hubStatus' };
  if (rest[0] === 'area' && rest.length >= 3 && rest[rest.length - 1] === 'cmd') {
    const areaPath = rest.slice(1, -1).join('/');
    try {
      assertAreaPath(areaPath);
      return { kind: 'areaCommand', areaPath };
    } catch {
      return null;
    }
  }
  return null;
}

/** Every ancestor path of an area, root first: "a/b/c" → ["a", "a/b", "a/b/c"]. */
export function areaAncestry(areaPath: string): string[] {
  const parts = assertAreaPath(areaPath).split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}
