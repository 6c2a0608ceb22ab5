// Every LED board driver knows its display and reports it as the protocol says; the defaults an
// unreported board is previewed with are the Alpha profile's own.
import { describe, expect, it } from 'vitest';
import { LedDisplay } from '../../protocol/schemas.ts';
import { createHardware } from '../create-hardware.ts';
import { AlphaSerialBoardConfig, AlphaTcpBoardConfig } from './alpha/profile.ts';
import { CHARSETS } from './alpha/charset.ts';
import { viewPage } from './alpha/page-view.ts';
import { type RenderError, renderLines } from './render/index.ts';
import { ALPHA_DEFAULT_DISPLAY } from './display.ts';
import { SimulatedLedBoard } from './simulated-led-board.ts';

describe('LED board display', () => {
  it('the Alpha defaults are the profile defaults, and the protocol knows every charset the driver does', () => {
    // Written out, not read from ALPHA_DEFAULT_DISPLAY (profile.ts takes its defaults from it): a
    // default changed by accident fails here. docs/led-boards.md documents these values.
    const expected = {
      rows: 16,
      columns: 96,
      maxLineChars: 64,
      charset: 'ascii',
      vietnamese: 'picture',
      stripMarker: '[KD] ',
    };
    expect(ALPHA_DEFAULT_DISPLAY).toEqual(expected);
    for (const parsed of [
      AlphaTcpBoardConfig.parse({ driver: 'alpha-tcp', host: 'nport-1', port: 4001 }),
      AlphaSerialBoardConfig.parse({ driver: 'alpha-serial', path: '/dev/ttyUSB0' }),
    ]) {
      const { rows, columns, maxLineChars, charset, vietnamese, stripMarker } = parsed;
      expect({ rows, columns, maxLineChars, charset, vietnamese, stripMarker }).toEqual(expected);
    }
    expect(LedDisplay.shape.charset.options).toEqual([...CHARSETS]);
  });

  it('a simulated board reports 16×96 by default, its profile may set rows and columns', async () => {
    expect(new SimulatedLedBoard().display).toEqual({
      rows: 16,
      columns: 96,
      maxLineChars: 64,
      charset: 'unicode-utf8',
      vietnamese: 'picture',
    });
    const hw = createHardware(
      { kind: 'led', board: { driver: 'simulated', rows: 32, columns: 192, maxLineChars: 40 } },
      { name: 'led-1' },
    );
    expect(hw.ledBoard!.display).toEqual({
      rows: 32,
      columns: 192,
      maxLineChars: 40,
      charset: 'unicode-utf8',
      vietnamese: 'picture',
    });
    expect(LedDisplay.parse(hw.ledBoard!.display)).toEqual(hw.ledBoard!.display);
    // It still shows text of any size: the geometry is for the preview, not a new refusal.
    await hw.ledBoard!.show({ pages: [{ lines: ['một', 'hai', 'ba', 'bốn'] }] });
    expect(() => createHardware({ kind: 'led', board: { driver: 'simulated', columns: 8 } })).toThrow(/board\.columns/);
  });

  it('an Alpha board reports the display of its profile', async () => {
    const hw = createHardware({
      kind: 'led',
      board: {
        driver: 'alpha-tcp',
        host: '127.0.0.1',
        port: 1,
        rows: 32,
        columns: 160,
        charset: 'ascii',
        vietnamese: 'strip',
        stripMarker: '* ',
      },
    });
    try {
      expect(hw.ledBoard!.display).toEqual({
        rows: 32,
        columns: 160,
        maxLineChars: 64,
        charset: 'ascii',
        vietnamese: 'strip',
        stripMarker: '* ',
      });
      expect(LedDisplay.safeParse(hw.ledBoard!.display).success).toBe(true);
    } finally {
      await hw.ledBoard!.close();
    }
  });

  it('a picture that does not fit says how, for callers that explain it in their own words', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as RenderError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => renderLines(['Bão', 'lũ'], { width: 96, height: 16 })).misfit).toEqual({
      kind: 'rows',
      lines: 2,
      need: 28,
      have: 16,
    });
    expect(err(() => renderLines(['Thông báo khẩn: bão số 3'], { width: 96, height: 16 })).misfit).toMatchObject({
      kind: 'width',
      line: 1,
      have: 96,
    });
    const s = { ...ALPHA_DEFAULT_DISPLAY };
    expect(viewPage(['Bão', 'lũ'], 'hold', s, 2).refusal).toMatchObject({
      kind: 'picture-misfit',
      error: {
        message:
          'page 2 does not fit the 96×16 board as a picture: 2 line(s) need 28 dot rows (14 per line), the board has 16',
      },
    });
    expect(viewPage(['Bão'], 'hold', s).bitmap).toMatchObject({ width: 96, height: 16 });
  });
});
