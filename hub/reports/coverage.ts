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
import { listBroadcasts, streamKind, type StreamKind } from '../broadcasts/broadcasts.ts';
import { everOwed, owedAt, planShape } from '../broadcasts/plan.ts';
import { formatVn } from '../time.ts';
import {
  CSV_HEADER_WORDS,
  LocalizedError,
  msg,
  NO_CONFIRMATION_WORDS,
  PRIORITY_WORDS,
  REJECTION_WORDS,
  RESULT_WORDS,
  STREAM_KIND_WORDS,
  wordOf,
  YES_NO_WORDS,
  type ReportLang,
} from '../text/index.ts';
import { explain } from './failure-reasons.ts';
import { REJECTION_REASONS, type RejectionReason } from '../ingest/admission.ts';

export const RESULTS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped', 'pending'] as const;
export type Result = (typeof RESULTS)[number];
export type Counts = Record<Result, number> & { scheduled: number; secondsPlayed: number };

/** Detail pages: this many rows unless asked otherwise, and never more than the maximum. */
export const DEFAULT_PAGE = 200;
export const MAX_PAGE = 2000;

/** The reason (English, as devices give theirs) of an occurrence missed for want of any receipt. */
export const NO_CONFIRMATION_REASON =
  'no confirmation received from the device (offline, powered down or not reporting)';
/**
 * The same for a device the hub did not send it to: its agent announced no capability for it (an
 * agent older than relays); the code 'device-not-capable' words it for people.
 */
export const NOT_CAPABLE_REASON =
  "not sent: the device's agent does not announce the capability this needs (upgrade it)";

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
  /** That reason in words an official understands (catalogue), Vietnamese and English. */
  reasonText: { vi: string; en: string } | null;
  evidence: unknown;
  /**
   * Set for a relay occurrence (tiếp âm) or a live session (phát trực tiếp), told apart by its kind:
   * seconds of the stream aired and lost, from the admitted receipt's evidence.relay; with no
   * receipt, nothing aired and (once due) the planned length lost.
   */
  relay?: RelayFigures;
}

export type { StreamKind } from '../broadcasts/broadcasts.ts';

/** Seconds of a relay or a live session aired and lost (docs/relay.md: evidence.relay). */
export interface RelayFigures {
  secondsAired: number;
  secondsLost: number;
  kind: StreamKind;
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
  /** the hub's now: what is still pending rather than missed, and the report's date */
  now: number;
}

/**
 * A report's plan and bounds, ready for the queries below: built once per request (the CSV reuses
 * it for every page). Each query loads the plan into temporary tables and empties them before it
 * returns, so nothing is left on the connection between pages.
 */
export interface CoverageScope {
  area: { path: string; name: string };
  from: number;
  to: number;
  now: number;
  /** bound to every query */
  params: Record<string, string | number>;
  /** the plan as JSON, loaded into temporary tables for each query (withPlan) */
  plan: { occ: string; tgt: string; exc: string; bc: string };
  /** the same plan as rows, for the summary's counts (planSlots) */
  planRows: {
    occ: Array<[string, string, number]>;
    tgt: Array<[string, string, number, number | null, number | null]>;
    exc: Array<[string, number, string]>;
    /** the broadcasts carried as a stream: relays and live sessions */
    relay: Map<string, StreamKind>;
  };
}

export function coverageScope(db: Db, q: CoverageQuery): CoverageScope {
  const { now } = q;
  const area = getAreaByPath(db, q.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: q.areaPath }));
  const devices = new Set(
    (
      db
        .prepare(`SELECT d.id FROM devices d JOIN areas a ON a.id = d.area_id WHERE ${UNDER_SCOPE}`)
        .all({ scope: area.path }) as Array<{ id: string }>
    ).map((d) => d.id),
  );
  // Cancelled broadcasts still count for what was due before they were cancelled (everOwed, owedAt).
  const relevant = listBroadcasts(db, { limit: 100_000 }).filter(everOwed);
  const byId = new Map(relevant.map((b) => [b.id, b]));
  const shape = planShape(db, relevant, q.from, q.to, devices);
  const occ = shape.occurrences
    .filter((o) => owedAt(byId.get(o.broadcastId)!, o.startAt))
    .map((o): [string, string, number] => [o.broadcastId, o.occurrenceId, o.startAt]);
  // The last column: since when the device has lacked what the broadcast needs (null: it has it).
  const tgt = shape.targets.map((t): [string, string, number, number | null, number | null] => [
    t.broadcastId,
    t.deviceId,
    t.durationMs,
    t.retiredAt,
    t.notCapable ? t.notCapableSince : null,
  ]);
  const exc = [...shape.excluded].map((k): [string, number, string] => {
    const [b, s, ...d] = k.split('|');
    return [b, +s, d.join('|')];
  });
  // Titles come from the broadcasts owed anything; a receipt for another keeps an empty title.
  // The last column: 1 for a relay, 2 for a live session (both counted by seconds aired), else 0.
  const kinds = relevant.map(streamKind);
  const bc = relevant.map((b, i) => [b.id, b.title, b.priority, kinds[i] ? STREAM_COLUMN[kinds[i]] : 0]);
  return {
    area: { path: area.path, name: area.name },
    from: q.from,
    to: q.to,
    now,
    params: { scope: area.path, from: q.from, to: q.to, now, grace: q.graceMs, lo: q.from, hi: q.to },
    plan: { occ: JSON.stringify(occ), tgt: JSON.stringify(tgt), exc: JSON.stringify(exc), bc: JSON.stringify(bc) },
    planRows: {
      occ,
      tgt,
      exc,
      relay: new Map(relevant.flatMap((b, i) => (kinds[i] ? [[b.id, kinds[i]] as const] : []))),
    },
  };
}

