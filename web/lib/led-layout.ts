// How an LED message sits on the board, independent of any canvas: lines per page, which lines
// overflow the board width, where the content is at a moment of each display mode, and the lit
// dots in the boards' own 5×7 font. The canvas preview draws what this computes; the unit tests
// check it without a browser. Text is cleaned and split into lines by the driver's own function
// (firmware-bridge/led/text.ts), pictures drawn by its renderer (firmware-bridge/led/render).
import {
  blit,
  createBitmap,
  measureLine,
  renderLines,
  VN5X7_METRICS,
  type Bitmap,
  ledPageLines,
} from '../../firmware-bridge/browser.ts';

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
export const boardSpec = (d: { rows: number; columns: number }, lineHeight = 14): BoardSpec => ({
  id: `${d.columns}x${d.rows}`,
  width: d.columns,
  height: d.rows,
  lineHeight,
});

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

/**
 * Where a page's lines sit on the board. The lines are cleaned as the driver cleans them
 * (ledPageLines: NFC, so "ẩ" is one character; control characters removed; a line break in a line
 * starts a new line).
 */
export function layoutPage(page: LedPageInput, board: BoardSpec, measure: (text: string) => number): PageLayout {
  const rows = Math.max(1, Math.floor(board.height / board.lineHeight));
  const texts = ledPageLines(page.lines);
  const shown = texts.slice(0, rows);
  // Centre the block vertically on the board, as the driver's picture rendering does.
  const top = Math.max(0, Math.floor((board.height - shown.length * board.lineHeight) / 2));
  const lines = shown.map((text, i) => {
    const width = Math.ceil(measure(text));
    return { text, width, overflow: width > board.width, y: top + i * board.lineHeight };
  });
  return {
    lines,
    hiddenLines: Math.max(0, texts.length - rows),
    contentWidth: Math.max(0, ...lines.map((l) => l.width)),
  };
}

/** x of a line: centred when it fits, else left-aligned (hold) — scroll moves it. */
export const lineX = (lineWidth: number, board: BoardSpec) =>
  lineWidth <= board.width ? Math.floor((board.width - lineWidth) / 2) : 0;

/** A page drawn once for the preview: its lit dots and where its lines sit. */
export interface PagePicture {
  /** The board's size, or wider for a moving page whose lines are wider than the board. */
  dots: Bitmap;
  layout: PageLayout;
}

const isMoving = (mode: LedMode) => mode === 'scroll' || mode === 'rollLeft';

/**
 * A page's lines in the boards' 5×7 font, drawn once; each frame of the animation only shifts it
 * (frameDots). `drawn`: the picture the driver itself renders for the page (PageView.bitmap), used
 * as it is. Otherwise the lines that fit under each other are drawn by the same renderer the
 * agent's driver and the board simulator use (firmware-bridge/led/render), centred the same way:
 * on the board, or for a moving page across the widest line; what does not fit is cut off.
 */
export function pagePicture(lines: string[], mode: LedMode, board: BoardSpec, drawn?: Bitmap): PagePicture {
  const layout = layoutPage({ lines, mode, seconds: 1 }, board, (t) => measureLine(t));
  if (drawn) return { dots: drawn, layout };
  const width = isMoving(mode) ? Math.max(board.width, layout.contentWidth) : board.width;
  const lineGap = Math.max(0, board.lineHeight - VN5X7_METRICS.lineHeight);
  const dots = renderLines(
    layout.lines.map((l) => l.text),
    { width, height: board.height, lineGap, strict: false },
  );
  return { dots, layout };
}

/** The board at one frame: the page's picture shifted by (dx, dy) and cut to the board. */
export function frameDots(picture: Bitmap, board: BoardSpec, dx = 0, dy = 0): Bitmap {
  if (dx === 0 && dy === 0 && picture.width === board.width && picture.height === board.height) return picture;
  const out = createBitmap(board.width, board.height);
  blit(out, picture, dx, dy);
  return out;
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
