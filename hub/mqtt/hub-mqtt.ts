// The hub's own MQTT client. It talks to the embedded broker (or an external one) like any other
// client, so the same code works with aedes and mosquitto.
//
// Every connection is a new session: the broker may have lost everything since the last one (aedes
// keeps retained messages in memory; mosquitto may run without persistence). So each connection
// start runs the session-start handlers (presence reset, manifest republish, outbox flush) before
// anything is subscribed, then announces the hub on `hub/status` under a fresh instance id, whose
// last will is the same instance "offline".
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import {
  DEFAULT_TOPIC_PREFIX,
  HubStatus,
  createPublisher,
  parseJson,
  topicOf,
  willOf,
  type PublishClient,
} from '../../protocol/index.ts';

export interface HubMqtt extends PublishClient {
  /**
   * QoS 1 resolves at the broker's PUBACK, QoS 0 once written. Never waits for a broker that is not
   * there: it rejects at once while disconnected, and when the connection drops before the ack
   * (nothing is kept for the next connection; what matters is republished by its owner).
   */
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  /** `retained`: delivered from the broker's store on subscribing, i.e. old news, not a live message. */
  onMessage(handler: (topic: string, payload: Buffer, retained: boolean) => void): void;
  /** Runs at every connection start (the first included), before any subscription is made. */
  onSessionStart(handler: (instance: string) => void): void;
  /** Runs when a connection is lost. */
  onSessionEnd(handler: () => void): void;
  /** Connects; resolves at the first connection, rejects if there is none within 10 s. */
  start(): Promise<void>;
  close(): Promise<void>;
  connected(): boolean;
  /** The current connection's instance id (as in the hub's birth and will). */
  instance(): string;
  /** Subscribes now; the topics are also renewed on every reconnect (clean sessions). */
  resubscribe(topics: string[]): Promise<void>;
}

export interface HubMqttOptions {
  username?: string;
  password?: string;
  subscriptions: string[];
  /** The topic prefix (default `wardcast/v1`): the hub's retained birth and last will go on its hub/status. */
  topicPrefix?: string;
  log: Logger;
  reconnectPeriodMs?: number;
  now?: () => number;
  /** CA certificates for an mqtts:// or wss:// broker (default: the public CAs); never unverified. */
  ca?: Buffer;
}