/** cov_bc.relay: how the SQL tells a relay's and a live session's rows from a file's (0). */
const STREAM_COLUMN: Record<StreamKind, number> = { relay: 1, live: 2 };

/** The area (bound as @scope) or below it. */
const UNDER_SCOPE = `(a.path = @scope OR substr(a.path, 1, length(@scope) + 1) = @scope || '/')`;

// One row per (device, occurrence): the plan's product joined with the admitted receipts, then the
// admitted receipts from the area's devices for occurrences no longer planned (the plan changed),
// which are still evidence. The plan sits in three temporary tables with indexes (withPlan).
// A relay's or a live session's row also gives the seconds aired and lost (relay_aired, relay_lost;
// NULL for others) and is_live tells the two apart (the plan's cov_bc.relay = 2, or for a receipt no
// longer planned its evidence.relay.live):
// the receipt's evidence.relay, or nothing aired and, once due, the rest of the planned length lost.
// Only a planned relay's receipt is parsed for it (admission refuses relay evidence on anything else),
// so the counts of a month of file bulletins read no JSON. The receipts no longer planned are read
// device by device, the area's devices first (CROSS JOIN keeps that order; receipts_admitted_by_device):
// SQLite's own choice scanned every admitted receipt of the period in the hub, which cost a ward's
// report on a 3,000-device hub 7–10× as much (350 → 50 ms for its reasons).
const coverageRowsSql = (lean: boolean) => `
  planned AS (
    SELECT o.occurrence_id, o.broadcast_id, o.start_at, t.device_id, t.duration_ms, COALESCE(b.relay, 0) AS is_relay, COALESCE(b.relay, 0) = 2 AS is_live, COALESCE(o.start_at >= t.not_capable, 0) AS not_capable
      FROM temp.cov_occ o JOIN temp.cov_tgt t ON t.broadcast_id = o.broadcast_id LEFT JOIN temp.cov_bc b ON b.id = o.broadcast_id
     WHERE o.start_at BETWEEN @lo AND @hi AND (t.retired_at IS NULL OR o.start_at < t.retired_at)
       AND NOT EXISTS (SELECT 1 FROM temp.cov_exc e WHERE e.broadcast_id = o.broadcast_id AND e.start_at = o.start_at AND e.device_id = t.device_id)),
  cov_base AS (
    SELECT p.start_at, p.device_id, p.occurrence_id, p.broadcast_id, r.receipt_id,
           CASE WHEN r.receipt_id IS NOT NULL THEN r.result WHEN @now < p.start_at + p.duration_ms + @grace THEN 'pending' ELSE 'missed' END AS result,
           COALESCE(r.seconds_played, 0) AS seconds_played, p.is_relay, p.is_live, p.duration_ms, CASE WHEN p.is_relay THEN r.evidence -> '$.relay' END AS relay_ev${lean ? '' : ", r.reason, CASE WHEN r.receipt_id IS NULL AND p.not_capable THEN 'device-not-capable' ELSE r.reason_code END AS reason_code, r.actual_start, r.actual_end, r.evidence"}
      FROM planned p LEFT JOIN receipts r
        ON r.occurrence_id = p.occurrence_id AND r.device_id = p.device_id AND r.state = 'admitted' AND r.scheduled_start >= @from AND r.scheduled_start < @to
    UNION ALL
    SELECT r.scheduled_start, r.device_id, r.occurrence_id, r.broadcast_id, r.receipt_id, r.result, r.seconds_played,
           r.evidence -> '$.relay' IS NOT NULL, COALESCE(r.evidence ->> '$.relay.live', 0), NULL, r.evidence -> '$.relay'${lean ? '' : ', r.reason, r.reason_code, r.actual_start, r.actual_end, r.evidence'}
      FROM areas a CROSS JOIN devices d ON d.area_id = a.id CROSS JOIN receipts r ON r.device_id = d.id
     WHERE r.state = 'admitted' AND r.scheduled_start >= @from AND r.scheduled_start < @to AND r.scheduled_start BETWEEN @lo AND @hi AND ${UNDER_SCOPE}
       AND NOT EXISTS (SELECT 1 FROM planned p WHERE p.occurrence_id = r.occurrence_id AND p.device_id = r.device_id)),
  cov AS (
    SELECT *,
           CASE WHEN relay_ev IS NOT NULL THEN relay_ev ->> 'secondsAired' WHEN is_relay THEN 0 END AS relay_aired,
           CASE WHEN relay_ev IS NOT NULL THEN relay_ev ->> 'secondsLost'
                WHEN is_relay AND result <> 'pending' THEN MAX(0, duration_ms / 1000.0 - seconds_played)
                WHEN is_relay THEN 0 END AS relay_lost
      FROM cov_base)`;
/** Every column, for detail rows; the counts need only the result and the seconds. */
const COVERAGE_ROWS = coverageRowsSql(false);

/** Per connection: the scope whose plan the temporary tables hold (created on first use). */
const loadedPlan = new WeakMap<Db, CoverageScope | null>();
/**
 * Runs `f` with the report's plan in temporary tables on this connection. One request reads the
 * summary, a page of rows and the reasons from the same scope: the plan is loaded once for it, and
 * again only when another scope comes (everything here is synchronous, so no query ever sees
 * another scope's plan; a streamed CSV's next page reloads if a request came in between).
 */
