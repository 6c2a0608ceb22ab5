// The PCM sink as a sound card (in-process: this test writes the PCM to its socket). Onsets are
// placed on the card's timeline; a pause longer than the card's buffer is a gap that delays what
// follows. Timing bounds are only the deterministic ones (nothing is stamped before it arrived).
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { GAP_TOLERANCE_MS, hubNow, SINK_RATE, startPcmSink } from './pcm-sink.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** `ms` of PCM: silence, with a full-scale square burst of `burstMs` at `atMs` when given. */
function pcm(ms: number, burst?: { atMs: number; burstMs: number }): Buffer {
  const n = Math.round((ms / 1000) * SINK_RATE);
  const b = Buffer.alloc(n * 2);
  if (burst) {
    const from = Math.round((burst.atMs / 1000) * SINK_RATE);
    const to = from + Math.round((burst.burstMs / 1000) * SINK_RATE);
    for (let i = from; i < to; i++) b.writeInt16LE(i % 2 ? 20000 : -20000, i * 2);
  }
  return b;
}

it('stamps every onset on the card timeline and counts a late chunk as a gap', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-sink-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const sink = await startPcmSink(path.join(dir, 's.sock'), { onsets: true });
  cleanup.push(() => sink.close());
  const sock = net.connect(sink.path);
  await new Promise((r) => sock.once('connect', r));
  const t0 = hubNow();
  // 1 s of audio at once (a burst at 200 ms, 40 ms long), then nothing for 1.5 s: the card ran
  // dry 0.5 s at least; then a second burst 300 ms into the next chunk.
  sock.write(pcm(1000, { atMs: 200, burstMs: 40 }));
  await new Promise((r) => setTimeout(r, 1500));
  const t1 = hubNow();
  sock.write(pcm(500, { atMs: 300, burstMs: 70 }));
  sock.end();
  await new Promise((r) => setTimeout(r, 200));

  expect(sink.plays).toHaveLength(1);
  const [p] = sink.plays;
  expect(p!.bytes).toBe(1500 * 96);
  expect(p!.onsets).toHaveLength(2);
  const [a, b] = p!.onsets;
  expect(a!.lengthMs).toBeCloseTo(40, 0);
  expect(b!.lengthMs).toBeCloseTo(70, 0);
  // the first burst leaves 200 ms after the first byte
  expect(a!.at - p!.firstByteAt).toBeCloseTo(200, 3);
  expect(p!.firstAudibleAt).toBe(a!.at);
  // the card ran dry when the first second ended, until the second chunk came
  expect(p!.until).toBeCloseTo(b!.at - 300 + 500, 3);
  expect(p!.gaps).toHaveLength(1);
  expect(p!.gaps[0]!.at).toBeCloseTo(p!.firstByteAt + 1000, 3);
  expect(p!.gaps[0]!.ms).toBeGreaterThan(500 - (p!.firstByteAt - t0) - 1);
  expect(p!.gaps[0]!.ms).toBeGreaterThan(GAP_TOLERANCE_MS);
  // the second burst leaves 300 ms after that chunk arrived (its first sample played on arrival)
  expect(b!.at - (p!.gaps[0]!.at + p!.gaps[0]!.ms)).toBeCloseTo(300, 3);
  expect(b!.at).toBeGreaterThanOrEqual(t1 + 300);
});

it('without onsets, stops reading at the first audible sample (the start-skew use)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-sink-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const sink = await startPcmSink(path.join(dir, 's.sock'));
  cleanup.push(() => sink.close());
  const sock = net.connect(sink.path);
  await new Promise((r) => sock.once('connect', r));
  sock.end(pcm(500, { atMs: 100, burstMs: 40 }));
  await new Promise((r) => setTimeout(r, 200));
  const [p] = sink.plays;
  expect(p!.firstAudibleAt! - p!.firstByteAt).toBeCloseTo(100, 3);
  expect(p!.onsets).toEqual([]);
  expect(p!.gaps).toEqual([]);
});
