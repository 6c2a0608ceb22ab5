import { describe, expect, it } from 'vitest';
import {
  ASSUMED_DISPLAY,
  assumedLabel,
  boardFromDevice,
  boardView,
  displayLabel,
  groupBoards,
  issueText,
  renderingNote,
  targetedBoards,
  type DeviceRecord,
  type LedDisplay,
  API_MAX_LINE_CHARS,
  composeLimits,
  countLines,
  overLimitText,
} from './led-boards.ts';
import type { LedPageInput } from './led-layout.ts';
import { planMessage } from '../../firmware-bridge/led/alpha/mapping.ts';

const HD = 'ha-noi/thanh-xuan/ha-dinh';
const KG = 'ha-noi/thanh-xuan/kim-giang';
const ascii96: LedDisplay = {
  rows: 16,
  columns: 96,
  maxLineChars: 64,
  charset: 'ascii',
  vietnamese: 'picture',
  stripMarker: '[KD] ',
};
const ascii192: LedDisplay = { ...ascii96, rows: 32, columns: 192 };
const strip: LedDisplay = { ...ascii192, vietnamese: 'strip' };
const utf8: LedDisplay = { rows: 16, columns: 96, maxLineChars: 64, charset: 'unicode-utf8', vietnamese: 'picture' };
const page = (lines: string[], mode: LedPageInput['mode'] = 'hold'): LedPageInput => ({ lines, mode, seconds: 8 });

const devices: DeviceRecord[] = [
  { id: 'led-hd-1', name: 'Bảng LED chợ Hạ Đình', kind: 'led', areaPath: HD, display: ascii192 },
  { id: 'led-hd-2', name: 'Bảng LED UBND Hạ Đình', kind: 'led', areaPath: `${HD}/to-1`, display: null },
  { id: 'led-hd-3', name: 'Bảng LED trường học', kind: 'led', areaPath: HD, display: { ...ascii192 } },
  { id: 'loa-hd-1', name: 'Cụm loa Hạ Đình', kind: 'speaker', areaPath: HD, display: null },
  { id: 'led-kg-1', name: 'Bảng LED Kim Giang', kind: 'led', areaPath: KG },
  { id: 'led-hd2-1', name: 'Bảng LED phường khác', kind: 'led', areaPath: `${HD}-2`, display: utf8 },
];

describe('which LED boards a message reaches', () => {
  it('a board that has reported uses its display; one that has not is assumed to have the Alpha defaults', () => {
    expect(boardFromDevice(devices[0])).toEqual({
      id: 'led-hd-1',
      name: 'Bảng LED chợ Hạ Đình',
      display: ascii192,
      assumed: false,
      areaPath: devices[0].areaPath,
    });
    const b = boardFromDevice(devices[1]);
    expect(b.assumed).toBe(true);
    expect(b.display).toMatchObject({
      rows: 16,
      columns: 96,
      maxLineChars: 64,
      charset: 'ascii',
      vietnamese: 'picture',
    });
    expect(boardFromDevice({ ...devices[0], display: { rows: 0 } as never }).assumed).toBe(true);
    expect(assumedLabel()).toBe('chưa báo kích thước — giả định 96×16');
  });

  it('targets an area and everything below it, never a sibling whose name starts the same; named devices too; speakers never', () => {
    expect(targetedBoards(devices, { areas: [HD] }).map((b) => b.id)).toEqual(['led-hd-1', 'led-hd-2', 'led-hd-3']);
    expect(targetedBoards(devices, { areas: [`${HD}/to-1`], devices: ['led-kg-1'] }).map((b) => b.id)).toEqual([
      'led-hd-2',
      'led-kg-1',
    ]);
    expect(targetedBoards(devices, { areas: [] })).toEqual([]);
    expect(targetedBoards(devices, { areas: [KG.replace('/kim-giang', '')] }).map((b) => b.id)).toEqual([
      'led-hd-1',
      'led-hd-2',
      'led-hd-3',
      'led-kg-1',
      'led-hd2-1',
    ]);
    // No targets yet (a library message): every LED board listed.
    expect(targetedBoards(devices, null)).toHaveLength(5);
  });

  it('groups boards by display, names sorted within a group', () => {
    const groups = groupBoards(targetedBoards(devices, { areas: [HD] }));
    expect(groups.map((g) => [g.display.columns, g.display.rows, g.boards.map((b) => b.name)])).toEqual([
      [192, 32, ['Bảng LED chợ Hạ Đình', 'Bảng LED trường học']],
      [96, 16, ['Bảng LED UBND Hạ Đình']],
    ]);
    // Settings that cannot apply do not split a group: a UTF-8 font never needs the fallback.
    const a = { id: 'a', name: 'A', kind: 'led', areaPath: HD, display: utf8 };
    const b = { ...a, id: 'b', name: 'B', display: { ...utf8, vietnamese: 'strip' as const, stripMarker: '* ' } };
    expect(groupBoards(targetedBoards([a, b], null))).toHaveLength(1);
    expect(groupBoards(targetedBoards([a, { ...b, display: { ...utf8, columns: 128 } }], null))).toHaveLength(2);
  });

  it('says what the display is, in Vietnamese first', () => {
    expect(displayLabel(ascii192)).toBe(
      '192×32 · 64 ký tự/dòng · không có chữ Việt; chữ có dấu thì hiện dạng hình ảnh',
    );
    expect(displayLabel(strip)).toBe(
      '192×32 · 64 ký tự/dòng · không có chữ Việt; chữ thiếu thì bỏ dấu, đánh dấu "[KD]"',
    );
    expect(displayLabel(utf8)).toBe('96×16 · 64 ký tự/dòng · có chữ Việt (UTF-8)');
  });
});

