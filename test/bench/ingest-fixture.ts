// What the two ingest benchmarks (ingest-bench.ts, ingest-phases-bench.ts) share: a seeded database
// file in a temporary folder that each run copies, the receipts as they arrive (bulletin by
// bulletin, every device's in turn), and the raw peer that inserts them with the hub's own
// statement (hub/ingest/receipt-store.ts), so both sides write the same rows into the same table.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { topics, type Receipt } from '../../protocol/index.ts';
import { openDatabase, type Db } from '../../hub/db/database.ts';
import { INSERT_RECEIPT, receiptRow } from '../../hub/ingest/receipt-store.ts';
import { seedIngestWorld } from '../helpers/ingest-world.ts';

export type IngestFixture = Awaited<ReturnType<typeof createIngestFixture>>;

/**
 * `online`: every device announced itself already (sustained ingest), so its receipts cost no
 * presence write. Call `remove()` when done (in a finally).
 */
export async function createIngestFixture(prefix: string, devices: number, bulletins: number, online: boolean) {
  const tp = topics();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const seedFile = path.join(dir, 'seed.sqlite');
    const seedDb = openDatabase(seedFile);
    const world = await seedIngestWorld(seedDb, devices, { bulletins });
    const pems = new Map(
      (seedDb.prepare('SELECT id, public_key FROM devices').all() as Array<{ id: string; public_key: string }>).map(
        (r) => [r.id, r.public_key],
      ),
    );
    const synchronous = seedDb.pragma('synchronous', { simple: true }) as number;
    if (online) seedDb.prepare('UPDATE devices SET online = 1').run();
    seedDb.close();
    const receipts: Receipt[] = [];
    for (let k = 0; k < bulletins; k++) for (const d of world.devices) receipts.push(world.receipt(d, {}, k));
    const payloads = receipts.map((r) => ({
      topic: tp.deviceEvent(r.deviceId, 'receipt'),
      payload: Buffer.from(JSON.stringify(r)),
    }));
    let copies = 0;
    /** A fresh copy of the seeded database, opened. */
    const openCopy = (): Db => {
      const file = path.join(dir, `run-${copies++}.sqlite`);
      copyFileSync(seedFile, file);
      return openDatabase(file);
    };
    return { tp, dir, world, pems, synchronous, receipts, payloads, openCopy, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

/** The peer: a transaction inserting receipts as admitted, with the hub's statement and values. */
export function rawInsertBatch(db: Db, receivedAt: number): (rs: readonly Receipt[]) => void {
  const insert = db.prepare(INSERT_RECEIPT);
  return db.transaction((rs: readonly Receipt[]) => {
    for (const r of rs) insert.run(...receiptRow(r, receivedAt, 'admitted', null, null, null));
  });
}
