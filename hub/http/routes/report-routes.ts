import { z } from 'zod';
import { route, HttpError } from '../route.ts';
import { coverageCsv, coverageReport } from '../../reports/coverage.ts';
import { withinScope } from '../../areas/areas.ts';
import { createVisibility } from '../../areas/visibility.ts';
import { parseVnDateTime, VN_OFFSET_MS } from '../../time.ts';
import { listAudit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import { LocalizedError, msg, preferredLang, textOf } from '../../messages.ts';

/** "2026-11" (month), "2026-Q4" (quarter), "2026" (year), in Vietnam time. */
export function periodBounds(period: string): { from: number; to: number } {
  let m: RegExpExecArray | null;
  const vn = (y: number, mo: number) => Date.UTC(y, mo, 1) - VN_OFFSET_MS;
  if ((m = /^(\d{4})-(\d{2})$/.exec(period)) && +m[2] >= 1 && +m[2] <= 12) return { from: vn(+m[1], +m[2] - 1), to: vn(+m[1], +m[2]) };
  if ((m = /^(\d{4})-Q([1-4])$/.exec(period))) return { from: vn(+m[1], (+m[2] - 1) * 3), to: vn(+m[1], +m[2] * 3) };
  if ((m = /^(\d{4})$/.exec(period))) return { from: vn(+m[1], 0), to: vn(+m[1] + 1, 0) };
  throw new LocalizedError(msg('report.bad-period', { period }));
}

export function reportRoutes(ctx: HubContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/reports/coverage',
      summary: 'Coverage report by area and period: scheduled vs played/partial/failed/missed per ward and device, from admitted receipts only; rejected claims listed apart (JSON with codes, or CSV with format=csv: in Vietnamese words by default, lang=en for English, lang=codes for scripts)',
      tag: 'reports',
      access: 'user',
      query: z.object({
        area: z.string().optional().describe('area path; defaults to your own area (or the root)'),
        period: z.string().optional().describe('2026-11, 2026-Q4 or 2026'),
        from: z.string().optional().describe('date-time, Vietnam time unless an offset is given'),
        to: z.string().optional(),
        format: z.enum(['json', 'csv']).default('json'),
        lang: z
          .enum(['vi', 'en', 'codes'])
          .optional()
          .describe("CSV only: 'vi' or 'en' for people (headers, results and reasons in words, dd/mm/yyyy; by default from Accept-Language, else Vietnamese); 'codes' for scripts (field names, codes, ISO times)"),
      }),
      handler({ user, query, req, res }) {
        const root = ctx.db.prepare('SELECT path FROM areas WHERE parent_id IS NULL ORDER BY id LIMIT 1').get() as any;
        const area = query.area ?? user!.scope ?? root?.path;
        if (!area) throw new HttpError(400, msg('area.none'));
        if (!withinScope(user!.scope, area)) throw new HttpError(403, msg('area.outside-scope', { path: area, scope: user!.scope }));
        let from: number, to: number;
        try {
          if (query.period) ({ from, to } = periodBounds(query.period));
          else {
            to = query.to ? parseVnDateTime(query.to) : Date.now() + 86_400_000;
            from = query.from ? parseVnDateTime(query.from) : to - 30 * 86_400_000;
          }
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
        if (from >= to) throw new HttpError(400, msg('report.from-after-to'));
        if (to - from > 400 * 86_400_000) throw new HttpError(400, msg('report.too-long'));
        let report;
        try {
          report = coverageReport(ctx.db, { areaPath: area, from, to, graceMs: ctx.config.confirmationGraceMs });
        } catch (e) {
          throw new HttpError(404, textOf(e));
        }
        if (query.format === 'csv') {
          res.type('text/csv; charset=utf-8').attachment(`coverage-${area.replace(/\//g, '_')}-${report.from?.slice(0, 10)}.csv`);
          res.send(coverageCsv(report, query.lang ?? preferredLang(req.headers['accept-language'])));
          return;
        }
        return report;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/audit',
      summary: 'Audit log: who created, approved, cancelled or sent what, when — entries about things within your area (an admin sees all)',
      tag: 'reports',
      access: ['approver', 'district', 'admin'],
      query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      handler({ user, query }) {
        const v = createVisibility(ctx.db, user!.scope);
        return listAudit(ctx.db, query.limit, v.all ? undefined : v.auditEntry);
      },
    }),
  ];
}
