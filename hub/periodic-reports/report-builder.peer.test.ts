// The report builder's worker thread (report-builder.ts, report-worker.ts) on a real database file:
// the document it builds on its own connection is the one built in place (and does not see what this
// thread's connection has not committed), and so are the PDF's bytes; a refusal comes back with its
// catalogue words; a worker that dies fails what it held and the next request starts another; an
// in-memory database works in place. How long each holds the event loop: `npm run bench --
// periodic-reports`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../db/database.ts';
import { LocalizedError } from '../text/index.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { DAY_MS } from '../../protocol/index.ts';
import { DISTRICT, seedCoverageDb } from '../../test/helpers/coverage-db.ts';
import { buildReportDocument } from './report-document.ts';
import { createReportBuilder, type ReportBuilder } from './report-builder.ts';
import { renderReportPdf } from './report-pdf.ts';

const FROM = Date.UTC(2026, 9, 1) - VN_OFFSET_MS; // 01/10/2026 in Vietnam
const NOW = FROM + 40 * DAY_MS;
const GRACE = 15 * 60_000;
const KEY = { areaPath: DISTRICT, kind: 'month' as const, period: '2026-10' };

let dir: string;
let db: Db;
let builder: ReportBuilder;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-report-builder-'));
  db = openDatabase(path.join(dir, 'hub.sqlite'));
  seedCoverageDb(db, { from: FROM, days: 31, devices: 300, wards: 6, now: NOW, seed: 3 });
  builder = createReportBuilder({ dbFile: db.name });
});
afterAll(async () => {
  await builder?.stop();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('periodic report documents in a worker thread', () => {
  it('builds the same document as in place, on a connection of its own', async () => {
    const inPlace = await buildReportDocument(db, KEY, NOW, GRACE);
    expect(await builder.build(db, KEY, NOW, GRACE)).toEqual(inPlace);
    // A device added in a transaction this connection has not committed: the build in place counts
    // it, the worker's connection (another thread: this one is free meanwhile) does not.
    const area = db.prepare('SELECT id FROM areas WHERE path = ?').pluck().get(`${DISTRICT}/phuong-1`);
    db.exec('BEGIN IMMEDIATE');
    try {
      db.prepare(
        "INSERT INTO devices(id, name, kind, area_id, created_at) VALUES ('moi', 'Loa mới', 'speaker', ?, 0)",
      ).run(area);
      expect((await buildReportDocument(db, KEY, NOW, GRACE)).totals.devices).toBe(inPlace.totals.devices + 1);
      expect((await builder.build(db, KEY, NOW, GRACE)).totals.devices).toBe(inPlace.totals.devices);
    } finally {
      db.exec('ROLLBACK');
    }
  }, 60_000);

  it('renders the same PDF bytes as in place, draft and signed', async () => {
    const doc = await builder.build(db, KEY, NOW, GRACE);
    for (const opts of [
      { status: 'draft' as const },
      { status: 'signed' as const, signedBy: 'Nguyễn Thị Hồng Nhung', signedAt: '2026-11-12T09:30:00+07:00' },
    ]) {
      const off = await builder.renderPdf(doc, opts);
      expect(Buffer.isBuffer(off)).toBe(true);
      expect(off.equals(await renderReportPdf(doc, opts))).toBe(true);
    }
  }, 60_000);

  it('sends a refusal back with its words in both languages', async () => {
    const e = await builder.build(db, { ...KEY, period: '2026-13' }, NOW, GRACE).catch((x) => x);
    expect(e).toBeInstanceOf(LocalizedError);
    expect(e.msg.code).toBe('report.bad-period');
    expect(e.msg.vi).toMatch(/2026-13/);
  });

  it('a worker that dies fails what it held; the next request starts another', async () => {
    const held = builder.build(db, KEY, NOW, GRACE);
    // Stopping it under a request ends the thread as a crash would.
    await builder.stop();
    await expect(held).rejects.toThrow(/worker stopped/);
    expect((await builder.build(db, KEY, NOW, GRACE)).area.path).toBe(DISTRICT);
  }, 60_000);

  it('an in-memory database builds in place', async () => {
    const mem = createReportBuilder({ dbFile: ':memory:' });
    expect(mem.build).toBe(buildReportDocument);
    expect(mem.renderPdf).toBe(renderReportPdf);
    await mem.stop();
  });
});
