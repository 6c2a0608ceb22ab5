// The "when" form → startsAt / rrule, checked against the hub's own recurrence expansion.
import { describe, expect, it } from 'vitest';
import { buildWhen, describeLunar, describeRrule, parseTimes, parseWhen, type WhenForm } from './rrule-form.ts';
import { lunarRecurrenceText } from '../../hub/schedule/lunar-recurrence.ts';
import { occurrencesBetween, validateRecurrence } from '../../hub/broadcasts/recurrence.ts';
import { formatVn, parseVnDateTime } from '../../hub/time.ts';

const expand = (rrule: string) =>
  occurrencesBetween(
    { startsAt: null, rrule },
    parseVnDateTime('2026-01-01T00:00'),
    parseVnDateTime('2028-01-01T00:00'),
  ).map((t) => formatVn(t)!.slice(0, 16));

describe('when form → API', () => {
  it("yearly on a lunar date is the API's `lunar`, read back from the rule the hub stores", () => {
    const lunar = { month: 3, day: 10, time: '06:30', fromYear: 2027, untilYear: 2031 };
    expect(buildWhen({ kind: 'lunar', lunar })).toEqual({ ok: true, lunar });
    expect(parseWhen({ startsAt: null, rrule: lunarRecurrenceText(lunar) })).toEqual({ kind: 'lunar', lunar });
    expect(describeLunar(lunar, 'vi')).toBe('hằng năm lúc 06:30 ngày 10/3 âm lịch, 2027–2031');
    expect(describeLunar(lunar, 'en')).toBe('yearly at 06:30 on 10/3 lunar, 2027–2031');
    const refused = (l: Partial<typeof lunar>) => {
      const r = buildWhen({ kind: 'lunar', lunar: { ...lunar, ...l } });
      return r.ok ? 'ok' : r.error.vi;
    };
    expect(refused({ month: 13 })).toBe('Chọn tháng âm lịch từ 1 đến 12.');
    expect(refused({ day: 31 })).toBe('Ngày âm lịch phải từ 1 đến 30.');
    expect(refused({ time: '6h' })).toBe('Giờ phát phải có dạng HH:MM (24 giờ).');
    expect(refused({ untilYear: 2047 })).toContain('tối đa 20 năm');
    expect(refused({ untilYear: 2046 })).toBe('ok');
  });

  it('"now" and "once" become startsAt in Vietnam wall time', () => {
    expect(buildWhen({ kind: 'now' })).toEqual({ ok: true, startsAt: 'now' });
    expect(buildWhen({ kind: 'once', date: '2026-11-25', times: ['06:00'] })).toEqual({
      ok: true,
      startsAt: '2026-11-25T06:00',
    });
  });

  it('daily at 06:00 and 17:30 for a week is one rule per time, 14 occurrences in Asia/Ho_Chi_Minh', () => {
    const r = buildWhen({ kind: 'daily', times: ['17:30', '06:00'], from: '2026-11-24', until: '2026-11-30' });
    if (!r.ok) throw new Error('expected ok');
    expect(r.rrule).toBe(
      'DTSTART:20261124T000000\nRRULE:FREQ=DAILY;UNTIL=20261130T235959;BYHOUR=6;BYMINUTE=0;BYSECOND=0\nRRULE:FREQ=DAILY;UNTIL=20261130T235959;BYHOUR=17;BYMINUTE=30;BYSECOND=0',
    );
    expect(validateRecurrence(r.rrule!).count).toBe(14);
    const all = expand(r.rrule!);
    expect(all[0]).toBe('2026-11-24T06:00');
    expect(all[1]).toBe('2026-11-24T17:30');
    expect(all.at(-1)).toBe('2026-11-30T17:30');
    // 06:30 and 17:00 are not in it (the cartesian product a single rule would give).
    expect(all.some((t) => t.endsWith('06:30') || t.endsWith('17:00'))).toBe(false);
  });

  it('"once" at several times on its day: one daily rule from that day to that day, read back naturally', () => {
    const r = buildWhen({ kind: 'once', date: '2026-12-01', times: ['17:30', '06:00'] });
    if (!r.ok) throw new Error('expected ok');
    expect(r.startsAt).toBeUndefined();
    expect(expand(r.rrule!)).toEqual(['2026-12-01T06:00', '2026-12-01T17:30']);
    expect(validateRecurrence(r.rrule!).count).toBe(2);
    expect(describeRrule(r.rrule!, 'vi')).toBe('ngày 01/12/2026 lúc 06:00, 17:30');
    expect(describeRrule(r.rrule!, 'en')).toBe('on 01/12/2026 at 06:00, 17:30');
    expect(describeRrule(r.rrule!, 'vi')).not.toContain('hằng ngày');
    // A single time stays a plain start time.
    expect(buildWhen({ kind: 'once', date: '2026-12-01', times: ['06:00', '06:00'] })).toEqual({
      ok: true,
      startsAt: '2026-12-01T06:00',
    });
  });

  it('weekly on Monday and Friday at 07:00 between two dates', () => {
    const r = buildWhen({
      kind: 'weekly',
      weekdays: ['FR', 'MO'],
      times: ['07:00'],
      from: '2026-12-01',
      until: '2026-12-14',
    });
    if (!r.ok) throw new Error('expected ok');
    expect(r.rrule).toContain('BYDAY=MO,FR');
    expect(expand(r.rrule!)).toEqual(['2026-12-04T07:00', '2026-12-07T07:00', '2026-12-11T07:00', '2026-12-14T07:00']);
  });

  it('names what is wrong, in both languages', () => {
    const bad = [
      buildWhen({ kind: 'once', date: '', times: ['06:00'] }),
      buildWhen({ kind: 'once', date: '2026-11-25', times: [] }),
      buildWhen({ kind: 'once', date: '2026-11-25', times: ['5:30 PM'] }),
      buildWhen({ kind: 'daily', times: [], from: '2026-11-24', until: '2026-11-30' }),
      buildWhen({ kind: 'daily', times: ['25:00'], from: '2026-11-24', until: '2026-11-30' }),
      buildWhen({ kind: 'daily', times: ['06:00'], from: '2026-11-30', until: '2026-11-24' }),
      buildWhen({ kind: 'weekly', weekdays: [], times: ['06:00'], from: '2026-11-24', until: '2026-11-30' }),
      buildWhen({ kind: 'daily', times: ['06:00'], from: '2026-01-01', until: '2027-06-01' }),
    ];
    for (const r of bad) {
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.vi.length && r.error.en.length).toBeTruthy();
    }
  });

  it('reads times as officials type them', () => {
    expect(parseTimes('6:00, 17:30')).toEqual(['06:00', '17:30']);
    expect(parseTimes('17h30 6h')).toEqual(['06:00', '17:30']);
    expect(parseTimes('06:00;06:00')).toEqual(['06:00']);
    expect(parseTimes('noon')).toBeNull();
  });

  it('describes a rule it wrote', () => {
    const r = buildWhen({
      kind: 'weekly',
      weekdays: ['MO', 'WE'],
      times: ['06:00', '17:30'],
      from: '2026-11-24',
      until: '2026-11-30',
    });
    const rule = 'rrule' in r && typeof r.rrule === 'string' ? r.rrule : '';
    expect(describeRrule(rule, 'vi')).toBe('T2, T4 lúc 06:00, 17:30 từ 24/11/2026 đến 30/11/2026');
    expect(describeRrule(rule, 'en')).toBe('Mon, Wed at 06:00, 17:30 from 24/11/2026 to 30/11/2026');
  });
});

