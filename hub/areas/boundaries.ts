// Area outlines for the map: a GeoJSON Polygon or MultiPolygon (RFC 7946: WGS84, [longitude,
// latitude]) kept on the area with a note of where it came from, so an approximate outline is never
// mistaken for an official one. Imports are all or nothing: every matched outline is checked
// before anything is written, and the writes share one transaction.
import { z } from 'zod';
import { ringArea } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { getAreaByPath, withinScope } from './areas.ts';
import {
  isMessage,
  LocalizedError,
  msg,
  zodMessage,
  zodMessageVi,
  type Message,
  type OutlinePlace,
  type OutlineSubject,
  type Text,
} from '../text/index.ts';
import { issueVi } from '../zod-vi.ts';

/** Enough for a detailed ward outline; more is a sign the file needs simplifying (e.g. mapshaper). */
export const MAX_BOUNDARY_POSITIONS = 20_000;
export const MAX_IMPORT_FEATURES = 5_000;
export const MAX_SOURCE_LENGTH = 300;

export type Position = [number, number];
export type BoundaryGeometry =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

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

/** Bad input: the message names the problem (a catalogue message: English and Vietnamese). */
export class BoundaryError extends LocalizedError {
  constructor(
    message: Text,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
/** A matched area lies outside what the caller may change. */
export class BoundaryScopeError extends BoundaryError {}

// Structure first (zod), then the rules a map needs, with messages that name the ring. Every
// message is a catalogue entry (hub/text/): the place ("ring 0 of polygon 1") is data that
// both languages render.
const PositionSchema = z
  .array(z.number())
  .min(2, zodMessage('boundary.position-needs-lon-lat'))
  .max(3, zodMessage('boundary.position-too-many-numbers'));
const RingSchema = z.array(PositionSchema);
const PolygonCoords = z.array(RingSchema).min(1, zodMessage('boundary.polygon-needs-ring'));

/** A custom zod issue carrying its catalogue message (read back by problemsOf). */
const issue = (m: Message) => ({ code: 'custom' as const, message: m.en, params: { code: m.code, vi: m.vi, msg: m } });

function checkRings(polygons: number[][][][], multi: boolean, ctx: z.RefinementCtx): void {
  // zod runs this refinement after a position's length check failed too: that issue says enough.
  if (polygons.some((poly) => poly.some((ring) => ring.some((p) => p.length < 2 || p.length > 3)))) return;
  const total = polygons.reduce((s, poly) => s + poly.reduce((t, ring) => t + ring.length, 0), 0);
  if (total > MAX_BOUNDARY_POSITIONS) {
    ctx.addIssue(issue(msg('boundary.too-many-positions', { count: total, max: MAX_BOUNDARY_POSITIONS })));
    return;
  }
  for (let p = 0; p < polygons.length; p++) {
    for (let r = 0; r < polygons[p].length; r++) {
      const ring = polygons[p][r];
      const at: OutlinePlace = multi ? { ring: r, polygon: p } : { ring: r };
      const fail = (m: Message) => ctx.addIssue(issue(m));
      for (let i = 0; i < ring.length; i++) {
        const [lon, lat] = ring[i];
        if (lon < -180 || lon > 180 || lat < -90 || lat > 90) {
          const swapped = Math.abs(lon) <= 90 && Math.abs(lat) <= 180;
          const where = { ...at, position: i };
          fail(
            lon < -180 || lon > 180
              ? msg('boundary.longitude-out-of-range', { at: where, value: lon, swapped })
              : msg('boundary.latitude-out-of-range', { at: where, value: lat, swapped }),
          );
          return;
        }
      }
      if (ring.length < 4) {
        fail(msg('boundary.ring-too-short', { at, count: ring.length }));
        return;
      }
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) {
        fail(msg('boundary.ring-not-closed', { at, first: a, last: b }));
        return;
      }
      if (ringArea(ring) === 0) {
        fail(msg('boundary.ring-no-area', { at }));
        return;
      }
    }
  }
}

export const BoundaryGeometrySchema = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('Polygon'), coordinates: PolygonCoords })
    .superRefine((g, ctx) => checkRings([g.coordinates], false, ctx)),
  z
    .object({
      type: z.literal('MultiPolygon'),
      coordinates: z.array(PolygonCoords).min(1, zodMessage('boundary.multipolygon-needs-polygon')),
    })
    .superRefine((g, ctx) => checkRings(g.coordinates, true, ctx)),
]);

/**
 * The first issues as catalogue messages; zod's path ["coordinates", 1, 0, 5] becomes the place
 * "position 5 of ring 0 of polygon 1" (vòng, đa giác… in Vietnamese).
 */