function withPlan<T>(db: Db, s: CoverageScope, f: () => T): T {
  if (!loadedPlan.has(db)) {
    db.exec(`
      CREATE TEMP TABLE IF NOT EXISTS cov_occ(broadcast_id TEXT, occurrence_id TEXT, start_at INTEGER);
      CREATE INDEX IF NOT EXISTS temp.cov_occ_by_id ON cov_occ(occurrence_id);
      CREATE INDEX IF NOT EXISTS temp.cov_occ_by_broadcast ON cov_occ(broadcast_id);
      CREATE INDEX IF NOT EXISTS temp.cov_occ_by_start ON cov_occ(start_at);
      CREATE TEMP TABLE IF NOT EXISTS cov_tgt(broadcast_id TEXT, device_id TEXT, duration_ms INTEGER, retired_at INTEGER, not_capable INTEGER, PRIMARY KEY (broadcast_id, device_id)) WITHOUT ROWID;
      CREATE TEMP TABLE IF NOT EXISTS cov_exc(broadcast_id TEXT, start_at INTEGER, device_id TEXT, PRIMARY KEY (broadcast_id, start_at, device_id)) WITHOUT ROWID;
      CREATE TEMP TABLE IF NOT EXISTS cov_bc(id TEXT PRIMARY KEY, title TEXT, priority TEXT, relay INTEGER) WITHOUT ROWID;`);
    loadedPlan.set(db, null);
  }
  if (loadedPlan.get(db) !== s) {
    loadedPlan.set(db, null); // a load that fails half-way leaves nothing to trust
    db.exec('DELETE FROM temp.cov_occ; DELETE FROM temp.cov_tgt; DELETE FROM temp.cov_exc; DELETE FROM temp.cov_bc;');
    db.prepare('INSERT INTO temp.cov_occ SELECT value->>0, value->>1, value->>2 FROM json_each(?)').run(s.plan.occ);
    db.prepare(
      'INSERT INTO temp.cov_tgt SELECT value->>0, value->>1, value->>2, value->>3, value->>4 FROM json_each(?)',
    ).run(s.plan.tgt);
    db.prepare('INSERT OR IGNORE INTO temp.cov_exc SELECT value->>0, value->>1, value->>2 FROM json_each(?)').run(
      s.plan.exc,
    );
    db.prepare('INSERT INTO temp.cov_bc SELECT value->>0, value->>1, value->>2, value->>3 FROM json_each(?)').run(
      s.plan.bc,
    );
    loadedPlan.set(db, s);
  }
  return f();
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
function add(into: Counts, c: Counts): void {
  into.scheduled += c.scheduled;
  into.secondsPlayed += c.secondsPlayed;
  for (const r of RESULTS) into[r] += c[r];
}

/** A device's planned device-occurrences in the period: all, those due (past their end and the grace), and its relays' and live sessions' part. */
interface Slots {
  n: number;
  due: number;
  stream: Record<StreamKind, { n: number /** planned seconds of the due ones */; dueSeconds: number }>;
}

/**
 * The plan's device-occurrences counted per device without listing them: each target's starts are a
 * sorted list, so how many it owes (before it left the fleet) and how many are due are two binary
 * searches; the clash exclusions, few, are taken off one by one.
 */
function planSlots(s: CoverageScope): Map<string, Slots> {
  const { lo, hi, now, grace } = s.params as Record<string, number>;
  const starts = new Map<string, number[]>();
  for (const [b, , at] of s.planRows.occ)
    if (at >= lo && at <= hi) (starts.get(b) ?? starts.set(b, []).get(b)!).push(at);
  for (const list of starts.values()) list.sort((x, y) => x - y);
  /** how many of the sorted `xs` are below `v` (or at most `v`, with `orEqual`) */
  const below = (xs: number[], v: number, orEqual = false) => {
    let a = 0;
    let b = xs.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (xs[m] < v || (orEqual && xs[m] === v)) a = m + 1;
      else b = m;
    }
    return a;
  };
  const slots = new Map<string, Slots>();
  const of = (d: string) =>
    slots.get(d) ??
    slots.set(d, { n: 0, due: 0, stream: { relay: { n: 0, dueSeconds: 0 }, live: { n: 0, dueSeconds: 0 } } }).get(d)!;
  const target = new Map<string, { durationMs: number; retiredAt: number | null }>();
  for (const [b, d, durationMs, retiredAt] of s.planRows.tgt) {
    target.set(`${b}\n${d}`, { durationMs, retiredAt });
    const list = starts.get(b) ?? [];
    const owed = retiredAt === null ? list.length : below(list, retiredAt);
    const due = Math.min(owed, below(list, now - durationMs - grace, true));
    const c = of(d);
    c.n += owed;
    c.due += due;
    const kind = s.planRows.relay.get(b);
    if (kind) {
      c.stream[kind].n += owed;
      c.stream[kind].dueSeconds += (due * durationMs) / 1000;
    }
  }
  for (const [b, at, d] of s.planRows.exc) {
    const t = target.get(`${b}\n${d}`);
    const list = starts.get(b);
    if (!t || !list || list[below(list, at)] !== at || (t.retiredAt !== null && at >= t.retiredAt)) continue;
    const c = of(d);
    const due = now >= at + t.durationMs + grace;
    c.n--;
    if (due) c.due--;
    const kind = s.planRows.relay.get(b);
    if (kind) {
      c.stream[kind].n--;
      if (due) c.stream[kind].dueSeconds -= t.durationMs / 1000;
    }
  }
  return slots;
}

