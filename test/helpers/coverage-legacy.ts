// The coverage report as main computed it before issue 10 (every device-occurrence row built in
// memory, counted in JavaScript), and the plan function it used, copied verbatim: the SQL report
// (hub/reports/coverage.ts) and planShape are checked against them in hub/reports/coverage.test.ts.
import type { DeviceKind, MediaRef } from '../../protocol/index.ts';
import type { Db } from '../../hub/db/database.ts';
import { getAreaByPath, listAreas } from '../../hub/areas/areas.ts';
import { getDevice, listDevices, resolveTargets } from '../../hub/devices/devices.ts';
import { getMedia } from '../../hub/media/media-store.ts';
import { listBroadcasts, type Broadcast } from '../../hub/broadcasts/broadcasts.ts';
import { everOwed, itemFor, owedAt, type PlannedOccurrence } from '../../hub/broadcasts/plan.ts';
import { occurrencesBetween } from '../../hub/broadcasts/recurrence.ts';
import { activeExclusions, exclusionKey } from '../../hub/broadcasts/exclusions.ts';
import { formatVn } from '../../hub/time.ts';
import { explain } from '../../hub/reports/failure-reasons.ts';
import { LocalizedError, msg } from '../../hub/text/index.ts';
import { REJECTION_REASONS, type RejectionReason } from '../../hub/ingest/admission.ts';
import { csvCell, type Counts, type CoverageRow, type RejectedClaim, type Result } from '../../hub/reports/coverage.ts';

function mediaRef(db: Db, mediaId: number | null): MediaRef | undefined {
  if (mediaId === null) return undefined;
  const m = getMedia(db, mediaId);
  const opus = m?.outputs.find((o) => o.format === 'opus') ?? m?.outputs[0];
  if (!m || !opus) return undefined;
  const lufs = m.loudness?.outputI;
  return {
    sha256: opus.sha256,
    url: `/media/${opus.file}`,
    bytes: opus.bytes,
    format: opus.format,
    durationMs: m.durationMs!,
    loudnessLufs: typeof lufs === 'number' ? lufs : undefined,
  };
}