describe('stored broadcast → when form (editing)', () => {
  it('gives back the form that wrote it, so an edit starts where the official left off', () => {
    const forms: WhenForm[] = [
      { kind: 'once', date: '2026-11-25', times: ['06:00'] },
      { kind: 'once', date: '2026-12-01', times: ['06:00', '17:30'] },
      { kind: 'daily', times: ['06:00', '17:30'], from: '2026-11-24', until: '2026-11-30' },
      { kind: 'weekly', weekdays: ['MO', 'FR'], times: ['07:00'], from: '2026-12-01', until: '2027-02-28' },
    ];
    for (const f of forms) {
      const r = buildWhen(f);
      if (!r.ok) throw new Error('expected ok');
      // The hub presents a stored start as Vietnam time with seconds and offset.
      expect(parseWhen({ startsAt: r.startsAt ? `${r.startsAt}:00+07:00` : null, rrule: r.rrule ?? null })).toEqual(f);
    }
  });

  it('keeps a rule written elsewhere as its text, still valid for the hub', () => {
    const rrule = 'DTSTART:20261201T000000\nRRULE:FREQ=MONTHLY;BYMONTHDAY=1;COUNT=12;BYHOUR=7;BYMINUTE=0;BYSECOND=0';
    const f = parseWhen({ startsAt: null, rrule });
    expect(f).toEqual({ kind: 'custom', rrule });
    expect(buildWhen(f)).toEqual({ ok: true, rrule });
    expect(validateRecurrence(rrule).count).toBe(12);
    expect(buildWhen({ kind: 'custom', rrule: 'FREQ=DAILY' })).toMatchObject({ ok: false });
  });
});
