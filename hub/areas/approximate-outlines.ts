// Approximate outlines for when no official ones are at hand: the Voronoi cell of each ward's
// centre (every spot goes to the nearest centre), cut to a rough outline of the parent area.
// Enough to see which ward a loudspeaker cluster is in; not a legal boundary, so whoever stores
// these must say so in the outline's source.
import { Delaunay } from 'd3-delaunay';
import { ringArea } from '../../protocol/index.ts';
import type { Position } from './boundaries.ts';

type XY = [number, number];

const cross = (o: XY, a: XY, b: XY) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

const open = (ring: XY[]): XY[] =>
  ring.length > 1 && ring[0][0] === ring.at(-1)![0] && ring[0][1] === ring.at(-1)![1] ? ring.slice(0, -1) : ring;

/**
 * Sutherland–Hodgman: the part of `subject` (any simple polygon) inside the convex `clip`.
 * Rings are open (no repeated last position); the result is too.
 */
export function clipToConvex(subject: XY[], clip: XY[]): XY[] {
  const c = open(clip);
  const side = Math.sign(ringArea(c));
  let out = open(subject);
  for (let i = 0; i < c.length && out.length > 0; i++) {
    const [a, b] = [c[i], c[(i + 1) % c.length]];
    const inside = (p: XY) => side * cross(a, b, p) >= 0;
    const cut = (p: XY, q: XY): XY => {
      const t = cross(a, b, p) / (cross(a, b, p) - cross(a, b, q));
      return [p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])];
    };
    const input = out;
    out = [];
    for (let j = 0; j < input.length; j++) {
      const [prev, cur] = [input[(j + input.length - 1) % input.length], input[j]];
      if (inside(cur)) {
        if (!inside(prev)) out.push(cut(prev, cur));
        out.push(cur);
      } else if (inside(prev)) out.push(cut(prev, cur));
    }
  }
  return out;
}

/**
 * One closed, counter-clockwise ring (RFC 7946's exterior winding) per centre: its Voronoi cell
 * within `outline` ([lon, lat] positions). Distances are measured in metres, not degrees: a
 * degree of longitude is shorter than one of latitude away from the equator.
 */
export function voronoiOutlines(
  centres: Array<{ key: string; latitude: number; longitude: number }>,
  outline: Position[],
  decimals = 6,
): Map<string, Position[]> {
  if (centres.length === 0) return new Map();
  const lat0 = centres.reduce((s, c) => s + c.latitude, 0) / centres.length;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const toXY = (lon: number, lat: number): XY => [lon * k, lat];
  const shape = open(outline.map(([lon, lat]) => toXY(lon, lat)));
  const pts = centres.map((c) => toXY(c.longitude, c.latitude));
  const xs = [...shape, ...pts].map((p) => p[0]);
  const ys = [...shape, ...pts].map((p) => p[1]);
  const pad = 0.01;
  const voronoi = Delaunay.from(pts).voronoi([
    Math.min(...xs) - pad,
    Math.min(...ys) - pad,
    Math.max(...xs) + pad,
    Math.max(...ys) + pad,
  ]);
  const f = 10 ** decimals;
  const out = new Map<string, Position[]>();
  centres.forEach((c, i) => {
    const cell = voronoi.cellPolygon(i) as unknown as XY[] | null;
    const part = cell ? clipToConvex(shape, cell) : [];
    let ring: Position[] = part.map(([x, y]) => [Math.round((x / k) * f) / f, Math.round(y * f) / f]);
    ring = ring.filter((p, j) => j === 0 || p[0] !== ring[j - 1][0] || p[1] !== ring[j - 1][1]);
    ring = open(ring);
    if (ring.length < 3 || ringArea(ring) === 0)
      throw new Error(`the centre of "${c.key}" leaves it no area inside the outline`);
    if (ringArea(ring) < 0) ring.reverse();
    out.set(c.key, [...ring, [ring[0][0], ring[0][1]]]);
  });
  return out;
}
