// The hub's session begins before any device's. After a restart a whole fleet reconnects at once;
// when the hub's own client shared their listener it queued behind them and, past its 10 s start
// deadline, the hub exited. So the hub's client has a loopback listener of its own from the start,
// and the device listeners open only when the hub asks (openToDevices, after its client is in).
import net from 'node:net';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/helpers/ports.ts';
import { HUB_CLIENT_USERNAME, startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker.ts';

const SECRET = 'h'.repeat(24);
let broker: EmbeddedBroker | undefined;
afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

const login = (url: string, clientId: string, username: string, password: string) =>
  mqtt.connectAsync(url, {
    clientId,
    username,
    password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 2000,
  });

describe('embedded broker start order', () => {
  it('lets the hub in on its own listener while the device port is still closed, then opens it', async () => {
    const devicePort = await freePort();
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: devicePort,
      topicPrefix: 'wardcast/v1',
      hubSecret: SECRET,
      log: pino({ level: 'silent' }),
      authenticateDevice: async (id, pw) => (id === 'loa-1' && pw === 'pw' ? 'vn/hn/hd' : null),
    });
    expect(broker.port).toBeNull();
    expect(await reachable(devicePort)).toBe(false);
    const hub = await login(broker.hubUrl, 'hub', HUB_CLIENT_USERNAME, SECRET);
    expect(hub.connected).toBe(true);

    await broker.openToDevices();
    expect(broker.port).toBe(devicePort);
    const device = await login(`mqtt://127.0.0.1:${devicePort}`, 'loa-1', 'loa-1', 'pw');
    expect(device.connected).toBe(true);
    // The hub's listener is the same broker: both clients are counted there.
    expect(broker.connectedClients()).toBe(2);
    await Promise.all([hub.endAsync(true), device.endAsync(true)]);
  });

  it('opens no plain device listener when given no port, and refuses a device login on the hub listener', async () => {
    broker = await startEmbeddedBroker({
      topicPrefix: 'wardcast/v1',
      hubSecret: SECRET,
      log: pino({ level: 'silent' }),
      authenticateDevice: async () => null,
    });
    await broker.openToDevices();
    expect(broker.port).toBeNull();
    expect(broker.tlsPort).toBeNull();
    // Loopback access is no login: the listener runs the same authentication as any other.
    const refused = await login(broker.hubUrl, 'loa-x', 'loa-x', 'guess').catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).toMatch(/Not authorized|Bad username|refused/i);
  });
});
