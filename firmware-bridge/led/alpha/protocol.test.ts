// Frame encoding against byte sequences worked out by hand from the protocol document
// (checksum = 16-bit sum of the bytes from STX through ETX, four upper-case hex digits).
import { describe, expect, it } from 'vitest';
import { checksumOf, decodeFrame, dotsData, encodePacket, parseDotsData, scanFrame, ascii } from './protocol.ts';
import { encodeText, decodeText, stripDiacritics, unsupportedChars } from './charset.ts';
import { planMessage, parseTextFile, type AlphaTextSettings } from './mapping.ts';
import { parseAnswer } from './alpha-led-board.ts';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const SYNC = '00 00 00 00 00';

describe('Alpha frames (golden)', () => {
  it('write TEXT file A, hold, "HELLO" to all signs at broadcast address', () => {
    // STX 'A' 'A' ESC '0' 'b' H E L L O ETX = 2+65+65+27+48+98+72+69+76+76+79+3 = 680 = 0x02A8
    const f = encodePacket({
      typeCode: 'Z',
      address: '00',
      command: 'A',
      data: Uint8Array.from([0x41, 0x1b, 0x30, 0x62, ...ascii('HELLO')]),
    });
    expect(hex(f)).toBe(`${SYNC} 01 5a 30 30 02 41 41 1b 30 62 48 45 4c 4c 4f 03 30 32 41 38 04`);
  });

  it('set time of day 13:45 (E, space, HHMM)', () => {
    // 2 + 'E'69 + ' '32 + '1'49 + '3'51 + '4'52 + '5'53 + 3 = 311 = 0x0137
    const f = encodePacket({ typeCode: 'Z', address: '01', command: 'E', data: ascii(' 1345') });
    expect(hex(f)).toBe(`${SYNC} 01 5a 30 31 02 45 20 31 33 34 35 03 30 31 33 37 04`);
  });

  it('read TEXT file A', () => {
    // 2 + 'B'66 + 'A'65 + 3 = 136 = 0x0088
    expect(hex(encodePacket({ typeCode: 'Z', address: '00', command: 'B', data: ascii('A') }))).toBe(
      `${SYNC} 01 5a 30 30 02 42 41 03 30 30 38 38 04`,
    );
  });

  it('write SMALL DOTS PICTURE Q, 2 rows × 3 columns', () => {
    // 2 + 'I'73 + "Q0203" (81+48+50+48+51) + "101\r" (49+48+49+13) + "010\r" (48+49+48+13) + 3 = 673 = 0x02A1
    const f = encodePacket({ typeCode: 'Z', address: '00', command: 'I', data: dotsData('Q', ['101', '010']) });
    expect(hex(f)).toBe(`${SYNC} 01 5a 30 30 02 49 51 30 32 30 33 31 30 31 0d 30 31 30 0d 03 30 32 41 31 04`);
  });

  it('run sequence A then B, ignoring times, locked', () => {
    // 2 + 'E'69 + '.'46 + 'S'83 + 'L'76 + 'A'65 + 'B'66 + 3 = 410 = 0x019A
    expect(hex(encodePacket({ typeCode: 'Z', address: '00', command: 'E', data: ascii('.SLAB') }))).toBe(
      `${SYNC} 01 5a 30 30 02 45 2e 53 4c 41 42 03 30 31 39 41 04`,
    );
  });

  it('without checksum: no ETX, EOT right after the data', () => {
    expect(
      hex(encodePacket({ typeCode: 'Z', address: '00', command: 'B', data: ascii('A') }, { checksum: false })),
    ).toBe(`${SYNC} 01 5a 30 30 02 42 41 04`);
  });

  it('refuses framing bytes in data and bad addresses', () => {
    expect(() => encodePacket({ typeCode: 'Z', address: '00', command: 'A', data: Uint8Array.of(0x41, 0x04) })).toThrow(
      /framing byte/,
    );
    expect(() => encodePacket({ typeCode: 'Z', address: 'G1', command: 'A', data: ascii('A') })).toThrow(
      /two hex digits/,
    );
  });

  it('checksum wraps at 16 bits', () => {
    expect(checksumOf(new Uint8Array(300).fill(0xff))).toBe(
      ((300 * 255) & 0xffff).toString(16).toUpperCase().padStart(4, '0'),
    );
  });
});

