// Area outlines on the fleet map: GeoJSON rings ([longitude, latitude]) projected to SVG path
// data, a point inside each outline for its name, the points the map's bounds must include, and
// which outlines to label and highlight. Pure, so it is unit-tested without a browser.
import { withinScope } from '../../protocol/area-scope.ts';
import { pointInPolygon, pointInPolygons, ringArea } from '../../protocol/geo.ts';
import type { BoundaryFeature } from '../../hub/api-contract/areas.ts';

export type Position = [number, number];
/** A Polygon or MultiPolygon as GET /api/v1/areas/boundaries gives it. */
export type OutlineGeometry = BoundaryFeature['geometry'];
/** What the map needs of a feature of GET /api/v1/areas/boundaries. */
export type OutlineFeature = Pick<BoundaryFeature, 'properties' | 'geometry'> & { type?: 'Feature' };
export interface LatLon {
  latitude: number;
  longitude: number;
}

export const polygonsOf = (g: OutlineGeometry): Position[][][] =>
  g.type === 'Polygon' ? [g.coordinates] : g.coordinates;

/**
 * The outline in map pixels. Positions that land on the same rounded pixel as the one before are
 * dropped: a detailed official outline has far more points than a 640-pixel map can show.
 */
export function projectGeometry(
  g: OutlineGeometry,
  project: (lat: number, lon: number) => { x: number; y: number },
  decimals = 1,
): Position[][][] {
  const f = 10 ** decimals;
  return polygonsOf(g).map((rings) =>
    rings.map((ring) => {
      const out: Position[] = [];
      for (const [lon, lat] of ring) {
        const p = project(lat, lon);
        const xy: Position = [Math.round(p.x * f) / f, Math.round(p.y * f) / f];
        const last = out[out.length - 1];
        if (!last || last[0] !== xy[0] || last[1] !== xy[1]) out.push(xy);
      }
      return out;
    }),
  );
}

/** SVG path data, one closed subpath per ring (draw with fill-rule="evenodd" so holes stay holes). */
export const pathData = (polys: Position[][][]) =>
  polys
    .flat()
    .filter((ring) => ring.length > 0)
    .map((ring) => `${ring.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join('')}Z`)
    .join('');

export const outlinePath = (
  g: OutlineGeometry,
  project: (lat: number, lon: number) => { x: number; y: number },
  decimals = 1,
) => pathData(projectGeometry(g, project, decimals));

/** The corners of each outline's bounding box: enough for the map to fit them all. */
export function extentPoints(geoms: OutlineGeometry[]): LatLon[] {
  const out: LatLon[] = [];
  for (const g of geoms) {
    let [minLon, maxLon, minLat, maxLat] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const rings of polygonsOf(g))
      for (const [lon, lat] of rings[0] ?? []) {
        minLon = Math.min(minLon, lon);
        maxLon = Math.max(maxLon, lon);
        minLat = Math.min(minLat, lat);
        maxLat = Math.max(maxLat, lat);
      }
    if (minLon <= maxLon) out.push({ latitude: minLat, longitude: minLon }, { latitude: maxLat, longitude: maxLon });
  }
  return out;
}

/** Where a horizontal line at `lat` is inside the polygon: [from, to] longitudes, even-odd. */
function spansAt(rings: Position[][], lat: number): Array<[number, number]> {
  const xs: number[] = [];
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat) xs.push(xi + ((lat - yi) * (xj - xi)) / (yj - yi));
    }
  xs.sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (let i = 0; i + 1 < xs.length; i += 2) out.push([xs[i], xs[i + 1]]);
  return out;
}

/**
 * A point for the outline's name: in its largest polygon, the centroid when that lies inside
 * (always for the convex approximate cells), else the middle of the widest inside stretch on a
 * few horizontal lines (a crescent or an L-shaped ward). Centroids and horizontal stretches keep
 * their meaning under the map's projection, so this works in degrees or in pixels alike.
 */
export function labelPoint(g: OutlineGeometry): LatLon {
  const [longitude, latitude] = interiorPoint(polygonsOf(g));
  return { latitude, longitude };
}

