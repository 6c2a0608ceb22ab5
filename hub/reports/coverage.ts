// The coverage report: for an area and a period, what each device was expected to play (the same
// plan the manifests were built from) joined with the signed receipts the devices sent back.
// An expected occurrence with no receipt after its end plus a grace period counts as missed.
// Only admitted receipts count (hub/ingest/admission.ts); the rejected ones from the area's devices
// are listed apart as rejected claims, with their reasons, and never enter the counts.
import type { Db } from '../db/database.ts';
import { getAreaByPath, listAreas, withinScope } from '../areas/areas.ts';
import { listDevices } from '../devices/devices.ts';
import { listBroadcasts, type Broadcast } from '../broadcasts/broadcasts.ts';
import { everOwed, owedAt, planOccurrences } from '../broadcasts/plan.ts';
import { explain } from './failure-reasons.ts';
import { formatVn } from '../time.ts';
import { CSV_HEADER_WORDS, LocalizedError, msg, NO_CONFIRMATION_WORDS, PRIORITY_WORDS, REJECTION_WORDS, RESULT_WORDS, wordOf, YES_NO_WORDS, type ReportLang } from '../messages.ts';
import { REJECTION_REASONS, type RejectionReason } from '../ingest/admission.ts';

/** The reason (English, as devices give theirs) of an occurrence missed for want of any receipt. */
export const NO_CONFIRMATION_REASON = 'no confirmation received from the device (offline, powered down or not reporting)';

export const RESULTS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
type Result = (typeof RESULTS)[number];
type Counts = Record<Result, number> & { scheduled: number; secondsPlayed: number };

export interface CoverageRow {
  occurrenceId: string;
  broadcastId: string;
  title: string;
  priority: string;
  deviceId: string;
  deviceName: string;
  areaPath: string;
  areaName: string;
  scheduledStart: string;
  actualStart: string | null;
  actualEnd: string | null;
  secondsPlayed: number;
  result: Result;
  confirmed: boolean;
  /** What the device said (technical, English): detail behind reasonText. */
  reason: string | null;
  /** Why it did not play fully (failure-reasons.ts); null when it played or is not yet due. */
  reasonCode: string | null;
  /** The same in words an official understands. */
  reasonText: { vi: string; en: string } | null;
  evidence: unknown;
}

/** A validly signed receipt the hub refused to count, as the district office reads it. */
export interface RejectedClaim {
  receiptId: string;
  receivedAt: string;
  deviceId: string;
  deviceName: string;
  areaPath: string;
  areaName: string;
  occurrenceId: string;
  broadcastId: string;
  /** the broadcast's title, when it exists */
  title: string | null;
  claimedResult: string;
  claimedScheduledStart: string | null;
  claimedActualStart: string | null;
  claimedActualEnd: string | null;
  claimedSecondsPlayed: number;
  /** the reason the device gave */
  deviceReason: string | null;
  rejection: RejectionReason;
  rejectionDetail: string;
}

const emptyCounts = (): Counts => ({ scheduled: 0, secondsPlayed: 0, played: 0, partial: 0, failed: 0, missed: 0, preempted: 0, skipped: 0, pending: 0 });

export function coverageReport(db: Db, q: { areaPath: string; from: number; to: number; graceMs: number; now?: number }) {
  const now = q.now ?? Date.now();
  const area = getAreaByPath(db, q.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: q.areaPath }));
  const areaNames = new Map(listAreas(db).map((a) => [a.path, a.name]));
  const devices = new Map(listDevices(db, area.path).map((d) => [d.id, d]));

  // Cancelled broadcasts still count for what was due before they were cancelled (everOwed, owedAt).
  const relevant: Broadcast[] = listBroadcasts(db, { limit: 100_000 }).filter(everOwed);
  const byId = new Map(relevant.map((b) => [b.id, b]));
  const planned = planOccurrences(db, relevant, q.from, q.to, new Set(devices.keys())).filter((p) => owedAt(byId.get(p.item.broadcastId)!, p.item.startAt));

  const records = db
    .prepare('SELECT * FROM playback_records WHERE scheduled_start >= ? AND scheduled_start < ?')
    .all(q.from, q.to) as any[];
  const byKey = new Map(records.filter((r) => devices.has(r.device_id)).map((r) => [`${r.occurrence_id}|${r.device_id}`, r]));
  const titles = byId;

  const rows: CoverageRow[] = [];
  const seen = new Set<string>();
  const push = (deviceId: string, occurrenceId: string, broadcastId: string, start: number, durationMs: number, rec: any) => {
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
      reason = NO_CONFIRMATION_REASON;
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
      ...explain(result, rec?.reason_code, reason, d.kind),
      evidence: rec ? JSON.parse(rec.evidence) : null,
    });
  };
  for (const p of planned) {
    const key = `${p.item.occurrenceId}|${p.deviceId}`;
    seen.add(key);
    push(p.deviceId, p.item.occurrenceId, p.item.broadcastId, p.item.startAt, p.item.durationMs, byKey.get(key));
  }
  // Receipts for occurrences no longer planned (e.g. the plan changed) are still evidence.
  for (const [key, r] of byKey) if (!seen.has(key)) push(r.device_id, r.occurrence_id, r.broadcast_id, r.scheduled_start, 0, r);
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
  const rejectedByReason = Object.fromEntries(REJECTION_REASONS.map((k) => [k, rejectedClaims.filter((c) => c.rejection === k).length])) as Record<RejectionReason, number>;
  return {
    area: { path: area.path, name: area.name },
    from: formatVn(q.from),
    to: formatVn(q.to),
    generatedAt: formatVn(now),
    timeZone: 'Asia/Ho_Chi_Minh',
    totals,
    byArea: [...byArea].map(([path, c]) => ({ areaPath: path, areaName: areaNames.get(path) ?? path, ...c })),
    byDevice: [...byDevice].map(([id, c]) => ({ deviceId: id, deviceName: devices.get(id)!.name, areaPath: devices.get(id)!.areaPath, ...c })),
    rows,
    /** Signed receipts from the area's devices that were not counted (received in the period or claiming a start in it). */
    rejectedCount: rejectedClaims.length,
    rejectedByReason,
    rejectedClaims,
  };
}

