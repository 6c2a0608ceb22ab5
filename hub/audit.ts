// The audit trail: who did what to which object, when. Append-only.
import type { Db } from './db/database.ts';

export function audit(db: Db, userId: number | null, action: string, target: string, detail?: unknown): void {
  db.prepare('INSERT INTO audit(at, user_id, action, target, detail) VALUES (?, ?, ?, ?, ?)').run(
    Date.now(),
    userId,
    action,
    target,
    detail === undefined ? null : JSON.stringify(detail),
  );
}

interface AuditRecord {
  id: number;
  at: number;
  user_id: number | null;
  username: string | null;
  display_name: string | null;
  action: string;
  target: string;
  detail: string | null;
}

/** An audit entry as the API returns it: the row, with its time in ISO 8601 and the names it mentions. */
export interface AuditEntry {
  id: number;
  at: string;
  username: string | null;
  userName: string | null;
  action: string;
  target: string;
  /** what the action recorded, as it recorded it (JSON) */
  detail: unknown;
  targetName: string | null;
  names: Record<string, string>;
}

/** The newest `limit` entries that `visible` admits (all when it is absent), with the names of what they mention. */
export function listAudit(
  db: Db,
  limit = 200,
  visible?: (e: { action: string; target: string; userId: number | null }) => boolean,
): AuditEntry[] {
  const out: AuditEntry[] = [];
  const name = auditNamer(db);
  const rows = db.prepare(
    'SELECT a.id, a.at, a.user_id, u.username, u.display_name, a.action, a.target, a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC',
  );
  for (const r of rows.iterate() as Iterable<AuditRecord>) {
    if (out.length >= limit) break;
    if (visible && !visible({ action: r.action, target: r.target, userId: r.user_id })) continue;
    const { user_id: _, display_name, ...entry } = r;
    const detail: unknown = r.detail ? JSON.parse(r.detail) : null;
    out.push({
      ...entry,
      at: new Date(r.at).toISOString(),
      userName: display_name || r.username || null,
      detail,
      targetName: name.target(r.action, r.target, detail),
      names: name.inDetail(detail),
    });
  }
  return out;
}

/**
 * Names for the ids an audit entry mentions, so the log reads "Lãnh đạo phường Hạ Đình approved «Bản
 * tin sáng»" rather than ids: broadcast titles, device, area, media and user names. Something since
 * removed keeps the name its entry recorded, if any.
 */
/** A detail's fields, or none when it is not an object. */
const asObject = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function auditNamer(db: Db) {
  const q = {
    broadcast: db.prepare('SELECT title AS n FROM broadcasts WHERE id = ?'),
    device: db.prepare('SELECT name AS n FROM devices WHERE id = ?'),
    area: db.prepare('SELECT name AS n FROM areas WHERE path = ?'),
    media: db.prepare('SELECT original_name AS n FROM media WHERE id = ?'),
    user: db.prepare("SELECT COALESCE(NULLIF(display_name, ''), username) AS n FROM users WHERE username = ?"),
  };
  const cache = new Map<string, string | null>();
  const lookup = (kind: keyof typeof q, id: unknown): string | null => {
    if (typeof id !== 'string' && typeof id !== 'number') return null;
    const key = `${kind}|${id}`;
    if (!cache.has(key)) cache.set(key, (q[kind].get(String(id)) as { n: string } | undefined)?.n ?? null);
    return cache.get(key)!;
  };
  /** The kind of object an action's target is, by the action's first word. */
  const kindOf = (action: string): keyof typeof q | null => {
    const head = action.split('.')[0];
    if (head === 'broadcast') return 'broadcast';
    if (head === 'device') return 'device';
    if (head === 'area' || head === 'quiet-hours') return 'area';
    if (head === 'media') return 'media';
    if (action === 'user.create' || action === 'auth.login') return 'user';
    return null;
  };
  return {
    target(action: string, target: string, detail: unknown): string | null {
      const kind = kindOf(action);
      const d = asObject(detail);
      return (
        (kind && lookup(kind, target)) ??
        (typeof d.title === 'string' ? d.title : typeof d.name === 'string' ? d.name : null)
      );
    },
    inDetail(detail: unknown): Record<string, string> {
      const names: Record<string, string> = {};
      if (!detail || typeof detail !== 'object') return names;
      const d = asObject(detail);
      const targets = asObject(d.targets);
      const add = (kind: keyof typeof q, ids: unknown) => {
        for (const id of Array.isArray(ids) ? ids : [ids]) {
          const n = lookup(kind, id);
          if (n !== null) names[String(id)] = n;
        }
      };
      add('broadcast', d.conflictsWith);
      add('broadcast', d.replaces);
      add('broadcast', d.by);
      add('device', d.devices);
      add('device', targets.devices);
      add('area', targets.areas);
      add('area', d.scope);
      add('area', d.areas);
      return names;
    },
  };
}
