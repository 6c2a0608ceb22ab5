import { z } from 'zod';
import { route, HttpError, type RouteDef } from '../route.ts';
import type { Response } from 'express';
import {
  BadCursorError,
  coverageReasons,
  coverageRows,
  coverageScope,
  coverageSummarySliced,
  rejectedClaims,
  writeCoverageCsv,
  DEFAULT_PAGE,
  MAX_PAGE,
  RESULTS,
  type CoverageScope,
  type Result,
} from '../../reports/coverage.ts';
import type { User } from '../../auth/users.ts';
import { withinScope } from '../../areas/areas.ts';
import { createVisibility } from '../../areas/visibility.ts';
import { parseVnDateTime, VN_OFFSET_MS } from '../../time.ts';
import { listAudit } from '../../audit.ts';
import { parsePeriod } from '../../periodic-reports/period.ts';
import type { HubContext } from '../../context.ts';
import { msg, preferredLang, textOf, type ReportLang } from '../../text/index.ts';
import { coveragePdf, PDF_MAX_ROWS } from '../../reports/coverage-pdf.ts';
import { AuditLog, CoverageReport, CoverageRowsPage, RejectedClaimsPage } from '../../api-contract/reports.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

/** The area and period of a coverage request; the same for the summary, its pages and the CSV. */
const ReportQuery = z.object({
  area: z.string().optional().describe('area path; defaults to your own area (or the root)'),
  period: z.string().optional().describe('2026-11, 2026-Q4 or 2026'),
  from: z.string().optional().describe('date-time, Vietnam time unless an offset is given'),
  to: z.string().optional(),
});
const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE)
    .default(DEFAULT_PAGE)
    .describe(`rows per page (default ${DEFAULT_PAGE}, at most ${MAX_PAGE})`),
  cursor: z.string().max(512).optional().describe('the "next" of the previous page; omit for the first page'),
});

/** Checks the area against the user's scope and the period, then plans the report (coverageScope). */
export function reportScope(ctx: HubContext, user: User, query: z.infer<typeof ReportQuery>): CoverageScope {
  const root = ctx.db.prepare('SELECT path FROM areas WHERE parent_id IS NULL ORDER BY id LIMIT 1').get() as
    | { path: string }
    | undefined;
  const area = query.area || user.scope || root?.path;
  if (!area) throw new HttpError(400, msg('area.none'));
  if (!withinScope(user.scope, area))
    throw new HttpError(403, msg('area.outside-scope', { path: area, scope: user.scope }));
  const now = ctx.clock.now();
  let from: number, to: number;
  try {
    if (query.period) ({ from, to } = parsePeriod(query.period));
    else {
      to = query.to ? parseVnDateTime(query.to) : now + 86_400_000;
      from = query.from ? parseVnDateTime(query.from) : to - 30 * 86_400_000;
    }
  } catch (e) {
    throw new HttpError(400, textOf(e));
  }
  if (from >= to) throw new HttpError(400, msg('report.from-after-to'));
  if (to - from > 400 * 86_400_000) throw new HttpError(400, msg('report.too-long'));
  try {
    return coverageScope(ctx.db, {
      areaPath: area,
      from,
      to,
      graceMs: ctx.config.confirmationGraceMs,
      now,
    });
  } catch (e) {
    throw new HttpError(404, textOf(e));
  }
}

/** Lets the event loop serve others between the steps of a large report. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A bad cursor or page size is the client's mistake: 400, naming it. */
function paged<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BadCursorError) throw new HttpError(400, textOf(e));
    throw e;
  }
}

/** Streams the CSV; a failure after the first bytes can only cut the download short. */
async function sendCsv(ctx: HubContext, scope: CoverageScope, res: Response, lang: ReportLang | 'codes') {
  const day = new Date(scope.from + VN_OFFSET_MS).toISOString().slice(0, 10);
  res.type('text/csv; charset=utf-8').attachment(`coverage-${scope.area.path.replace(/\//g, '_')}-${day}.csv`);
  try {
    await writeCoverageCsv(ctx.db, scope, res, lang);
    res.end();
  } catch (e) {
    if (!res.headersSent) throw e;
    res.destroy(e as Error);
  }
}

