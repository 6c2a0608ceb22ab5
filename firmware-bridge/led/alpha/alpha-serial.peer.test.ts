// The Alpha driver on a real serial line: serialport on one end of a socat pty pair, the
// simulator on the other (through a frame tap on a second pair where the test needs to damage the
// line). Bad cases: line noise between frames both ways, cut-off frames, wrong checksums, no answer,
// the adapter going away and coming back. Each gives a clear error or is absorbed, and the driver
// stays usable.
import { rejection } from '../../test-support/rejection.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AlphaSimulator } from './alpha-simulator.ts';
import { createAlphaLedBoard } from './create-alpha-board.ts';
import { AlphaSerialBoardConfig } from './profile.ts';
import { LineTap, NOISE, ptyPair, type PtyPair } from './test-support/socat.ts';
import type { AlphaLedBoard } from './alpha-led-board.ts';

const VN = 'Thông báo khẩn: bão số 3';
let dir: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wardcast-alpha-'));
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function boardOn(devicePath: string, extra: Record<string, unknown> = {}): AlphaLedBoard {
  const cfg = AlphaSerialBoardConfig.parse({
    driver: 'alpha-serial',
    path: devicePath,
    baudRate: 115200,
    address: '01',
    charset: 'unicode-utf8',
    timeoutMs: 300,
    ...extra,
  });
  const b = createAlphaLedBoard(cfg, 'bang-led-1');
  cleanups.push(() => b.close());
  return b;
}

async function pair(name: string): Promise<PtyPair> {
  const p = await ptyPair(dir, name);
  cleanups.push(() => p.stop());
  return p;
}

async function simOn(p: string, opts: ConstructorParameters<typeof AlphaSimulator>[0] = {}): Promise<AlphaSimulator> {
  const sim = new AlphaSimulator({ address: '01', charset: 'unicode-utf8', ...opts });
  await sim.openSerial(p, 115200);
  cleanups.push(() => sim.close());
  return sim;
}

/** driver ⇄ pair1 ⇄ tap ⇄ pair2 ⇄ simulator */
async function tapped(name: string) {
  const p1 = await pair(`${name}-1`);
  const p2 = await pair(`${name}-2`);
  const tap = await LineTap.open(p1.b, p2.a, 115200);
  cleanups.push(() => tap.close());
  const sim = await simOn(p2.b);
  return { board: boardOn(p1.a), sim, tap, port: p1.a };
}

