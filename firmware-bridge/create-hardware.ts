// Builds the device drivers a hardware profile describes, with every driver imported up front (for
// tests and tools that need it synchronously). The agent uses loadHardware (load-hardware.ts),
// which imports only the driver its profile names.
import { createModbusAmplifier } from './amplifier/create-modbus-amplifier.ts';
import { createAlphaLedBoard } from './led/alpha/create-alpha-board.ts';
import { parseHardwareProfile, type HardwareProfileInput } from './hardware-profile.ts';
import { assembleHardware, type CreateHardwareOptions, type Hardware } from './load-hardware.ts';

export type { Hardware, CreateHardwareOptions } from './load-hardware.ts';

export function createHardware(input: HardwareProfileInput, options: CreateHardwareOptions = {}): Hardware {
  return assembleHardware(parseHardwareProfile(input), options, { createModbusAmplifier, createAlphaLedBoard });
}
