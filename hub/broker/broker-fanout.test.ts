// The embedded broker says when it has passed on what it took. aedes acknowledges a QoS 1 publish
// before it fans it out, so the hub cannot learn that from its PUBACK; the dispatcher waits for
// `fanoutSettled()` before an emergency's manifests, which would otherwise share the event loop
// with the command's delivery. A subscriber that stops reading holds the fan-out until it reads
// again (or until the wait's limit), and each of its packets reaches it whole, in one piece.
import { describe, expect, it } from 'vitest';
import { topics } from '../../protocol/index.ts';
import { useEmbeddedBroker } from '../../test/helpers/embedded-broker.ts';

const PREFIX = 'wardcast/v1';
const SECRET = 's'.repeat(24);
const MiB = 1024 * 1024;
const topic = topics(PREFIX).hubStatus; // the hub's login may publish and subscribe it

const env = useEmbeddedBroker({ topicPrefix: PREFIX, hubSecret: SECRET, authenticateDevice: async () => 'vn/hn' });
const hubLogin = env.hubLogin;

const state = (p: Promise<void>) =>
  Promise.race([p.then(() => 'settled'), new Promise((r) => setTimeout(() => r('pending'), 300))]);

describe('embedded broker fan-out', () => {
  it('settles only once a subscriber that stopped reading has taken what was published before', async () => {
    const reader = await hubLogin('reader');
    const sender = await hubLogin('sender');
    const got: number[] = [];
    reader.on('message', (_t, payload) => got.push(payload.length));
    await reader.subscribeAsync(topic, { qos: 1 });

    expect(await state(env.broker.fanoutSettled())).toBe('settled'); // nothing in flight

    // 24 MiB to a reader that reads nothing: more than the loopback buffers take.
    (reader.stream as unknown as { pause(): void }).pause();
    const big = Buffer.alloc(2 * MiB, 0x61);
    await Promise.all(Array.from({ length: 12 }, () => sender.publishAsync(topic, big, { qos: 1 })));
    const settled = env.broker.fanoutSettled(60_000);
    expect(await state(settled)).toBe('pending');
    // A wait with a short limit ends by itself.
    expect(await state(env.broker.fanoutSettled(50))).toBe('settled');

    (reader.stream as unknown as { resume(): void }).resume();
    await settled;
    await new Promise<void>((resolve) => {
      const check = () => (got.length === 12 ? resolve() : setTimeout(check, 20));
      check();
    });
    expect(got).toEqual(Array(12).fill(2 * MiB));
  });

  it("survives thousands of messages queued behind a slow subscriber (a province's receipts, then telemetry)", async () => {
    // With a global limit of deliveries in flight, aedes queued the rest and, as each finished,
    // started the next in the same stack: messages nobody subscribes to finish at once, so the
    // stack grew with the queue and the hub died of a RangeError at 10,000 agents (fleet run).
    const T = topics(PREFIX);
    const hub = await hubLogin('hub-slow');
    let got = 0;
    hub.on('message', () => got++);
    await hub.subscribeAsync(T.deviceEvent('x', 'receipt').replace('/x/', '/+/'), { qos: 1 });
    const senders = await Promise.all(Array.from({ length: 300 }, (_, i) => env.login(`r${i}`, `r${i}`, 'pw')));
    const chatty = await Promise.all(Array.from({ length: 50 }, (_, i) => env.login(`t${i}`, `t${i}`, 'pw')));
    (hub.stream as unknown as { pause(): void }).pause();
    // 300 receipts of 64 KiB to the hub that reads nothing: their deliveries wait for a drain.
    for (const [i, d] of senders.entries())
      d.publish(T.deviceEvent(`r${i}`, 'receipt'), Buffer.alloc(64 * 1024), { qos: 0 });
    await new Promise((r) => setTimeout(r, 500));
    // 20,000 telemetry messages nobody subscribes to, behind them.
    for (const [i, d] of chatty.entries())
      for (let k = 0; k < 400; k++) d.publish(T.deviceEvent(`t${i}`, 'telemetry'), Buffer.alloc(10), { qos: 0 });
    await new Promise((r) => setTimeout(r, 1000));
    (hub.stream as unknown as { resume(): void }).resume();
    await expect.poll(() => got, { timeout: 20_000, interval: 50 }).toBe(300);
    expect(env.broker.connectedClients()).toBeGreaterThanOrEqual(351); // nobody was dropped
  });
});
