// WAL checkpoints off the event loop. SQLite checkpoints the WAL into the database file from inside
// a commit once the WAL passes 1,000 pages, and a checkpoint fsyncs the WAL and then the database
// file, so even a relaxed (NORMAL) commit would now and then wait for two fsyncs on the event loop.
// Here the hub's connection never checkpoints (wal_autocheckpoint=0); a worker thread with its own
// connection runs PASSIVE checkpoints (they take no lock a writer waits for) every `intervalMs`.
// Once the whole WAL is copied, the hub's next commit starts it again from the front, and
// journal_size_limit cuts the file back, so it stays bounded without a TRUNCATE checkpoint (which
// would hold the write lock through its fsync, and the hub's next commit would wait for it).
//
// If the worker dies, or reports nothing for `staleMs`, the hub's connection checkpoints itself
// again (wal_autocheckpoint=1000, SQLite's default): the WAL never grows without bound.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './database.ts';

/** SQLite's default, for the fallback. */
const AUTOCHECKPOINT_PAGES = 1000;
/** What the WAL file is cut back to once checkpointed (bytes). */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

export interface CheckpointStats {
  /** frames in the WAL, and how many of them are in the database file (PRAGMA wal_checkpoint). */
  log: number;
  checkpointed: number;
  /** checkpoints that ran, and the longest one (ms, in the worker). */
  runs: number;
  longestMs: number;
  /** when the last one began (performance.timeOrigin + performance.now(): comparable across threads) */
  startedAt: number;
}

export interface Checkpointer {
  /** True while the worker checkpoints (false: the hub's connection does, as SQLite would). */
  active(): boolean;
  stats(): CheckpointStats;
  /** Ends the worker (after a last checkpoint) and gives checkpoints back to the hub's connection. */
  stop(): Promise<void>;
  /** For tests: the worker, to end it as a crash would. */
  readonly worker: Worker | null;
}

// Plain JavaScript (it runs as is, whether the hub runs from TypeScript or compiled).
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let runs = 0, longestMs = 0, timer = null;
function run() {
  const t0 = performance.now();
  const r = checkpoint.get();
  const ms = performance.now() - t0;
  runs++;
  longestMs = Math.max(longestMs, ms);
  const startedAt = performance.timeOrigin + t0;
  parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed, runs, longestMs, startedAt });
}
function tick() {
  try { run(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
  timer = setTimeout(tick, workerData.intervalMs);
}
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  try { run(); } finally { db.close(); parentPort.close(); }
});
tick();
`;

export function startCheckpointer(
  db: Db,
  opts: { intervalMs?: number; staleMs?: number; onFallback?: (why: string) => void } = {},
): Checkpointer {
  const intervalMs = opts.intervalMs ?? 1000;
  const staleMs = opts.staleMs ?? Math.max(10_000, intervalMs * 10);
  let stats: CheckpointStats = { log: 0, checkpointed: 0, runs: 0, longestMs: 0, startedAt: 0 };
  if (db.memory) return { active: () => false, stats: () => stats, stop: async () => {}, worker: null };

  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  db.pragma('wal_autocheckpoint = 0');
  let active = true;
  let stopping = false;
  const fallback = (why: string) => {
    if (!active) return;
    active = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    if (!stopping) opts.onFallback?.(why);
  };
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { file: db.name, sqlite: createRequire(import.meta.url).resolve('better-sqlite3'), intervalMs },
  });
  worker.unref();
  let heard = performance.now();
  worker.on('message', (m: CheckpointStats | { error: string }) => {
    heard = performance.now();
    if ('error' in m) return opts.onFallback?.(`checkpoint failed: ${m.error}`);
    stats = m;
    // Back from a stall: the worker checkpoints again.
    if (!active && !stopping && db.open) {
      db.pragma('wal_autocheckpoint = 0');
      active = true;
    }
  });
  worker.on('error', (err) => fallback(`checkpoint worker failed: ${err.message}`));
  const exited = new Promise<void>((resolve) =>
    worker.on('exit', (code) => {
      clearInterval(watch);
      fallback(`checkpoint worker exited (code ${code})`);
      resolve();
    }),
  );
  // A worker that hangs (stuck in a checkpoint behind a long reader) is no better than a dead one.
  const watch = setInterval(
    () => {
      if (performance.now() - heard > staleMs) fallback(`checkpoint worker silent for ${performance.now() - heard} ms`);
    },
    Math.min(staleMs, 5000),
  );
  watch.unref();

  return {
    active: () => active,
    stats: () => stats,
    worker,
    async stop() {
      stopping = true;
      // Unreferenced, the worker would not keep the process alive until its exit is seen.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