describe('what each board shows, and where the message does not fit', () => {
  it('a board without Vietnamese letters in picture mode draws the page; too wide or too many lines is refused', () => {
    const ok = boardView([page(['Thông báo khẩn'])], ascii96);
    expect(ok.refused).toBe(false);
    expect(ok.pages[0].view).toMatchObject({ rendering: 'picture', lines: ['Thông báo khẩn'] });
    expect(renderingNote(ok.pages[0])).toMatch(/^Trang 1: bảng thiếu «ô» «á» «ẩ» — hiện dạng hình ảnh$/);

    const wide = boardView([page(['KHẨN CẤP: BÃO SỐ 3 ĐỔ BỘ'])], ascii96);
    expect(wide.issues).toEqual([
      {
        kind: 'refused',
        page: 1,
        refused: true,
        refusal: { kind: 'picture-misfit', misfit: { kind: 'width', line: 1, width: expect.any(Number), have: 96 } },
      },
    ]);
    expect(issueText(wide.issues[0])).toMatch(
      /^Trang 1 dòng 1: rộng \d+ chấm, bảng chỉ có 96 — bảng sẽ từ chối cả thông điệp; rút gọn hoặc chọn chạy chữ$/,
    );
    // Scrolling, the same line fits: the board moves the picture across.
    expect(boardView([page(['KHẨN CẤP: BÃO SỐ 3 ĐỔ BỘ'], 'scroll')], ascii96).refused).toBe(false);

    const tall = boardView([page(['Bão số 3', 'Hạ Đình'])], ascii96);
    expect(tall.issues[0]).toMatchObject({
      kind: 'refused',
      refusal: { kind: 'picture-misfit', misfit: { kind: 'rows', lines: 2, need: 28, have: 16 } },
    });
    expect(boardView([page(['Bão số 3', 'Hạ Đình'])], ascii192).refused).toBe(false);
    // ASCII-only text needs no picture.
    expect(boardView([page(['024 3858 1234'])], ascii96).pages[0].view.rendering).toBe('text');
  });

  it('strip mode shows the text without diacritics behind the marker, and counts the marker', () => {
    const v = boardView([page(['Thông báo khẩn: bão số 3', 'Người dân hạn chế ra đường'])], strip);
    expect(v.pages[0].view).toMatchObject({
      rendering: 'stripped',
      lines: ['[KD] Thong bao khan: bao so 3', 'Nguoi dan han che ra duong'],
    });
    expect(renderingNote(v.pages[0])).toBe(
      'Trang 1: hiện không dấu «[KD] Thong bao khan: bao so 3 / Nguoi dan han che ra duong»',
    );
    const tight = boardView([page(['Thông báo khẩn: bão số 3'])], { ...strip, maxLineChars: 26 });
    expect(tight.issues).toEqual([
      { kind: 'refused', page: 1, refused: true, refusal: { kind: 'marker-too-long', line: 1, chars: 29, max: 26 } },
    ]);
  });

  it('a line longer than the board takes is refused; the page and line are named', () => {
    const long = 'Người dân hạn chế ra đường khi có bão, theo dõi loa phường thường xuyên';
    const v = boardView([page(['Trang một']), page(['ok', long])], utf8);
    expect(v.issues[0]).toEqual({
      kind: 'too-many-chars',
      page: 2,
      line: 2,
      chars: [...long].length,
      max: 64,
      refused: true,
    });
    expect(issueText(v.issues[0])).toBe(
      `Trang 2 dòng 2: ${[...long].length} ký tự, bảng chỉ nhận 64 — bảng sẽ từ chối cả thông điệp`,
    );
  });

  it('text in the board font: too wide or too many lines is a warning, not a refusal', () => {
    const v = boardView([page(['Thông báo khẩn: bão số 3', 'Hạ Đình'])], utf8);
    expect(v.refused).toBe(false);
    expect(v.issues.map((x) => x.kind)).toEqual(['too-wide', 'hidden-lines']);
    expect(issueText(v.issues[1])).toBe('Trang 1: 2 dòng, bảng chỉ hiện được 1 — dòng sau có thể không thấy');
    expect(boardView([page(['Thông báo khẩn: bão số 3'], 'scroll')], utf8).issues).toEqual([]);
  });

  it('a character the dot font cannot draw is refused on a picture board, and empty pages are not sent', () => {
    const v = boardView([page(['']), page(['Bão 台风'])], { ...ascii192, charset: 'cp1258' });
    expect(v.pages.map((p) => p.page)).toEqual([2]);
    expect(v.issues[0]).toMatchObject({ page: 2, refusal: { kind: 'no-glyph', chars: ['台', '风'] } });
    expect(issueText(v.issues[0])).toBe('Trang 2: phông chấm không vẽ được «台» «风» — bảng sẽ từ chối cả thông điệp');
  });

  it('refuses exactly what the Alpha driver refuses, and shows what it reads back', () => {
    const messages: LedPageInput[][] = [
      [page(['Thông báo khẩn'])],
      [page(['KHẨN CẤP: BÃO SỐ 3 ĐỔ BỘ'])],
      [page(['KHẨN CẤP: BÃO SỐ 3 ĐỔ BỘ'], 'rollLeft')],
      [page(['Bão số 3', 'Hạ Đình'])],
      [page(['Thông báo khẩn: bão số 3', 'Người dân hạn chế ra đường'], 'flash'), page(['024 3858 1234'])],
      [page(['x'.repeat(65)])],
      [page(['Bão 台风'])],
      [page(['Đường dây nóng của phường Hạ Đình, quận Thanh Xuân, Hà Nội: 024 3858 1234'], 'scroll')],
    ];
    for (const display of [
      ascii96,
      ascii192,
      strip,
      { ...strip, maxLineChars: 24 },
      { ...ascii192, charset: 'cp1258' as const },
      { ...utf8, charset: 'unicode-utf8' as const },
    ]) {
      for (const pages of messages) {
        const v = boardView(pages, display);
        let expected: string | null = null;
        try {
          expected = planMessage(
            { pages },
            { ...display, stripMarker: display.stripMarker ?? '[KD] ', dotColour: '1' },
          ).expectedText;
        } catch {
          expected = null;
        }
        const what = `${JSON.stringify(pages.map((p) => p.lines))} on ${display.columns}×${display.rows} ${display.charset}/${display.vietnamese}/${display.maxLineChars}`;
        expect(v.refused, what).toBe(expected === null);
        if (expected !== null) expect(v.pages.map((p) => p.view.lines.join('\n')).join('\n\n'), what).toBe(expected);
      }
    }
    expect(ASSUMED_DISPLAY).toMatchObject(ascii96);
  });
});

