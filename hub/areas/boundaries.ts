// Area outlines for the map: a GeoJSON Polygon or MultiPolygon (RFC 7946: WGS84, [longitude,
// latitude]) kept on the area with a note of where it came from, so an approximate outline is never
// mistaken for an official one. Imports are all or nothing: every matched outline is checked
// before anything is written, and the writes share one transaction.
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { getAreaByPath, withinScope } from './areas.ts';

/** Enough for a detailed ward outline; more is a sign the file needs simplifying (e.g. mapshaper). */
export const MAX_BOUNDARY_POSITIONS = 20_000;
export const MAX_IMPORT_FEATURES = 5_000;
export const MAX_SOURCE_LENGTH = 300;

export type Position = [number, number];
export type BoundaryGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface BoundaryFeature {
  type: 'Feature';
  id: string;
  properties: { path: string; name: string; level: string; source: string | null };
  geometry: BoundaryGeometry;
}
export interface BoundaryCollection {
  type: 'FeatureCollection';
  features: BoundaryFeature[];
}

/** Bad input: the message names the problem. */
export class BoundaryError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
/** A matched area lies outside what the caller may change. */
export class BoundaryScopeError extends BoundaryError {}

// Structure first (zod), then the rules a map needs, with messages that name the ring.
const PositionSchema = z.array(z.number()).min(2, 'a position needs a longitude and a latitude').max(3, 'a position has at most 3 numbers: longitude, latitude, altitude');
const RingSchema = z.array(PositionSchema);
const PolygonCoords = z.array(RingSchema).min(1, 'a polygon needs at least one ring');

const where = (multi: boolean, p: number, r: number) => (multi ? `ring ${r} of polygon ${p}` : `ring ${r}`);

function checkRings(polygons: number[][][][], multi: boolean, ctx: z.RefinementCtx): void {
  const total = polygons.reduce((s, poly) => s + poly.reduce((t, ring) => t + ring.length, 0), 0);
  if (total > MAX_BOUNDARY_POSITIONS) {
    ctx.addIssue({ code: 'custom', message: `the outline has ${total} positions; at most ${MAX_BOUNDARY_POSITIONS} are allowed (simplify it first, e.g. with mapshaper)` });
    return;
  }
  for (let p = 0; p < polygons.length; p++) {
    for (let r = 0; r < polygons[p].length; r++) {
      const ring = polygons[p][r];
      const at = where(multi, p, r);
      const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
      for (let i = 0; i < ring.length; i++) {
        const [lon, lat] = ring[i];
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
          const swapped = Math.abs(lon) <= 90 && Math.abs(lat) <= 180 ? ' (are longitude and latitude swapped? GeoJSON is [longitude, latitude])' : '';
          const bad = lon < -180 || lon > 180 ? `longitude ${lon} is outside -180..180` : `latitude ${lat} is outside -90..90`;
          return fail(`position ${i} of ${at}: ${bad}${swapped}`);
        }
      }
      if (ring.length < 4) return fail(`${at} has ${ring.length} positions; a closed ring needs at least 4 (the last repeating the first)`);
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) return fail(`${at} is not closed: its last position [${b[0]}, ${b[1]}] differs from its first [${a[0]}, ${a[1]}]`);
      if (ringArea(ring) === 0) return fail(`${at} has no area (its positions repeat or lie on a line)`);
    }
  }
}

export const BoundaryGeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: PolygonCoords }).superRefine((g, ctx) => checkRings([g.coordinates], false, ctx)),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(PolygonCoords).min(1, 'a MultiPolygon needs at least one polygon') }).superRefine((g, ctx) => checkRings(g.coordinates, true, ctx)),
]);

/** Shoelace area in squared degrees (sign = winding); only its being zero matters here. */
function ringArea(ring: number[][]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

/** zod's path ["coordinates", 1, 0, 5] read as "position 5 of ring 0 of polygon 1". */
function describeIssues(err: z.ZodError, multi: boolean): string {
  return err.issues
    .slice(0, 3)
    .map((i) => {
      const [, ...idx] = i.path as (string | number)[];
      if (i.path[0] !== 'coordinates' || idx.length === 0) return i.message;
      const names = multi ? ['polygon', 'ring', 'position', 'number'] : ['ring', 'position', 'number'];
      const place = idx.map((n, k) => `${names[k]} ${n}`).reverse().join(' of ');
      return `${place}: ${i.message}`;
    })
    .join('; ');
}

/**
 * Checks an outline and returns it normalised: a Feature is unwrapped, altitudes dropped and
 * coordinates rounded to 7 decimals (about 1 cm), which keeps rings closed.
 */
export function parseBoundary(input: unknown): BoundaryGeometry {
  let g = input as any;
  if (g && typeof g === 'object' && g.type === 'Feature') g = g.geometry;
  if (!g || typeof g !== 'object' || Array.isArray(g)) throw new BoundaryError('the outline must be a GeoJSON Polygon or MultiPolygon geometry (or a Feature holding one)');
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    const what = typeof g.type === 'string' ? `"${g.type}"` : 'missing';
    throw new BoundaryError(`geometry type is ${what}; an outline must be a Polygon or MultiPolygon`);
  }
  const r = BoundaryGeometrySchema.safeParse(g);
  if (!r.success) throw new BoundaryError(describeIssues(r.error, g.type === 'MultiPolygon'));
  const round = (ring: number[][]): Position[] => ring.map(([lon, lat]) => [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]);
  return r.data.type === 'Polygon'
    ? { type: 'Polygon', coordinates: r.data.coordinates.map(round) }
    : { type: 'MultiPolygon', coordinates: r.data.coordinates.map((p) => p.map(round)) };
}

