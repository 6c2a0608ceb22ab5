// The one way hub and agent publish: publish(kind, target, body) builds the topic from the table,
// checks the body against the kind's schema and takes QoS and retain from the table, so no call
// site can drift from what docs/protocol.md and the AsyncAPI document say. The MQTT client stays
// outside: anything with a promise-returning publish(topic, payload, {qos, retain}) will do.
import { describeZodError } from './schemas.ts';
import {
  DEFAULT_TOPIC_PREFIX,
  TOPIC_TABLE,
  topicOf,
  type Body,
  type Kind,
  type RetainedKind,
  type TopicParams,
} from './topics.ts';

/** The least a client must offer (the hub's HubMqtt and the agent's MqttSession do). */
export interface PublishClient {
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain: boolean }): Promise<unknown>;
}

declare const ENCODED: unique symbol;
/** A body already checked and serialised for `K` (the hub's command outbox stores these). */
export type Encoded<K extends Kind> = string & { readonly [ENCODED]: K };

/** Throws naming the kind and the problem when `body` does not fit the kind's schema. */
export function checkBody<K extends Kind>(kind: K, body: Body<K>): void {
  // A hub envelope was made by seal() from a typed body and is verified and parsed by the agent;
  // parsing it again here would double the work of every fan-out and manifest refresh.
  if ((TOPIC_TABLE[kind] as { signed?: string }).signed === 'hub') return;
  const r = TOPIC_TABLE[kind].schema.safeParse(body);
  if (!r.success) throw new Error(`not a valid ${kind} message: ${describeZodError(r.error)}`);
}

/** Checks and serialises a body once, to be stored and published later as it is. */
export function encode<K extends Kind>(kind: K, body: Body<K>): Encoded<K> {
  checkBody(kind, body);
  return JSON.stringify(body) as Encoded<K>;
}

/** A payload that encode() made earlier and that was stored since (read back from the outbox). */
export const storedPayload = <K extends Kind>(_kind: K, json: string): Encoded<K> => json as Encoded<K>;

export interface Publisher {
  /**
   * Publishes `body` on the topic of `kind` for `target`, with the kind's QoS and retain flag.
   * Rejects (never throws) on a bad id or body, and when the client rejects.
   */
  publish<K extends Kind>(kind: K, target: TopicParams<K>, body: Body<K> | Encoded<K>): Promise<void>;
  /** Deletes the broker's retained copy of a retained kind (an empty retained message). */
  clearRetained<K extends RetainedKind>(kind: K, target: TopicParams<K>): Promise<void>;
}

/** A last will for a client's connect options, with the topic, QoS and retain flag of its kind. */
export function willOf<K extends Kind>(
  kind: K,
  target: TopicParams<K>,
  body: Body<K>,
  prefix = DEFAULT_TOPIC_PREFIX,
): { topic: string; payload: string; qos: 0 | 1; retain: boolean } {
  checkBody(kind, body);
  const { qos, retain } = TOPIC_TABLE[kind];
  return { topic: topicOf(kind, target, prefix), payload: JSON.stringify(body), qos, retain };
}

export function createPublisher(client: PublishClient, prefix = DEFAULT_TOPIC_PREFIX): Publisher {
  return {
    async publish(kind, target, body) {
      const topic = topicOf(kind, target, prefix);
      if (typeof body !== 'string') checkBody(kind, body);
      const { qos, retain } = TOPIC_TABLE[kind];
      await client.publish(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos, retain });
    },
    async clearRetained(kind, target) {
      await client.publish(topicOf(kind, target, prefix), '', { qos: TOPIC_TABLE[kind].qos, retain: true });
    },
  };
}
