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

export function listAudit(db: Db, limit = 200) {
  return (
    db
      .prepare(
        'SELECT a.id, a.at, u.username, a.action, a.target, a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT ?',
      )
      .all(limit) as any[]
  ).map((r) => ({ ...r, at: new Date(r.at).toISOString(), detail: r.detail ? JSON.parse(r.detail) : null }));
}
