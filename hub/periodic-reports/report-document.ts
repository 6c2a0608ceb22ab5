// The periodic report's document (báo cáo tháng / quý / năm), computed from the same evidence as the
// coverage report: the plan joined with admitted receipts only (hub/reports/coverage.ts), counted
// for the whole area, per ward, per device, per campaign (hub/campaigns/progress.ts for the target),
// per LED message and per emergency. Deterministic for the same evidence and clock: every list has
// a fixed order, so two documents compare figure by figure (changedSince).
import type { Db } from '../db/database.ts';
import { getAreaByPath, withinScope } from '../areas/areas.ts';
import { getBroadcast, type Broadcast } from '../broadcasts/broadcasts.ts';
import { listCampaigns, campaignVisible } from '../campaigns/campaigns.ts';
import { campaignProgress } from '../campaigns/progress.ts';
import {
  coverageByBroadcast,
  coverageOfBroadcasts,
  coverageReasons,
  coverageScope,
  coverageSummarySliced,
  RESULTS,
  type BroadcastCounts,
  type Counts,
} from '../reports/coverage.ts';
import {
  PERIODIC_REPORT_SCHEMA_ID,
  type PeriodicReportDocument,
  type ReportKind,
  type ReportOccurrences,
} from '../api-contract/periodic-reports.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { formatVn } from '../time.ts';
import { parsePeriod } from './period.ts';

export interface ReportKey {
  areaPath: string;
  kind: ReportKind;
  period: string;
}

/** Areas a periodic report is made for: the plans ask a ward's report and a district's. */
export const REPORT_LEVELS = ['ward', 'district'] as const;

const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/** Occurrence counts as the document writes them: seconds to 0.1 s, hours to 0.01 h, coverage over what was due. */
export function occurrences(c: Counts): ReportOccurrences {
  const due = c.scheduled - c.pending;
  return {
    scheduled: c.scheduled,
    played: c.played,
    partial: c.partial,
    failed: c.failed,
    missed: c.missed,
    preempted: c.preempted,
    skipped: c.skipped,
    pending: c.pending,
    secondsAired: round(c.secondsPlayed, 1),
    hoursAired: round(c.secondsPlayed / 3600, 2),
    coverage: due > 0 ? round((c.played + c.partial) / due, 4) : null,
  };
}

const emptyCounts = (): Counts => ({
  scheduled: 0,
  secondsPlayed: 0,
  played: 0,
  partial: 0,
  failed: 0,
  missed: 0,
  preempted: 0,
  skipped: 0,
  pending: 0,
});

/** Adds grouped rows into counts: each row is `n` device-occurrences with one result. */
function addRows(into: Counts, rows: BroadcastCounts[]): Counts {
  for (const r of rows) {
    into.scheduled += r.n;
    into.secondsPlayed += r.secondsPlayed;
    if ((RESULTS as readonly string[]).includes(r.result)) into[r.result] += r.n;
  }
  return into;
}

/** The LED text as sent: a page's lines one per line, pages apart by an empty line; diacritics kept. */
export const ledText = (b: Pick<Broadcast, 'led'>) => (b.led?.pages ?? []).map((p) => p.lines.join('\n')).join('\n\n');

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/**
 * The document for an area and a period, by the hub's clock `now` (what is still pending rather than
 * missed) with the confirmation grace `graceMs`. Throws LocalizedError for a bad period, an unknown
 * area or one that makes no periodic report, and a period not yet begun.
 */