export function legacyPlanOccurrences(
  db: Db,
  broadcasts: Broadcast[],
  from: number,
  to: number,
  onlyDevices?: Set<string>,
  pendingDecisionsOf: string[] = [],
): PlannedOccurrence[] {
  const out: PlannedOccurrence[] = [];
  const excluded = activeExclusions(
    db,
    broadcasts.map((b) => b.id),
    pendingDecisionsOf,
  );
  const retiredAt = new Map(
    (
      db.prepare('SELECT id, decommissioned_at FROM devices WHERE decommissioned_at IS NOT NULL').all() as Array<{
        id: string;
        decommissioned_at: number;
      }>
    ).map((r) => [r.id, r.decommissioned_at]),
  );
  const decommissionedAt = (id: string) => retiredAt.get(id) ?? null;
  const kinds = new Map<string, DeviceKind | undefined>();
  const kindOf = (id: string) => {
    if (!kinds.has(id)) kinds.set(id, getDevice(db, id)?.kind);
    return kinds.get(id);
  };
  for (const b of broadcasts) {
    // A recurring rule approved (or replacing an older version) today may begin days earlier: its
    // occurrences before the approval were never sent, so they are not part of the plan.
    const starts = occurrencesBetween(b, from, to).filter(
      (s) => !(b.rrule && b.status !== 'submitted' && b.decidedAt !== null && s < b.decidedAt),
    );
    if (starts.length === 0) continue;
    const media = mediaRef(db, b.mediaId);
    for (const deviceId of resolveTargets(db, b.targets.areas, b.targets.devices)) {
      if (onlyDevices && !onlyDevices.has(deviceId)) continue;
      const kind = kindOf(deviceId);
      if (!kind) continue;
      const retired = decommissionedAt(deviceId);
      for (const s of starts) {
        // Nothing is owed by a decommissioned device after it left; what came before stays.
        if (retired !== null && s >= retired) continue;
        if (excluded.has(exclusionKey(b.id, s, deviceId))) continue;
        const item = itemFor(b, kind, s, media);
        if (item) out.push({ deviceId, item });
      }
    }
  }
  return out;
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

/** A playback_records row (the standing result of each occurrence on each device). */
interface PlaybackRecord {
  device_id: string;
  occurrence_id: string;
  broadcast_id: string;
  scheduled_start: number;
  result: Result;
  reason: string | null;
  reason_code: string | null;
  actual_start: number | null;
  actual_end: number | null;
  seconds_played: number;
  evidence: string;
}

export function legacyCoverageReport(
  db: Db,
  q: { areaPath: string; from: number; to: number; graceMs: number; now?: number },
) {
  const now = q.now ?? Date.now();
  const area = getAreaByPath(db, q.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: q.areaPath }));
  const areaNames = new Map(listAreas(db).map((a) => [a.path, a.name]));
  const devices = new Map(listDevices(db, area.path).map((d) => [d.id, d]));

  // Cancelled broadcasts still count for what was due before they were cancelled (everOwed, owedAt).
  const relevant: Broadcast[] = listBroadcasts(db, { limit: 100_000 }).filter(everOwed);
  const byId = new Map(relevant.map((b) => [b.id, b]));
  const planned = legacyPlanOccurrences(db, relevant, q.from, q.to, new Set(devices.keys())).filter((p) =>
    owedAt(byId.get(p.item.broadcastId)!, p.item.startAt),
  );

  const records = db
    .prepare('SELECT * FROM playback_records WHERE scheduled_start >= ? AND scheduled_start < ?')
    .all(q.from, q.to) as PlaybackRecord[];
  const byKey = new Map(
    records.filter((r) => devices.has(r.device_id)).map((r) => [`${r.occurrence_id}|${r.device_id}`, r]),
  );
  const titles = byId;

  const rows: CoverageRow[] = [];
  const seen = new Set<string>();
  const push = (
    deviceId: string,
    occurrenceId: string,
    broadcastId: string,
    start: number,
    durationMs: number,
    rec: PlaybackRecord | undefined,
  ) => {
    const d = devices.get(deviceId)!;
    const b = titles.get(broadcastId);
    let result: Result;
    let reason: string | null = null;
    if (rec) {
      result = rec.result;
      reason = rec.reason;
    } else if (now < start + durationMs + q.graceMs) {
      result = 'pending';
    } else {
      result = 'missed';
      reason = 'no confirmation received from the device (offline, powered down or not reporting)';
    }
    rows.push({
      occurrenceId,
      broadcastId,
      title: b?.title ?? '',
      priority: b?.priority ?? '',
      deviceId,
      deviceName: d.name,
      areaPath: d.areaPath,
      areaName: areaNames.get(d.areaPath) ?? d.areaPath,
      scheduledStart: formatVn(start)!,
      actualStart: formatVn(rec?.actual_start),
      actualEnd: formatVn(rec?.actual_end),
      secondsPlayed: rec?.seconds_played ?? 0,
      result,
      confirmed: !!rec,
      reason,
      ...explain(result, rec?.reason_code, reason, d.kind), // (issue 13: the words beside the result)
      evidence: rec ? JSON.parse(rec.evidence) : null,
    });
  };
  for (const p of planned) {
    const key = `${p.item.occurrenceId}|${p.deviceId}`;
    seen.add(key);
    push(p.deviceId, p.item.occurrenceId, p.item.broadcastId, p.item.startAt, p.item.durationMs, byKey.get(key));
  }
  // Receipts for occurrences no longer planned (e.g. the plan changed) are still evidence.
  for (const [key, r] of byKey)
    if (!seen.has(key)) push(r.device_id, r.occurrence_id, r.broadcast_id, r.scheduled_start, 0, r);
  rows.sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart) || a.deviceId.localeCompare(b.deviceId));

  const totals = emptyCounts();
  const byArea = new Map<string, Counts>();
  const byDevice = new Map<string, Counts>();
  for (const r of rows) {
    for (const c of [totals, getOr(byArea, r.areaPath), getOr(byDevice, r.deviceId)]) {
      c.scheduled += 1;
      c[r.result] += 1;
      c.secondsPlayed += r.secondsPlayed;
    }
  }
  const rejectedClaims = rejectedClaimsOf(db, q.from, q.to, devices, areaNames);
  const rejectedByReason = Object.fromEntries(
    REJECTION_REASONS.map((k) => [k, rejectedClaims.filter((c) => c.rejection === k).length]),
  ) as Record<RejectionReason, number>;
  return {
    area: { path: area.path, name: area.name },
    from: formatVn(q.from),
    to: formatVn(q.to),
    generatedAt: formatVn(now),
    timeZone: 'Asia/Ho_Chi_Minh',
    totals,
    byArea: [...byArea].map(([path, c]) => ({ areaPath: path, areaName: areaNames.get(path) ?? path, ...c })),
    byDevice: [...byDevice].map(([id, c]) => ({
      deviceId: id,
      deviceName: devices.get(id)!.name,
      areaPath: devices.get(id)!.areaPath,
      ...c,
    })),
    rows,
    /** Signed receipts from the area's devices that were not counted (received in the period or claiming a start in it). */
    rejectedCount: rejectedClaims.length,
    rejectedByReason,
    rejectedClaims,
  };
}

