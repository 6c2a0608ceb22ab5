// The MQTT session (MQTT 3.1.1, clean session). Each connection attempt takes the next persisted
// session number; the retained birth {state:'online', session, ...} and the retained last will
// {state:'offline', session, deviceId} carry it, so the hub can ignore an old will that arrives
// after a newer birth. Subscriptions: own cmd, schedule and reply topics, and the command topic of
// every area the device is in (its area and each ancestor), and the hub's retained status (emitted
// as 'hub-status', never passed on as a hub message: it is unsigned). Reconnects are ours, not
// MQTT.js's: exponential backoff with jitter (1 s doubling to 15 s, ±30 %; config), because after a
// broker restart thousands of agents reconnect at once - and because every attempt needs a new will.
// The birth carries manifestVersion (the applied manifest's version, 0 for none) so the hub can
// republish a manifest the device is missing.
import { EventEmitter } from 'node:events';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  createPublisher,
  deviceSubscriptions,
  willOf,
  type Body,
  type DeviceKind,
  type DeviceStatus,
  type KindFrom,
  type PublishClient,
  type TopicParams,
  type Topics,
} from '../protocol/index.ts';
import { backoffDelay, type BackoffOptions } from './backoff.ts';
import type { HubTrust } from './tls-options.ts';

export interface SessionOptions {
  url: string;
  deviceId: string;
  username: string;
  password: string;
  topics: Topics;
  areaPaths: string[];
  kind: DeviceKind;
  agentVersion: string;
  capabilities: string[];
  /** increments and returns the persisted session counter */
  nextSession: () => number;
  hubNow: () => number;
  /** the applied manifest's version, 0 for none (sent in every birth) */
  manifestVersion: () => number;
  backoff: BackoffOptions;
  log: Logger;
  connectTimeoutMs?: number;
  keepaliveS?: number;
  /** TLS trust for mqtts:// and wss:// (the CA), and TLS failures named in the log */
  trust?: HubTrust;
}

/**
 * Events: 'subscribing' (session number; retained messages follow), 'connected' (session number),
 * 'disconnected', 'message' (topic, payload Buffer), 'hub-status' (payload Buffer).
 */
/** What the session tells the agent: each event's listener arguments. */
export type SessionEvents = {
  /** a message on hub/status (unsigned; hub-presence.ts judges it) */
  'hub-status': [payload: Buffer];
  /** any other message on the agent's subscriptions */
  message: [topic: string, payload: Buffer];
  disconnected: [];
  /** connected, about to subscribe (the session number counts this run's sessions) */
  subscribing: [session: number];
  /** subscribed and the birth published */
  connected: [session: number];
};

export class MqttSession extends EventEmitter<SessionEvents> {
  private client: MqttClient | null = null;
  private session = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private isUp = false;

  constructor(private readonly opts: SessionOptions) {
    super();
  }

  // The only place the agent calls the MQTT client's publish; everything goes through the topic
  // table (protocol/publish.ts), which gives each kind its topic, QoS and retain flag.
  private publisherFor(client: MqttClient) {
    const raw: PublishClient = { publish: (topic, payload, o) => client.publishAsync(topic, payload, o) };
    return createPublisher(raw, this.opts.topics.prefix);
  }

  get connected(): boolean {
    return this.isUp && !!this.client?.connected;
  }

  get sessionNumber(): number {
    return this.session;
  }

  /** Topics subscribed on every connection. */
  subscriptions(): string[] {
    const { topics: t, deviceId, areaPaths } = this.opts;
    // The hub's status is subscribed on its own (see onConnected).
    return deviceSubscriptions(deviceId, areaPaths, t.prefix).filter((topic) => topic !== t.hubStatus);
  }

  start(): void {
    this.stopping = false;
    this.connect();
  }

  private status(state: 'online' | 'offline'): DeviceStatus {
    const base = { state, session: this.session, deviceId: this.opts.deviceId };
    if (state === 'offline') return base;
    return {
      ...base,
      kind: this.opts.kind,
      agentVersion: this.opts.agentVersion,
      capabilities: this.opts.capabilities,
      at: Math.round(this.opts.hubNow()),
      manifestVersion: this.opts.manifestVersion(),
    };
  }

