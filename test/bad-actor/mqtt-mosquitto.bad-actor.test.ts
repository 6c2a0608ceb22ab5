// The bad-actor suite's MQTT cases against Mosquitto 2 with the dynamic-security configuration
// `wardcast broker mosquitto-config` writes, the devices provisioned by the hub at enrolment.
import { afterAll, beforeAll } from 'vitest';
import { mqttAttacks } from './mqtt-cases.ts';
import { connectDevice, startBadActorWorld, type BadActorWorld } from './world.ts';

let x: BadActorWorld;
beforeAll(async () => {
  x = await startBadActorWorld({ mosquitto: true });
}, 60_000);
afterAll(() => x?.stop());

mqttAttacks('Mosquitto', () => x, { fresh: (id) => connectDevice(x.mqttUrl, id, x.devices[id].password) });
