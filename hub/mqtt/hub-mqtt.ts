// The hub's own MQTT client. It talks to the embedded broker (or an external one) like any other
// client, so the same code works with aedes and mosquitto.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface HubMqtt {
  publish(topic: string, payload: unknown, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  onMessage(handler: (topic: string, payload: Buffer) => void): void;
  close(): Promise<void>;
  connected(): boolean;
  /** Subscribes now; the topics are also renewed on every reconnect (clean sessions). */
  resubscribe(topics: string[]): Promise<void>;
}

export async function connectHubMqtt(url: string, opts: { username?: string; password?: string; subscriptions: string[]; log: Logger }): Promise<HubMqtt> {
  const client: MqttClient = mqtt.connect(url, {
    protocolVersion: 4,
    clientId: `wardcast-hub-${process.pid}-${Date.now().toString(36)}`,
    username: opts.username,
    password: opts.password,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
  });
  client.on('connect', () => {
    opts.log.info({ url }, 'hub mqtt connected');
    if (opts.subscriptions.length) client.subscribe(opts.subscriptions, { qos: 1 }, (err) => err && opts.log.error({ err }, 'hub mqtt subscribe failed'));
  });
  client.on('error', (err) => opts.log.warn({ err: err.message }, 'hub mqtt error'));
  client.on('offline', () => opts.log.warn('hub mqtt offline'));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`cannot connect to MQTT broker at ${url} within 10 s`)), 10_000);
    client.once('connect', () => {
      clearTimeout(t);
      resolve();
    });
  });
  return {
    publish: (topic, payload, o) =>
      new Promise((resolve, reject) =>
        client.publish(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: o.qos, retain: o.retain ?? false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      ),
    onMessage: (handler) => client.on('message', (topic, payload) => handler(topic, payload)),
    close: () => new Promise((resolve) => client.end(false, {}, () => resolve())),
    resubscribe: (topics) => new Promise((resolve, reject) => client.subscribe(topics, { qos: 1 }, (err) => (err ? reject(err) : resolve()))),
    connected: () => client.connected,
  };
}
