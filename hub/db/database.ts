// Opens the hub's SQLite file (WAL, foreign keys) and brings its schema up to date.
//
// Durability: synchronous=FULL, so a commit is on disk (the WAL fsynced) before anything acts on it.
// The hub tells others that it kept something: a receipt-ack lets the agent delete its copy, an
// answer to the API tells a person a bulletin is approved or a device enrolled. With NORMAL a power
// cut can lose the last commits before the next checkpoint although they were answered, and an acked
// receipt would then be gone from both ends. FULL costs one fsync per commit, so hot paths commit
// many writes at once (receipts: one transaction per batch, ingest.ts). Writes whose loss is
// harmless because they are rebuilt anyway run at NORMAL through `relaxed` (presence, which every
// broker session rebuilds from nothing; the manifest refresh's records, whose counters come from
// blocks reserved on disk, reserved-counter.ts). Checkpoints run in a worker thread
// (checkpointer.ts). docs/scaling.md has the figures.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = FULL');
  migrate(db);
  return db;
}

/**
 * Runs `fn` with its commits not fsynced (synchronous=NORMAL): a power cut may lose them, never
 * corrupt the file; the next FULL commit makes them durable too. Only for writes the hub rebuilds
 * anyway. Call it outside a transaction.
 */
export function relaxed<T>(db: Db, fn: () => T): T {
  const p = pragmas(db);
  const level = p.level.get();
  p.normal.run();
  try {
    return fn();
  } finally {
    p.restore[level as number]?.run();
  }
}

// Prepared once per database: `db.pragma()` prepares its statement on every call.
const prepared = new WeakMap<
  Db,
  { level: Database.Statement; normal: Database.Statement; restore: Database.Statement[] }
>();
function pragmas(db: Db) {
  let p = prepared.get(db);
  if (!p) {
    p = {
      level: db.prepare('PRAGMA synchronous').pluck(),
      normal: db.prepare('PRAGMA synchronous = NORMAL'),
      restore: [0, 1, 2, 3].map((l) => db.prepare(`PRAGMA synchronous = ${l}`)),
    };
    prepared.set(db, p);
  }
  return p;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this hub (${MIGRATIONS.length}); upgrade the hub`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** A small key/value table for counters and settings that must survive restarts. */
export function stateGet(db: Db, key: string): string | undefined {
  return (stateStatements(db).get.get(key) as { value: string } | undefined)?.value;
}
export function stateSet(db: Db, key: string, value: string): void {
  stateStatements(db).set.run(key, value);
}
// Prepared once per database: the manifest refresh reads and writes its counter in every slice,
// and preparing a statement costs more than running this one.
const stateCache = new WeakMap<Db, { get: Database.Statement; set: Database.Statement }>();
function stateStatements(db: Db) {
  let s = stateCache.get(db);
  if (!s) {
    s = {
      get: db.prepare('SELECT value FROM hub_state WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO hub_state(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
    };
    stateCache.set(db, s);
  }
  return s;
}
