// Relays (tiếp âm) in the coverage report: counted by seconds aired and lost on each device, from the
// admitted receipts' evidence.relay. A device that never confirmed a due relay aired none of it; a
// relay still on air has lost nothing yet; a rejected receipt counts for nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { occurrenceId } from '../broadcasts/recurrence.ts';
import { VN_OFFSET_MS } from '../time.ts';
import { coverageRows, coverageScope, coverageSummary, writeCoverageCsv, type CoverageRow } from './coverage.ts';
import { DAY_MS as DAY } from '../../protocol/index.ts';

const FROM = Date.UTC(2026, 11, 30) - VN_OFFSET_MS; // 30/12/2026 00:00 in Vietnam: the relays run over the year's end
const at5 = (day: number) => FROM + day * DAY + 5 * 3600_000;
const NOW = at5(2) + 10 * 60_000; // the third relay is on air
const LENGTH_S = 1800;
let db: Db;

beforeAll(() => {
  db = openDatabase(':memory:');
  const area = db.prepare('INSERT INTO areas(parent_id, path, name, level) VALUES (?, ?, ?, ?)');
  const district = area.run(null, 'ha-noi', 'Thành phố Hà Nội', 'province').lastInsertRowid;
  const ward = area.run(district, 'ha-noi/ha-dinh', 'Phường Hạ Đình', 'ward').lastInsertRowid;
  const user = db
    .prepare(
      "INSERT INTO users(username, display_name, password_hash, role, area_id, created_at) VALUES ('canbo', 'Cán bộ', 'x', 'operator', ?, 0)",
    )
    .run(ward).lastInsertRowid;
  const device = db.prepare('INSERT INTO devices(id, name, kind, area_id, created_at) VALUES (?, ?, ?, ?, 0)');
  for (const id of ['loa-1', 'loa-2', 'loa-3']) device.run(id, `Cụm ${id}`, 'speaker', ward);
  device.run('led-1', 'Bảng LED', 'led', ward);
  db.prepare(
    `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, relay)
     VALUES ('b-vov1', 'VOV1 thời sự', NULL, NULL, 'normal', 70, NULL, ?, ?, 'approved', ?, 0, ?, 0, ?)`,
  ).run(
    `DTSTART:20261230T050000\nRRULE:FREQ=DAILY;COUNT=3`,
    LENGTH_S * 1000,
    user,
    user,
    JSON.stringify({
      url: 'http://radio.vov.vn/vov1.mp3',
      seconds: LENGTH_S,
      endsAt: null,
      fallback: 'silence',
      identMediaId: null,
    }),
  );
  db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)').run('b-vov1', ward);

  const insert = db.prepare(
    `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state, rejection, rejection_detail)
     VALUES (@id, @occ, 'b-vov1', @device, @result, NULL, @start, @start, @end, @aired, 0, @evidence, 'sig', @end, @state, @rejection, NULL)`,
  );
  let n = 0;
  const receipt = (day: number, device: string, result: string, aired: number, state = 'admitted') =>
    insert.run({
      id: `r-${++n}`,
      occ: occurrenceId('b-vov1', at5(day)),
      device,
      result,
      start: at5(day),
      end: at5(day) + LENGTH_S * 1000,
      aired,
      evidence: JSON.stringify({
        relay: {
          secondsAired: aired,
          secondsLost: LENGTH_S - aired,
          fallback: 'silence',
          fallbackSeconds: 0,
          bytes: 1,
        },
      }),
      state,
      rejection: state === 'rejected' ? 'implausible' : null,
    });
  receipt(0, 'loa-1', 'played', 1800);
  receipt(0, 'loa-2', 'partial', 1200.5); // upstream lost after 20 minutes
  receipt(0, 'loa-3', 'played', 1800, 'rejected'); // loa-3 confirmed nothing the hub admitted
  receipt(1, 'loa-1', 'played', 1800);
  receipt(1, 'loa-2', 'failed', 0);
});
afterAll(() => db.close());

const scope = () =>
  coverageScope(db, { areaPath: 'ha-noi/ha-dinh', from: FROM, to: FROM + 3 * DAY, graceMs: 15 * 60_000, now: NOW });

