// The reflow lays an LED message out for the boards it reaches: words kept in order and whole (none
// lost or doubled, diacritics kept), every page taken by every board (the driver's own fit check,
// as the hub asks it), each page's mode and seconds kept, and a word wider than a board reported.
import { describe, expect, it } from 'vitest';
import { ALPHA_DEFAULT_DISPLAY, messageRefusals } from '../../firmware-bridge/browser.ts';
import { TEMPLATES } from './emergency-templates.ts';
import { boardView, type LedDisplay } from './led-boards.ts';
import { pagesFromText, pagesToText, reflowBlockText, reflowPages, reflowReason } from './led-reflow.ts';
import type { LedPageInput } from './led-layout.ts';

const D192: LedDisplay = {
  rows: 32,
  columns: 192,
  maxLineChars: 64,
  charset: 'ascii',
  vietnamese: 'picture',
  stripMarker: '[KD] ',
};
const U128: LedDisplay = { rows: 16, columns: 128, maxLineChars: 40, charset: 'unicode-utf8', vietnamese: 'picture' };
const P96: LedDisplay = { ...ALPHA_DEFAULT_DISPLAY }; // 96×16, no Vietnamese letters: a picture
const STRIP: LedDisplay = {
  rows: 16,
  columns: 120,
  maxLineChars: 20,
  charset: 'ascii',
  vietnamese: 'strip',
  stripMarker: '[KD] ',
};
const words = (pages: LedPageInput[]) => pages.flatMap((p) => p.lines.join(' ').split(/\s+/).filter(Boolean));

describe('reflowPages', () => {
  const sets: Array<[string, LedDisplay[]]> = [
    ['192×32', [D192]],
    ['128×16 UTF-8', [U128]],
    ['96×16 picture', [P96]],
    ['96×16 strip 20 chars', [STRIP]],
    ['all', [D192, U128, P96, STRIP]],
  ];
  for (const t of TEMPLATES)
    for (const [name, displays] of sets)
      it(`the ${t.id} template on ${name}: every page fits every board, words in order, none lost, mode and seconds kept`, () => {
        const r = reflowPages(t.pages, displays);
        expect(r.fits).toBe(true);
        expect(words(r.pages)).toEqual(words(t.pages)); // same words, same order, same letters and marks
        for (const d of displays) {
          expect(messageRefusals(r.pages, d)).toEqual([]); // what the hub asks
          for (const p of r.pages) expect(boardView([p], d).issues).toEqual([]); // nothing cut off either
        }
        for (const p of r.pages) expect(p).toMatchObject({ mode: t.pages[0].mode, seconds: t.pages[0].seconds });
      });

  it('a 96×16 picture board, which refuses the storm template as written, gets one balanced line per page', () => {
    expect(messageRefusals(TEMPLATES[0].pages, P96).length).toBeGreaterThan(0);
    const r = reflowPages(TEMPLATES[0].pages, [P96]);
    expect(r.pages.map((p) => p.lines)).toEqual([
      ['KHẨN CẤP:'],
      ['BÃO ĐỔ BỘ'],
      ['Chằng chống nhà,'],
      ['hạn chế ra đường'],
    ]);
    expect(r.changed).toBe(true);
  });

  it('a page that fits every board is left as written; an empty page is dropped', () => {
    const pages: LedPageInput[] = [
      { lines: ['Cắt nước', 'ngày mai'], mode: 'hold', seconds: 5 },
      { lines: [''], mode: 'hold', seconds: 5 },
    ];
    const r = reflowPages(pages, [D192]);
    expect(r.pages).toEqual([pages[0]]);
    const same = reflowPages([pages[0]], [D192]);
    expect(same.changed).toBe(false);
  });

  it('a line the writer started still starts a line; only the page that does not fit is laid out', () => {
    const pages: LedPageInput[] = [
      { lines: ['Ok'], mode: 'hold', seconds: 4 },
      { lines: ['Mất điện từ 8 giờ đến 11 giờ', 'Tổ dân phố số 5'], mode: 'rollUp', seconds: 12 },
    ];
    const r = reflowPages(pages, [U128]);
    expect(r.pages[0]).toEqual(pages[0]);
    const lines = r.pages.slice(1).flatMap((p) => p.lines);
    expect(lines.some((l) => l.includes('giờ Tổ'))).toBe(false);
    expect(lines.at(-1)).toBe('Tổ dân phố số 5');
    expect(r.pages.slice(1).every((p) => p.mode === 'rollUp' && p.seconds === 12)).toBe(true);
    expect(words(r.pages)).toEqual(words(pages));
  });

  it('a single word wider than a board cannot be reflowed: it is kept, named, and the layout does not fit', () => {
    const pages: LedPageInput[] = [
      { lines: ['Liên hệ www.phuonghadinh-thanhxuan.gov.vn ngay'], mode: 'hold', seconds: 8 },
    ];
    const r = reflowPages(pages, [D192, P96]);
    expect(r.fits).toBe(false);
    expect(r.overWide).toEqual([{ word: 'www.phuonghadinh-thanhxuan.gov.vn', page: 1, displays: [P96] }]);
    expect(words(r.pages)).toEqual(words(pages));
    expect(reflowBlockText(r)).toBe(
      'Không tự chia được: «www.phuonghadinh-thanhxuan.gov.vn» (trang 1) rộng hơn bảng 96×16. Một từ không thể ngắt xuống dòng; hãy viết ngắn hơn hoặc chọn chạy chữ.',
    );
  });

  it('more pages than the API takes is said, not sent', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Dòng số ${i + 1} dài`).join(' ');
    const r = reflowPages([{ lines: [long], mode: 'hold', seconds: 8 }], [P96]);
    expect(r.tooManyPages).toBe(true);
    expect(r.fits).toBe(false);
    expect(reflowBlockText(r)).toMatch(/^Không tự chia được: cần \d+ trang, tối đa 16\./);
  });

  it('says per board why: its lines and dots, and how many pages it became', () => {
    const r = reflowPages(TEMPLATES[0].pages, [P96]);
    expect(reflowReason(P96, ['Phường Hạ Đình'], TEMPLATES[0].pages, r.pages)).toBe(
      'Bảng 96×16 ở Phường Hạ Đình chỉ hiện 1 dòng, mỗi dòng tối đa 96 chấm: chia thành 4 trang',
    );
  });
});

describe('the emergency text box: a blank line starts a page', () => {
  it('round trip', () => {
    const pages: LedPageInput[] = [
      { lines: ['KHẨN CẤP:'], mode: 'flash', seconds: 8 },
      { lines: ['BÃO ĐỔ BỘ', 'Ở nhà'], mode: 'flash', seconds: 8 },
    ];
    expect(pagesToText(pages)).toBe('KHẨN CẤP:\n\nBÃO ĐỔ BỘ\nỞ nhà');
    expect(pagesFromText(pagesToText(pages), 'flash', 8)).toEqual(pages);
    expect(pagesFromText('a\n\n\n\nb  \n\n', 'hold', 3)).toEqual([
      { lines: ['a'], mode: 'hold', seconds: 3 },
      { lines: ['b'], mode: 'hold', seconds: 3 },
    ]);
  });
});
