// The checkpoint worker: the hub's connection never checkpoints while it runs, the worker copies the
// WAL into the database file, its stop ends the thread, and when it dies the hub's connection
// checkpoints itself again. A real SQLite file; the database file's size shows what was copied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, relaxed, type Db } from './database.ts';
import { startCheckpointer, type Checkpointer } from './checkpointer.ts';

let dir: string;
let db: Db;
let cp: Checkpointer | null = null;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-checkpoint-'));
  db = openDatabase(path.join(dir, 'hub.sqlite'));
  db.exec('CREATE TABLE blob_rows (id INTEGER PRIMARY KEY, data BLOB)');
});
afterEach(async () => {
  await cp?.stop();
  cp = null;
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const size = (f: string) => statSync(path.join(dir, f)).size;
/** About 2,400 pages of 4 KiB, in relaxed commits of 100 rows: past SQLite's 1,000-page autocheckpoint. */
function write(): void {
  const insert = db.prepare('INSERT INTO blob_rows(data) VALUES (?)');
  for (let c = 0; c < 8; c++)
    relaxed(
      db,
      db.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run(Buffer.alloc(12_000, c));
      }),
    );
}
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('checkpoint worker', () => {
  it('takes the checkpoints off the hub connection and copies the WAL into the database file', async () => {
    cp = startCheckpointer(db, { intervalMs: 60_000 }); // its first checkpoint now, the next much later
    await until('the first checkpoint', () => cp!.stats().runs === 1);
    const before = size('hub.sqlite');
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    write();
    // Past 1,000 pages and nothing copied: the hub's commits did not checkpoint.
    expect(size('hub.sqlite-wal')).toBeGreaterThan(9_000_000);
    expect(size('hub.sqlite')).toBe(before);
    await cp.stop();
    expect(cp.stats().checkpointed).toBe(cp.stats().log); // the last checkpoint, at stop, copied it all
    expect(size('hub.sqlite')).toBeGreaterThan(9_000_000);
  });

  it('checkpoints every interval while the hub writes', async () => {
    cp = startCheckpointer(db, { intervalMs: 50 });
    write();
    // A checkpoint that began after the writes ended.
    const wrote = performance.timeOrigin + performance.now();
    await until('the WAL copied', () => cp!.stats().startedAt > wrote && cp!.stats().checkpointed === cp!.stats().log);
    expect(size('hub.sqlite')).toBeGreaterThan(9_000_000);
    expect(cp.active()).toBe(true);
  });

  it('ends its thread on stop and gives the checkpoints back to the hub connection', async () => {
    cp = startCheckpointer(db, { intervalMs: 50 });
    let exited = false;
    cp.worker!.on('exit', () => {
      exited = true;
    });
    await cp.stop();
    expect(exited).toBe(true);
    expect(cp.active()).toBe(false);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('when the worker dies, the hub connection checkpoints again: the WAL stays bounded', async () => {
    const why: string[] = [];
    cp = startCheckpointer(db, { intervalMs: 60_000, onFallback: (w) => why.push(w) });
    await until('the first checkpoint', () => cp!.stats().runs === 1);
    await cp.worker!.terminate();
    await until('the fallback', () => !cp!.active());
    expect(why).toEqual(['checkpoint worker exited (code 1)']);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const before = size('hub.sqlite');
    write();
    expect(size('hub.sqlite')).toBeGreaterThan(before); // the commits checkpointed themselves
  });

  it('does nothing for an in-memory database', async () => {
    const mem = openDatabase(':memory:');
    const c = startCheckpointer(mem);
    expect(c.active()).toBe(false);
    await c.stop();
    mem.close();
  });
});