export function reportRoutes(ctx: HubContext): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/reports/coverage',
      summary: `Coverage report by area and period: totals of scheduled vs played/partial/failed/missed per ward and per device, from admitted receipts only, and rejected claims counted by reason; with the first page (${DEFAULT_PAGE}) of rows and of rejected claims; rowsNext and rejectedNext continue them on /reports/coverage/rows and /reports/coverage/rejected. format=csv streams every row and rejected claim as CSV: in Vietnamese words by default, lang=en for English, lang=codes for scripts.`,
      tag: 'reports',
      access: 'user',
      response: CoverageReport,
      query: ReportQuery.extend({
        format: z.enum(['json', 'csv']).default('json'),
        lang: z
          .enum(['vi', 'en', 'codes'])
          .optional()
          .describe(
            "CSV only: 'vi' or 'en' for people (headers, results and reasons in words, dd/mm/yyyy; by default from Accept-Language, else Vietnamese); 'codes' for scripts (field names, codes, ISO times)",
          ),
      }),
      async handler({ user, query, req, res }) {
        const scope = reportScope(ctx, user!, query);
        if (query.format === 'csv')
          return sendCsv(ctx, scope, res, query.lang ?? preferredLang(req.headers['accept-language']));
        // With the first page of rows and of rejected claims, so a small area reads in one request.
        // Each step is a few milliseconds at 1,000 devices; the event loop turns between them.
        await turn();
        const rows = coverageRows(ctx.db, scope, { limit: DEFAULT_PAGE });
        await turn();
        const claims = rejectedClaims(ctx.db, scope, { limit: DEFAULT_PAGE });
        await turn();
        return {
          // A province's month is counted in slices, with the event loop free between them.
          ...(await coverageSummarySliced(ctx.db, scope)),
          rows: rows.rows,
          rowsNext: rows.next,
          rejectedClaims: claims.claims,
          rejectedNext: claims.next,
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/reports/coverage/rows',
      summary: `One page of the coverage report's rows (device × occurrence), ordered by scheduled start, device id and occurrence id; "next" reads the following page (null on the last). Optionally only some results (result=failed,missed).`,
      tag: 'reports',
      access: 'user',
      response: CoverageRowsPage,
      query: ReportQuery.extend(PageQuery.shape).extend({
        result: z
          .string()
          .optional()
          .describe(`comma-separated results: ${RESULTS.join(', ')}`),
      }),
      handler({ user, query }) {
        const results = query.result ? query.result.split(',').map((r: string) => r.trim()) : undefined;
        const unknown = results?.find((r: string) => !(RESULTS as readonly string[]).includes(r));
        if (unknown !== undefined)
          throw new HttpError(400, msg('report.bad-result', { result: unknown, results: RESULTS.join(', ') }));
        const scope = reportScope(ctx, user!, query);
        return paged(() =>
          coverageRows(ctx.db, scope, {
            limit: query.limit,
            cursor: query.cursor,
            results: results as Result[] | undefined,
          }),
        );
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/reports/coverage/rejected',
      summary:
        'One page of the rejected claims of a coverage report (signed receipts not counted, with the reason), in the order received; "next" reads the following page.',
      tag: 'reports',
      access: 'user',
      response: RejectedClaimsPage,
      query: ReportQuery.extend(PageQuery.shape),
      handler({ user, query }) {
        const scope = reportScope(ctx, user!, query);
        return paged(() => rejectedClaims(ctx.db, scope, { limit: query.limit, cursor: query.cursor }));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/audit',
      summary:
        'Audit log: who created, approved, cancelled or sent what, when — entries about things within your area (an admin sees all)',
      tag: 'reports',
      access: ROLE_RULES.audit,
      response: AuditLog,
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      handler({ user, query }) {
        const v = createVisibility(ctx.db, user!.scope);
        return listAudit(ctx.db, query.limit, v.all ? undefined : v.auditEntry);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/reports/coverage.pdf',
      summary: 'The coverage report as a PDF (Vietnamese, DejaVu Sans embedded) for an area and a period',
      tag: 'reports',
      access: 'user',
      query: z.object({ area: z.string().optional(), period: z.string() }),
      openapi: { responses: { '200': { description: 'application/pdf' } } },
      async handler({ user, query, res }) {
        // The summary and the first pages: the PDF prints at most PDF_MAX_ROWS rows of each list.
        const scope = reportScope(ctx, user!, query);
        const report = {
          ...(await coverageSummarySliced(ctx.db, scope)),
          problems: coverageRows(ctx.db, scope, {
            limit: PDF_MAX_ROWS,
            results: ['partial', 'failed', 'missed', 'preempted', 'skipped'],
          }).rows,
          reasons: coverageReasons(ctx.db, scope, 1000),
          rejectedClaims: rejectedClaims(ctx.db, scope, { limit: PDF_MAX_ROWS }).claims,
        };
        const pdf = await coveragePdf(report, query.period);
        res
          .type('application/pdf')
          .attachment(`coverage-${scope.area.path.replace(/\//g, '_')}-${query.period}.pdf`)
          .send(pdf);
      },
    }),
  ];
}
