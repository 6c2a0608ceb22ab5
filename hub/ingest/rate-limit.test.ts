// Per-device rate limits on the hub's ingest: 5,000 clock requests from one device are mostly
// dropped (counted in /metrics), while another device is answered as usual.
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { createRateLimiter } from './rate-limit.ts';

const tp = topics();
let t: TestHub;
const clients: MqttClient[] = [];

async function device(id: string): Promise<{ client: MqttClient; replies: () => number }> {
  const { enrolToken } = await t.admin.post('/api/v1/devices', { id, name: id, kind: 'speaker', areaPath: 'ha-noi' });
  const creds = await t.api.post('/api/v1/enrol', { token: enrolToken, publicKey: generateSigningKeys().publicKeyPem });
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.hub.mqttPort}`, {
    clientId: id,
    username: id,
    password: creds.mqttPassword,
    protocolVersion: 4,
    reconnectPeriod: 0,
  });
  clients.push(client);
  let n = 0;
  client.on('message', (_topic, payload) => {
    if (JSON.parse(payload.toString()).body?.type === 'clock-reply') n++;
  });
  await client.subscribeAsync(tp.deviceReply(id), { qos: 0 });
  return { client, replies: () => n };
}

const metric = (text: string, name: string, kind: string) =>
  Number(new RegExp(`${name}\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);

beforeAll(async () => {
  t = await startTestHub();
  await t.admin.post('/api/v1/areas', { slug: 'ha-noi', name: 'Hà Nội', level: 'province' });
});
afterAll(async () => {
  for (const c of clients) await c.endAsync().catch(() => {});
  await t?.stop();
});

describe('token bucket', () => {
  it('allows the burst, refills at the rate, and logs a drop once per window', () => {
    let now = 0;
    const logged: Array<number | null> = [];
    const l = createRateLimiter({
      rates: { clock: { burst: 3, perSecond: 1 } },
      now: () => now,
      onDrop: (_d, _k, n) => logged.push(n),
      logEveryMs: 10_000,
    });
    expect([1, 2, 3, 4, 5].map(() => l.take('a', 'clock'))).toEqual([true, true, true, false, false]);
    expect(l.take('b', 'clock')).toBe(true); // another device has its own bucket
    expect(l.take('a', 'receipt')).toBe(true); // kinds without a rate are not limited
    now = 1000;
    expect([l.take('a', 'clock'), l.take('a', 'clock')]).toEqual([true, false]);
    now = 20_000;
    for (let i = 0; i < 5; i++) l.take('a', 'clock');
    expect(logged).toEqual([1, null, null, 3, null]); // the second line counts the drops since the first
  });
});

describe('per-device rate limit on the ingest', () => {
  it('drops a flood of clock requests from one device while another device is served', async () => {
    const flooder = await device('loa-flood');
    const other = await device('loa-other');
    const N = 5000;
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        flooder.client.publishAsync(
          tp.deviceEvent('loa-flood', 'clock'),
          JSON.stringify({ requestId: `f${i}`, t0: Date.now() }),
          { qos: 1 },
        ),
      ),
    );
    const text = await t.admin.waitFor(
      async () => {
        const m = await t.admin.get('/metrics');
        return metric(m, 'wardcast_mqtt_messages_total', 'clock') >= N ? m : null;
      },
      30_000,
      'the hub to have read the flood',
    );
    const dropped = metric(text, 'wardcast_mqtt_rate_limited_total', 'clock');
    expect(dropped).toBeGreaterThan(N / 2);

    for (let i = 0; i < 3; i++)
      await other.client.publishAsync(
        tp.deviceEvent('loa-other', 'clock'),
        JSON.stringify({ requestId: `o${i}`, t0: Date.now() }),
        { qos: 1 },
      );
    await t.admin.waitFor(async () => other.replies() === 3, 10_000, 'replies to the other device');
    expect(flooder.replies()).toBe(N - dropped);
  });
});
