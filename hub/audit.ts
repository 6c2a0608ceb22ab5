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

/** The newest `limit` entries that `visible` admits (all when it is absent). */
export function listAudit(db: Db, limit = 200, visible?: (e: { action: string; target: string; userId: number | null }) => boolean) {
  const out: any[] = [];
  const rows = db.prepare('SELECT a.id, a.at, a.user_id, u.username, a.action, a.target, a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC');
  for (const r of rows.iterate() as Iterable<any>) {
    if (out.length >= limit) break;
    if (visible && !visible({ action: r.action, target: r.target, userId: r.user_id })) continue;
    const { user_id: _, ...entry } = r;
    out.push({ ...entry, at: new Date(r.at).toISOString(), detail: r.detail ? JSON.parse(r.detail) : null });
  }
  return out;
}
