// `wardcast probe --profile <file>`: tests the device a hardware profile describes, from the
// command line on the device. Loads the profile (a bare hardware profile, or an agent config with a
// `profile:` section), reads what the device reports and prints it. Exits 1 with the DeviceError
// message when the device does not answer or refuses, 2 when the profile is invalid.
//   speaker: power, zones, volume, current, temperature, faults (--switch-test: power on, all
//            zones at 20 %, read back, power off)
//   led:     what the board shows, brightness, clock (--write "text": show and read back)
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import {
  parseHardwareProfile,
  probeAmplifier,
  formatAmplifierProbe,
  probeLedBoard,
  formatLedProbe,
  type HardwareProfile,
} from '../firmware-bridge/index.ts';

export interface ProbeCliOptions {
  profile: string;
  switchTest?: boolean;
  write?: string;
  setTime?: boolean;
}

export function loadProfileFile(file: string): HardwareProfile {
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw Object.assign(new Error(`cannot read ${file}: ${(e as Error).message}`), { exitCode: 2 });
  }
  const profile =
    raw && typeof raw === 'object' && 'profile' in raw && !('kind' in raw)
      ? (raw as { profile: unknown }).profile
      : raw;
  try {
    return parseHardwareProfile(profile, file);
  } catch (e) {
    throw Object.assign(e as Error, { exitCode: 2 });
  }
}

/** Runs the probe, prints the result; returns the process exit code. */
export async function runProbe(opts: ProbeCliOptions, out: (s: string) => void = console.log): Promise<number> {
  const profile = loadProfileFile(opts.profile);
  if (profile.kind === 'speaker') {
    const r = await probeAmplifier(profile, { switchTest: opts.switchTest });
    out(formatAmplifierProbe(r));
    return r.ok ? 0 : 1;
  }
  const r = await probeLedBoard(profile, { write: opts.write, setTime: opts.setTime });
  out(formatLedProbe(r));
  return r.ok ? 0 : 1;
}