/** The same in any plane (degrees or map pixels): [x, y]. */
export function interiorPoint(polygons: Position[][][]): Position {
  const polys = polygons.filter((p) => p.length > 0 && p[0].length > 0);
  const rings = polys.reduce(
    (best, p) => (Math.abs(ringArea(p[0])) > Math.abs(ringArea(best[0])) ? p : best),
    polys[0],
  );
  const outer = rings[0];
  const a = ringArea(outer);
  let [cx, cy] = [0, 0];
  if (a !== 0) {
    // Relative to the first position: far fewer digits lost at 105° east.
    const [ox, oy] = outer[0];
    for (let i = 0; i + 1 < outer.length; i++) {
      const [x0, y0, x1, y1] = [outer[i][0] - ox, outer[i][1] - oy, outer[i + 1][0] - ox, outer[i + 1][1] - oy];
      const k = x0 * y1 - x1 * y0;
      cx += (x0 + x1) * k;
      cy += (y0 + y1) * k;
    }
    [cx, cy] = [ox + cx / (6 * a), oy + cy / (6 * a)];
    if (pointInPolygon(rings, cx, cy)) return [cx, cy];
  }
  const lats = outer.map((p) => p[1]);
  const [lo, hi] = [Math.min(...lats), Math.max(...lats)];
  let best: { w: number; lon: number; lat: number } = { w: -1, lon: outer[0][0], lat: outer[0][1] };
  // The centroid's own line first; ties keep the earlier line.
  const lines = [a !== 0 ? cy : (lo + hi) / 2, ...Array.from({ length: 7 }, (_, i) => lo + ((i + 1) * (hi - lo)) / 8)];
  for (const lat of lines)
    for (const [x0, x1] of spansAt(rings, lat)) if (x1 - x0 > best.w) best = { w: x1 - x0, lon: (x0 + x1) / 2, lat };
  return [best.lon, best.lat];
}

/** "Phường Hạ Đình" → "Hạ Đình": the map is small and every outline there is a ward. */
export const shortAreaName = (name: string) => name.replace(/^(Phường|Xã|Thị trấn|Quận|Huyện|Thị xã)\s+/u, '');

export const isApproximate = (source: string | null) =>
  !!source && /^\s*(approximate|gần đúng|ước lượng)/iu.test(source);

export interface OutlinePlan {
  feature: OutlineFeature;
  /** Only the innermost outlines get a name (a ward, not the district drawn around the wards). */
  labelled: boolean;
  /** The outline of the user's own area: the deepest one at or above their scope. */
  highlighted: boolean;
}

/** Outer areas first so inner ones draw over them; the highlighted one last among its peers. */
export function planOutlines(features: OutlineFeature[], scope: string | null): OutlinePlan[] {
  const paths = features.map((f) => f.properties.path);
  const mine =
    scope === null ? undefined : paths.filter((p) => withinScope(p, scope)).sort((a, b) => b.length - a.length)[0];
  const depth = (p: string) => p.split('/').length;
  return features
    .map((feature) => ({
      feature,
      labelled: !paths.some((p) => p.startsWith(`${feature.properties.path}/`)),
      highlighted: feature.properties.path === mine,
    }))
    .sort(
      (a, b) =>
        depth(a.feature.properties.path) - depth(b.feature.properties.path) ||
        Number(a.highlighted) - Number(b.highlighted) ||
        a.feature.properties.path.localeCompare(b.feature.properties.path),
    );
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Roughly how much room a map label takes: wide enough for Vietnamese at `fontPx`. */
export const textWidth = (text: string, fontPx: number) => text.length * fontPx * 0.56;

/**
 * Where to centre a label of `w`×`h` pixels in an outline (in pixels): the interior point, or
 * the nearest spot around it still inside the outline that keeps clear of `obstacles` (device
 * pins and their names, labels already placed) and, if possible, keeps the whole label inside.
 */
export function placeLabel(
  polys: Position[][][],
  w: number,
  h: number,
  obstacles: Box[],
): { x: number; y: number; box: Box } {
  const [ax, ay] = interiorPoint(polys);
  const steps = [0, -1, 1, -2, 2, -3, 3];
  const offsets = steps
    .flatMap((i) => steps.map((j) => [(j * w) / 3, i * h] as const))
    .sort((a, b) => Math.hypot(a[0] / 2, a[1]) - Math.hypot(b[0] / 2, b[1]));
  const inside = (x: number, y: number) => pointInPolygons(polys, x, y);
  let best = { score: Infinity, x: ax, y: ay };
  for (const [dx, dy] of offsets) {
    const [x, y] = [ax + dx, ay + dy];
    if (!inside(x, y)) continue;
    const box = { x0: x - w / 2, y0: y - h / 2, x1: x + w / 2, y1: y + h / 2 };
    const score = (obstacles.some((o) => overlaps(o, box)) ? 2 : 0) + (inside(box.x0, y) && inside(box.x1, y) ? 0 : 1);
    if (score < best.score) best = { score, x, y };
    if (score === 0) break;
  }
  return {
    x: best.x,
    y: best.y,
    box: { x0: best.x - w / 2, y0: best.y - h / 2, x1: best.x + w / 2, y1: best.y + h / 2 },
  };
}
