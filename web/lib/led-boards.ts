// The LED boards a message will reach and what each will show, for the preview: the boards come
// from the device list (each with the display its agent reported), and what a board does with a
// page is decided by the driver's own function (firmware-bridge/led/alpha/page-view.ts), so the
// preview warns about exactly what the board would refuse. Pure: unit-tested without a browser.
import type { LedDisplay } from '../../protocol/schemas.ts';
import {
  ALPHA_DEFAULT_DISPLAY,
  fitPage,
  ledLength,
  measureLine,
  sentLines,
  VN5X7_METRICS,
  type PageRefusal,
  type PageView,
} from '../../firmware-bridge/browser.ts';
import { tx } from './i18n.ts';
import { withinScope } from '../../protocol/area-scope.ts';
import type { LedPageInput } from './led-layout.ts';

export type { LedDisplay };

/** A board that has not reported its display is assumed to have an Alpha profile's defaults. */
export const ASSUMED_DISPLAY: LedDisplay = { ...ALPHA_DEFAULT_DISPLAY };

/** The preview when no board is targeted: a common two-line board with a Vietnamese font. */
export const DEFAULT_PREVIEW_DISPLAY: LedDisplay = {
  rows: 32,
  columns: 192,
  maxLineChars: ALPHA_DEFAULT_DISPLAY.maxLineChars,
  charset: 'unicode-utf8',
  vietnamese: 'picture',
};

/** The fields of a device record (GET /api/v1/devices) this needs. */
export interface DeviceRecord {
  id: string;
  name: string;
  kind: string;
  areaPath: string;
  display?: LedDisplay | null;
}

export interface TargetBoard {
  id: string;
  name: string;
  display: LedDisplay;
  /** The board has not reported its display: ASSUMED_DISPLAY stands in. */
  assumed: boolean;
  /** Where the board is (its area's path), when known. */
  areaPath?: string;
}

export interface Targets {
  areas: string[];
  devices?: string[];
}

const isDisplay = (d: unknown): d is LedDisplay => {
  const x = d as LedDisplay | null | undefined;
  return (
    !!x &&
    Number.isInteger(x.rows) &&
    x.rows > 0 &&
    Number.isInteger(x.columns) &&
    x.columns > 0 &&
    Number.isInteger(x.maxLineChars) &&
    x.maxLineChars > 0 &&
    typeof x.charset === 'string'
  );
};

export function boardFromDevice(d: DeviceRecord): TargetBoard {
  const reported = isDisplay(d.display);
  return {
    id: d.id,
    name: d.name,
    display: reported ? d.display! : ASSUMED_DISPLAY,
    assumed: !reported,
    areaPath: d.areaPath,
  };
}

/**
 * The LED boards among `devices` that the targets reach: a device in a target area or below it, or
 * named. `targets` null: every LED board listed (a library message has no targets yet).
 */
export function targetedBoards(devices: DeviceRecord[], targets: Targets | null): TargetBoard[] {
  return devices
    .filter((d) => d.kind === 'led')
    .filter(
      (d) =>
        targets === null ||
        targets.areas.some((a) => withinScope(a, d.areaPath)) ||
        (targets.devices ?? []).includes(d.id),
    )
    .map(boardFromDevice);
}

export interface BoardGroup {
  key: string;
  display: LedDisplay;
  boards: TargetBoard[];
}

/** What decides how a message looks on a board; settings that cannot apply are left out. */
export function displayKey(d: LedDisplay): string {
  const fallback =
    d.charset === 'unicode-utf8'
      ? ''
      : d.vietnamese === 'strip'
        ? `strip:${d.stripMarker ?? ALPHA_DEFAULT_DISPLAY.stripMarker}`
        : 'picture';
  return `${d.columns}x${d.rows}/${d.maxLineChars}/${d.charset}/${fallback}`;
}

/** One group per distinct display, in the order first met; boards by name within a group. */
export function groupBoards(boards: TargetBoard[]): BoardGroup[] {
  const groups = new Map<string, BoardGroup>();
  for (const b of boards) {
    const key = displayKey(b.display);
    const g = groups.get(key) ?? { key, display: b.display, boards: [] };
    g.boards.push(b);
    groups.set(key, g);
  }
  for (const g of groups.values()) g.boards.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
  return [...groups.values()];
}

/** Dot rows per line of the boards' 5×7 font with room for Vietnamese marks. */
export const LINE_HEIGHT = VN5X7_METRICS.lineHeight;

export type FitIssue =
  /** The driver refuses the whole message (the board keeps what it showed; the play fails there). */
  | { kind: 'too-many-chars'; page: number; line: number; chars: number; max: number; refused: true }
  | { kind: 'refused'; page: number; refusal: PageRefusal; refused: true }
  /** Text in the board's own font: estimated with the 5×7 font, the board may cut it off. */
  | { kind: 'too-wide'; page: number; line: number; width: number; columns: number; refused: false }
  | { kind: 'hidden-lines'; page: number; lines: number; fit: number; refused: false };

