// "wardcast 5x7 VN": a small bitmap font drawn for this project (MIT, like the rest of wardcast),
// 5 columns by 7 rows for capitals, 5-row x-height, 2-row descenders, and a 5-row zone above the
// capitals where Vietnamese marks are drawn. Every Vietnamese letter (a ă â đ e ê o ô ơ u ư y with
// the five tones, both cases) is composed from a base glyph and mark glyphs, so no precomposed table
// is needed: the renderer decomposes NFD and places the marks.
//
// Pure data and pure functions: no Node APIs, so the web UI can bundle it for its live preview.

/** Glyph rows: '#' lit, '.' dark. Body rows are 7 (row 0 = cap top, row 6 = baseline). */
export interface GlyphSource {
  body: string;
  /** Two rows below the baseline (g, j, p, q, y, comma). */
  desc?: string;
}

export interface FontMetrics {
  /** Rows above the cap top reserved for marks. */
  markRows: number;
  bodyRows: number;
  descRows: number;
  /** markRows + bodyRows + descRows */
  lineHeight: number;
  /** Blank columns between glyphs. */
  spacing: number;
}

export const VN5X7_METRICS: FontMetrics = { markRows: 5, bodyRows: 7, descRows: 2, lineHeight: 14, spacing: 1 };

// Rows separated by '|'. Width is the row length.
const G: Record<string, GlyphSource> = {
  ' ': { body: '...|...|...|...|...|...|...' },
  '!': { body: '#|#|#|#|#|.|#' },
  '"': { body: '#.#|#.#|...|...|...|...|...' },
  '#': { body: '.#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.' },
  $: { body: '..#..|.####|#.#..|.###.|..#.#|####.|..#..' },
  '%': { body: '##...|##..#|...#.|..#..|.#...|#..##|...##' },
  '&': { body: '.##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#' },
  "'": { body: '#|#|.|.|.|.|.' },
  '(': { body: '..#|.#.|#..|#..|#..|.#.|..#' },
  ')': { body: '#..|.#.|..#|..#|..#|.#.|#..' },
  '*': { body: '.....|..#..|#.#.#|.###.|#.#.#|..#..|.....' },
  '+': { body: '.....|..#..|..#..|#####|..#..|..#..|.....' },
  ',': { body: '..|..|..|..|..|.#|.#', desc: '#.|..' },
  '-': { body: '....|....|....|####|....|....|....' },
  '.': { body: '.|.|.|.|.|.|#' },
  '/': { body: '....#|...#.|...#.|..#..|.#...|.#...|#....' },
  '0': { body: '.###.|#...#|#..##|#.#.#|##..#|#...#|.###.' },
  '1': { body: '.#.|##.|.#.|.#.|.#.|.#.|###' },
  '2': { body: '.###.|#...#|....#|...#.|..#..|.#...|#####' },
  '3': { body: '#####|...#.|..#..|...#.|....#|#...#|.###.' },
  '4': { body: '...#.|..##.|.#.#.|#..#.|#####|...#.|...#.' },
  '5': { body: '#####|#....|####.|....#|....#|#...#|.###.' },
  '6': { body: '..##.|.#...|#....|####.|#...#|#...#|.###.' },
  '7': { body: '#####|....#|...#.|..#..|.#...|.#...|.#...' },
  '8': { body: '.###.|#...#|#...#|.###.|#...#|#...#|.###.' },
  '9': { body: '.###.|#...#|#...#|.####|....#|...#.|.##..' },
  ':': { body: '.|.|#|.|.|#|.' },
  ';': { body: '..|..|.#|..|..|.#|.#', desc: '#.|..' },
  '<': { body: '...#|..#.|.#..|#...|.#..|..#.|...#' },
  '=': { body: '....|....|####|....|####|....|....' },
  '>': { body: '#...|.#..|..#.|...#|..#.|.#..|#...' },
  '?': { body: '.###.|#...#|....#|...#.|..#..|.....|..#..' },
  '@': { body: '.###.|#...#|#.###|#.#.#|#.###|#....|.####' },
  A: { body: '.###.|#...#|#...#|#####|#...#|#...#|#...#' },
  B: { body: '####.|#...#|#...#|####.|#...#|#...#|####.' },
  C: { body: '.###.|#...#|#....|#....|#....|#...#|.###.' },
  D: { body: '####.|#...#|#...#|#...#|#...#|#...#|####.' },
  E: { body: '#####|#....|#....|####.|#....|#....|#####' },
  F: { body: '#####|#....|#....|####.|#....|#....|#....' },
  G: { body: '.###.|#...#|#....|#.###|#...#|#...#|.####' },
  H: { body: '#...#|#...#|#...#|#####|#...#|#...#|#...#' },
  I: { body: '###|.#.|.#.|.#.|.#.|.#.|###' },
  J: { body: '..###|...#.|...#.|...#.|...#.|#..#.|.##..' },
  K: { body: '#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#' },
  L: { body: '#....|#....|#....|#....|#....|#....|#####' },
  M: { body: '#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#' },
  N: { body: '#...#|#...#|##..#|#.#.#|#..##|#...#|#...#' },
  O: { body: '.###.|#...#|#...#|#...#|#...#|#...#|.###.' },
  P: { body: '####.|#...#|#...#|####.|#....|#....|#....' },
  Q: { body: '.###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#' },
  R: { body: '####.|#...#|#...#|####.|#.#..|#..#.|#...#' },
  S: { body: '.####|#....|#....|.###.|....#|....#|####.' },
  T: { body: '#####|..#..|..#..|..#..|..#..|..#..|..#..' },
  U: { body: '#...#|#...#|#...#|#...#|#...#|#...#|.###.' },
  V: { body: '#...#|#...#|#...#|#...#|#...#|.#.#.|..#..' },
  W: { body: '#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.' },
  X: { body: '#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#' },
  Y: { body: '#...#|#...#|.#.#.|..#..|..#..|..#..|..#..' },
  Z: { body: '#####|....#|...#.|..#..|.#...|#....|#####' },
  '[': { body: '###|#..|#..|#..|#..|#..|###' },
  '\\': { body: '#....|.#...|.#...|..#..|...#.|...#.|....#' },
  ']': { body: '###|..#|..#|..#|..#|..#|###' },
  '^': { body: '..#..|.#.#.|#...#|.....|.....|.....|.....' },
  _: { body: '.....|.....|.....|.....|.....|.....|.....', desc: '#####|.....' },
  '`': { body: '#.|.#|..|..|..|..|..' },
  a: { body: '.....|.....|.###.|....#|.####|#...#|.####' },
  b: { body: '#....|#....|####.|#...#|#...#|#...#|####.' },
  c: { body: '.....|.....|.###.|#....|#....|#...#|.###.' },
  d: { body: '....#|....#|.####|#...#|#...#|#...#|.####' },
  e: { body: '.....|.....|.###.|#...#|#####|#....|.###.' },
  f: { body: '..##|.#..|####|.#..|.#..|.#..|.#..' },
  g: { body: '.....|.....|.####|#...#|#...#|#...#|.####', desc: '....#|.###.' },
  h: { body: '#....|#....|####.|#...#|#...#|#...#|#...#' },
  i: { body: '.#.|...|##.|.#.|.#.|.#.|###' },
  j: { body: '..#|...|.##|..#|..#|..#|..#', desc: '#.#|.#.' },
  k: { body: '#...|#...|#..#|#.#.|##..|#.#.|#..#' },
  l: { body: '##.|.#.|.#.|.#.|.#.|.#.|###' },
  m: { body: '.....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#' },
  n: { body: '.....|.....|####.|#...#|#...#|#...#|#...#' },
  o: { body: '.....|.....|.###.|#...#|#...#|#...#|.###.' },
  p: { body: '.....|.....|####.|#...#|#...#|#...#|####.', desc: '#....|#....' },
  q: { body: '.....|.....|.####|#...#|#...#|#...#|.####', desc: '....#|....#' },
  r: { body: '.....|.....|#.##.|##..#|#....|#....|#....' },
  s: { body: '.....|.....|.####|#....|.###.|....#|####.' },
  t: { body: '.#..|.#..|####|.#..|.#..|.#..|..##' },
  u: { body: '.....|.....|#...#|#...#|#...#|#...#|.####' },
  v: { body: '.....|.....|#...#|#...#|#...#|.#.#.|..#..' },
  w: { body: '.....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.' },
  x: { body: '.....|.....|#...#|.#.#.|..#..|.#.#.|#...#' },
  y: { body: '.....|.....|#...#|#...#|#...#|#...#|.####', desc: '....#|.###.' },
  z: { body: '.....|.....|#####|...#.|..#..|.#...|#####' },
  '{': { body: '..#|.#.|.#.|#..|.#.|.#.|..#' },
  '|': { body: '#|#|#|#|#|#|#' },
  '}': { body: '#..|.#.|.#.|..#|.#.|.#.|#..' },
  '~': { body: '.....|.....|.#...|#.#.#|...#.|.....|.....' },
  // Vietnamese base letters that are not ASCII.
  Đ: { body: '####.|.#..#|.#..#|###.#|.#..#|.#..#|####.' },
  đ: { body: '...#.|..###|.####|#...#|#...#|#...#|.####' },
  Ơ: { body: '.###.#|#...#.|#...#.|#...#.|#...#.|#...#.|.###..' },
  ơ: { body: '......|.....#|.###.#|#...#.|#...#.|#...#.|.###..' },
  Ư: { body: '#...##|#...#.|#...#.|#...#.|#...#.|#...#.|.###..' },
  ư: { body: '......|.....#|#...##|#...#.|#...#.|#...#.|.####.' },
  // dotless i, the base of ì í ỉ ĩ ị
  ı: { body: '...|...|##.|.#.|.#.|.#.|###' },
  // Common non-ASCII punctuation and signs on notices.
  '–': { body: '.....|.....|.....|#####|.....|.....|.....' },
  '—': { body: '......|......|......|######|......|......|......' },
  '“': { body: '.#.#|#.#.|....|....|....|....|....' },
  '”': { body: '.#.#|#.#.|....|....|....|....|....' },
  '‘': { body: '.#|#.|..|..|..|..|..' },
  '’': { body: '.#|#.|..|..|..|..|..' },
  '…': { body: '.....|.....|.....|.....|.....|.....|#.#.#' },
  '°': { body: '.#.|#.#|.#.|...|...|...|...' },
  '₫': { body: '...#.|..###|.####|#...#|.####|.....|#####' },
  '€': { body: '..###|.#...|####.|.#...|####.|.#...|..###' },
  '•': { body: '...|...|.#.|###|.#.|...|...' },
};

