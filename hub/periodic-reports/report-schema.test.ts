// The published JSON Schema and the samples under docs/ stay what the code makes: the schema file is
// the contract's, the samples validate against that file, and the CSV samples are the CSV of the
// JSON sample. (`npm run docs:report-samples` rewrites them all.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PERIODIC_REPORT_SCHEMA_ID, PeriodicReportDocument } from '../api-contract/periodic-reports.ts';
import { reportCsv } from './report-csv.ts';
import { periodicReportJsonSchema, periodicReportJsonSchemaText } from './report-schema.ts';
import { SAMPLE_FILES, samplePeriodicReport } from '../../test/helpers/periodic-report-sample.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const REGENERATE = 'differs from what the code makes: run npm run docs:report-samples and commit the files';

describe('periodic report JSON Schema and samples', () => {
  const published = JSON.parse(read(SAMPLE_FILES.schema));
  const bySchema = z.fromJSONSchema(published);
  const sample = JSON.parse(read(SAMPLE_FILES.json));

  it('publishes the contract’s schema, with its id, title and description', () => {
    expect(read(SAMPLE_FILES.schema), `${SAMPLE_FILES.schema} ${REGENERATE}`).toBe(periodicReportJsonSchemaText());
    expect(periodicReportJsonSchema()).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: PERIODIC_REPORT_SCHEMA_ID,
      title: expect.stringContaining('báo cáo tháng / quý / năm'),
      description: expect.stringContaining('admitted receipts'),
      type: 'object',
    });
    expect(published.required).toEqual(Object.keys(PeriodicReportDocument.shape));
  });

  it('has a JSON sample that validates against the published file and the contract, and is the fixture’s', () => {
    expect(bySchema.safeParse(sample).error?.issues).toBeUndefined();
    expect(PeriodicReportDocument.safeParse(sample).success).toBe(true);
    expect(sample, `${SAMPLE_FILES.json} ${REGENERATE}`).toEqual(samplePeriodicReport());
    expect(sample.$schema).toBe(published.$id);
  });

  it('rejects, by the published file, what an importer must not take', () => {
    const issue = (doc: unknown) => bySchema.safeParse(doc).error?.issues[0];
    const { byWard: _, ...noWard } = sample;
    expect(issue(noWard)).toMatchObject({ path: ['byWard'], code: 'invalid_type' });
    expect(issue({ ...sample, totals: { ...sample.totals, played: 1.5 } })).toMatchObject({
      path: ['totals', 'played'],
    });
    expect(issue({ ...sample, kind: 'week' })).toMatchObject({ path: ['kind'] });
    expect(issue({ ...sample, $schema: 'https://wardcast.vn/schemas/periodic-report/v2.json' })).toMatchObject({
      path: ['$schema'],
    });
    expect(issue({ ...sample, surprise: 1 })).toMatchObject({ code: 'unrecognized_keys' });
    expect(issue({ ...sample, emergencies: [{ ...sample.emergencies[0], fullyConfirmedAt: null }] })).toBeUndefined();
  });

  it('has CSV samples that are the CSV of the JSON sample, in Vietnamese and as codes', () => {
    expect(read(SAMPLE_FILES.csv), `${SAMPLE_FILES.csv} ${REGENERATE}`).toBe(reportCsv(sample, 'vi'));
    expect(read(SAMPLE_FILES.csvCodes), `${SAMPLE_FILES.csvCodes} ${REGENERATE}`).toBe(reportCsv(sample, 'codes'));
  });
});
