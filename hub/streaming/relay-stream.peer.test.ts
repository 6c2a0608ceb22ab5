// The hub's relay pipeline in pieces, with the real ffmpeg: the argument builder (what it asks of
// ffmpeg, and what ffmpeg makes of a quiet MP3 stream served over HTTP), and the fan-out that
// starts a late listener at the live edge with the stream's headers.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/audio/ffmpeg-path.ts';
import { decodedMs, ff, measureLufs, tempDir } from '../media/test-audio.ts';
import { StreamFanout } from './fanout.ts';
import { OggPageSplitter } from './ogg-pages.ts';
import { isHls, megabytesPerHour, relayFfmpegArgs } from './relay-args.ts';

const ffmpeg = resolveFfmpeg().path;
let dir: string;
let server: http.Server;
let upstream: string;
/** What the hub's ffmpeg made of the upstream: Ogg Opus bytes. */
let relayed: Buffer;

beforeAll(async () => {
  dir = tempDir('relay-stream');
  // A quiet stereo MP3 "radio stream" (a 440 Hz tone at about -30 LUFS), 8 s long.
  const mp3 = path.join(dir, 'upstream.mp3');
  ff(ffmpeg, [
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=8',
    '-af',
    'volume=0.03',
    '-ac',
    '2',
    '-b:a',
    '128k',
    mp3,
  ]);
  const bytes = readFileSync(mp3);
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    res.end(bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vov1.mp3`;
  const child = spawn(ffmpeg, relayFfmpegArgs({ url: upstream, targetLufs: -16 }), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`relay ffmpeg exited with ${code}: ${err}`);
  relayed = Buffer.concat(out);
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('the relay ffmpeg', () => {
  it('reads the upstream in real time, evens its loudness and encodes Opus 24 kb/s mono in Ogg', () => {
    const args = relayFfmpegArgs({ url: 'http://radio.example:8000/vov1.mp3', targetLufs: -18 });
    const valueAfter = (flag: string) => args[args.indexOf(flag) + 1];
    expect(args.indexOf('-re')).toBeLessThan(args.indexOf('-i'));
    expect(valueAfter('-i')).toBe('http://radio.example:8000/vov1.mp3');
    expect(valueAfter('-af')).toMatch(/loudnorm=I=-18:TP=-1\.5:LRA=11/);
    expect([valueAfter('-c:a'), valueAfter('-b:a'), valueAfter('-ac'), valueAfter('-f')]).toEqual([
      'libopus',
      '24k',
      '1',
      'ogg',
    ]);
    expect(args.at(-1)).toBe('pipe:1');
    // A dead HTTP upstream ends the pull within seconds; the HLS demuxer takes no such option.
    expect(valueAfter('-rw_timeout')).toBe('5000000');
    const hls = relayFfmpegArgs({ url: 'https://str.vov.gov.vn/vov1/playlist.m3u8?x=1', targetLufs: -16 });
    expect(hls).not.toContain('-rw_timeout');
    expect(isHls('https://a/b.m3u8')).toBe(true);
    expect(isHls('http://a/live.mp3')).toBe(false);
  });

  it('turns a quiet stereo MP3 stream into mono Opus near the files target, at about 24 kb/s', () => {
    const file = path.join(dir, 'relayed.ogg');
    writeFileSync(file, relayed);
    const probe = spawnSync(ffmpeg, ['-hide_banner', '-i', file], { encoding: 'utf8' }).stderr;
    expect(probe).toMatch(/Audio: opus, 48000 Hz, mono/);
    const ms = decodedMs(ffmpeg, file);
    expect(ms).toBeGreaterThan(7000);
    expect(ms).toBeLessThan(9000);
    const kbps = (relayed.length * 8) / ms;
    expect(kbps).toBeGreaterThan(18);
    expect(kbps).toBeLessThan(30); // constrained VBR: 24 kb/s of Opus and the Ogg pages around it
    // From about -30 LUFS to the target (-16): single-pass loudnorm, so within a few LU.
    expect(Math.abs(measureLufs(ffmpeg, file) - -16)).toBeLessThan(3);
  });

  it('costs about 10.8 MB an hour per device at 24 kb/s', () => {
    expect(megabytesPerHour(24)).toBeCloseTo(10.8, 5);
  });
});

describe('the fan-out', () => {
  const chunks = (b: Buffer, size: number) => {
    const out: Buffer[] = [];
    for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
    return out;
  };
  const collect = () => {
    const out = new PassThrough();
    const got: Buffer[] = [];
    out.on('data', (b: Buffer) => got.push(b));
    const ended = new Promise<void>((r) => out.once('end', () => r()));
    return {
      out,
      bytes: async () => {
        await ended;
        return Buffer.concat(got);
      },
    };
  };

  it('splits a stream into whole Ogg pages, whatever the chunk sizes', () => {
    const s = new OggPageSplitter();
    const pages = chunks(relayed, 777).flatMap((c) => s.push(c));
    expect(Buffer.concat(pages.map((p) => p.bytes)).equals(relayed)).toBe(true);
    expect(pages.slice(0, 2).map((p) => p.header)).toEqual([true, true]); // OpusHead, OpusTags
    expect(pages.slice(2).some((p) => p.header)).toBe(false);
  });

  it('gives the first listener everything, a late one the headers and then the live edge; both decode', async () => {
    const fan = new StreamFanout();
    const early = collect();
    const late = collect();
    const parts = chunks(relayed, 1000);
    const half = Math.floor(parts.length / 2);
    expect(fan.add({ id: 'early', out: early.out })).toBe(true);
    for (const c of parts.slice(0, half)) fan.write(c);
    expect(fan.add({ id: 'late', out: late.out })).toBe(true);
    for (const c of parts.slice(half)) fan.write(c);
    fan.end();
    expect(fan.add({ id: 'after-end', out: new PassThrough() })).toBe(false);
    expect((await early.bytes()).equals(relayed)).toBe(true);
    const lateBytes = await late.bytes();
    expect(lateBytes.subarray(28, 36).toString()).toBe('OpusHead');
    expect(fan.stats).toMatchObject({ joined: 2, dropped: 0, listeners: 0, bytesIn: relayed.length });
    // The late listener's stream is a valid Ogg Opus stream of about the second half.
    const file = path.join(dir, 'late.ogg');
    writeFileSync(file, lateBytes);
    const ms = decodedMs(ffmpeg, path.join(dir, 'relayed.ogg'));
    const lateMs = spawnSync(ffmpeg, ['-hide_banner', '-i', file, '-af', 'asetpts=N/SR/TB', '-f', 'null', '-'], {
      encoding: 'utf8',
    }).stderr;
    const t = [...lateMs.matchAll(/time=(\d+):(\d\d):(\d\d\.\d+)/g)].at(-1)!;
    const decoded = (Number(t[2]) * 60 + Number(t[3])) * 1000;
    expect(decoded).toBeGreaterThan(ms * 0.3);
    expect(decoded).toBeLessThan(ms * 0.7);
  });

  it('drops a listener that does not keep up instead of buffering without bound', () => {
    const fan = new StreamFanout(4096);
    const stuck = new PassThrough({ highWaterMark: 1 }); // nobody reads it
    fan.add({ id: 'stuck', out: stuck });
    for (const c of chunks(relayed, 1000)) fan.write(c);
    expect(fan.stats).toMatchObject({ dropped: 1, listeners: 0 });
    expect(stuck.destroyed).toBe(true);
  });
});
