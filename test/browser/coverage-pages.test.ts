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
import { DISTRICT, seedCoverageDb, wardPath } from '../helpers/coverage-db.ts';
import { occurrenceId } from '../../hub/broadcasts/recurrence.ts';
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

/** A live session of 95 s to the first ward on the month's 4th at 09:00; one loudspeaker aired 94,2 s. */
const LIVE_START = from + 3 * 86_400_000 + 9 * 3600_000;
let liveDevice = '';
function seedLiveSession(db: ReturnType<typeof openDatabase>) {
  const ward = db.prepare('SELECT id FROM areas WHERE path = ?').get(wardPath(0)) as { id: number };
  const user = db.prepare("SELECT id FROM users WHERE username = 'quan'").get() as { id: number };
  liveDevice = (
    db
      .prepare(
        "SELECT id FROM devices WHERE area_id = ? AND kind = 'speaker' AND decommissioned_at IS NULL ORDER BY id LIMIT 1",
      )
      .get(ward.id) as { id: string }
  ).id;
  db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, decision_code, live)
     VALUES ('b-live', 'Họp tổ dân phố', NULL, NULL, 'normal', 70, ?, NULL, 95000, 'approved', ?, ?, ?, ?, 'went-live', ?)`,
  ).run(
    LIVE_START,
    user.id,
    LIVE_START - 2000,
    user.id,
    LIVE_START - 2000,
    JSON.stringify({ sessionId: 's-1', bufferMs: 400 }),
  );
  db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)').run(
    'b-live',
    ward.id,
  );
  db.prepare(
    `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state)
     VALUES ('r-live', ?, 'b-live', ?, 'played', NULL, ?, ?, ?, 94.2, 0, ?, 'sig', ?, 'admitted')`,
  ).run(
    occurrenceId('b-live', LIVE_START),
    liveDevice,
    LIVE_START,
    LIVE_START + 20,
    LIVE_START + 95_500,
    JSON.stringify({
      relay: {
        secondsAired: 94.2,
        secondsLost: 0,
        fallback: 'silence',
        fallbackSeconds: 0,
        lostAt: null,
        bytes: 1,
        live: true,
      },
    }),
    LIVE_START + 96_000,
  );
}

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
  seedLiveSession(db);
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

  it('shows live sessions in a section of their own, not under relays (tiếp âm)', async () => {
    const period = `${y}-${String(m).padStart(2, '0')}`;
    const summary = await t.admin.get(`/api/v1/reports/coverage?area=${DISTRICT}&period=${period}`);
    expect(summary.live.occurrences).toBeGreaterThan(1); // every loudspeaker of the ward owed it
    expect(summary.relay.occurrences).toBe(0);
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, USER, 'coverage');
    await page.fill('input.year', String(y));
    await page.selectOption('select[aria-label="Tháng"]', String(m));
    await page.waitForSelector('[data-testid=live-totals]');
    expect(await page.$$eval('h3', (hs) => hs.map((h) => h.textContent))).toContain(
      'Phát trực tiếp: số giây đã phát và bị mất',
    );
    expect(await page.textContent('[data-testid=live-totals]')).toMatch(
      new RegExp(`^${summary.live.occurrences} lần phát trực tiếp; đã phát 94,2`),
    );
    expect(await page.textContent(`[data-testid=live-by-device] tr[data-device="${liveDevice}"]`)).toContain('94,2');
    expect(await page.$('[data-testid=relay-totals]')).toBeNull();
    expect(await page.textContent('main')).not.toContain('Tiếp âm');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
