// The periodic reports' worker thread (report-builder.ts starts it): builds report documents on a
// connection of its own to the hub's database, so a district's month (several queries of 150–350 ms
// each at 1,000 devices) never holds the hub's event loop, and renders their PDFs (about 0.4 s at
// 1,000 devices). It only reads: the hub's connection migrated the file, and WAL lets both read
// while the hub writes.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { textOf } from '../text/index.ts';
import { buildReportDocument, type ReportKey } from './report-document.ts';
import { renderReportPdf, type ReportPdfOptions } from './report-pdf.ts';
import type { PeriodicReportDocument } from '../api-contract/periodic-reports.ts';

export type WorkerRequest =
  | { id: number; op: 'build'; key: ReportKey; now: number; graceMs: number }
  | { id: number; op: 'pdf'; doc: PeriodicReportDocument; opts: ReportPdfOptions };

const db = new Database((workerData as { dbFile: string }).dbFile, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

// One request at a time, in the order asked: a build awaits between its pieces.
let queue = Promise.resolve();
parentPort!.on('message', (m: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      if (m.op === 'build')
        parentPort!.postMessage({ id: m.id, doc: await buildReportDocument(db, m.key, m.now, m.graceMs) });
      else {
        // Copied, not transferred: a small Buffer may share its memory with Node's pool.
        parentPort!.postMessage({ id: m.id, pdf: await renderReportPdf(m.doc, m.opts) });
      }
    } catch (e) {
      // A catalogue message crosses as a plain object, so the hub answers with the same words.
      parentPort!.postMessage({ id: m.id, error: textOf(e) });
    }
  });
});
