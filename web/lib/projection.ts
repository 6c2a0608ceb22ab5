// Devices on a map without any tile service: an equirectangular projection around the fleet's
// centre (metres per degree of longitude shrink with cos(latitude)), fitted into the SVG box with
// a margin, and a scale bar of a round length. Area outlines widen the fitted extent.

export interface GeoPoint {
  id: string;
  latitude: number;
  longitude: number;
}

export interface Projected {
  id: string;
  x: number;
  y: number;
}

const M_PER_DEG_LAT = 111_320;

/** `extent`: more positions the map must show (e.g. the corners of area outlines), not drawn as points. */
export function projectPoints(
  points: GeoPoint[],
  box: { width: number; height: number; margin: number },
  minSpanM = 1500,
  extent: Array<Omit<GeoPoint, 'id'>> = [],
) {
  const all = [...points, ...extent];
  if (all.length === 0)
    return {
      points: [] as Projected[],
      metresPerPx: 1,
      project: (_lat: number, _lon: number) => ({ x: box.width / 2, y: box.height / 2 }),
    };
  const lat0 = all.reduce((s, p) => s + p.latitude, 0) / all.length;
  const kx = M_PER_DEG_LAT * Math.cos((lat0 * Math.PI) / 180);
  const xs = all.map((p) => p.longitude * kx);
  const ys = all.map((p) => p.latitude * M_PER_DEG_LAT);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const spanX = Math.max(maxX - minX, minSpanM);
  const spanY = Math.max(maxY - minY, minSpanM);
  const innerW = box.width - 2 * box.margin;
  const innerH = box.height - 2 * box.margin;
  const metresPerPx = Math.max(spanX / innerW, spanY / innerH);
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const project = (lat: number, lon: number) => ({
    x: box.width / 2 + (lon * kx - cx) / metresPerPx,
    // North is up: larger latitude, smaller y.
    y: box.height / 2 - (lat * M_PER_DEG_LAT - cy) / metresPerPx,
  });
  return { points: points.map((p) => ({ id: p.id, ...project(p.latitude, p.longitude) })), metresPerPx, project };
}

/** A round scale-bar length (1, 2 or 5 × 10^n metres) near `targetPx` pixels long. */
export function scaleBar(metresPerPx: number, targetPx = 100): { metres: number; px: number; label: string } {
  const want = metresPerPx * targetPx;
  const exp = 10 ** Math.floor(Math.log10(want));
  const metres = [1, 2, 5, 10]
    .map((k) => k * exp)
    .reduce((best, m) => (Math.abs(m - want) < Math.abs(best - want) ? m : best));
  return { metres, px: metres / metresPerPx, label: metres >= 1000 ? `${metres / 1000} km` : `${metres} m` };
}
