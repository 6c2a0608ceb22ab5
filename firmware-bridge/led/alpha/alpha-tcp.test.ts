// The Alpha driver through createHardware over TCP (a serial device server) against the
// simulator: Vietnamese on UTF-8, cp1258 and ASCII boards (picture and strip), honest read-back,
// brightness, clock, clear, and the device server dropping or refusing connections.
import { rejection } from '../../test-support/rejection.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { createHardware } from '../../create-hardware.ts';
import { type AlphaSimulator, startAlphaSimulator } from './alpha-simulator.ts';
import { AlphaLedBoard, type AlphaBoardStatus } from './alpha-led-board.ts';
import { TcpStreamLink } from '../../transport/tcp-stream.ts';
import { encodePacket, dotsData } from './protocol.ts';
import { renderLines, bitmapsEqual, bitmapToAscii, VN5X7_METRICS } from '../render/index.ts';
import { ledMessageToText } from '../text.ts';

const VN = 'Thông báo khẩn: bão số 3';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function setup(board: Record<string, unknown> = {}, sim: ConstructorParameters<typeof AlphaSimulator>[0] = {}) {
  const s = await startAlphaSimulator({ address: '02', rows: 16, columns: 160, ...sim });
  cleanups.push(() => s.stop());
  const hw = createHardware(
    {
      kind: 'led',
      board: {
        driver: 'alpha-tcp',
        host: '127.0.0.1',
        port: s.port!,
        address: '02',
        rows: 16,
        columns: 160,
        timeoutMs: 300,
        ...board,
      },
    } as never,
    { name: 'bang-led-7' },
  );
  const b = hw.ledBoard as AlphaLedBoard;
  cleanups.push(() => b.close());
  expect(b).toBeInstanceOf(AlphaLedBoard);
  return { board: b, sim: s.sim, port: s.port! };
}

