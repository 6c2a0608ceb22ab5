// Areas form a tree of any depth (province → district → ward → neighbourhood), addressed by a
// slug path such as "ha-noi/thanh-xuan/ha-dinh" that doubles as the MQTT area topic.
import { assertAreaPath, MAX_AREA_DEPTH, SLUG_PATTERN } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { LocalizedError, msg } from '../messages.ts';

export interface Area {
  id: number;
  parentId: number | null;
  path: string;
  name: string;
  level: string;
}

// Outlines (areas.boundary) can be large: read them only through boundaries.ts.
const COLS = 'id, parent_id, path, name, level';
const row = (r: any): Area => ({ id: r.id, parentId: r.parent_id, path: r.path, name: r.name, level: r.level });

export function listAreas(db: Db): Area[] {
  return (db.prepare(`SELECT ${COLS} FROM areas ORDER BY path`).all() as any[]).map(row);
}

export function getAreaByPath(db: Db, path: string): Area | undefined {
  const r = db.prepare(`SELECT ${COLS} FROM areas WHERE path = ?`).get(path);
  return r ? row(r) : undefined;
}

export function getArea(db: Db, id: number): Area | undefined {
  const r = db.prepare(`SELECT ${COLS} FROM areas WHERE id = ?`).get(id);
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
  input: { parentPath?: string | null; slug: string; name: string; level: string },
): Area {
  checkSlug(input.slug, 'area slug');
  const parent = input.parentPath ? getAreaByPath(db, input.parentPath) : undefined;
  if (input.parentPath && !parent) throw new LocalizedError(msg('area.parent-not-found', { path: input.parentPath }));
  const path = parent ? `${parent.path}/${input.slug}` : input.slug;
  if (path.split('/').length > MAX_AREA_DEPTH)
    throw new LocalizedError(msg('area.too-deep', { path, max: MAX_AREA_DEPTH }));
  assertAreaPath(path);
  if (getAreaByPath(db, path)) throw new LocalizedError(msg('area.exists', { path }));
  const info = db
    .prepare('INSERT INTO areas(parent_id, path, name, level) VALUES (?, ?, ?, ?)')
    .run(parent?.id ?? null, path, input.name, input.level);
  return getArea(db, Number(info.lastInsertRowid))!;
}

/** True if `path` is `scope` itself or lies below it; a null scope covers everything (one rule for hub and web). */
export { withinScope } from '../api-contract/roles.ts';

/** Ids of an area and all areas below it. */
export function subtreeIds(db: Db, path: string): number[] {
  return (db.prepare("SELECT id FROM areas WHERE path = ? OR path LIKE ? || '/%'").all(path, path) as any[]).map(
    (r) => r.id,
  );
}