// The admitted receipts of the area's devices in the period, each told planned or not (still owed by
// the plan: the occurrence, the device among its targets, not after it left, not excluded) and, if
// planned, due or not; grouped by device and result. A planned one fills its slot; an unplanned one
// is a row of its own. (LIMIT -1 keeps SQLite from flattening rc and rx into the GROUP BY, which
// would compute \`planned\` again in every place it is used.) The relay columns follow coverageRowsSql: a planned relay's receipt, or any
// receipt with evidence.relay when unplanned (only those read JSON); \`live\` sets a live session's
// apart (cov_bc.relay = 2 when planned, evidence.relay.live when not).
const RECEIPT_COUNTS_SQL = `
  WITH rc AS (
    SELECT r.device_id, r.result, r.seconds_played, r.evidence, o.start_at, t.duration_ms, COALESCE(b.relay, 0) AS relay,
           (t.device_id IS NOT NULL AND (t.retired_at IS NULL OR o.start_at < t.retired_at) AND e.device_id IS NULL) AS planned
      FROM receipts r INDEXED BY receipts_admitted_by_device
      LEFT JOIN temp.cov_occ o ON o.occurrence_id = r.occurrence_id AND o.start_at BETWEEN @lo AND @hi
      LEFT JOIN temp.cov_tgt t ON t.broadcast_id = o.broadcast_id AND t.device_id = r.device_id
      LEFT JOIN temp.cov_exc e ON e.broadcast_id = o.broadcast_id AND e.start_at = o.start_at AND e.device_id = r.device_id
      LEFT JOIN temp.cov_bc b ON b.id = o.broadcast_id
     WHERE r.device_id IN (SELECT value FROM json_each(@devices)) AND r.state = 'admitted'
       AND r.scheduled_start >= @from AND r.scheduled_start < @to AND r.scheduled_start BETWEEN @lo AND @hi
     LIMIT -1),
  rx AS (
    SELECT device_id, result, seconds_played, planned, planned AND relay AS planned_relay, planned AND relay = 2 AS planned_live, duration_ms,
           planned AND @now >= start_at + duration_ms + @grace AS due,
           CASE WHEN NOT planned OR relay THEN evidence -> '$.relay' END AS relay_ev
      FROM rc LIMIT -1),
  ry AS (
    SELECT *, CASE WHEN planned THEN planned_live ELSE COALESCE(relay_ev ->> 'live', 0) END AS live,
           CASE WHEN relay_ev IS NOT NULL THEN relay_ev ->> 'secondsAired' WHEN planned_relay THEN 0 END AS relay_aired,
           CASE WHEN relay_ev IS NOT NULL THEN relay_ev ->> 'secondsLost'
                WHEN planned_relay THEN MAX(0, duration_ms / 1000.0 - seconds_played) END AS relay_lost
      FROM rx)
  SELECT device_id AS deviceId, planned, due, result, live, COUNT(*) AS n, TOTAL(seconds_played) AS seconds,
         SUM(planned_relay) AS plannedRelays, COUNT(relay_aired) AS relays, TOTAL(relay_aired) AS relayAired, TOTAL(relay_lost) AS relayLost,
         TOTAL(CASE WHEN planned_relay AND due THEN duration_ms / 1000.0 END) AS relayDueSeconds
    FROM ry GROUP BY device_id, planned, due, result, live`;

/**
 * The totals, per area and per device, with the rejected claims counted by reason; the detail rows
 * and the claims themselves are read with coverageRows and rejectedClaims. The same numbers as
 * counting coverageRows' rows, without making them: the plan's slots are counted per device
 * (planSlots) and SQLite groups the admitted receipts, so the work grows with the receipts, not with
 * their product by the plan.
 */
