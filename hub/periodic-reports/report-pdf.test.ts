// The periodic report PDF's bytes, in process: the same inputs give the same bytes whenever they are
// rendered (the sign-off stores their SHA-256), a draft and a signature differ, the samples under
// docs/ are what the code renders, and bad input is refused. Its text is read back with poppler in
// report-pdf.peer.test.ts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderReportPdf } from './report-pdf.ts';
import { SAMPLE_FILES, SAMPLE_SIGNATURE, samplePeriodicReport } from '../../test/helpers/periodic-report-sample.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sample = samplePeriodicReport();

afterEach(() => {
  vi.useRealTimers();
});

describe('periodic report PDF bytes', () => {
  it('renders the same bytes for the same inputs, on any day, and a PDF at all', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T01:00:00Z'));
    const draft1 = await renderReportPdf(sample, { status: 'draft' });
    const signed1 = await renderReportPdf(sample, SAMPLE_SIGNATURE);
    vi.setSystemTime(new Date('2027-06-30T23:59:59Z'));
    const draft2 = await renderReportPdf(samplePeriodicReport(), { status: 'draft' });
    const signed2 = await renderReportPdf(samplePeriodicReport(), { ...SAMPLE_SIGNATURE });
    expect(sha(draft2)).toBe(sha(draft1));
    expect(sha(signed2)).toBe(sha(signed1));
    expect(draft1.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
    expect(draft1.subarray(-6).toString('latin1')).toBe('%%EOF\n');
  });

  it('differs between a draft and a signed report, and between signers and times', async () => {
    const draft = sha(await renderReportPdf(sample, { status: 'draft' }));
    const signed = sha(await renderReportPdf(sample, SAMPLE_SIGNATURE));
    const other = sha(await renderReportPdf(sample, { ...SAMPLE_SIGNATURE, signedBy: 'Trần Văn Bình' }));
    const later = sha(await renderReportPdf(sample, { ...SAMPLE_SIGNATURE, signedAt: '2026-12-03T02:31:00.000Z' }));
    expect(new Set([draft, signed, other, later]).size).toBe(4);
    // Figures that change change the bytes.
    const changed = structuredClone(sample);
    changed.totals.played -= 1;
    expect(sha(await renderReportPdf(changed, { status: 'draft' }))).not.toBe(draft);
  });

  it('has samples under docs/samples that are what the code renders', async () => {
    const again = 'differs from what the code renders: run npm run docs:report-samples and commit the files';
    expect(sha(readFileSync(path.join(root, SAMPLE_FILES.pdf))), `${SAMPLE_FILES.pdf} ${again}`).toBe(
      sha(await renderReportPdf(sample, { status: 'draft' })),
    );
    expect(sha(readFileSync(path.join(root, SAMPLE_FILES.signedPdf))), `${SAMPLE_FILES.signedPdf} ${again}`).toBe(
      sha(await renderReportPdf(sample, SAMPLE_SIGNATURE)),
    );
  });

  it('refuses a signed PDF without who and when, a status it does not know, and what is not a report', async () => {
    await expect(renderReportPdf(sample, { status: 'signed', signedAt: SAMPLE_SIGNATURE.signedAt })).rejects.toThrow(
      'a signed report PDF needs signedBy and signedAt',
    );
    await expect(
      renderReportPdf(sample, { status: 'signed', signedBy: ' ', signedAt: '2026-12-03T02:30:00Z' }),
    ).rejects.toThrow('needs signedBy');
    await expect(renderReportPdf(sample, { status: 'signed', signedBy: 'A', signedAt: 'hôm qua' })).rejects.toThrow();
    await expect(renderReportPdf(sample, { status: 'final' as never })).rejects.toThrow('PDF status "final"');
    await expect(renderReportPdf({ ...sample, byDevice: null } as never, { status: 'draft' })).rejects.toThrow(
      /not a periodic report document: byDevice/,
    );
    await expect(renderReportPdf({ ...sample, period: '2026-Q4' }, { status: 'draft' })).rejects.toThrow(
      'period "2026-Q4" is not a month',
    );
  });
});