  private connect(): void {
    const { opts } = this;
    this.session = opts.nextSession();
    const client = mqtt.connect(opts.url, {
      clientId: opts.deviceId,
      username: opts.username,
      password: opts.password,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      connectTimeout: opts.connectTimeoutMs ?? 10_000,
      keepalive: opts.keepaliveS ?? 30,
      // Off: mqtt-packet would otherwise build 65,536 two-byte Buffers for packet ids on the first
      // write, about 6 MB of heap held for good, for a device that publishes a few messages a minute.
      writeCache: false,
      will: willOf('deviceStatus', { deviceId: opts.deviceId }, this.status('offline'), opts.topics.prefix),
      ...opts.trust?.mqtt,
    });
    this.client = client;
    const session = this.session;
    let closed = false;

    client.on('connect', () => {
      if (this.client !== client) return;
      this.attempt = 0;
      opts.log.info({ session, url: opts.url }, 'mqtt connected');
      // No Nagle: a clock request held back for the ACK of the previous write (tens of ms with
      // delayed ACKs) lengthens one leg of the round trip and skews the hub-time estimate.
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      void this.onConnected(client, session);
    });
    client.on('message', (topic, payload) => {
      if (this.client !== client) return;
      if (topic === opts.topics.hubStatus) this.emit('hub-status', payload);
      else this.emit('message', topic, payload);
    });
    client.on('error', (err) => {
      const tls = opts.trust?.describe(err, opts.url);
      if (tls) opts.log.error({ session, code: (err as NodeJS.ErrnoException).code }, tls);
      else opts.log.warn({ err: err.message, session }, 'mqtt error');
    });
    client.on('close', () => {
      if (closed) return;
      closed = true;
      if (this.client !== client) return;
      const wasUp = this.isUp;
      this.isUp = false;
      if (wasUp) {
        opts.log.warn({ session }, 'mqtt connection lost');
        this.emit('disconnected');
      }
      if (!this.stopping) this.scheduleReconnect();
    });
  }

  private async onConnected(client: MqttClient, session: number): Promise<void> {
    const { opts } = this;
    try {
      this.emit('subscribing', session);
      const grants = await client.subscribeAsync(
        Object.fromEntries(this.subscriptions().map((t) => [t, { qos: 1 as const }])),
      );
      for (const g of grants)
        if (g.qos === 128) opts.log.error({ topic: g.topic }, 'the broker refused a subscription');
      // On its own: MQTT.js fails a whole SUBSCRIBE when one topic is refused, and a broker whose
      // access rules predate hub/status refuses it. The agent then works as before, without the
      // prompt reaction to a hub restart.
      await client.subscribeAsync(opts.topics.hubStatus, { qos: 1 }).catch((err) => {
        opts.log.warn(
          { err: (err as Error).message, topic: opts.topics.hubStatus },
          'cannot subscribe to the hub status; a restarted hub is noticed on the next retry instead',
        );
      });
      await this.publishBirth(client);
    } catch (err) {
      opts.log.warn({ err: (err as Error).message, session }, 'mqtt session setup failed');
      client.end(true);
      return;
    }
    if (this.client !== client || !client.connected) return;
    this.isUp = true;
    this.emit('connected', session);
  }

  private publishBirth(client: MqttClient): Promise<unknown> {
    return this.publisherFor(client).publish('deviceStatus', { deviceId: this.opts.deviceId }, this.status('online'));
  }

  /**
   * Publishes the birth again on this connection, with the SAME session number: the will the broker
   * holds for this connection carries that number, and a higher one in the birth would make the hub
   * ignore that will when this connection dies (the device would look online forever).
   */
  async republishBirth(): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) return;
    await this.publishBirth(client);
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.opts.backoff);
    this.opts.log.info({ inMs: delay, attempt: this.attempt }, 'mqtt reconnect scheduled');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.client?.removeAllListeners('message');
      this.client?.end(true);
      if (!this.stopping) this.connect();
    }, delay);
  }

  /** A device → hub message, with the topic, QoS and retain flag of its kind; rejects while not connected. */
  async publish<K extends KindFrom<'device'>>(kind: K, target: TopicParams<K>, body: Body<K>): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) throw new Error('not connected to the broker');
    await this.publisherFor(client).publish(kind, target, body);
  }

  /** Publishes the offline status (a graceful stop sends no will) and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    if (!client) return;
    if (this.connected) {
      await Promise.race([
        this.publisherFor(client)
          .publish('deviceStatus', { deviceId: this.opts.deviceId }, this.status('offline'))
          .catch(() => undefined),
        new Promise((r) => setTimeout(r, 2000)),
      ]);
    }
    this.isUp = false;
    await Promise.race([client.endAsync(false).catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    client.end(true);
  }
}