export function coverageSummary(db: Db, s: CoverageScope) {
  const steps = summarySteps(db, s);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same summary, with the event loop free between steps: a month of a province's receipts is
 * counted a slice of its devices at a time, each about SUMMARY_SLICE_MS of work, so health checks,
 * ingest and other requests are served meanwhile.
 */
export async function coverageSummarySliced(db: Db, s: CoverageScope): Promise<CoverageSummary> {
  const steps = summarySteps(db, s);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The work of one slice of the summary's receipts, aimed at (the number of devices in it adapts). */
const SUMMARY_SLICE_MS = 15;

/** Each slice is a query on its own: the plan's temporary tables are loaded again if another scope came in between. */
function* summarySteps(db: Db, s: CoverageScope) {
  const slots = planSlots(s);
  yield;
  type Group = {
    deviceId: string;
    planned: number;
    due: number;
    result: string;
    /** 1: the relay columns are a live session's */
    live: number;
    n: number;
    seconds: number;
    plannedRelays: number;
    relays: number;
    relayAired: number;
    relayLost: number;
    relayDueSeconds: number;
  };
  const groups: Group[] = [];
  // The area's devices (as in the report's plan), a slice of them at a time.
  const devices = db
    .prepare(
      `SELECT d.id AS deviceId, d.name AS deviceName, a.path AS areaPath, a.name AS areaName FROM devices d JOIN areas a ON a.id = d.area_id WHERE ${UNDER_SCOPE} ORDER BY a.path, d.id`,
    )
    .all({ scope: s.area.path }) as Array<{ deviceId: string; deviceName: string; areaPath: string; areaName: string }>;
  let size = 50;
  for (let i = 0; i < devices.length; ) {
    const slice = devices.slice(i, i + size).map((d) => d.deviceId);
    const t0 = performance.now();
    groups.push(
      ...(withPlan(db, s, () =>
        db.prepare(RECEIPT_COUNTS_SQL).all({ ...s.params, devices: JSON.stringify(slice) }),
      ) as Group[]),
    );
    const ms = performance.now() - t0;
    i += slice.length;
    // The next slice: about as many devices as SUMMARY_SLICE_MS allows at this one's pace, growing
    // at most twofold (a slice of devices with few receipts says little about the next).
    size = Math.max(10, Math.min(2 * size, 2000, Math.round((slice.length * SUMMARY_SLICE_MS) / Math.max(ms, 1))));
    yield;
  }
  type DeviceCounts = Counts & { stream: Record<StreamKind, StreamCounts> };
  const counted = new Map<string, DeviceCounts>();
  const countsOf = (d: string) =>
    counted.get(d) ??
    counted
      .set(d, {
        ...emptyCounts(),
        stream: {
          relay: { occurrences: slots.get(d)?.stream.relay.n ?? 0, aired: 0, lost: 0 },
          live: { occurrences: slots.get(d)?.stream.live.n ?? 0, aired: 0, lost: 0 },
        },
      })
      .get(d)!;
  for (const [d, c] of slots) {
    const x = countsOf(d);
    x.scheduled += c.n;
    x.missed += c.due;
    x.pending += c.n - c.due;
    x.stream.relay.lost += c.stream.relay.dueSeconds;
    x.stream.live.lost += c.stream.live.dueSeconds;
  }
  for (const g of groups) {
    const x = countsOf(g.deviceId);
    const st = x.stream[g.live ? 'live' : 'relay'];
    if (g.planned) {
      // It fills a planned slot, which is then neither missed nor pending.
      if (g.due) x.missed -= g.n;
      else x.pending -= g.n;
      st.occurrences -= g.plannedRelays;
      st.lost -= g.relayDueSeconds;
    } else x.scheduled += g.n;
    if ((RESULTS as readonly string[]).includes(g.result)) x[g.result as Result] += g.n;
    x.secondsPlayed += g.seconds;
    st.occurrences += g.relays;
    st.aired += g.relayAired;
    st.lost += g.relayLost;
  }
  const perDevice = devices
    .filter((d) => counted.get(d.deviceId)?.scheduled)
    .map((d) => {
      const { scheduled, secondsPlayed, stream, ...byResult } = counted.get(d.deviceId)!;
      return {
        ...d,
        scheduled,
        secondsPlayed,
        ...Object.fromEntries(RESULTS.map((r) => [r, byResult[r]])),
        stream,
      } as Counts & { deviceId: string; deviceName: string; areaPath: string; areaName: string } & {
        stream: Record<StreamKind, StreamCounts>;
      };
    });
  const totals = emptyCounts();
  const byArea = new Map<string, Counts & { areaPath: string; areaName: string }>();
  const streamTotals = (): StreamSummary => ({ occurrences: 0, secondsAired: 0, secondsLost: 0, byDevice: [] });
  const streams: Record<StreamKind, StreamSummary> = { relay: streamTotals(), live: streamTotals() };
  for (const { stream, ...d } of perDevice) {
    for (const kind of ['relay', 'live'] as const) {
      const c = stream[kind];
      if (c.occurrences <= 0) continue;
      const t = streams[kind];
      t.occurrences += c.occurrences;
      t.secondsAired += c.aired;
      t.secondsLost += c.lost;
      t.byDevice.push({
        deviceId: d.deviceId,
        deviceName: d.deviceName,
        areaPath: d.areaPath,
        occurrences: c.occurrences,
        secondsAired: c.aired,
        secondsLost: c.lost,
      });
    }
    add(totals, d);
    let a = byArea.get(d.areaPath);
    if (!a) byArea.set(d.areaPath, (a = { areaPath: d.areaPath, areaName: d.areaName, ...emptyCounts() }));
    add(a, d);
  }
  const rejected = db
    .prepare(`SELECT r.rejection, COUNT(*) AS n FROM ${REJECTED_FROM} GROUP BY r.rejection`)
    .all({ scope: s.area.path, from: s.from, to: s.to }) as Array<{ rejection: RejectionReason; n: number }>;
  const rejectedByReason = Object.fromEntries(
    REJECTION_REASONS.map((k) => [k, rejected.find((r) => r.rejection === k)?.n ?? 0]),
  ) as Record<RejectionReason, number>;
  return {
    area: s.area,
    from: formatVn(s.from),
    to: formatVn(s.to),
    generatedAt: formatVn(s.now),
    timeZone: 'Asia/Ho_Chi_Minh',
    totals,
    byArea: [...byArea.values()].map(({ areaPath, areaName, ...c }) => ({ areaPath, areaName, ...c })),
    byDevice: perDevice.map(({ deviceId, deviceName, areaPath, areaName: _, stream: _s, ...c }) => ({
      deviceId,
      deviceName,
      areaPath,
      ...c,
    })),
    /** Relays (tiếp âm) by seconds aired and lost on each device, from the admitted receipts. */
    relay: streams.relay,
    /** Live sessions (phát trực tiếp), the same way: apart from the relays. */
    live: streams.live,
    /** Signed receipts from the area's devices that were not counted (received in the period or claiming a start in it). */
    rejectedCount: rejected.reduce((n, r) => n + r.n, 0),
    rejectedByReason,
  };
}
export type CoverageSummary = ReturnType<typeof coverageSummary>;

/** A device's relay (or live session) occurrences in the period and their seconds aired and lost. */
export interface RelayByDevice {
  deviceId: string;
  deviceName: string;
  areaPath: string;
  occurrences: number;
  secondsAired: number;
  secondsLost: number;
}
type StreamCounts = { occurrences: number; aired: number; lost: number };
/** The report's relays, or its live sessions: in all and per device. */
export interface StreamSummary {
  occurrences: number;
  secondsAired: number;
  secondsLost: number;
  byDevice: RelayByDevice[];
}

export interface ReasonCount {
  result: Result;
  reasonCode: string | null;
  /** the reason in words (failure-reasons.ts), as the pages and the PDF say it */
  reasonText: { vi: string; en: string } | null;
  count: number;
}

/**
 * Why occurrences did not play in full, counted over the whole period by what they mean to an
 * official (the reason's words), not by each device's wording; most frequent first. SQLite groups by
 * the device's code and text, which are few; the words are merged here.
 */
export function coverageReasons(db: Db, s: CoverageScope, limit = 100): ReasonCount[] {
  const groups = withPlan(db, s, () =>
    db
      .prepare(
        `WITH ${coverageRowsSql(false)}
       SELECT c.result, CASE WHEN c.receipt_id IS NOT NULL THEN c.reason WHEN c.reason_code = 'device-not-capable' THEN '${NOT_CAPABLE_REASON.replace(/'/g, "''")}' ELSE '${NO_CONFIRMATION_REASON}' END AS reason, c.reason_code, d.kind, COUNT(*) AS count
         FROM cov c JOIN devices d ON d.id = c.device_id
        WHERE c.result NOT IN ('played', 'pending') GROUP BY 1, 2, 3, 4`,
      )
      .all(s.params),
  ) as Array<{ result: Result; reason: string | null; reason_code: string | null; kind: string; count: number }>;
  const merged = new Map<string, ReasonCount>();
  for (const g of groups) {
    const { reasonCode, reasonText } = explain(g.result, g.reason_code, g.reason, g.kind);
    const key = `${g.result}|${reasonText?.vi ?? ''}`;
    const m = merged.get(key) ?? merged.set(key, { result: g.result, reasonCode, reasonText, count: 0 }).get(key)!;
    m.count += g.count;
  }
  return [...merged.values()]
    .sort(
      (a, b) =>
        b.count - a.count ||
        a.result.localeCompare(b.result) ||
        (a.reasonText?.vi ?? '').localeCompare(b.reasonText?.vi ?? ''),
    )
    .slice(0, limit);
}

/** The report's rows counted per broadcast, device area, device kind and result (coverageByBroadcast). */
export interface BroadcastCounts {
  broadcastId: string;
  areaPath: string;
  deviceKind: string;
  result: Result;
  n: number;
  secondsPlayed: number;
}

/**
 * The same evidence as the summary, counted per broadcast, per device area and kind, and per result
 * (the periodic report's campaigns, bulletins and LED messages); and the devices each broadcast was
 * owed to in each area. SQLite groups; nothing is made row by row here.
 */
export function coverageByBroadcast(
  db: Db,
  s: CoverageScope,
): {
  counts: BroadcastCounts[];
  devices: Array<{ broadcastId: string; areaPath: string; deviceKind: string; devices: number }>;
} {
  // One pass over the rows, grouped per (broadcast, device, result) — a few per device and bulletin —
  // then folded here per area and kind, with the distinct devices counted on the way.
  const groups = withPlan(
    db,
    s,
    () =>
      db
        .prepare(
          `WITH ${LEAN_ROWS},
         g AS (SELECT broadcast_id, device_id, result, COUNT(*) AS n, TOTAL(seconds_played) AS seconds FROM cov GROUP BY 1, 2, 3)
       SELECT g.broadcast_id AS broadcastId, g.device_id AS deviceId, a.path AS areaPath, d.kind AS deviceKind, g.result, g.n, g.seconds
         FROM g JOIN devices d ON d.id = g.device_id JOIN areas a ON a.id = d.area_id ORDER BY 1, 3, 4, 5`,
        )
        .all(s.params) as Array<{
        broadcastId: string;
        deviceId: string;
        areaPath: string;
        deviceKind: string;
        result: Result;
        n: number;
        seconds: number;
      }>,
  );
  const counts = new Map<string, BroadcastCounts>();
  const devices = new Map<string, { broadcastId: string; areaPath: string; deviceKind: string; ids: Set<string> }>();
  for (const g of groups) {
    const k = `${g.broadcastId}\n${g.areaPath}\n${g.deviceKind}`;
    const c =
      counts.get(`${k}\n${g.result}`) ??
      counts
        .set(`${k}\n${g.result}`, {
          broadcastId: g.broadcastId,
          areaPath: g.areaPath,
          deviceKind: g.deviceKind,
          result: g.result,
          n: 0,
          secondsPlayed: 0,
        })
        .get(`${k}\n${g.result}`)!;
    c.n += g.n;
    c.secondsPlayed += g.seconds;
    const d =
      devices.get(k) ??
      devices
        .set(k, { broadcastId: g.broadcastId, areaPath: g.areaPath, deviceKind: g.deviceKind, ids: new Set() })
        .get(k)!;
    d.ids.add(g.deviceId);
  }
  return {
    counts: [...counts.values()],
    devices: [...devices.values()].map(({ ids, ...d }) => ({ ...d, devices: ids.size })),
  };
}
const LEAN_ROWS = coverageRowsSql(true);

/**
 * Every device-occurrence of the given broadcasts (a few: the period's emergencies), with when the
 * hub received the admitted receipt that settled it (null without one).
 */
export function coverageOfBroadcasts(
  db: Db,
  s: CoverageScope,
  broadcastIds: string[],
): Array<{ broadcastId: string; deviceId: string; startAt: number; result: Result; receivedAt: number | null }> {
  if (broadcastIds.length === 0) return [];
  return withPlan(
    db,
    s,
    () =>
      db
        .prepare(
          `WITH ${LEAN_ROWS}
         SELECT c.broadcast_id AS broadcastId, c.device_id AS deviceId, c.start_at AS startAt, c.result, r.received_at AS receivedAt
           FROM cov c LEFT JOIN receipts r ON r.receipt_id = c.receipt_id
          WHERE c.broadcast_id IN (SELECT value FROM json_each(@ids)) ORDER BY 1, 2, 3`,
        )
        .all({ ...s.params, ids: JSON.stringify(broadcastIds) }) as Array<{
        broadcastId: string;
        deviceId: string;
        startAt: number;
        result: Result;
        receivedAt: number | null;
      }>,
  );
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
  if (!Array.isArray(key) || !valid(key))
    throw new BadCursorError(msg('report.bad-cursor', { cursor: cursor.slice(0, 80) }));
  return key as T;
}
const rowKeyValid = (k: unknown[]) =>
  k.length === 3 && Number.isSafeInteger(k[0]) && typeof k[1] === 'string' && typeof k[2] === 'string';
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
export function coverageRows(
  db: Db,
  s: CoverageScope,
  page: Page & { results?: readonly Result[] } = {},
): { rows: CoverageRow[]; next: string | null } {
  const limit = pageLimit(page.limit);
  const after = page.cursor ? decodeCursor<[number, string, string]>(page.cursor, rowKeyValid) : null;
  const results = page.results?.length ? page.results : null;
  const select = () =>
    db.prepare(
      `WITH ${COVERAGE_ROWS}
     SELECT c.*, d.name AS device_name, d.kind AS device_kind, a.path AS area_path, a.name AS area_name, bc.title, bc.priority
       FROM cov c JOIN devices d ON d.id = c.device_id JOIN areas a ON a.id = d.area_id LEFT JOIN temp.cov_bc bc ON bc.id = c.broadcast_id
      WHERE (@after IS NULL OR (c.start_at, c.device_id, c.occurrence_id) > (@a0, @a1, @a2))
        AND (@results IS NULL OR c.result IN (SELECT value FROM json_each(@results)))
      ORDER BY c.start_at, c.device_id, c.occurrence_id
      LIMIT @limit`,
    );
  const raw = withPlan(db, s, () => {
    const page = select(); // (prepared once the plan's tables exist)
    const lo = after ? after[0] : s.from;
    // Read only a window of starts, not the whole period: the first starts whose planned rows add up
    // to the page (and more, by four each time, while a filter or the exclusions leave it short).
    const starts = db
      .prepare(
        'SELECT o.start_at AS at, COUNT(*) AS n FROM temp.cov_occ o JOIN temp.cov_tgt t ON t.broadcast_id = o.broadcast_id WHERE o.start_at >= ? GROUP BY o.start_at ORDER BY o.start_at',
      )
      .all(lo) as Array<{ at: number; n: number }>;
    const args = {
      ...s.params,
      after: after ? 1 : null,
      a0: after?.[0] ?? 0,
      a1: after?.[1] ?? '',
      a2: after?.[2] ?? '',
      results: results ? JSON.stringify(results) : null,
      limit,
      lo,
    };
    for (let want = limit; ; want *= 4) {
      let i = 0;
      for (let sum = 0; i < starts.length && sum < want; i++) sum += starts[i].n;
      const whole = i >= starts.length; // the window reaches the end of the period
      const rows = page.all({ ...args, hi: whole ? s.to : starts[i - 1].at }) as CoverageRecord[];
      if (rows.length === limit || whole) return rows;
    }
  });
  const rows = raw.map(toRow);
  const last = raw[raw.length - 1];
  return {
    rows,
    next: raw.length === limit ? encodeCursor([last.start_at, last.device_id, last.occurrence_id]) : null,
  };
}

/** A row of the coverage page query: an occurrence on a device, with its receipt if one was admitted. */
interface CoverageRecord {
  occurrence_id: string;
  broadcast_id: string;
  title: string | null;
  priority: string | null;
  device_id: string;
  device_name: string;
  device_kind: string;
  area_path: string;
  area_name: string;
  start_at: number;
  actual_start: number | null;
  actual_end: number | null;
  seconds_played: number;
  result: Result;
  receipt_id: string | null;
  reason: string | null;
  reason_code: string | null;
  evidence: string;
  relay_aired: number | null;
  relay_lost: number | null;
  is_live: number;
}

/** What the device said; for an occurrence missed without a receipt, why (not sent to it, or no word from it). */
function rowReason(r: CoverageRecord): string | null {
  if (r.receipt_id !== null) return r.reason;
  if (r.result !== 'missed') return null;
  return r.reason_code === 'device-not-capable' ? NOT_CAPABLE_REASON : NO_CONFIRMATION_REASON;
}

function toRow(r: CoverageRecord): CoverageRow {
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
    reason: rowReason(r),
    ...explain(r.result, r.reason_code, rowReason(r), r.device_kind),
    evidence: confirmed ? JSON.parse(r.evidence) : null,
    ...(r.relay_aired !== null
      ? {
          relay: {
            secondsAired: r.relay_aired,
            secondsLost: r.relay_lost ?? 0,
            kind: r.is_live ? ('live' as const) : ('relay' as const),
          },
        }
      : {}),
  };
}

function pageLimit(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE)
    throw new BadCursorError(msg('report.bad-limit', { limit: String(limit), max: MAX_PAGE }));
  return n;
}

