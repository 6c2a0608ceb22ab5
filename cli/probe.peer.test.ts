// `wardcast probe`: prints what the amplifier reads back; exit 1 with the DeviceError when the
// device does not answer, 2 when the profile is invalid. Once as the real command
// (bin/wardcast.mjs), the other cases through runProbe in-process (a CLI start costs seconds).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ModbusAmplifierSimulator } from '../firmware-bridge/index.ts';
import { runProbe } from './probe.ts';

function probeInProcess(profile: unknown): Promise<{ code: number; out: string }> {
  const file = path.join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, YAML.stringify(profile));
  let out = '';
  return runProbe({ profile: file }, (s) => (out += `${s}\n`)).then(
    (code) => ({ code, out }),
    (e) => ({ code: (e as { exitCode?: number }).exitCode ?? 1, out: `wardcast probe: ${(e as Error).message}` }),
  );
}

const bin = path.resolve(import.meta.dirname, '..', 'bin', 'wardcast.mjs');
const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-probe-'));
let sim: ModbusAmplifierSimulator;
let port: number;

function probe(profile: unknown, ...args: string[]): Promise<{ code: number; out: string }> {
  const file = path.join(dir, `p-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, YAML.stringify(profile));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'probe', '--profile', file, ...args],
      { timeout: 20_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
      },
    );
  });
}

beforeAll(async () => {
  sim = new ModbusAmplifierSimulator({ random: () => 0 });
  port = await sim.listenTcp();
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wardcast probe', () => {
  const amp = () => ({
    kind: 'speaker',
    amplifier: {
      driver: 'modbus-tcp',
      host: '127.0.0.1',
      port,
      registerMap: 'amp-controller-readback',
      timeoutMs: 200,
      retries: 0,
    },
  });

  it('prints power, zones, volume, current, temperature and faults; --switch-test switches and reads back', async () => {
    const r = await probe({ profile: amp() }, '--switch-test'); // an agent config with a profile: section
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^OK {3}amplifier "probe" \(amp-controller-readback, unit 1 on modbus-tcp 127\.0\.0\.1:\d+\)/,
    );
    expect(r.out).toMatch(
      /power off\n\s+zones on: 1, 2, 3, 4\n\s+volume 0%\n\s+current 0 mA\n\s+temperature 32 °C\n\s+faults: none/,
    );
    expect(r.out).toMatch(
      /after power on, all zones, volume 20%:\n\s+power ON[\s\S]*volume 20%[\s\S]*after power off: power off/,
    );
  });

  it('exits 1 with the DeviceError when the device does not answer', async () => {
    sim.inject('no-answer');
    try {
      const r = await probeInProcess(amp());
      expect(r.code).toBe(1);
      expect(r.out).toMatch(
        /^FAIL .*\n\s+error: read: amplifier "probe": unit 1 FC01 read coils 0-4 \(power and zone relays\) failed \(timeout\): modbus-tcp 127\.0\.0\.1:\d+: no answer within 200 ms/,
      );
    } finally {
      sim.inject(null);
    }
  });

  it('exits 2 naming the bad field of an invalid profile', async () => {
    const r = await probeInProcess({
      kind: 'speaker',
      amplifier: { driver: 'modbus-rtu', path: '/dev/ttyUSB0', registerMap: 'relay-board-8ch', baudRate: 9601 },
    });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/wardcast probe: .* is invalid: amplifier\.baudRate: must be a standard rate/);
  });
});
