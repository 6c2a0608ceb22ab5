// Who may publish and subscribe what, derived from the topic table (protocol/topics.ts) for every
// broker: the embedded broker asks mayPublish/maySubscribe on each packet, and Mosquitto gets the
// same rules as dynamic-security ACLs (hubAcls, deviceAcls). A kind's publisher is its `from` role,
// its readers its `to` roles; a device only for its own id and its areas. The hub may also clear a
// retained copy (an empty retained message) of any retained kind, as revocation does.
import {
  KINDS,
  TOPIC_TABLE,
  areaAncestry,
  deviceSubscriptions,
  hubSubscriptions,
  matchTopic,
  topicOf,
  type Kind,
  type Role,
} from '../../protocol/index.ts';

export type Principal = { role: 'hub' } | { role: 'device'; deviceId: string; areas: readonly string[] };

const readers = (kind: Kind): readonly Role[] => TOPIC_TABLE[kind].to;

/** Whether a topic's ids are the device's own: its id, one of its areas, or none at all. */
function own(m: { deviceId?: string; areaPath?: string }, who: Principal): boolean {
  if (who.role === 'hub') return true;
  return (
    (m.deviceId === undefined || m.deviceId === who.deviceId) &&
    (m.areaPath === undefined || who.areas.includes(m.areaPath))
  );
}

/** May `who` publish `payloadBytes` bytes (0: clearing a retained copy) on `topic`? */
export function mayPublish(who: Principal, topic: string, prefix: string, payloadBytes: number): boolean {
  const m = matchTopic(topic, prefix);
  if (!m) return false;
  const spec = TOPIC_TABLE[m.kind];
  if (spec.from === who.role) return own(m, who);
  return who.role === 'hub' && spec.retain && payloadBytes === 0;
}

/**
 * May `who` subscribe to `filter`? A device only by the literal topic (a wildcard filter that
 * merely covers its own topics is refused); the hub by the filters it uses (hubSubscriptions) or a
 * literal topic of a kind it reads.
 */
export function maySubscribe(who: Principal, filter: string, prefix: string): boolean {
  if (who.role === 'hub' && hubSubscriptions(prefix).includes(filter)) return true;
  const m = matchTopic(filter, prefix);
  return m !== null && readers(m.kind).includes(who.role) && own(m, who);
}

type Acl = { acltype: string; topic: string; allow: true };
const acl = (acltype: string, topic: string): Acl => ({ acltype, topic, allow: true });

/** A kind's topics as an MQTT pattern: `+` for a device id, `#` from an area path on. */
function pattern(kind: Kind, prefix: string): string {
  const p: string = TOPIC_TABLE[kind].pattern;
  const area = p.indexOf('{areaPath}');
  return `${prefix}/${(area < 0 ? p : `${p.slice(0, area)}#`).replace('{deviceId}', '+')}`;
}

/** The Mosquitto role of a device: exactly what mayPublish/maySubscribe allow it. */
export function deviceAcls(prefix: string, deviceId: string, areaPath: string): Acl[] {
  const areas = areaAncestry(areaPath);
  const sends = KINDS.filter((k) => TOPIC_TABLE[k].from === 'device').flatMap((k) =>
    (TOPIC_TABLE[k].pattern as string).includes('{areaPath}')
      ? areas.map((a) => topicOf(k, { areaPath: a } as never, prefix))
      : [topicOf(k, { deviceId } as never, prefix)],
  );
  return [
    // Each kind by name (not evt/#, which would admit any).
    ...sends.map((t) => acl('publishClientSend', t)),
    // Literal: a wildcard filter that merely covers these topics is refused.
    ...deviceSubscriptions(deviceId, areas, prefix).map((t) => acl('subscribeLiteral', t)),
  ];
}

/** The Mosquitto role of the hub for wardcast's topics (the control topic is added by the caller). */
export function hubAcls(prefix: string): Acl[] {
  const sends = KINDS.filter((k) => TOPIC_TABLE[k].from === 'hub' || TOPIC_TABLE[k].retain);
  const reads = hubSubscriptions(prefix);
  return [
    ...sends.map((k) => acl('publishClientSend', pattern(k, prefix))),
    ...reads.map((f) => acl('publishClientReceive', f)),
    ...reads.map((f) => acl('subscribePattern', f)),
  ];
}
