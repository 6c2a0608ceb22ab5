// The click-track method end to end without a hub: clicks encoded by ffmpeg as the browser would
// send them, decoded by a second ffmpeg into the PCM sink, every onset found and paired with the
// click that made it. The pairing is checked exactly; the latency only for being plausible.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { clickIdOf, clickLengthMs, matchClicks, startClickSource, type SentClick } from './click-track.ts';
import { startPcmSink } from './pcm-sink.ts';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('click ids and pairing', () => {
  it('tells the clicks apart by burst length, with a few ms of codec smear', () => {
    for (let k = 0; k < 12; k++) expect(clickIdOf(clickLengthMs(k) + (k % 2 ? 12 : -8))).toBe(k % 6);
    expect(clickIdOf(19)).toBeNull(); // shorter than any: a cut burst
    expect(clickIdOf(230)).toBeNull();
  });

  it('pairs an onset with the latest click of its id sent before it, even past a period', () => {
    const sent: SentClick[] = Array.from({ length: 10 }, (_, k) => ({ k, at: 1000 * k, lengthMs: clickLengthMs(k) }));
    const { matched, unrecognised } = matchClicks(sent, [
      { at: 3400, lengthMs: clickLengthMs(2) }, // click 2, 1.4 s late
      { at: 8250, lengthMs: clickLengthMs(7) }, // click 7
      { at: 9000, lengthMs: 15 }, // no click's length
      { at: 9100, lengthMs: null }, // cut by the end of the stream
    ]);
    expect(matched.map((m) => [m.k, m.latencyMs])).toEqual([
      [2, 1400],
      [7, 1250],
    ]);
    expect(unrecognised).toBe(2);
  });

  it('leaves out a click whose start was lost rather than pairing it with an earlier click', () => {
    const sent: SentClick[] = Array.from({ length: 12 }, (_, k) => ({ k, at: 1000 * k, lengthMs: clickLengthMs(k) }));
    const heard = sent.map((c) => ({ at: c.at + 600, lengthMs: c.lengthMs + 5 }));
    // click 8 (90 ms) lost its first 60 ms to a dropout: heard late and 30 ms long, click 6's length
    heard[8] = { at: 8000 + 600 + 60, lengthMs: 35 };
    const { matched, unrecognised } = matchClicks(sent, heard);
    expect(unrecognised).toBe(1);
    expect(matched.map((m) => m.k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
    expect(new Set(matched.map((m) => m.latencyMs))).toEqual(new Set([600]));
  });
});

describe('click track through ffmpeg into the PCM sink', () => {
  it('hears every click in order, each once, after it was spoken', async () => {
    const ffmpeg = resolveFfmpeg().path;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-click-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const sink = await startPcmSink(path.join(dir, 'spk.sock'), { onsets: true });
    cleanup.push(() => sink.close());
    const dec = spawn(
      ffmpeg,
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-probesize',
        '4096',
        '-analyzeduration',
        '0',
        '-i',
        'pipe:0',
        '-f',
        's16le',
        '-ar',
        '48000',
        '-ac',
        '1',
        `unix:${sink.path}`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    cleanup.push(() => void dec.kill('SIGKILL'));
    dec.stdin.on('error', () => undefined);
    // Ten clicks, then quiet: the wait ends where an eleventh would start (4.5 s), and a loaded
    // machine's late timer once let the source speak the first ms of it (a cut burst, unrecognised).
    const src = startClickSource({ ffmpegPath: ffmpeg, periodMs: 400, clicks: 10, send: (c) => dec.stdin.write(c) });
    await new Promise((r) => setTimeout(r, 4500)); // the last click (4.1 s; 120 ms long) and quiet after it
    await src.stop();
    dec.stdin.end();
    await new Promise((r) => dec.once('close', r));

    expect(src.sent.length).toBe(10);
    expect(src.chunks).toBeGreaterThan(20);
    expect(sink.plays).toHaveLength(1);
    const play = sink.plays[0]!;
    const { matched, unrecognised } = matchClicks(src.sent, play.onsets, 400);
    expect(unrecognised).toBe(0);
    // every click spoken was heard once, in order (the encoder flushes its tail at the end)
    expect(matched.map((m) => m.k)).toEqual(src.sent.map((c) => c.k));
    for (const m of matched) {
      expect(m.latencyMs).toBeGreaterThan(0);
      expect(m.latencyMs).toBeLessThan(2000);
    }
  });
});