describe('Alpha LED board over a socat serial pair', () => {
  it('shows a Vietnamese message on a UTF-8 board and reads it back exactly', async () => {
    const p = await pair('plain');
    const sim = await simOn(p.b);
    const board = boardOn(p.a);
    await board.show({
      pages: [
        { lines: [VN.normalize('NFD')], mode: 'flash' },
        { lines: ['Đề nghị người dân', 'ở trong nhà'], mode: 'rollUp' },
      ],
    });
    const s = await board.status();
    expect(s.text).toBe(`${VN}\n\nĐề nghị người dân\nở trong nhà`);
    expect(s.pages).toBe(2);
    expect(s.faults).toEqual([]);
    expect(sim.shown().map((pg) => pg.mode)).toEqual(['flash', 'rollUp']);
    expect(sim.stats.badFrames).toBe(0);
  });

  it('absorbs line noise between frames in both directions', async () => {
    const { board, sim, tap } = await tapped('noise');
    tap.toBoard = (f) => [NOISE, f, NOISE];
    tap.toDriver = (f) => [NOISE, f];
    await board.show({ pages: [{ lines: [VN] }] });
    expect((await board.status()).text).toBe(VN);
    expect(sim.stats.noiseBytes).toBeGreaterThan(0);
    expect(sim.stats.badFrames).toBe(0);
  });

  it('an RS-485 adapter that echoes every frame back: the driver skips its own frames', async () => {
    const { board, tap } = await tapped('echo');
    tap.echo = true;
    await board.show({ pages: [{ lines: [VN] }] });
    expect((await board.status()).text).toBe(VN);
    expect(board.linkStats.badAnswers).toBe(0);
  });

  it('a write frame with a wrong checksum is counted and ignored by the board; the driver sees the error bit and writes again', async () => {
    const { board, sim, tap } = await tapped('badsum');
    let damaged = 0;
    tap.toBoard = (f) => {
      // the first TEXT file write ('A' command after STX) gets one data byte flipped
      const i = f.indexOf(0x02);
      if (damaged === 0 && f[i + 1] === 0x41) {
        damaged++;
        const g = f.slice();
        g[i + 4] ^= 0x20;
        return [g];
      }
      return [f];
    };
    await board.show({ pages: [{ lines: [VN] }] });
    expect(damaged).toBe(1);
    expect(sim.stats.badFrames).toBe(1);
    expect(sim.stats.badReasons[0]).toMatch(/checksum .* does not match/);
    expect((await board.status()).text).toBe(VN);
  });

  it('a cut-off write frame is counted by the board (serial timeout) and written again', async () => {
    const { board, sim, tap } = await tapped('cut');
    let cut = 0;
    tap.toBoard = (f) => {
      const i = f.indexOf(0x02);
      if (cut === 0 && f[i + 1] === 0x41) {
        cut++;
        return [f.subarray(0, f.length - 8)]; // loses the checksum and EOT
      }
      return [f];
    };
    await board.show({ pages: [{ lines: ['Họp tổ dân phố lúc 19:00'] }] });
    expect(cut).toBe(1);
    expect(sim.stats.badFrames).toBe(1);
    expect(sim.stats.badReasons[0]).toMatch(/cut off/);
    expect((await board.status()).text).toBe('Họp tổ dân phố lúc 19:00');
  });

  it('an answer with a wrong checksum is retried; a board that always garbles gives a clear error; the driver recovers', async () => {
    const { board, sim, tap, port } = await tapped('garble');
    await board.show({ pages: [{ lines: ['Xin chào'] }] });
    let flipped = 0;
    tap.toDriver = (f) => {
      if (flipped++ === 0) {
        const g = f.slice();
        g[g.length - 2] ^= 0x01;
        return [g];
      }
      return [f];
    };
    expect((await board.status()).text).toBe('Xin chào');
    expect(flipped).toBeGreaterThan(1);
    expect(board.linkStats.badAnswers).toBe(1);
    sim.fault = 'garbled';
    const e = await rejection(board.status());
    expect(e.code).toBe('io');
    expect(e.message).toContain('Alpha LED board "bang-led-1"');
    expect(e.message).toContain(`serial ${port} 115200 8N1`);
    expect(e.message).toMatch(/bad answer: checksum \w{4} does not match the frame .*\(3 attempts\)/);
    sim.fault = null;
    expect((await board.status()).text).toBe('Xin chào');
  });

  it('no answer: a timeout naming board, port and wait; the driver is usable when the board answers again', async () => {
    const p = await pair('mute');
    const sim = await simOn(p.b);
    const board = boardOn(p.a, { retries: 1, timeoutMs: 150 });
    sim.fault = 'no-answer';
    const e = await rejection(board.show({ pages: [{ lines: ['x'] }] }));
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(
      new RegExp(
        `bang-led-1.*show failed \\(timeout\\).*serial ${p.a} 115200 8N1: no answer within 150 ms \\(2 attempts\\)`,
      ),
    );
    sim.fault = null;
    await board.show({ pages: [{ lines: ['Đã khôi phục'] }] });
    expect((await board.status()).text).toBe('Đã khôi phục');
  });

  it('the adapter goes away (io error naming the port) and comes back (the driver reopens it)', async () => {
    const p = await pair('unplug');
    let sim = await simOn(p.b);
    const board = boardOn(p.a, { retries: 1, timeoutMs: 200 });
    const t0 = Date.now();
    const step = (what: string) => process.env.DEBUG_ALPHA && console.log(`${Date.now() - t0} ms ${what}`);
    await board.show({ pages: [{ lines: ['Trước'] }] });
    step('shown');
    await sim.close();
    step('sim closed');
    await p.stop();
    step('socat stopped');
    const e = await rejection(board.status());
    step('status failed');
    expect(e.code).toBe('io');
    expect(e.message).toContain(p.a);
    expect(e.message).toMatch(/link dropped|cannot open|write failed/);
    // the same link paths again, as a USB adapter re-enumerating under /dev/serial/by-id
    const again = await ptyPair(dir, 'unplug');
    cleanups.push(() => again.stop());
    step('socat again');
    sim = await simOn(again.b);
    step('sim reopened');
    await board.show({ pages: [{ lines: ['Sau khi cắm lại'] }] });
    step('shown again');
    expect((await board.status()).text).toBe('Sau khi cắm lại');
    expect(board.linkStats.reopens).toBe(1);
  });
});
