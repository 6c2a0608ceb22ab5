import { describe, expect, it } from 'vitest';
import { parseHardwareProfile } from './hardware-profile.ts';
import { createHardware } from './create-hardware.ts';
import { SimulatedAmplifier } from './amplifier/simulated-amplifier.ts';
import { SimulatedLedBoard } from './led/simulated-led-board.ts';

describe('hardware profile', () => {
  it('fills defaults for a speaker profile', () => {
    expect(parseHardwareProfile({ kind: 'speaker', amplifier: { driver: 'simulated' } })).toEqual({
      kind: 'speaker',
      amplifier: { driver: 'simulated', zones: 4, warmUpMs: 1500, tailMs: 1000, minPlayingCurrentMa: 150 },
      audioOutput: 'null',
    });
  });

  it.each([
    [{ kind: 'speaker', amplifier: { driver: 'simulated', zone: 2 } }, /amplifier: Unrecognized key: "zone"/],
    [{ kind: 'speaker', amplifier: { driver: 'simulated', zones: 0 } }, /amplifier\.zones: /],
    [{ kind: 'speaker', amplifier: { driver: 'simulated', warmUpMs: -5 } }, /amplifier\.warmUpMs: /],
    [{ kind: 'speaker', amplifier: { driver: 'modbus-rtu' } }, /amplifier\.path: .*amplifier\.registerMap: /s],
    [
      { kind: 'speaker', amplifier: { driver: 'modbus-tcp', host: 'gw', registerMap: 'no-such-map' } },
      /amplifier\.registerMap: register map "no-such-map" is not one of the shipped maps/,
    ],
    [
      { kind: 'speaker', amplifier: { driver: 'modbus-tcp', host: 'gw', registerMap: 'relay-board-8ch', zones: 9 } },
      /amplifier\.zones: the register map has 7 zones, not 9/,
    ],
    [
      {
        kind: 'speaker',
        amplifier: { driver: 'modbus-rtu', path: '/dev/ttyUSB0', registerMap: 'relay-board-8ch', dataBits: 7 },
      },
      /amplifier\.dataBits: Modbus RTU needs 8 data bits/,
    ],
    [
      {
        kind: 'speaker',
        amplifier: { driver: 'modbus-rtu', path: '/dev/ttyUSB0', registerMap: 'relay-board-8ch', unitId: 250 },
      },
      /amplifier\.unitId: unit 250 is not an RTU address/,
    ],
    [{ kind: 'speaker', amplifier: { driver: 'bluetooth' } }, /amplifier\.driver: .*simulated/],
    [
      { kind: 'speaker', amplifier: { driver: 'simulated' }, audioOutput: 'alsa default' },
      /audioOutput: must be "null" or/,
    ],
    [{ kind: 'led', board: { driver: 'simulated', maxLineChars: 'wide' } }, /board\.maxLineChars: /],
    [{ kind: 'led', board: { driver: 'alpha-serial' } }, /board\.path: /],
    [
      { kind: 'led', board: { driver: 'alpha-serial', path: '/dev/ttyUSB0', charset: 'cp1258', dataBits: 7 } },
      /board\.dataBits: .*need dataBits 8/,
    ],
    [
      { kind: 'led', board: { driver: 'alpha-tcp', host: 'nport-1', port: 4001, charst: 'ascii' } },
      /board: Unrecognized key: "charst"/,
    ],
    [{ kind: 'siren' }, /kind: /],
    [{ kind: 'led' }, /board: /],
  ])('names the bad field: %j', (raw, message) => {
    expect(() => parseHardwareProfile(raw, 'devices/loa-1.yaml')).toThrow(/^devices\/loa-1\.yaml is invalid: /);
    expect(() => parseHardwareProfile(raw)).toThrow(message);
  });

  it('createHardware builds a simulated amplifier or LED board with the profile settings', async () => {
    const speaker = createHardware(
      { kind: 'speaker', amplifier: { driver: 'simulated', zones: 2, latencyMs: 0 } },
      { name: 'loa-7' },
    );
    expect(speaker.amplifier).toBeInstanceOf(SimulatedAmplifier);
    expect(speaker.simulatedAmplifier).toBe(speaker.amplifier);
    expect(speaker.ledBoard).toBeUndefined();
    expect(speaker.amplifier!.description).toBe('simulated amplifier "loa-7" (2 zones)');
    expect((await speaker.amplifier!.read()).zones).toEqual([1, 2]);
    expect(speaker.profile).toMatchObject({ kind: 'speaker', audioOutput: 'null' });

    const led = createHardware({ kind: 'led', board: { driver: 'simulated', maxLineChars: 10 } });
    expect(led.ledBoard).toBeInstanceOf(SimulatedLedBoard);
    expect(led.amplifier).toBeUndefined();
    await expect(led.ledBoard!.show({ pages: [{ lines: ['mười một ký'] }] })).rejects.toThrow(/more than the 10/);
  });
});
