// Tests an amplifier from the command line (`wardcast probe --profile speaker.yaml`): reads what
// it reports — power, zones, volume, current, temperature, faults — and, only when asked
// (`switchTest`), powers it on with all zones at a low volume, reads back, and powers it off.
import { probeAttempt } from '../probe-attempt.ts';
import { createHardware } from '../create-hardware.ts';
import { parseHardwareProfile, type HardwareProfileInput } from '../hardware-profile.ts';
import type { AmplifierReadback } from './amplifier.ts';

export interface AmplifierProbeOptions {
  name?: string;
  /** Power on, all zones, volume 20 %, read back, power off. Default: read only. */
  switchTest?: boolean;
}

export interface AmplifierProbeResult {
  ok: boolean;
  amplifier: string;
  /** Round trip of one full read-back, ms. */
  readMs: number | null;
  readback: AmplifierReadback | null;
  switched?: { readback: AmplifierReadback; off: AmplifierReadback | null };
  errors: string[];
}

export async function probeAmplifier(
  profileInput: HardwareProfileInput,
  options: AmplifierProbeOptions = {},
): Promise<AmplifierProbeResult> {
  const profile = parseHardwareProfile(profileInput);
  if (profile.kind !== 'speaker')
    throw new Error(`probeAmplifier needs a profile of kind "speaker", got "${profile.kind}"`);
  const hw = createHardware(profile, { name: options.name ?? 'probe' });
  const amp = hw.amplifier!;
  const result: AmplifierProbeResult = {
    ok: true,
    amplifier: amp.description,
    readMs: null,
    readback: null,
    errors: [],
  };
  const attempt = probeAttempt(result);
  try {
    const t0 = performance.now();
    result.readback = (await attempt('read', () => amp.read())) ?? null;
    if (result.readback) result.readMs = Math.round((performance.now() - t0) * 10) / 10;
    if (options.switchTest && result.readback) {
      const zones = Array.from({ length: profile.amplifier.zones }, (_, i) => i + 1);
      const on = await attempt('switch on', async () => {
        await amp.setPower(true);
        await amp.setZones(zones);
        await amp.setVolume(20);
        return amp.read();
      });
      const off =
        (await attempt('switch off', async () => {
          await amp.setPower(false);
          return amp.read();
        })) ?? null;
      if (on) result.switched = { readback: on, off };
    }
  } finally {
    await amp.close();
  }
  return result;
}

function describeReadback(r: AmplifierReadback, indent = '  '): string[] {
  const nm = new Set(r.notMeasured ?? []);
  const v = (key: 'power' | 'volume' | 'current' | 'temperature' | 'faults', text: string) =>
    nm.has(key) ? `${text} (not measured)` : text;
  return [
    `${indent}${v('power', `power ${r.powered ? 'ON' : 'off'}`)}${nm.has('power') ? `: the power relay reads back ${r.powered ? 'closed' : 'open'}` : ''}`,
    `${indent}zones on: ${r.zones.length ? r.zones.join(', ') : 'none'}`,
    `${indent}${nm.has('volume') ? 'volume: no volume register (set on the amplifier)' : `volume ${r.volume}%`}`,
    `${indent}${nm.has('current') ? 'current: not measured by this hardware' : `current ${r.currentMa} mA`}`,
    `${indent}${nm.has('temperature') ? 'temperature: not measured by this hardware' : `temperature ${r.temperatureC} °C`}`,
    `${indent}${nm.has('faults') ? 'faults: not reported by this hardware' : `faults: ${r.faults.length ? r.faults.join(', ') : 'none'}`}`,
  ];
}

export function formatAmplifierProbe(r: AmplifierProbeResult): string {
  const lines = [`${r.ok ? 'OK  ' : 'FAIL'} ${r.amplifier}`];
  if (r.readback) {
    lines.push(`  read back in ${r.readMs} ms:`);
    lines.push(...describeReadback(r.readback, '    '));
  }
  if (r.switched) {
    lines.push('  after power on, all zones, volume 20%:');
    lines.push(...describeReadback(r.switched.readback, '    '));
    if (r.switched.off) lines.push(`  after power off: power ${r.switched.off.powered ? 'STILL ON' : 'off'}`);
  }
  for (const e of r.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}
