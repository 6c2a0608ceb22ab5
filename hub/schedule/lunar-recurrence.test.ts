// A bulletin every year on a lunar date: written as an iCalendar snippet the schedule already reads,
// so the week calendar, the manifests, the clash check and quiet hours all see its occurrences.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { HA_DINH, seedWorld, type World } from '../../test/helpers/world.ts';
import type { HubJson } from '../../cli/api-client.ts';
import { occurrencesBetween, validateRecurrence } from '../broadcasts/recurrence.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { formatVn } from '../time.ts';
import { lunarRecurrenceOf, lunarRecurrenceText } from './lunar-recurrence.ts';

const GIO_TO = { month: 3, day: 10, time: '06:30', fromYear: 2027, untilYear: 2029 };

describe('a lunar recurrence as iCalendar', () => {
  it('is one RDATE per lunar year, at the civil date of that lunar day', () => {
    const text = lunarRecurrenceText(GIO_TO);
    expect(text).toBe(
      [
        'X-WARDCAST-LUNAR:MONTH=3;DAY=10;TIME=0630;FROM=2027;UNTIL=2029',
        'DTSTART:20270416T063000',
        'RDATE:20270416T063000,20280404T063000,20290423T063000',
      ].join('\n'),
    );
    expect(lunarRecurrenceOf(text)).toEqual(GIO_TO);
    const starts = occurrencesBetween({ startsAt: null, rrule: text }, Date.UTC(2026, 0), Date.UTC(2031, 0));
    expect(starts.map((s) => formatVn(s))).toEqual([
      '2027-04-16T06:30:00+07:00',
      '2028-04-04T06:30:00+07:00',
      '2029-04-23T06:30:00+07:00',
    ]);
    expect(validateRecurrence(text)).toEqual({ first: Date.parse('2027-04-16T06:30:00+07:00'), count: 3 });
  });

  it('keeps a 30th in a 29-day month on its last day', () => {
    // Month 12 of Bính Ngọ (2026) has 29 days: 30/12 falls on 29/12, 05/02/2027, the eve of Tết.
    expect(lunarRecurrenceText({ month: 12, day: 30, time: '19:00', fromYear: 2026, untilYear: 2026 })).toContain(
      'RDATE:20270205T190000',
    );
  });

  it('refuses dates edited by hand away from its rule', () => {
    const edited = lunarRecurrenceText(GIO_TO).replace('20280404', '20280405');
    expect(() => validateRecurrence(edited)).toThrow(/do not match/);
  });
});

const clock = new ManualClock(Date.parse('2026-12-31T09:00:00+07:00'));
let t: TestHub;
let w: World;
beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock });
  w = await seedWorld(t, [{ id: 'led-1', kind: 'led', area: HA_DINH }]);
});
afterAll(() => t?.stop());

const send = async (path: string, body: unknown, as: 'official' | 'leader' = 'official') => {
  const res = await fetch(`${t.hub.httpUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${(w[as] as unknown as { token: string }).token}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HubJson };
};
const bulletin = (when: Record<string, unknown>) => ({
  title: 'Giỗ Tổ Hùng Vương',
  led: { pages: [{ lines: ['Giỗ Tổ Hùng Vương 10/3'], mode: 'hold', seconds: 30 }] },
  targets: { areas: [HA_DINH] },
  ...when,
});

describe('a bulletin on a lunar date', () => {
  let id: string;
  it('is stored as its snippet and shows in the week calendar and the manifests on 16/04/2027', async () => {
    const r = await send('/api/v1/broadcasts', bulletin({ lunar: GIO_TO }));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    id = r.body.id;
    expect(r.body.rrule).toBe(lunarRecurrenceText(GIO_TO));

    const week = await w.official.get('/api/v1/schedule?from=2027-04-12T00:00&to=2027-04-19T00:00');
    expect(week.map((o: HubJson) => [o.title, o.start, o.recurring])).toEqual([
      ['Giỗ Tổ Hùng Vương', '2027-04-16T06:30:00+07:00', true],
    ]);
    const b = getBroadcast(t.hub.ctx.db, id)!;
    const plan = planOccurrences(t.hub.ctx.db, [b], Date.UTC(2027, 0), Date.UTC(2030, 0));
    expect(plan.map((p) => [p.deviceId, formatVn(p.item.startAt)])).toEqual([
      ['led-1', '2027-04-16T06:30:00+07:00'],
      ['led-1', '2028-04-04T06:30:00+07:00'],
      ['led-1', '2029-04-23T06:30:00+07:00'],
    ]);
  });

  it('clashes with another bulletin at the same time on that day', async () => {
    clock.set(Date.parse('2027-04-01T09:00:00+07:00')); // the clash check looks five weeks ahead
    w.official = await t.api.as('canbo', 'password-canbo'); // the sessions expired meanwhile
    w.leader = await t.api.as('lanhdao', 'password-lanhdao');
    const r = await send('/api/v1/broadcasts/check', bulletin({ title: 'Thông báo', startsAt: '2027-04-16T06:30' }));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.conflicts.map((c: HubJson) => c.broadcastId)).toContain(id);
  });

  it('meets the quiet hours of its ward', async () => {
    await w.leader.post('/api/v1/quiet-hours', { areaPath: HA_DINH, start: '22:00', end: '05:30' });
    const late = bulletin({ lunar: { ...GIO_TO, time: '22:30' } });
    const check = await send('/api/v1/broadcasts/check', late);
    expect(check.body.quietHours.map((q: HubJson) => q.occurrenceStart)).toEqual([
      '2027-04-16T22:30:00+07:00',
      '2028-04-04T22:30:00+07:00',
      '2029-04-23T22:30:00+07:00',
    ]);
    expect((await send('/api/v1/broadcasts', late)).body.code).toBe('quiet-hours');
  });

  it('counts in the coverage report once approved: planned on 16/04/2027, missed without a receipt', async () => {
    expect((await send(`/api/v1/broadcasts/${id}/approve`, {}, 'leader')).status).toBe(200);
    clock.set(Date.parse('2027-04-20T09:00:00+07:00'));
    w.official = await t.api.as('canbo', 'password-canbo');
    const r = await w.official.get(`/api/v1/reports/coverage?area=${HA_DINH}&period=2027-04`);
    expect(r.rows.map((row: HubJson) => [row.title, row.deviceId, row.scheduledStart, row.result])).toEqual([
      ['Giỗ Tổ Hùng Vương', 'led-1', '2027-04-16T06:30:00+07:00', 'missed'],
    ]);
  });

  it('refuses bad input, naming it in Vietnamese first', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ lunar: { ...GIO_TO, day: 31 } }, /Ngày 31 âm lịch không hợp lệ/],
      [{ lunar: { ...GIO_TO, month: 13 } }, /Tháng 13 không hợp lệ/],
      [{ lunar: { ...GIO_TO, time: '6h30' } }, /Giờ phát "6h30" không đúng dạng/],
      [{ lunar: { ...GIO_TO, untilYear: 2060 } }, /Năm âm lịch 2027–2060/],
      [
        { lunar: GIO_TO, rrule: 'DTSTART:20270101T060000\nRRULE:FREQ=DAILY;COUNT=2' },
        /Chỉ chọn một kiểu lặp lại: theo quy tắc RRULE hoặc theo ngày âm lịch/,
      ],
    ];
    for (const [when, vi] of cases) {
      const r = await send('/api/v1/broadcasts', bulletin(when));
      expect(r.status).toBe(400);
      expect(r.body.errorVi).toMatch(vi);
    }
  });
});
