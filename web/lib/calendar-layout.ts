// Where calendar items sit in a day column. Items that would overlap are stacked, each at full
// width below the one before (never squeezed side by side into "06:00 T…"): an item sits at its
// time or just below the previous one, and prints its own exact time, so a crowded hour stays
// readable and the order is the order of the day.

export interface Span {
  /** pixels from the top of the day at the item's start time */
  top: number;
  /** the item's own height in pixels (at least one line of text) */
  height: number;
}

export function stackItems<T extends Span>(items: T[], gap = 1): Array<T & { y: number; displaced: boolean }> {
  const sorted = [...items].sort((a, b) => a.top - b.top || b.height - a.height);
  let bottom = -Infinity;
  return sorted.map((it) => {
    const y = Math.max(it.top, bottom + gap);
    bottom = y + it.height;
    return { ...it, y, displaced: y > it.top };
  });
}
