// Small outlines for tests: a closed, counter-clockwise square ring around a point, with the
// 7 decimals the hub stores, and the Polygon made of it.
const r7 = (x: number) => Math.round(x * 1e7) / 1e7;

export const squareRing = (lon: number, lat: number, d = 0.002): number[][] =>
  [
    [lon - d, lat - d],
    [lon + d, lat - d],
    [lon + d, lat + d],
    [lon - d, lat + d],
    [lon - d, lat - d],
  ].map(([x, y]) => [r7(x), r7(y)]);

export const squarePolygon = (lon: number, lat: number, d = 0.002) => ({
  type: 'Polygon',
  coordinates: [squareRing(lon, lat, d)],
});
