// Builds the device drivers a hardware profile describes, importing a field driver (Modbus, Alpha)
// only when the profile names it: an agent loads the one driver its device uses and leaves the
// others, their simulators and the serial stack on disk (docs/boards.md). createHardware
// (create-hardware.ts) is the same with every driver imported up front, for tests and tools.
import type { Amplifier } from './amplifier/amplifier.ts';
import { SimulatedAmplifier } from './amplifier/simulated-amplifier.ts';
import type { createModbusAmplifier } from './amplifier/create-modbus-amplifier.ts';
import type { LedBoard } from './led/led-board.ts';
import { SimulatedLedBoard } from './led/simulated-led-board.ts';
import type { createAlphaLedBoard } from './led/alpha/create-alpha-board.ts';
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

/** The field drivers' factories; only the one the profile names needs to be there. */
export interface FieldDrivers {
  createModbusAmplifier?: typeof createModbusAmplifier;
  createAlphaLedBoard?: typeof createAlphaLedBoard;
}

const isModbus = (p: HardwareProfile) =>
  p.kind === 'speaker' && (p.amplifier.driver === 'modbus-rtu' || p.amplifier.driver === 'modbus-tcp');
const isAlpha = (p: HardwareProfile) =>
  p.kind === 'led' && (p.board.driver === 'alpha-serial' || p.board.driver === 'alpha-tcp');

export async function loadHardware(
  input: HardwareProfileInput,
  options: CreateHardwareOptions = {},
): Promise<Hardware> {
  const profile = parseHardwareProfile(input);
  const drivers: FieldDrivers = {};
  if (isModbus(profile))
    drivers.createModbusAmplifier = (await import('./amplifier/create-modbus-amplifier.ts')).createModbusAmplifier;
  if (isAlpha(profile))
    drivers.createAlphaLedBoard = (await import('./led/alpha/create-alpha-board.ts')).createAlphaLedBoard;
  return assembleHardware(profile, options, drivers);
}

/** The only place that knows which class implements which driver name. */
export function assembleHardware(
  profile: HardwareProfile,
  options: CreateHardwareOptions,
  drivers: FieldDrivers,
): Hardware {
  if (profile.kind === 'speaker') {
    const a = profile.amplifier;
    if (a.driver === 'modbus-rtu' || a.driver === 'modbus-tcp') {
      const m = drivers.createModbusAmplifier!(a, options.name);
      return { profile, amplifier: m.amplifier, feedAudio: m.feedAudio };
    }
    const simulatedAmplifier = new SimulatedAmplifier({ name: options.name, zones: a.zones, latencyMs: a.latencyMs });
    return {
      profile,
      amplifier: simulatedAmplifier,
      simulatedAmplifier,
      feedAudio: (on) => simulatedAmplifier.feedAudio(on),
    };
  }
  const b = profile.board;
  if (b.driver === 'alpha-serial' || b.driver === 'alpha-tcp')
    return { profile, ledBoard: drivers.createAlphaLedBoard!(b, options.name) };
  const simulatedLedBoard = new SimulatedLedBoard({
    name: options.name,
    maxLineChars: b.maxLineChars,
    rows: b.rows,
    columns: b.columns,
    latencyMs: b.latencyMs,
  });
  return { profile, ledBoard: simulatedLedBoard, simulatedLedBoard };
}
