// MQTT attacks, the same on every broker: an attacker without credentials, with wrong ones, or
// holding one device (led-hd: its password and its key) tries to connect as others, publish where
// only the hub or another device may, and read what is not its own. Each case asserts the refusal
// and that nothing changed.
import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { DISTRICT, HA_DINH, KIM_GIANG } from '../helpers/world.ts';
import { connectDevice, expectNothingChanged, sleep, tp, type BadActorWorld } from './world.ts';
import mqtt from 'mqtt';

/** Connect attempts that must be refused: [name, username, password source, client id]. */
function connectCases(x: () => BadActorWorld) {
  const pw = (id: 'led-hd' | 'led-kg' | 'loa-hd') => () => x().devices[id].password;
  return [
    ['anonymous (no username, no password)', undefined, () => undefined, 'anon-1'],
    ['an unknown username', 'khong-ton-tai', () => 'whatever-password', 'khong-ton-tai'],
    ["a device's id with a wrong password", 'led-kg', () => 'wrong-password-123', 'led-kg'],
    ["one device's password under another device's name", 'led-kg', pw('led-hd'), 'led-kg'],
    ["a device's id with an empty password", 'led-kg', () => '', 'led-kg'],
    ["the hub's username with a guessed password", 'wardcast-hub', () => 'admin', 'wardcast-hub-x'],
    ['the admin user of the web UI', 'admin', () => 'test-admin-password-1', 'admin'],
  ] as Array<[string, string | undefined, () => string | undefined, string]>;
}

const refusedConnect = async (
  url: string,
  username: string | undefined,
  password: string | undefined,
  clientId: string,
) => {
  const r = await mqtt
    .connectAsync(url, { clientId, username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 4000 })
    .then(async (c) => {
      await c.endAsync(true);
      return 'connected';
    })
    .catch((e: Error) => e.message);
  expect(r, `${username ?? '(anonymous)'} must not connect`).not.toBe('connected');
};

/** Publishes by the device that holds led-hd; resolves whether or not the broker kept the connection. */
async function publishAs(c: MqttClient, topic: string, payload: string | Buffer, retain = false) {
  await Promise.race([c.publishAsync(topic, payload, { qos: 1, retain }).catch(() => undefined), sleep(1500)]);
}

