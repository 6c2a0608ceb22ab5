// An embedded broker (hub/broker/embedded-broker.ts) on a free local port for one test file, and
// MQTT 3.1.1 clients logged in to it; the clients are ended and the broker closed after the file.
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import {
  HUB_CLIENT_USERNAME,
  startEmbeddedBroker,
  type BrokerOptions,
  type EmbeddedBroker,
} from '../../hub/broker/embedded-broker.ts';

export type TestBrokerOptions = Pick<BrokerOptions, 'topicPrefix' | 'hubSecret' | 'authenticateDevice' | 'onRefused'>;

/** Call at the top of a file or describe block; `broker` is there once its beforeAll has run. */
export function useEmbeddedBroker(options: TestBrokerOptions) {
  const clients: MqttClient[] = [];
  const env = {
    broker: undefined as unknown as EmbeddedBroker,
    /** A client with these credentials, kept to be ended after the file. */
    async login(clientId: string, username: string, password: string): Promise<MqttClient> {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.broker.port}`, {
        clientId,
        username,
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      clients.push(c);
      return c;
    },
    /** A client with the hub's own login. */
    hubLogin: (clientId: string) => env.login(clientId, HUB_CLIENT_USERNAME, options.hubSecret),
  };
  beforeAll(async () => {
    env.broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }), ...options });
    await env.broker.openToDevices();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await env.broker?.close();
  });
  return env;
}
