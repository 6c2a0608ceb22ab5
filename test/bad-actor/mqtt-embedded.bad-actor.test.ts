// The bad-actor suite's MQTT cases against the hub's embedded broker.
import { afterAll, beforeAll } from 'vitest';
import { mqttAttacks } from './mqtt-cases.ts';
import { connectDevice, startBadActorWorld, type BadActorWorld } from './world.ts';

let x: BadActorWorld;
beforeAll(async () => {
  x = await startBadActorWorld();
}, 60_000);
afterAll(() => x?.stop());

mqttAttacks('embedded broker', () => x, { fresh: (id) => connectDevice(x.mqttUrl, id, x.devices[id].password) });
