// Builds the device drivers a hardware profile describes. The only place that knows which class
// implements which driver name.
import type { Amplifier } from './amplifier/amplifier.ts';
import { SimulatedAmplifier } from './amplifier/simulated-amplifier.ts';
import type { LedBoard } from './led/led-board.ts';
import { SimulatedLedBoard } from './led/simulated-led-board.ts';
import { parseHardwareProfile, type HardwareProfile, type HardwareProfileInput } from './hardware-profile.ts';

export interface Hardware {
  /** The profile with defaults applied (warmUpMs, tailMs, audioOutput, ...). */
  profile: HardwareProfile;
  amplifier?: Amplifier;
  ledBoard?: LedBoard;
  /** Set when the amplifier is simulated: the player feeds it audio, tests inject faults. */
  simulatedAmplifier?: SimulatedAmplifier;
  simulatedLedBoard?: SimulatedLedBoard;
}

export interface CreateHardwareOptions {
  /** Device id or similar; appears in descriptions and errors. */
  name?: string;
}

export function createHardware(input: HardwareProfileInput, options: CreateHardwareOptions = {}): Hardware {
  const profile = parseHardwareProfile(input);
  if (profile.kind === 'speaker') {
    const a = profile.amplifier;
    const simulatedAmplifier = new SimulatedAmplifier({ name: options.name, zones: a.zones, latencyMs: a.latencyMs });
    return { profile, amplifier: simulatedAmplifier, simulatedAmplifier };
  }
  const b = profile.board;
  const simulatedLedBoard = new SimulatedLedBoard({ name: options.name, maxLineChars: b.maxLineChars, latencyMs: b.latencyMs });
  return { profile, ledBoard: simulatedLedBoard, simulatedLedBoard };
}
