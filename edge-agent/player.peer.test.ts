// The ffmpeg player with real ffmpeg and a real Vietnamese speech clip: real-time decoding,
// progress, stopping early, and errors that name the cause.
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../firmware-bridge/audio.ts';
import { ffmpegArgs, parseFfmpegTime, playFile, preparePlay } from './player.ts';
import { makeClip } from './test-support/helpers.ts';

const ffmpegPath = resolveFfmpeg().path;

describe('player', () => {
  it('decodes in real time (-re) to the null sink and reports the decoded duration', async () => {
    const clip = makeClip('Xin chào bà con');
    const progress: number[] = [];
    const t0 = Date.now();
    const r = await playFile(clip.file, { ffmpegPath, output: 'null', onProgress: (ms) => progress.push(ms) });
    const elapsed = Date.now() - t0;
    expect(r).toMatchObject({ exitCode: 0, stopped: false });
    expect(r.error).toBeUndefined();
    expect(Math.abs(r.decodedMs - clip.durationMs)).toBeLessThan(100);
    // real time: not faster than the audio (less ffmpeg's initial burst), not much slower
    expect(elapsed).toBeGreaterThan(clip.durationMs * 0.6);
    expect(elapsed).toBeLessThan(clip.durationMs + 2000);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('stops when aborted and reports how much was decoded', async () => {
    const clip = makeClip('Thông báo khẩn cấp về bão số ba', 4);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1000);
    const r = await playFile(clip.file, { ffmpegPath, output: 'null', signal: ac.signal });
    expect(r.stopped).toBe(true);
    expect(r.error).toBeUndefined();
    expect(r.decodedMs).toBeGreaterThan(300);
    expect(r.decodedMs).toBeLessThan(clip.durationMs - 1000);
  });

  it('prepared ahead, waits with nothing decoded until start(), then plays; stopped before start, ends', async () => {
    const clip = makeClip('Xin chào');
    const progress: number[] = [];
    const p = preparePlay(clip.file, { ffmpegPath, output: 'null', onProgress: (ms) => progress.push(ms) });
    await new Promise((r) => setTimeout(r, 700)); // ffmpeg has started up by now
    expect(progress).toEqual([]);
    p.start();
    const r = await p.result;
    expect(r).toMatchObject({ exitCode: 0, stopped: false });
    expect(Math.abs(r.decodedMs - clip.durationMs)).toBeLessThan(100);

    const ac = new AbortController();
    const never = preparePlay(clip.file, { ffmpegPath, output: 'null', signal: ac.signal });
    ac.abort();
    expect(await never.result).toMatchObject({ stopped: true, decodedMs: 0 });
  });

  it('names the problem when the file is missing or is not audio, or the output cannot be opened', async () => {
    const missing = await playFile('/nonexistent/bulletin.opus', { ffmpegPath, output: 'null' });
    expect(missing.error).toMatch(/cannot read the audio file .*no such file or directory/i);
    const notAudio = await playFile(new URL(import.meta.url).pathname, { ffmpegPath, output: 'null' });
    expect(notAudio.error).toMatch(/ffmpeg exited with code/);
    const badOutput = await playFile(makeClip('Xin chào').file, { ffmpegPath, output: 'alsa:no-such-card-xyz' });
    expect(badOutput.error).toMatch(/alsa|audio device|Input\/output/i);
    const noBinary = await playFile(new URL(import.meta.url).pathname, {
      ffmpegPath: '/nonexistent/ffmpeg',
      output: 'null',
    });
    expect(noBinary.error).toMatch(/cannot run ffmpeg \(\/nonexistent\/ffmpeg\): .*(ENOENT|No such file)/);
  });

  it('builds output arguments from the profile and parses ffmpeg times', () => {
    expect(ffmpegArgs('a.opus', 'null').slice(-3)).toEqual(['-f', 'null', '-']);
    expect(ffmpegArgs('a.opus', 'alsa:default').slice(-3)).toEqual(['-f', 'alsa', 'default']);
    expect(ffmpegArgs('a.opus', 'alsa:hw:1,0').slice(-2)).toEqual(['alsa', 'hw:1,0']);
    expect(() => ffmpegArgs('a.opus', 'alsa')).toThrow(/must be "null" or "<format>:<device>"/);
    expect(ffmpegArgs('a.opus', 'null')).toContain('-re');
    // raw PCM for a sink: a fixed layout, and each packet written out at once
    expect(ffmpegArgs('pipe:0', 's16le:unix:/tmp/s.sock').slice(-9)).toEqual([
      '-ac',
      '1',
      '-ar',
      '48000',
      '-flush_packets',
      '1',
      '-f',
      's16le',
      'unix:/tmp/s.sock',
    ]);
    expect(parseFfmpegTime('00:01:02.50')).toBe(62_500);
    expect(parseFfmpegTime('-00:00:00.02')).toBeNull();
    expect(parseFfmpegTime('N/A')).toBeNull();
  });
});
