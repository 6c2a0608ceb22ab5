// The bad-actor suite's receipt cases through Mosquitto with dynamic security.
import { afterAll, beforeAll } from 'vitest';
import { receiptAttacks } from './receipt-cases.ts';
import { startBadActorWorld, type BadActorWorld } from './world.ts';

let x: BadActorWorld;
beforeAll(async () => {
  x = await startBadActorWorld({ mosquitto: true });
}, 60_000);
afterAll(() => x?.stop());

receiptAttacks('Mosquitto', () => x);
