// The coverage report: for an area and a period, what each device was expected to play (the same
// plan the manifests were built from) joined with the signed receipts the devices sent back.
// An expected occurrence with no receipt after its end plus a grace period counts as missed.
// Only admitted receipts count (hub/ingest/admission.ts); the rejected ones from the area's devices
// are listed apart as rejected claims, with their reasons, and never enter the counts.
//
// At province scale (thousands of devices, tens of thousands of occurrences a month) nothing here
// builds every device-occurrence row in memory: the plan goes to SQLite in its compact form
// (planShape: occurrences × target devices), one query joins it with the receipts, and the totals
// are GROUP BYs over that join. Detail rows and rejected claims are read a page at a time, in a
// stable order with a keyset cursor, and the CSV is written page by page with backpressure.
import type { Db } from '../db/database.ts';
import { getAreaByPath, withinScope } from '../areas/areas.ts';
import { listBroadcasts } from '../broadcasts/broadcasts.ts';
import { everOwed, owedAt, planShape } from '../broadcasts/plan.ts';
import { formatVn } from '../time.ts';
import { LocalizedError, msg } from '../messages.ts';
import { REJECTION_REASONS, type RejectionReason } from '../ingest/admission.ts';

export const RESULTS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
export type Result = (typeof RESULTS)[number];
export type Counts = Record<Result, number> & { scheduled: number; secondsPlayed: number };

/** Detail pages: this many rows unless asked otherwise, and never more than the maximum. */
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 2000;

export const MISSED_REASON = 'no confirmation received from the device (offline, powered down or not reporting)';

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
  reason: string | null;
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

export interface CoverageQuery {
  areaPath: string;
  from: number;
  to: number;
  graceMs: number;
  now?: number;
}

/**
 * A report's plan and bounds, ready for the queries below: built once per request (the CSV reuses
 * it for every page). The plan travels to SQLite as JSON parameters, so no state is left on the
 * connection between pages.
 */
export interface CoverageScope {
  area: { path: string; name: string };
  from: number;
  to: number;
  now: number;
  params: Record<string, string | number>;
}

export function coverageScope(db: Db, q: CoverageQuery): CoverageScope {
  const now = q.now ?? Date.now();
  const area = getAreaByPath(db, q.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: q.areaPath }));
  const devices = new Set((db.prepare(`SELECT d.id FROM devices d JOIN areas a ON a.id = d.area_id WHERE ${UNDER_SCOPE}`).all({ scope: area.path }) as Array<{ id: string }>).map((d) => d.id));
  // Cancelled broadcasts still count for what was due before they were cancelled (everOwed, owedAt).
  const relevant = listBroadcasts(db, { limit: 100_000 }).filter(everOwed);
  const byId = new Map(relevant.map((b) => [b.id, b]));
  const shape = planShape(db, relevant, q.from, q.to, devices);
  const occ = shape.occurrences.filter((o) => owedAt(byId.get(o.broadcastId)!, o.startAt)).map((o) => [o.broadcastId, o.occurrenceId, o.startAt]);
  const tgt = shape.targets.map((t) => [t.broadcastId, t.deviceId, t.durationMs, t.retiredAt]);
  const exc = [...shape.excluded].map((k) => {
    const [b, s, ...d] = k.split('|');
    return [b, +s, d.join('|')];
  });
  // Titles come from the broadcasts owed anything; a receipt for another keeps an empty title.
  const bc = relevant.map((b) => [b.id, b.title, b.priority]);
  return {
    area: { path: area.path, name: area.name },
    from: q.from,
    to: q.to,
    now,
    params: { occ: JSON.stringify(occ), tgt: JSON.stringify(tgt), exc: JSON.stringify(exc), bc: JSON.stringify(bc), scope: area.path, from: q.from, to: q.to, now, grace: q.graceMs },
  };
}

/** The area (bound as @scope) or below it. */
const UNDER_SCOPE = `(a.path = @scope OR substr(a.path, 1, length(@scope) + 1) = @scope || '/')`;

