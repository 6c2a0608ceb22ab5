// The periodic report document as JSON Schema, for a provincial system to import: generated from the
// contract (hub/api-contract/periodic-reports.ts), so the two cannot disagree, and published as
// docs/schemas/periodic-report.v1.json (a unit test keeps that file equal to this).
import { z } from 'zod';
import { PERIODIC_REPORT_SCHEMA_ID, PeriodicReportDocument } from '../api-contract/periodic-reports.ts';

export function periodicReportJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(PeriodicReportDocument, { io: 'output' }) as Record<string, unknown>;
  return {
    $schema,
    $id: PERIODIC_REPORT_SCHEMA_ID,
    title: 'wardcast periodic report (báo cáo tháng / quý / năm), version 1',
    description:
      'What a district or ward reports upward for a month, a quarter or a year: bulletins and hours aired per campaign, ward and device; coverage and failures with reasons; rejected claims; LED messages shown; emergencies and their time to full confirmation. Counts come from admitted receipts only. Times are ISO 8601 instants; days are yyyy-mm-dd in Vietnam (Asia/Ho_Chi_Minh). See docs/periodic-report-formats.md.',
    ...rest,
  };
}

/** The schema as published: two-space JSON and a final newline. */
export const periodicReportJsonSchemaText = () => `${JSON.stringify(periodicReportJsonSchema(), null, 2)}\n`;
