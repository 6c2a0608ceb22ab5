import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio.ts';
import { MediaError } from './errors.ts';
import { runFfmpeg } from './ffmpeg-run.ts';
import { parseChannels, parseProbe, probeAudio } from './probe.ts';
import { makeFixtures, type Fixtures } from './test-audio.ts';

const ffmpeg = resolveFfmpeg().path;
let fx: Fixtures;

beforeAll(() => {
  fx = makeFixtures(ffmpeg);
});
afterAll(() => {
  if (fx) rmSync(fx.dir, { recursive: true, force: true });
});

async function mediaError(p: Promise<unknown>): Promise<MediaError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaError);
  return err as MediaError;
}

describe('probeAudio on real uploads', () => {
  const cases: Array<[string, { codec: string; sampleRate: number; channels: number; format: RegExp }]> = [
    ['mp3', { codec: 'mp3', sampleRate: 44100, channels: 2, format: /^mp3$/ }],
    ['m4a', { codec: 'aac', sampleRate: 44100, channels: 1, format: /mp4/ }],
    ['vorbis', { codec: 'vorbis', sampleRate: 44100, channels: 1, format: /^ogg$/ }],
    ['opus', { codec: 'opus', sampleRate: 48000, channels: 1, format: /^ogg$/ }],
    ['flac', { codec: 'flac', sampleRate: 22050, channels: 1, format: /^flac$/ }],
    ['wav', { codec: 'pcm_s24le', sampleRate: 48000, channels: 2, format: /^wav$/ }],
  ];
  it.each(cases)('%s', async (name, want) => {
    const p = await probeAudio(ffmpeg, fx.good[name]);
    expect(p.hasAudio).toBe(true);
    expect(p.codec).toBe(want.codec);
    expect(p.sampleRate).toBe(want.sampleRate);
    expect(p.channels).toBe(want.channels);
    expect(p.formatName).toMatch(want.format);
    expect(p.durationMs).not.toBeNull();
    expect(Math.abs(p.durationMs! - fx.speechMs)).toBeLessThan(150);
  });
});

describe('probeAudio refuses what is not audio, with a reason a person can read', () => {
  it('a text file renamed .mp3', async () => {
    const e = await mediaError(probeAudio(ffmpeg, fx.bad.text));
    expect(e.code).toBe('not-audio');
    expect(e.message).toBe('the file is not audio: it looks like a text file');
  });

  it('a zero-byte file', async () => {
    const e = await mediaError(probeAudio(ffmpeg, fx.bad.zero));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/empty \(0 bytes\)/);
  });

  it('a PNG image', async () => {
    const e = await mediaError(probeAudio(ffmpeg, fx.bad.png));
    expect(e.code).toBe('not-audio');
    expect(e.message).toMatch(/looks like a PNG image/);
  });

  it('a video without sound', async () => {
    const e = await mediaError(probeAudio(ffmpeg, fx.bad.videoOnly));
    expect(e.code).toBe('not-audio');
    expect(e.message).toBe('the file is not audio: ffmpeg found no audio stream (it holds only video: h264)');
    const p = await probeAudio(ffmpeg, fx.bad.videoOnly, { requireAudio: false });
    expect(p.hasAudio).toBe(false);
  });

  it('random bytes', async () => {
    const e = await mediaError(probeAudio(ffmpeg, fx.bad.garbage));
    expect(e.code).toBe('not-audio');
    expect(e.message).toMatch(/not in any audio format/);
  });

  it('a missing file', async () => {
    const e = await mediaError(probeAudio(ffmpeg, path.join(fx.dir, 'nope.mp3')));
    expect(e.code).toBe('corrupt');
    expect(e.message).toMatch(/could not be opened/);
  });

  it('a FIFO is refused without opening it (opening would block)', async () => {
    const fifo = path.join(fx.dir, 'pipe.mp3');
    execFileSync('mkfifo', [fifo]);
    const e = await mediaError(probeAudio(ffmpeg, fifo));
    expect(e.code).toBe('not-audio');
    rmSync(fifo);
  });

  it('a missing ffmpeg binary', async () => {
    const e = await mediaError(probeAudio('/nonexistent/ffmpeg', fx.good.wav));
    expect(e.code).toBe('ffmpeg-failed');
  });
});

describe('runFfmpeg deadline', () => {
  it('kills an ffmpeg that blocks, and reports a timeout', async () => {
    // ffmpeg opening a FIFO with no writer blocks forever: a real hang, not a simulated one.
    const fifo = path.join(fx.dir, 'hang.wav');
    execFileSync('mkfifo', [fifo]);
    const e = await mediaError(runFfmpeg(ffmpeg, ['-i', fifo, '-f', 'null', '-'], { timeoutMs: 400, what: 'testing' }));
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(/took too long while testing/);
    // The child is gone (reaped), not merely abandoned.
    const alive = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .some((d) => {
        try {
          return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(fifo);
        } catch {
          return false;
        }
      });
    expect(alive).toBe(false);
    rmSync(fifo);
  });
});

describe('parsing', () => {
  it('reads container, duration and streams from ffmpeg -i output', () => {
    const p = parseProbe(
      [
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/x/a.m4a':",
        '  Duration: 00:01:02.50, start: 0.000000, bitrate: 85 kb/s',
        '    Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 83 kb/s (default)',
        '    Stream #0:1[0x1e0]: Video: h264 (High), yuv420p, 64x64',
      ].join('\n'),
    );
    expect(p.formatName).toBe('mov,mp4,m4a,3gp,3g2,mj2');
    expect(p.durationMs).toBe(62_500);
    expect(p.streams.map((s) => s.kind)).toEqual(['Audio', 'Video']);
    expect(parseProbe("Input #0, wav, from 'x':\n  Duration: N/A, bitrate: N/A\n").durationMs).toBeNull();
  });

  it('channel layouts', () => {
    expect(parseChannels('mono')).toBe(1);
    expect(parseChannels('5.1(side)')).toBe(6);
    expect(parseChannels('3 channels')).toBe(3);
  });
});
