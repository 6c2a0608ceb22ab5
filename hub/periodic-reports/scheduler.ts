// Generates each period's draft report on its own, once the period is over and the confirmation
// grace has passed (so nothing is still pending): every month, quarter and year, for every ward and
// district that has devices. Idempotent: a report that exists in any version is left alone, so a
// restart makes nothing twice; at start it catches up on the periods that ended while the hub was
// down (those ended in the last CATCH_UP_MONTHS months).
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { REPORT_KINDS } from '../api-contract/periodic-reports.ts';
import { textOf, enOf } from '../text/index.ts';
import { nextPeriod, periodAt, previousPeriod, type Period } from './period.ts';
import { REPORT_LEVELS, type BuildDocument } from './report-document.ts';
import { generateReport, reportSettled } from './store.ts';

export const CATCH_UP_MONTHS = 13;
/** The longest single wait: the clock is asked again at least this often (and a month overflows setTimeout). */
const MAX_WAIT_MS = 6 * 3600_000;

/** The periods of every kind that ended (plus the grace) by `now`, ended at most CATCH_UP_MONTHS months back. */
export function periodsDue(now: number, graceMs: number): Period[] {
  const horizon = periodAt('month', now);
  let oldest = horizon;
  for (let i = 0; i < CATCH_UP_MONTHS; i++) oldest = previousPeriod(oldest);
  const out: Period[] = [];
  for (const kind of REPORT_KINDS) {
    for (let p = periodAt(kind, now); p.to > oldest.from; p = previousPeriod(p)) if (p.to + graceMs <= now) out.push(p);
  }
  return out.sort((a, b) => a.to - b.to || REPORT_KINDS.indexOf(a.kind) - REPORT_KINDS.indexOf(b.kind));
}

/** When the next period of any kind becomes due: the end of the current month plus the grace. */
export const nextDueAt = (now: number, graceMs: number) => {
  const m = periodAt('month', now);
  return m.to + graceMs > now ? m.to + graceMs : nextPeriod(m).to + graceMs;
};

/**
 * Wards and districts with at least one device in service during the period `p` at or below them:
 * registered before it ended, not decommissioned before it began. (A ward equipped in March gets no
 * report for February.)
 */
export function reportingAreas(db: Db, p: Pick<Period, 'from' | 'to'>): string[] {
  return db
    .prepare(
      `SELECT a.path FROM areas a WHERE a.level IN (SELECT value FROM json_each(@levels))
          AND EXISTS (SELECT 1 FROM devices d JOIN areas da ON da.id = d.area_id
                       WHERE d.created_at < @to AND (d.decommissioned_at IS NULL OR d.decommissioned_at > @from)
                         AND (da.path = a.path OR substr(da.path, 1, length(a.path) + 1) = a.path || '/'))
        ORDER BY a.path`,
    )
    .pluck()
    .all({ levels: JSON.stringify(REPORT_LEVELS), from: p.from, to: p.to }) as string[];
}

export function createReportScheduler(opts: {
  db: Db;
  /** how each document is built (report-builder.ts: in a worker thread); in place by default */
  build?: BuildDocument;
  clock: Clock;
  graceMs: number;
  log: Pick<Logger, 'info' | 'warn'>;
}) {
  const { db, clock, graceMs, log } = opts;
  let timer: TimerHandle | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  /** Generates every due report not yet made; resolves to how many it made. */
  async function catchUp(): Promise<number> {
    let made = 0;
    const now = clock.now();
    for (const p of periodsDue(now, graceMs))
      for (const areaPath of reportingAreas(db, p)) {
        const key = { areaPath, kind: p.kind, period: p.period };
        if (stopped || reportSettled(db, key, p.to + graceMs)) continue;
        try {
          await generateReport(db, key, now, graceMs, opts.build);
          made++;
        } catch (e) {
          log.warn({ areaPath, period: p.period, err: enOf(textOf(e)) }, 'periodic report not generated');
        }
      }
    if (made) log.info({ made }, 'periodic reports generated');
    return made;
  }

  function arm() {
    if (stopped) return;
    const now = clock.now();
    timer = clock.setTimeout(() => void run().finally(arm), Math.min(MAX_WAIT_MS, nextDueAt(now, graceMs) - now));
  }

  function run(): Promise<number> {
    running ??= catchUp()
      .catch((e) => {
        log.warn({ err: enOf(textOf(e)) }, 'periodic report scheduler failed; it tries again at the next check');
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    /** Catches up at once, then wakes at each period's end plus the grace. */
    start(): void {
      if (!stopped) return;
      stopped = false;
      void run().finally(arm);
    },
    /** Runs one catch-up now (joins one under way). */
    run,
    /** Resolves once no catch-up is under way (tests wait on it after moving the clock). */
    idle: async (): Promise<void> => {
      await running;
    },
    async stop(): Promise<void> {
      stopped = true;
      clock.clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
export type ReportScheduler = ReturnType<typeof createReportScheduler>;
