// Archiving and deleting media. Media that a broadcast may still air (waiting for approval or
// approved) or that a report accounts for (approved, then cancelled) stays: it is refused, naming
// those broadcasts. Anything else may be archived (hidden from the library, restorable) or deleted
// (its files removed; the row stays, hidden, for rejected or withdrawn broadcasts that named it).
//
// Who may: the uploader; anyone in charge of the uploader's ward — its officials (the ward's library
// is shared work: a colleague clears a failed upload), its leaders, the district office above it —
// and an admin. An official of another ward may not, even when a district bulletin lets them hear it.
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.ts';
import type { User } from '../auth/users.ts';
import { withinScope } from '../areas/areas.ts';
import { audit } from '../audit.ts';
import { LocalizedError, msg, type Text } from '../text/index.ts';
import { getMedia, type MediaItem } from './media-store.ts';

export class MediaLifecycleError extends LocalizedError {
  constructor(
    message: Text,
    readonly status: 403 | 404 | 409,
    readonly broadcasts: Array<{ id: string; title: string; status: string }> = [],
  ) {
    super(message);
  }
}

/** Broadcasts using this media that may still air or are reported. */
export function broadcastsUsing(db: Db, mediaId: number): Array<{ id: string; title: string; status: string }> {
  return db
    .prepare(
      "SELECT id, title, status FROM broadcasts WHERE media_id = ? AND (status IN ('submitted', 'approved') OR (status = 'cancelled' AND decided_at IS NOT NULL)) ORDER BY created_at DESC",
    )
    .all(mediaId) as Array<{ id: string; title: string; status: string }>;
}

/** May this user archive, restore or delete this item? (See the rule at the top.) */
export function mayManage(db: Db, user: User, m: MediaItem): boolean {
  if (user.role === 'admin' || m.uploadedBy === user.id) return true;
  const row = db
    .prepare('SELECT a.path FROM users u LEFT JOIN areas a ON a.id = u.area_id WHERE u.id = ?')
    .get(m.uploadedBy) as { path: string | null } | undefined;
  return row?.path != null && withinScope(user.scope, row.path);
}

function checked(db: Db, user: User, id: number, verb: 'archive' | 'delete' | 'restore'): MediaItem {
  const m = getMedia(db, id);
  if (!m || m.deletedAt) throw new MediaLifecycleError(msg('media.not-found', { id }), 404);
  if (!mayManage(db, user, m))
    throw new MediaLifecycleError(msg('media.manage-not-allowed', { name: m.originalName }), 403);
  if (verb === 'restore') return m;
  if (m.status === 'processing')
    throw new MediaLifecycleError(msg('media.still-processing', { name: m.originalName }), 409);
  const using = broadcastsUsing(db, id);
  if (using.length)
    throw new MediaLifecycleError(
      msg('media.in-use', { name: m.originalName, titles: using.map((b) => b.title), verb }),
      409,
      using,
    );
  return m;
}

export function archiveMedia(db: Db, user: User, id: number, now: number): MediaItem {
  return db.transaction(() => {
    const m = checked(db, user, id, 'archive');
    db.prepare('UPDATE media SET archived_at = ? WHERE id = ?').run(now, id);
    audit(db, user.id, 'media.archive', String(id), { name: m.originalName });
    return getMedia(db, id)!;
  })();
}

export function restoreMedia(db: Db, user: User, id: number): MediaItem {
  return db.transaction(() => {
    const m = checked(db, user, id, 'restore');
    db.prepare('UPDATE media SET archived_at = NULL WHERE id = ?').run(id);
    audit(db, user.id, 'media.restore', String(id), { name: m.originalName });
    return getMedia(db, id)!;
  })();
}

/** Deletes: the row is marked and its output files removed, unless another live item has the same content. */
export function deleteMedia(
  db: Db,
  user: User,
  id: number,
  mediaDir: string,
  now: number,
): { id: number; removedFiles: string[] } {
  const { m, files } = db.transaction(() => {
    const m = checked(db, user, id, 'delete');
    const shared = new Set(
      (
        db
          .prepare('SELECT outputs FROM media WHERE id <> ? AND deleted_at IS NULL AND outputs IS NOT NULL')
          .all(id) as Array<{ outputs: string }>
      ).flatMap((r) => (JSON.parse(r.outputs) as Array<{ file: string }>).map((o) => o.file)),
    );
    db.prepare('UPDATE media SET deleted_at = ?, outputs = NULL WHERE id = ?').run(now, id);
    audit(db, user.id, 'media.delete', String(id), { name: m.originalName, status: m.status });
    return { m, files: m.outputs.map((o) => o.file).filter((f) => !shared.has(f)) };
  })();
  // After the commit: a file is never missing for a row that still names it.
  for (const f of files) rmSync(path.join(mediaDir, path.basename(f)), { force: true });
  return { id: m.id, removedFiles: files };
}
