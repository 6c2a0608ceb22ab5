// Stored periodic reports: a draft per area and period, regenerated in place until it is signed;
// signing stores the exact PDF bytes and their SHA-256 with who and when, after which the row's
// document and PDF never change (triggers of migration 25 refuse it). A correction is a revision: a
// new draft version, which supersedes the signed one only once it is signed itself.
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { getAreaByPath, withinScope } from '../areas/areas.ts';
import type { User } from '../auth/users.ts';
import type { PeriodicReportDocument, PeriodicReportMeta, ReportKind } from '../api-contract/periodic-reports.ts';
import { DEFAULT_CONFIRMATION_GRACE_MS } from './grace.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { formatVn } from '../time.ts';
import { daysUntil, parsePeriod, vnDate } from './period.ts';
import { buildReportDocument, figuresOf, type BuildDocument, type ReportKey } from './report-document.ts';
import { renderReportPdf, type ReportPdfOptions } from './report-pdf.ts';

/** A refusal with the HTTP status it answers with (409: the report's state forbids it). */
export class ReportStateError extends LocalizedError {
  constructor(
    message: ConstructorParameters<typeof LocalizedError>[0],
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

interface Row {
  id: number;
  area_path: string;
  kind: ReportKind;
  period: string;
  version: number;
  status: 'draft' | 'signed' | 'superseded';
  document_sha256: string;
  generated_at: number;
  due_by: string;
  signed_by: number | null;
  signed_at: number | null;
  pdf_sha256: string | null;
  revision_of: number | null;
  revision_reason: string | null;
  area_name: string | null;
  signer_name: string | null;
}

// The meta only: a document can be large (a district's devices), and lists need none.
const SELECT = `SELECT p.id, p.area_path, p.kind, p.period, p.version, p.status, p.document_sha256, p.generated_at,
       p.due_by, p.signed_by, p.signed_at, p.pdf_sha256, p.revision_of, p.revision_reason, a.name AS area_name, u.display_name AS signer_name
  FROM periodic_reports p LEFT JOIN areas a ON a.path = p.area_path LEFT JOIN users u ON u.id = p.signed_by`;

export const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

export interface StoredReport {
  meta: Omit<PeriodicReportMeta, 'changedSince'>;
  document: PeriodicReportDocument;
}

function metaOf(r: Row, now: number): StoredReport['meta'] {
  return {
    id: r.id,
    areaPath: r.area_path,
    areaName: r.area_name ?? r.area_path,
    kind: r.kind,
    period: r.period,
    version: r.version,
    status: r.status,
    generatedAt: formatVn(r.generated_at)!,
    dueBy: r.due_by,
    overdue: r.status === 'draft' && vnDate(now) > r.due_by,
    signedBy: r.signed_by === null ? null : { id: r.signed_by, name: r.signer_name ?? '' },
    signedAt: formatVn(r.signed_at),
    pdfSha256: r.pdf_sha256,
    documentSha256: r.document_sha256,
    revisionOf: r.revision_of,
    revisionReason: r.revision_reason,
  };
}

export function getReport(db: Db, id: number, now: number): StoredReport | undefined {
  const r = db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
  return r && { meta: metaOf(r, now), document: JSON.parse(documentText(db, id)!) as PeriodicReportDocument };
}

/** The stored document's text, exactly as hashed and served. */
export const documentText = (db: Db, id: number) =>
  db.prepare('SELECT document FROM periodic_reports WHERE id = ?').pluck().get(id) as string | undefined;
/** A signed report's PDF, exactly as stored when it was signed. */
export const storedPdf = (db: Db, id: number) =>
  db.prepare('SELECT pdf FROM periodic_reports WHERE id = ?').pluck().get(id) as Buffer | null | undefined;

/** Reports at or below `area` (every one when null), optionally of one kind: latest period first. */
export function listReports(
  db: Db,
  filter: { area?: string | null; kind?: ReportKind },
  now: number,
): Array<StoredReport['meta']> {
  return (
    db
      .prepare(
        `${SELECT} WHERE (@kind IS NULL OR p.kind = @kind) ORDER BY p.period DESC, p.kind, p.area_path, p.version DESC`,
      )
      .all({ kind: filter.kind ?? null }) as Row[]
  )
    .filter((r) => withinScope(filter.area ?? null, r.area_path))
    .map((r) => metaOf(r, now));
}

/** The latest version of an area's report for a period, if any. */
function latest(db: Db, key: ReportKey): Row | undefined {
  return db
    .prepare(`${SELECT} WHERE p.area_path = ? AND p.kind = ? AND p.period = ? ORDER BY p.version DESC LIMIT 1`)
    .get(key.areaPath, key.kind, key.period) as Row | undefined;
}

/**
 * Generates the report now (version 1), or regenerates the open draft in place. Refuses (409) when
 * the latest version is signed: that one is corrected by a revision, never regenerated.
 * Returns the report and whether it was created.
 */
export async function generateReport(
  db: Db,
  key: ReportKey,
  now: number,
  graceMs = DEFAULT_CONFIRMATION_GRACE_MS,
  build: BuildDocument = buildReportDocument,
): Promise<StoredReport & { created: boolean }> {
  const period = parsePeriod(key.period, key.kind).period; // refuses a bad one before any work
  const k = { ...key, period };
  const doc = await build(db, k, now, graceMs);
  const text = JSON.stringify(doc);
  return db.transaction(() => {
    const last = latest(db, k);
    if (last && last.status !== 'draft')
      throw new ReportStateError(msg('periodic-report.signed-regenerate', { id: last.id }), 409);
    if (last) {
      db.prepare('UPDATE periodic_reports SET document = ?, document_sha256 = ?, generated_at = ? WHERE id = ?').run(
        text,
        sha256(text),
        now,
        last.id,
      );
      return { ...getReport(db, last.id, now)!, created: false };
    }
    const id = Number(
      db
        .prepare(
          `INSERT INTO periodic_reports (area_path, kind, period, version, status, document, document_sha256, generated_at, due_by)
           VALUES (?, ?, ?, 1, 'draft', ?, ?, ?, ?)`,
        )
        .run(k.areaPath, k.kind, period, text, sha256(text), now, doc.dueBy).lastInsertRowid,
    );
    return { ...getReport(db, id, now)!, created: true };
  })();
}

/** Whether a report exists for the area and period, in any version. */
export const reportExists = (db: Db, key: ReportKey) => latest(db, key) !== undefined;

/**
 * Whether the scheduler leaves the report alone: one exists that is signed (or superseded), or a
 * draft generated once the period was over, at `settledAt` (its end plus the confirmation grace). A
 * draft made earlier (someone's preview during the month) is regenerated then, so the draft that
 * waits for sign-off always covers the whole period.
 */
export function reportSettled(db: Db, key: ReportKey, settledAt: number): boolean {
  const last = latest(db, key);
  return last !== undefined && (last.status !== 'draft' || last.generated_at >= settledAt);
}

/**
 * Signs a draft: renders its PDF from the stored document, and stores the bytes, their SHA-256, who
 * and when, in one transaction; the signed version it revises becomes superseded. `documentSha256`
 * is the document the signer read: a draft regenerated since then is refused (409), as is one
 * already signed.
 */
export async function signReport(
  db: Db,
  id: number,
  user: Pick<User, 'id' | 'displayName'>,
  documentSha256: string,
  now: number,
  render: (doc: PeriodicReportDocument, opts: ReportPdfOptions) => Promise<Buffer> = renderReportPdf,
): Promise<StoredReport> {
  const before = getReport(db, id, now);
  if (!before) throw new ReportStateError(msg('periodic-report.not-found', { id: String(id) }), 404);
  const refuseSigned = (r: StoredReport) => {
    if (r.meta.status !== 'draft')
      throw new ReportStateError(
        msg('periodic-report.already-signed', {
          id,
          signedBy: r.meta.signedBy?.name ?? '',
          signedAt: r.meta.signedAt ?? '',
        }),
        409,
      );
  };
  refuseSigned(before);
  if (before.meta.documentSha256 !== documentSha256.trim().toLowerCase())
    throw new ReportStateError(msg('periodic-report.stale-document', { id }), 409);
  const signedAt = formatVn(now)!;
  const pdf = await render(before.document, { status: 'signed', signedBy: user.displayName, signedAt });
  return db.transaction(() => {
    // Checked again inside the transaction: nothing may have signed or regenerated it while the PDF rendered.
    const now2 = getReport(db, id, now)!;
    refuseSigned(now2);
    if (now2.meta.documentSha256 !== before.meta.documentSha256)
      throw new ReportStateError(msg('periodic-report.stale-document', { id }), 409);
    db.prepare(
      "UPDATE periodic_reports SET status = 'signed', signed_by = ?, signed_at = ?, pdf = ?, pdf_sha256 = ? WHERE id = ?",
    ).run(user.id, now, pdf, sha256(pdf), id);
    db.prepare(
      `UPDATE periodic_reports SET status = 'superseded'
        WHERE area_path = ? AND kind = ? AND period = ? AND status = 'signed' AND version < ?`,
    ).run(before.meta.areaPath, before.meta.kind, before.meta.period, before.meta.version);
    return getReport(db, id, now)!;
  })();
}

/**
 * Opens a revision of a signed report: a new draft version with a document computed now, the
 * reason kept. The signed one stays signed (and readable) until the revision is signed.
 */
export async function reviseReport(
  db: Db,
  id: number,
  reason: string,
  now: number,
  graceMs = DEFAULT_CONFIRMATION_GRACE_MS,
  build: BuildDocument = buildReportDocument,
): Promise<StoredReport> {
  const r = getReport(db, id, now);
  if (!r) throw new ReportStateError(msg('periodic-report.not-found', { id: String(id) }), 404);
  if (r.meta.status !== 'signed')
    throw new ReportStateError(msg('periodic-report.revise-not-signed', { id, status: r.meta.status }), 409);
  const key = { areaPath: r.meta.areaPath, kind: r.meta.kind, period: r.meta.period };
  const doc = await build(db, key, now, graceMs);
  const text = JSON.stringify(doc);
  return db.transaction(() => {
    const last = latest(db, key)!;
    if (last.id !== id) throw new ReportStateError(msg('periodic-report.revision-open', { id: last.id }), 409);
    const newId = Number(
      db
        .prepare(
          `INSERT INTO periodic_reports (area_path, kind, period, version, status, document, document_sha256, generated_at, due_by, revision_of, revision_reason)
           VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?)`,
        )
        .run(key.areaPath, key.kind, key.period, last.version + 1, text, sha256(text), now, doc.dueBy, id, reason)
        .lastInsertRowid,
    );
    return getReport(db, newId, now)!;
  })();
}

/**
 * For a signed report: whether the evidence now gives other figures than the signed document
 * (everything but generatedAt compared). Null for a draft or a superseded one.
 */
export async function changedSince(
  db: Db,
  r: StoredReport,
  now: number,
  graceMs = DEFAULT_CONFIRMATION_GRACE_MS,
  build: BuildDocument = buildReportDocument,
): Promise<boolean | null> {
  if (r.meta.status !== 'signed') return null;
  const key = { areaPath: r.meta.areaPath, kind: r.meta.kind, period: r.meta.period };
  const fresh = await build(db, key, now, graceMs);
  return figuresOf(fresh) !== figuresOf(r.document);
}

/**
 * Whether `user` is the one to sign this report: a ward's report by the approvers (leaders) of that
 * ward, a district's by its district office; an admin signs a district's.
 */
export function responsibleFor(user: Pick<User, 'role' | 'scope'>, areaPath: string, level: string): boolean {
  if (level === 'ward') return user.role === 'approver' && user.scope === areaPath;
  return (user.role === 'district' && user.scope === areaPath) || user.role === 'admin';
}

/**
 * The reports `user` must sign and has not: the open draft of each area and period they answer for,
 * from the first day after the period until it is signed, with the days left to its due day.
 */
export function remindersFor(db: Db, user: Pick<User, 'role' | 'scope'>, now: number) {
  const rows = db.prepare(`${SELECT} WHERE p.status = 'draft' ORDER BY p.due_by, p.area_path, p.kind`).all() as Row[];
  return rows
    .filter((r) => {
      const area = getAreaByPath(db, r.area_path);
      return area && parsePeriod(r.period).to <= now && responsibleFor(user, r.area_path, area.level);
    })
    .map((r) => ({
      reportId: r.id,
      areaPath: r.area_path,
      areaName: r.area_name ?? r.area_path,
      kind: r.kind,
      period: r.period,
      dueBy: r.due_by,
      daysLeft: daysUntil(r.due_by, now),
    }));
}