export function countPositions(g: BoundaryGeometry): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.reduce((s, p) => s + p.reduce((t, ring) => t + ring.length, 0), 0);
}

function checkSource(source: unknown, what: string): string {
  if (typeof source !== 'string' || source.trim() === '') throw new BoundaryError(`${what} has no source; say where the outline comes from (e.g. "Sở TN&MT Hà Nội 2024" or "approximate: …")`);
  if (source.length > MAX_SOURCE_LENGTH) throw new BoundaryError(`${what}: the source is longer than ${MAX_SOURCE_LENGTH} characters`);
  return source.trim();
}

/** Stores (or with `geometry` null, clears) an area's outline. */
export function setBoundary(db: Db, path: string, geometry: unknown, source?: string | null): { path: string; positions: number } {
  const area = getAreaByPath(db, path);
  if (!area) throw new BoundaryError(`area "${path}" does not exist`);
  if (geometry === null) {
    db.prepare('UPDATE areas SET boundary = NULL, boundary_source = NULL WHERE id = ?').run(area.id);
    return { path, positions: 0 };
  }
  const g = parseBoundary(geometry);
  const src = checkSource(source, `the outline of "${path}"`);
  db.prepare('UPDATE areas SET boundary = ?, boundary_source = ? WHERE id = ?').run(JSON.stringify(g), src, area.id);
  return { path, positions: countPositions(g) };
}

export function getBoundary(db: Db, path: string): { geometry: BoundaryGeometry; source: string | null } | undefined {
  const r = db.prepare('SELECT boundary, boundary_source FROM areas WHERE path = ? AND boundary IS NOT NULL').get(path) as any;
  return r ? { geometry: JSON.parse(r.boundary), source: r.boundary_source } : undefined;
}

/**
 * Outlines a user may see on the map: areas in their scope and the areas above it (a ward
 * official sees their ward inside the district). A null scope sees everything.
 */
export function listBoundaries(db: Db, scope: string | null): BoundaryCollection {
  const rows = db.prepare('SELECT path, name, level, boundary, boundary_source FROM areas WHERE boundary IS NOT NULL ORDER BY path').all() as any[];
  return {
    type: 'FeatureCollection',
    features: rows
      .filter((r) => withinScope(scope, r.path) || (scope !== null && withinScope(r.path, scope)))
      .map((r) => ({ type: 'Feature', id: r.path, properties: { path: r.path, name: r.name, level: r.level, source: r.boundary_source }, geometry: JSON.parse(r.boundary) })),
  };
}

export type MatchBy = 'path' | 'slug' | 'name';

export interface ImportOptions {
  /** How a feature names its area: a full path, or a slug or a name among the children of `parentPath`. */
  matchBy?: MatchBy;
  /** The feature property holding that key; defaults to the `matchBy` word. */
  property?: string;
  parentPath?: string | null;
  /** Applies to every feature; a feature's own `properties.source` wins. */
  source?: string | null;
  /** Check and report without storing. */
  dryRun?: boolean;
  /** May the caller change this area's outline? Any refusal stops the whole import. */
  canEdit?: (path: string) => boolean;
}

export interface ImportReport {
  dryRun: boolean;
  stored: number;
  matched: Array<{ feature: number; key: string; path: string; name: string; positions: number }>;
  unmatched: Array<{ feature: number; key: string | null; reason: string }>;
  /** Children of `parentPath` that no feature gave an outline to. */
  notInFile: string[];
}

