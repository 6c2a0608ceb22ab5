// Reflow and paging of an LED message to the boards it reaches: words re-broken into the lines every
// board holds (its width in dots, its characters per line, its lines per page, each judged by the
// same fit code as the preview and the hub: boardView → message-fit.ts), and pages split when the
// lines do not fit one page. Pure: unit-tested without a browser.
//
// Choices, and why:
// - A line the writer started stays a start of a line (a heading is not run into the text below it);
//   words within it flow freely. Empty lines are dropped: space is what a small board lacks.
// - A page that already fits every board is left as written; only the pages that do not are laid out.
// - Every page made from a page keeps its mode and its seconds: the writer chose the seconds for
//   reading that page, and each part carries less text, so it is at least as readable; a rate of
//   reading would put a number on screen the official never chose (an emergency is read from afar).
// - A single word wider than a board cannot be broken without changing it: it is kept (nothing is
//   lost) and reported, and the message stays blocked until the writer changes it.
import { boardView, linesShown, sentLines, sizeLabel, type LedDisplay, type TargetBoard } from './led-boards.ts';
import { ledLength, ledPageLines } from '../../firmware-bridge/browser.ts';
import type { LedPageInput } from './led-layout.ts';
import { tx } from './i18n.ts';

/** The API's most pages in one message (protocol/schemas.ts LedMessage). */
export const API_MAX_PAGES = 16;

export interface OverWideWord {
  word: string;
  /** The page of the written message it is on (1-based). */
  page: number;
  /** The displays it is too wide for, alone on a line. */
  displays: LedDisplay[];
}

export interface Reflow {
  pages: LedPageInput[];
  /** The layout differs from the written message. */
  changed: boolean;
  /** Words that fit no line of some board: the message cannot be made to fit. */
  overWide: OverWideWord[];
  /** More pages than the API takes. */
  tooManyPages: boolean;
  /** Every board takes every page of `pages` without cutting anything off. */
  fits: boolean;
}

const hasText = (p: LedPageInput) => p.lines.some((l) => l.trim());

/** The page shows on the board whole: nothing refused, nothing cut off or hidden. */
export const pageFits = (page: LedPageInput, d: LedDisplay) => boardView([page], d).issues.length === 0;
const fitsAll = (page: LedPageInput, displays: readonly LedDisplay[]) => displays.every((d) => pageFits(page, d));

/** The message shows whole on every one of `displays` (empty pages are not sent, so they fit). */
export const messageFits = (pages: LedPageInput[], displays: readonly LedDisplay[]) =>
  pages.every((p) => !hasText(p) || fitsAll(p, displays));

interface Flow {
  /** Pages done. */
  out: LedPageInput[];
  /** Lines of the page being filled. */
  lines: string[];
  overWide: OverWideWord[];
}

/**
 * One written line's words added to `f` (a copy comes back): each word on the current line if the
 * page still fits every board, else on a new line, else on a new page. `cap` (characters) keeps
 * lines shorter than the boards allow, to balance them (see reflowPage).
 */
function flowWords(
  f0: Flow,
  words: string[],
  page: LedPageInput,
  displays: readonly LedDisplay[],
  pageNo: number,
  cap = Infinity,
): Flow & { made: number } {
  const f: Flow = { out: [...f0.out], lines: [...f0.lines], overWide: [...f0.overWide] };
  const fits = (ls: string[]) => fitsAll({ ...page, lines: ls }, displays);
  let line: string | null = null;
  let made = 0;
  for (const word of words) {
    const longer: string | null = line === null ? null : `${line} ${word}`;
    if (longer !== null && ledLength(longer) <= cap && fits([...f.lines, longer])) {
      line = longer;
      continue;
    }
    if (line !== null) f.lines.push(line);
    made++;
    if (!fits([...f.lines, word])) {
      // No room for another line on this page.
      if (f.lines.length) f.out.push({ ...page, lines: f.lines });
      f.lines = [];
      if (!fits([word]))
        f.overWide.push({
          word,
          page: pageNo,
          displays: displays.filter((d) => !pageFits({ ...page, lines: [word] }, d)),
        });
    }
    line = word; // an over-wide word is kept too, so nothing is lost; the message stays blocked
  }
  if (line !== null) f.lines.push(line);
  return { ...f, made };
}

const pageCount = (f: Flow) => f.out.length + (f.lines.length ? 1 : 0);

/**
 * One page laid out for `displays`: the pages it becomes, and its words too wide for a board. A
 * written line that takes several lines is balanced: the shortest cap on characters that needs no
 * more lines or pages than filling each line to the full (so "KHẨN CẤP: / BÃO ĐỔ BỘ", not
 * "KHẨN CẤP: BÃO ĐỔ / BỘ").
 */