function problemsOf(err: z.ZodError, multi: boolean): Message[] {
  return err.issues.slice(0, 3).map((i) => {
    const carried = 'params' in i ? i.params?.msg : undefined;
    if (isMessage(carried)) return carried; // checkRings: the place is in the message already
    const own = zodMessageVi(i.message);
    const problem = own ?? { en: i.message, vi: issueVi(i) };
    const [, ...idx] = i.path as (string | number)[];
    if (i.path[0] !== 'coordinates' || idx.length === 0) return own ?? msg('boundary.problem-at', { at: {}, problem });
    const names = (
      multi ? ['polygon', 'ring', 'position', 'number'] : ['ring', 'position', 'number']
    ) as (keyof OutlinePlace)[];
    const at: OutlinePlace = {};
    for (const [k, n] of idx.entries()) at[names[k]] = Number(n);
    return msg('boundary.problem-at', { at, problem });
  });
}

/** An outline checked: normalised, or what is wrong with it (fragments; see boundary.invalid). */
/** A JSON object (not null, not an array): what a GeoJSON feature or geometry must be. */
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkOutline(input: unknown): { geometry: BoundaryGeometry } | { problems: Message[] } {
  let g = input;
  if (isObject(g) && g.type === 'Feature') g = g.geometry;
  if (!isObject(g)) return { problems: [msg('boundary.not-a-geometry')] };
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
    return { problems: [msg('boundary.wrong-geometry-type', { type: typeof g.type === 'string' ? g.type : null })] };
  }
  const r = BoundaryGeometrySchema.safeParse(g);
  if (!r.success) return { problems: problemsOf(r.error, g.type === 'MultiPolygon') };
  const round = (ring: number[][]): Position[] =>
    ring.map(([lon, lat]) => [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]);
  return {
    geometry:
      r.data.type === 'Polygon'
        ? { type: 'Polygon', coordinates: r.data.coordinates.map(round) }
        : { type: 'MultiPolygon', coordinates: r.data.coordinates.map((p) => p.map(round)) },
  };
}

/**
 * Checks an outline and returns it normalised: a Feature is unwrapped, altitudes dropped and
 * coordinates rounded to 7 decimals (about 1 cm), which keeps rings closed.
 */
export function parseBoundary(input: unknown): BoundaryGeometry {
  const r = checkOutline(input);
  if ('problems' in r) throw new BoundaryError(msg('boundary.invalid', { problems: r.problems }));
  return r.geometry;
}

export function countPositions(g: BoundaryGeometry): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.reduce((s, p) => s + p.reduce((t, ring) => t + ring.length, 0), 0);
}

function checkSource(source: unknown, subject: OutlineSubject): string {
  if (typeof source !== 'string' || source.trim() === '')
    throw new BoundaryError(msg('boundary.no-source', { subject }));
  if (source.length > MAX_SOURCE_LENGTH)
    throw new BoundaryError(msg('boundary.source-too-long', { subject, max: MAX_SOURCE_LENGTH }));
  return source.trim();
}

/** Stores (or with `geometry` null, clears) an area's outline. */
export function setBoundary(
  db: Db,
  path: string,
  geometry: unknown,
  source?: string | null,
): { path: string; positions: number } {
  const area = getAreaByPath(db, path);
  if (!area) throw new BoundaryError(msg('area.not-found', { path }));
  if (geometry === null) {
    db.prepare('UPDATE areas SET boundary = NULL, boundary_source = NULL WHERE id = ?').run(area.id);
    return { path, positions: 0 };
  }
  const g = parseBoundary(geometry);
  const src = checkSource(source, { area: path });
  db.prepare('UPDATE areas SET boundary = ?, boundary_source = ? WHERE id = ?').run(JSON.stringify(g), src, area.id);
  return { path, positions: countPositions(g) };
}

export function getBoundary(db: Db, path: string): { geometry: BoundaryGeometry; source: string | null } | undefined {
  const r = db
    .prepare('SELECT boundary, boundary_source FROM areas WHERE path = ? AND boundary IS NOT NULL')
    .get(path) as { boundary: string; boundary_source: string | null } | undefined;
  return r ? { geometry: JSON.parse(r.boundary), source: r.boundary_source } : undefined;
}

/**
 * Outlines a user may see on the map: areas in their scope and the areas above it (a ward
 * official sees their ward inside the district). A null scope sees everything.
 */
/** Areas beside one's own (same parent): a ward official sees where their ward sits among the others. */
const parentOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
const isNeighbour = (path: string, scope: string) => parentOf(scope) !== '' && parentOf(path) === parentOf(scope);

