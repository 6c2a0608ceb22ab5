import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './emergency-templates.ts';
import { boardView, type LedDisplay } from './led-boards.ts';
import { confirmSummary, failureText, reachOf, refusingBoards, summaryText } from './send-check.ts';

const DEMO: LedDisplay = { rows: 32, columns: 192, maxLineChars: 64, charset: 'ascii', vietnamese: 'picture' };
const UTF8: LedDisplay = { rows: 32, columns: 192, maxLineChars: 64, charset: 'unicode-utf8', vietnamese: 'picture' };

describe('emergency templates', () => {
  it('fit a 192×32 board, as a picture and in a Vietnamese font, with no warning at all', () => {
    for (const t of TEMPLATES)
      for (const d of [DEMO, UTF8]) expect(boardView(t.pages, d).issues, `${t.id} on ${d.charset}`).toEqual([]);
  });
});

describe('send checks', () => {
  it('a reported board that would refuse is named with its issues; an unreported one is not counted as refusing', () => {
    const pages = [{ lines: ['KHẨN CẤP', 'Hạn chế ra đường, chằng chống nhà cửa'], mode: 'hold' as const, seconds: 8 }];
    const r = refusingBoards(pages, [
      { id: 'a', name: 'A', display: DEMO, assumed: false },
      { id: 'b', name: 'B', display: DEMO, assumed: true },
    ]);
    expect(r.map((x) => x.boards.map((b) => b.id))).toEqual([['a']]);
    expect(r[0].issues[0]).toMatchObject({ kind: 'refused', page: 1 });
  });

  it('reach counts devices by what they can play', () => {
    const devices = [
      { id: 's', name: 's', kind: 'speaker', areaPath: 'x/kg' },
      { id: 'l', name: 'l', kind: 'led', areaPath: 'x/hd' },
    ];
    expect(reachOf(devices, { areas: ['x/kg'] }, { audio: false, led: true })).toEqual({
      speakers: 1,
      boards: 0,
      reached: 0,
    });
    expect(reachOf(devices, { areas: ['x'] }, { audio: false, led: true })).toEqual({
      speakers: 1,
      boards: 1,
      reached: 1,
    });
    expect(reachOf(devices, { areas: [], devices: ['s'] }, { audio: true, led: false }).reached).toBe(1);
  });

  it('only played counts as confirmed; failures are counted apart', () => {
    const s = confirmSummary([{ state: 'failed' }, { state: 'scheduled' }, { state: 'awaiting-confirmation' }]);
    expect(summaryText(s)).toBe('Đã phát 0/3 · Lỗi 1');
    expect(s.done).toBe(false);
    const d = confirmSummary([{ state: 'played' }, { state: 'played' }, { state: 'failed' }]);
    expect(summaryText(d)).toBe('Đã phát 2/3 · Lỗi 1');
    expect(d.done).toBe(true);
  });

  it('a device failure in words an official understands', () => {
    expect(
      failureText(
        'LED board did not take the message: led-1: show failed (timeout): no answer from tcp 127.0.0.1:40123',
      ),
    ).toMatch(/^Thiết bị không liên lạc được với bảng LED/);
    expect(
      failureText(
        'LED board did not take the message: page 1 does not fit the 192×32 board as a picture: line 2 is 207 dots wide',
      ),
    ).toMatch(/^Bảng LED từ chối thông điệp vì nội dung không vừa bảng/);
    expect(failureText(null, 'missed')).toMatch(/^Không nhận được xác nhận/);
  });
});
