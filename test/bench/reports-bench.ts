// Reports benchmark (issue 10, item 5): a database with 1,000 devices and a month of receipts
// (written straight into the real tables after the real migrations, test/helpers/coverage-db.ts),
// served by the real hub as its own process. Measures the coverage summary, a page of detail rows,
// the streamed CSV (time and bytes), the PDF and a broadcast's detail, and the hub's peak RSS; and
// how fast the hub's health answers while summaries run (a summary holding the event loop delays it).
// The same requests go to main's hub on a copy of the same database in the same run ("before",
// from `git archive main`), when the repository has a main branch; the ratio is after / before.
//   node bin/run-ts.mjs test/bench/reports-bench.ts [devices=1000] [runs=20]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../hub/db/database.ts';
import { MIGRATIONS } from '../../hub/db/migrations.ts';
import type { HubJson } from '../helpers/api-types.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
import { seedCoverageDb, DISTRICT } from '../helpers/coverage-db.ts';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { freePort } from '../helpers/ports.ts';

const N = Number(process.argv[2] ?? 1000);
const RUNS = Number(process.argv[3] ?? 20);
const root = path.resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-reports-bench-'));

// The last whole month in Vietnam time: every occurrence is due, as in a monthly report.
const vnNow = new Date(Date.now() + VN_OFFSET_MS);
const monthStart = (y: number, m: number) => Date.UTC(y, m, 1) - VN_OFFSET_MS;
const from = monthStart(vnNow.getUTCFullYear(), vnNow.getUTCMonth() - 1);
const to = monthStart(vnNow.getUTCFullYear(), vnNow.getUTCMonth());
const days = Math.round((to - from) / 86_400_000);
const period = new Date(from + VN_OFFSET_MS).toISOString().slice(0, 7);

function seed(): string {
  const data = path.join(dir, 'after');
  mkdirSync(data);
  const db = openDatabase(path.join(data, 'hub.sqlite'));
  const t = performance.now();
  const { receipts } = seedCoverageDb(db, { from, days, devices: N, wards: 20, now: to + 3600_000, reporting: 0.95 });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  console.log(
    `fixture: ${N} devices, ${receipts} receipts in ${period} (${days} days), written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  return data;
}

/** main's code, for the "before" figures, or null when there is no main branch to read. */
function mainCheckout(): string | null {
  try {
    const src = path.join(dir, 'main-src');
    mkdirSync(src);
    execFileSync('sh', ['-c', `git -C "${root}" archive main | tar -x -C "${src}"`], { stdio: 'ignore' });
    symlinkSync(path.join(root, 'node_modules'), path.join(src, 'node_modules'));
    return existsSync(path.join(src, 'bin', 'wardcast.mjs')) ? src : null;
  } catch {
    return null;
  }
}

/**
 * main's schema on a copy of this branch's database, for main's hub: the migrations main does not
 * have may only add indexes, which are dropped again (anything else could not be undone here).
 */
async function asMainSchema(file: string, src: string): Promise<void> {
  const theirs = ((await import(path.join(src, 'hub', 'db', 'migrations.ts'))) as { MIGRATIONS: string[] }).MIGRATIONS;
  const db = new Database(file);
  try {
    for (const [i, m] of MIGRATIONS.entries())
      for (const statement of i < theirs.length
        ? []
        : m
            .split(';')
            .map((x) => x.trim())
            .filter(Boolean)) {
        const index = /^CREATE (?:UNIQUE )?INDEX (\w+)/.exec(statement);
        if (!index)
          throw new Error(`main's hub cannot read this database: migration ${i + 1} does more than add an index`);
        db.exec(`DROP INDEX ${index[1]}`);
      }
    db.pragma(`user_version = ${theirs.length}`);
  } finally {
    db.close();
  }
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
/** CPU time the process has used, in ms (user + system; clock ticks of 10 ms). */
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const peakRss = (pid: number) =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface Figures {
  [what: string]: { p50: number; p99: number; cpu: number; bytes?: number; n: number } | number | string;
}

