// A worker thread's entry when the hub runs from its TypeScript sources (ingest-pool.ts): registers
// tsx in this thread, as bin/run-ts.mjs does for the main one, then loads the worker's module.
// A file rather than eval'd code, so that tsx is found from here, whatever the working directory.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.source);
