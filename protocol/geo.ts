// Plane geometry on GeoJSON rings (RFC 7946: [longitude, latitude] positions; a polygon is its
// outer ring followed by its holes), shared by the hub (outline checks, approximate outlines) and
// the web map (labels). The same functions work in any plane, e.g. map pixels. No dependencies:
// the web imports this file directly.

/** A ring of positions: [x, y] first (a third number, an altitude, is ignored). Closed or open. */
export type Ring = ReadonlyArray<readonly number[]>;

/**
 * Shoelace area of a ring, in the square of its units (squared degrees for [lon, lat]). Positive
 * when it winds counter-clockwise with y up (RFC 7946's exterior winding), negative clockwise.
 * A closed ring (last position repeating the first) and the same ring open give the same area.
 */
export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

/** Whether (x, y) is inside one ring (crossing number); a point exactly on an edge may go either way. */
export function pointInRing(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd over a polygon's rings: inside the outer ring and outside its holes. */
export function pointInPolygon(rings: ReadonlyArray<Ring>, x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) if (pointInRing(ring, x, y)) inside = !inside;
  return inside;
}

/** Inside any of the polygons (a MultiPolygon's coordinates). */
export function pointInPolygons(polygons: ReadonlyArray<ReadonlyArray<Ring>>, x: number, y: number): boolean {
  return polygons.some((rings) => pointInPolygon(rings, x, y));
}

/** A GeoJSON Polygon or MultiPolygon geometry, as far as these functions read it. */
export type PolygonalGeometry =
  | { type: 'Polygon'; coordinates: ReadonlyArray<Ring> }
  | { type: 'MultiPolygon'; coordinates: ReadonlyArray<ReadonlyArray<Ring>> };

/** Whether the point (longitude, latitude) lies in a Polygon or MultiPolygon, holes excluded. */
export function pointInGeometry(g: PolygonalGeometry, longitude: number, latitude: number): boolean {
  return pointInPolygons(g.type === 'Polygon' ? [g.coordinates] : g.coordinates, longitude, latitude);
}
