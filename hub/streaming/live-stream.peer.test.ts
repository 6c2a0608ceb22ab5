// A live session's stream on the hub, with the real ffmpeg: the browser's WebM/Opus in (made here by
// ffmpeg, in 100 ms clusters), the relays' Ogg Opus out to a listener, evened to the files' target
// without loudnorm's look-ahead; a reconnecting browser (a second WebM stream after the first) goes
// on in the same stream; the end lets the listener hear the last words, then ends its stream.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio/ffmpeg-path.ts';
import { decodedMs, ff, measureLufs, tempDir } from '../media/test-audio.ts';
import { liveFfmpegArgs } from './live-args.ts';
import { LiveStream } from './live-streams.ts';
import { MEDIA_RECORDER_WEBM } from '../../test/helpers/ffmpeg-args.ts';

const ffmpeg = resolveFfmpeg().path;
let dir: string;
/** Two recordings as a browser's MediaRecorder would send them: 3 s each, quiet. */
let first: Buffer;
let second: Buffer;

const webm = (name: string, hz: number) => {
  const file = path.join(dir, name);
  ff(ffmpeg, [
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=${hz}:sample_rate=48000:duration=3`,
    '-af',
    'volume=0.5',
    ...MEDIA_RECORDER_WEBM,
    file,
  ]);
  return readFileSync(file);
};

beforeAll(() => {
  dir = tempDir('live-stream');
  first = webm('first.webm', 440);
  second = webm('second.webm', 660);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the live ffmpeg', () => {
  it('asks for no probing, no loudnorm, and the relays’ Ogg Opus in 100 ms pages', () => {
    const args = liveFfmpegArgs({ targetLufs: -16 });
    const valueAfter = (flag: string) => args[args.indexOf(flag) + 1];
    expect([valueAfter('-analyzeduration'), valueAfter('-f'), valueAfter('-i')]).toEqual(['0', 'matroska', 'pipe:0']);
    expect(valueAfter('-af')).not.toMatch(/loudnorm/);
    expect(valueAfter('-af')).toMatch(/dynaudnorm=f=50:g=3:.*r=0\.158.*,alimiter=limit=0\.841/);
    expect([valueAfter('-c:a'), valueAfter('-b:a'), valueAfter('-page_duration'), args.at(-1)]).toEqual([
      'libopus',
      '24k',
      '100000',
      'pipe:1',
    ]);
  });
});

describe('a live stream', () => {
  it('encodes what the browser sends for its listener, across a reconnection, to the end', async () => {
    const failures: string[] = [];
    const stream = new LiveStream(
      'b@1',
      { ffmpegPath: ffmpeg, targetLufs: -16, log: pino({ level: 'silent' }), now: Date.now },
      (why) => failures.push(why),
    );
    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise<void>((r) => out.on('end', () => r()));
    expect(stream.attach('loa-1', 'loa-1/1', out, null)).toBe(true);
    stream.prepare();
    // The recording in 4 kB messages, then a new recording (the phone reconnected).
    for (const rec of [first, second])
      for (let i = 0; i < rec.length; i += 4096) {
        stream.write(rec.subarray(i, i + 4096));
        await new Promise((r) => setImmediate(r));
      }
    expect(stream.listeners()).toMatchObject([{ deviceId: 'loa-1', state: 'listening' }]);
    await stream.close();
    await ended;
    expect(failures).toEqual([]);
    expect(stream.isOpen).toBe(false);
    expect(stream.attach('loa-2', 'loa-2/1', new PassThrough(), null)).toBe(false);

    const file = path.join(dir, 'live.ogg');
    writeFileSync(file, Buffer.concat(got));
    const probe = spawnSync(ffmpeg, ['-hide_banner', '-i', file], { encoding: 'utf8' }).stderr;
    expect(probe).toMatch(/Audio: opus, 48000 Hz, mono/);
    // Both recordings, whole: the end waited for the encoder to finish what it held.
    const ms = decodedMs(ffmpeg, file);
    expect(ms).toBeGreaterThan(5700);
    expect(ms).toBeLessThan(6300);
    // From a quiet tone (about -27 LUFS: lavfi's sine is at -18 dBFS, then halved) to near the files' target, without a 3 s look-ahead.
    expect(Math.abs(measureLufs(ffmpeg, file) - -16)).toBeLessThan(3);
  }, 30_000);

  it('a stream nobody spoke into ends without running ffmpeg', async () => {
    const stream = new LiveStream(
      'b@2',
      { ffmpegPath: '/nonexistent/ffmpeg', targetLufs: -16, log: pino({ level: 'silent' }), now: Date.now },
      () => undefined,
    );
    const out = new PassThrough();
    const ended = new Promise<void>((r) => out.on('finish', () => r()));
    stream.attach('loa-1', 'loa-1/1', out, null);
    await stream.close();
    await ended;
    expect(stream.isOpen).toBe(false);
  });
});
