// Campaigns (chuyên đề): stored with their period in Vietnamese civil dates and as instants, the
// areas they cover, and the bulletins tagged with them. Who sees a campaign: anyone whose scope
// contains one of its areas or lies inside one (the broadcast rule); who changes it: only whose
// scope contains all of its areas.
import type { Db } from '../db/database.ts';
import { withinScope } from '../areas/areas.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { DAY_MS } from '../../protocol/index.ts';
import { VN_OFFSET_MS } from '../time.ts';
import type { CampaignTarget } from '../api-contract/campaigns.ts';

export interface CampaignRecord {
  id: number;
  name: string;
  from: string;
  to: string;
  /** the first instant of `from` in Vietnam */
  startsAt: number;
  /** the first instant after `to` in Vietnam (exclusive) */
  endsAt: number;
  areas: string[];
  target: CampaignTarget;
  note: string;
  createdBy: number;
  archived: boolean;
  bulletins: number;
}

export interface CampaignInput {
  name: string;
  from: string;
  to: string;
  areas: string[];
  target: CampaignTarget;
  note?: string;
}

/** The first instant of a Vietnamese civil date written yyyy-mm-dd; refuses anything else by name. */
export function vnDayStart(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const t = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : Number.NaN;
  if (!m || Number.isNaN(t) || new Date(t).getUTCDate() !== +m[3] || new Date(t).getUTCMonth() !== +m[2] - 1)
    throw new LocalizedError(msg('campaign.bad-date', { text }));
  return t - VN_OFFSET_MS;
}

const MAX_DAYS = 731;

/** The period as instants, checked: [startsAt, endsAt). */
export function periodOf(from: string, to: string): { startsAt: number; endsAt: number } {
  const startsAt = vnDayStart(from);
  const endsAt = vnDayStart(to) + DAY_MS;
  if (endsAt <= startsAt) throw new LocalizedError(msg('campaign.bad-period', { from, to }));
  if (endsAt - startsAt > MAX_DAYS * DAY_MS) throw new LocalizedError(msg('campaign.period-too-long'));
  return { startsAt, endsAt };
}

interface Row {
  id: number;
  name: string;
  from_date: string;
  to_date: string;
  starts_at: number;
  ends_at: number;
  target_bulletins: number;
  target_per: CampaignTarget['per'];
  note: string;
  created_by: number;
  archived_at: number | null;
  areas: string;
  bulletins: number;
}

const SELECT = `
  SELECT c.*, (SELECT json_group_array(area_path) FROM (SELECT area_path FROM campaign_areas WHERE campaign_id = c.id ORDER BY area_path)) AS areas,
         (SELECT COUNT(*) FROM broadcast_campaigns bc WHERE bc.campaign_id = c.id) AS bulletins
    FROM campaigns c`;

const toRecord = (r: Row): CampaignRecord => ({
  id: r.id,
  name: r.name,
  from: r.from_date,
  to: r.to_date,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  areas: JSON.parse(r.areas) as string[],
  target: { bulletins: r.target_bulletins, per: r.target_per },
  note: r.note,
  createdBy: r.created_by,
  archived: r.archived_at !== null,
  bulletins: r.bulletins,
});

export function listCampaigns(db: Db, opts: { archived?: boolean } = {}): CampaignRecord[] {
  const where = opts.archived ? '' : 'WHERE c.archived_at IS NULL';
  return (db.prepare(`${SELECT} ${where} ORDER BY c.starts_at DESC, c.id DESC`).all() as Row[]).map(toRecord);
}

export function getCampaign(db: Db, id: number): CampaignRecord | undefined {
  const r = db.prepare(`${SELECT} WHERE c.id = ?`).get(id) as Row | undefined;
  return r && toRecord(r);
}

/** One of its areas is within the scope or contains it. */
export const campaignVisible = (c: Pick<CampaignRecord, 'areas'>, scope: string | null) =>
  c.areas.some((p) => withinScope(scope, p) || withinScope(p, scope ?? ''));

/** Every one of its areas is within the scope. */
export const campaignOwned = (c: Pick<CampaignRecord, 'areas'>, scope: string | null) =>
  c.areas.every((p) => withinScope(scope, p));

function normalise(input: CampaignInput) {
  const areas = [...new Set(input.areas.map((a) => a.trim()))].sort();
  if (areas.length === 0) throw new LocalizedError(msg('campaign.needs-area'));
  return { ...input, areas, ...periodOf(input.from, input.to) };
}