/** Combining marks used by Vietnamese, as small glyphs drawn above (or below) the base. */
export type MarkKind = 'above' | 'below';
export interface MarkSource {
  kind: MarkKind;
  rows: string[];
  /** Modifiers (circumflex, breve) sit next to the letter; tones go above them. */
  modifier: boolean;
}

export const MARKS: Record<string, MarkSource> = {
  '\u0300': { kind: 'above', modifier: false, rows: ['#.', '.#'] }, // huyền (grave)
  '\u0301': { kind: 'above', modifier: false, rows: ['.#', '#.'] }, // sắc (acute)
  '\u0309': { kind: 'above', modifier: false, rows: ['##', '.#'] }, // hỏi (hook above)
  '\u0303': { kind: 'above', modifier: false, rows: ['.#.#', '#.#.'] }, // ngã (tilde)
  '\u0323': { kind: 'below', modifier: false, rows: ['#'] }, // nặng (dot below)
  '\u0302': { kind: 'above', modifier: true, rows: ['.#.', '#.#'] }, // circumflex (â ê ô)
  '\u0306': { kind: 'above', modifier: true, rows: ['#..#', '.##.'] }, // breve (ă)
};

export interface Glyph {
  width: number;
  /** lineHeight rows of width booleans, row 0 at the top of the line. */
  rows: boolean[][];
}

