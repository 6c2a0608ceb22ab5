// Periodic reports (báo cáo tháng / quý / năm): read by anyone whose scope holds the area; generated,
// signed off and revised by a ward's leader, a district office or an admin (ROLE_RULES.reports).
// docs/periodic-reports.md.
import { z } from 'zod';
import { route, HttpError, type RouteDef } from '../route.ts';
import { withinScope } from '../../areas/areas.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import type { User } from '../../auth/users.ts';
import { LocalizedError, msg, preferredLang, textOf } from '../../text/index.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';
import {
  GenerateReportBody,
  PERIODIC_REPORT_SCHEMA_ID,
  PeriodicReport,
  PeriodicReportDocument,
  PeriodicReportList,
  PeriodicReportQuery,
  ReportExportQuery,
  ReportReminderList,
  ReviseReportBody,
  SignReportBody,
} from '../../api-contract/periodic-reports.ts';
import {
  changedSince,
  documentText,
  generateReport,
  getReport,
  listReports,
  remindersFor,
  reviseReport,
  ReportStateError,
  signReport,
  storedPdf,
  type StoredReport,
} from '../../periodic-reports/store.ts';
import { reportCsv } from '../../periodic-reports/report-csv.ts';

/** The document's JSON Schema, as a provincial system imports it. */
export const periodicReportJsonSchema = () => ({
  ...z.toJSONSchema(PeriodicReportDocument, { io: 'output' }),
  $id: PERIODIC_REPORT_SCHEMA_ID,
  title: 'wardcast periodic report (báo cáo định kỳ)',
});