async function measure(hub: HubProcess, paged: boolean): Promise<Figures> {
  // main takes seconds per summary: fewer runs there (its p99 is then the slowest of them).
  const runs = paged ? RUNS : Math.min(RUNS, 5);
  const token = hub.admin.token as string;
  const base = `${hub.httpUrl}/api/v1`;
  const area = `area=${encodeURIComponent(DISTRICT)}&period=${period}`;
  const time = async (url: string, runs: number) => {
    const ms: number[] = [];
    let bytes = 0;
    let body: HubJson;
    const cpu0 = cpuMs(hub.child.pid!);
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const buf = Buffer.from(await res.arrayBuffer());
      ms.push(performance.now() - t);
      if (!res.ok) throw new Error(`${url} → ${res.status}: ${buf.toString().slice(0, 300)}`);
      bytes = buf.length;
      if (i === 0 && /json/.test(res.headers.get('content-type') ?? '')) body = JSON.parse(buf.toString());
    }
    // The hub's own CPU per request: what the wall time would be on an idle machine, roughly.
    return { p50: pct(ms, 50), p99: pct(ms, 99), cpu: (cpuMs(hub.child.pid!) - cpu0) / runs, bytes, n: runs, body };
  };
  const out: Figures = {};
  // The hub's health answered meanwhile, every 10 ms: how long a summary holds its event loop.
  let summarising = true;
  const health: number[] = [];
  const poll = (async () => {
    while (summarising) {
      const t = performance.now();
      await (await fetch(`${base}/health`)).arrayBuffer();
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const summary = await time(`${base}/reports/coverage?${area}`, runs);
  summarising = false;
  await poll;
  out['coverage summary'] = summary;
  out['/health meanwhile, p50 / p99 / max'] =
    `${[50, 99, 100].map((p) => pct(health, p).toFixed(0)).join(' / ')} ms (${health.length} calls)`;
  out['rows in the report'] = summary.body.totals.scheduled;
  // The issue's memory goal is while serving the summary: the peak so far, before the CSV and PDF
  // (the PDF's fonts and layout set the process's peak later).
  out['hub peak RSS after the summaries, MB'] = Math.round(peakRss(hub.child.pid!));
  if (paged) {
    // A page well inside the month: follow the cursors of 200-row pages a few times.
    let cursor = summary.body.rowsNext;
    for (let i = 0; i < 5 && cursor; i++)
      cursor = (await time(`${base}/reports/coverage/rows?${area}&limit=200&cursor=${encodeURIComponent(cursor)}`, 1))
        .body.next;
    out['detail page (200 rows)'] = await time(
      `${base}/reports/coverage/rows?${area}&limit=200&cursor=${encodeURIComponent(cursor)}`,
      RUNS,
    );
    out['problems page (200 rows)'] = await time(
      `${base}/reports/coverage/rows?${area}&limit=200&result=failed,missed,partial`,
      RUNS,
    );
  } else out['detail page (200 rows)'] = 'no paging on main';
  out['CSV, streamed'] = await time(`${base}/reports/coverage?${area}&format=csv`, 3);
  out.PDF = await time(`${base}/reports/coverage.pdf?${area}`, 3);
  // The daily bulletin reaches every device: one day of it is 2 × N device rows.
  const day = `from=${from + 10 * 86_400_000}&to=${from + 11 * 86_400_000}`;
  out[`GET /broadcasts/{id} (${2 * N} rows${paged ? ', first page of 500' : ''})`] = await time(
    `${base}/broadcasts/b-daily?${day}`,
    runs,
  );
  out['hub peak RSS at the end (PDF included), MB'] = Math.round(peakRss(hub.child.pid!));
  return out;
}

async function serve(data: string, bin?: string) {
  const hub = await startHubProcess({
    dataDir: data,
    httpPort: await freePort(),
    mqttPort: await freePort(),
    bin,
    logLevel: 'error',
  });
  try {
    // Warm up (the first request compiles statements and loads fonts).
    await hub.admin.get(`/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}&period=${period}`);
    return await measure(hub, !bin);
  } finally {
    await hub.stop();
  }
}

try {
  const after = seed();
  const src = process.env.BENCH_SKIP_BEFORE ? null : mainCheckout();
  let before: Figures | null = null;
  if (src) {
    const data = path.join(dir, 'before');
    mkdirSync(data);
    copyFileSync(path.join(after, 'hub.sqlite'), path.join(data, 'hub.sqlite'));
    await asMainSchema(path.join(data, 'hub.sqlite'), src);
    before = await serve(data, path.join(src, 'bin', 'wardcast.mjs'));
  }
  const now = await serve(after);
  const ms = (v: Figures[string]) =>
    typeof v === 'object'
      ? `${v.p50.toFixed(0)} / ${v.p99.toFixed(0)} ms, cpu ${v.cpu.toFixed(0)}${v.bytes && v.bytes > 100_000 ? `, ${(v.bytes / 1e6).toFixed(1)} MB` : ''}`
      : String(v);
  console.log(
    `\n${'what (p50 / p99 wall; hub CPU ms a request)'.padEnd(52)} ${'main (before)'.padEnd(34)} ${'this branch'.padEnd(34)} after/before (p50)`,
  );
  for (const [k, v] of Object.entries(now)) {
    const b = before?.[k] ?? before?.[k.replace(', first page of 500', '')];
    const ratio =
      b && typeof b === 'object' && typeof v === 'object'
        ? (v.p50 / b.p50).toFixed(3)
        : b && typeof b === 'number' && typeof v === 'number'
          ? (v / b).toFixed(2)
          : '';
    console.log(`${k.padEnd(52)} ${(b === undefined ? '—' : ms(b)).padEnd(34)} ${ms(v).padEnd(34)} ${ratio}`);
  }
  console.log(
    `\ngoals: summary p99 < 500 ms, /health meanwhile < 50 ms, detail page p99 < 200 ms, broadcast detail p99 < 200 ms, hub RSS < 300 MB (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