export interface PageOnBoard {
  /** 1-based, as in the composer. */
  page: number;
  mode: LedPageInput['mode'];
  view: PageView;
}

export interface BoardView {
  pages: PageOnBoard[];
  issues: FitIssue[];
  /** The board refuses the message as it stands. */
  refused: boolean;
}

export { sentLines };

/** What a board with `display` shows for the message, page by page, and where it does not fit. */
export function boardView(pages: LedPageInput[], display: LedDisplay): BoardView {
  const out: PageOnBoard[] = [];
  const issues: FitIssue[] = [];
  pages.forEach((p, i) => {
    if (!p.lines.some((l) => l.trim())) return; // an empty page is not sent
    const page = i + 1;
    // What the board refuses comes from the same function the hub's API asks (message-fit.ts).
    const { view, refusals } = fitPage(p.lines, p.mode, display, page);
    out.push({ page, mode: p.mode, view });
    for (const r of refusals) issues.push({ ...r, refused: true });
    if (!view.refusal && view.rendering !== 'picture') {
      // A picture was checked against the board above; text goes in the board's own font.
      if (p.mode !== 'scroll' && p.mode !== 'rollLeft') {
        view.lines.forEach((l, j) => {
          const width = measureLine(l);
          if (width > display.columns)
            issues.push({ kind: 'too-wide', page, line: j + 1, width, columns: display.columns, refused: false });
        });
      }
      const fit = Math.max(1, Math.floor(display.rows / LINE_HEIGHT));
      if (view.lines.length > fit)
        issues.push({ kind: 'hidden-lines', page, lines: view.lines.length, fit, refused: false });
    }
  });
  return { pages: out, issues, refused: issues.some((x) => x.refused) };
}

// ---- words (Vietnamese first) ----

export const sizeLabel = (d: LedDisplay) => `${d.columns}×${d.rows}`;

export function charsetLabel(d: LedDisplay): string {
  if (d.charset !== 'ascii' && d.charset !== 'cp1258') return tx('có chữ Việt (UTF-8)', 'Vietnamese font (UTF-8)');
  const base =
    d.charset === 'cp1258'
      ? tx('chữ Việt Windows-1258', 'Vietnamese Windows-1258')
      : tx('không có chữ Việt', 'no Vietnamese letters');
  const marker = (d.stripMarker ?? ALPHA_DEFAULT_DISPLAY.stripMarker).trim();
  return d.vietnamese === 'strip'
    ? `${base}; ${tx(`chữ thiếu thì bỏ dấu, đánh dấu "${marker}"`, `missing letters: diacritics removed, marked "${marker}"`)}`
    : `${base}; ${tx('chữ có dấu thì hiện dạng hình ảnh', 'missing letters: shown as a picture')}`;
}

/** "96×16 · 64 ký tự/dòng · không có chữ Việt; …" */
export const displayLabel = (d: LedDisplay) =>
  `${sizeLabel(d)} · ${tx(`${d.maxLineChars} ký tự/dòng`, `${d.maxLineChars} characters/line`)} · ${charsetLabel(d)}`;

export const assumedLabel = () =>
  tx(
    `chưa báo kích thước — giả định ${sizeLabel(ASSUMED_DISPLAY)}`,
    `has not reported its size — assumed ${sizeLabel(ASSUMED_DISPLAY)}`,
  );

const chars = (cs: string[]) => cs.map((c) => `«${c}»`).join(' ');