// Selected by receive time as well as claimed start: a claim with an absurd start must still show.
/** A rejected receipt with its broadcast's title, as the query reads it. */
interface RejectedRecord {
  receipt_id: string;
  received_at: number;
  device_id: string;
  occurrence_id: string;
  broadcast_id: string;
  title: string | null;
  result: string;
  scheduled_start: number | null;
  actual_start: number | null;
  actual_end: number | null;
  seconds_played: number;
  reason: string | null;
  rejection: RejectionReason;
  rejection_detail: string | null;
}

function rejectedClaimsOf(
  db: Db,
  from: number,
  to: number,
  devices: Map<string, { name: string; areaPath: string }>,
  areaNames: Map<string, string>,
): RejectedClaim[] {
  const recs = db
    .prepare(
      `SELECT r.*, b.title FROM receipts r LEFT JOIN broadcasts b ON b.id = r.broadcast_id
        WHERE r.state = 'rejected' AND ((r.scheduled_start >= ? AND r.scheduled_start < ?) OR (r.received_at >= ? AND r.received_at < ?))
        ORDER BY r.received_at, r.receipt_id`,
    )
    .all(from, to, from, to) as RejectedRecord[];
  return recs
    .filter((r) => devices.has(r.device_id))
    .map((r) => {
      const d = devices.get(r.device_id)!;
      return {
        receiptId: r.receipt_id,
        receivedAt: formatVn(r.received_at)!,
        deviceId: r.device_id,
        deviceName: d.name,
        areaPath: d.areaPath,
        areaName: areaNames.get(d.areaPath) ?? d.areaPath,
        occurrenceId: r.occurrence_id,
        broadcastId: r.broadcast_id,
        title: r.title ?? null,
        claimedResult: r.result,
        claimedScheduledStart: formatVn(r.scheduled_start),
        claimedActualStart: formatVn(r.actual_start),
        claimedActualEnd: formatVn(r.actual_end),
        claimedSecondsPlayed: r.seconds_played,
        deviceReason: r.reason,
        rejection: r.rejection,
        rejectionDetail: r.rejection_detail ?? '',
      };
    });
}

function getOr(m: Map<string, Counts>, k: string): Counts {
  let c = m.get(k);
  if (!c) m.set(k, (c = emptyCounts()));
  return c;
}

// The last columns describe rejected claims: their rows have result 'rejected' and 0 seconds
// played, the claim in claimedResult / claimedSecondsPlayed, so summing "played" is not fooled.
const CSV_COLUMNS = [
  'areaName',
  'areaPath',
  'deviceId',
  'deviceName',
  'title',
  'priority',
  'scheduledStart',
  'actualStart',
  'actualEnd',
  'secondsPlayed',
  'result',
  'confirmed',
  'reason',
  'occurrenceId',
  'broadcastId',
  'claimedResult',
  'claimedSecondsPlayed',
  'rejection',
  'rejectionDetail',
  'receivedAt',
] as const;

function csvRecord(c: RejectedClaim): Record<(typeof CSV_COLUMNS)[number], unknown> {
  return {
    areaName: c.areaName,
    areaPath: c.areaPath,
    deviceId: c.deviceId,
    deviceName: c.deviceName,
    title: c.title,
    priority: '',
    scheduledStart: c.claimedScheduledStart,
    actualStart: null,
    actualEnd: null,
    secondsPlayed: 0,
    result: 'rejected',
    confirmed: false,
    reason: c.deviceReason,
    occurrenceId: c.occurrenceId,
    broadcastId: c.broadcastId,
    claimedResult: c.claimedResult,
    claimedSecondsPlayed: c.claimedSecondsPlayed,
    rejection: c.rejection,
    rejectionDetail: c.rejectionDetail,
    receivedAt: c.receivedAt,
  };
}

export function legacyCoverageCsv(report: ReturnType<typeof legacyCoverageReport>): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of report.rows)
    lines.push(CSV_COLUMNS.map((c) => csvCell((r as unknown as Record<string, unknown>)[c])).join(','));
  for (const c of report.rejectedClaims) {
    const rec = csvRecord(c);
    lines.push(CSV_COLUMNS.map((k) => csvCell(rec[k])).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`; // BOM so spreadsheet programs read Vietnamese as UTF-8
}
