// Quiet hours: per area, windows of Vietnam wall time (22:00–05:30 may wrap past midnight) when
// normal-priority bulletins must not play. They apply to the area and everything below it; a
// broadcast aimed at a district also meets the quiet hours of each ward in it. Priority and
// emergency broadcasts ignore them (Circular 39: emergencies air at once).
import type { Db } from '../db/database.ts';
import type { Broadcast } from '../broadcasts/broadcasts.ts';
import { occurrencesBetween } from '../broadcasts/recurrence.ts';
import { getAreaByPath, withinScope } from '../areas/areas.ts';
import { getDevice } from '../devices/devices.ts';
import { formatVn, VN_OFFSET_MS } from '../time.ts';
import { LocalizedError, msg } from '../text/index.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';

const MIN = 60_000;

export interface QuietWindow {
  id: number;
  areaPath: string;
  areaName: string;
  start: string;
  end: string;
  note: string;
}

export function parseHhmm(text: string): number {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new LocalizedError(msg('quiet-hours.bad-time', { text }));
  return +m[1] * 60 + +m[2];
}
export const formatHhmm = (min: number) =>
  `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** Does [startAt, startAt+durationMs) touch the daily window [startMin, endMin) (Vietnam time)? */
export function overlapsQuietWindow(startAt: number, durationMs: number, startMin: number, endMin: number): boolean {
  const wall = startAt + VN_OFFSET_MS;
  const end = wall + Math.max(durationMs, 1);
  const len = ((endMin - startMin + 1440) % 1440) * MIN;
  // Windows starting on the day before (a wrap past midnight) up to the day the occurrence ends.
  for (let day = Math.floor(wall / DAY) * DAY - DAY; day < end; day += DAY) {
    const ws = day + startMin * MIN;
    if (ws < end && wall < ws + len) return true;
  }
  return false;
}

interface QuietWindowRecord {
  id: number;
  path: string;
  name: string;
  start_minute: number;
  end_minute: number;
  note: string;
}

function rowToWindow(r: QuietWindowRecord): QuietWindow {
  return {
    id: r.id,
    areaPath: r.path,
    areaName: r.name,
    start: formatHhmm(r.start_minute),
    end: formatHhmm(r.end_minute),
    note: r.note,
  };
}

export function listQuietHours(db: Db): QuietWindow[] {
  return (
    db
      .prepare(
        'SELECT q.*, a.path, a.name FROM quiet_hours q JOIN areas a ON a.id = q.area_id ORDER BY a.path, q.start_minute',
      )
      .all() as QuietWindowRecord[]
  ).map(rowToWindow);
}

export function addQuietHours(
  db: Db,
  input: { areaPath: string; start: string; end: string; note?: string },
  userId: number | null,
  now: number,
): QuietWindow {
  const area = getAreaByPath(db, input.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: input.areaPath }));
  const s = parseHhmm(input.start);
  const e = parseHhmm(input.end);
  if (s === e) throw new LocalizedError(msg('quiet-hours.same-start-end'));
  const info = db
    .prepare(
      'INSERT INTO quiet_hours(area_id, start_minute, end_minute, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(area.id, s, e, input.note ?? '', userId, now);
  return listQuietHours(db).find((w) => w.id === Number(info.lastInsertRowid))!;
}

export function getQuietWindow(db: Db, id: number): QuietWindow | undefined {
  return listQuietHours(db).find((w) => w.id === id);
}

export function deleteQuietHours(db: Db, id: number): void {
  db.prepare('DELETE FROM quiet_hours WHERE id = ?').run(id);
}

/** The windows that apply to a broadcast aimed at these area paths (above, at or below them). */
export function applicableQuietHours(db: Db, targetPaths: string[]): QuietWindow[] {
  return listQuietHours(db).filter((w) =>
    targetPaths.some((p) => withinScope(w.areaPath, p) || withinScope(p, w.areaPath)),
  );
}

export interface QuietClash {
  occurrenceStart: string;
  window: QuietWindow;
}

/** Future occurrences of a normal-priority broadcast that fall in quiet hours (empty otherwise). */
export function quietHoursClashes(db: Db, b: Broadcast, now: number): QuietClash[] {
  if (b.priority !== 'normal') return [];
  const paths = [...b.targets.areas, ...b.targets.devices.map((d) => getDevice(db, d)?.areaPath ?? '')].filter(Boolean);
  const windows = applicableQuietHours(db, paths);
  if (windows.length === 0) return [];
  const from = Math.min(now, b.startsAt ?? now) - b.durationMs;
  const starts = occurrencesBetween(b, from, now + 5 * 366 * DAY).filter((s) => s + b.durationMs > now);
  const out: QuietClash[] = [];
  for (const s of starts) {
    for (const w of windows) {
      if (overlapsQuietWindow(s, b.durationMs, parseHhmm(w.start), parseHhmm(w.end)))
        out.push({ occurrenceStart: formatVn(s)!, window: w });
    }
  }
  return out;
}

export class QuietHoursError extends LocalizedError {
  constructor(readonly clashes: QuietClash[]) {
    const first = clashes[0];
    super(
      msg('quiet-hours', {
        at: first.occurrenceStart.slice(0, 16).replace('T', ' '),
        start: first.window.start,
        end: first.window.end,
        areaName: first.window.areaName,
        others: clashes.length - 1,
      }),
    );
  }
}

export function assertOutsideQuietHours(db: Db, b: Broadcast, now: number): void {
  const clashes = quietHoursClashes(db, b, now);
  if (clashes.length) throw new QuietHoursError(clashes);
}
