// Text + bitmap font → 1-bit bitmap, the way a dot-matrix LED board draws it. Pure: no Node APIs
// (the web UI bundles this for its live LED preview), no I/O, deterministic.
import { glyphFor, VN5X7_METRICS, type FontMetrics, type Glyph } from './font-vn5x7.ts';

/** A 1-bit picture: data[y * width + x] is 1 when the dot is lit. */
export interface Bitmap {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What did not fit, for callers that explain it in their own words (the web preview). */
export type RenderMisfit =
  | { kind: 'rows'; lines: number; need: number; have: number }
  | { kind: 'width'; line: number; width: number; have: number };

export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    message: string,
    readonly misfit?: RenderMisfit,
  ) {
    super(message);
  }
}

export function createBitmap(width: number, height: number): Bitmap {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new RangeError(`bitmap size must be non-negative integers, got ${width}x${height}`);
  }
  return { width, height, data: new Uint8Array(width * height) };
}

export const getDot = (b: Bitmap, x: number, y: number) =>
  x >= 0 && y >= 0 && x < b.width && y < b.height ? b.data[y * b.width + x]! : 0;

/** Copies src into dst with its top-left corner at (x, y); dots outside dst are cut off. */
export function blit(dst: Bitmap, src: Bitmap, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    for (let sx = 0; sx < src.width; sx++) {
      const dx = x + sx;
      if (dx < 0 || dx >= dst.width) continue;
      if (src.data[sy * src.width + sx]) dst.data[dy * dst.width + dx] = 1;
    }
  }
}

export function bitmapsEqual(a: Bitmap, b: Bitmap): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

export const litDots = (b: Bitmap) => b.data.reduce((n, v) => n + (v ? 1 : 0), 0);

/** '#' and '.' rows, for tests, logs and docs. */
export function bitmapToAscii(b: Bitmap): string {
  const rows: string[] = [];
  for (let y = 0; y < b.height; y++) {
    let r = '';
    for (let x = 0; x < b.width; x++) r += b.data[y * b.width + x] ? '#' : '.';
    rows.push(r);
  }
  return rows.join('\n');
}

export interface RenderFont {
  metrics: FontMetrics;
  glyph(ch: string): Glyph | null;
}

export const VN5X7: RenderFont = { metrics: VN5X7_METRICS, glyph: (ch) => glyphFor(ch) };

/** The characters of a line the font cannot draw (deduplicated, in order). */
export function missingGlyphs(text: string, font: RenderFont = VN5X7): string[] {
  const out: string[] = [];
  for (const ch of text.normalize('NFC')) if (!font.glyph(ch) && !out.includes(ch)) out.push(ch);
  return out;
}

/** A hollow box, drawn where the font lacks a character (never a silent substitute). */
function missingBox(m: FontMetrics): Glyph {
  const w = 5;
  const rows = Array.from({ length: m.lineHeight }, (_, y) =>
    Array.from({ length: w }, (_, x) => {
      const top = m.markRows,
        bottom = m.markRows + m.bodyRows - 1;
      if (y < top || y > bottom) return false;
      return y === top || y === bottom || x === 0 || x === w - 1;
    }),
  );
  return { width: w, rows };
}

/** Width in dots of one line of text. */
export function measureLine(text: string, font: RenderFont = VN5X7): number {
  let w = 0;
  let n = 0;
  for (const ch of text.normalize('NFC')) {
    w += (font.glyph(ch) ?? missingBox(font.metrics)).width;
    n++;
  }
  return n ? w + (n - 1) * font.metrics.spacing : 0;
}

/** One line of text as a bitmap exactly as wide as the text and one line high. */
export function renderLine(text: string, font: RenderFont = VN5X7): Bitmap {
  const m = font.metrics;
  const b = createBitmap(measureLine(text, font), m.lineHeight);
  let x = 0;
  for (const ch of text.normalize('NFC')) {
    const g = font.glyph(ch) ?? missingBox(m);
    for (let y = 0; y < m.lineHeight; y++) {
      const row = g.rows[y]!;
      for (let gx = 0; gx < g.width; gx++) if (row[gx]) b.data[y * b.width + x + gx] = 1;
    }
    x += g.width + m.spacing;
  }
  return b;
}

export interface PageLayout {
  /** Board width in dots; default: the widest line. */
  width?: number;
  /** Board height in dots; default: the lines' height. */
  height?: number;
  /** 'center' (default) or 'left'. */
  align?: 'center' | 'left';
  /** Extra blank rows between lines. Default 0 (the font's mark zone already separates lines). */
  lineGap?: number;
  /** Fail when the text does not fit (default true); false cuts it off, e.g. for a preview. */
  strict?: boolean;
}

/** Lines stacked top to bottom, each centred, the block centred vertically. */
export function renderLines(lines: readonly string[], layout: PageLayout = {}, font: RenderFont = VN5X7): Bitmap {
  const m = font.metrics;
  const gap = layout.lineGap ?? 0;
  const rendered = lines.map((l) => renderLine(l, font));
  const contentW = Math.max(0, ...rendered.map((r) => r.width));
  const contentH = rendered.length * m.lineHeight + Math.max(0, rendered.length - 1) * gap;
  const width = layout.width ?? contentW;
  const height = layout.height ?? contentH;
  if (layout.strict !== false) {
    if (contentH > height) {
      throw new RenderError(
        `${lines.length} line(s) need ${contentH} dot rows (${m.lineHeight} per line), the board has ${height}`,
        {
          kind: 'rows',
          lines: lines.length,
          need: contentH,
          have: height,
        },
      );
    }
    rendered.forEach((r, i) => {
      if (r.width > width)
        throw new RenderError(`line ${i + 1} is ${r.width} dots wide, the board has ${width}: "${lines[i]}"`, {
          kind: 'width',
          line: i + 1,
          width: r.width,
          have: width,
        });
    });
  }
  const b = createBitmap(width, height);
  const top = Math.max(0, Math.floor((height - contentH) / 2));
  rendered.forEach((r, i) => {
    const x = layout.align === 'left' ? 0 : Math.floor((width - r.width) / 2);
    blit(b, r, Math.max(0, x), top + i * (m.lineHeight + gap));
  });
  return b;
}
