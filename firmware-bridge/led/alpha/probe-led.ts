// Tests an LED board from the command line: reads what it shows, its brightness, clock and serial
// error register, and (only when asked) writes a test message and compares the read-back.
//
//   node bin/run-ts.mjs firmware-bridge/led/alpha/probe-led.ts --profile led.yaml [--write "Thử bảng: bão số 3"] [--set-time]
//
// probeLedBoard(profile) is what `wardcast probe` calls for a profile of kind 'led'.
import { probeAttempt } from '../../probe-attempt.ts';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import { createHardware } from '../../create-hardware.ts';
import { parseHardwareProfile, type HardwareProfileInput } from '../../hardware-profile.ts';
import { ledMessageToText } from '../text.ts';
import type { LedBoardStatus } from '../led-board.ts';
import { AlphaLedBoard } from './alpha-led-board.ts';

export interface LedProbeOptions {
  /** Name used in messages. Default "probe". */
  name?: string;
  /** Write this one-page message (hold), read it back and compare. Default: read only. */
  write?: string;
  /** Set the board's clock to now (Alpha boards). */
  setTime?: boolean;
}

export interface LedProbeResult {
  ok: boolean;
  board: string;
  /** Milliseconds for the first status read (the round trip an installer cares about). */
  statusMs: number | null;
  status: LedBoardStatus | null;
  clock?: string;
  written?: {
    sent: string;
    expected: string;
    readBack: string;
    matches: boolean;
    notes: string[];
    roundTripMs: number;
  };
  errors: string[];
}

export async function probeLedBoard(
  profileInput: HardwareProfileInput,
  options: LedProbeOptions = {},
): Promise<LedProbeResult> {
  const profile = parseHardwareProfile(profileInput);
  if (profile.kind !== 'led') throw new Error(`probeLedBoard needs a profile of kind "led", got "${profile.kind}"`);
  const hw = createHardware(profile, { name: options.name ?? 'probe' });
  const board = hw.ledBoard!;
  const result: LedProbeResult = { ok: true, board: board.description, statusMs: null, status: null, errors: [] };
  const attempt = probeAttempt(result);
  try {
    const t0 = performance.now();
    result.status = (await attempt('status', () => board.status())) ?? null;
    if (result.status) result.statusMs = Math.round((performance.now() - t0) * 10) / 10;
    if (board instanceof AlphaLedBoard) {
      if (options.setTime) await attempt('set clock', () => board.setTime(new Date()));
      result.clock = await attempt('read clock', () => board.readTime());
    }
    if (options.write !== undefined) {
      const msg = { pages: [{ lines: [options.write], mode: 'hold' as const, seconds: 8 }] };
      const expected = board.expectedReadBack?.(msg) ?? { text: ledMessageToText(msg), notes: [] };
      const t1 = performance.now();
      const shown = await attempt('write test message', () => board.show(msg));
      if (shown !== undefined || result.errors.length === 0) {
        const s = await attempt('read back', () => board.status());
        if (s) {
          const matches = s.text === expected.text;
          if (!matches) result.ok = false;
          result.written = {
            sent: ledMessageToText(msg),
            expected: expected.text,
            readBack: s.text,
            matches,
            notes: [...new Set([...expected.notes, ...(s.notes ?? [])])],
            roundTripMs: Math.round((performance.now() - t1) * 10) / 10,
          };
        }
      }
    }
  } finally {
    await board.close();
  }
  return result;
}

export function formatLedProbe(r: LedProbeResult): string {
  const lines = [`${r.ok ? 'OK  ' : 'FAIL'} ${r.board}`];
  if (r.status) {
    lines.push(
      `  shows (${r.status.pages} page${r.status.pages === 1 ? '' : 's'}, read in ${r.statusMs} ms): ${JSON.stringify(r.status.text)}`,
    );
    lines.push(`  brightness ${r.status.brightness}%${r.clock ? `, clock ${r.clock}` : ''}`);
    for (const f of r.status.faults) lines.push(`  fault: ${f}`);
  }
  if (r.written) {
    lines.push(`  wrote ${JSON.stringify(r.written.sent)}, expected back ${JSON.stringify(r.written.expected)}`);
    lines.push(
      `  read back ${JSON.stringify(r.written.readBack)}: ${r.written.matches ? 'matches' : 'DIFFERS'} (${r.written.roundTripMs} ms)`,
    );
    for (const n of r.written.notes) lines.push(`  note: ${n}`);
  }
  for (const e of r.errors) lines.push(`  error: ${e}`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const file = arg('profile');
  if (!file) {
    console.error('usage: probe-led.ts --profile led.yaml [--write "text"] [--set-time]');
    process.exit(2);
  }
  const raw = YAML.parse(readFileSync(file, 'utf8'));
  // An agent config (with a profile: section) or a bare profile.
  const profile = raw && typeof raw === 'object' && 'profile' in raw ? raw.profile : raw;
  const r = await probeLedBoard(profile, { write: arg('write'), setTime: process.argv.includes('--set-time') });
  console.log(formatLedProbe(r));
  process.exit(r.ok ? 0 : 1);
}