// Selected by receive time as well as claimed start: a claim with an absurd start must still show.
const REJECTED_FROM = `receipts r JOIN devices d ON d.id = r.device_id JOIN areas a ON a.id = d.area_id
  WHERE r.state = 'rejected' AND ((r.scheduled_start >= @from AND r.scheduled_start < @to) OR (r.received_at >= @from AND r.received_at < @to)) AND ${UNDER_SCOPE}`;

/** One page of rejected claims, in the order they were received. */
/** A rejected receipt as the rejected-claims query returns it. */
interface RejectedRecord {
  receipt_id: string;
  received_at: number;
  device_id: string;
  device_name: string;
  area_path: string;
  area_name: string;
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

export function rejectedClaims(
  db: Db,
  s: CoverageScope,
  page: Page = {},
): { claims: RejectedClaim[]; next: string | null } {
  const limit = pageLimit(page.limit);
  const after = page.cursor ? decodeCursor<[number, string]>(page.cursor, claimKeyValid) : null;
  const recs = db
    .prepare(
      `SELECT r.*, b.title, d.name AS device_name, a.path AS area_path, a.name AS area_name
         FROM ${REJECTED_FROM.replace('WHERE', 'LEFT JOIN broadcasts b ON b.id = r.broadcast_id WHERE')}
          AND (@after IS NULL OR (r.received_at, r.receipt_id) > (@a0, @a1))
        ORDER BY r.received_at, r.receipt_id LIMIT @limit`,
    )
    .all({
      scope: s.area.path,
      from: s.from,
      to: s.to,
      after: after ? 1 : null,
      a0: after?.[0] ?? 0,
      a1: after?.[1] ?? '',
      limit,
    }) as RejectedRecord[];
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

// The columns from claimedResult to receivedAt describe rejected claims: their rows have result
// 'rejected' and 0 seconds played, the claim in claimedResult / claimedSecondsPlayed, so summing
// "played" is not fooled. Then a relay's or a live session's seconds aired and lost (row.relay, from
// the admitted receipt only; empty for anything else) and which of the two it is (streamKind: relay
// or live), appended so the earlier columns keep their places.
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
  'relaySecondsAired',
  'relaySecondsLost',
  'streamKind',
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
    relaySecondsAired: null,
    relaySecondsLost: null,
    streamKind: null,
  };
}

