// Side-by-side placement of overlapping items in a calendar day column: each item gets a column
// index and the number of columns of its cluster (items that overlap, directly or through others).

export interface Span {
  start: number;
  end: number;
}

export function placeOverlapping<T extends Span>(items: T[]): Array<T & { col: number; cols: number }> {
  const sorted = [...items].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Array<T & { col: number; cols: number }> = [];
  let cluster: Array<T & { col: number; cols: number }> = [];
  let colEnds: number[] = [];
  let clusterEnd = -Infinity;
  const flush = () => {
    for (const c of cluster) c.cols = colEnds.length;
    out.push(...cluster);
    cluster = [];
    colEnds = [];
  };
  for (const it of sorted) {
    if (it.start >= clusterEnd && cluster.length) flush();
    let col = colEnds.findIndex((e) => e <= it.start);
    if (col === -1) {
      col = colEnds.length;
      colEnds.push(it.end);
    } else colEnds[col] = it.end;
    cluster.push({ ...it, col, cols: 1 });
    clusterEnd = Math.max(clusterEnd === -Infinity ? it.end : clusterEnd, it.end);
  }
  if (cluster.length) flush();
  return out;
}
