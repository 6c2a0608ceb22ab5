// The LED board's part of the agent's telemetry: what it shows, its brightness and its display,
// so the hub can preview messages on the board as it really is.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { SimulatedLedBoard } from '../firmware-bridge/index.ts';
import { systemClock, Telemetry } from '../protocol/index.ts';
import { LedOutput } from './led-output.ts';

const log = pino({ level: 'silent' });

describe('LED telemetry', () => {
  it('carries the board display beside what it shows, valid by the protocol', async () => {
    const board = new SimulatedLedBoard({ rows: 32, columns: 192, maxLineChars: 48, latencyMs: 0 });
    await board.show({ pages: [{ lines: ['Bão số 3'] }] });
    const part = await new LedOutput({ board, log, clock: systemClock }).telemetry();
    expect(part).toEqual({
      led: {
        text: 'Bão số 3',
        brightness: 80,
        display: { rows: 32, columns: 192, maxLineChars: 48, charset: 'unicode-utf8', vietnamese: 'picture' },
      },
    });
    const t = {
      deviceId: 'led-1',
      at: 1,
      clockOffsetMs: null,
      clockDelayMs: null,
      outboxSize: 0,
      cacheBytes: 0,
      scheduleVersion: 0,
      nowPlaying: null,
      rejected: {},
      ...part,
    };
    expect(Telemetry.parse(t).led?.display).toEqual(part.led!.display);
    // An older agent's telemetry (no display) stays valid.
    expect(Telemetry.safeParse({ ...t, led: { text: '', brightness: 80 } }).success).toBe(true);
  });

  it('leaves the LED part out when the board does not answer', async () => {
    const board = new SimulatedLedBoard({ latencyMs: 0, timeoutMs: 20 });
    board.injectFault('no-answer');
    expect(await new LedOutput({ board, log, clock: systemClock }).telemetry()).toEqual({});
  });
});
