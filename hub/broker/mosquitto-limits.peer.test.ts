// Mosquitto with the configuration `wardcast broker mosquitto-config` writes passes a province's
// burst to one slow session whole. The hub's session takes every device's receipt and status at
// once after an emergency; with Mosquitto's defaults (20 in flight, 1,000 queued) the rest were
// dropped without a word, and each device resent its receipt 10 s later. Here the hub's login
// sends 3,000 QoS 1 messages to a session of its own that acknowledges none until all are taken,
// then a last one: everything before the last must have arrived when the last does (with the
// defaults, 1,020 of 3,000 did).
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { DEFAULT_TOPIC_PREFIX, topics } from '../../protocol/index.ts';
import { startMosquitto, type Mosquitto } from '../../test/helpers/mosquitto.ts';

const BURST = 3000;

describe('generated Mosquitto configuration', () => {
  let broker: Mosquitto | null = null;
  const clients: mqtt.MqttClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker?.stop();
  });

  it(`holds a burst of ${BURST} QoS 1 messages for a session that has not acknowledged them`, async () => {
    broker = await startMosquitto();
    const login = { username: broker.hubConfig.mqttUsername, password: broker.hubConfig.mqttPassword };
    const topic = topics(DEFAULT_TOPIC_PREFIX).hubStatus; // the hub may both publish and subscribe it
    const connect = async (clientId: string) => {
      const c = await mqtt.connectAsync(broker!.url, { ...login, clientId, protocolVersion: 4, reconnectPeriod: 0 });
      clients.push(c);
      return c;
    };

    const slow = await connect('slow-reader');
    const seen: string[] = [];
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    let last: (() => void) | null = null;
    const lastArrived = new Promise<void>((r) => {
      last = r;
    });
    // mqtt.js acknowledges a message, and reads the next, only when this calls back: the first is
    // held until every message has been accepted by the broker, which must keep them meanwhile.
    slow.handleMessage = (packet, done) => {
      const body = packet.payload.toString();
      if (body === 'last') last?.();
      else seen.push(body);
      if (seen.length === 1) void released.then(() => done());
      else done();
    };
    await slow.subscribeAsync(topic, { qos: 1 });

    const sender = await connect('burst-sender');
    await Promise.all(Array.from({ length: BURST }, (_, i) => sender.publishAsync(topic, `m${i}`, { qos: 1 })));
    release();
    // Sent again until one arrives: a broker that dropped the burst may drop a last one too.
    let arrived = false;
    void lastArrived.then(() => {
      arrived = true;
    });
    for (let i = 0; i < 60 && !arrived; i++) {
      await sender.publishAsync(topic, 'last', { qos: 1 });
      await Promise.race([lastArrived, new Promise((r) => setTimeout(r, 500))]);
    }
    expect(arrived).toBe(true);

    expect(seen.length).toBe(BURST);
    expect(new Set(seen).size).toBe(BURST);
  });
});
