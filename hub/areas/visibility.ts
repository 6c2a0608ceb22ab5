// What a user may read, by their area scope (an admin's scope is null: everything). One rule per
// kind of thing, used by every read that shows it (lists, details, files, the audit log, live
// events):
// - a device: its area is within the scope;
// - a broadcast: one of its targets (an area, or a device's area) is within the scope or contains
//   it — the same rule as the broadcast list;
// - media: uploaded by a user whose area is within the scope (the district sees its wards'
//   uploads), or used by a broadcast the user sees (a ward sees the district's bulletin that
//   reaches it). An admin's upload (no area) is seen by others only through a broadcast;
// - an area path (areas, outlines, quiet hours): within the scope or containing it.
// Answers are memoised: build one per request, or renew it now and then on a long connection.
import type { Db } from '../db/database.ts';
import { withinScope } from './areas.ts';

/** `p` is the scope (bound as :s) or below it, in SQL. */
const UNDER = (p: string) => `(${p} = :s OR substr(${p}, 1, length(:s) + 1) = :s || '/')`;
/** The scope is below `p`. */
const ABOVE = (p: string) => `substr(:s, 1, length(${p}) + 1) = ${p} || '/'`;

const TARGET_PATHS = `
  SELECT t.broadcast_id, COALESCE(ta.path, da.path) AS path FROM broadcast_targets t
    LEFT JOIN areas ta ON ta.id = t.area_id
    LEFT JOIN devices d ON d.id = t.device_id LEFT JOIN areas da ON da.id = d.area_id`;

export function createVisibility(db: Db, scope: string | null) {
  const all = scope === null;
  const devices = new Map<string, boolean>();
  const broadcasts = new Map<string, boolean>();
  let media: Set<number> | null = null;
  let mediaUpTo = 0;

  const v = {
    all,
    path: (p: string) => withinScope(scope, p) || withinScope(p, scope ?? ''),
    device(id: string): boolean {
      if (all) return true;
      let ok = devices.get(id);
      if (ok === undefined) {
        const r = db.prepare('SELECT a.path FROM devices d JOIN areas a ON a.id = d.area_id WHERE d.id = ?').get(id) as
          | { path: string }
          | undefined;
        devices.set(id, (ok = !!r && withinScope(scope, r.path)));
      }
      return ok;
    },
    broadcast(id: string): boolean {
      if (all) return true;
      let ok = broadcasts.get(id);
      if (ok === undefined) {
        const r = db
          .prepare(
            `SELECT 1 FROM (${TARGET_PATHS}) WHERE broadcast_id = :id AND (${UNDER('path')} OR ${ABOVE('path')}) LIMIT 1`,
          )
          .get({ id, s: scope });
        broadcasts.set(id, (ok = r !== undefined));
      }
      return ok;
    },
    mediaIds(): Set<number> | null {
      if (all) return null;
      if (media) return media;
      mediaUpTo = (db.prepare('SELECT MAX(id) n FROM media').get() as { n: number | null }).n ?? 0;
      media = new Set(
        (
          db
            .prepare(
              `SELECT m.id FROM media m JOIN users u ON u.id = m.uploaded_by JOIN areas a ON a.id = u.area_id WHERE ${UNDER('a.path')}
               UNION
               SELECT b.media_id FROM broadcasts b JOIN (${TARGET_PATHS}) tp ON tp.broadcast_id = b.id
                WHERE b.media_id IS NOT NULL AND (${UNDER('tp.path')} OR ${ABOVE('tp.path')})`,
            )
            .all({ s: scope }) as Array<{ id: number }>
        ).map((r) => r.id),
      );
      return media;
    },
    media(id: number): boolean {
      if (all || v.mediaIds()!.has(id)) return true;
      if (id <= mediaUpTo) return false;
      media = null; // uploaded since the set was read (a live event about a new upload)
      return v.mediaIds()!.has(id);
    },
    /** An entry of the audit log is about something in scope (unknown kinds: admins only). */
    auditEntry(e: { action: string; target: string; userId: number | null }): boolean {
      if (all) return true;
      const kind = e.action.split('.')[0];
      // A live session's entries name its broadcast.
      if (kind === 'broadcast' || kind === 'live') return v.broadcast(e.target);
      if (kind === 'media') return /^\d+$/.test(e.target) && v.media(Number(e.target));
      if (kind === 'device') return v.device(e.target);
      if (kind === 'area' || kind === 'quiet-hours') return e.target !== '' && v.path(e.target);
      const userArea = (where: string, arg: unknown) =>
        (
          db.prepare(`SELECT a.path FROM users u JOIN areas a ON a.id = u.area_id WHERE ${where}`).get(arg) as
            | { path: string }
            | undefined
        )?.path;
      if (kind === 'auth') {
        const p = e.userId === null ? undefined : userArea('u.id = ?', e.userId);
        return p !== undefined && withinScope(scope, p);
      }
      if (kind === 'user') {
        const p = userArea('u.username = ?', e.target);
        return p !== undefined && withinScope(scope, p);
      }
      return false;
    },
  };
  return v;
}
export type Visibility = ReturnType<typeof createVisibility>;

/**
 * May this device download this media file? Only if an approved broadcast that reaches it uses it
 * (as its audio, or as a relay's station ident).
 */
export function deviceMayFetch(db: Db, deviceId: string, file: string, now: number): boolean {
  const r = db
    .prepare(
      `SELECT 1 FROM media m
         JOIN broadcasts b ON (b.media_id = m.id OR json_extract(b.relay, '$.identMediaId') = m.id) AND b.status = 'approved'
         JOIN broadcast_targets t ON t.broadcast_id = b.id
         LEFT JOIN areas ta ON ta.id = t.area_id
         JOIN devices d ON d.id = :device JOIN areas da ON da.id = d.area_id
        WHERE m.status = 'ready' AND m.outputs LIKE :like
          AND (b.rrule IS NOT NULL OR b.starts_at IS NULL OR b.starts_at + b.duration_ms > :since)
          AND (t.device_id = :device OR da.path = ta.path OR substr(da.path, 1, length(ta.path) + 1) = ta.path || '/')
        LIMIT 1`,
    )
    .get({ device: deviceId, like: `%"${file}"%`, since: now - 86_400_000 });
  return r !== undefined;
}