describe('Alpha LED board over TCP', () => {
  it('UTF-8 board: "Thông báo khẩn: bão số 3" round-trips exactly (NFD in, NFC back)', async () => {
    const { board, sim } = await setup({ charset: 'unicode-utf8' }, { charset: 'unicode-utf8' });
    const msg = { pages: [{ lines: [VN.normalize('NFD')] }] };
    await board.show(msg);
    const s = await board.status();
    expect(s.text).toBe(VN);
    expect(s.text).toBe(ledMessageToText(msg));
    expect(s.rendering).toEqual(['text']);
    expect(sim.shown()[0]!.lines).toEqual([VN]);
  });

  it('cp1258 board: the wire carries Windows-1258 bytes and the text reads back exactly', async () => {
    const { board, sim } = await setup({ charset: 'cp1258' }, { charset: 'cp1258' });
    await board.show({ pages: [{ lines: [VN, 'Phường Hạ Đình'] }] });
    expect((await board.status()).text).toBe(`${VN}\nPhường Hạ Đình`);
    expect(sim.shown()[0]!.lines).toEqual([VN, 'Phường Hạ Đình']);
  });

  it('ASCII board, picture mode: arrives as a SMALL DOTS PICTURE whose dots contain the marks', async () => {
    const { board, sim } = await setup({ charset: 'ascii', vietnamese: 'picture' }, { charset: 'ascii' });
    await board.show({ pages: [{ lines: [VN] }, { lines: ['Hop to 19:00'] }] });
    const s = (await board.status()) as AlphaBoardStatus;
    expect(s.text).toBe(`${VN}\n\nHop to 19:00`); // the picture read back dot for dot, so the board shows this text
    expect(s.rendering).toEqual(['picture', 'text']);
    expect(s.notes.join('\n')).toMatch(/picture Q \(160×16\) read back dot for dot as sent/);
    const pic = sim.pictureBitmap('Q')!;
    expect(bitmapsEqual(pic, renderLines([VN], { width: 160, height: 16 }))).toBe(true);
    // the marks are there: the picture differs from the same text without diacritics, above the letters
    const plain = renderLines(['Thong bao khan: bao so 3'], { width: 160, height: 16 });
    expect(bitmapsEqual(pic, plain)).toBe(false);
    const top = Math.floor((16 - VN5X7_METRICS.lineHeight) / 2);
    const markRows = bitmapToAscii(pic)
      .split('\n')
      .slice(top, top + VN5X7_METRICS.markRows + 2);
    expect(markRows.join('').split('#').length - 1).toBeGreaterThan(10);
    expect(sim.shown()[1]!.lines).toEqual(['Hop to 19:00']); // plain ASCII pages stay text
  });

  it('ASCII board, strip mode: arrives as "[KD] Thong bao khan: bao so 3" and the status says the diacritics were removed', async () => {
    const { board, sim } = await setup({ charset: 'ascii', vietnamese: 'strip' }, { charset: 'ascii' });
    const msg = { pages: [{ lines: [VN] }] };
    expect(board.expectedReadBack(msg)).toEqual({
      text: '[KD] Thong bao khan: bao so 3',
      notes: [expect.stringMatching(/without Vietnamese diacritics, marked "\[KD\]"/)],
    });
    await board.show(msg);
    const s = (await board.status()) as AlphaBoardStatus;
    expect(s.text).toBe('[KD] Thong bao khan: bao so 3');
    expect(s.rendering).toEqual(['stripped']);
    expect(s.notes[0]).toMatch(/without Vietnamese diacritics/);
    expect(sim.shown()[0]!.lines).toEqual(['[KD] Thong bao khan: bao so 3']);
  });

  it('a board whose font drops diacritics reads back without them, so the comparison fails honestly', async () => {
    const { board, sim } = await setup({ charset: 'unicode-utf8' }, { charset: 'unicode-utf8' });
    sim.fault = 'drop-diacritics';
    await board.show({ pages: [{ lines: [VN] }] });
    const s = await board.status();
    expect(s.text).toBe('Thong bao khan: bao so 3');
    expect(s.text).not.toBe(ledMessageToText({ pages: [{ lines: [VN] }] }));
  });

  it('a picture changed on the board reads back as a fault with the number of differing dots, not as the text', async () => {
    const { board, port } = await setup({ charset: 'ascii' }, { charset: 'ascii' });
    await board.show({ pages: [{ lines: ['Bão'] }] });
    // someone else's controller overwrites picture Q on the same line
    const other = new TcpStreamLink({ host: '127.0.0.1', port }, { device: 'other controller' });
    cleanups.push(() => other.close());
    const rows = Array.from({ length: 16 }, (_, y) => (y === 8 ? '1'.repeat(160) : '0'.repeat(160)));
    await other.exchange({
      operation: 'overwrite',
      request: encodePacket({ typeCode: 'Z', address: '02', command: 'I', data: dotsData('Q', rows) }),
    });
    const s = await board.status();
    expect(s.text).toMatch(/^\[picture Q: \d+ dots differ\]$/);
    expect(s.faults.join('\n')).toMatch(/page 1: picture Q differs from what was sent in \d+ of 2560 dots/);
  });

  it('brightness goes through the dimming register (five levels) and the clock is set in Vietnam time', async () => {
    const { board, sim } = await setup();
    await board.setBrightness(60);
    expect((await board.status()).brightness).toBe(58);
    expect(sim.brightnessPercent).toBe(58);
    await board.setTime(new Date('2026-11-24T19:05:00Z'));
    expect(sim.clock).toEqual({ time: '0205', date: '112526', dayOfWeek: '4' }); // Wednesday 02:05 in Hà Nội
    expect(await board.readTime()).toBe('02:05');
    expect((await rejection(board.setBrightness(101))).code).toBe('invalid');
  });

  it('clear empties the board; invalid messages change nothing and name the problem', async () => {
    const { board } = await setup({ charset: 'unicode-utf8', maxLineChars: 20 }, { charset: 'unicode-utf8' });
    await board.show({ pages: [{ lines: ['Tin cũ'] }] });
    const long = await rejection(board.show({ pages: [{ lines: ['Thông báo khẩn: bão số 3 đổ bộ'] }] }));
    expect(long.code).toBe('invalid');
    expect(long.message).toMatch(/page 1 line 1 has 30 characters, more than the 20/);
    expect((await rejection(board.show({ pages: [] } as never))).message).toMatch(/pages/);
    expect((await board.status()).text).toBe('Tin cũ');
    await board.clear();
    expect(await board.status()).toMatchObject({ text: '', pages: 0 });
  });

  it('the device server drops the connection: the next operation reconnects', async () => {
    const { board, sim } = await setup();
    await board.show({ pages: [{ lines: ['Một'] }] });
    sim.dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    await board.show({ pages: [{ lines: ['Hai'] }] });
    expect((await board.status()).text).toBe('Hai');
    expect(board.linkStats.reopens).toBe(1);
  });

  it('the device server is down: an io error naming the board, the address and the refusal; fine once it is back', async () => {
    const { board, sim, port } = await setup({ retries: 1 });
    await sim.close();
    const e = await rejection(board.status());
    expect(e.code).toBe('io');
    expect(e.message).toMatch(
      new RegExp(
        `bang-led-7.*status failed \\(io\\).*tcp 127\\.0\\.0\\.1:${port}: cannot open: connect ECONNREFUSED.*\\(2 attempts\\)`,
      ),
    );
    await sim.listenTcp(port);
    await board.show({ pages: [{ lines: ['Đã kết nối lại'] }] });
    expect((await board.status()).text).toBe('Đã kết nối lại');
  });

  it('the preview PNG shows what the board shows', async () => {
    const { board, sim } = await setup({ charset: 'ascii' }, { charset: 'ascii' });
    await board.show({ pages: [{ lines: ['Bão số 3'] }] });
    const png = sim.preview();
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bitmapsEqual(sim.previewBitmap(), renderLines(['Bão số 3'], { width: 160, height: 16 }))).toBe(true);
  });
});