describe('Alpha frame decoding', () => {
  const answer = encodePacket({ typeCode: '0', address: '00', command: 'A', data: ascii('AHI') }, { sync: 20 });

  it('decodes an answer and verifies its checksum', () => {
    const d = decodeFrame(answer);
    expect(d).toMatchObject({ ok: true, checked: true, packet: { typeCode: '0', address: '00', command: 'A' } });
    expect(d.ok && new TextDecoder().decode(d.packet.data)).toBe('AHI');
  });

  it('rejects a wrong checksum, naming both values', () => {
    const bad = answer.slice();
    bad[bad.length - 2] = 0x30 + ((bad[bad.length - 2]! - 0x30 + 1) % 10);
    const d = decodeFrame(bad);
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toMatch(/^checksum \w{4} does not match the frame \(\w{4}\)$/);
  });

  it('scans past noise, reports cut-off frames, waits for partial ones', () => {
    const noisy = Uint8Array.from([0xff, 0x55, ...answer]);
    const s = scanFrame(noisy);
    expect(s.kind).toBe('frame');
    expect(s.kind === 'frame' && s.skipped).toBe(2);
    const cut = Uint8Array.from([...answer.subarray(0, 30), ...answer]);
    expect(scanFrame(cut).kind).toBe('truncated');
    expect(scanFrame(answer.subarray(0, answer.length - 1)).kind).toBe('partial');
  });

  it('parseAnswer skips an echoed request (half-duplex RS-485) and takes the answer', () => {
    const echo = encodePacket({ typeCode: 'Z', address: '01', command: 'B', data: ascii('A') });
    const r = parseAnswer(Buffer.from([...echo, ...answer]), (p) => (p.command === 'A' ? 'ok' : null));
    expect(r).toEqual({ kind: 'done', value: 'ok', consumed: echo.length + answer.length });
  });

  it('SMALL DOTS PICTURE data round-trips', () => {
    expect(parseDotsData(dotsData('Q', ['1010', '0101', '1111']))).toEqual({
      label: 'Q',
      height: 3,
      width: 4,
      rows: ['1010', '0101', '1111'],
    });
    expect(parseDotsData(ascii('Q0203101\r'))).toBeNull();
  });
});

describe('character sets', () => {
  it('cp1258: base letters plus combining tone bytes; decodes back to NFC', () => {
    expect(hex(encodeText('ẩ', 'cp1258'))).toBe('e2 d2'); // â + hook above
    expect(hex(encodeText('Đường', 'cp1258'))).toBe('d0 fd f5 cc 6e 67'); // Đ ư ơ+grave n g
    const s = 'Thông báo khẩn: bão số 3 — Phường Hạ Đình ₫';
    expect(decodeText(encodeText(s, 'cp1258'), 'cp1258')).toBe(s);
    expect(unsupportedChars('Tiếng Việt 中文', 'cp1258')).toEqual(['中', '文']);
  });

  it('ascii refuses Vietnamese letters; strip removes marks and đ', () => {
    expect(() => encodeText('bão', 'ascii')).toThrow(/ascii character set cannot show "ã" \(U\+00E3\)/);
    expect(stripDiacritics('Thông báo khẩn: bão số 3, ĐƯỜNG')).toBe('Thong bao khan: bao so 3, DUONG');
  });
});

describe('message mapping', () => {
  const ascii8: AlphaTextSettings = {
    charset: 'ascii',
    vietnamese: 'strip',
    stripMarker: '[KD] ',
    rows: 16,
    columns: 96,
    maxLineChars: 64,
    dotColour: '1',
  };

  it('a page becomes ESC "0" + mode + speed + lines split by CR; pages run in order', () => {
    const plan = planMessage(
      {
        pages: [
          { lines: ['XIN CHAO', 'PHUONG 1'], mode: 'hold', seconds: 8 },
          { lines: ['B'], mode: 'scroll', seconds: 20 },
        ],
      },
      ascii8,
    );
    expect(hex(plan.pages[0]!.content)).toBe('1b 30 62 17 58 49 4e 20 43 48 41 4f 0d 50 48 55 4f 4e 47 20 31');
    expect(hex(plan.pages[1]!.content)).toBe('1b 30 61 15 42');
    expect(plan.runSequence).toBe('SLAB');
    expect(plan.memoryConfig).toBe('AAL0025FF00BAL0015FF00');
    expect(parseTextFile(plan.pages[0]!.content, 'ascii')).toMatchObject({
      mode: 'hold',
      speed: 3,
      lines: ['XIN CHAO', 'PHUONG 1'],
    });
  });

  it('strip: the marker on the first line, the expected read-back without diacritics', () => {
    const plan = planMessage({ pages: [{ lines: ['Thông báo khẩn: bão số 3'] }] }, ascii8);
    expect(plan.expectedText).toBe('[KD] Thong bao khan: bao so 3');
    expect(plan.messageText).toBe('Thông báo khẩn: bão số 3');
    expect(plan.notes[0]).toMatch(/without Vietnamese diacritics, marked "\[KD\]"/);
  });

  it('picture: the TEXT file calls the picture; a page too wide for a still mode is refused', () => {
    const plan = planMessage({ pages: [{ lines: ['Bão số 3'] }] }, { ...ascii8, vietnamese: 'picture' });
    expect(hex(plan.pages[0]!.content)).toBe('1b 30 62 17 14 51');
    expect(plan.pages[0]!.picture!.rows).toHaveLength(16);
    expect(plan.memoryConfig).toContain('QDL10601000');
    expect(() =>
      planMessage({ pages: [{ lines: ['Thông báo khẩn: bão số 3'] }] }, { ...ascii8, vietnamese: 'picture' }),
    ).toThrow(/page 1 does not fit the 96×16 board as a picture: line 1 is 128 dots wide/);
    // a moving page may be wider than the board
    expect(
      planMessage(
        { pages: [{ lines: ['Thông báo khẩn: bão số 3'], mode: 'scroll' }] },
        { ...ascii8, vietnamese: 'picture' },
      ).pages[0]!.picture!.bitmap.width,
    ).toBe(128);
  });
});
