// The periodic reports' worker thread (report-builder.ts starts it): builds report documents on a
// connection of its own to the hub's database, so a district's month (several queries of 150–350 ms
// each at 1,000 devices) never holds the hub's event loop. It only reads: the hub's connection
// migrated the file, and WAL lets both read while the hub writes.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { textOf } from '../text/index.ts';
import { buildReportDocument, type ReportKey } from './report-document.ts';

export interface BuildRequest {
  id: number;
  key: ReportKey;
  now: number;
  graceMs: number;
}

const db = new Database((workerData as { dbFile: string }).dbFile, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

// One document at a time, in the order asked: each build awaits between its pieces.
let queue = Promise.resolve();
parentPort!.on('message', (m: BuildRequest) => {
  queue = queue.then(async () => {
    try {
      parentPort!.postMessage({ id: m.id, doc: await buildReportDocument(db, m.key, m.now, m.graceMs) });
    } catch (e) {
      // A catalogue message crosses as a plain object, so the hub answers with the same words.
      parentPort!.postMessage({ id: m.id, error: textOf(e) });
    }
  });
});