// Selected by receive time as well as claimed start: a claim with an absurd start must still show.
function rejectedClaimsOf(db: Db, from: number, to: number, devices: Map<string, { name: string; areaPath: string }>, areaNames: Map<string, string>): RejectedClaim[] {
  const recs = db
    .prepare(
      `SELECT r.*, b.title FROM receipts r LEFT JOIN broadcasts b ON b.id = r.broadcast_id
        WHERE r.state = 'rejected' AND ((r.scheduled_start >= ? AND r.scheduled_start < ?) OR (r.received_at >= ? AND r.received_at < ?))
        ORDER BY r.received_at, r.receipt_id`,
    )
    .all(from, to, from, to) as any[];
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
  'areaName', 'areaPath', 'deviceId', 'deviceName', 'title', 'priority', 'scheduledStart', 'actualStart', 'actualEnd', 'secondsPlayed', 'result', 'confirmed', 'reason', 'occurrenceId', 'broadcastId',
  'claimedResult', 'claimedSecondsPlayed', 'rejection', 'rejectionDetail', 'receivedAt',
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

/**
 * One CSV cell. Text that a spreadsheet would read as a formula (leading =, +, -, @, tab or carriage
 * return) gets a leading apostrophe, whatever it looks like — "-5" in a text field too: titles and
 * the reasons devices give are anybody's text. Numbers and booleans (seconds played, confirmed) are
 * values we computed, never text, so they stay numeric and sum in the spreadsheet.
 */
export function csvCell(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = v === null || v === undefined ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** "2026-11-30T06:00:00+07:00" → "30/11/2026 06:00:00" (vi) or "2026-11-30 06:00:00" (en); already Vietnam time. */
function csvTime(iso: unknown, lang: ReportLang): string {
  const m = typeof iso === 'string' ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso) : null;
  if (!m) return iso === null || iso === undefined ? '' : String(iso);
  return lang === 'vi' ? `${m[3]}/${m[2]}/${m[1]} ${m[4]}` : `${m[1]}-${m[2]}-${m[3]} ${m[4]}`;
}

/** Seconds with one decimal, a decimal comma in Vietnamese ("33,6"). */
const csvSeconds = (v: unknown, lang: ReportLang) => {
  const s = (Math.round(Number(v ?? 0) * 10) / 10).toFixed(1);
  return lang === 'vi' ? s.replace('.', ',') : s;
};

/** One record's cells as people read them: words from the catalogue, Vietnamese dates and numbers. */
function forPeople(rec: Record<string, unknown>, lang: ReportLang): Record<string, unknown> {
  const out: Record<string, unknown> = { ...rec };
  for (const k of ['scheduledStart', 'actualStart', 'actualEnd', 'receivedAt']) out[k] = csvTime(rec[k], lang);
  for (const k of ['secondsPlayed', 'claimedSecondsPlayed']) out[k] = rec[k] === undefined || rec[k] === null ? '' : csvSeconds(rec[k], lang);
  out.result = wordOf(RESULT_WORDS, rec.result as string, lang);
  out.claimedResult = wordOf(RESULT_WORDS, rec.claimedResult as string, lang);
  out.priority = wordOf(PRIORITY_WORDS, rec.priority as string, lang);
  out.rejection = wordOf(REJECTION_WORDS, rec.rejection as string, lang);
  out.confirmed = rec.confirmed ? YES_NO_WORDS.yes[lang] : YES_NO_WORDS.no[lang];
  if (rec.reason === NO_CONFIRMATION_REASON) out.reason = NO_CONFIRMATION_WORDS[lang];
  return out;
}

/**
 * The report as CSV. For people (lang 'vi', the default, or 'en'): headers, results, priorities and
 * reasons in words from the catalogue, dates dd/mm/yyyy, a decimal comma in Vietnamese. With
 * lang 'codes': the machine-readable form — the JSON field names and codes, ISO times, plain numbers.
 */
export function coverageCsv(report: ReturnType<typeof coverageReport>, lang: ReportLang | 'codes' = 'vi'): string {
  const cells = (rec: Record<string, unknown>) => {
    const r = lang === 'codes' ? rec : forPeople(rec, lang);
    return CSV_COLUMNS.map((c) => csvCell(r[c])).join(',');
  };
  const lines = [CSV_COLUMNS.map((c) => (lang === 'codes' ? c : csvCell(CSV_HEADER_WORDS[c][lang]))).join(',')];
  for (const r of report.rows) lines.push(cells(r as unknown as Record<string, unknown>));
  for (const c of report.rejectedClaims) lines.push(cells(csvRecord(c)));
  return '\uFEFF' + lines.join('\r\n') + '\r\n'; // BOM so spreadsheet programs read Vietnamese as UTF-8
}

export { withinScope };
