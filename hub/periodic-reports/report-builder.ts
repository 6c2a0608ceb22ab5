// Builds periodic report documents, and renders their PDFs, in a worker thread (report-worker.ts)
// when the hub's database is a file: the scheduler's month-end run, a regeneration, the "changed
// since signed" check of a report page and a sign-off's PDF each take hundreds of milliseconds at a
// district's size (figures: `npm run bench -- periodic-reports`), which the hub's event loop would
// otherwise hold. The worker starts on the first request and stops after a minute idle. An
// in-memory database has nothing to share with a thread, so it works in place.
import type { Worker } from 'node:worker_threads';
import { startWorker, type DistributiveOmit } from '../worker-thread.ts';
import type { Db } from '../db/database.ts';
import { LocalizedError, isMessage, type Text } from '../text/index.ts';
import { buildReportDocument, type BuildDocument } from './report-document.ts';
import { renderReportPdf, type ReportPdfOptions } from './report-pdf.ts';
import type { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';
import type { WorkerRequest } from './report-worker.ts';

export type RenderPdf = (doc: PeriodicReportDocument, opts: ReportPdfOptions) => Promise<Buffer>;

const IDLE_MS = 60_000;

type Answer = { id: number; doc?: PeriodicReportDocument; pdf?: Uint8Array; error?: Text };
interface Pending {
  resolve: (a: Answer) => void;
  reject: (e: Error) => void;
}

export interface ReportBuilder {
  build: BuildDocument;
  renderPdf: RenderPdf;
  stop(): Promise<void>;
}

export function createReportBuilder(opts: { dbFile: string; idleMs?: number }): ReportBuilder {
  if (opts.dbFile === ':memory:')
    return { build: buildReportDocument, renderPdf: renderReportPdf, stop: async () => {} };
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
    const w = startWorker('report-worker', new URL('./report-worker.ts', import.meta.url), { dbFile: opts.dbFile });
    w.on('message', (m: Answer) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined) p.reject(new LocalizedError(isMessage(m.error) ? m.error : String(m.error)));
      else p.resolve(m);
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

  const ask = (request: DistributiveOmit<WorkerRequest, 'id'>) => {
    if (idle) clearTimeout(idle);
    idle = null;
    worker ??= start();
    const id = ++seq;
    return new Promise<Answer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker!.postMessage({ ...request, id } as WorkerRequest);
    });
  };

  return {
    build: async (_db: Db, key, now, graceMs) => (await ask({ op: 'build', key, now, graceMs })).doc!,
    async renderPdf(doc, pdfOpts) {
      const { pdf } = await ask({ op: 'pdf', doc, opts: pdfOpts });
      return Buffer.from(pdf!.buffer, pdf!.byteOffset, pdf!.byteLength);
    },
    async stop() {
      if (idle) clearTimeout(idle);
      await stopWorker();
    },
  };
}