// One row per (device, occurrence): the plan's product joined with the admitted receipts, then the
// admitted receipts for occurrences no longer planned (the plan changed), which are still evidence.
// Ordered by (start, device, occurrence): unique, so pages neither lose nor repeat a row.
const COVERAGE_ROWS = `
  occ(broadcast_id, occurrence_id, start_at) AS MATERIALIZED (SELECT value->>0, value->>1, value->>2 FROM json_each(@occ)),
  tgt(broadcast_id, device_id, duration_ms, retired_at) AS MATERIALIZED (SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(@tgt)),
  exc(broadcast_id, start_at, device_id) AS MATERIALIZED (SELECT value->>0, value->>1, value->>2 FROM json_each(@exc)),
  recs AS MATERIALIZED (
    SELECT r.* FROM playback_records r JOIN devices d ON d.id = r.device_id JOIN areas a ON a.id = d.area_id
     WHERE r.scheduled_start >= @from AND r.scheduled_start < @to AND ${UNDER_SCOPE}),
  planned AS MATERIALIZED (
    SELECT o.occurrence_id, o.broadcast_id, o.start_at, t.device_id, t.duration_ms FROM occ o JOIN tgt t ON t.broadcast_id = o.broadcast_id
     WHERE (t.retired_at IS NULL OR o.start_at < t.retired_at)
       AND NOT EXISTS (SELECT 1 FROM exc e WHERE e.broadcast_id = o.broadcast_id AND e.start_at = o.start_at AND e.device_id = t.device_id)),
  cov AS (
    SELECT p.start_at, p.device_id, p.occurrence_id, p.broadcast_id, r.receipt_id,
           CASE WHEN r.receipt_id IS NOT NULL THEN r.result WHEN @now < p.start_at + p.duration_ms + @grace THEN 'pending' ELSE 'missed' END AS result,
           COALESCE(r.seconds_played, 0) AS seconds_played, r.reason, r.actual_start, r.actual_end, r.evidence
      FROM planned p LEFT JOIN recs r ON r.occurrence_id = p.occurrence_id AND r.device_id = p.device_id
    UNION ALL
    SELECT r.scheduled_start, r.device_id, r.occurrence_id, r.broadcast_id, r.receipt_id, r.result, r.seconds_played, r.reason, r.actual_start, r.actual_end, r.evidence
      FROM recs r LEFT JOIN planned p ON p.occurrence_id = r.occurrence_id AND p.device_id = r.device_id
     WHERE p.device_id IS NULL)`;

const COUNTS_SQL = RESULTS.map((r) => `SUM(result = '${r}') AS "${r}"`).join(', ');

const emptyCounts = (): Counts => ({ scheduled: 0, secondsPlayed: 0, played: 0, partial: 0, failed: 0, missed: 0, preempted: 0, skipped: 0, pending: 0 });
function add(into: Counts, c: Counts): void {
  into.scheduled += c.scheduled;
  into.secondsPlayed += c.secondsPlayed;
  for (const r of RESULTS) into[r] += c[r];
}

/**
 * The totals, per area and per device, counted by SQLite; with the rejected claims counted by
 * reason. The detail rows and the claims themselves are read with coverageRows and rejectedClaims.
 */
export function coverageSummary(db: Db, s: CoverageScope) {
  const perDevice = db
    .prepare(
      `WITH ${COVERAGE_ROWS}
       SELECT c.device_id AS deviceId, d.name AS deviceName, a.path AS areaPath, a.name AS areaName,
              COUNT(*) AS scheduled, TOTAL(c.seconds_played) AS secondsPlayed, ${COUNTS_SQL}
         FROM cov c JOIN devices d ON d.id = c.device_id JOIN areas a ON a.id = d.area_id
        GROUP BY c.device_id ORDER BY a.path, c.device_id`,
    )
    .all(s.params) as Array<Counts & { deviceId: string; deviceName: string; areaPath: string; areaName: string }>;
  const totals = emptyCounts();
  const byArea = new Map<string, Counts & { areaPath: string; areaName: string }>();
  for (const d of perDevice) {
    add(totals, d);
    let a = byArea.get(d.areaPath);
    if (!a) byArea.set(d.areaPath, (a = { areaPath: d.areaPath, areaName: d.areaName, ...emptyCounts() }));
    add(a, d);
  }
  const rejected = db
    .prepare(`SELECT r.rejection, COUNT(*) AS n FROM ${REJECTED_FROM} GROUP BY r.rejection`)
    .all({ scope: s.area.path, from: s.from, to: s.to }) as Array<{ rejection: RejectionReason; n: number }>;
  const rejectedByReason = Object.fromEntries(REJECTION_REASONS.map((k) => [k, rejected.find((r) => r.rejection === k)?.n ?? 0])) as Record<RejectionReason, number>;
  return {
    area: s.area,
    from: formatVn(s.from),
    to: formatVn(s.to),
    generatedAt: formatVn(s.now),
    timeZone: 'Asia/Ho_Chi_Minh',
    totals,
    byArea: [...byArea.values()].map(({ areaPath, areaName, ...c }) => ({ areaPath, areaName, ...c })),
    byDevice: perDevice.map(({ deviceId, deviceName, areaPath, areaName: _, ...c }) => ({ deviceId, deviceName, areaPath, ...c })),
    /** Signed receipts from the area's devices that were not counted (received in the period or claiming a start in it). */
    rejectedCount: rejected.reduce((n, r) => n + r.n, 0),
    rejectedByReason,
  };
}
export type CoverageSummary = ReturnType<typeof coverageSummary>;