/** A row's cells: its fields, and a relay's (or live session's) seconds aired and lost and its kind in columns of their own. */
function rowRecord(r: CoverageRow): Record<string, unknown> {
  return {
    ...r,
    relaySecondsAired: r.relay?.secondsAired ?? null,
    relaySecondsLost: r.relay?.secondsLost ?? null,
    streamKind: r.relay?.kind ?? null,
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
  for (const k of ['secondsPlayed', 'claimedSecondsPlayed', 'relaySecondsAired', 'relaySecondsLost'])
    out[k] = rec[k] === undefined || rec[k] === null ? '' : csvSeconds(rec[k], lang);
  out.result = wordOf(RESULT_WORDS, rec.result as string, lang);
  out.claimedResult = wordOf(RESULT_WORDS, rec.claimedResult as string, lang);
  out.priority = wordOf(PRIORITY_WORDS, rec.priority as string, lang);
  out.rejection = wordOf(REJECTION_WORDS, rec.rejection as string, lang);
  out.streamKind = wordOf(STREAM_KIND_WORDS, rec.streamKind as string, lang);
  out.confirmed = rec.confirmed ? YES_NO_WORDS.yes[lang] : YES_NO_WORDS.no[lang];
  if (rec.reason === NO_CONFIRMATION_REASON) out.reason = NO_CONFIRMATION_WORDS[lang];
  else if (rec.reason === NOT_CAPABLE_REASON)
    out.reason = (rec.reasonText as { vi: string; en: string } | null)?.[lang] ?? rec.reason;
  return out;
}

/**
 * The CSV's lines. For people (lang 'vi', the default, or 'en'): headers, results, priorities and
 * reasons in words from the catalogue, dates dd/mm/yyyy, a decimal comma in Vietnamese. With
 * lang 'codes': the machine-readable form — the JSON field names and codes, ISO times, plain numbers.
 */
export const csvHeader = (lang: ReportLang | 'codes') =>
  `${CSV_COLUMNS.map((c) => (lang === 'codes' ? c : csvCell(CSV_HEADER_WORDS[c][lang]))).join(',')}\r\n`;
export function csvLine(rec: CoverageRow | RejectedClaim, lang: ReportLang | 'codes'): string {
  const fields = 'receiptId' in rec ? csvRecord(rec) : rowRecord(rec);
  const r = lang === 'codes' ? fields : forPeople(fields, lang);
  return `${CSV_COLUMNS.map((c) => csvCell(r[c])).join(',')}\r\n`;
}

/** Where the CSV goes: anything that accepts text and says when to wait (an HTTP response). */
export interface CsvSink {
  write(chunk: string): boolean;
  once(event: 'drain' | 'close', f: () => void): unknown;
  readonly destroyed?: boolean;
}

/**
 * Rows per read while streaming: each read is one short query, so the hub stays responsive between
 * them. (A read of 2,000 held the event loop about 100 ms at 1,000 devices; 500 take about 25 ms,
 * and less CPU in all, each reading a smaller window of starts.)
 */
export const CSV_CHUNK = 500;

/**
 * Streams the report as CSV: the header, every detail row, then the rejected claims, a page at a
 * time. Between pages it waits for the sink to drain, so memory stays flat however slow the reader;
 * and it holds no statement open meanwhile, so receipts keep being written. Stops if the sink closes.
 */
export async function writeCoverageCsv(
  db: Db,
  s: CoverageScope,
  out: CsvSink,
  lang: ReportLang | 'codes' = 'vi',
): Promise<void> {
  const send = async (text: string) => {
    if (out.write(text)) return;
    await new Promise<void>((resolve) => {
      out.once('drain', resolve);
      out.once('close', resolve);
    });
  };
  await send(`\uFEFF${csvHeader(lang)}`); // BOM so spreadsheet programs read Vietnamese as UTF-8
  let cursor: string | undefined;
  do {
    if (out.destroyed) return;
    const page = coverageRows(db, s, { limit: CSV_CHUNK, cursor });
    let text = '';
    for (const r of page.rows) text += csvLine(r, lang);
    await send(text);
    cursor = page.next ?? undefined;
  } while (cursor);
  do {
    if (out.destroyed) return;
    const page = rejectedClaims(db, s, { limit: CSV_CHUNK, cursor });
    let text = '';
    for (const c of page.claims) text += csvLine(c, lang);
    await send(text);
    cursor = page.next ?? undefined;
  } while (cursor);
}

export { withinScope };
