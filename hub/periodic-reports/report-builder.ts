// Builds periodic report documents in a worker thread (report-worker.ts) when the hub's database is
// a file: the scheduler's month-end run, a regeneration and the "changed since signed" check of a
// report page each take hundreds of milliseconds of queries at a district's size (figures:
// `npm run bench -- periodic-reports`), which the hub's event loop would otherwise hold. The worker
// starts on the first request and stops after a minute idle. An in-memory database has nothing to
// share with a thread, so it builds in place.
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/database.ts';
import { LocalizedError, isMessage, type Text } from '../text/index.ts';
import { buildReportDocument, type BuildDocument } from './report-document.ts';
import type { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';
import type { BuildRequest } from './report-worker.ts';

declare const WARDCAST_COMPILED: boolean | undefined;

const IDLE_MS = 60_000;

interface Pending {
  resolve: (doc: PeriodicReportDocument) => void;
  reject: (e: Error) => void;
}

export interface ReportBuilder {
  build: BuildDocument;
  stop(): Promise<void>;
}

export function createReportBuilder(opts: { dbFile: string; idleMs?: number }): ReportBuilder {
  if (opts.dbFile === ':memory:') return { build: buildReportDocument, stop: async () => {} };
  const idleMs = opts.idleMs ?? IDLE_MS;
  let worker: Worker | null = null;
  let idle: NodeJS.Timeout | null = null;
  let seq = 0;
  const pending = new Map<number, Pending>();

  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = (): Worker => {
    const w = spawn({ dbFile: opts.dbFile });
    w.on('message', (m: { id: number; doc?: PeriodicReportDocument; error?: Text }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new LocalizedError(isMessage(m.error) ? m.error : String(m.error)));
      else p.resolve(m.doc!);
      if (pending.size === 0) idle = setTimeout(() => void stopWorker(), idleMs).unref();
    });
    // A worker that dies takes its requests with it; the next request starts another.
    w.on('error', (e) => {
      if (worker === w) worker = null;
      failAll(e);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      if (pending.size) failAll(new Error(`the periodic reports' worker stopped (exit code ${code})`));
    });
    return w;
  };
  const stopWorker = async () => {
    const w = worker;
    worker = null;
    if (w) await w.terminate();
  };

  return {
    build(_db: Db, key, now, graceMs) {
      if (idle) clearTimeout(idle);
      idle = null;
      worker ??= start();
      const id = ++seq;
      return new Promise<PeriodicReportDocument>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker!.postMessage({ id, key, now, graceMs } satisfies BuildRequest);
      });
    },
    async stop() {
      if (idle) clearTimeout(idle);
      await stopWorker();
    },
  };
}

/**
 * Compiled, the worker is dist/report-worker.js (bin/build.mjs builds it; import.meta.url names this
 * source file there too). From the TypeScript sources, the ingest's tsx-worker.mjs registers tsx in
 * the worker before loading the module, as bin/run-ts.mjs does.
 */
function spawn(workerData: { dbFile: string }): Worker {
  if (typeof WARDCAST_COMPILED !== 'undefined' && WARDCAST_COMPILED)
    return new Worker(new URL('../../dist/report-worker.js', import.meta.url), { workerData });
  const source = new URL('./report-worker.ts', import.meta.url).href;
  return new Worker(new URL('../ingest/tsx-worker.mjs', import.meta.url), { workerData: { ...workerData, source } });
}
