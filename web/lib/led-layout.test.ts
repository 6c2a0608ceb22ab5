import { describe, expect, it } from 'vitest';
import { boardSpec, frameAt, frameDots, layoutPage, lineX, pageAt, pagePicture } from './led-layout.ts';
import { ledPageLines } from '../../firmware-bridge/browser.ts';

const board = boardSpec({ rows: 32, columns: 192 }, 16); // two lines of 16 rows
const measure = (s: string) => [...s].length * 8; // a fixed-width stand-in for the canvas font

describe('LED preview layout', () => {
  it('keeps Vietnamese as composed characters and strips control codes', () => {
    const decomposed = 'Phu\u031Bo\u031B\u0300ng Ha\u0323 \u0110i\u0300nh'; // "Phường Hạ Đình" in NFD
    const text = (line: string) =>
      layoutPage({ lines: [line], mode: 'hold', seconds: 5 }, board, measure).lines.map((l) => l.text);
    expect(text(decomposed)).toEqual(['Phường Hạ Đình']);
    expect([...text(decomposed)[0]].length).toBe(14);
    expect(text('KHẨN\u001B[31m CẤP\u0007')).toEqual(['KHẨN[31m CẤP']);
  });

  it('cleans and splits lines exactly as the board driver does: a line break starts a new line', () => {
    const lines = ['KHẨN CẤP\nBÃO SỐ 3', 'Phu\u031Bo\u031B\u0300ng\r\u0085'];
    const l = layoutPage({ lines, mode: 'hold', seconds: 5 }, boardSpec({ rows: 48, columns: 192 }), measure);
    expect(l.lines.map((x) => x.text)).toEqual(ledPageLines(lines));
    expect(l.lines.map((x) => x.text)).toEqual(['KHẨN CẤP', 'BÃO SỐ 3', 'Phường']);
  });

  it('centres a short page vertically and horizontally', () => {
    const l = layoutPage({ lines: ['BÃO SỐ 3'], mode: 'hold', seconds: 5 }, board, measure);
    expect(l.lines).toHaveLength(1);
    expect(l.lines[0].y).toBe(8);
    expect(l.lines[0].overflow).toBe(false);
    expect(lineX(l.lines[0].width, board)).toBe((192 - 64) / 2);
  });

  it('flags lines wider than the board and lines that do not fit under each other', () => {
    const l = layoutPage(
      { lines: ['Người dân hạn chế ra đường khi có bão', 'hai', 'ba'], mode: 'hold', seconds: 5 },
      board,
      measure,
    );
    expect(l.lines[0].overflow).toBe(true);
    expect(l.lines.map((x) => x.y)).toEqual([0, 16]);
    expect(l.hiddenLines).toBe(1);
    expect(lineX(l.lines[0].width, board)).toBe(0);
  });

  it('scroll enters from the right edge and leaves to the left', () => {
    const l = layoutPage(
      { lines: ['Người dân hạn chế ra đường khi có bão'], mode: 'scroll', seconds: 30 },
      board,
      measure,
    );
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
    const { measureLine, missingGlyphs } = await import('../../firmware-bridge/browser.ts');
    const m = (s: string) => measureLine(s);
    expect(m('ĐẠI ĐOÀN KẾT')).toBe(m('DAI DOAN KET'));
    const l = layoutPage(
      { lines: ['KHẨN CẤP: BÃO SỐ 3', 'Người dân hạn chế ra đường khi có bão lớn'], mode: 'hold', seconds: 8 },
      board,
      m,
    );
    expect(l.lines[0].overflow).toBe(false);
    expect(l.lines[1].overflow).toBe(true);
    expect(missingGlyphs('Phường Hạ Đình — 024 3858 1234')).toEqual([]);
  });

  it("a board's preview is dot for dot the picture its driver draws (the same font, centring and line height)", async () => {
    const { renderLines, bitmapToAscii } = await import('../../firmware-bridge/browser.ts');
    for (const [display, lines] of [
      [{ rows: 16, columns: 96 }, ['Thông báo khẩn']],
      [{ rows: 32, columns: 192 }, ['KHẨN CẤP: BÃO SỐ 3', 'Phường Hạ Đình']],
      [{ rows: 48, columns: 160 }, ['Ủy ban nhân dân', 'phường Hạ Đình', 'thông báo']],
    ] as const) {
      const spec = boardSpec(display);
      const preview = frameDots(pagePicture([...lines], 'hold', spec).dots, spec);
      expect(bitmapToAscii(preview)).toBe(
        bitmapToAscii(renderLines(lines, { width: display.columns, height: display.rows })),
      );
    }
  });

  it('a page is drawn once and each frame shifts that drawing, cut to the board', async () => {
    const { bitmapToAscii, blit, createBitmap, renderLines } = await import(
      '../../firmware-bridge/led/render/index.ts'
    );
    const spec = boardSpec({ rows: 16, columns: 96 });
    const still = pagePicture(['Thông báo'], 'rollUp', spec);
    const shifted = frameDots(still.dots, spec, 0, 5);
    const expected = createBitmap(96, 16);
    blit(expected, renderLines(['Thông báo'], { width: 96, height: 16 }), 0, 5);
    expect(bitmapToAscii(shifted)).toBe(bitmapToAscii(expected));
    expect(frameDots(still.dots, spec)).toBe(still.dots); // nothing to shift: the drawing itself
    // The picture the driver already drew for a page is used as it is.
    const drawn = renderLines(['Thông báo'], { width: 96, height: 16 });
    expect(pagePicture(['Thông báo'], 'hold', spec, drawn).dots).toBe(drawn);
  });

  it('a scrolling line wider than the board is drawn whole, so its end comes into view', async () => {
    const { bitmapToAscii, blit, createBitmap, litDots, measureLine, renderLine } = await import(
      '../../firmware-bridge/led/render/index.ts'
    );
    const spec = boardSpec({ rows: 16, columns: 96 });
    const line = 'Người dân hạn chế ra đường khi có bão';
    const pic = pagePicture([line], 'scroll', spec);
    expect(pic.dots.width).toBe(measureLine(line));
    expect(litDots(pic.dots)).toBe(litDots(renderLine(line)));
    // Scrolled until the last dot column sits at the board's right edge: the end is lit.
    const end = frameDots(pic.dots, spec, spec.width - pic.dots.width, 0);
    const tail = createBitmap(spec.width, spec.height);
    blit(tail, renderLine(line), spec.width - measureLine(line), 1); // one line centred on 16 rows: top 1
    expect(bitmapToAscii(end)).toBe(bitmapToAscii(tail));
    expect(litDots(end)).toBeGreaterThan(0);
  });
});
