// A campaign's progress per ward: planned against aired, from the coverage report's evidence.
// Planned: the occurrences of its tagged bulletins the plan owes each speaker in its areas
// (planShape and owedAt, as coverage.ts counts "scheduled"). Aired: admitted receipts only, with
// result played or partial; a rejected claim, a failed play or an occurrence not yet confirmed does
// not count. Both are counted by SQLite per (speaker, bucket) — a bucket is a week (Monday to
// Sunday), a calendar month or the whole period, clipped to the period — never row by row here.
import type { Db } from '../db/database.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { everOwed, owedAt, planShape } from '../broadcasts/plan.ts';
import { withinScope } from '../areas/areas.ts';
import { DAY_MS } from '../../protocol/index.ts';
import { VN_OFFSET_MS } from '../time.ts';
import type { CampaignRecord } from './campaigns.ts';

export interface Bucket {
  lo: number;
  hi: number;
  /** the target for this bucket: the whole target, scaled down for a bucket the period clips */
  required: number;
}

const ymd = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 10);
const dmy = (ms: number) => ymd(ms).split('-').reverse().join('/');

/** The period cut into the target's buckets (Vietnamese days), each with its share of the target. */
export function bucketsOf(c: Pick<CampaignRecord, 'startsAt' | 'endsAt' | 'target'>): Bucket[] {
  const { bulletins, per } = c.target;
  if (per === 'period') return [{ lo: c.startsAt, hi: c.endsAt, required: bulletins }];
  const out: Bucket[] = [];
  for (let lo = c.startsAt; lo < c.endsAt; ) {
    const d = new Date(lo + VN_OFFSET_MS);
    let full: [number, number];
    if (per === 'week') {
      const monday = lo - ((d.getUTCDay() + 6) % 7) * DAY_MS;
      full = [monday, monday + 7 * DAY_MS];
    } else {
      const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - VN_OFFSET_MS;
      full = [first, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - VN_OFFSET_MS];
    }
    const hi = Math.min(full[1], c.endsAt);
    const share = (hi - Math.max(full[0], c.startsAt)) / (full[1] - full[0]);
    out.push({ lo, hi, required: Math.max(1, Math.ceil(bulletins * share - 1e-9)) });
    lo = hi;
  }
  return out;
}

export interface SpeakerProgress {
  deviceId: string;
  deviceName: string;
  planned: number[];
  aired: number[];
}
export interface WardProgressRecord {
  areaPath: string;
  areaName: string;
  planned: number;
  aired: number;
  buckets: Array<{
    lo: number;
    hi: number;
    required: number;
    planned: number;
    aired: number;
    speakers: number;
    speakersMet: number;
    met: boolean | null;
  }>;
  met: boolean | null;
  devices: SpeakerProgress[];
}

const PLANNED_SQL = `
  WITH o(broadcast_id, start_at) AS MATERIALIZED (SELECT value->>0, value->>1 FROM json_each(@occ)),
       t(broadcast_id, device_id, retired_at) AS MATERIALIZED (SELECT value->>0, value->>1, value->>2 FROM json_each(@tgt)),
       e(broadcast_id, start_at, device_id) AS MATERIALIZED (SELECT value->>0, value->>1, value->>2 FROM json_each(@exc)),
       k(i, lo, hi) AS MATERIALIZED (SELECT key, value->>0, value->>1 FROM json_each(@buckets))
  SELECT t.device_id, k.i, COUNT(*) AS n
    FROM o JOIN t ON t.broadcast_id = o.broadcast_id JOIN k ON o.start_at >= k.lo AND o.start_at < k.hi
   WHERE (t.retired_at IS NULL OR o.start_at < t.retired_at)
     AND NOT EXISTS (SELECT 1 FROM e WHERE e.broadcast_id = o.broadcast_id AND e.start_at = o.start_at AND e.device_id = t.device_id)
   GROUP BY t.device_id, k.i`;

const AIRED_SQL = `
  WITH k(i, lo, hi) AS MATERIALIZED (SELECT key, value->>0, value->>1 FROM json_each(@buckets))
  SELECT r.device_id, k.i, COUNT(*) AS n
    FROM receipts r INDEXED BY receipts_admitted_by_device JOIN k ON r.scheduled_start >= k.lo AND r.scheduled_start < k.hi
   WHERE r.device_id IN (SELECT value FROM json_each(@devices)) AND r.state = 'admitted'
     AND r.result IN ('played', 'partial') AND r.broadcast_id IN (SELECT value FROM json_each(@bids))
     AND r.scheduled_start >= @from AND r.scheduled_start < @to
   GROUP BY r.device_id, k.i`;

