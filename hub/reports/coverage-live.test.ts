// Live sessions (phát trực tiếp) in the coverage report: counted like relays, by seconds aired per
// device, against the length the session actually lasted (its broadcast's length once it ended),
// not the maximum it was allowed: a device that never confirmed it lost those seconds, no more.
// They are reported apart from the relays (the summary's \`live\`, a row's relay.kind, the CSV's kind).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { occurrenceId } from '../broadcasts/recurrence.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { coverageRows, coverageScope, coverageSummary, csvHeader, csvLine } from './coverage.ts';
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
  const scope = () =>
    coverageScope(db, { areaPath: 'ha-dinh', from: FROM, to: FROM + DAY, graceMs: 15 * 60_000, now: NOW });

  it('counts seconds aired per device, and a silent device lost the length it actually lasted, apart from relays', () => {
    const s = coverageSummary(db, scope());
    expect(s.live.byDevice.map((d) => [d.deviceId, d.secondsAired, d.secondsLost])).toEqual([
      ['loa-1', 94.2, 0],
      ['loa-2', 0, LASTED_S],
    ]);
    expect(s.live).toMatchObject({ occurrences: 2, secondsAired: 94.2, secondsLost: LASTED_S });
    // Not a relay (tiếp âm): the relays' section stays empty.
    expect(s.relay).toEqual({ occurrences: 0, secondsAired: 0, secondsLost: 0, byDevice: [] });
    expect(s.totals).toMatchObject({ scheduled: 2, played: 1, missed: 1 });
  });

  it('marks its detail rows and CSV lines as a live session', () => {
    const { rows } = coverageRows(db, scope());
    expect(rows.map((r) => [r.deviceId, r.relay])).toEqual([
      ['loa-1', { secondsAired: 94.2, secondsLost: 0, kind: 'live' }],
      ['loa-2', { secondsAired: 0, secondsLost: LASTED_S, kind: 'live' }],
    ]);
    // The kind is the last column; the seconds before it (a decimal comma in Vietnamese).
    expect(csvHeader('codes').trim().split(',').slice(-3)).toEqual([
      'relaySecondsAired',
      'relaySecondsLost',
      'streamKind',
    ]);
    expect(csvHeader('vi').trim().endsWith(',Loại phát')).toBe(true);
    expect(csvLine(rows[0], 'codes').trim().endsWith(',94.2,0,live')).toBe(true);
    expect(csvLine(rows[0], 'vi').trim().endsWith(',"94,2","0,0",Phát trực tiếp')).toBe(true);
    expect(csvLine(rows[1], 'en').trim().endsWith(',0.0,95.0,Live session')).toBe(true);
  });

  it('tells a receipt no longer planned by its evidence: a live one under live, a relay under relays', () => {
    const later = START + 2 * 3600_000;
    const receipt = db.prepare(
      `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state)
       VALUES (?, ?, ?, 'loa-2', 'played', NULL, ?, ?, ?, 10, 0, ?, 'sig', ?, 'admitted')`,
    );
    const ev = (live: boolean) =>
      JSON.stringify({
        relay: {
          secondsAired: 10,
          secondsLost: 1,
          fallback: 'silence',
          fallbackSeconds: 0,
          lostAt: null,
          bytes: 1,
          ...(live ? { live: true } : {}),
        },
      });
    receipt.run(
      'r-gone-live',
      occurrenceId('b-gone', later),
      'b-gone',
      later,
      later,
      later + 11_000,
      ev(true),
      later + 12_000,
    );
    receipt.run(
      'r-gone-relay',
      occurrenceId('b-gone2', later + 1),
      'b-gone2',
      later + 1,
      later + 1,
      later + 11_000,
      ev(false),
      later + 12_000,
    );
    try {
      const s = coverageSummary(db, scope());
      expect(s.live).toMatchObject({ occurrences: 3, secondsAired: 104.2, secondsLost: LASTED_S + 1 });
      expect(s.relay).toMatchObject({ occurrences: 1, secondsAired: 10, secondsLost: 1 });
      const kinds = coverageRows(db, scope()).rows.map((r) => r.relay?.kind);
      expect(kinds).toEqual(['live', 'live', 'live', 'relay']);
    } finally {
      db.prepare("DELETE FROM receipts WHERE receipt_id IN ('r-gone-live', 'r-gone-relay')").run();
    }
  });
});
