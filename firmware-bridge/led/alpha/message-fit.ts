// Whether a board takes a message, page by page, decided by the driver's own functions (the line
// limit of prepareLedLines and viewPage's picture and charset checks). The web preview and the
// hub's API both ask this, so the form, the API and the board refuse exactly the same messages.
// Pure and without zod: the web bundles it.
import type { LedDisplay, LedDisplayMode } from '../../../protocol/schemas.ts';
import type { z } from 'zod';
import { ALPHA_DEFAULT_DISPLAY } from '../display.ts';
import { ledLength, ledPageLines } from '../text.ts';
import { viewPage, type PageRefusal, type PageView } from './page-view.ts';

type Mode = z.infer<typeof LedDisplayMode>;

/** Why the board refuses the whole message (it keeps what it showed; the play fails there). */
export type MessageRefusal =
  | { kind: 'too-many-chars'; page: number; line: number; chars: number; max: number }
  | { kind: 'refused'; page: number; refusal: PageRefusal };

/**
 * A page's lines as the composer sends them: trailing spaces and trailing empty lines dropped. A
 * page of nothing but empty lines comes out empty (and is not sent at all).
 */
export function sentLines(lines: readonly string[]): string[] {
  const trimmed = lines.map((l) => l.trimEnd());
  while (trimmed.length > 0 && !trimmed[trimmed.length - 1]) trimmed.pop();
  return trimmed;
}

/** One page (1-based `page`) on a board with `display`: what it shows, and what makes it refuse. */
export function fitPage(
  rawLines: readonly string[],
  mode: Mode,
  display: LedDisplay,
  page: number,
): { view: PageView; refusals: MessageRefusal[] } {
  const settings = { ...display, stripMarker: display.stripMarker ?? ALPHA_DEFAULT_DISPLAY.stripMarker };
  const lines = ledPageLines(sentLines(rawLines)); // cleaned and split as the driver does
  const refusals: MessageRefusal[] = [];
  lines.forEach((l, j) => {
    if (ledLength(l) > display.maxLineChars)
      refusals.push({ kind: 'too-many-chars', page, line: j + 1, chars: ledLength(l), max: display.maxLineChars });
  });
  const view = viewPage(lines, mode, settings, page);
  if (view.refusal) {
    const { error: _, ...refusal } = view.refusal;
    refusals.push({ kind: 'refused', page, refusal });
  }
  return { view, refusals };
}

/** Everything that makes a board with `display` refuse the message; empty when it takes it. */
export function messageRefusals(
  pages: ReadonlyArray<{ lines: readonly string[]; mode: Mode }>,
  display: LedDisplay,
): MessageRefusal[] {
  return pages.flatMap((p, i) =>
    p.lines.some((l) => l.trim()) ? fitPage(p.lines, p.mode, display, i + 1).refusals : [],
  );
}