export function issueText(x: FitIssue): string {
  const where = (line?: number) =>
    line ? tx(`Trang ${x.page} dòng ${line}`, `Page ${x.page} line ${line}`) : tx(`Trang ${x.page}`, `Page ${x.page}`);
  const refuses = tx('bảng sẽ từ chối cả thông điệp', 'the board will refuse the whole message');
  switch (x.kind) {
    case 'too-many-chars':
      return `${where(x.line)}: ${tx(`${x.chars} ký tự, bảng chỉ nhận ${x.max}`, `${x.chars} characters, the board takes at most ${x.max}`)} — ${refuses}`;
    case 'too-wide':
      return `${where(x.line)}: ${tx(`rộng khoảng ${x.width} chấm, bảng có ${x.columns} — có thể bị cắt; rút gọn hoặc chọn chạy chữ`, `about ${x.width} dots wide, the board has ${x.columns} — it may be cut off; shorten it or use scroll`)}`;
    case 'hidden-lines':
      return `${where()}: ${tx(`${x.lines} dòng, bảng chỉ hiện được ${x.fit} — dòng sau có thể không thấy`, `${x.lines} lines, the board shows ${x.fit} — the rest may not be seen`)}`;
    case 'refused': {
      const r = x.refusal;
      switch (r.kind) {
        case 'no-glyph':
          return `${where()}: ${tx(`phông chấm không vẽ được ${chars(r.chars)}`, `the dot font cannot draw ${chars(r.chars)}`)} — ${refuses}`;
        case 'picture-misfit':
          return r.misfit.kind === 'width'
            ? `${where(r.misfit.line)}: ${tx(`rộng ${r.misfit.width} chấm, bảng chỉ có ${r.misfit.have}`, `${r.misfit.width} dots wide, the board has ${r.misfit.have}`)} — ${refuses}; ${tx('rút gọn hoặc chọn chạy chữ', 'shorten it or use scroll')}`
            : `${where()}: ${tx(`${r.misfit.lines} dòng cần ${r.misfit.need} hàng chấm, bảng chỉ có ${r.misfit.have}`, `${r.misfit.lines} lines need ${r.misfit.need} dot rows, the board has ${r.misfit.have}`)} — ${refuses}`;
        case 'picture-too-wide':
          return `${where()}: ${tx(`hình ảnh rộng ${r.width} chấm, tối đa 255`, `the picture is ${r.width} dots wide, at most 255`)} — ${refuses}`;
        case 'charset':
          return `${where()}: ${tx(`bảng không hiện được ${chars(r.chars)} kể cả khi bỏ dấu`, `the board cannot show ${chars(r.chars)} even without diacritics`)} — ${refuses}`;
        case 'marker-too-long':
          return `${where(r.line)}: ${tx(`${r.chars} ký tự khi thêm dấu hiệu không dấu, bảng chỉ nhận ${r.max}`, `${r.chars} characters with the no-diacritics marker, the board takes at most ${r.max}`)} — ${refuses}`;
      }
    }
  }
}

/** How a page reaches a board whose font lacks some letters, or null when it goes as written. */
export function renderingNote(p: PageOnBoard): string | null {
  const v = p.view;
  if (v.rendering === 'picture')
    return tx(
      `Trang ${p.page}: bảng thiếu ${chars(v.lacking.slice(0, 5))} — hiện dạng hình ảnh`,
      `Page ${p.page}: the board lacks ${chars(v.lacking.slice(0, 5))} — shown as a picture`,
    );
  if (v.rendering === 'stripped')
    return tx(
      `Trang ${p.page}: hiện không dấu «${v.lines.join(' / ')}»`,
      `Page ${p.page}: shown without diacritics «${v.lines.join(' / ')}»`,
    );
  return null;
}

// ---- what the composer tells the writer before anything is sent ----

/** The API's own limits on an LED page (protocol/schemas.ts: 4 lines of at most 200 characters). */
export const API_MAX_LINES = 4;
export const API_MAX_LINE_CHARS = 200;

export interface ComposeLimits {
  /** Lines of the 5×7 font every target board shows at once (the smallest board decides). */
  lines: number;
  /** Characters per line every target board and the API take (the smallest decides). */
  maxChars: number;
  /** The boards these limits come from; empty: none targeted, so the default preview board. */
  boards: TargetBoard[];
  /** The size of the board that shows the fewest lines, e.g. "192×32". */
  smallest: string;
}

/** Lines of the boards' font a display shows at once. */
export const linesShown = (d: LedDisplay) => Math.max(1, Math.floor(d.rows / LINE_HEIGHT));

/** What the writer must keep within: the smallest of the target boards (or the default board). */
export function composeLimits(boards: TargetBoard[]): ComposeLimits {
  const displays = boards.length ? boards.map((b) => b.display) : [DEFAULT_PREVIEW_DISPLAY];
  const fewest = displays.reduce((a, d) => (linesShown(d) < linesShown(a) ? d : a));
  return {
    lines: linesShown(fewest),
    maxChars: Math.min(API_MAX_LINE_CHARS, ...displays.map((d) => d.maxLineChars)),
    boards,
    smallest: sizeLabel(fewest),
  };
}

export interface LineCount {
  page: number;
  line: number;
  chars: number;
  max: number;
  over: boolean;
}

/** Characters of each written line as the boards count them (ledLength), against `max`. */
export function countLines(pages: LedPageInput[], max: number): LineCount[] {
  return pages.flatMap((p, i) =>
    p.lines.map((l, j) => ({
      page: i + 1,
      line: j + 1,
      chars: ledLength(l.trimEnd()),
      max,
      over: ledLength(l.trimEnd()) > max,
    })),
  );
}

/** The lines over the limit, in words, or null when all fit: said before the message is sent. */
export function overLimitText(pages: LedPageInput[], max: number): string | null {
  const over = countLines(pages, max).filter((c) => c.over);
  if (!over.length) return null;
  const list = over
    .map((c) =>
      tx(
        `trang ${c.page} dòng ${c.line} có ${c.chars} ký tự`,
        `page ${c.page} line ${c.line} has ${c.chars} characters`,
      ),
    )
    .join('; ');
  return tx(
    `Thông điệp LED dài quá: ${list}; mỗi dòng tối đa ${max} ký tự.`,
    `The LED message is too long: ${list}; at most ${max} characters per line.`,
  );
}