export function listBoundaries(db: Db, scope: string | null): BoundaryCollection {
  const rows = db
    .prepare('SELECT path, name, level, boundary, boundary_source FROM areas WHERE boundary IS NOT NULL ORDER BY path')
    .all() as { path: string; name: string; level: string; boundary: string; boundary_source: string | null }[];
  return {
    type: 'FeatureCollection',
    features: rows
      .filter(
        (r) =>
          withinScope(scope, r.path) || (scope !== null && (withinScope(r.path, scope) || isNeighbour(r.path, scope))),
      )
      .map((r) => ({
        type: 'Feature',
        id: r.path,
        properties: { path: r.path, name: r.name, level: r.level, source: r.boundary_source },
        geometry: JSON.parse(r.boundary),
      })),
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
  /** `reason` in English, `reasonVi` the same in Vietnamese (for people reading the report). */
  unmatched: Array<{ feature: number; key: string | null; reason: string; reasonVi: string }>;
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

const featureList = (input: unknown): unknown[] => {
  if (!isObject(input)) throw new BoundaryError(msg('boundary.import-not-collection', {}));
  if (input.type === 'Feature') return [input];
  if (input.type !== 'FeatureCollection') {
    const bareGeometry = input.type === 'Polygon' || input.type === 'MultiPolygon';
    throw new BoundaryError(
      msg('boundary.import-not-collection', { got: JSON.stringify(input.type ?? null), bareGeometry }),
    );
  }
  if (!Array.isArray(input.features)) throw new BoundaryError(msg('boundary.import-no-features-array'));
  if (input.features.length === 0) throw new BoundaryError(msg('boundary.import-empty'));
  if (input.features.length > MAX_IMPORT_FEATURES)
    throw new BoundaryError(
      msg('boundary.import-too-many-features', { count: input.features.length, max: MAX_IMPORT_FEATURES }),
    );
  return input.features;
};

/** An unmatched feature in the report, its reason in both languages. */
const unmatched = (feature: number, key: string | null, reason: Message) => ({
  feature,
  key,
  reason: reason.en,
  reasonVi: reason.vi,
});

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
    if (!opts.parentPath) throw new BoundaryError(msg('boundary.import-needs-parent', { matchBy }));
    const parent = getAreaByPath(db, opts.parentPath);
    if (!parent) throw new BoundaryError(msg('area.parent-not-found', { path: opts.parentPath }));
    children = db.prepare('SELECT path, name FROM areas WHERE parent_id = ? ORDER BY path').all(parent.id) as Array<{
      path: string;
      name: string;
    }>;
  }
  const report: ImportReport = { dryRun: !!opts.dryRun, stored: 0, matched: [], unmatched: [], notInFile: [] };
  const writes: Array<{ path: string; geometry: BoundaryGeometry; source: string }> = [];
  const claimedBy = new Map<string, number>();

  for (const [i, f] of features.entries()) {
    if (!isObject(f) || f.type !== 'Feature')
      throw new BoundaryError(msg('boundary.import-not-a-feature', { feature: i }));
    const properties = isObject(f.properties) ? f.properties : undefined;
    const raw = properties?.[prop];
    const key = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : null;
    if (!key) {
      report.unmatched.push(unmatched(i, null, msg('boundary.unmatched-no-property', { property: prop })));
      continue;
    }
    let area: { path: string; name: string } | undefined;
    if (matchBy === 'path') area = getAreaByPath(db, key);
    else if (matchBy === 'slug') area = children.find((c) => c.path === `${opts.parentPath}/${key}`);
    else {
      const hits = children.filter((c) => normaliseAreaName(c.name) === normaliseAreaName(key));
      if (hits.length > 1) {
        report.unmatched.push(
          unmatched(i, key, msg('boundary.unmatched-ambiguous-name', { paths: hits.map((h) => h.path) })),
        );
        continue;
      }
      area = hits[0];
    }
    if (!area) {
      const reason =
        matchBy === 'path'
          ? msg('boundary.unmatched-no-such-area')
          : msg('boundary.unmatched-not-under-parent', { matchBy, parent: opts.parentPath! });
      report.unmatched.push(unmatched(i, key, reason));
      continue;
    }
    const subject = { feature: i, key, path: area.path };
    const earlier = claimedBy.get(area.path);
    if (earlier !== undefined)
      throw new BoundaryError(msg('boundary.import-duplicate-match', { first: earlier, second: i, path: area.path }));
    claimedBy.set(area.path, i);
    if (opts.canEdit && !opts.canEdit(area.path))
      throw new BoundaryScopeError(msg('boundary.import-outside-scope', subject));
    const checked = checkOutline(f.geometry);
    if ('problems' in checked)
      throw new BoundaryError(msg('boundary.feature-invalid', { ...subject, problems: checked.problems }));
    const { geometry } = checked;
    const source = checkSource(properties?.source ?? opts.source, subject);
    writes.push({ path: area.path, geometry, source });
    report.matched.push({ feature: i, key, path: area.path, name: area.name, positions: countPositions(geometry) });
  }

  report.notInFile = children.filter((c) => !claimedBy.has(c.path)).map((c) => c.path);
  if (writes.length === 0) {
    throw new BoundaryError(
      msg('boundary.import-nothing-matched', { property: prop, matchBy, parent: opts.parentPath ?? null }),
      {
        matched: [],
        unmatched: report.unmatched.slice(0, 50),
      },
    );
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
  return !!db
    .prepare("SELECT 1 FROM areas WHERE (path = ? OR path LIKE ? || '/%') AND boundary IS NOT NULL LIMIT 1")
    .get(path, path);
}
