import { describe, expect, it } from 'vitest';
import { ledLength, measureLine } from '../../firmware-bridge/browser.ts';
import { ASSUMED_DISPLAY, boardView, countLines } from './led-boards.ts';
import { ledPagesFromText, wrapWords } from './tts-led.ts';

const TEXT =
  'UBND phường Hạ Đình thông báo: từ 7h30 ngày 30/4/2026, TDP số 5 tổ chức tổng vệ sinh môi trường. Đề nghị bà con tham gia đầy đủ.';

describe('a typed bulletin on the LED boards', () => {
  it('wraps at word boundaries within the line limit, keeping every word and its diacritics', () => {
    const lines = wrapWords(TEXT, 24);
    expect(lines.every((l) => ledLength(l) <= 24)).toBe(true);
    expect(lines.join(' ')).toBe(TEXT);
    expect(lines[0]).toBe('UBND phường Hạ Đình');
  });
  it('starts a new line at each line break and cuts a word longer than a line', () => {
    expect(wrapWords('Thông báo\nKhẩn', 30)).toEqual(['Thông báo', 'Khẩn']);
    expect(wrapWords('https://phuonghadinh.gov.vn/thong-bao', 10)).toEqual([
      'https://ph',
      'uonghadinh',
      '.gov.vn/th',
      'ong-bao',
    ]);
  });
  it('groups the lines into pages the boards show at once, each long enough to read, none over the limit', () => {
    const { pages, cut } = ledPagesFromText(TEXT, { lines: 2, maxChars: 32 });
    expect(cut).toBe(false);
    expect(pages.every((p) => p.lines.length <= 2 && p.mode === 'hold' && p.seconds >= 5 && p.seconds <= 30)).toBe(
      true,
    );
    expect(countLines(pages, 32).some((c) => c.over)).toBe(false);
    expect(pages.flatMap((p) => p.lines).join(' ')).toBe(TEXT);
  });
  it('keeps each still page as narrow as the smallest board, so no board refuses it', () => {
    const display = ASSUMED_DISPLAY; // an Alpha board: 96×16, no Vietnamese letters, so pictures
    const { pages } = ledPagesFromText(TEXT, { lines: 1, maxChars: 64, columns: 96 });
    expect(pages.every((p) => p.lines.length === 1 && measureLine(p.lines[0]) <= 96)).toBe(true);
    expect(boardView(pages, display).refused).toBe(false);
    expect(pages.flatMap((p) => p.lines).join(' ')).toBe(TEXT);
    // Wrapped to characters alone, the same text would be refused by that board.
    expect(boardView(ledPagesFromText(TEXT, { lines: 1, maxChars: 64 }).pages, display).refused).toBe(true);
  });
  it('stops at the 16 pages the API takes and says so', () => {
    const { pages, cut } = ledPagesFromText('Thông báo khẩn. '.repeat(200), { lines: 1, maxChars: 20 });
    expect(pages).toHaveLength(16);
    expect(cut).toBe(true);
  });
});
