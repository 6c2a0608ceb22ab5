// Worker threads for the ingest's CPU-heavy, database-free work (receipt-check.ts): parsing and
// validating receipts, checking their Ed25519 signatures, signing the acks. The hub's thread keeps
// admission and the SQLite transaction; on a machine with a second core the two run side by side.
// Work goes out in jobs of many receipts (or acks), so what crossing threads costs is paid per job.
//
// A worker that dies is started again. What it held is lost, never guessed: its receipts are not
// stored and its acks not sent, so the devices send those receipts again (they keep each one until
// it is acked), and a receipt stored already is then acked as a duplicate.
import { Worker } from 'node:worker_threads';
import { startWorker, type DistributiveOmit } from '../worker-thread.ts';
import os from 'node:os';
import type { Logger } from 'pino';
import type { Encoded, Receipt } from '../../protocol/index.ts';
import type { AckToSeal, CheckJob, Checked, WorkerReply, WorkerRequest } from './receipt-check.ts';

/** First wait before a dead worker is started again; doubles while they keep dying, up to the last. */
const RESTART_MS = [100, 400, 1600, 5000];

export interface IngestPool {
  check(job: CheckJob): Promise<Checked[]>;
  /** Each ack's envelope, serialised as it is published. */
  seal(acks: AckToSeal[]): Promise<Array<Encoded<'deviceReply'>>>;
  /** CPU milliseconds each worker thread has used (null where the system does not tell). */
  cpuMs(): Promise<Array<number | null>>;
  /** The workers now (for tests: to end one as a crash would). */
  readonly workers: readonly Worker[];
  /** Workers started again after one died. */
  restarts(): number;
  stop(): Promise<void>;
}

/** One worker per core beside the hub's own thread, at least one, at most `max`. */
export const poolSize = (max = 2) => Math.max(1, Math.min(max, os.availableParallelism() - 1));

/**
 * `entry`: the worker's module, as a TypeScript source (the ingest benchmark gives its own);
 * default ingest-worker.ts, or its compiled twin in dist/ when the hub runs compiled.
 */
export function createIngestPool(opts: {
  privateKeyPem: string;
  log: Logger;
  size?: number;
  entry?: URL;
  workerData?: Record<string, unknown>;
}): IngestPool {
  const size = opts.size ?? poolSize();
  const workers: Worker[] = [];
  /** Those not exited: a job is never sent to a dead one, where it would wait for ever. */
  const alive = new Set<Worker>();
  const pending = new Map<number, { worker: Worker; settle: (r: WorkerReply) => void; fail: (e: Error) => void }>();
  let nextId = 1;
  let turn = 0;
  let restarts = 0;
  let deaths = 0;
  let stopping = false;
  const timers = new Set<NodeJS.Timeout>();

  function start(slot: number) {
    const w = spawn(opts.entry, { privateKeyPem: opts.privateKeyPem, ...opts.workerData });
    // The hub's servers keep the process alive; a worker never should (a hub that failed to start).
    w.unref();
    workers[slot] = w;
    alive.add(w);
    w.on('message', (r: WorkerReply) => {
      deaths = 0;
      const p = pending.get(r.id);
      if (!p) return;
      pending.delete(r.id);
      if ('error' in r) p.fail(new Error(r.error));
      else p.settle(r);
    });
    w.on('error', (err) => opts.log.error({ err }, 'ingest worker failed'));
    w.on('exit', (code) => {
      alive.delete(w);
      for (const [id, p] of pending)
        if (p.worker === w) {
          pending.delete(id);
          p.fail(new Error(`ingest worker exited (code ${code})`));
        }
      if (stopping) return;
      const wait = RESTART_MS[Math.min(deaths++, RESTART_MS.length - 1)]!;
      opts.log.warn({ code, restartInMs: wait }, 'ingest worker exited: what it held is not acked; starting another');
      const t = setTimeout(() => {
        timers.delete(t);
        if (stopping) return;
        restarts++;
        start(slot);
      }, wait);
      timers.add(t);
    });
  }
  for (let i = 0; i < size; i++) start(i);

  function ask(
    req: DistributiveOmit<WorkerRequest, 'id'>,
    to?: Worker,
    transfer?: ArrayBuffer[],
  ): Promise<WorkerReply> {
    if (stopping) return Promise.reject(new Error('ingest pool stopped'));
    const live = workers.filter((w) => alive.has(w));
    const worker = to ?? live[turn++ % Math.max(1, live.length)];
    if (!worker || !alive.has(worker))
      return Promise.reject(new Error('no ingest worker running (one is starting again)'));
    const id = nextId++;
    return new Promise((settle, fail) => {
      pending.set(id, { worker, settle, fail });
      worker.postMessage({ ...req, id }, transfer);
    });
  }

  return {
    async check(job) {
      const r = await ask({ op: 'check', job }, undefined, [job.bytes.buffer as ArrayBuffer]);
      const { refused, passed } = r as { refused: Array<{ reason: string; detail: string } | null>; passed: string };
      const receipts = JSON.parse(passed) as Receipt[];
      let k = 0;
      return refused.map((x): Checked => (x ? { ok: false, ...x } : { ok: true, receipt: receipts[k++]! }));
    },
    async seal(acks) {
      const r = await ask({ op: 'seal', acks });
      return (r as { sealed: Array<Encoded<'deviceReply'>> }).sealed;
    },
    cpuMs: () =>
      Promise.all(
        workers.map((w) =>
          alive.has(w) ? ask({ op: 'cpu' }, w).then((r) => (r as { cpuMs: number | null }).cpuMs) : null,
        ),
      ),
    get workers() {
      return workers;
    },
    restarts: () => restarts,
    async stop() {
      stopping = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** A test may give its own worker module (`entry`), run from the sources. */
function spawn(entry: URL | undefined, workerData: Record<string, unknown>): Worker {
  if (entry)
    return new Worker(new URL('./tsx-worker.mjs', import.meta.url), {
      workerData: { ...workerData, source: entry.href },
    });
  return startWorker('ingest-worker', new URL('./ingest-worker.ts', import.meta.url), workerData);
}
