// The test Mosquitto keeps answering however much it logs. It logs a line or two per connect to
// stderr; the helper once piped that stderr and never read it, so after ~64 KiB (a few hundred
// devices' connects in the fleet simulator) Mosquitto blocked in write(2) and stopped serving
// everyone, the hub included. Here refused connects log well past a pipe's 64 KiB, and the broker
// must still answer the next one.
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { startMosquitto, type Mosquitto } from './mosquitto.ts';

/** Connects with credentials the broker does not know; resolves with the refusal it answered. */
function refusedConnect(url: string, clientId: string): Promise<string> {
  return new Promise((resolve) => {
    const c = mqtt.connect(url, {
      clientId,
      username: clientId.slice(0, 20),
      password: 'wrong',
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    });
    const done = (why: string) => {
      c.end(true);
      resolve(why);
    };
    c.once('error', (err) => done(err.message));
    c.once('connect', () => done('accepted'));
    c.once('close', () => done('closed'));
  });
}

describe('the test Mosquitto', () => {
  let broker: Mosquitto | null = null;
  afterAll(() => broker?.stop());

  it('keeps answering after logging more than a pipe holds, and keeps the tail of its log', async () => {
    broker = await startMosquitto();
    // A refused connect logs ~125 bytes: 800 of them log ~100 KiB, past a pipe's 64 KiB.
    for (let batch = 0; batch < 16; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, n) => refusedConnect(broker!.url, `flood-${batch}-${n}`)),
      );
      expect(answers).not.toContain('accepted');
    }
    expect(broker.output().length).toBe(64 * 1024); // the tail only, full
    // The broker is still serving: a new connection gets its answer (a refusal), not silence.
    expect(await refusedConnect(broker.url, 'after-the-flood')).toMatch(/not authori[sz]ed|bad user|refused/i);
  });
});
