// Builds the device drivers a hardware profile describes. The only place that knows which class
// implements which driver name.
import type { Amplifier } from './amplifier/amplifier.ts';
import { SimulatedAmplifier } from './amplifier/simulated-amplifier.ts';
import { createModbusAmplifier } from './amplifier/create-modbus-amplifier.ts';
import type { LedBoard } from './led/led-board.ts';
import { SimulatedLedBoard } from './led/simulated-led-board.ts';
import { createAlphaLedBoard } from './led/alpha/create-alpha-board.ts';
import { parseHardwareProfile, type HardwareProfile, type HardwareProfileInput } from './hardware-profile.ts';

export interface Hardware {
  /** The profile with defaults applied (warmUpMs, tailMs, audioOutput, ...). */
  profile: HardwareProfile;
  amplifier?: Amplifier;
  ledBoard?: LedBoard;
  /** Set when the amplifier is simulated: the player feeds it audio, tests inject faults. */
  simulatedAmplifier?: SimulatedAmplifier;
  simulatedLedBoard?: SimulatedLedBoard;
  /** The amplifier's audio input, for simulators only (the player calls it when audio starts/stops). */
  feedAudio?: (active: boolean) => void;
}

export interface CreateHardwareOptions {
  /** Device id or similar; appears in descriptions and errors. */
  name?: string;
}

export function createHardware(input: HardwareProfileInput, options: CreateHardwareOptions = {}): Hardware {
  const profile = parseHardwareProfile(input);
  if (profile.kind === 'speaker') {
    const a = profile.amplifier;
    if (a.driver === 'modbus-rtu' || a.driver === 'modbus-tcp') {
      const m = createModbusAmplifier(a, options.name);
      return { profile, amplifier: m.amplifier, feedAudio: m.feedAudio };
    }
    const simulatedAmplifier = new SimulatedAmplifier({ name: options.name, zones: a.zones, latencyMs: a.latencyMs });
    return { profile, amplifier: simulatedAmplifier, simulatedAmplifier, feedAudio: (on) => simulatedAmplifier.feedAudio(on) };
  }
  const b = profile.board;
  if (b.driver === 'alpha-serial' || b.driver === 'alpha-tcp') return { profile, ledBoard: createAlphaLedBoard(b, options.name) };
  const simulatedLedBoard = new SimulatedLedBoard({ name: options.name, maxLineChars: b.maxLineChars, rows: b.rows, columns: b.columns, latencyMs: b.latencyMs });
  return { profile, ledBoard: simulatedLedBoard, simulatedLedBoard };
}
