// The embedded broker answers a literal subscription's retained message from its index by topic:
// the latest one published, none once cleared, exactly as aedes' own scan did.
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { HUB_CLIENT_USERNAME, startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';

const PREFIX = 'wardcast/v1';
const SECRET = 's'.repeat(24);
const t = topics(PREFIX);
let broker: EmbeddedBroker;
const clients: mqtt.MqttClient[] = [];
const hubLogin = async (clientId: string) => {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    clientId,
    username: HUB_CLIENT_USERNAME,
    password: SECRET,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    topicPrefix: PREFIX,
    hubSecret: SECRET,
    log: pino({ level: 'silent' }),
    // Any device id logs in with the password 'pw', in one area.
    authenticateDevice: async (_id, pw) => (pw === 'pw' ? 'ha-noi' : null),
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker.close();
});

/** What device `id` gets as retained when it subscribes to `filters` (a live hub status marks the end). */
async function retainedFor(id: string, filters: string[]): Promise<Array<[string, string]>> {
  const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
    clientId: id,
    username: id,
    password: 'pw',
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  clients.push(c);
  const got: Array<[string, string]> = [];
  let end: () => void = () => {};
  const ended = new Promise<void>((r) => {
    end = r;
  });
  c.on('message', (topic, payload, packet) => {
    if (packet.retain) got.push([topic, payload.toString()]);
    else if (payload.toString() === 'end') end();
  });
  await c.subscribeAsync([...filters, t.hubStatus], { qos: 1 });
  await hub.publishAsync(t.hubStatus, 'end', { qos: 1 });
  await ended;
  return got;
}

let hub: mqtt.MqttClient;

describe('retained messages on the embedded broker', () => {
  it('gives a literal subscription the latest retained message of each topic, and none once cleared', async () => {
    hub = await hubLogin('hub');
    const a = t.deviceSchedule('loa-a');
    const b = t.deviceSchedule('loa-b');
    const c = t.deviceSchedule('loa-c');
    await hub.publishAsync(a, 'a1', { qos: 1, retain: true });
    await hub.publishAsync(a, 'a2', { qos: 1, retain: true });
    await hub.publishAsync(b, 'b1', { qos: 1, retain: true });
    await hub.publishAsync(c, 'c1', { qos: 1, retain: true });
    await hub.publishAsync(c, '', { qos: 1, retain: true }); // cleared
    await hub.publishAsync(t.hubStatus, 'online', { qos: 1, retain: true });

    expect(await retainedFor('loa-a', [a])).toEqual([
      [a, 'a2'],
      [t.hubStatus, 'online'],
    ]);
    expect(await retainedFor('loa-b', [b])).toEqual([
      [b, 'b1'],
      [t.hubStatus, 'online'],
    ]);
    expect(await retainedFor('loa-c', [c])).toEqual([[t.hubStatus, 'online']]);
  });
});
