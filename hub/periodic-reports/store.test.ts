// A stored report: a draft is regenerated in place; signing keeps the exact PDF bytes and their
// SHA-256, refuses a document the signer did not read and a second signature; after it, later
// receipts never change the signed document (changedSince tells), the database itself refuses to
// alter or delete it, and a correction is a revision that supersedes it only once signed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { parseHubConfig } from '../config.ts';
import { DISTRICT, WARD_A, seedReportWorld, type ReportWorld } from '../../test/helpers/periodic-report-db.ts';
import { DEFAULT_CONFIRMATION_GRACE_MS } from './grace.ts';
import { renderReportPdf } from './report-pdf.ts';
import {
  changedSince,
  documentText,
  generateReport,
  getReport,
  remindersFor,
  ReportStateError,
  reviseReport,
  sha256,
  signReport,
  storedPdf,
} from './store.ts';

const DEC_3 = Date.parse('2026-12-03T10:00:00+07:00');
const DEC_4 = Date.parse('2026-12-04T08:15:00+07:00');
const key = { areaPath: WARD_A, kind: 'month' as const, period: '2026-11' };
const signer = { id: 0, displayName: 'Trần Thị Hạ' };
let db: Db;
let w: ReportWorld;

beforeAll(() => {
  db = openDatabase(':memory:');
  w = seedReportWorld(db);
  signer.id = w.wardUser;
});
afterAll(() => db.close());

const refusal = async (p: Promise<unknown>) => {
  const e = await p.catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ReportStateError);
  return { status: (e as ReportStateError).status, code: (e as ReportStateError).msg?.code };
};