export function createHubMqtt(url: string, opts: HubMqttOptions): HubMqtt {
  const { log } = opts;
  const now = opts.now ?? Date.now;
  const prefix = opts.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const statusTopic = topicOf('hubStatus', {}, prefix);
  const subscriptions = new Set([...opts.subscriptions, statusTopic]);
  const messageHandlers: Array<(topic: string, payload: Buffer, retained: boolean) => void> = [];
  const startHandlers: Array<(instance: string) => void> = [];
  const endHandlers: Array<() => void> = [];
  let instance = randomUUID();
  let client: MqttClient | null = null;

  const status = (state: 'online' | 'offline'): HubStatus => ({ state, instance, at: now() });
  // The only place the hub calls the MQTT client's publish; everything else goes through the
  // table (protocol/publish.ts). Births and the goodbye use the connection at hand directly.
  const send = (c: MqttClient, topic: string, payload: string, o: { qos: 0 | 1; retain?: boolean }) =>
    new Promise<void>((resolve, reject) =>
      c.publish(topic, payload, { qos: o.qos, retain: o.retain ?? false }, (err) => (err ? reject(err) : resolve())),
    );
  const on = (c: MqttClient) => createPublisher({ publish: (topic, payload, o) => send(c, topic, payload, o) }, prefix);
  const will = () => willOf('hubStatus', {}, status('offline'), prefix);

  function publishBirth(c: MqttClient) {
    on(c)
      .publish('hubStatus', {}, status('online'))
      .catch((err) => log.warn({ err: err.message }, 'hub birth not acknowledged'));
  }

  function runAll<A extends unknown[]>(handlers: Array<(...a: A) => void>, ...args: A) {
    for (const h of handlers) {
      try {
        h(...args);
      } catch (err) {
        log.error({ err }, 'hub mqtt session handler failed');
      }
    }
  }

  function wire(c: MqttClient) {
    c.on('connect', () => {
      log.info({ url, instance }, 'hub mqtt connected');
      // No Nagle: a clock reply held for the ACK of the previous write skews the agents' hub time.
      (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      runAll(startHandlers, instance);
      publishBirth(c);
      c.subscribe([...subscriptions], { qos: 1 }, (err) => err && log.error({ err }, 'hub mqtt subscribe failed'));
    });
    // The next connection is a new hub instance; its will must name it.
    c.on('reconnect', () => {
      instance = randomUUID();
      c.options.will = will();
    });
    c.on('close', () => {
      // Drop what is in flight instead of letting mqtt.js resend it on the next connection: the
      // outbox resends commands, manifests are republished, and an old retained manifest resent
      // after a newer one would become the broker's retained copy.
      const inFlight = Object.keys(c.outgoing ?? {});
      for (const id of inFlight) c.removeOutgoingMessage(Number(id));
      if (inFlight.length)
        log.warn({ dropped: inFlight.length }, 'hub mqtt: unacknowledged publishes dropped with the connection');
      runAll(endHandlers);
    });
    c.on('error', (err) => log.warn({ err: err.message }, 'hub mqtt error'));
    c.on('offline', () => log.warn('hub mqtt offline'));
    c.on('message', (topic, payload, packet) => {
      if (topic === statusTopic) return onHubStatus(c, payload);
      for (const h of messageHandlers) h(topic, payload, packet.retain === true);
    });
  }

  // A will of one of our earlier connections can reach the broker after this connection's birth
  // (a half-open connection the broker notices late): it would leave "offline" retained. Answer it.
  function onHubStatus(c: MqttClient, payload: Buffer) {
    const s = parseJson(HubStatus, payload);
    if (s.ok && s.value.state === 'offline' && s.value.instance !== instance) {
      log.info({ stale: s.value.instance }, 'an old hub will arrived after our birth; announcing again');
      publishBirth(c);
    }
  }

  return {
    start() {
      const c = mqtt.connect(url, {
        protocolVersion: 4,
        clientId: `wardcast-hub-${process.pid}-${Date.now().toString(36)}`,
        username: opts.username,
        password: opts.password,
        clean: true,
        // Subscriptions are made by the connect handler after the session-start handlers ran.
        resubscribe: false,
        reconnectPeriod: opts.reconnectPeriodMs ?? 2000,
        connectTimeout: 10_000,
        keepalive: 30,
        will: will(),
        ...(opts.ca ? { ca: opts.ca } : {}),
        rejectUnauthorized: true,
      });
      client = c;
      wire(c);
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => {
          c.end(true);
          reject(new Error(`cannot connect to MQTT broker at ${url} within 10 s`));
        }, 10_000);
        c.once('connect', () => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    publish: (topic, payload, o) =>
      client?.connected ? send(client, topic, payload, o) : Promise.reject(new Error('MQTT broker not connected')),
    onMessage: (handler) => void messageHandlers.push(handler),
    onSessionStart: (handler) => void startHandlers.push(handler),
    onSessionEnd: (handler) => void endHandlers.push(handler),
    async close() {
      const c = client;
      if (!c) return;
      // A clean disconnect sends no will: say "offline" ourselves.
      if (c.connected) {
        await Promise.race([
          on(c)
            .publish('hubStatus', {}, status('offline'))
            .catch(() => undefined),
          new Promise<void>((r) => setTimeout(r, 1000).unref()),
        ]);
      }
      await new Promise<void>((resolve) => c.end(!c.connected, {}, () => resolve()));
    },
    async resubscribe(topics) {
      for (const t of topics) subscriptions.add(t);
      if (!client?.connected) return;
      const c = client;
      await new Promise<void>((resolve, reject) =>
        c.subscribe(topics, { qos: 1 }, (err) => (err ? reject(err) : resolve())),
      );
    },
    connected: () => client?.connected ?? false,
    instance: () => instance,
  };
}