describe('relays in the coverage report', () => {
  it('gives each device its seconds aired and lost, and the totals', () => {
    const s = coverageSummary(db, scope());
    expect(s.relay.byDevice).toEqual([
      {
        deviceId: 'loa-1',
        deviceName: 'Cụm loa-1',
        areaPath: 'ha-noi/ha-dinh',
        occurrences: 3,
        secondsAired: 3600,
        secondsLost: 0,
      },
      // 20 minutes, then nothing; the third is on air
      {
        deviceId: 'loa-2',
        deviceName: 'Cụm loa-2',
        areaPath: 'ha-noi/ha-dinh',
        occurrences: 3,
        secondsAired: 1200.5,
        secondsLost: 599.5 + 1800,
      },
      // never confirmed: both due relays lost whole; its rejected claim of the first counts for nothing
      {
        deviceId: 'loa-3',
        deviceName: 'Cụm loa-3',
        areaPath: 'ha-noi/ha-dinh',
        occurrences: 3,
        secondsAired: 0,
        secondsLost: 3600,
      },
    ]);
    expect(s.relay).toMatchObject({ occurrences: 9, secondsAired: 4800.5, secondsLost: 5999.5 });
    // The LED board airs no relay; the usual counts stand beside the relay's.
    expect(s.byDevice.map((d) => d.deviceId)).toEqual(['loa-1', 'loa-2', 'loa-3']);
    expect(s.totals).toMatchObject({ scheduled: 9, played: 2, partial: 1, failed: 1, missed: 2, pending: 3 });
  });

  it('gives each row of a relay its seconds aired and lost', () => {
    const rows = coverageRows(db, scope(), { limit: 100 }).rows;
    const of = (day: number, device: string) =>
      rows.find((r) => r.deviceId === device && r.occurrenceId === occurrenceId('b-vov1', at5(day))) as CoverageRow;
    expect(of(0, 'loa-2')).toMatchObject({ result: 'partial', relay: { secondsAired: 1200.5, secondsLost: 599.5 } });
    expect(of(0, 'loa-3')).toMatchObject({
      result: 'missed',
      confirmed: false,
      relay: { secondsAired: 0, secondsLost: 1800 },
    });
    expect(of(1, 'loa-2')).toMatchObject({ result: 'failed', relay: { secondsAired: 0, secondsLost: 1800 } });
    expect(of(2, 'loa-1')).toMatchObject({ result: 'pending', relay: { secondsAired: 0, secondsLost: 0 } });
    expect(rows).toHaveLength(9);
  });

  it("gives a relay's seconds aired and lost and its kind in the CSV's last three columns, from admitted receipts only", async () => {
    let text = '';
    const sink = {
      write(c: string) {
        text += c;
        return true;
      },
      once: () => undefined,
    };
    await writeCoverageCsv(db, scope(), sink, 'codes');
    const [head, ...lines] = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const cols = head!.split(',');
    // cells split on commas outside quotes (a reason may hold commas)
    const cell = (line: string, col: string) =>
      line.match(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)![cols.indexOf(col)]!.replace(/,$/, '');
    const line = (day: number, device: string, result: string) =>
      lines.find(
        (l) => l.includes(`,${device},`) && l.includes(occurrenceId('b-vov1', at5(day))) && l.includes(`,${result},`),
      )!;
    const partial = line(0, 'loa-2', 'partial');
    expect([cell(partial, 'relaySecondsAired'), cell(partial, 'relaySecondsLost')]).toEqual(['1200.5', '599.5']);
    expect(cell(partial, 'streamKind')).toBe('relay');
    // loa-3's claim of the first relay was rejected: its row lost the whole length, the claim's line counts nothing
    const missed = line(0, 'loa-3', 'missed');
    expect([cell(missed, 'relaySecondsAired'), cell(missed, 'relaySecondsLost')]).toEqual(['0', '1800']);
    const rejected = line(0, 'loa-3', 'rejected');
    expect([cell(rejected, 'relaySecondsAired'), cell(rejected, 'relaySecondsLost')]).toEqual(['', '']);
    expect(cell(rejected, 'streamKind')).toBe('');
    expect(cols.slice(-3)).toEqual(['relaySecondsAired', 'relaySecondsLost', 'streamKind']);
  });
});
