// Users, their roles and the areas they may act on; login sessions and API tokens.
import { createHash } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { hashPassword, randomSecret, verifyPassword } from './passwords.ts';
import { getArea, getAreaByPath } from '../areas/areas.ts';
import { LocalizedError, msg } from '../text/index.ts';

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

interface UserRecord {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  area_id: number | null;
}

function toUser(db: Db, r: UserRecord): User {
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
  const r = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRecord | undefined;
  return r ? toUser(db, r) : undefined;
}

export function listUsers(db: Db): User[] {
  return (db.prepare('SELECT * FROM users ORDER BY username').all() as UserRecord[]).map((r) => toUser(db, r));
}

export async function setPassword(db: Db, username: string, password: string): Promise<void> {
  if (password.length < 8) throw new LocalizedError(msg('user.password-too-short'));
  db.prepare('UPDATE users SET password_hash = ? WHERE username = ?').run(await hashPassword(password), username);
}

/** `now`: the hub's clock; the session lasts SESSION_MS from it. */
export async function login(
  db: Db,
  username: string,
  password: string,
  now: number,
): Promise<{ token: string; user: User } | null> {
  const r = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRecord | undefined;
  // Hash even for unknown users so timing does not reveal which usernames exist.
  const ok = await verifyPassword(password, r?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA');
  if (!r || !ok) return null;
  return { token: issueToken(db, r.id, 'session', '', now + SESSION_MS, now), user: toUser(db, r) };
}

export function issueToken(
  db: Db,
  userId: number,
  kind: 'session' | 'api',
  name: string,
  expiresAt: number | null,
  now: number,
): string {
  const token = `wc_${randomSecret(24)}`;
  db.prepare(
    'INSERT INTO tokens(user_id, token_hash, kind, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(userId, sha(token), kind, name, now, expiresAt);
  return token;
}

/** The token's user, unless the token is unknown or expired at `now`. */
export function userForToken(db: Db, token: string, now: number): User | undefined {
  const r = db.prepare('SELECT user_id, expires_at FROM tokens WHERE token_hash = ?').get(sha(token)) as
    | { user_id: number; expires_at: number | null }
    | undefined;
  if (!r || (r.expires_at !== null && r.expires_at < now)) return undefined;
  return getUser(db, r.user_id);
}

export function revokeToken(db: Db, token: string): void {
  db.prepare('DELETE FROM tokens WHERE token_hash = ?').run(sha(token));
}