export function createCampaign(db: Db, input: CampaignInput, userId: number, now: number): CampaignRecord {
  const c = normalise(input);
  return db.transaction(() => {
    const info = db
      .prepare(
        `INSERT INTO campaigns (name, from_date, to_date, starts_at, ends_at, target_bulletins, target_per, note, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.name, c.from, c.to, c.startsAt, c.endsAt, c.target.bulletins, c.target.per, c.note ?? '', userId, now);
    const id = Number(info.lastInsertRowid);
    setAreas(db, id, c.areas);
    return getCampaign(db, id)!;
  })();
}

export function updateCampaign(db: Db, id: number, input: CampaignInput): CampaignRecord {
  const c = normalise(input);
  return db.transaction(() => {
    db.prepare(
      `UPDATE campaigns SET name = ?, from_date = ?, to_date = ?, starts_at = ?, ends_at = ?, target_bulletins = ?, target_per = ?, note = ? WHERE id = ?`,
    ).run(c.name, c.from, c.to, c.startsAt, c.endsAt, c.target.bulletins, c.target.per, c.note ?? '', id);
    setAreas(db, id, c.areas);
    return getCampaign(db, id)!;
  })();
}

function setAreas(db: Db, id: number, areas: string[]) {
  db.prepare('DELETE FROM campaign_areas WHERE campaign_id = ?').run(id);
  const add = db.prepare('INSERT INTO campaign_areas (campaign_id, area_path) VALUES (?, ?)');
  for (const a of areas) add.run(id, a);
}

/** A campaign no bulletin carries is removed; one that is carried is archived, so nothing stored is lost. */
export function removeCampaign(db: Db, id: number, now: number): 'deleted' | 'archived' {
  return db.transaction(() => {
    const used = db.prepare('SELECT 1 FROM broadcast_campaigns WHERE campaign_id = ? LIMIT 1').get(id);
    if (used) {
      db.prepare('UPDATE campaigns SET archived_at = COALESCE(archived_at, ?) WHERE id = ?').run(now, id);
      return 'archived' as const;
    }
    db.prepare('DELETE FROM campaign_areas WHERE campaign_id = ?').run(id);
    db.prepare('DELETE FROM campaigns WHERE id = ?').run(id);
    return 'deleted' as const;
  })();
}

/** The campaigns each of these broadcasts is tagged with (ids ascending). */
export function campaignsOf(db: Db, broadcastIds: string[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (broadcastIds.length === 0) return out;
  const rows = db
    .prepare(
      `SELECT broadcast_id, campaign_id FROM broadcast_campaigns WHERE broadcast_id IN (SELECT value FROM json_each(?)) ORDER BY campaign_id`,
    )
    .all(JSON.stringify(broadcastIds)) as Array<{ broadcast_id: string; campaign_id: number }>;
  for (const r of rows) out.set(r.broadcast_id, [...(out.get(r.broadcast_id) ?? []), r.campaign_id]);
  return out;
}

export function setBroadcastCampaigns(db: Db, broadcastId: string, campaignIds: number[]): void {
  db.transaction(() => {
    db.prepare('DELETE FROM broadcast_campaigns WHERE broadcast_id = ?').run(broadcastId);
    const add = db.prepare('INSERT INTO broadcast_campaigns (broadcast_id, campaign_id) VALUES (?, ?)');
    for (const id of new Set(campaignIds)) add.run(broadcastId, id);
  })();
}

/**
 * Refuses a tag the user may not give: a campaign that does not exist or that they cannot see, an
 * archived one, or one whose areas the bulletin's targets (area paths, devices' areas) do not
 * overlap. Thrown as LocalizedError with `status`.
 */
export function checkTags(db: Db, scope: string | null, ids: number[], targetPaths: string[]): void {
  for (const id of new Set(ids)) {
    const c = getCampaign(db, id);
    if (!c || !campaignVisible(c, scope))
      throw Object.assign(new LocalizedError(msg('campaign.tag-unknown', { id })), { status: 404 });
    if (c.archived)
      throw Object.assign(new LocalizedError(msg('campaign.tag-archived', { name: c.name })), { status: 400 });
    const overlaps = c.areas.some((a) => targetPaths.some((p) => withinScope(a, p) || withinScope(p, a)));
    if (!overlaps)
      throw Object.assign(
        new LocalizedError(msg('campaign.tag-no-overlap', { name: c.name, areas: c.areas.join(', ') })),
        {
          status: 400,
        },
      );
  }
}