export async function buildReportDocument(
  db: Db,
  key: ReportKey,
  now: number,
  graceMs: number,
): Promise<PeriodicReportDocument> {
  const p = parsePeriod(key.period, key.kind);
  const area = getAreaByPath(db, key.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: key.areaPath }));
  if (!(REPORT_LEVELS as readonly string[]).includes(area.level))
    throw new LocalizedError(msg('periodic-report.area-level', { path: area.path, level: area.level }));
  if (now < p.from) throw new LocalizedError(msg('periodic-report.not-started', { period: p.period }));

  const scope = coverageScope(db, { areaPath: area.path, from: p.from, to: p.to, graceMs, now });
  const summary = await coverageSummarySliced(db, scope);
  const { counts, devices: owedDevices } = coverageByBroadcast(db, scope);
  const reasons = coverageReasons(db, scope, 1000);

  // The devices in service during the period (not decommissioned before it began), with their kind.
  const fleet = db
    .prepare(
      `SELECT d.id, d.name, d.kind, a.path FROM devices d JOIN areas a ON a.id = d.area_id
        WHERE (a.path = @scope OR substr(a.path, 1, length(@scope) + 1) = @scope || '/')
          AND (d.decommissioned_at IS NULL OR d.decommissioned_at > @from) ORDER BY a.path, d.id`,
    )
    .all({ scope: area.path, from: p.from }) as Array<{ id: string; name: string; kind: string; path: string }>;
  const kindOf = new Map(fleet.map((d) => [d.id, d.kind]));
  const bulletinsIn = (under: string) =>
    new Set(counts.filter((c) => withinScope(under, c.areaPath)).map((c) => c.broadcastId)).size;

  // Per ward: the area itself when it is a ward, else its wards (children of level ward).
  const wards =
    area.level === 'ward'
      ? [{ path: area.path, name: area.name }]
      : (db
          .prepare("SELECT path, name FROM areas WHERE parent_id = ? AND level = 'ward' ORDER BY path")
          .all(area.id) as Array<{ path: string; name: string }>);
  const byWard = wards.map((w) => {
    const c = emptyCounts();
    for (const a of summary.byArea.filter((x) => withinScope(w.path, x.areaPath))) {
      c.scheduled += a.scheduled;
      c.secondsPlayed += a.secondsPlayed;
      for (const r of RESULTS) c[r] += a[r];
    }
    return {
      areaPath: w.path,
      areaName: w.name,
      ...occurrences(c),
      devices: fleet.filter((d) => withinScope(w.path, d.path)).length,
      bulletins: bulletinsIn(w.path),
    };
  });

  const byDevice = summary.byDevice.map(({ deviceId, deviceName, areaPath, scheduled, secondsPlayed, ...r }) => ({
    deviceId,
    deviceName,
    areaPath,
    kind: kindOf.get(deviceId) ?? (db.prepare('SELECT kind FROM devices WHERE id = ?').pluck().get(deviceId) as string),
    ...occurrences({ scheduled, secondsPlayed, ...(r as Omit<Counts, 'scheduled' | 'secondsPlayed'>) }),
  }));

  // Campaigns whose period overlaps this one and whose areas touch this area.
  const tagged = db.prepare('SELECT broadcast_id FROM broadcast_campaigns WHERE campaign_id = ?').pluck();
  const byCampaign = listCampaigns(db, { archived: true })
    .filter((c) => c.startsAt < p.to && c.endsAt > p.from && campaignVisible(c, area.path))
    .sort((a, b) => a.id - b.id)
    .map((c) => {
      const ids = new Set(tagged.all(c.id) as string[]);
      const rows = counts.filter((r) => ids.has(r.broadcastId));
      // The target per speaker of this area, in the campaign's buckets that overlap the period and are over.
      const progress = campaignProgress(db, c, now).filter((w) => withinScope(area.path, w.areaPath));
      let speakers = 0;
      let speakersMet = 0;
      for (const w of progress) {
        const over = w.buckets.flatMap((b, i) => (b.lo < p.to && b.hi > p.from && b.hi <= now ? [i] : []));
        for (const d of w.devices) {
          speakers++;
          if (over.length > 0 && over.every((i) => d.aired[i] >= w.buckets[i].required)) speakersMet++;
        }
      }
      return {
        campaignId: c.id,
        name: c.name,
        from: c.from,
        to: c.to,
        bulletins: new Set(rows.map((r) => r.broadcastId)).size,
        target: c.target,
        speakers,
        speakersMet,
        ...occurrences(addRows(emptyCounts(), rows)),
      };
    });

  const broadcasts = new Map<string, Broadcast>();
  for (const id of new Set(counts.map((c) => c.broadcastId))) {
    const b = getBroadcast(db, id);
    if (b) broadcasts.set(id, b);
  }

  // LED messages: broadcasts with LED text owed to LED boards here; shown = admitted played or partial.
  const byMessage = [...broadcasts.values()]
    .filter((b) => b.led && counts.some((c) => c.broadcastId === b.id && c.deviceKind === 'led'))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((b) => {
      const rows = counts.filter((c) => c.broadcastId === b.id && c.deviceKind === 'led');
      return {
        broadcastId: b.id,
        title: b.title,
        text: ledText(b),
        boards: owedDevices
          .filter((d) => d.broadcastId === b.id && d.deviceKind === 'led')
          .reduce((n, d) => n + d.devices, 0),
        shown: rows.filter((r) => r.result === 'played' || r.result === 'partial').reduce((n, r) => n + r.n, 0),
        scheduled: rows.reduce((n, r) => n + r.n, 0),
      };
    });

  // Emergencies: when each owed device first confirmed (the hub's receive time of its admitted receipt).
  const emergencyIds = [...broadcasts.values()].filter((b) => b.priority === 'emergency').map((b) => b.id);
  const emergencyRows = coverageOfBroadcasts(db, scope, emergencyIds);
  const emergencies = emergencyIds
    .map((id) => {
      const b = broadcasts.get(id)!;
      const sentAt = b.decidedAt ?? b.startsAt ?? b.createdAt;
      const firstConfirmed = new Map<string, number | null>();
      for (const r of emergencyRows.filter((x) => x.broadcastId === id)) {
        const at = (r.result === 'played' || r.result === 'partial') && r.receivedAt !== null ? r.receivedAt : null;
        const before = firstConfirmed.get(r.deviceId);
        firstConfirmed.set(r.deviceId, at === null ? (before ?? null) : before == null ? at : Math.min(before, at));
      }
      const times = [...firstConfirmed.values()].filter((t): t is number => t !== null);
      const full = firstConfirmed.size > 0 && times.length === firstConfirmed.size ? Math.max(...times) : null;
      const secondsAfter = (t: number) => round(Math.max(0, t - sentAt) / 1000, 1);
      return {
        broadcastId: id,
        title: b.title,
        sentAt: formatVn(sentAt)!,
        devices: firstConfirmed.size,
        confirmed: times.length,
        fullyConfirmedAt: formatVn(full),
        secondsToFullConfirmation: full === null ? null : secondsAfter(full),
        medianSecondsToConfirmation: median(times.map(secondsAfter)),
        sent: sentAt,
      };
    })
    .sort((a, b) => a.sent - b.sent || (a.broadcastId < b.broadcastId ? -1 : 1))
    .map(({ sent: _, ...e }) => e);

  return {
    $schema: PERIODIC_REPORT_SCHEMA_ID,
    area: { path: area.path, name: area.name, level: area.level },
    kind: p.kind,
    period: p.period,
    from: formatVn(p.from)!,
    to: formatVn(p.to)!,
    timeZone: 'Asia/Ho_Chi_Minh',
    dueBy: p.dueBy,
    generatedAt: formatVn(now)!,
    totals: {
      ...occurrences(summary.totals),
      bulletins: new Set(counts.map((c) => c.broadcastId)).size,
      devices: fleet.length,
      rejectedClaims: summary.rejectedCount,
    },
    byCampaign,
    byWard,
    byDevice,
    failures: reasons.map((r) => ({
      result: r.result,
      reasonCode: r.reasonCode ?? r.result,
      reasonText: r.reasonText,
      count: r.count,
    })),
    rejectedByReason: summary.rejectedByReason,
    led: {
      messages: byMessage.length,
      shown: byMessage.reduce((n, m) => n + m.shown, 0),
      byMessage,
    },
    emergencies,
  };
}

/** The figures of a document: everything but when it was generated (changedSince compares these). */
export function figuresOf(doc: PeriodicReportDocument): string {
  const { generatedAt: _, ...rest } = doc;
  return JSON.stringify(rest);
}