function reflowPage(
  page: LedPageInput,
  displays: readonly LedDisplay[],
  pageNo: number,
): { pages: LedPageInput[]; overWide: OverWideWord[] } {
  let f: Flow = { out: [], lines: [], overWide: [] };
  for (const written of ledPageLines(sentLines(page.lines))) {
    const words = written.split(/\s+/).filter(Boolean);
    if (!words.length) continue;
    const full = flowWords(f, words, page, displays, pageNo);
    let best: Flow = full;
    if (full.made > 1 && full.overWide.length === f.overWide.length) {
      const chars = ledLength(words.join(' '));
      for (let cap = Math.ceil(chars / full.made); cap < chars; cap++) {
        const tried = flowWords(f, words, page, displays, pageNo, cap);
        if (
          tried.made === full.made &&
          pageCount(tried) <= pageCount(full) &&
          tried.overWide.length === full.overWide.length
        ) {
          best = tried;
          break;
        }
      }
    }
    f = best;
  }
  if (f.lines.length) f.out.push({ ...page, lines: f.lines });
  return { pages: f.out, overWide: f.overWide };
}

/** The message laid out so that every one of `displays` shows every page whole (see the top of the file). */
export function reflowPages(pages: LedPageInput[], displays: readonly LedDisplay[]): Reflow {
  const out: LedPageInput[] = [];
  const overWide: OverWideWord[] = [];
  let changed = false;
  for (const [i, p] of pages.entries()) {
    if (!hasText(p)) {
      changed = true; // an empty page is not sent
      continue;
    }
    if (fitsAll(p, displays)) {
      out.push(p);
      continue;
    }
    const r = reflowPage(p, displays, i + 1);
    out.push(...r.pages);
    overWide.push(...r.overWide);
    changed = true;
  }
  return {
    pages: out,
    changed,
    overWide,
    tooManyPages: out.length > API_MAX_PAGES,
    fits: overWide.length === 0 && out.length <= API_MAX_PAGES && messageFits(out, displays),
  };
}

// ---- words (Vietnamese first) ----

/** "Bảng 96×16 ở Phường Hạ Đình chỉ hiện 1 dòng, mỗi dòng tối đa 96 chấm: chia thành 3 trang" */
export function reflowReason(d: LedDisplay, places: string[], before: LedPageInput[], after: LedPageInput[]): string {
  const n = linesShown(d);
  const at = places.length ? tx(` ở ${places.join(', ')}`, ` in ${places.join(', ')}`) : '';
  const limit = tx(
    `Bảng ${sizeLabel(d)}${at} chỉ hiện ${n} dòng, mỗi dòng tối đa ${d.columns} chấm`,
    `The ${sizeLabel(d)} board${at} shows only ${n} line(s), at most ${d.columns} dots each`,
  );
  const from = before.filter(hasText).length;
  const to = after.length;
  const result =
    to > from
      ? tx(`chia thành ${to} trang`, `split into ${to} pages`)
      : tx(`xuống dòng lại, vẫn ${to} trang`, `lines re-broken, still ${to} page(s)`);
  return `${limit}: ${result}`;
}

/** Why the message cannot be laid out to fit, or null when it can. */
export function reflowBlockText(r: Reflow): string | null {
  if (r.overWide.length) {
    const list = r.overWide
      .map((w) =>
        tx(
          `«${w.word}» (trang ${w.page}) rộng hơn bảng ${w.displays.map(sizeLabel).join(', ')}`,
          `«${w.word}» (page ${w.page}) is wider than the ${w.displays.map(sizeLabel).join(', ')} board`,
        ),
      )
      .join('; ');
    return tx(
      `Không tự chia được: ${list}. Một từ không thể ngắt xuống dòng; hãy viết ngắn hơn hoặc chọn chạy chữ.`,
      `Cannot lay it out: ${list}. A word cannot be broken across lines; write it shorter or use scroll.`,
    );
  }
  if (r.tooManyPages)
    return tx(
      `Không tự chia được: cần ${r.pages.length} trang, tối đa ${API_MAX_PAGES}. Hãy rút gọn thông điệp.`,
      `Cannot lay it out: it needs ${r.pages.length} pages, at most ${API_MAX_PAGES}. Shorten the message.`,
    );
  return null;
}

/** The places of `boards` (names of their areas), for the reason. */
export const boardPlaces = (boards: TargetBoard[], areaName: (path: string) => string | undefined) => [
  ...new Set(boards.map((b) => (b.areaPath ? areaName(b.areaPath) : undefined)).filter((x): x is string => !!x)),
];

// ---- the emergency page's text box: pages separated by an empty line ----

/** "line\nline\n\nline" → pages (a blank line starts a page), each with `mode` and `seconds`. */
export function pagesFromText(text: string, mode: LedPageInput['mode'], seconds: number): LedPageInput[] {
  return text
    .split(/\n[ \t]*\n/)
    .map((block) => sentLines(block.replace(/^\s*\n/, '').split('\n')))
    .filter((lines) => lines.some((l) => l.trim()))
    .map((lines) => ({ lines, mode, seconds }));
}

export const pagesToText = (pages: LedPageInput[]) => pages.map((p) => sentLines(p.lines).join('\n')).join('\n\n');
