import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import {
  VIETNAMESE_LETTERS,
  bitmapToAscii,
  bitmapToPng,
  bitmapsEqual,
  glyphFor,
  litDots,
  measureLine,
  missingGlyphs,
  renderLine,
  renderLines,
  VN5X7_METRICS,
} from './index.ts';

const key = (ch: string) => JSON.stringify(glyphFor(ch)!.rows);

describe('VN5X7 font', () => {
  it('draws every Vietnamese letter, upper and lower case, each different from all others', () => {
    expect(VIETNAMESE_LETTERS).toHaveLength(2 * (12 * 6 + 1));
    expect(missingGlyphs(VIETNAMESE_LETTERS.join(''))).toEqual([]);
    const seen = new Map<string, string>();
    for (const ch of VIETNAMESE_LETTERS) {
      const k = key(ch);
      expect(seen.get(k), `${ch} looks like ${seen.get(k)}`).toBeUndefined();
      seen.set(k, ch);
    }
  });

  it('marks sit above (tone over modifier) or below the letter, not on it', () => {
    const m = VN5X7_METRICS;
    const above = (ch: string) => glyphFor(ch)!.rows.slice(0, m.markRows).flat().filter(Boolean).length;
    const below = (ch: string) => glyphFor(ch)!.rows[m.lineHeight - 1]!.filter(Boolean).length;
    expect(above('a')).toBe(0);
    expect(above('á')).toBeGreaterThan(0);
    expect(above('ẩ')).toBeGreaterThan(above('â'));
    expect(below('ạ')).toBe(1);
    expect(below('a')).toBe(0);
    // the letter body is unchanged by its marks
    const body = (ch: string) => JSON.stringify(glyphFor(ch)!.rows.slice(m.markRows, m.markRows + m.bodyRows));
    expect(body('ẩ')).toBe(body('â'));
    expect(body('Ặ')).toBe(body('A'));
  });

  it('NFD input draws the same as NFC', () => {
    const s = 'Thông báo khẩn: bão số 3';
    expect(bitmapsEqual(renderLine(s.normalize('NFD')), renderLine(s))).toBe(true);
  });

  it('names what it cannot draw and draws a box for it, never a silent substitute', () => {
    expect(missingGlyphs('Số 3 ☂ 中')).toEqual(['☂', '中']);
    expect(litDots(renderLine('☂'))).toBeGreaterThan(0);
  });
});

describe('renderLines', () => {
  it('centres lines on the board and says when they do not fit', () => {
    const b = renderLines(['Bão'], { width: 40, height: 16 });
    expect([b.width, b.height]).toEqual([40, 16]);
    const w = measureLine('Bão');
    const cols = bitmapToAscii(b)
      .split('\n')
      .map((r) => r.indexOf('#'))
      .filter((i) => i >= 0);
    expect(Math.min(...cols)).toBe(Math.floor((40 - w) / 2));
    expect(() => renderLines(['a', 'b'], { width: 40, height: 16 })).toThrow(
      /2 line\(s\) need 28 dot rows \(14 per line\), the board has 16/,
    );
    expect(() => renderLines(['Thông báo khẩn'], { width: 40, height: 16 })).toThrow(
      /line 1 is \d+ dots wide, the board has 40/,
    );
    expect(renderLines(['Thông báo khẩn'], { width: 40, height: 16, strict: false }).width).toBe(40);
  });

  it('with diacritics differs from without, exactly in the mark rows', () => {
    const a = renderLine('bão số 3');
    const b = renderLine('bao so 3');
    expect(bitmapsEqual(a, b)).toBe(false);
    const rowsA = bitmapToAscii(a).split('\n');
    const rowsB = bitmapToAscii(b).split('\n');
    const differing = rowsA.map((r, i) => (r !== rowsB[i] ? i : -1)).filter((i) => i >= 0);
    expect(differing.every((y) => y < VN5X7_METRICS.markRows + 2)).toBe(true); // above the x-height
  });
});

describe('PNG preview', () => {
  it('encodes a bitmap that an independent decoder (pngjs) reads back dot for dot', () => {
    const bm = renderLines(['Đà Nẵng'], { width: 48, height: 16 });
    const png = PNG.sync.read(Buffer.from(bitmapToPng(bm, { scale: 3, gap: 1, on: [255, 0, 0], off: [0, 0, 40] })));
    expect([png.width, png.height]).toEqual([48 * 3, 16 * 3]);
    for (let y = 0; y < bm.height; y++) {
      for (let x = 0; x < bm.width; x++) {
        const i = (y * 3 * png.width + x * 3) * 4;
        const lit = png.data[i] === 255 && png.data[i + 2] === 0;
        expect(lit, `dot ${x},${y}`).toBe(bm.data[y * bm.width + x] === 1);
      }
    }
  });
});
