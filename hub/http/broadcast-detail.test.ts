// A broadcast's detail at fleet scale: the per-device rows come a page at a time from one query,
// every (device, occurrence) of the window exactly once across the pages, with the state its
// admitted receipt gives (derived here from main's plan function and the receipts table), the
// states counted over the whole window, and the broadcast visible only to those it concerns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../db/database.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { OTHER_DISTRICT, seedCoverageDb, wardPath } from '../../test/helpers/coverage-db.ts';
import { legacyPlanOccurrences } from '../../test/helpers/coverage-legacy.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';
import type { BroadcastDetail, BroadcastDevice } from '../../test/helpers/api-types.ts';

const FROM = Date.UTC(2026, 9, 1) - VN_OFFSET_MS;
let t: TestHub;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-detail-'));
  const db = openDatabase(path.join(dir, 'hub.sqlite'));
  seedCoverageDb(db, { from: FROM, days: 8, devices: 45, wards: 3, now: FROM + 5 * DAY });
  db.close();
  t = await startTestHub({}, dir);
  await t.admin.post('/api/v1/users', {
    username: 'cau.giay',
    password: 'password-cau-giay',
    role: 'district',
    areaPath: OTHER_DISTRICT,
  });
  await t.admin.post('/api/v1/users', {
    username: 'phuong.1',
    password: 'password-phuong-1',
    role: 'operator',
    areaPath: wardPath(0),
  });
});
afterAll(() => t?.stop());

async function pages(id: string, window: string, limit: number) {
  const rows: BroadcastDevice[] = [];
  let first: BroadcastDetail | undefined;
  for (let offset: number | null = 0; offset !== null; ) {
    const p: BroadcastDetail = await t.admin.get(`/api/v1/broadcasts/${id}?${window}&limit=${limit}&offset=${offset}`);
    first ??= p;
    expect(p.devices.length).toBeLessThanOrEqual(limit);
    rows.push(...p.devices);
    offset = p.devicesNextOffset;
  }
  return { rows, first };
}

describe('GET /broadcasts/{id}', () => {
  it('pages every device and occurrence once, each with the state its receipt gives', async () => {
    const window = `from=${FROM + 3 * DAY}&to=${FROM + 7 * DAY}`; // receipts for the first two days only
    const { rows, first } = await pages('b-daily', window, 11);
    const db = t.hub.ctx.db;
    const plan = legacyPlanOccurrences(db, [getBroadcast(db, 'b-daily')!], FROM + 3 * DAY, FROM + 7 * DAY, undefined, [
      'b-daily',
    ]);
    expect(rows.length).toBe(plan.length);
    expect(first!.devicesTotal).toBe(plan.length);
    expect(new Set(rows.map((r) => `${r.deviceId}|${r.occurrenceId}`)).size).toBe(plan.length);
    const receipt = db.prepare(
      "SELECT result, seconds_played FROM receipts WHERE occurrence_id = ? AND device_id = ? AND state = 'admitted'",
    );
    const expected = plan.map((p) => {
      const r = receipt.get(p.item.occurrenceId, p.deviceId) as { result: string; seconds_played: number } | undefined;
      return {
        deviceId: p.deviceId,
        occurrenceId: p.item.occurrenceId,
        state: r ? r.result : 'awaiting-confirmation',
        secondsPlayed: r ? r.seconds_played : null,
      };
    });
    expect(
      rows.map((r) => ({
        deviceId: r.deviceId,
        occurrenceId: r.occurrenceId,
        state: r.state,
        secondsPlayed: r.secondsPlayed,
      })),
    ).toEqual(expected);
    const counted: Record<string, number> = {};
    for (const e of expected) counted[e.state] = (counted[e.state] ?? 0) + 1;
    expect(first!.deviceCounts).toEqual(counted);
    expect(Object.keys(counted).length).toBeGreaterThan(2); // receipts of several results, and none yet
  });

  it('leaves out the devices a clash decision took off and those decommissioned before the start', async () => {
    const { rows } = await pages('b-daily', `from=${FROM + 5 * DAY}&to=${FROM + 6 * DAY}`, 500);
    const at6 = `b-daily@${FROM + 5 * DAY + 6 * 3600_000}`;
    for (const d of ['dev-00000', 'dev-00001', 'dev-00002', 'dev-00003'])
      expect(
        rows.find((r) => r.deviceId === d && r.occurrenceId === at6),
        d,
      ).toBeUndefined();
    expect(rows.filter((r) => r.occurrenceId === at6)).toHaveLength(45 - 4);
  });

  it('is read only by those it concerns; bad page parameters are named', async () => {
    const cg = await t.api.as('cau.giay', 'password-cau-giay');
    await expect(cg.get('/api/v1/broadcasts/b-daily')).rejects.toThrow(/404/);
    const p1 = await t.api.as('phuong.1', 'password-phuong-1');
    expect(
      (await p1.get(`/api/v1/broadcasts/b-cancelled?from=${FROM}&to=${FROM + 2 * DAY}&limit=5`)).devices,
    ).toHaveLength(5);
    for (const q of ['limit=0', 'limit=5001', 'offset=-1', 'limit=x']) {
      const res = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts/b-daily?${q}`, {
        headers: { authorization: `Bearer ${t.admin.token}` },
      });
      expect(res.status, q).toBe(400);
      expect((await res.json()).error, q).toMatch(/limit|offset/);
    }
  });
});
