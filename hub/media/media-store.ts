// Media records and their processing state. Uploads land in dataDir/uploads, transcoded outputs in
// dataDir/media named by their sha256 (content-addressed, so agents can verify what they fetch).
import type { Db } from '../db/database.ts';
import { formatVn } from '../time.ts';
import { enOf, msg, type Text } from '../text/index.ts';

export interface MediaOutput {
  format: 'opus' | 'mp3';
  file: string;
  sha256: string;
  bytes: number;
  mime: string;
}

/** Where the audio of a typed bulletin came from (hub/tts). */
export interface MediaFromText {
  /** What the official typed. */
  text: string;
  /** What the engine was given: numbers, dates, times and abbreviations written out. */
  spoken: string;
  engine: string;
  voice: string;
  /** How long the engine took, in ms. */
  generationMs: number;
  /** The typed bulletin this one is a new reading of, when it was regenerated. */
  regeneratedFrom: number | null;
}

export interface MediaItem {
  id: number;
  originalName: string;
  sourceSha256: string | null;
  sourceBytes: number;
  status: 'processing' | 'ready' | 'failed';
  /** Why processing failed (English). */
  error: string | null;
  /** The same in Vietnamese; null when the reason has no translation (the web UI then goes by errorCode). */
  errorVi: string | null;
  /** Why processing failed, for programs: not-audio, corrupt, too-long, silent, ... */
  errorCode: string | null;
  durationMs: number | null;
  loudness: Record<string, unknown> | null;
  outputs: MediaOutput[];
  uploadedBy: number;
  /** "upload": a file an official uploaded; "text": a typed bulletin read by the TTS engine. */
  source: 'upload' | 'text';
  tts: MediaFromText | null;
  createdAt: string | null;
  processedAt: string | null;
  /** Hidden from the library (restorable); null when not. */
  archivedAt: string | null;
  /** Deleted: files removed, the row kept for broadcasts that once named it. */
  deletedAt: string | null;
}

/** A media row as SQLite returns it. */
interface MediaRecord {
  id: number;
  original_name: string;
  source_sha256: string | null;
  source_bytes: number;
  status: MediaItem['status'];
  error: string | null;
  error_vi: string | null;
  error_code: string | null;
  duration_ms: number | null;
  loudness: string | null;
  outputs: string | null;
  uploaded_by: number;
  tts: string | null;
  created_at: number | null;
  processed_at: number | null;
  archived_at: number | null;
  deleted_at: number | null;
}

const toItem = (r: MediaRecord): MediaItem => ({
  id: r.id,
  originalName: r.original_name,
  sourceSha256: r.source_sha256,
  sourceBytes: r.source_bytes,
  status: r.status,
  error: r.error,
  errorVi: r.error_vi ?? null,
  errorCode: r.error_code,
  durationMs: r.duration_ms,
  loudness: r.loudness ? JSON.parse(r.loudness) : null,
  outputs: r.outputs ? JSON.parse(r.outputs) : [],
  uploadedBy: r.uploaded_by,
  source: r.tts ? 'text' : 'upload',
  tts: r.tts ? JSON.parse(r.tts) : null,
  createdAt: formatVn(r.created_at),
  processedAt: formatVn(r.processed_at),
  archivedAt: formatVn(r.archived_at),
  deletedAt: formatVn(r.deleted_at),
});

export function createMedia(
  db: Db,
  input: { originalName: string; sourceBytes: number; sourceSha256: string; uploadedBy: number; tts?: MediaFromText },
): MediaItem {
  const info = db
    .prepare(
      'INSERT INTO media(original_name, source_sha256, source_bytes, status, uploaded_by, created_at, tts) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      input.originalName,
      input.sourceSha256,
      input.sourceBytes,
      'processing',
      input.uploadedBy,
      Date.now(),
      input.tts ? JSON.stringify(input.tts) : null,
    );
  return getMedia(db, Number(info.lastInsertRowid))!;
}

export function getMedia(db: Db, id: number): MediaItem | undefined {
  const r = db.prepare('SELECT * FROM media WHERE id = ?').get(id) as MediaRecord | undefined;
  return r ? toItem(r) : undefined;
}

/** The newest media, or the newest among `ids`; never deleted ones, and archived ones only when asked (then only those). */
export function listMedia(db: Db, limit = 200, ids?: number[], archived = false): MediaItem[] {
  const shelf = archived ? 'archived_at IS NOT NULL' : 'archived_at IS NULL';
  if (ids)
    return (
      db
        .prepare(
          `SELECT * FROM media WHERE id IN (SELECT value FROM json_each(?)) AND deleted_at IS NULL AND ${shelf} ORDER BY id DESC LIMIT ?`,
        )
        .all(JSON.stringify(ids), limit) as MediaRecord[]
    ).map(toItem);
  return (
    db
      .prepare(`SELECT * FROM media WHERE deleted_at IS NULL AND ${shelf} ORDER BY id DESC LIMIT ?`)
      .all(limit) as MediaRecord[]
  ).map(toItem);
}

export function markMediaReady(
  db: Db,
  id: number,
  r: { durationMs: number; loudness: unknown; outputs: MediaOutput[] },
): void {
  db.prepare(
    "UPDATE media SET status = 'ready', error = NULL, error_vi = NULL, duration_ms = ?, loudness = ?, outputs = ?, processed_at = ? WHERE id = ?",
  ).run(r.durationMs, JSON.stringify(r.loudness), JSON.stringify(r.outputs), Date.now(), id);
}

export function markMediaFailed(db: Db, id: number, error: Text, code = 'error'): void {
  db.prepare(
    "UPDATE media SET status = 'failed', error = ?, error_vi = ?, error_code = ?, processed_at = ? WHERE id = ?",
  ).run(enOf(error), typeof error === 'string' ? null : error.vi, code, Date.now(), id);
}

/** Media interrupted by a hub restart whose upload is gone (all but `except`) cannot finish: say so instead of leaving it "processing". */
export function failInterruptedMedia(db: Db, except: number[] = []): number {
  const m = msg('media.interrupted');
  return db
    .prepare(
      `UPDATE media SET status = 'failed', error = ?, error_vi = ?, error_code = 'interrupted', processed_at = ? WHERE status = 'processing' AND id NOT IN (SELECT value FROM json_each(?))`,
    )
    .run(m.en, m.vi, Date.now(), JSON.stringify(except)).changes;
}

/** Is this file name one of our outputs? Only such names are ever served. */
export function isKnownOutput(db: Db, file: string): boolean {
  if (!/^[0-9a-f]{64}\.(opus|mp3)$/.test(file)) return false;
  return (
    db
      .prepare("SELECT 1 FROM media WHERE status = 'ready' AND deleted_at IS NULL AND outputs LIKE ?")
      .get(`%"${file}"%`) !== undefined
  );
}

/** Ids of the media items one of whose outputs is this file (call after isKnownOutput). */
export function mediaWithFile(db: Db, file: string): number[] {
  return (
    db.prepare("SELECT id FROM media WHERE status = 'ready' AND outputs LIKE ?").all(`%"${file}"%`) as Array<{
      id: number;
    }>
  ).map((r) => r.id);
}
