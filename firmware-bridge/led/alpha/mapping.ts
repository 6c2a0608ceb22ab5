// LedMessage → Alpha files: the authoring mapping (documented in docs/led-boards.md).
//
//   page i (0-based)  → TEXT file label "ABCDEFGHIJKLMNOP"[i]
//   its lines         → ESC '0' (fill the display) + mode code + speed code, lines separated by CR
//   mode              → hold 'b', flash 'c', rollUp 'e', rollLeft 'g', scroll 'a' (rotate: a ticker)
//   seconds           → speed code 0x15 (1, slowest) … 0x19 (5, fastest): longer pages move slower.
//                       Alpha signs have no per-page duration; the agent holds the whole message for
//                       the item's duration.
//   the pages in order → run sequence E. S L <labels>; memory is allocated first with E$.
//
// Vietnamese on a board whose charset lacks it (charset 'ascii', or characters cp1258 lacks):
//   'picture' → the page is drawn with the VN5X7 font into a SMALL DOTS PICTURE (label
//               "QRSTUVWXYZabcdef"[i], board rows × columns) and the TEXT file calls it (0x14 label).
//   'strip'   → the page is sent without diacritics, its first line prefixed with the marker
//               (default "[KD] ", "không dấu"); the read-back is compared with that text, and the
//               board status says the diacritics were removed.
// Which of these a page gets, or why it is refused, is decided in page-view.ts (the web preview
// uses the same function).
import type { z } from 'zod';
import { LedMessage, type LedDisplayMode as LedDisplayModeSchema } from '../../../protocol/schemas.ts';

type LedDisplayMode = z.infer<typeof LedDisplayModeSchema>;
import { ledPagesToText, prepareLedLines } from '../text.ts';
import type { Bitmap } from '../render/index.ts';
import { type Charset, encodeText, decodeText } from './charset.ts';
import { viewPage, PlanError, type BoardTextSettings, type PageRendering } from './page-view.ts';
import { ascii, concat, CR, CALL_DOTS, ESC, SPEED_1, memDots, memText, NO_HOLD } from './protocol.ts';

export const TEXT_LABELS = 'ABCDEFGHIJKLMNOP';
export const PICTURE_LABELS = 'QRSTUVWXYZabcdef';

export const MODE_CODES: Record<LedDisplayMode, string> = {
  hold: 'b',
  flash: 'c',
  rollUp: 'e',
  rollLeft: 'g',
  scroll: 'a',
};
const MODE_BY_CODE = new Map(Object.entries(MODE_CODES).map(([k, v]) => [v, k as LedDisplayMode]));
export const modeFromCode = (c: string): LedDisplayMode | null => MODE_BY_CODE.get(c) ?? null;

/** Seconds on a page → Alpha speed 1 (slowest) … 5 (fastest). */
export function speedFor(seconds: number): number {
  if (seconds <= 4) return 5;
  if (seconds <= 6) return 4;
  if (seconds <= 9) return 3;
  if (seconds <= 14) return 2;
  return 1;
}

export type VietnameseFallback = BoardTextSettings['vietnamese'];

export { PlanError, type PageRendering };

export interface AlphaTextSettings extends BoardTextSettings {
  /** Colour digit for lit dots in pictures ('1' red, '2' green, '3' amber …). */
  dotColour: string;
}

export interface PagePlan {
  textLabel: string;
  mode: LedDisplayMode;
  seconds: number;
  /** The lines as the official wrote them (cleaned, NFC). */
  lines: string[];
  /** What the read-back should give for this page. */
  expectedLines: string[];
  rendering: PageRendering;
  /** TEXT file content. */
  content: Uint8Array;
  picture?: { label: string; rows: string[]; bitmap: Bitmap };
}

export interface MessagePlan {
  pages: PagePlan[];
  /** E$ data after the function label. */
  memoryConfig: string;
  /** E. data after the function label. */
  runSequence: string;
  /** ledMessageToText of the message: what the official wrote. */
  messageText: string;
  /** What the board should read back when it took the message as planned. */
  expectedText: string;
  /** Input the board altered (control characters removed). */
  warnings: string[];
  /** How the message went to the board, for the receipt ("page 1 sent as a 16×96 dot picture"). */
  notes: string[];
}

export function textFileContent(mode: LedDisplayMode, seconds: number, body: Uint8Array): Uint8Array {
  return concat(
    Uint8Array.of(ESC),
    ascii(`0${MODE_CODES[mode]}`),
    Uint8Array.of(SPEED_1 + speedFor(seconds) - 1),
    body,
  );
}

/** Bitmap → SMALL DOTS PICTURE rows. */
export const bitmapRows = (b: Bitmap, colour = '1') =>
  Array.from({ length: b.height }, (_, y) =>
    Array.from({ length: b.width }, (_, x) => (b.data[y * b.width + x] ? colour : '0')).join(''),
  );

