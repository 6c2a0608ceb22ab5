// The coverage page at fleet scale in a real browser: a district with 40 devices and a month of
// receipts (test/helpers/coverage-db.ts). The totals come whole; the occurrences not played in full
// come 200 at a time, and "Xem thêm" appends the next page without repeating a row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { openDatabase } from '../../hub/db/database.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { DISTRICT, seedCoverageDb } from '../helpers/coverage-db.ts';
import { launchBrowser, openAs, shot } from './harness.ts';

let t: TestHub;
let browser: Browser;
const USER = {
  username: 'quan.tx',
  password: 'password-quan-tx',
  role: 'district',
  areaPath: DISTRICT,
  displayName: 'Phòng VHTT quận',
};
// Last month in Vietnam time, so that every occurrence is due.
const vn = new Date(Date.now() + VN_OFFSET_MS);
const y = vn.getUTCMonth() === 0 ? vn.getUTCFullYear() - 1 : vn.getUTCFullYear();
const m = vn.getUTCMonth() === 0 ? 12 : vn.getUTCMonth();
const from = Date.UTC(y, m - 1, 1) - VN_OFFSET_MS;
const to = Date.UTC(y, m, 1) - VN_OFFSET_MS;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-coverage-pages-'));
  const db = openDatabase(path.join(dir, 'hub.sqlite'));
  seedCoverageDb(db, {
    from,
    days: Math.round((to - from) / 86_400_000),
    devices: 40,
    wards: 3,
    now: Date.now(),
    reporting: 0.9,
  });
  db.close();
  t = await startTestHub({}, dir);
  await t.admin.post('/api/v1/users', USER);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('coverage page', () => {
  it('pages through the occurrences not played in full with "Xem thêm"', async () => {
    const period = `${y}-${String(m).padStart(2, '0')}`;
    const summary = await t.admin.get(`/api/v1/reports/coverage?area=${DISTRICT}&period=${period}`);
    const problems = summary.totals.scheduled - summary.totals.played - summary.totals.pending;
    expect(problems).toBeGreaterThan(400);
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, USER, 'coverage');
    await page.fill('input.year', String(y));
    await page.selectOption('select[aria-label="Tháng"]', String(m));
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('h3')].some((h) => h.textContent?.includes(`(${n})`)),
      problems,
    );
    const rows = () => page.$$eval('[data-testid=problems] tbody tr', (trs) => trs.map((tr) => tr.textContent));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=problems] tbody tr').length === 200);
    const first = await rows();
    await page.click('[data-testid=problems-more]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=problems] tbody tr').length === 400);
    const both = await rows();
    expect(both.slice(0, 200)).toEqual(first);
    // The second page continues the first: the hub's own page after the first 200.
    const api = await t.admin.get(
      `/api/v1/reports/coverage/rows?area=${DISTRICT}&period=${period}&result=partial,failed,missed,preempted,skipped&limit=400`,
    );
    expect(both).toHaveLength(api.rows.length);
    for (const [i, text] of both.entries()) expect(text).toContain(api.rows[i].deviceName);
    expect(await page.textContent('[data-testid=totals] [data-k=scheduled] .v')).toBe(
      summary.totals.scheduled.toLocaleString('vi-VN'),
    ); // thousands dot: "2.909"
    await shot(page, 'coverage-pages');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
