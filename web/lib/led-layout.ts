// How an LED message sits on the board, independent of any canvas: lines per page, which lines
// overflow the board width, where the content is at a moment of each display mode, and the lit
// dots in the boards' own 5×7 font. The canvas preview draws what this computes; the unit tests
// check it without a browser.
import { blit, createBitmap, measureLine, renderLine, VN5X7_METRICS } from '../../firmware-bridge/led/render/index.ts';

export type LedMode = 'hold' | 'scroll' | 'flash' | 'rollUp' | 'rollLeft';

export interface BoardSpec {
  id: string;
  /** Dots across and down. */
  width: number;
  height: number;
  /** Dot rows per text line. */
  lineHeight: number;
}

/**
 * A board's dot grid from the display it reports. Lines are the 5×7 font's 14 rows (marks above,
 * descenders below), stacked without a gap: how the driver draws a page as a picture.
 */
export const boardSpec = (d: { rows: number; columns: number }, lineHeight = 14): BoardSpec => ({ id: `${d.columns}x${d.rows}`, width: d.columns, height: d.rows, lineHeight });

export interface LedPageInput {
  lines: string[];
  mode: LedMode;
  seconds: number;
}

export interface PageLayout {
  lines: Array<{ text: string; width: number; overflow: boolean; y: number }>;
  /** Lines that do not fit under each other on the board. */
  hiddenLines: number;
  /** Widest line in dots. */
  contentWidth: number;
}

/** Text the board shows for a line: NFC (so "ẩ" is one character), control characters removed. */
export const cleanLine = (s: string) => s.replace(/[\u0000-\u001F\u007F-\u009F]/g, '').normalize('NFC');

export function layoutPage(page: LedPageInput, board: BoardSpec, measure: (text: string) => number): PageLayout {
  const rows = Math.max(1, Math.floor(board.height / board.lineHeight));
  const texts = page.lines.map(cleanLine);
  const shown = texts.slice(0, rows);
  // Centre the block vertically on the board, as the driver's picture rendering does.
  const top = Math.max(0, Math.floor((board.height - shown.length * board.lineHeight) / 2));
  const lines = shown.map((text, i) => {
    const width = Math.ceil(measure(text));
    return { text, width, overflow: width > board.width, y: top + i * board.lineHeight };
  });
  return { lines, hiddenLines: Math.max(0, texts.length - rows), contentWidth: Math.max(0, ...lines.map((l) => l.width)) };
}

/** x of a line: centred when it fits, else left-aligned (hold) — scroll moves it. */
export const lineX = (lineWidth: number, board: BoardSpec) => (lineWidth <= board.width ? Math.floor((board.width - lineWidth) / 2) : 0);

/**
 * Lit dots of a page's lines shifted by (dx, dy): the renderer the agent's driver and the board
 * simulator use (firmware-bridge/led/render), so a picture board previews exactly as it is drawn.
 */
export function pageDots(lines: string[], board: BoardSpec, dx = 0, dy = 0) {
  const layout = layoutPage({ lines, mode: 'hold', seconds: 1 }, board, (t) => measureLine(t));
  const bmp = createBitmap(board.width, board.height);
  const pad = Math.max(0, Math.floor((board.lineHeight - VN5X7_METRICS.lineHeight) / 2));
  for (const l of layout.lines) blit(bmp, renderLine(l.text), lineX(l.width, board) + dx, l.y + dy + pad);
  return { dots: bmp, layout };
}

export interface Frame {
  /** Horizontal shift applied to every line (dots). */
  dx: number;
  /** Vertical shift (dots). */
  dy: number;
  visible: boolean;
}

/**
 * Where the content is `t` ms into a page shown for `seconds` in `mode`. Scroll runs the text from
 * the right edge to off the left at `speed` dots per second, repeating; flash blinks at 2 Hz;
 * rollUp and rollLeft bring the page in over the first 600 ms and then hold it.
 */
export function frameAt(mode: LedMode, t: number, layout: PageLayout, board: BoardSpec, speed = 48): Frame {
  switch (mode) {
    case 'scroll': {
      const travel = board.width + layout.contentWidth;
      const pos = ((t / 1000) * speed) % travel;
      // Lines are drawn at lineX; shift so the text starts just off the right edge.
      const startShift = board.width - lineX(layout.contentWidth, board);
      return { dx: Math.round(startShift - pos), dy: 0, visible: true };
    }
    case 'flash':
      return { dx: 0, dy: 0, visible: Math.floor(t / 500) % 2 === 0 };
    case 'rollUp': {
      const k = Math.min(1, t / 600);
      return { dx: 0, dy: Math.round((1 - k) * board.height), visible: true };
    }
    case 'rollLeft': {
      const k = Math.min(1, t / 600);
      return { dx: Math.round((1 - k) * board.width), dy: 0, visible: true };
    }
    default:
      return { dx: 0, dy: 0, visible: true };
  }
}

/** Which page is up `t` ms into the message, and how far into it. */
export function pageAt(pages: Array<{ seconds: number }>, t: number): { index: number; t: number } {
  const total = pages.reduce((s, p) => s + p.seconds * 1000, 0);
  if (total <= 0) return { index: 0, t: 0 };
  let rest = t % total;
  for (let i = 0; i < pages.length; i++) {
    const ms = pages[i].seconds * 1000;
    if (rest < ms) return { index: i, t: rest };
    rest -= ms;
  }
  return { index: pages.length - 1, t: 0 };
}
