// Limits before trust on the embedded broker: an oversized CONNECT is closed from its fixed header,
// before authentication and before its body is buffered (TCP and WebSocket); a connection that
// never completes its CONNECT is closed; a device's oversized PUBLISH closes its connection too.
import net from 'node:net';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { oversizedConnect } from '../../test/helpers/oversized-connect.ts';
import { startEmbeddedBroker, PACKET_MAX_BYTES } from './embedded-broker.ts';
import { PacketMeter } from './packet-guard.ts';

const MiB = 1024 * 1024;
let t: TestHub;
let creds: { mqttUsername: string; mqttPassword: string };

beforeAll(async () => {
  t = await startTestHub();
  await t.admin.post('/api/v1/areas', { slug: 'ha-noi', name: 'Hà Nội', level: 'province' });
  const { enrolToken } = await t.admin.post('/api/v1/devices', {
    id: 'loa-a',
    name: 'A',
    kind: 'speaker',
    areaPath: 'ha-noi',
  });
  creds = await t.api.post('/api/v1/enrol', { token: enrolToken, publicKey: generateSigningKeys().publicKeyPem });
});
afterAll(() => t?.stop());

describe('packet meter', () => {
  it('follows packet boundaries across chunks and names the oversized one', () => {
    const m = new PacketMeter();
    const limit = () => 200;
    // two packets of 3 and 130 bytes (two length bytes), split at awkward places
    const stream = Buffer.concat([
      Buffer.from([0x10, 3, 1, 2, 3, 0x30, 0x82, 0x01]),
      Buffer.alloc(130),
      Buffer.from([0x30, 0xc9, 0x01]),
    ]);
    expect(m.feed(stream.subarray(0, 6), limit)).toBeNull();
    expect(m.feed(stream.subarray(6, 7), limit)).toBeNull();
    expect(m.feed(stream.subarray(7, 140), limit)).toBeNull();
    expect(m.packets).toBe(2);
    expect(m.feed(stream.subarray(140), limit)).toMatch(/packet 3 announces 201 bytes/);
    expect(new PacketMeter().feed(Buffer.from([0x30, 0xc9, 0x01]), limit)).toMatch(/announces 201 bytes \(limit 200\)/);
    expect(new PacketMeter().feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]), () => Infinity)).toMatch(
      /malformed/,
    );
  });
});

describe('embedded broker limits', () => {
  it('closes a flood of concurrent 120 MiB CONNECTs from the fixed header, before authentication, and memory stays bounded', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => oversizedConnect({ host: '127.0.0.1', port: t.hub.mqttPort! }, 120 * MiB)),
    );
    const grown = process.memoryUsage().rss - before;
    for (const r of results) {
      expect(r.closedByBroker).toBe(true);
      expect(r.sent).toBeLessThan(120 * MiB);
    }
    // Loose on purpose: the old broker grew by the announced size per connection (8 × 120 MiB).
    expect(grown).toBeLessThan(200 * MiB);
    const metrics = await t.admin.get('/metrics');
    expect(metrics).toMatch(/wardcast_mqtt_rejected_total\{reason="mqtt-refused"\} [1-9]/);
  });

  it('closes an oversized CONNECT over WebSocket at /mqtt too', async () => {
    const r = await oversizedConnect({ wsUrl: `ws://127.0.0.1:${t.hub.httpPort}/mqtt` }, 120 * MiB);
    expect(r.closedByBroker).toBe(true);
    expect(r.sent).toBeLessThan(120 * MiB);
  });

  it('still admits a device, and closes its connection when it publishes more than the packet limit', async () => {
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${t.hub.mqttPort}`, {
      clientId: 'loa-a',
      username: 'loa-a',
      password: creds.mqttPassword,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.on('error', () => {});
    client.publish(topics().deviceEvent('loa-a', 'telemetry'), Buffer.alloc(PACKET_MAX_BYTES + 1), { qos: 0 });
    await closed;
    expect(client.connected).toBe(false);
    client.end(true);
  });
});

describe('connect timeout', () => {
  it('closes a connection that sends half a CONNECT and then nothing', async () => {
    const broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: 0,
      topicPrefix: 'wardcast/v1',
      hubSecret: 'x'.repeat(24),
      log: pino({ level: 'silent' }),
      authenticateDevice: async () => null,
      connectTimeoutMs: 300,
    });
    try {
      await broker.openToDevices();
      const s = net.connect(broker.port!, '127.0.0.1');
      s.on('error', () => {});
      await new Promise<void>((r) => s.once('connect', () => r()));
      s.write(Buffer.from([0x10, 40, 0, 4, 0x4d, 0x51])); // "MQ" of 40 announced bytes
      await new Promise<void>((r) => s.once('close', () => r()));
      expect(s.destroyed).toBe(true);
    } finally {
      await broker.close();
    }
  });
});
