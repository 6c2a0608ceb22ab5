// The canonical text of an LED message: what the board status reports and what receipts carry as
// evidence. The agent computes it from what it sent and compares it with the board's read-back.
// LED text is plain text: markup is shown as typed; only control characters are removed.

/** C0 controls except newline, DEL and C1 controls: sign protocols use them as framing bytes. */
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface CleanText {
  /** NFC-normalised, control characters removed; may contain '\n' (a line break). */
  text: string;
  /** What was removed or replaced, as "U+001B". */
  removed: string[];
}

const codeLabel = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

export function cleanLedText(input: string): CleanText {
  const removed: string[] = [];
  const text = input
    .replace(CONTROL, (c) => {
      removed.push(codeLabel(c));
      return '';
    })
    .replace(LONE_SURROGATE, (c) => {
      removed.push(codeLabel(c));
      return '\uFFFD';
    })
    // NFC after stripping, so a control between a letter and its combining mark does not split them.
    .normalize('NFC');
  return { text, removed };
}

/** Characters as a sign counts them: code points after NFC ("ẩ" is one). */
export const ledLength = (line: string) => [...line].length;

/** The lines of one page as shown: cleaned, with embedded newlines turned into line breaks. */
export function ledPageLines(lines: readonly string[]): string[] {
  return lines.flatMap((l) => cleanLedText(l).text.split('\n'));
}

/** Pages joined with a blank line, lines with '\n'. */
export function ledPagesToText(pages: readonly (readonly string[])[]): string {
  return pages.map((p) => p.join('\n')).join('\n\n');
}

export function ledMessageToText(msg: { pages: ReadonlyArray<{ lines: readonly string[] }> }): string {
  return ledPagesToText(msg.pages.map((p) => ledPageLines(p.lines)));
}

const preview = (s: string) => (ledLength(s) > 24 ? `${[...s].slice(0, 24).join('')}…` : s);

/**
 * Cleans every line of every page and checks that it fits the board, before anything is sent:
 * an invalid message changes nothing on the street. Throws an Error naming page, line and text.
 */
export function prepareLedLines(
  pages: ReadonlyArray<{ lines: readonly string[] }>,
  maxLineChars: number,
): { pages: string[][]; warnings: string[] } {
  const out: string[][] = [];
  const warnings: string[] = [];
  for (const [p, page] of pages.entries()) {
    const lines: string[] = [];
    for (const [l, raw] of page.lines.entries()) {
      const where = `page ${p + 1} line ${l + 1}`;
      const { text, removed } = cleanLedText(raw);
      if (removed.length) warnings.push(`${where}: removed control characters ${[...new Set(removed)].join(' ')}`);
      for (const line of text.split('\n')) {
        if (ledLength(line) > maxLineChars)
          throw new Error(
            `${where} has ${ledLength(line)} characters, more than the ${maxLineChars} this board shows: "${preview(line)}"`,
          );
        lines.push(line);
      }
    }
    out.push(lines);
  }
  return { pages: out, warnings };
}
