// LedOutput with a real Alpha board driver (over TCP to the Alpha simulator): what the receipt's
// evidence says for a UTF-8 board, an ASCII board drawing pictures, an ASCII board dropping the
// diacritics behind its marker, and a board whose font loses them silently.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createHardware, startAlphaSimulator, type AlphaSimulatorFault } from '../firmware-bridge/index.ts';
import { LedOutput } from './led-output.ts';
import { systemClock, type ScheduleItem } from '../protocol/index.ts';

const VN = 'Thông báo khẩn: bão số 3';
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!().catch(() => undefined);
});

async function play(board: Record<string, unknown>, fault: AlphaSimulatorFault | null = null, lines = [VN]) {
  const charset = (board.charset as 'ascii' | 'unicode-utf8') ?? 'ascii';
  const sim = await startAlphaSimulator({ address: '01', charset, rows: 16, columns: 160 });
  stops.push(() => sim.stop());
  sim.sim.fault = fault;
  const hw = createHardware(
    {
      kind: 'led',
      board: {
        driver: 'alpha-tcp',
        host: '127.0.0.1',
        port: sim.port!,
        address: '01',
        rows: 16,
        columns: 160,
        timeoutMs: 300,
        ...board,
      },
    } as never,
    { name: 'bang-led-1' },
  );
  stops.push(() => hw.ledBoard!.close());
  const out = new LedOutput({ board: hw.ledBoard!, log: pino({ level: 'silent' }), clock: systemClock });
  const item = {
    occurrenceId: 'o1',
    broadcastId: 'b1',
    title: '',
    priority: 'emergency',
    startAt: 0,
    durationMs: 50,
    volume: 80,
    led: { pages: [{ lines, mode: 'hold', seconds: 8 }] },
  } as ScheduleItem;
  return out.play(item, {
    signal: new AbortController().signal,
    startAtDeviceMs: Date.now(),
    onStarted: () => undefined,
    onProgress: () => undefined,
  });
}

describe('LedOutput on an Alpha board', () => {
  it('UTF-8 board: played, the read-back equals the text', async () => {
    const o = await play({ charset: 'unicode-utf8' });
    expect(o.result).toBe('played');
    expect(o.evidence.led).toMatchObject({ shownText: VN, readBack: VN, matches: true });
  });

  it('ASCII board, picture: played, and the reason says the picture was verified dot for dot', async () => {
    const o = await play({ charset: 'ascii', vietnamese: 'picture' });
    expect(o.result).toBe('played');
    expect(o.evidence.led).toMatchObject({ shownText: VN, readBack: VN, matches: true });
    expect(o.reason).toMatch(/160×16 dot picture.*read back dot for dot/);
  });

  it('ASCII board, strip: played as "[KD] Thong bao khan: bao so 3", and the evidence says the diacritics were removed', async () => {
    const o = await play({ charset: 'ascii', vietnamese: 'strip' });
    expect(o.result).toBe('played');
    expect(o.evidence.led).toMatchObject({
      shownText: '[KD] Thong bao khan: bao so 3',
      readBack: '[KD] Thong bao khan: bao so 3',
      matches: true,
    });
    expect(o.reason).toMatch(/without Vietnamese diacritics, marked "\[KD\]"/);
  });

  it('a UTF-8 board whose font silently drops the marks: failed, naming what it shows', async () => {
    const o = await play({ charset: 'unicode-utf8' }, 'drop-diacritics');
    expect(o.result).toBe('failed');
    expect(o.evidence.led).toMatchObject({ shownText: VN, readBack: 'Thong bao khan: bao so 3', matches: false });
    expect(o.reason).toContain('LED board shows "Thong bao khan: bao so 3" instead of');
    expect(o.reasonCode).toBe('shows-other');
  });

  // The receipt's reason code: what the hub words for officials (the reason stays as detail).
  it('a message too wide for the board: failed before anything is written, code text-too-wide', async () => {
    const o = await play({ charset: 'ascii', vietnamese: 'picture' }, null, [`${VN} — ${VN}`]);
    expect(o.result).toBe('failed');
    expect(o.reason).toMatch(/^LED board did not take the message: .*dots wide/);
    expect(o.reasonCode).toBe('text-too-wide');
  });

  it('a board that does not answer: failed, code device-unreachable', async () => {
    const o = await play({ charset: 'ascii', vietnamese: 'picture' }, 'no-answer');
    expect(o.result).toBe('failed');
    expect(o.reasonCode).toBe('device-unreachable');
  });
});