/** Why occurrences did not play in full, counted over the whole period (most frequent first). */
export function coverageReasons(db: Db, s: CoverageScope, limit = 100): Array<{ result: Result; reason: string | null; count: number }> {
  return db
    .prepare(
      `WITH ${COVERAGE_ROWS}
       SELECT result, CASE WHEN receipt_id IS NULL THEN '${MISSED_REASON}' ELSE reason END AS reason, COUNT(*) AS count
         FROM cov WHERE result NOT IN ('played', 'pending') GROUP BY 1, 2 ORDER BY count DESC, result, reason LIMIT @limit`,
    )
    .all({ ...s.params, limit }) as Array<{ result: Result; reason: string | null; count: number }>;
}

/** A page's place: the last row's sort key, opaque to clients (base64url JSON). */
export const encodeCursor = (key: unknown[]) => Buffer.from(JSON.stringify(key)).toString('base64url');

export class BadCursorError extends LocalizedError {}
function decodeCursor<T extends unknown[]>(cursor: string, valid: (k: unknown[]) => boolean): T {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  if (!Array.isArray(key) || !valid(key)) throw new BadCursorError(msg('report.bad-cursor', { cursor: cursor.slice(0, 80) }));
  return key as T;
}
const rowKeyValid = (k: unknown[]) => k.length === 3 && Number.isSafeInteger(k[0]) && typeof k[1] === 'string' && typeof k[2] === 'string';
const claimKeyValid = (k: unknown[]) => k.length === 2 && Number.isSafeInteger(k[0]) && typeof k[1] === 'string';

export interface Page {
  /** rows per page, 1 to MAX_PAGE */
  limit?: number;
  /** the `next` of the previous page */
  cursor?: string;
}

/**
 * One page of detail rows, in the order (scheduled start, device id, occurrence id), optionally only
 * those with the given results. `next` reads the following page; null on the last.
 */
export function coverageRows(db: Db, s: CoverageScope, page: Page & { results?: readonly Result[] } = {}): { rows: CoverageRow[]; next: string | null } {
  const limit = pageLimit(page.limit);
  const after = page.cursor ? decodeCursor<[number, string, string]>(page.cursor, rowKeyValid) : null;
  const results = page.results?.length ? page.results : null;
  const raw = db
    .prepare(
      `WITH ${COVERAGE_ROWS},
         bc(id, title, priority) AS MATERIALIZED (SELECT value->>0, value->>1, value->>2 FROM json_each(@bc))
       SELECT c.*, d.name AS device_name, a.path AS area_path, a.name AS area_name, bc.title, bc.priority
         FROM cov c JOIN devices d ON d.id = c.device_id JOIN areas a ON a.id = d.area_id LEFT JOIN bc ON bc.id = c.broadcast_id
        WHERE (@after IS NULL OR (c.start_at, c.device_id, c.occurrence_id) > (@a0, @a1, @a2))
          AND (@results IS NULL OR c.result IN (SELECT value FROM json_each(@results)))
        ORDER BY c.start_at, c.device_id, c.occurrence_id
        LIMIT @limit`,
    )
    .all({ ...s.params, after: after ? 1 : null, a0: after?.[0] ?? 0, a1: after?.[1] ?? '', a2: after?.[2] ?? '', results: results ? JSON.stringify(results) : null, limit }) as any[];
  const rows = raw.map(toRow);
  const last = raw[raw.length - 1];
  return { rows, next: raw.length === limit ? encodeCursor([last.start_at, last.device_id, last.occurrence_id]) : null };
}

