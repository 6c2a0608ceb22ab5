import { describe, expect, it } from 'vitest';
import { rejection } from './test-support/rejection.ts';
import { SimulatedLedBoard } from './led/simulated-led-board.ts';
import { ledMessageToText } from './led/text.ts';

const board = (opts: ConstructorParameters<typeof SimulatedLedBoard>[0] = {}) =>
  new SimulatedLedBoard({ name: 'bang-led-1', latencyMs: 1, timeoutMs: 30, ...opts });

describe('SimulatedLedBoard', () => {
  it('keeps Vietnamese diacritics exactly, NFC-normalised, and reads back what the agent sent', async () => {
    const b = board();
    const decomposed = 'Thông báo khẩn: bão số 3'.normalize('NFD'); // as some keyboards send it
    const msg = { pages: [{ lines: [decomposed, 'Đề nghị người dân ở trong nhà'] }, { lines: ['Phường Hà Đông'] }] };
    await b.show(msg);
    const s = await b.status();
    expect(s.text).toBe('Thông báo khẩn: bão số 3\nĐề nghị người dân ở trong nhà\n\nPhường Hà Đông');
    expect(s.text).toBe(s.text.normalize('NFC'));
    expect(s.text.split('\n')[0]).toBe('Thông báo khẩn: bão số 3'.normalize('NFC'));
    expect(s.pages).toBe(2);
    expect(s.text).toBe(ledMessageToText(msg));
    expect(s.warnings).toEqual([]);
  });

  it('shows markup as plain text, strips control characters (keeping newline) and reports them', async () => {
    const b = board();
    await b.show({ pages: [{ lines: ['<script>alert(1)</script>', 'Họp\u0007 tổ\u001b[2J dân phố\r\nlúc 19:00'] }] });
    const s = await b.status();
    expect(s.text).toBe('<script>alert(1)</script>\nHọp tổ[2J dân phố\nlúc 19:00');
    expect(s.warnings).toEqual(['page 1 line 2: removed control characters U+0007 U+001B U+000D']);
    expect(ledMessageToText({ pages: [{ lines: ['a\u0000b'] }] })).toBe('ab');
  });

  it('rejects an over-long line with a message naming page, line and limit, and keeps what was shown', async () => {
    const b = board({ maxLineChars: 20 });
    await b.show({ pages: [{ lines: ['Tin cũ'] }] });
    const e = await rejection(
      b.show({ pages: [{ lines: ['ngắn'] }, { lines: ['ok', 'Thông báo khẩn: bão số 3 đổ bộ'] }] }),
    );
    expect(e.code).toBe('invalid');
    expect(e.message).toContain('page 2 line 2 has 30 characters, more than the 20 this board shows');
    expect(e.message).toContain('"Thông báo khẩn: bão số 3…"');
    expect((await b.status()).text).toBe('Tin cũ');
  });

  it('counts characters after NFC: a line of 64 decomposed Vietnamese letters fits a 64-character board', async () => {
    const b = board();
    await b.show({ pages: [{ lines: ['ẩ'.repeat(64).normalize('NFD')] }] });
    expect((await b.status()).text).toBe('ẩ'.repeat(64));
  });

  it('rejects a message that breaks the protocol schema, naming the field', async () => {
    const e = await rejection(board().show({ pages: [{ lines: [] }] }));
    expect(e.code).toBe('invalid');
    expect(e.message).toMatch(/pages\.0\.lines/);
  });

  it("'no-answer' times out naming the board and operation; 'exception' fails; both recover when cleared", async () => {
    const b = board();
    b.injectFault('no-answer');
    const t = await rejection(b.show({ pages: [{ lines: ['x'] }] }));
    expect(t.code).toBe('timeout');
    expect(t.message).toMatch(/bang-led-1.*show.*no answer within 30 ms/);
    b.injectFault('exception');
    expect((await rejection(b.clear())).code).toBe('exception');
    b.injectFault(null);
    await b.show({ pages: [{ lines: ['Đã khôi phục'] }] });
    expect((await b.status()).text).toBe('Đã khôi phục');
  });

  it("'garbled' shows the text without diacritics, so read-back no longer matches what was sent", async () => {
    const b = board();
    b.injectFault('garbled');
    const msg = { pages: [{ lines: ['Đường Lê Lợi'] }] };
    await b.show(msg);
    const s = await b.status();
    expect(s.text).toBe('Duong Le Loi');
    expect(s.text).not.toBe(ledMessageToText(msg));
  });

  it('validates brightness, applies it, and clears', async () => {
    const b = board();
    expect((await rejection(b.setBrightness(150))).message).toMatch(/brightness must be an integer 0-100, got 150/);
    await b.setBrightness(30);
    await b.show({ pages: [{ lines: ['x'] }] });
    await b.clear();
    expect(await b.status()).toMatchObject({ text: '', pages: 0, brightness: 30, faults: [] });
  });
});