export function periodicReportRoutes(ctx: HubContext): RouteDef[] {
  const grace = () => ctx.config.confirmationGraceMs;
  /** The report, when it exists and its area lies in the user's scope; else 404 (as for one that does not exist). */
  const visible = (id: string, user: User): StoredReport => {
    const r = /^\d+$/.test(id) ? getReport(ctx.db, Number(id), ctx.clock.now()) : undefined;
    if (!r || !withinScope(user.scope, r.meta.areaPath))
      throw new HttpError(404, msg('periodic-report.not-found', { id }));
    return r;
  };
  /** A refusal from the store or the document, with the status it deserves. */
  const answered = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof ReportStateError) throw new HttpError(e.status, textOf(e));
      if (e instanceof LocalizedError && !(e instanceof HttpError))
        throw new HttpError(e.msg?.code === 'area.not-found' ? 404 : 400, textOf(e));
      throw e;
    }
  };
  const full = async (r: StoredReport) => ({
    ...r.meta,
    changedSince: await changedSince(ctx.db, r, ctx.clock.now(), grace(), ctx.reports.build),
    document: r.document,
  });
  const fileName = (r: StoredReport, ext: string) =>
    `bao-cao-${r.meta.areaPath.replace(/\//g, '_')}-${r.meta.period}-v${r.meta.version}.${ext}`;

  return [
    route({
      method: 'get',
      path: '/api/v1/periodic-reports',
      summary:
        'Periodic reports (báo cáo tháng / quý / năm) of areas in your scope, latest period first; area= narrows to an area and below, kind= to month, quarter or year',
      tag: 'periodic-reports',
      access: 'user',
      query: PeriodicReportQuery,
      response: PeriodicReportList,
      handler({ user, query }) {
        if (query.area && !withinScope(user!.scope, query.area))
          throw new HttpError(403, msg('area.outside-scope', { path: query.area, scope: user!.scope }));
        const reports = listReports(ctx.db, { area: query.area ?? user!.scope, kind: query.kind }, ctx.clock.now());
        return { reports: reports.map((r) => ({ ...r, changedSince: null })) };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/periodic-reports/schema.json',
      summary: `The JSON Schema of the report document ($id ${PERIODIC_REPORT_SCHEMA_ID}), for a provincial system to import`,
      tag: 'periodic-reports',
      access: 'user',
      openapi: { responses: { '200': { description: 'application/schema+json' } } },
      handler: ({ res }) => {
        res.type('application/schema+json').send(JSON.stringify(periodicReportJsonSchema(), null, 2));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/periodic-reports/reminders',
      summary:
        "Reports you must sign and have not: a ward's by its leaders (approvers of the ward), a district's by its district office or an admin; from the day after the period until signed, with the days left to the due day",
      tag: 'periodic-reports',
      access: 'user',
      response: ReportReminderList,
      handler: ({ user }) => ({ reminders: remindersFor(ctx.db, user!, ctx.clock.now()) }),
    }),
    route({
      method: 'post',
      path: '/api/v1/periodic-reports',
      summary:
        "Generate an area's report for a period now (version 1), or regenerate its open draft; a signed report is never regenerated (409: revise it)",
      tag: 'periodic-reports',
      access: ROLE_RULES.reports,
      body: GenerateReportBody,
      response: PeriodicReport,
      async handler({ user, body, res }) {
        if (!withinScope(user!.scope, body.area))
          throw new HttpError(403, msg('area.outside-scope', { path: body.area, scope: user!.scope }));
        const r = await answered(() =>
          generateReport(
            ctx.db,
            { areaPath: body.area, kind: body.kind, period: body.period },
            ctx.clock.now(),
            grace(),
            ctx.reports.build,
          ),
        );
        audit(ctx.db, user!.id, 'periodic-report.generate', r.meta.areaPath, {
          id: r.meta.id,
          kind: r.meta.kind,
          period: r.meta.period,
          version: r.meta.version,
        });
        if (r.created) res.status(201);
        return full(r);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/periodic-reports/:id',
      summary:
        'One report: its meta, sign-off and document; changedSince says whether the evidence now gives other figures than a signed document',
      tag: 'periodic-reports',
      access: 'user',
      response: PeriodicReport,
      handler: ({ user, req }) => full(visible(String(req.params.id), user!)),
    }),
    route({
      method: 'post',
      path: '/api/v1/periodic-reports/:id/sign',
      summary:
        'Sign off a draft: its PDF is rendered from the stored document and kept with its SHA-256, who and when. documentSha256 names the document you read: 409 if it was regenerated since, or if the report is already signed',
      tag: 'periodic-reports',
      access: ROLE_RULES.reports,
      body: SignReportBody,
      response: PeriodicReport,
      async handler({ user, req, body }) {
        const r = visible(String(req.params.id), user!);
        const signed = await answered(() =>
          signReport(ctx.db, r.meta.id, user!, body.documentSha256, ctx.clock.now(), ctx.reports.renderPdf),
        );
        audit(ctx.db, user!.id, 'periodic-report.sign', r.meta.areaPath, {
          id: r.meta.id,
          period: r.meta.period,
          version: r.meta.version,
          pdfSha256: signed.meta.pdfSha256,
        });
        return full(signed);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/periodic-reports/:id/revise',
      summary:
        'Correct a signed report: a new draft version computed now, with the reason; the signed one stays as it is, superseded once the revision is signed',
      tag: 'periodic-reports',
      access: ROLE_RULES.reports,
      body: ReviseReportBody,
      response: PeriodicReport,
      async handler({ user, req, body, res }) {
        const r = visible(String(req.params.id), user!);
        const revision = await answered(() =>
          reviseReport(ctx.db, r.meta.id, body.reason, ctx.clock.now(), grace(), ctx.reports.build),
        );
        audit(ctx.db, user!.id, 'periodic-report.revise', r.meta.areaPath, {
          id: revision.meta.id,
          revisionOf: r.meta.id,
          period: r.meta.period,
          reason: body.reason,
        });
        res.status(201);
        return full(revision);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/periodic-reports/:id/export',
      summary:
        "The report as a file: json, the document exactly as stored (its SHA-256 is documentSha256); pdf, a signed report's stored bytes exactly (pdfSha256), a draft's rendered now and marked as a draft; csv for a spreadsheet (lang=vi|en) or a machine (lang=codes)",
      tag: 'periodic-reports',
      access: 'user',
      query: ReportExportQuery,
      openapi: { responses: { '200': { description: 'application/json, application/pdf or text/csv' } } },
      async handler({ user, req, res, query }) {
        const r = visible(String(req.params.id), user!);
        if (query.format === 'json') {
          res.type('application/json').attachment(fileName(r, 'json')).send(documentText(ctx.db, r.meta.id));
          return;
        }
        if (query.format === 'csv') {
          const lang = query.lang ?? preferredLang(req.headers['accept-language']);
          res.type('text/csv; charset=utf-8').attachment(fileName(r, 'csv')).send(reportCsv(r.document, lang));
          return;
        }
        let pdf: Buffer;
        if (r.meta.status === 'draft') pdf = await ctx.reports.renderPdf(r.document, { status: 'draft' });
        else {
          const stored = storedPdf(ctx.db, r.meta.id);
          if (!stored) throw new HttpError(500, msg('periodic-report.pdf-only-signed', { id: r.meta.id }));
          pdf = stored;
        }
        res.type('application/pdf').attachment(fileName(r, 'pdf')).send(pdf);
      },
    }),
  ];
}
