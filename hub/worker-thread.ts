// Starts one of the hub's worker threads. Compiled, each is an entry of its own in dist/ (bin/build.mjs:
// dist/ingest-worker.js, dist/report-worker.js; import.meta.url names this source file there too).
// From the TypeScript sources, tsx-worker.mjs registers tsx in the worker before loading its module,
// as bin/run-ts.mjs does for the main thread.
import { Worker } from 'node:worker_threads';

declare const WARDCAST_COMPILED: boolean | undefined;

/** `name` is the compiled entry (dist/<name>.js); `source` the module it is built from. */
export function startWorker(name: string, source: URL, workerData: Record<string, unknown>): Worker {
  if (typeof WARDCAST_COMPILED !== 'undefined' && WARDCAST_COMPILED)
    return new Worker(new URL(`../dist/${name}.js`, import.meta.url), { workerData });
  return new Worker(new URL('./ingest/tsx-worker.mjs', import.meta.url), {
    workerData: { ...workerData, source: source.href },
  });
}

/** A request without its `id`, for each member of a union of requests (the pool adds the id). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
