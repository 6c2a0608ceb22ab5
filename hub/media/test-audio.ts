// Test material: real Vietnamese speech from espeak-ng, re-encoded by ffmpeg and sox into the
// formats officials upload, plus the broken files they sometimes upload instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SPEECH =
  'Thông báo của Ủy ban nhân dân phường Hạ Đình. Chiều nay có mưa lớn, bà con chú ý giữ gìn nhà cửa.';

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `wardcast-${tag}-`));
}

export function ff(ffmpegPath: string, args: string[]): void {
  const r = spawnSync(ffmpegPath, ['-hide_banner', '-nostdin', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr.slice(-500)}`);
}

/** Integrated loudness by ebur128, for making fixtures (independent of the code under test). */
export function measureLufs(ffmpegPath: string, file: string): number {
  const r = spawnSync(
    ffmpegPath,
    ['-hide_banner', '-nostdin', '-i', file, '-af', 'ebur128=framelog=verbose', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const m = /I:\s+(-?[\d.]+) LUFS/.exec(r.stderr.slice(r.stderr.lastIndexOf('Summary:')));
  if (!m) throw new Error(`no loudness for ${file}`);
  return Number(m[1]);
}

/** Decoded duration in ms (decode to null and read the last progress time). */
export function decodedMs(ffmpegPath: string, file: string): number {
  const r = spawnSync(ffmpegPath, ['-hide_banner', '-nostdin', '-i', file, '-map', '0:a:0', '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const all = [...r.stderr.matchAll(/time=(\d+):(\d\d):(\d\d\.\d+)/g)];
  const m = all.at(-1);
  if (!m) throw new Error(`could not decode ${file}`);
  return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
}

export interface Fixtures {
  dir: string;
  speechWav: string;
  speechMs: number;
  good: Record<string, string>;
  bad: Record<string, string>;
}

export function makeFixtures(
  ffmpegPath: string,
  which: { good?: boolean; bad?: boolean } = { good: true, bad: true },
): Fixtures {
  const dir = tempDir('media-test');
  const speechWav = path.join(dir, 'speech.wav');
  execFileSync('espeak-ng', ['-v', 'vi', '-s', '165', '-w', speechWav, SPEECH]);
  const speechMs = decodedMs(ffmpegPath, speechWav);
  const p = (name: string) => path.join(dir, name);
  const good: Record<string, string> = {};
  const bad: Record<string, string> = {};

  if (which.good) {
    ff(ffmpegPath, [
      '-i',
      speechWav,
      '-ar',
      '44100',
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      (good.mp3 = p('stereo.mp3')),
    ]);
    ff(ffmpegPath, ['-i', speechWav, '-ar', '44100', '-c:a', 'aac', '-b:a', '96k', (good.m4a = p('phone.m4a'))]);
    ff(ffmpegPath, [
      '-i',
      speechWav,
      '-ar',
      '44100',
      '-c:a',
      'libvorbis',
      '-q:a',
      '4',
      (good.vorbis = p('vorbis.ogg')),
    ]);
    ff(ffmpegPath, ['-i', speechWav, '-c:a', 'libopus', '-b:a', '32k', (good.opus = p('voice.opus'))]);
    ff(ffmpegPath, ['-i', speechWav, '-c:a', 'flac', (good.flac = p('lossless.flac'))]);
    // sox: 48 kHz 24-bit stereo WAV, as a studio desk would export it.
    execFileSync('sox', ['-V1', speechWav, '-r', '48000', '-b', '24', '-c', '2', (good.wav = p('desk.wav'))]);
    // Quiet: exactly -35 LUFS.
    const gain = -35 - measureLufs(ffmpegPath, speechWav);
    ff(ffmpegPath, [
      '-i',
      speechWav,
      '-af',
      `volume=${gain.toFixed(2)}dB`,
      '-c:a',
      'pcm_s16le',
      (good.quiet = p('quiet.wav')),
    ]);
    // Loud: 14 dB hotter and clipped by the 16-bit conversion, as from an overdriven mixer.
    ff(ffmpegPath, ['-i', speechWav, '-af', 'volume=14dB', '-c:a', 'pcm_s16le', (good.loud = p('loud.wav'))]);
    // Wide loudness range: the same sentence at -18 dB, then at full level.
    ff(ffmpegPath, [
      '-i',
      speechWav,
      '-i',
      speechWav,
      '-filter_complex',
      '[0:a]volume=-18dB[q];[q][1:a]concat=n=2:v=0:a=1',
      '-c:a',
      'pcm_s16le',
      (good.wide = p('wide.wav')),
    ]);
    // Quiet speech (-20 dB) with one 10 ms full-scale click after 3 s, as from a bumped microphone.
    ff(ffmpegPath, [
      '-i',
      speechWav,
      '-f',
      'lavfi',
      '-i',
      'sine=f=1000:sample_rate=22050:d=0.01,volume=8',
      '-filter_complex',
      '[0:a]volume=-20dB[s];[1:a]adelay=3000[c];[s][c]amix=inputs=2:duration=first,volume=2',
      '-c:a',
      'pcm_s16le',
      (good.spike = p('spike.wav')),
    ]);
    // Between the 300 ms minimum and the 400 ms loudness block.
    ff(ffmpegPath, ['-ss', '0.5', '-t', '0.35', '-i', speechWav, '-c:a', 'pcm_s16le', (good.short = p('short.wav'))]);
  }

  if (which.bad) {
    writeFileSync((bad.text = p('notes.mp3')), 'Lịch phát thanh tuần này: sáng 6h, chiều 17h30.\n'.repeat(20));
    writeFileSync((bad.zero = p('empty.mp3')), '');
    const mp3 = p('whole.mp3');
    ff(ffmpegPath, ['-i', speechWav, '-c:a', 'libmp3lame', '-b:a', '64k', mp3]);
    const bytes = readFileSync(mp3);
    writeFileSync((bad.truncated = p('truncated.mp3')), bytes.subarray(0, Math.floor(bytes.length * 0.4)));
    ff(ffmpegPath, [
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=44100:cl=stereo',
      '-t',
      '3',
      '-c:a',
      'libmp3lame',
      (bad.silence = p('silence.mp3')),
    ]);
    ff(ffmpegPath, ['-f', 'lavfi', '-i', 'testsrc=d=1:s=64x48', '-frames:v', '1', (bad.png = p('poster.png'))]);
    ff(ffmpegPath, [
      '-f',
      'lavfi',
      '-i',
      'testsrc=d=2:s=64x48',
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv420p',
      (bad.videoOnly = p('clip.mp4')),
    ]);
    ff(ffmpegPath, ['-i', speechWav, '-t', '0.2', '-c:a', 'pcm_s16le', (bad.tooShort = p('blip.wav'))]);
    // Deterministic noise that matches no file signature.
    const junk = Buffer.alloc(20_000);
    let x = 12345;
    for (let i = 0; i < junk.length; i++) junk[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    junk[0] = 0x13;
    writeFileSync((bad.garbage = p('garbage.mp3')), junk);
  }
  return { dir, speechWav, speechMs, good, bad };
}
