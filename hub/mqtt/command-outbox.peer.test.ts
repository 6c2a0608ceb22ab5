// The command outbox against a real Mosquitto and a real SQLite file, with the clock injected:
// commands wait while the broker is away, expired ones are dropped and counted, the rest go in order.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { createHubMqtt } from './hub-mqtt.ts';
import { createCommandOutbox } from './command-outbox.ts';
import { startMosquitto, type Mosquitto } from '../../test/helpers/mosquitto.ts';
import { systemClock, type SignedEnvelope } from '../../protocol/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-outbox-'));
let mq: Mosquitto | undefined;
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await mq?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const envelope = (id: string, expiresAt: number): SignedEnvelope => ({
  v: 2,
  id,
  seq: 0,
  issuedAt: expiresAt - 60_000,
  expiresAt,
  to: { device: 'loa-1' },
  body: { type: 'stop', broadcastId: id, reason: 'test' },
  sig: 'x',
});

it('holds commands while the broker is away, drops the expired ones and sends the rest in order', async () => {
  mq = await startMosquitto({ open: true });
  await mq.kill();
  const db = openDatabase(path.join(dir, 'hub.sqlite'));
  cleanups.push(async () => db.close());
  let clock = Date.parse('2026-11-24T06:00:00+07:00');
  const log = pino({ level: 'silent' });
  const hub = createHubMqtt(mq.url, {
    subscriptions: [],
    log,
    reconnectPeriodMs: 200,
  });
  const drops: Array<[string, number]> = [];
  const outbox = createCommandOutbox({
    db,
    mqtt: hub,
    log,
    clock: { ...systemClock, now: () => clock },
    onDropped: (reason, n) => drops.push([reason, n]),
    window: 2,
  });
  hub.onSessionStart(() => void outbox.flush());

  await expect(hub.publish('wardcast/v1/dev/x/cmd', 'x', { qos: 1 })).rejects.toThrow(/not connected/);
  outbox.enqueue('wardcast/v1/dev/loa-1/cmd', envelope('a', clock + 1000));
  for (const id of ['b', 'c', 'd', 'e']) outbox.enqueue('wardcast/v1/dev/loa-1/cmd', envelope(id, clock + 60_000));
  await outbox.flush();
  expect(outbox.pending()).toBe(5);
  clock += 2000; // "a" expires while it waits

  await mq.start();
  const received: string[] = [];
  const device = await mqtt.connectAsync(mq.url, { protocolVersion: 4, clientId: 'loa-1', clean: true });
  cleanups.push(() => device.endAsync(true));
  device.on('message', (_t, p) => received.push(JSON.parse(p.toString()).id));
  await device.subscribeAsync('wardcast/v1/dev/loa-1/cmd', { qos: 1 });

  const started = hub.start();
  cleanups.push(() => hub.close());
  await started;
  const until = Date.now() + 5000;
  while ((received.length < 4 || outbox.pending() > 0) && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  expect(received).toEqual(['b', 'c', 'd', 'e']);
  expect(outbox.pending()).toBe(0);
  expect(drops).toEqual([['expired', 1]]);
}, 20_000);

it('refuses a command for a topic other than its target (the agent would refuse it there)', () => {
  const db = openDatabase(path.join(dir, 'guard.sqlite'));
  cleanups.push(async () => db.close());
  const outbox = createCommandOutbox({
    db,
    mqtt: { connected: () => false, publish: async () => undefined },
    log: pino({ level: 'silent' }),
    clock: systemClock,
  });
  const env = envelope('z', Date.now() + 60_000);
  expect(() => outbox.enqueue('wardcast/v1/dev/loa-2/cmd', env)).toThrow(
    /addressed to {"device":"loa-1"} does not go on wardcast\/v1\/dev\/loa-2\/cmd/,
  );
  expect(() => outbox.enqueue('wardcast/v1/area/ha-noi/cmd', env)).toThrow(/does not go on/);
  expect(outbox.pending()).toBe(0);
  outbox.enqueue('wardcast/v1/dev/loa-1/cmd', env);
  expect(outbox.pending()).toBe(1);
});

it('with the embedded broker an area command goes alone, and the next only once its fan-out has settled', async () => {
  const db = openDatabase(path.join(dir, 'paced.sqlite'));
  cleanups.push(async () => db.close());
  // What the broker is handed, in order, and when the outbox waited for the fan-out.
  const log: string[] = [];
  let settle: () => void = () => {};
  const outbox = createCommandOutbox({
    db,
    mqtt: {
      connected: () => true,
      publish: async (topic: string) => {
        log.push(topic);
      },
    },
    log: pino({ level: 'silent' }),
    clock: systemClock,
    fanoutSettled: () => {
      log.push('settled?');
      return new Promise<void>((r) => (settle = r));
    },
  });
  const exp = Date.now() + 60_000;
  const area = (a: string): SignedEnvelope => ({ ...envelope(a, exp), to: { area: a } });
  outbox.enqueueAll([
    { topic: 'wardcast/v1/dev/loa-1/cmd', envelope: envelope('a', exp) },
    { topic: 'wardcast/v1/dev/loa-1/cmd', envelope: envelope('b', exp) },
    { topic: 'wardcast/v1/area/tinh/huyen/xa-1/cmd', envelope: area('tinh/huyen/xa-1') },
    { topic: 'wardcast/v1/area/tinh/huyen/xa-2/cmd', envelope: area('tinh/huyen/xa-2') },
    { topic: 'wardcast/v1/dev/loa-1/cmd', envelope: envelope('c', exp) },
  ]);
  const flushed = outbox.flush();
  await new Promise((r) => setTimeout(r, 50));
  expect(log).toEqual([
    'wardcast/v1/dev/loa-1/cmd',
    'wardcast/v1/dev/loa-1/cmd',
    'wardcast/v1/area/tinh/huyen/xa-1/cmd',
    'settled?',
  ]);
  settle();
  await new Promise((r) => setTimeout(r, 50));
  expect(log.slice(4)).toEqual(['wardcast/v1/area/tinh/huyen/xa-2/cmd', 'settled?']);
  settle();
  await flushed;
  expect(log.slice(6)).toEqual(['wardcast/v1/dev/loa-1/cmd']);
  expect(outbox.pending()).toBe(0);
});