export function mqttAttacks(
  label: string,
  world: () => BadActorWorld,
  opts: { fresh: (id: 'led-hd') => Promise<MqttClient> },
) {
  const x = world;
  const victim = () => x().devices['led-kg'];
  const neighbour = () => x().devices['loa-hd'];
  /** What the victims' own sessions received since `mark`. */
  const receivedSince = (mark: number[]) =>
    [victim().received.slice(mark[0]), neighbour().received.slice(mark[1])].flat();
  const mark = () => [victim().received.length, neighbour().received.length];

  describe(`${label}: connecting`, () => {
    for (const [name, user, pass, clientId] of connectCases(x)) {
      it(`refuses ${name}`, () => expectNothingChanged(x(), () => refusedConnect(x().mqttUrl, user, pass(), clientId)));
    }
  });

  describe(`${label}: publishing where only others may (as the stolen led-hd)`, () => {
    const forged = (body: object) =>
      JSON.stringify({
        v: 2,
        id: '00000000-0000-4000-8000-000000000000',
        seq: 1,
        issuedAt: Date.now(),
        expiresAt: Date.now() + 60_000,
        to: { device: 'led-kg' },
        body,
        sig: 'AAAA',
      });
    const cases: Array<[string, () => string, () => string, boolean?]> = [
      [
        "led-kg's status: offline with a huge session, retained",
        () => tp.deviceStatus('led-kg'),
        () => JSON.stringify({ state: 'offline', session: 2 ** 40, deviceId: 'led-kg' }),
        true,
      ],
      [
        "led-kg's telemetry",
        () => tp.deviceEvent('led-kg', 'telemetry'),
        () =>
          JSON.stringify({
            deviceId: 'led-kg',
            at: Date.now(),
            clockOffsetMs: 0,
            clockDelayMs: 0,
            outboxSize: 0,
            cacheBytes: 0,
            scheduleVersion: 0,
            nowPlaying: 'gia-mao',
            rejected: {},
          }),
      ],
      ["led-kg's receipt topic", () => tp.deviceEvent('led-kg', 'receipt'), () => '{"id":"x"}'],
      [
        "led-kg's clock topic",
        () => tp.deviceEvent('led-kg', 'clock'),
        () => JSON.stringify({ requestId: 'r1', t0: Date.now() }),
      ],
      [
        "led-kg's schedule, retained",
        () => tp.deviceSchedule('led-kg'),
        () => forged({ type: 'schedule', deviceId: 'led-kg', version: 10 ** 9, from: 0, until: 1, items: [] }),
        true,
      ],
      [
        "led-kg's command topic",
        () => tp.deviceCommand('led-kg'),
        () => forged({ type: 'stop', broadcastId: 'x', reason: 'attack' }),
      ],
      [
        "led-kg's reply topic",
        () => tp.deviceReply('led-kg'),
        () => forged({ type: 'receipt-ack', receiptIds: ['00000000-0000-4000-8000-000000000001'] }),
      ],
      [
        'its own command topic',
        () => tp.deviceCommand('led-hd'),
        () => forged({ type: 'stop', broadcastId: 'x', reason: 'attack' }),
      ],
      [
        'its own schedule, retained',
        () => tp.deviceSchedule('led-hd'),
        () => forged({ type: 'schedule', deviceId: 'led-hd', version: 10 ** 9, from: 0, until: 1, items: [] }),
        true,
      ],
      [
        'its own reply topic',
        () => tp.deviceReply('led-hd'),
        () => forged({ type: 'receipt-ack', receiptIds: ['00000000-0000-4000-8000-000000000001'] }),
      ],
      [
        "its own ward's area command topic",
        () => tp.areaCommand(HA_DINH),
        () => forged({ type: 'stop', broadcastId: 'x', reason: 'attack' }),
      ],
      [
        "the district's area command topic",
        () => tp.areaCommand(DISTRICT),
        () => forged({ type: 'stop', broadcastId: 'x', reason: 'attack' }),
      ],
      [
        "another ward's area command topic",
        () => tp.areaCommand(KIM_GIANG),
        () => forged({ type: 'stop', broadcastId: 'x', reason: 'attack' }),
      ],
      [
        "the hub's status: offline, retained",
        () => tp.hubStatus,
        () => JSON.stringify({ state: 'offline', instance: 'gia-mao' }),
        true,
      ],
      ['a $SYS topic', () => '$SYS/broker/gia-mao', () => 'x'],
      ['a topic outside the prefix', () => 'ung-dung-khac/lenh', () => 'x'],
    ];
    for (const [name, topic, payload, retain] of cases) {
      it(`refuses ${name}`, async () => {
        const m = mark();
        const attacker = await opts.fresh('led-hd');
        try {
          await expectNothingChanged(x(), () => publishAs(attacker, topic(), payload(), retain));
        } finally {
          await attacker.endAsync(true).catch(() => {});
        }
        expect(
          receivedSince(m).filter((r) => r.topic === topic()),
          'delivered to a victim',
        ).toEqual([]);
      });
    }

    it("leaves the hub's retained birth as the hub published it", async () => {
      const reader = await opts.fresh('led-hd');
      try {
        const got: string[] = [];
        reader.on('message', (t, p) => t === tp.hubStatus && got.push(p.toString()));
        await reader.subscribeAsync(tp.hubStatus, { qos: 1 });
        await sleep(500);
        expect(got.map((g) => JSON.parse(g).state)).toEqual(['online']);
        expect(got[0]).not.toContain('gia-mao');
      } finally {
        await reader.endAsync(true);
      }
    });

    it('closes a connection that publishes more than 256 KiB, and stores nothing', async () => {
      const attacker = await opts.fresh('led-hd');
      const closed = new Promise<void>((r) => attacker.once('close', () => r()));
      await expectNothingChanged(x(), async () => {
        await publishAs(attacker, tp.deviceEvent('led-hd', 'telemetry'), Buffer.alloc(300 * 1024, 0x20));
        await Promise.race([closed, sleep(3000)]);
      });
      expect(attacker.connected).toBe(false);
    });
  });

  describe(`${label}: subscribing to what is not its own (as the stolen led-hd)`, () => {
    const topics: Array<[string, () => string]> = [
      ["led-kg's commands", () => tp.deviceCommand('led-kg')],
      ["led-kg's schedule", () => tp.deviceSchedule('led-kg')],
      ["led-kg's replies", () => tp.deviceReply('led-kg')],
      ["led-kg's status", () => tp.deviceStatus('led-kg')],
      ["led-kg's events", () => `${tp.prefix}/dev/led-kg/evt/#`],
      ['everything (#)', () => '#'],
      ['everything under the prefix', () => `${tp.prefix}/#`],
      ["every device's schedule", () => `${tp.prefix}/dev/+/schedule`],
      ["every device's events (the hub's subscription)", () => tp.allDeviceEvents],
      ["every device's status", () => tp.allDeviceStatus],
      ["another ward's area commands", () => tp.areaCommand(KIM_GIANG)],
      ['$SYS', () => '$SYS/#'],
      ['the dynamic-security control topic', () => '$CONTROL/dynamic-security/v1/#'],
      ['its own events (only the hub reads them)', () => `${tp.prefix}/dev/led-hd/evt/#`],
    ];
    for (const [name, topic] of topics) {
      it(`refuses ${name}`, async () => {
        const attacker = await opts.fresh('led-hd');
        try {
          const got: string[] = [];
          attacker.on('message', (t) => got.push(t));
          let granted: number | undefined;
          await expectNothingChanged(x(), async () => {
            const g = await Promise.race([
              attacker.subscribeAsync(topic(), { qos: 1 }).catch(() => [{ qos: 128 }]),
              sleep(3000).then(() => [{ qos: 128 }]),
            ]);
            granted = (g as Array<{ qos: number }>)[0]?.qos;
            await sleep(700); // retained messages would arrive now
          });
          expect(granted === 128 || !attacker.connected, `subscription to ${topic()} granted`).toBe(true);
          expect(
            got.filter((t) => !t.startsWith(`${tp.prefix}/dev/led-hd/`) || t.includes('/evt/')),
            'messages received',
          ).toEqual([]);
        } finally {
          await attacker.endAsync(true).catch(() => {});
        }
      });
    }
  });
}

export { connectDevice };
