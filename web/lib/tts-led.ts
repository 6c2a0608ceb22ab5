// A typed bulletin as an LED message: the same words, wrapped at word boundaries to the lines the
// target boards take and grouped into pages of the lines they show at once. The composer's own
// checks (characters per line, lines per page, boards that would refuse) then apply as to any
// LED message; the official can still edit the pages.
import { ledLength, measureLine } from '../../firmware-bridge/browser.ts';
import type { LedPageInput } from './led-layout.ts';

/** The API's limit on pages (protocol/schemas.ts). */
export const MAX_PAGES = 16;

/**
 * Words of `text` in lines of at most `maxChars` characters and, given `columns`, at most that many
 * dots wide in the boards' 5×7 font (a board refuses a still page wider than itself); a word
 * longer than a line is cut.
 */
export function wrapWords(text: string, maxChars: number, columns = Infinity): string[] {
  const fits = (l: string) => ledLength(l) <= maxChars && measureLine(l) <= columns;
  const cutWord = (w: string) => {
    let n = 1;
    while (n < [...w].length && fits([...w].slice(0, n + 1).join(''))) n++;
    return n;
  };
  const lines: string[] = [];
  for (const paragraph of text.normalize('NFC').split(/\n+/)) {
    let line = '';
    for (let word of paragraph.split(/\s+/).filter(Boolean)) {
      while (!fits(word)) {
        if (line) lines.push(line);
        line = '';
        const n = cutWord(word);
        lines.push([...word].slice(0, n).join(''));
        word = [...word].slice(n).join('');
      }
      if (!word) continue;
      const next = line ? `${line} ${word}` : word;
      if (fits(next)) line = next;
      else {
        lines.push(line);
        line = word;
      }
    }
    if (line) lines.push(line);
  }
  return lines;
}

/**
 * Pages for the boards: `lines` lines each, shown long enough to read (about 12 characters a
 * second, 5 to 30 seconds a page). Returns the pages and whether the text had to be cut at the
 * API's 16 pages.
 */
export function ledPagesFromText(
  text: string,
  limits: { lines: number; maxChars: number; columns?: number },
): { pages: LedPageInput[]; cut: boolean } {
  const lines = wrapWords(text, limits.maxChars, limits.columns);
  const per = Math.max(1, Math.min(4, limits.lines));
  const pages: LedPageInput[] = [];
  for (let i = 0; i < lines.length && pages.length < MAX_PAGES; i += per) {
    const chunk = lines.slice(i, i + per);
    const chars = chunk.reduce((s, l) => s + ledLength(l), 0);
    pages.push({ lines: chunk, mode: 'hold', seconds: Math.min(30, Math.max(5, Math.ceil(chars / 12))) });
  }
  return { pages, cut: lines.length > MAX_PAGES * per };
}