/** The campaign's progress in each ward (a speaker's own area) it covers, by the hub's clock `now`. */
export function campaignProgress(db: Db, c: CampaignRecord, now: number): WardProgressRecord[] {
  const buckets = bucketsOf(c);
  const speakers = (
    db
      .prepare(
        `SELECT d.id, d.name, a.path, a.name AS area_name FROM devices d JOIN areas a ON a.id = d.area_id
          WHERE d.kind = 'speaker' AND (d.decommissioned_at IS NULL OR d.decommissioned_at > @from) ORDER BY a.path, d.id`,
      )
      .all({ from: c.startsAt }) as Array<{ id: string; name: string; path: string; area_name: string }>
  ).filter((d) => c.areas.some((a) => withinScope(a, d.path)));
  const ids = (
    db.prepare('SELECT broadcast_id FROM broadcast_campaigns WHERE campaign_id = ?').all(c.id) as Array<{
      broadcast_id: string;
    }>
  ).map((r) => r.broadcast_id);
  const tagged = ids.map((id) => getBroadcast(db, id)!).filter((b) => b && everOwed(b));
  const byId = new Map(tagged.map((b) => [b.id, b]));
  const shape = planShape(db, tagged, c.startsAt, c.endsAt, new Set(speakers.map((d) => d.id)));
  const params = {
    occ: JSON.stringify(
      shape.occurrences
        .filter((o) => owedAt(byId.get(o.broadcastId)!, o.startAt))
        .map((o) => [o.broadcastId, o.startAt]),
    ),
    tgt: JSON.stringify(shape.targets.map((t) => [t.broadcastId, t.deviceId, t.retiredAt])),
    exc: JSON.stringify(
      [...shape.excluded].map((k) => {
        const [b, s, ...d] = k.split('|');
        return [b, +s, d.join('|')];
      }),
    ),
    buckets: JSON.stringify(buckets.map((b) => [b.lo, b.hi])),
  };
  const cell = () => buckets.map(() => 0);
  const perDevice = new Map(speakers.map((d) => [d.id, { planned: cell(), aired: cell() }]));
  for (const r of db.prepare(PLANNED_SQL).all(params) as Array<{ device_id: string; i: number; n: number }>)
    perDevice.get(r.device_id)!.planned[r.i] = r.n;
  const aired = db.prepare(AIRED_SQL).all({
    buckets: params.buckets,
    devices: JSON.stringify(speakers.map((d) => d.id)),
    bids: JSON.stringify(ids),
    from: c.startsAt,
    to: c.endsAt,
  }) as Array<{ device_id: string; i: number; n: number }>;
  for (const r of aired) perDevice.get(r.device_id)!.aired[r.i] = r.n;

  const wards = new Map<string, WardProgressRecord>();
  for (const d of speakers) {
    let w = wards.get(d.path);
    if (!w) {
      w = {
        areaPath: d.path,
        areaName: d.area_name,
        planned: 0,
        aired: 0,
        buckets: buckets.map((b) => ({ ...b, planned: 0, aired: 0, speakers: 0, speakersMet: 0, met: null })),
        met: null,
        devices: [],
      };
      wards.set(d.path, w);
    }
    const p = perDevice.get(d.id)!;
    w.devices.push({ deviceId: d.id, deviceName: d.name, ...p });
    buckets.forEach((b, i) => {
      const wb = w.buckets[i];
      wb.planned += p.planned[i];
      wb.aired += p.aired[i];
      wb.speakers++;
      if (p.aired[i] >= b.required) wb.speakersMet++;
    });
  }
  for (const w of wards.values()) {
    for (const b of w.buckets) {
      w.planned += b.planned;
      w.aired += b.aired;
      // Met once every speaker has aired its share; missed only once the bucket is over.
      b.met = b.speakersMet === b.speakers ? true : b.hi <= now ? false : null;
    }
    w.met = w.buckets.some((b) => b.met === false) ? false : w.buckets.every((b) => b.met === true) ? true : null;
  }
  return [...wards.values()];
}

export const bucketLabel = (b: { lo: number; hi: number }) => `${dmy(b.lo)}–${dmy(b.hi - DAY_MS)}`;
export { ymd as vnDate };
