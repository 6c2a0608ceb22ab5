// Periodic reports (báo cáo tháng / quý / năm): the document a district or ward sends upward, built
// from the same admitted evidence as the coverage report, frozen once signed off (docs/periodic-reports.md).
// The document schema below is published as JSON Schema for a provincial system to import.
import { z } from 'zod';
import { ReasonText } from './broadcasts.ts';

export const REPORT_KINDS = ['month', 'quarter', 'year'] as const;
export const ReportKind = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof ReportKind>;

/** The document's identifier and version: a provincial importer keys on it. */
export const PERIODIC_REPORT_SCHEMA_ID = 'https://wardcast.vn/schemas/periodic-report/v1.json';

const Occurrences = z.object({
  scheduled: z.number().int().describe('device-occurrences the plan owed in the period'),
  played: z.number().int(),
  partial: z.number().int(),
  failed: z.number().int(),
  missed: z.number().int().describe('due, and no admitted receipt within the grace'),
  preempted: z.number().int(),
  skipped: z.number().int(),
  pending: z.number().int().describe('not yet due or still within the grace when the report was generated'),
  secondsAired: z.number().describe('from admitted receipts only'),
  hoursAired: z.number().describe('secondsAired / 3600, rounded to 0.01'),
  coverage: z
    .number()
    .nullable()
    .describe('(played + partial) / (scheduled - pending), 0..1; null when nothing was due'),
});
export type ReportOccurrences = z.infer<typeof Occurrences>;

export const ReportCampaign = Occurrences.extend({
  campaignId: z.number().int(),
  name: z.string(),
  from: z.string().describe('yyyy-mm-dd'),
  to: z.string().describe('yyyy-mm-dd, inclusive'),
  bulletins: z.number().int().describe('bulletins tagged with the campaign that had an occurrence in the period'),
  target: z.object({ bulletins: z.number().int(), per: z.enum(['week', 'month', 'period']) }),
  speakers: z.number().int(),
  speakersMet: z.number().int().describe('speakers that met the target in every bucket of the period that is over'),
});

export const ReportWard = Occurrences.extend({
  areaPath: z.string(),
  areaName: z.string(),
  devices: z.number().int(),
  bulletins: z.number().int(),
});

export const ReportDevice = Occurrences.extend({
  deviceId: z.string(),
  deviceName: z.string(),
  areaPath: z.string(),
  kind: z.string().describe('speaker or led'),
});

export const ReportFailure = z.object({
  result: z.string().describe('partial, failed, missed, preempted or skipped'),
  reasonCode: z.string().describe('failure-reasons code (hub/reports/failure-reasons.ts); the result when it has none'),
  reasonText: ReasonText,
  count: z.number().int(),
});

export const ReportLedMessage = z.object({
  broadcastId: z.string(),
  title: z.string(),
  text: z.string().describe('the LED text as sent, diacritics kept'),
  boards: z.number().int(),
  shown: z.number().int().describe('board-occurrences confirmed shown by admitted receipts'),
  scheduled: z.number().int(),
});

export const ReportEmergency = z.object({
  broadcastId: z.string(),
  title: z.string(),
  sentAt: z.string().describe('ISO instant the emergency was approved to air'),
  devices: z.number().int().describe('devices it was owed to'),
  confirmed: z.number().int().describe('devices with an admitted played or partial receipt'),
  fullyConfirmedAt: z.string().nullable().describe('when the last owed device confirmed; null if some never did'),
  secondsToFullConfirmation: z.number().nullable(),
  medianSecondsToConfirmation: z.number().nullable(),
});

