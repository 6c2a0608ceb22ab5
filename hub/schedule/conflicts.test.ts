// The clash check plans devices only for broadcasts whose times can meet the draft's: that shortcut
// finds exactly the clashes that planning every device of both finds, pair by pair.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';
import { DISTRICT, seedCoverageDb } from '../../test/helpers/coverage-db.ts';
import { clashCandidates, findConflicts } from './conflicts.ts';

const FROM = Date.UTC(2026, 9, 1) - VN_OFFSET_MS; // 01/10/2026 00:00 in Vietnam
const NOW = FROM + DAY;
let db: Db;

beforeAll(() => {
  db = openDatabase(':memory:');
  seedCoverageDb(db, { from: FROM, days: 10, devices: 12, wards: 3, now: NOW, seed: 3 });
  // Beside the fixture's daily 06:00 bulletin (180 s): one a minute into it, one starting as it ends.
  const district = db.prepare('SELECT id FROM areas WHERE path = ?').pluck().get(DISTRICT);
  const user = db.prepare('SELECT id FROM users LIMIT 1').pluck().get();
  for (const [id, minute, second] of [
    ['b-into', 6 * 60 + 1, 0],
    ['b-after', 6 * 60 + 3, 0],
    ['b-once-into', 6 * 60 + 2, 59],
  ] as const) {
    const dtstart = new Date(FROM + VN_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
    const rrule = `DTSTART:${dtstart}T000000\nRRULE:FREQ=DAILY;BYHOUR=${Math.floor(minute / 60)};BYMINUTE=${minute % 60};BYSECOND=${second};COUNT=10`;
    const once = id === 'b-once-into';
    db.prepare(
      `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at)
       VALUES (?, ?, NULL, '{"pages":[{"lines":["x"],"mode":"hold","seconds":60}]}', 'normal', 70, ?, ?, 60000, 'submitted', ?, ?, NULL, NULL)`,
    ).run(id, id, once ? FROM + 3 * DAY + minute * 60_000 + second * 1000 : null, once ? null : rrule, user, FROM);
    db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)').run(id, district);
  }
});
afterAll(() => db.close());

/** Every clash of the two, by planning every device of both (what findConflicts did before the shortcut). */
function planned(draftId: string, otherId: string): number {
  const draft = getBroadcast(db, draftId)!;
  const other = getBroadcast(db, otherId)!;
  const from = Math.min(NOW, draft.startsAt ?? NOW) - draft.durationMs;
  const to = NOW + 35 * DAY;
  const mine = planOccurrences(db, [draft], from, to, undefined, [draft.id]);
  const theirs = planOccurrences(db, [other], from - other.durationMs - DAY, to, new Set(mine.map((m) => m.deviceId)), [
    draft.id,
  ]);
  let n = 0;
  for (const m of mine)
    for (const t of theirs)
      if (
        t.deviceId === m.deviceId &&
        m.item.startAt < t.item.startAt + t.item.durationMs &&
        t.item.startAt < m.item.startAt + m.item.durationMs
      )
        n++;
  return n;
}

describe('the clash check', () => {
  it('finds, pair by pair, the clashes that planning every device finds', () => {
    const candidates = clashCandidates(db);
    let clashing = 0;
    for (const draft of candidates)
      for (const other of candidates) {
        if (other.id === draft.id) continue;
        const found = findConflicts(db, draft, { now: NOW, limit: Infinity, candidates: [other] });
        expect(found.length, `${draft.id} against ${other.id}`).toBe(planned(draft.id, other.id));
        if (found.length) clashing++;
      }
    // The fixture holds both: pairs that clash and pairs that only touch (b-after starts as b-daily ends).
    expect(clashing).toBeGreaterThan(0);
    expect(
      findConflicts(db, getBroadcast(db, 'b-after')!, { now: NOW, candidates: [getBroadcast(db, 'b-daily')!] }),
    ).toEqual([]);
  });
});
