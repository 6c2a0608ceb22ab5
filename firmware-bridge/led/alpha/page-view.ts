// What an Alpha board does with one page: shows it as text in its own font, draws it as a dot
// picture, shows it without diacritics behind a marker, or refuses it. planMessage (mapping.ts)
// builds the frames from this and the web UI's preview shows each target board with it, so the two
// cannot disagree. Pure and without zod: the web bundles it.
import type { z } from 'zod';
import type { LedDisplayMode } from '../../../protocol/schemas.ts';
import { ledLength } from '../text.ts';
import { renderLines, RenderError, missingGlyphs, type Bitmap, type RenderMisfit } from '../render/index.ts';
import { type Charset, CharsetError, stripDiacritics, unsupportedChars, describeChar } from './charset.ts';

type Mode = z.infer<typeof LedDisplayMode>;

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

export type PageRendering = 'text' | 'picture' | 'stripped';

/** The part of a board's settings that decides how text reaches it. */
export interface BoardTextSettings {
  charset: Charset;
  /** What to do with text the charset cannot carry. */
  vietnamese: 'picture' | 'strip';
  /** Prefix of a page sent without diacritics. */
  stripMarker: string;
  /** Board matrix: dot rows and columns. */
  rows: number;
  columns: number;
  /** Longest text line, in characters. */
  maxLineChars: number;
}

/** Why the driver refuses a page (the board keeps what it showed and the play fails). */
export type PageRefusal =
  | { kind: 'no-glyph'; chars: string[] }
  | { kind: 'picture-misfit'; misfit: RenderMisfit }
  | { kind: 'picture-too-wide'; width: number }
  | { kind: 'charset'; chars: string[] }
  | { kind: 'marker-too-long'; line: number; chars: number; max: number };

export interface PageView {
  rendering: PageRendering;
  /** What the board shows and reads back, line by line; for a picture, the lines it draws. */
  lines: string[];
  /** Characters the charset lacks: why the page is a picture or stripped. */
  lacking: string[];
  /** The dot picture of a 'picture' page the board takes. */
  bitmap?: Bitmap;
  /** Set when the driver refuses the page; `error` is what show() fails with. */
  refusal?: PageRefusal & { error: Error };
}

/** A SMALL DOTS PICTURE is at most 255 dots wide. */
export const MAX_PICTURE_WIDTH = 255;

/**
 * One page on the board. `lines` are already cleaned and within maxLineChars (prepareLedLines);
 * `page` (1-based) only names the page in error messages.
 */
export function viewPage(lines: readonly string[], mode: Mode, s: BoardTextSettings, page = 1): PageView {
  const lacking = unsupportedChars(lines.join('\n'), s.charset);
  const shown = [...lines];
  if (lacking.length === 0) return { rendering: 'text', lines: shown, lacking };
  const refuse = (rendering: PageRendering, viewLines: string[], refusal: PageRefusal, error: Error): PageView => ({
    rendering,
    lines: viewLines,
    lacking,
    refusal: { ...refusal, error },
  });

  if (s.vietnamese === 'picture') {
    const missing = missingGlyphs(shown.join(''));
    if (missing.length)
      return refuse(
        'picture',
        shown,
        { kind: 'no-glyph', chars: missing },
        new PlanError(`page ${page}: the dot-matrix font cannot draw ${missing.map(describeChar).join(', ')}`),
      );
    // Moving pages may be wider than the board: the board moves the picture across.
    const moving = mode === 'scroll' || mode === 'rollLeft';
    let bitmap: Bitmap;
    try {
      bitmap = renderLines(shown, { width: moving ? undefined : s.columns, height: s.rows });
      if (moving && bitmap.width < s.columns) bitmap = renderLines(shown, { width: s.columns, height: s.rows });
    } catch (e) {
      if (!(e instanceof RenderError) || !e.misfit) throw e;
      return refuse(
        'picture',
        shown,
        { kind: 'picture-misfit', misfit: e.misfit },
        new PlanError(`page ${page} does not fit the ${s.columns}×${s.rows} board as a picture: ${e.message}`),
      );
    }
    if (bitmap.width > MAX_PICTURE_WIDTH) {
      return refuse(
        'picture',
        shown,
        { kind: 'picture-too-wide', width: bitmap.width },
        new PlanError(
          `page ${page} is ${bitmap.width} dots wide as a picture; a SMALL DOTS PICTURE holds at most ${MAX_PICTURE_WIDTH}`,
        ),
      );
    }
    return { rendering: 'picture', lines: shown, lacking, bitmap };
  }

  const stripped = shown.map(stripDiacritics);
  stripped[0] = s.stripMarker + (stripped[0] ?? '');
  const still = unsupportedChars(stripped.join('\n'), s.charset);
  if (still.length)
    return refuse('stripped', stripped, { kind: 'charset', chars: still }, new CharsetError(s.charset, still));
  for (const [l, line] of stripped.entries()) {
    if (ledLength(line) > s.maxLineChars) {
      return refuse(
        'stripped',
        stripped,
        { kind: 'marker-too-long', line: l + 1, chars: ledLength(line), max: s.maxLineChars },
        new PlanError(
          `page ${page} line ${l + 1} with the marker "${s.stripMarker}" has ${ledLength(line)} characters, more than the ${s.maxLineChars} this board shows`,
        ),
      );
    }
  }
  return { rendering: 'stripped', lines: stripped, lacking };
}
