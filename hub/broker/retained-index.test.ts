// The embedded broker answers a literal subscription's retained message from its index by topic:
// the latest one published, none once cleared, exactly as aedes' own scan did.
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { useEmbeddedBroker } from '../../test/helpers/embedded-broker.ts';

const PREFIX = 'wardcast/v1';
const SECRET = 's'.repeat(24);
const t = topics(PREFIX);
const env = useEmbeddedBroker({
  topicPrefix: PREFIX,
  hubSecret: SECRET,
  // Any device id logs in with the password 'pw', in one area.
  authenticateDevice: async (_id, pw) => (pw === 'pw' ? 'ha-noi' : null),
});
const hubLogin = env.hubLogin;

/** What device `id` gets as retained when it subscribes to `filters` (a live hub status marks the end). */
async function retainedFor(id: string, filters: string[]): Promise<Array<[string, string]>> {
  const c = await env.login(id, id, 'pw');
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

let hub: MqttClient;

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