const parseRows = (s: string) => s.split('|').map((r) => [...r].map((c) => c === '#'));

function blank(width: number, height: number): boolean[][] {
  return Array.from({ length: height }, () => new Array<boolean>(width).fill(false));
}

function baseGlyph(ch: string, m: FontMetrics): Glyph | null {
  const src = G[ch];
  if (!src) return null;
  const body = parseRows(src.body);
  const desc = src.desc ? parseRows(src.desc) : [];
  const width = Math.max(...body.map((r) => r.length), ...desc.map((r) => r.length));
  const rows = blank(width, m.lineHeight);
  for (const [y, r] of body.entries()) for (const [x, on] of r.entries()) rows[m.markRows + y]![x] = on;
  for (const [y, r] of desc.entries()) for (const [x, on] of r.entries()) rows[m.markRows + m.bodyRows + y]![x] = on;
  return { width, rows };
}

/** Characters (NFC) the font can draw: its own glyphs plus every base + Vietnamese marks. */
export function fontHas(ch: string): boolean {
  return glyphFor(ch) !== null;
}

const cache = new Map<string, Glyph | null>();

/** The glyph for one NFC character, composing Vietnamese marks; null when the font lacks it. */
export function glyphFor(ch: string, m: FontMetrics = VN5X7_METRICS): Glyph | null {
  const key = ch;
  if (m === VN5X7_METRICS && cache.has(key)) return cache.get(key)!;
  const g = composeGlyph(ch, m);
  if (m === VN5X7_METRICS) cache.set(key, g);
  return g;
}