describe('compose limits: what the writer is told while typing', () => {
  it('the smallest target board decides the lines shown and the characters per line', () => {
    const boards = targetedBoards(devices, { areas: [HD] });
    const l = composeLimits(boards);
    // led-hd-2 has not reported: assumed 96×16 (one line); the others are 192×32 (two lines).
    expect(l.lines).toBe(1);
    expect(l.smallest).toBe('96×16');
    expect(l.maxChars).toBe(Math.min(64, ASSUMED_DISPLAY.maxLineChars));
    const only192 = composeLimits(boards.filter((b) => !b.assumed));
    expect(only192.lines).toBe(2);
    expect(only192.smallest).toBe('192×32');
  });
  it('no board targeted: the default 192×32 preview board, and never more than the API takes', () => {
    const l = composeLimits([]);
    expect(l.lines).toBe(2);
    expect(l.smallest).toBe('192×32');
    expect(l.maxChars).toBeLessThanOrEqual(API_MAX_LINE_CHARS);
    const wide = composeLimits([{ id: 'x', name: 'x', assumed: false, display: { ...ascii192, maxLineChars: 1000 } }]);
    expect(wide.maxChars).toBe(API_MAX_LINE_CHARS);
  });
  it('counts each line as the board does and names the lines over the limit', () => {
    const pages = [page(['Chào mừng', 'x'.repeat(70)]), page(['ok  '])];
    expect(countLines(pages, 64).map((c) => [c.page, c.line, c.chars, c.over])).toEqual([
      [1, 1, 9, false],
      [1, 2, 70, true],
      [2, 1, 2, false],
    ]);
    expect(overLimitText(pages, 64)).toBe(
      'Thông điệp LED dài quá: trang 1 dòng 2 có 70 ký tự; mỗi dòng tối đa 64 ký tự.',
    );
    expect(overLimitText(pages, 80)).toBeNull();
  });
});
