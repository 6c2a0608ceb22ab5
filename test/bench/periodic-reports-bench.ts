// Periodic report benchmark (issue 14, item 3): a district's month (test/helpers/coverage-db.ts, in
// memory after the real migrations). Times the report document of the district and of one ward and,
// as their peer in the same run, the coverage summary of the same area and month (the document is
// built from it plus per-broadcast, campaign, LED and emergency figures); then the PDF and the CSV.
// Also the longest the hub's event loop is held while the district's document is built in place
// (its queries run in synchronous pieces between awaits) and through the worker thread the hub uses
// (report-builder.ts), and while its PDF is rendered. Median of `runs`.
//   node bin/run-ts.mjs test/bench/periodic-reports-bench.ts [devices=1000] [runs=5]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../hub/db/database.ts';
import { createReportBuilder } from '../../hub/periodic-reports/report-builder.ts';
import { coverageScope, coverageSummary } from '../../hub/reports/coverage.ts';
import { buildReportDocument } from '../../hub/periodic-reports/report-document.ts';
import { renderReportPdf } from '../../hub/periodic-reports/report-pdf.ts';
import { reportCsv } from '../../hub/periodic-reports/report-csv.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
import { DAY_MS } from '../../protocol/index.ts';
import { seedCoverageDb, DISTRICT, wardPath } from '../helpers/coverage-db.ts';

const N = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 5);
const FROM = Date.UTC(2026, 9, 1) - VN_OFFSET_MS; // 01/10/2026 in Vietnam
const TO = Date.UTC(2026, 10, 1) - VN_OFFSET_MS;
const NOW = FROM + 40 * DAY_MS;
const GRACE = 15 * 60_000;

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-reports-bench-'));
const db = openDatabase(path.join(dir, 'hub.sqlite'));
const { receipts } = seedCoverageDb(db, { from: FROM, days: 31, devices: N, wards: 12, now: NOW, seed: 5 });

async function median(f: () => unknown): Promise<number> {
  await f(); // warm
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
const summary = (areaPath: string) =>
  coverageSummary(db, coverageScope(db, { areaPath, from: FROM, to: TO, now: NOW, graceMs: GRACE }));
const document = (areaPath: string) =>
  buildReportDocument(db, { areaPath, kind: 'month', period: '2026-10' }, NOW, GRACE);

const rows: string[] = [];
for (const [label, area] of [
  ['district', DISTRICT],
  ['one ward', wardPath(0)],
] as const) {
  const doc = await median(() => document(area));
  const sum = await median(() => summary(area));
  rows.push(
    `${label}: report document ${doc.toFixed(0)} ms, coverage summary ${sum.toFixed(0)} ms; ratio ${(doc / sum).toFixed(2)}`,
  );
}

/** The longest gap between 1 ms ticks while `work` runs, the last one included. */
async function longestHold(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let held = 0;
  const tick = setInterval(() => {
    const t = performance.now();
    held = Math.max(held, t - last);
    last = t;
  }, 1);
  await work();
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(tick);
  return held;
}
const builder = createReportBuilder({ dbFile: db.name });
await builder.build(db, { areaPath: DISTRICT, kind: 'month', period: '2026-10' }, NOW, GRACE); // the worker started
const heldInPlace = await longestHold(() => document(DISTRICT));
const heldWorker = await longestHold(() =>
  builder.build(db, { areaPath: DISTRICT, kind: 'month', period: '2026-10' }, NOW, GRACE),
);
const doc = await document(DISTRICT);
const heldPdfInPlace = await longestHold(() => renderReportPdf(doc, { status: 'draft' }));
const heldPdfWorker = await longestHold(() => builder.renderPdf(doc, { status: 'draft' }));
await builder.stop();
const pdfMs = await median(() => renderReportPdf(doc, { status: 'draft' }));
const pdf = await renderReportPdf(doc, { status: 'draft' });
const csvMs = await median(() => reportCsv(doc, 'vi'));

console.log(
  `periodic reports: ${N} devices in 12 wards, ${receipts} receipts; the district's month: ${doc.totals.scheduled} device-occurrences, ${doc.byDevice.length} device rows`,
);
for (const r of rows) console.log(r);
console.log(
  `longest event-loop hold while the district's document is built: in place ${heldInPlace.toFixed(0)} ms, through the worker ${heldWorker.toFixed(0)} ms`,
);
console.log(
  `longest event-loop hold while its PDF is rendered: in place ${heldPdfInPlace.toFixed(0)} ms, through the worker ${heldPdfWorker.toFixed(0)} ms`,
);
console.log(
  `PDF ${pdfMs.toFixed(0)} ms (${(pdf.length / 1024).toFixed(0)} KiB), CSV ${csvMs.toFixed(1)} ms (median of ${RUNS})`,
);
db.close();
rmSync(dir, { recursive: true, force: true });