function composeGlyph(ch: string, m: FontMetrics): Glyph | null {
  const direct = baseGlyph(ch, m);
  if (direct) return direct;
  const nfd = ch.normalize('NFD');
  let base = nfd[0]!;
  let marks = [...nfd.slice(1)];
  // ơ ư: the horn is part of the base glyph (đ has no decomposition at all).
  if (marks.includes('\u031B')) {
    base = `${base}\u031B`.normalize('NFC');
    marks = marks.filter((c) => c !== '\u031B');
  }
  if (marks.length === 0 || !marks.every((c) => MARKS[c])) return null;
  if (base === 'i' && marks.some((c) => MARKS[c]!.kind === 'above')) base = 'ı';
  const b = baseGlyph(base, m);
  if (!b) return null;
  return placeMarks(b, base, marks, m);
}

function placeMarks(b: Glyph, base: string, marks: string[], m: FontMetrics): Glyph {
  const rows = b.rows.map((r) => [...r]);
  let width = b.width;
  const upper = base !== base.toLowerCase();
  // Top row of the letter's body: cap top for capitals, x-height for lowercase (2 rows lower).
  const letterTop = m.markRows + (upper ? 0 : 2);
  const modifier = marks.find((c) => MARKS[c]!.modifier);
  const tones = marks.filter((c) => !MARKS[c]!.modifier);
  const stamp = (mark: MarkSource, top: number, left: number) => {
    const need = left + Math.max(...mark.rows.map((r) => r.length));
    if (need > width) {
      for (const r of rows) while (r.length < need) r.push(false);
      width = need;
    }
    for (const [dy, r] of mark.rows.entries()) {
      for (const [dx, c] of [...r].entries()) {
        const y = top + dy;
        if (c === '#' && y >= 0 && y < rows.length) rows[y]![left + dx] = true;
      }
    }
  };
  const centre = (mark: MarkSource) =>
    Math.max(0, Math.floor((b.width - Math.max(...mark.rows.map((r) => r.length))) / 2));
  // Marks above: 2 rows high, one blank row above the letter; a tone stacks above a modifier.
  let nextTop = letterTop - 3;
  if (modifier) {
    const mk = MARKS[modifier]!;
    stamp(mk, nextTop, centre(mk));
    nextTop -= 2;
  }
  for (const t of tones) {
    const mk = MARKS[t]!;
    if (mk.kind === 'below') {
      // Under a letter with a descender (ỵ) the dot goes below its left stroke, clear of the tail.
      const hasDescender = b.rows.slice(m.markRows + m.bodyRows).some((r) => r.some(Boolean));
      if (hasDescender) stamp(mk, m.markRows + m.bodyRows, 0);
      else stamp(mk, m.markRows + m.bodyRows + 1, Math.floor((b.width - 1) / 2));
    } else {
      // Over a circumflex, acute, grave and hook sit to the right, as Vietnamese type does (ấ ầ ẩ);
      // a tilde, and any tone over a breve, is centred above.
      const side = modifier === '\u0302' && t !== '\u0303';
      const left = side ? centre(MARKS['\u0302']!) + 2 : centre(mk);
      stamp(mk, Math.max(0, nextTop), left);
    }
  }
  return { width, rows };
}

/** The ASCII characters and the Vietnamese letters the font covers, for tests and docs. */
export const VIETNAMESE_LETTERS = (() => {
  const bases = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
  const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
  const out: string[] = [];
  for (const b of bases) for (const t of tones) out.push((b + t).normalize('NFC'));
  const lower = [...out, 'đ'];
  return [...lower, ...lower.map((c) => c.toUpperCase())];
})();
