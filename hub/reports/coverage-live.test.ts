// Live sessions (phát trực tiếp) in the coverage report: counted like relays, by seconds aired per
// device, against the length the session actually lasted (its broadcast's length once it ended),
// not the maximum it was allowed: a device that never confirmed it lost those seconds, no more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { occurrenceId } from '../broadcasts/recurrence.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { coverageScope, coverageSummary } from './coverage.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';

const FROM = Date.UTC(2026, 11, 31) - VN_OFFSET_MS; // 31/12/2026 in Vietnam
const START = FROM + 9 * 3600_000;
const LASTED_S = 95; // the leader ended it after 95 s of its 30 minutes
const NOW = START + 3600_000;
let db: Db;

beforeAll(() => {
  db = openDatabase(':memory:');
  const ward = db
    .prepare("INSERT INTO areas(parent_id, path, name, level) VALUES (NULL, 'ha-dinh', 'Phường Hạ Đình', 'ward')")
    .run().lastInsertRowid;
  const user = db
    .prepare(
      "INSERT INTO users(username, display_name, password_hash, role, area_id, created_at) VALUES ('lanhdao', 'Lãnh đạo', 'x', 'approver', ?, 0)",
    )
    .run(ward).lastInsertRowid;
  const device = db.prepare("INSERT INTO devices(id, name, kind, area_id, created_at) VALUES (?, ?, 'speaker', ?, 0)");
  for (const id of ['loa-1', 'loa-2']) device.run(id, `Cụm ${id}`, ward);
  db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, decision_code, live)
     VALUES ('b-live', 'Họp tổ dân phố', NULL, NULL, 'normal', 70, ?, NULL, ?, 'approved', ?, ?, ?, ?, 'went-live', ?)`,
  ).run(
    START,
    LASTED_S * 1000,
    user,
    START - 2000,
    user,
    START - 2000,
    JSON.stringify({ sessionId: 's-1', bufferMs: 400 }),
  );
  db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)').run('b-live', ward);
  db.prepare(
    `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state)
     VALUES ('r-1', ?, 'b-live', 'loa-1', 'played', NULL, ?, ?, ?, 94.2, 0, ?, 'sig', ?, 'admitted')`,
  ).run(
    occurrenceId('b-live', START),
    START,
    START + 20,
    START + 95_500,
    JSON.stringify({
      relay: {
        secondsAired: 94.2,
        secondsLost: 0,
        fallback: 'silence',
        fallbackSeconds: 0,
        lostAt: null,
        bytes: 280_000,
        live: true,
        dropouts: 2,
        dropoutSeconds: 0.6,
      },
    }),
    START + 96_000,
  );
});
afterAll(() => db.close());

describe('a live session in the coverage report', () => {
  it('counts seconds aired per device, and a silent device lost the length it actually lasted', () => {
    const s = coverageSummary(
      db,
      coverageScope(db, { areaPath: 'ha-dinh', from: FROM, to: FROM + DAY, graceMs: 15 * 60_000, now: NOW }),
    );
    expect(s.relay.byDevice.map((d) => [d.deviceId, d.secondsAired, d.secondsLost])).toEqual([
      ['loa-1', 94.2, 0],
      ['loa-2', 0, LASTED_S],
    ]);
    expect(s.totals).toMatchObject({ scheduled: 2, played: 1, missed: 1 });
  });
});