/** "Phường Hạ Đình", "P. Hạ Đình" and "hạ  đình" are the same ward; diacritics still count. */
export function normaliseAreaName(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/^\s*(phường|p\.|xã|thị trấn|tt\.|quận|q\.|huyện|thị xã|thành phố|tp\.|tỉnh)\s*/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const featureList = (input: any): any[] => {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw new BoundaryError('expected a GeoJSON FeatureCollection or Feature');
  if (input.type === 'Feature') return [input];
  if (input.type !== 'FeatureCollection') {
    const hint = input.type === 'Polygon' || input.type === 'MultiPolygon' ? '; to set one area\'s outline from a bare geometry use PUT /api/v1/areas/boundary' : '';
    throw new BoundaryError(`expected a GeoJSON FeatureCollection or Feature, got type ${JSON.stringify(input.type ?? null)}${hint}`);
  }
  if (!Array.isArray(input.features)) throw new BoundaryError('the FeatureCollection has no "features" array');
  if (input.features.length === 0) throw new BoundaryError('the FeatureCollection has no features');
  if (input.features.length > MAX_IMPORT_FEATURES) throw new BoundaryError(`the FeatureCollection has ${input.features.length} features; at most ${MAX_IMPORT_FEATURES} per import`);
  return input.features;
};

/**
 * Imports outlines from a FeatureCollection (or one Feature), matching each feature to an area.
 * Features that match no area are reported and skipped (a city-wide file may hold other
 * districts); anything wrong with a matched one stops the import with nothing stored.
 */
export function importBoundaries(db: Db, input: unknown, opts: ImportOptions = {}): ImportReport {
  const features = featureList(input);
  const matchBy: MatchBy = opts.matchBy ?? (opts.parentPath ? 'slug' : 'path');
  const prop = opts.property ?? matchBy;
  let children: Array<{ path: string; name: string }> = [];
  if (matchBy !== 'path') {
    if (!opts.parentPath) throw new BoundaryError(`matching by ${matchBy} needs the parent area's path (parent=…)`);
    const parent = getAreaByPath(db, opts.parentPath);
    if (!parent) throw new BoundaryError(`parent area "${opts.parentPath}" does not exist`);
    children = db.prepare('SELECT path, name FROM areas WHERE parent_id = ? ORDER BY path').all(parent.id) as any[];
  }
  const report: ImportReport = { dryRun: !!opts.dryRun, stored: 0, matched: [], unmatched: [], notInFile: [] };
  const writes: Array<{ path: string; geometry: BoundaryGeometry; source: string }> = [];
  const claimedBy = new Map<string, number>();

  features.forEach((f: any, i: number) => {
    if (!f || typeof f !== 'object' || f.type !== 'Feature') throw new BoundaryError(`feature ${i} is not a GeoJSON Feature`);
    const raw = f.properties?.[prop];
    const key = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : null;
    if (!key) return report.unmatched.push({ feature: i, key: null, reason: `no "${prop}" property` });
    let area: { path: string; name: string } | undefined;
    if (matchBy === 'path') area = getAreaByPath(db, key);
    else if (matchBy === 'slug') area = children.find((c) => c.path === `${opts.parentPath}/${key}`);
    else {
      const hits = children.filter((c) => normaliseAreaName(c.name) === normaliseAreaName(key));
      if (hits.length > 1) return report.unmatched.push({ feature: i, key, reason: `the name matches ${hits.map((h) => h.path).join(' and ')}` });
      area = hits[0];
    }
    if (!area) return report.unmatched.push({ feature: i, key, reason: matchBy === 'path' ? 'no such area' : `no area with that ${matchBy} under ${opts.parentPath}` });
    const what = `feature ${i} ("${key}" → ${area.path})`;
    const earlier = claimedBy.get(area.path);
    if (earlier !== undefined) throw new BoundaryError(`features ${earlier} and ${i} both match ${area.path}`);
    claimedBy.set(area.path, i);
    if (opts.canEdit && !opts.canEdit(area.path)) throw new BoundaryScopeError(`${what}: area "${area.path}" is outside your area`);
    let geometry: BoundaryGeometry;
    try {
      geometry = parseBoundary(f.geometry);
    } catch (e) {
      throw new BoundaryError(`${what}: ${(e as Error).message}`);
    }
    const source = checkSource(f.properties?.source ?? opts.source, what);
    writes.push({ path: area.path, geometry, source });
    report.matched.push({ feature: i, key, path: area.path, name: area.name, positions: countPositions(geometry) });
  });

  report.notInFile = children.filter((c) => !claimedBy.has(c.path)).map((c) => c.path);
  if (writes.length === 0) {
    throw new BoundaryError(`no feature matched an area (matching "${prop}" by ${matchBy}${opts.parentPath ? ` under ${opts.parentPath}` : ''})`, { matched: [], unmatched: report.unmatched.slice(0, 50) });
  }
  if (!opts.dryRun) {
    const update = db.prepare('UPDATE areas SET boundary = ?, boundary_source = ? WHERE path = ?');
    db.transaction(() => {
      for (const w of writes) update.run(JSON.stringify(w.geometry), w.source, w.path);
    })();
    report.stored = writes.length;
  }
  return report;
}

/** Whether any area at or below `path` has an outline. */
export function hasBoundaryUnder(db: Db, path: string): boolean {
  return !!db.prepare("SELECT 1 FROM areas WHERE (path = ? OR path LIKE ? || '/%') AND boundary IS NOT NULL LIMIT 1").get(path, path);
}

/** Even-odd point in polygon (holes excluded); a point exactly on an edge may go either way. */
export function containsPoint(g: BoundaryGeometry, longitude: number, latitude: number): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.some((rings) => {
    let inside = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i];
        const [xj, yj] = ring[j];
        if (yi > latitude !== yj > latitude && longitude < ((xj - xi) * (latitude - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  });
}