describe('periodic report storage and sign-off', () => {
  it('uses the hub’s default confirmation grace when none is given', () => {
    expect(DEFAULT_CONFIRMATION_GRACE_MS).toBe(parseHubConfig({ dataDir: '/tmp/x' }).confirmationGraceMs);
  });

  it('a draft is regenerated in place, with its new document and hash', async () => {
    const first = await generateReport(db, key, DEC_3);
    expect(first).toMatchObject({
      created: true,
      meta: { version: 1, status: 'draft', dueBy: '2026-12-14', overdue: false },
    });
    expect(sha256(documentText(db, first.meta.id)!)).toBe(first.meta.documentSha256);
    w.receipt('nq98', w.day(12), 'a2', 'played');
    const again = await generateReport(db, key, DEC_4);
    expect(again).toMatchObject({
      created: false,
      meta: { id: first.meta.id, version: 1, generatedAt: '2026-12-04T08:15:00+07:00' },
    });
    expect(again.document.totals.played).toBe(first.document.totals.played + 1);
    expect(again.meta.documentSha256).not.toBe(first.meta.documentSha256);
    expect(db.prepare('SELECT COUNT(*) FROM periodic_reports').pluck().get()).toBe(1);
  });

  it('signing what the signer did not read is refused; then the PDF is kept byte for byte with its hash', async () => {
    const r = getReport(db, 1, DEC_4)!;
    expect(await refusal(signReport(db, r.meta.id, signer, 'ab'.repeat(32), DEC_4))).toEqual({
      status: 409,
      code: 'periodic-report.stale-document',
    });
    const signed = await signReport(db, r.meta.id, signer, r.meta.documentSha256, DEC_4 + 60_000);
    expect(signed.meta).toMatchObject({
      status: 'signed',
      signedBy: { id: w.wardUser, name: 'Trần Thị Hạ' },
      signedAt: '2026-12-04T08:16:00+07:00',
    });
    const pdf = storedPdf(db, r.meta.id)!;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(pdf)).toBe(signed.meta.pdfSha256);
    // Deterministic: the same document and sign-off render the same bytes.
    const again = await renderReportPdf(signed.document, {
      status: 'signed',
      signedBy: 'Trần Thị Hạ',
      signedAt: signed.meta.signedAt!,
    });
    expect(sha256(again)).toBe(signed.meta.pdfSha256);
    expect(await refusal(signReport(db, r.meta.id, signer, r.meta.documentSha256, DEC_4))).toEqual({
      status: 409,
      code: 'periodic-report.already-signed',
    });
    expect(await refusal(generateReport(db, key, DEC_4))).toEqual({
      status: 409,
      code: 'periodic-report.signed-regenerate',
    });
  });

  it('later receipts never change the signed document; changedSince says the evidence moved', async () => {
    const r = getReport(db, 1, DEC_4)!;
    const text = documentText(db, 1);
    expect(await changedSince(db, r, DEC_4 + 120_000)).toBe(false);
    w.receipt('nq98', w.day(13), 'a2', 'played'); // a late receipt for November
    const later = Date.parse('2026-12-20T09:00:00+07:00');
    expect(documentText(db, 1)).toBe(text);
    expect(sha256(storedPdf(db, 1)!)).toBe(r.meta.pdfSha256);
    expect(await changedSince(db, getReport(db, 1, later)!, later)).toBe(true);
  });

  it('the database refuses to change or delete a signed report, whoever writes', () => {
    const [text, pdf] = [documentText(db, 1), storedPdf(db, 1)];
    for (const sql of [
      "UPDATE periodic_reports SET document = '{}' WHERE id = 1",
      "UPDATE periodic_reports SET pdf = x'00', pdf_sha256 = 'x' WHERE id = 1",
      'UPDATE periodic_reports SET signed_at = 0 WHERE id = 1',
      "UPDATE periodic_reports SET status = 'draft' WHERE id = 1",
      'DELETE FROM periodic_reports WHERE id = 1',
    ])
      expect(() => db.prepare(sql).run(), sql).toThrow(/periodic report/);
    expect([documentText(db, 1), storedPdf(db, 1)]).toEqual([text, pdf]);
  });

  it('a revision is a new draft; the signed report is superseded only once the revision is signed', async () => {
    const later = Date.parse('2026-12-20T09:00:00+07:00');
    const rev = await reviseReport(db, 1, 'Thiết bị a2 gửi xác nhận muộn', later);
    expect(rev.meta).toMatchObject({
      version: 2,
      status: 'draft',
      revisionOf: 1,
      revisionReason: 'Thiết bị a2 gửi xác nhận muộn',
    });
    expect(getReport(db, 1, later)!.meta.status).toBe('signed');
    expect(await refusal(reviseReport(db, 1, 'again', later))).toEqual({
      status: 409,
      code: 'periodic-report.revision-open',
    });
    expect(rev.document.totals.played).toBe(getReport(db, 1, later)!.document.totals.played + 1);
    await signReport(db, rev.meta.id, signer, rev.meta.documentSha256, later + 60_000);
    const old = getReport(db, 1, later)!;
    expect(old.meta.status).toBe('superseded');
    expect(old.document.totals.played).toBe(rev.document.totals.played - 1); // still readable, unchanged
    expect(await changedSince(db, old, later)).toBeNull();
    expect(await refusal(reviseReport(db, 1, 'again', later))).toEqual({
      status: 409,
      code: 'periodic-report.revise-not-signed',
    });
  });

  it('reminds the ward’s leader of its draft and the district office of the district’s, from the 1st of the next month', async () => {
    await generateReport(db, { ...key, areaPath: DISTRICT }, DEC_3);
    const leader = { role: 'approver' as const, scope: WARD_A };
    const office = { role: 'district' as const, scope: DISTRICT };
    const dec10 = Date.parse('2026-12-10T09:00:00+07:00');
    expect(remindersFor(db, office, dec10)).toEqual([
      {
        reportId: 3,
        areaPath: DISTRICT,
        areaName: 'Quận Thanh Xuân',
        kind: 'month',
        period: '2026-11',
        dueBy: '2026-12-14',
        daysLeft: 4,
      },
    ]);
    expect(remindersFor(db, leader, dec10)).toEqual([]); // its own is signed; the district's is not its to sign
    await generateReport(db, { areaPath: WARD_A, kind: 'month', period: '2026-12' }, dec10);
    expect(remindersFor(db, leader, dec10)).toEqual([]); // December is not over
    const jan16 = Date.parse('2027-01-16T09:00:00+07:00');
    expect(remindersFor(db, leader, jan16).map((r) => [r.period, r.daysLeft])).toEqual([['2026-12', -2]]);
    expect(getReport(db, 4, jan16)!.meta.overdue).toBe(true);
  });
});
