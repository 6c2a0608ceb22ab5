import { describe, expect, it } from 'vitest';
import { boardSpec, cleanLine, frameAt, layoutPage, lineX, pageAt, pageDots } from './led-layout.ts';

const board = boardSpec({ rows: 32, columns: 192 }, 16); // two lines of 16 rows
const measure = (s: string) => [...s].length * 8; // a fixed-width stand-in for the canvas font

describe('LED preview layout', () => {
  it('keeps Vietnamese as composed characters and strips control codes', () => {
    const decomposed = 'Phu\u031Bo\u031B\u0300ng Ha\u0323 \u0110i\u0300nh'; // "Phường Hạ Đình" in NFD
    expect(cleanLine(decomposed)).toBe('Phường Hạ Đình');
    expect([...cleanLine(decomposed)].length).toBe(14);
    expect(cleanLine('KHẨN\u001B[31m CẤP\u0007')).toBe('KHẨN[31m CẤP');
  });

  it('centres a short page vertically and horizontally', () => {
    const l = layoutPage({ lines: ['BÃO SỐ 3'], mode: 'hold', seconds: 5 }, board, measure);
    expect(l.lines).toHaveLength(1);
    expect(l.lines[0].y).toBe(8);
    expect(l.lines[0].overflow).toBe(false);
    expect(lineX(l.lines[0].width, board)).toBe((192 - 64) / 2);
  });

  it('flags lines wider than the board and lines that do not fit under each other', () => {
    const l = layoutPage({ lines: ['Người dân hạn chế ra đường khi có bão', 'hai', 'ba'], mode: 'hold', seconds: 5 }, board, measure);
    expect(l.lines[0].overflow).toBe(true);
    expect(l.lines.map((x) => x.y)).toEqual([0, 16]);
    expect(l.hiddenLines).toBe(1);
    expect(lineX(l.lines[0].width, board)).toBe(0);
  });

  it('scroll enters from the right edge and leaves to the left', () => {
    const l = layoutPage({ lines: ['Người dân hạn chế ra đường khi có bão'], mode: 'scroll', seconds: 30 }, board, measure);
    const start = frameAt('scroll', 0, l, board);
    expect(start.dx + lineX(l.contentWidth, board)).toBe(board.width); // first dot just off the right edge
    const later = frameAt('scroll', 2000, l, board);
    expect(later.dx).toBe(start.dx - 96); // 48 dots per second
  });

  it('flash blinks at 2 Hz, rolls settle after 600 ms', () => {
    const l = layoutPage({ lines: ['A'], mode: 'flash', seconds: 5 }, board, measure);
    expect([0, 499, 500, 1000].map((t) => frameAt('flash', t, l, board).visible)).toEqual([true, true, false, true]);
    expect(frameAt('rollUp', 0, l, board).dy).toBe(32);
    expect(frameAt('rollUp', 600, l, board).dy).toBe(0);
    expect(frameAt('rollLeft', 300, l, board).dx).toBe(96);
    expect(frameAt('hold', 12345, l, board)).toEqual({ dx: 0, dy: 0, visible: true });
  });

  it('pages follow each other for their seconds and repeat', () => {
    const pages = [{ seconds: 6 }, { seconds: 4 }];
    expect(pageAt(pages, 0)).toEqual({ index: 0, t: 0 });
    expect(pageAt(pages, 6500)).toEqual({ index: 1, t: 500 });
    expect(pageAt(pages, 10_000)).toEqual({ index: 0, t: 0 });
  });
});

describe('LED preview with the board font (firmware-bridge/led/render)', () => {
  it('measures Vietnamese with the 5×7 font: 32 characters fill a 192-dot line, marks need no extra width', async () => {
    const { measureLine, missingGlyphs } = await import('../../firmware-bridge/led/render/index.ts');
    const m = (s: string) => measureLine(s);
    expect(m('ĐẠI ĐOÀN KẾT')).toBe(m('DAI DOAN KET'));
    const l = layoutPage({ lines: ['KHẨN CẤP: BÃO SỐ 3', 'Người dân hạn chế ra đường khi có bão lớn'], mode: 'hold', seconds: 8 }, board, m);
    expect(l.lines[0].overflow).toBe(false);
    expect(l.lines[1].overflow).toBe(true);
    expect(missingGlyphs('Phường Hạ Đình — 024 3858 1234')).toEqual([]);
  });

  it("a board's preview is dot for dot the picture its driver draws (the same font, centring and line height)", async () => {
    const { renderLines, bitmapToAscii } = await import('../../firmware-bridge/led/render/index.ts');
    for (const [display, lines] of [
      [{ rows: 16, columns: 96 }, ['Thông báo khẩn']],
      [{ rows: 32, columns: 192 }, ['KHẨN CẤP: BÃO SỐ 3', 'Phường Hạ Đình']],
      [{ rows: 48, columns: 160 }, ['Ủy ban nhân dân', 'phường Hạ Đình', 'thông báo']],
    ] as const) {
      const preview = pageDots([...lines], boardSpec(display)).dots;
      expect(bitmapToAscii(preview)).toBe(bitmapToAscii(renderLines(lines, { width: display.columns, height: display.rows })));
    }
  });
});
