// Round trip of an LED write + read-back (show() then status()) with the Alpha driver against the
// Alpha simulator: over a socat pty pair at 9600 and 115200 baud, and over TCP (a serial device
// server). Prints median and p95, the bytes each round trip puts on the wire, and the time a real
// line at that baud needs for them (a pty does not pace bytes at the baud rate, so its figures are
// software overhead; add the wire time for a real RS-232/RS-485 line).
//
//   node bin/run-ts.mjs test/bench/led-bench.ts [iterations]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AlphaSimulator } from '../../firmware-bridge/led/alpha/alpha-simulator.ts';
import { createAlphaLedBoard } from '../../firmware-bridge/led/alpha/create-alpha-board.ts';
import { AlphaSerialBoardConfig, AlphaTcpBoardConfig } from '../../firmware-bridge/led/alpha/profile.ts';
import { ptyPair } from '../../firmware-bridge/led/alpha/test-support/socat.ts';
import type { AlphaLedBoard } from '../../firmware-bridge/led/alpha/alpha-led-board.ts';
import { SimulatedLedBoard } from '../../firmware-bridge/led/simulated-led-board.ts';
import type { LedBoard } from '../../firmware-bridge/led/led-board.ts';

const N = Number(process.argv[2] ?? 40);
const MSG = {
  pages: [{ lines: ['Thông báo khẩn: bão số 3'], mode: 'flash' as const }, { lines: ['Người dân hạn chế ra đường'] }],
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function measure(board: LedBoard, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n + 3; i++) {
    const t0 = performance.now();
    await board.show(MSG);
    const s = await board.status();
    const dt = performance.now() - t0;
    if (!s.text.startsWith('Thông') && !s.text.startsWith('[KD]')) throw new Error(`read-back differs: ${s.text}`);
    if (i >= 3) times.push(dt); // warm-up
  }
  return times;
}

function row(label: string, times: number[], wireBytes?: number, baud?: number) {
  const wire =
    wireBytes !== undefined && baud
      ? `${wireBytes} B/round trip, ${((wireBytes * 10 * 1000) / baud).toFixed(0)} ms on a real ${baud} line`
      : wireBytes !== undefined
        ? `${wireBytes} B/round trip`
        : '';
  console.log(
    `${label.padEnd(44)} median ${pct(times, 50).toFixed(2).padStart(7)} ms   p95 ${pct(times, 95).toFixed(2).padStart(7)} ms   ${wire}`,
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'wardcast-led-bench-'));
const stops: (() => Promise<unknown>)[] = [];
try {
  console.log(`LED write + read-back round trip (show + status, 2 pages), ${N} runs each after 3 warm-up runs`);
  // Baseline peer: the in-memory simulated board (no protocol, no I/O), latency 0.
  row('in-memory SimulatedLedBoard (baseline)', await measure(new SimulatedLedBoard({ latencyMs: 0 }), N));

  const variants: { charset: 'unicode-utf8' | 'ascii'; vietnamese: 'picture' | 'strip'; label: string }[] = [
    { charset: 'unicode-utf8', vietnamese: 'picture', label: 'UTF-8 text' },
    { charset: 'ascii', vietnamese: 'picture', label: 'ASCII board, 32×192 pictures' },
  ];
  for (const v of variants) {
    for (const baud of [9600, 115200]) {
      const p = await ptyPair(dir, `b${baud}-${v.charset}`);
      stops.push(() => p.stop());
      const sim = new AlphaSimulator({ address: '01', charset: v.charset, rows: 32, columns: 192 });
      await sim.openSerial(p.b, baud);
      stops.push(() => sim.close());
      const cfg = AlphaSerialBoardConfig.parse({
        driver: 'alpha-serial',
        path: p.a,
        baudRate: baud,
        address: '01',
        charset: v.charset,
        vietnamese: v.vietnamese,
        rows: 32,
        columns: 192,
      });
      const board: AlphaLedBoard = createAlphaLedBoard(cfg, 'bench');
      stops.push(() => board.close());
      const before = board.linkStats;
      const times = await measure(board, N);
      const after = board.linkStats;
      const bytes = Math.round((after.bytesOut + after.bytesIn - before.bytesOut - before.bytesIn) / (N + 3));
      row(`socat pty ${String(baud).padStart(6)} baud, ${v.label}`, times, bytes, baud);
    }
    const sim = new AlphaSimulator({ address: '01', charset: v.charset, rows: 32, columns: 192 });
    const { port } = await sim.listenTcp(0);
    stops.push(() => sim.close());
    const board = createAlphaLedBoard(
      AlphaTcpBoardConfig.parse({
        driver: 'alpha-tcp',
        host: '127.0.0.1',
        port,
        address: '01',
        charset: v.charset,
        rows: 32,
        columns: 192,
      }),
      'bench',
    );
    stops.push(() => board.close());
    row(
      `tcp loopback (device server), ${v.label}`,
      await measure(board, N),
      Math.round((board.linkStats.bytesOut + board.linkStats.bytesIn) / (N + 3)),
    );
  }
} finally {
  while (stops.length) await stops.pop()!().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