export function planMessage(input: z.input<typeof LedMessage>, s: AlphaTextSettings): MessagePlan {
  const parsed = LedMessage.safeParse(input);
  if (!parsed.success)
    throw new PlanError(
      `not a valid LED message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const pages: PagePlan[] = [];
  let prepared: { pages: string[][]; warnings: string[] };
  try {
    prepared = prepareLedLines(parsed.data.pages, s.maxLineChars);
  } catch (e) {
    throw new PlanError((e as Error).message);
  }
  const warnings = prepared.warnings;
  const notes: string[] = [];
  for (const [p, page] of parsed.data.pages.entries()) {
    const lines = prepared.pages[p];
    const label = TEXT_LABELS[p]!;
    const view = viewPage(lines, page.mode, s, p + 1);
    if (view.refusal) throw view.refusal.error;
    const base = {
      textLabel: label,
      mode: page.mode,
      seconds: page.seconds,
      lines,
      expectedLines: view.lines,
      rendering: view.rendering,
    };
    if (view.rendering === 'picture') {
      const bitmap = view.bitmap!;
      const picLabel = PICTURE_LABELS[p]!;
      const rows = bitmapRows(bitmap, s.dotColour);
      const content = textFileContent(page.mode, page.seconds, concat(Uint8Array.of(CALL_DOTS), ascii(picLabel)));
      pages.push({ ...base, content, picture: { label: picLabel, rows, bitmap } });
      notes.push(
        `page ${p + 1} sent as a ${bitmap.width}×${bitmap.height} dot picture (the board's ${s.charset} character set lacks ${view.lacking.slice(0, 5).join(' ')})`,
      );
      continue;
    }
    const body = joinLines(view.lines.map((l) => encodeText(l, s.charset)));
    pages.push({ ...base, content: textFileContent(page.mode, page.seconds, body) });
    if (view.rendering === 'stripped')
      notes.push(
        `page ${p + 1} shown without Vietnamese diacritics, marked "${s.stripMarker.trim()}" (the board's ${s.charset} character set lacks them)`,
      );
  }
  const mem = pages.map((pg) => memText(pg.textLabel, pg.content.length + 16));
  for (const pg of pages)
    if (pg.picture) mem.push(memDots(pg.picture.label, pg.picture.bitmap.height, pg.picture.bitmap.width));
  return {
    pages,
    memoryConfig: mem.join(''),
    runSequence: `SL${pages.map((pg) => pg.textLabel).join('')}`,
    messageText: ledPagesToText(pages.map((pg) => pg.lines)),
    expectedText: ledPagesToText(pages.map((pg) => pg.expectedLines)),
    warnings,
    notes,
  };
}

const joinLines = (parts: Uint8Array[]) => concat(...parts.flatMap((b, i) => (i === 0 ? [b] : [Uint8Array.of(CR), b])));

export interface ParsedTextFile {
  mode: LedDisplayMode | null;
  modeCode: string;
  position: string;
  speed: number | null;
  lines: string[];
  /** Labels of SMALL DOTS PICTUREs the file calls. */
  pictures: string[];
  /** Control codes this reader does not interpret, as "0x1C". */
  unknown: string[];
}

/** Reads the content of a TEXT file back into lines. Several ESC segments become further lines. */
export function parseTextFile(content: Uint8Array, charset: Charset): ParsedTextFile {
  const out: ParsedTextFile = {
    mode: null,
    modeCode: '',
    position: '',
    speed: null,
    lines: [],
    pictures: [],
    unknown: [],
  };
  let cur: number[] = [];
  let any = false;
  const flush = () => {
    if (any || cur.length) out.lines.push(decodeText(Uint8Array.from(cur), charset));
    cur = [];
    any = false;
  };
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (b === ESC) {
      if (out.modeCode) flush();
      out.position ||= String.fromCharCode(content[i + 1] ?? 0x20);
      const code = String.fromCharCode(content[i + 2] ?? 0x20);
      if (!out.modeCode) {
        out.modeCode = code;
        out.mode = modeFromCode(code);
      }
      i += code === 'n' ? 3 : 2;
      any = true;
    } else if (b === CR) {
      out.lines.push(decodeText(Uint8Array.from(cur), charset));
      cur = [];
      any = true;
    } else if (b >= SPEED_1 && b <= SPEED_1 + 4) {
      out.speed ??= b - SPEED_1 + 1;
    } else if (b === CALL_DOTS) {
      out.pictures.push(String.fromCharCode(content[i + 1] ?? 0x20));
      i += 1;
      any = true;
    } else if (b === NO_HOLD) {
      // timing only
    } else if (b < 0x20) {
      out.unknown.push(`0x${b.toString(16).padStart(2, '0').toUpperCase()}`);
    } else {
      cur.push(b);
    }
  }
  flush();
  // A page that is only a picture call has no text lines.
  if (out.pictures.length && out.lines.every((l) => l === '')) out.lines = [];
  return out;
}
