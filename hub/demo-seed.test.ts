// The demo's approximate ward outlines must at least agree with the demo's devices: each device
// inside its own ward's outline and no other's, the wards tiling the district.
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db/database.ts';
import { getBoundary, listBoundaries, setBoundary } from './areas/boundaries.ts';
import { pointInGeometry, ringArea } from '../protocol/index.ts';
import {
  APPROXIMATE_SOURCE,
  DEMO_CAMPAIGN,
  DEMO_DEVICES,
  DISTRICT,
  seedAreas,
  seedCampaign,
  seedLastMonthReport,
  seedUsers,
  WARDS,
} from './demo-seed.ts';
import { listAnniversaries, upcomingAnniversaries } from './calendar/anniversaries.ts';
import { UPCOMING_DAYS } from './api-contract/calendar-window.ts';
import { listReports } from './periodic-reports/store.ts';
import { listCampaigns } from './campaigns/campaigns.ts';
import { DEFAULT_CONFIRMATION_GRACE_MS } from './periodic-reports/grace.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('demo ward outlines', () => {
  const db = openDatabase(':memory:');
  seedAreas(db);
  const outlines = listBoundaries(db, DISTRICT).features;

  it('gives the district and each of its 11 wards an outline marked as approximate', () => {
    expect(outlines.map((f) => f.properties.path).sort()).toEqual(
      [DISTRICT, ...WARDS.map(([slug]) => `${DISTRICT}/${slug}`)].sort(),
    );
    for (const f of outlines) expect(f.properties.source).toBe(APPROXIMATE_SOURCE);
    expect(APPROXIMATE_SOURCE).toMatch(/^approximate:/);
  });

  it.each(DEMO_DEVICES.map((d) => [d.id, d] as const))('%s lies inside its own ward and no other', (_id, d) => {
    const wards = outlines
      .filter((f) => f.properties.level === 'ward' && pointInGeometry(f.geometry, d.longitude, d.latitude))
      .map((f) => f.properties.path);
    expect(wards).toEqual([`${DISTRICT}/${d.ward}`]);
  });

  it('the wards tile the district: their areas add up to its area', () => {
    const district = getBoundary(db, DISTRICT)!.geometry;
    const total = outlines
      .filter((f) => f.properties.level === 'ward')
      .reduce((s, f) => s + ringArea((f.geometry.coordinates as number[][][])[0]), 0);
    expect(total / ringArea((district.coordinates as number[][][])[0])).toBeCloseTo(1, 4); // up to rounding to 6 decimals
  });

  it('a second start changes nothing, and official outlines are never overwritten', () => {
    const before = JSON.stringify(listBoundaries(db, null));
    seedAreas(db);
    expect(JSON.stringify(listBoundaries(db, null))).toBe(before);
    const fresh = openDatabase(':memory:');
    seedAreas(fresh);
    setBoundary(fresh, `${DISTRICT}/ha-dinh`, null);
    setBoundary(
      fresh,
      `${DISTRICT}/kim-giang`,
      {
        type: 'Polygon',
        coordinates: [
          [
            [105.81, 20.98],
            [105.82, 20.98],
            [105.82, 20.99],
            [105.81, 20.98],
          ],
        ],
      },
      'Sở TN&MT Hà Nội 2024',
    );
    seedAreas(fresh);
    expect(getBoundary(fresh, `${DISTRICT}/ha-dinh`)).toBeUndefined();
    expect(getBoundary(fresh, `${DISTRICT}/kim-giang`)?.source).toBe('Sở TN&MT Hà Nội 2024');
  });
});

describe("the demo's campaign, anniversaries and report", () => {
  // 31/12/2026 23:30 in Vietnam: the month, the quarter and the year end within the hour.
  const now = Date.parse('2026-12-31T23:30:00+07:00');

  it("seeds the campaign over the wards and last month's report once, however often it starts", async () => {
    const db = openDatabase(':memory:');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-demo-seed-'));
    try {
      seedAreas(db);
      await seedUsers(db, dir);
      const c = seedCampaign(db, now);
      expect(c).toMatchObject({
        name: DEMO_CAMPAIGN.name,
        from: '2026-12-01',
        to: '2027-02-28',
        target: { bulletins: 3, per: 'week' },
      });
      expect(c.areas).toHaveLength(WARDS.length);
      expect(await seedLastMonthReport(db, now, DEFAULT_CONFIRMATION_GRACE_MS)).toBe('2026-11');
      // A second start: the same campaign, the same report.
      expect(seedCampaign(db, now + 86_400_000).id).toBe(c.id);
      await seedLastMonthReport(db, now, DEFAULT_CONFIRMATION_GRACE_MS);
      expect(listCampaigns(db, { archived: true })).toHaveLength(1);
      const reports = listReports(db, { area: null }, now);
      expect(reports.map((r) => [r.areaPath, r.kind, r.period, r.status])).toEqual([
        [DISTRICT, 'month', '2026-11', 'draft'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('always has a coming anniversary to show: every day of three years has one within the window', () => {
    const list = listAnniversaries(openDatabase(':memory:'));
    const empty: string[] = [];
    for (let t = Date.parse('2026-01-01T12:00:00+07:00'); t < Date.parse('2029-01-01T00:00:00+07:00'); t += 86_400_000)
      if (upcomingAnniversaries(list, t, UPCOMING_DAYS).length === 0)
        empty.push(new Date(t).toISOString().slice(0, 10));
    expect(empty).toEqual([]);
    // 60 days (the earlier window) left some days of 2028 with none.
    let short = 0;
    for (let t = Date.parse('2028-05-20T12:00:00+07:00'); t < Date.parse('2028-05-30T00:00:00+07:00'); t += 86_400_000)
      if (upcomingAnniversaries(list, t, 60).length === 0) short++;
    expect(short).toBeGreaterThan(0);
  });
});
