// The bad-actor suite's receipt cases through the hub's embedded broker.
import { afterAll, beforeAll } from 'vitest';
import { receiptAttacks } from './receipt-cases.ts';
import { startBadActorWorld, type BadActorWorld } from './world.ts';

let x: BadActorWorld;
beforeAll(async () => {
  x = await startBadActorWorld();
}, 60_000);
afterAll(() => x?.stop());

receiptAttacks('embedded broker', () => x);