function toRow(r: any): CoverageRow {
  const confirmed = r.receipt_id !== null;
  return {
    occurrenceId: r.occurrence_id,
    broadcastId: r.broadcast_id,
    title: r.title ?? '',
    priority: r.priority ?? '',
    deviceId: r.device_id,
    deviceName: r.device_name,
    areaPath: r.area_path,
    areaName: r.area_name,
    scheduledStart: formatVn(r.start_at)!,
    actualStart: formatVn(r.actual_start),
    actualEnd: formatVn(r.actual_end),
    secondsPlayed: r.seconds_played,
    result: r.result,
    confirmed,
    reason: confirmed ? r.reason : r.result === 'missed' ? MISSED_REASON : null,
    evidence: confirmed ? JSON.parse(r.evidence) : null,
  };
}

function pageLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new BadCursorError(msg('report.bad-limit', { limit: String(limit), max: MAX_PAGE }));
  return n;
}

// Selected by receive time as well as claimed start: a claim with an absurd start must still show.
const REJECTED_FROM = `receipts r JOIN devices d ON d.id = r.device_id JOIN areas a ON a.id = d.area_id
  WHERE r.state = 'rejected' AND ((r.scheduled_start >= @from AND r.scheduled_start < @to) OR (r.received_at >= @from AND r.received_at < @to)) AND ${UNDER_SCOPE}`;

/** One page of rejected claims, in the order they were received. */
export function rejectedClaims(db: Db, s: CoverageScope, page: Page = {}): { claims: RejectedClaim[]; next: string | null } {
  const limit = pageLimit(page.limit);
  const after = page.cursor ? decodeCursor<[number, string]>(page.cursor, claimKeyValid) : null;
  const recs = db
    .prepare(
      `SELECT r.*, b.title, d.name AS device_name, a.path AS area_path, a.name AS area_name
         FROM ${REJECTED_FROM.replace('WHERE', 'LEFT JOIN broadcasts b ON b.id = r.broadcast_id WHERE')}
          AND (@after IS NULL OR (r.received_at, r.receipt_id) > (@a0, @a1))
        ORDER BY r.received_at, r.receipt_id LIMIT @limit`,
    )
    .all({ scope: s.area.path, from: s.from, to: s.to, after: after ? 1 : null, a0: after?.[0] ?? 0, a1: after?.[1] ?? '', limit }) as any[];
  const claims = recs.map(
    (r): RejectedClaim => ({
      receiptId: r.receipt_id,
      receivedAt: formatVn(r.received_at)!,
      deviceId: r.device_id,
      deviceName: r.device_name,
      areaPath: r.area_path,
      areaName: r.area_name,
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
    }),
  );
  const last = recs[recs.length - 1];
  return { claims, next: recs.length === limit ? encodeCursor([last.received_at, last.receipt_id]) : null };
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

/** Where the CSV goes: anything that accepts text and says when to wait (an HTTP response). */
export interface CsvSink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', f: () => void): unknown;
  readonly destroyed?: boolean;
}

/** Rows per read while streaming: each read is one short query, so the hub stays responsive between them. */
export const CSV_CHUNK = 2000;

/**
 * Streams the report as CSV: the header, every detail row, then the rejected claims, a page at a
 * time. Between pages it waits for the sink to drain, so memory stays flat however slow the reader;
 * and it holds no statement open meanwhile, so receipts keep being written. Stops if the sink closes.
 */
export async function writeCoverageCsv(db: Db, s: CoverageScope, out: CsvSink): Promise<void> {
  const send = async (text: string) => {
    if (out.write(text)) return;
    await new Promise<void>((resolve) => {
      out.once('drain', resolve);
      out.once('close', resolve);
    });
  };
  await send('\uFEFF' + CSV_COLUMNS.join(',') + '\r\n'); // BOM so spreadsheet programs read Vietnamese as UTF-8
  let cursor: string | undefined;
  do {
    if (out.destroyed) return;
    const page = coverageRows(db, s, { limit: CSV_CHUNK, cursor });
    let text = '';
    for (const r of page.rows) text += CSV_COLUMNS.map((c) => csvCell((r as unknown as Record<string, unknown>)[c])).join(',') + '\r\n';
    await send(text);
    cursor = page.next ?? undefined;
  } while (cursor);
  do {
    if (out.destroyed) return;
    const page = rejectedClaims(db, s, { limit: CSV_CHUNK, cursor });
    let text = '';
    for (const c of page.claims) {
      const rec = csvRecord(c);
      text += CSV_COLUMNS.map((k) => csvCell(rec[k])).join(',') + '\r\n';
    }
    await send(text);
    cursor = page.next ?? undefined;
  } while (cursor);
}

export { withinScope };
