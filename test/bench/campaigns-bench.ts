// Campaign progress benchmark (issue 14, item 1): a district's month of bulletins, all tagged with
// one campaign, and its receipts (test/helpers/coverage-db.ts, in memory after the real migrations).
// Times the campaign's progress per ward and, as its peer in the same run, the coverage summary of
// the same district and month: both read the same plan and receipts. Median of `runs`.
//   node bin/run-ts.mjs test/bench/campaigns-bench.ts [devices=2000] [runs=5]
import { openDatabase } from '../../hub/db/database.ts';
import { coverageScope, coverageSummary } from '../../hub/reports/coverage.ts';
import { createCampaign, setBroadcastCampaigns } from '../../hub/campaigns/campaigns.ts';
import { campaignProgress } from '../../hub/campaigns/progress.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
import { DAY_MS } from '../../protocol/index.ts';
import { seedCoverageDb, DISTRICT } from '../helpers/coverage-db.ts';

const N = Number(process.argv[2] ?? 2000);
const RUNS = Number(process.argv[3] ?? 5);
const FROM = Date.UTC(2026, 9, 1) - VN_OFFSET_MS; // 01/10/2026 in Vietnam
const NOW = FROM + 40 * DAY_MS;

const db = openDatabase(':memory:');
const { receipts } = seedCoverageDb(db, { from: FROM, days: 31, devices: N, wards: 12, now: NOW, seed: 5 });
const user = (db.prepare('SELECT id FROM users LIMIT 1').get() as { id: number }).id;
const campaign = createCampaign(
  db,
  {
    name: 'Nghị quyết 98',
    from: '2026-10-01',
    to: '2026-10-31',
    areas: [DISTRICT],
    target: { bulletins: 3, per: 'week' },
  },
  user,
  0,
);
for (const { id } of db.prepare('SELECT id FROM broadcasts').all() as Array<{ id: string }>)
  setBroadcastCampaigns(db, id, [campaign.id]);

const median = (f: () => unknown) => {
  f(); // warm
  const xs = Array.from({ length: RUNS }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  }).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
};
const progress = median(() => campaignProgress(db, campaign, NOW));
const summary = median(() =>
  coverageSummary(
    db,
    coverageScope(db, {
      areaPath: DISTRICT,
      from: campaign.startsAt,
      to: campaign.endsAt,
      now: NOW,
      graceMs: 15 * 60_000,
    }),
  ),
);
const wards = campaignProgress(db, campaign, NOW);
console.log(
  `campaigns: ${N} devices in ${wards.length} wards, ${receipts} receipts; planned ${wards.reduce((n, w) => n + w.planned, 0)}, aired ${wards.reduce((n, w) => n + w.aired, 0)}`,
);
console.log(
  `campaign progress ${progress.toFixed(0)} ms, coverage summary ${summary.toFixed(0)} ms (median of ${RUNS}); ratio ${(progress / summary).toFixed(2)}`,
);
db.close();
