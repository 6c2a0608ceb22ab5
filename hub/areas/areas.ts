// Areas form a tree of any depth (province → district → ward → neighbourhood), addressed by a
// slug path such as "ha-noi/thanh-xuan/ha-dinh" that doubles as the MQTT area topic.
import { assertAreaPath, MAX_AREA_DEPTH, SLUG_PATTERN } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { LocalizedError, msg } from '../text/index.ts';

export interface Area {
  id: number;
  parentId: number | null;
  path: string;
  name: string;
  level: string;
  /** the administrative code (mã đơn vị hành chính), when set */
  code: string | null;
}

// Outlines (areas.boundary) can be large: read them only through boundaries.ts.
const COLS = 'id, parent_id, path, name, level, code';
interface AreaRecord {
  id: number;
  parent_id: number | null;
  path: string;
  name: string;
  level: string;
  code: string | null;
}
const row = (r: AreaRecord): Area => ({
  id: r.id,
  parentId: r.parent_id,
  path: r.path,
  name: r.name,
  level: r.level,
  code: r.code,
});

export function listAreas(db: Db): Area[] {
  return (db.prepare(`SELECT ${COLS} FROM areas ORDER BY path`).all() as AreaRecord[]).map(row);
}

export function getAreaByPath(db: Db, path: string): Area | undefined {
  const r = db.prepare(`SELECT ${COLS} FROM areas WHERE path = ?`).get(path) as AreaRecord | undefined;
  return r ? row(r) : undefined;
}

export function getArea(db: Db, id: number): Area | undefined {
  const r = db.prepare(`SELECT ${COLS} FROM areas WHERE id = ?`).get(id) as AreaRecord | undefined;
  return r ? row(r) : undefined;
}

/**
 * Checks a slug or device id from a request by protocol's rule (the one assertSlug applies to
 * topics), refusing it in both languages: protocol/ has English only.
 */
export function checkSlug(value: string, what: 'area slug' | 'device id'): string {
  if (!SLUG_PATTERN.test(value)) throw new LocalizedError(msg('slug.invalid', { what, value }));
  return value;
}

export function createArea(
  db: Db,
  input: { parentPath?: string | null; slug: string; name: string; level: string; code?: string | null },
): Area {
  checkSlug(input.slug, 'area slug');
  const parent = input.parentPath ? getAreaByPath(db, input.parentPath) : undefined;
  if (input.parentPath && !parent) throw new LocalizedError(msg('area.parent-not-found', { path: input.parentPath }));
  const path = parent ? `${parent.path}/${input.slug}` : input.slug;
  if (path.split('/').length > MAX_AREA_DEPTH)
    throw new LocalizedError(msg('area.too-deep', { path, max: MAX_AREA_DEPTH }));
  assertAreaPath(path);
  if (getAreaByPath(db, path)) throw new LocalizedError(msg('area.exists', { path }));
  const code = input.code ? checkAreaCode(db, input.code, null) : null;
  const info = db
    .prepare('INSERT INTO areas(parent_id, path, name, level, code) VALUES (?, ?, ?, ?, ?)')
    .run(parent?.id ?? null, path, input.name, input.level, code);
  return getArea(db, Number(info.lastInsertRowid))!;
}

/** An administrative code: 2 (province), 3 (district) or 5 (ward, commune) digits, held by one area. */
const AREA_CODE = /^(\d{2}|\d{3}|\d{5})$/;

function checkAreaCode(db: Db, code: string, self: string | null): string {
  const c = code.trim();
  if (!AREA_CODE.test(c)) throw new LocalizedError(msg('area.code-invalid', { code }));
  const other = db.prepare('SELECT path FROM areas WHERE code = ?').get(c) as { path: string } | undefined;
  if (other && other.path !== self) throw new LocalizedError(msg('area.code-taken', { code: c, path: other.path }));
  return c;
}

/** Sets (or, with null, clears) an area's administrative code. */
export function setAreaCode(db: Db, path: string, code: string | null): Area {
  const a = getAreaByPath(db, path);
  if (!a) throw new LocalizedError(msg('area.not-found', { path }));
  const c = code === null || code.trim() === '' ? null : checkAreaCode(db, code, path);
  db.prepare('UPDATE areas SET code = ? WHERE id = ?').run(c, a.id);
  return getArea(db, a.id)!;
}

/** The area holding an administrative code. */
export function getAreaByCode(db: Db, code: string): Area | undefined {
  const r = db.prepare(`SELECT ${COLS} FROM areas WHERE code = ?`).get(code.trim()) as AreaRecord | undefined;
  return r ? row(r) : undefined;
}

// The scope test is protocol's, shared with the dispatcher and the web UI.
export { withinScope } from '../../protocol/index.ts';
