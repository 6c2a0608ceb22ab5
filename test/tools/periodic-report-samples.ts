// Writes the periodic report's published schema and its samples under docs/ (`npm run
// docs:report-samples`): the JSON Schema, and the hand-made November 2026 report of Quận Thanh Xuân
// as JSON, CSV (Vietnamese, and codes), a draft PDF and a signed PDF. The sample is checked against
// the contract and against the schema file as written before anything is written. Unit and peer
// tests (hub/periodic-reports/report-*.test.ts) fail when a committed file differs from what this
// writes, so run it after changing the contract or an export, and commit the files.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PeriodicReportDocument } from '../../hub/api-contract/periodic-reports.ts';
import { reportCsv } from '../../hub/periodic-reports/report-csv.ts';
import { renderReportPdf } from '../../hub/periodic-reports/report-pdf.ts';
import { periodicReportJsonSchema, periodicReportJsonSchemaText } from '../../hub/periodic-reports/report-schema.ts';
import { SAMPLE_FILES, SAMPLE_SIGNATURE, samplePeriodicReport } from '../helpers/periodic-report-sample.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sample = PeriodicReportDocument.parse(samplePeriodicReport());
const bySchema = z.fromJSONSchema(periodicReportJsonSchema() as z.core.JSONSchema.JSONSchema).safeParse(sample);
if (!bySchema.success) throw new Error(`the sample does not validate against the schema: ${bySchema.error.message}`);

const files: Record<string, string | Buffer> = {
  [SAMPLE_FILES.schema]: periodicReportJsonSchemaText(),
  [SAMPLE_FILES.json]: `${JSON.stringify(sample, null, 2)}\n`,
  [SAMPLE_FILES.csv]: reportCsv(sample, 'vi'),
  [SAMPLE_FILES.csvCodes]: reportCsv(sample, 'codes'),
  [SAMPLE_FILES.pdf]: await renderReportPdf(sample, { status: 'draft' }),
  [SAMPLE_FILES.signedPdf]: await renderReportPdf(sample, SAMPLE_SIGNATURE),
};
for (const [file, content] of Object.entries(files)) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
  console.log(`wrote ${file} (${Buffer.byteLength(content)} bytes)`);
}
