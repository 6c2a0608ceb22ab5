// Users, their roles and the areas they may act on; login sessions and API tokens.
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { hashPassword, randomSecret, verifyPassword } from './passwords.ts';
import { getArea, getAreaByPath } from '../areas/areas.ts';
import { LocalizedError, msg } from '../messages.ts';

import { ROLES, type Role } from '../api-contract/roles.ts';

export { ROLES, type Role };

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  /** Area path the user may act on (and below); null for admins: everything. */
  scope: string | null;
}

const SESSION_MS = 12 * 3600_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function toUser(db: Db, r: any): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    scope: r.area_id ? getArea(db, r.area_id)!.path : null,
  };
}

export async function createUser(
  db: Db,
  input: { username: string; displayName?: string; password: string; role: Role; areaPath?: string | null },
): Promise<User> {
  if (!/^[a-z0-9._-]{3,40}$/.test(input.username)) throw new LocalizedError(msg('user.bad-username'));
  if (input.password.length < 8) throw new LocalizedError(msg('user.password-too-short'));
  if (!ROLES.includes(input.role)) throw new LocalizedError(msg('user.bad-role', { roles: [...ROLES] }));
  if (input.role !== 'admin' && !input.areaPath) throw new LocalizedError(msg('user.needs-area', { role: input.role }));
  const area = input.areaPath ? getAreaByPath(db, input.areaPath) : undefined;
  if (input.areaPath && !area) throw new LocalizedError(msg('area.not-found', { path: input.areaPath }));
  if (db.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username))
    throw new LocalizedError(msg('user.exists', { username: input.username }));
  const hash = await hashPassword(input.password);
  const info = db
    .prepare(
      'INSERT INTO users(username, display_name, password_hash, role, area_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(input.username, input.displayName ?? input.username, hash, input.role, area?.id ?? null, Date.now());
  return getUser(db, Number(info.lastInsertRowid))!;
}

export function getUser(db: Db, id: number): User | undefined {
  const r = db.prepare('SELECT * FROM users WHERE id = ?').get(id);
  return r ? toUser(db, r) : undefined;
}

export function listUsers(db: Db): User[] {
  return (db.prepare('SELECT * FROM users ORDER BY username').all() as any[]).map((r) => toUser(db, r));
}

export async function setPassword(db: Db, username: string, password: string): Promise<void> {
  if (password.length < 8) throw new LocalizedError(msg('user.password-too-short'));
  db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(await hashPassword(password), username);
}

export async function login(db: Db, username: string, password: string): Promise<{ token: string; user: User } | null> {
  const r = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as any;
  // Hash even for unknown users so timing does not reveal which usernames exist.
  const ok = await verifyPassword(password, r?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA');
  if (!r || !ok) return null;
  return { token: issueToken(db, r.id, 'session', '', Date.now() + SESSION_MS), user: toUser(db, r) };
}

export function issueToken(
  db: Db,
  userId: number,
  kind: 'session' | 'api',
  name: string,
  expiresAt: number | null,
): string {
  const token = `wc_${randomSecret(24)}`;
  db.prepare(
    'INSERT INTO tokens(user_id, token_hash, kind, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(userId, sha(token), kind, name, Date.now(), expiresAt);
  return token;
}

export function userForToken(db: Db, token: string): User | undefined {
  const r = db.prepare('SELECT user_id, expires_at FROM tokens WHERE token_hash = ?').get(sha(token)) as any;
  if (!r || (r.expires_at !== null && r.expires_at < Date.now())) return undefined;
  return getUser(db, r.user_id);
}

export function revokeToken(db: Db, token: string): void {
  db.prepare('DELETE FROM tokens WHERE token_hash = ?').run(sha(token));
}