export const PeriodicReportDocument = z.object({
  $schema: z.literal(PERIODIC_REPORT_SCHEMA_ID),
  area: z.object({ path: z.string(), name: z.string(), level: z.string() }),
  kind: ReportKind,
  period: z.string().describe('2026-11 (month), 2026-Q4 (quarter) or 2026 (year)'),
  from: z.string().describe('ISO instant, first of the period in Vietnam'),
  to: z.string().describe('ISO instant, first after the period (exclusive)'),
  timeZone: z.literal('Asia/Ho_Chi_Minh'),
  dueBy: z.string().describe('yyyy-mm-dd: the last day to send it (before the 15th of the following month)'),
  generatedAt: z.string(),
  totals: Occurrences.extend({
    bulletins: z.number().int(),
    devices: z.number().int(),
    rejectedClaims: z.number().int().describe('signed receipts not counted'),
  }),
  byCampaign: z.array(ReportCampaign),
  byWard: z.array(ReportWard),
  byDevice: z.array(ReportDevice),
  failures: z.array(ReportFailure).describe('occurrences not played in full, by reason'),
  rejectedByReason: z.record(z.string(), z.number().int()),
  led: z.object({
    messages: z.number().int(),
    shown: z.number().int(),
    byMessage: z.array(ReportLedMessage),
  }),
  emergencies: z.array(ReportEmergency),
});
export type PeriodicReportDocument = z.infer<typeof PeriodicReportDocument>;

export const ReportStatus = z.enum(['draft', 'signed', 'superseded']);

/** A stored report: its document, and its sign-off once given. */
export const PeriodicReportMeta = z.object({
  id: z.number().int(),
  areaPath: z.string(),
  areaName: z.string(),
  kind: ReportKind,
  period: z.string(),
  version: z.number().int().describe('1, then 2… for a revision of a signed report'),
  status: ReportStatus,
  generatedAt: z.string(),
  dueBy: z.string(),
  overdue: z.boolean().describe('not signed and dueBy has passed'),
  signedBy: z.object({ id: z.number().int(), name: z.string() }).nullable(),
  signedAt: z.string().nullable(),
  pdfSha256: z.string().nullable().describe('hex SHA-256 of the signed PDF, exactly as stored and served'),
  documentSha256: z.string().describe('hex SHA-256 of the stored JSON document'),
  changedSince: z
    .boolean()
    .nullable()
    .describe(
      'signed: the evidence now gives different figures than the signed document (the document is unchanged); null for a draft or a superseded version, and in the list (read the report for it)',
    ),
  revisionOf: z.number().int().nullable(),
  revisionReason: z.string().nullable(),
});
export type PeriodicReportMeta = z.infer<typeof PeriodicReportMeta>;

export const PeriodicReportList = z.object({ reports: z.array(PeriodicReportMeta) });
export const PeriodicReport = PeriodicReportMeta.extend({ document: PeriodicReportDocument });

export const PeriodicReportQuery = z.object({
  area: z.string().optional(),
  kind: ReportKind.optional(),
});
export const GenerateReportBody = z.object({
  area: z.string().min(1),
  kind: ReportKind,
  period: z.string().describe('2026-11, 2026-Q4 or 2026'),
});
/** The sign-off names the document the signer read (its documentSha256): a draft regenerated since is refused. */
export const SignReportBody = z.object({
  documentSha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .describe('the documentSha256 of the report as read'),
});
export const ReportExportQuery = z.object({
  format: z.enum(['json', 'pdf', 'csv']).default('json'),
  lang: z
    .enum(['vi', 'en'])
    .optional()
    .describe('CSV: words in Vietnamese (default, or from Accept-Language) or English'),
});
export const ReviseReportBody = z.object({ reason: z.string().trim().min(1).max(1000) });

/** A report the caller is responsible for signing and has not: shown before its due day. */
export const ReportReminder = z.object({
  reportId: z.number().int(),
  areaPath: z.string(),
  areaName: z.string(),
  kind: ReportKind,
  period: z.string(),
  dueBy: z.string(),
  daysLeft: z.number().int().describe('negative when overdue'),
});
export const ReportReminderList = z.object({ reminders: z.array(ReportReminder) });
