// Areas form a tree of any depth (province → district → ward → neighbourhood), addressed by a
// slug path such as "ha-noi/thanh-xuan/ha-dinh" that doubles as the MQTT area topic.
import { assertAreaPath, assertSlug } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';

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

export function createArea(db: Db, input: { parentPath?: string | null; slug: string; name: string; level: string }): Area {
  assertSlug(input.slug, 'area slug');
  const parent = input.parentPath ? getAreaByPath(db, input.parentPath) : undefined;
  if (input.parentPath && !parent) throw new Error(`parent area "${input.parentPath}" does not exist`);
  const path = assertAreaPath(parent ? `${parent.path}/${input.slug}` : input.slug);
  if (getAreaByPath(db, path)) throw new Error(`area "${path}" already exists`);
  const info = db
    .prepare('INSERT INTO areas(parent_id, path, name, level) VALUES (?, ?, ?, ?)')
    .run(parent?.id ?? null, path, input.name, input.level);
  return getArea(db, Number(info.lastInsertRowid))!;
}

/** True if `path` is `scope` itself or lies below it. A null scope covers everything. */
export function withinScope(scope: string | null, path: string): boolean {
  return scope === null || path === scope || path.startsWith(scope + '/');
}

/** Ids of an area and all areas below it. */
export function subtreeIds(db: Db, path: string): number[] {
  return (db.prepare("SELECT id FROM areas WHERE path = ? OR path LIKE ? || '/%'").all(path, path) as any[]).map((r) => r.id);
}
