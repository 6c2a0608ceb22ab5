// The agent's relay player against a real HTTP stream (ffmpeg encoding Ogg Opus in real time, as
// the hub does): it plays from the live edge to the planned end, and when the stream ends early it
// airs the fallback, keeps asking for the stream, goes back to it when it flows again, and says
// how much was aired and each stretch lost. With a start gate it connects ahead and holds the stream
// until the instant (start in sync). A live session on a streaming engine waits up to 5 s for its
// mount to appear on the relay server before it counts a loss, and takes the engine's end of the
// stream for the session's end only when the hub says so.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type ScheduleItem } from '../protocol/index.ts';
import { resolveFfmpeg } from '../firmware-bridge/audio.ts';
import { hubFetch } from './hub-http.ts';
import { playRelay } from './relay-player.ts';
import { realtimeLavfi } from '../test/helpers/ffmpeg-args.ts';

const ffmpeg = resolveFfmpeg().path;
let dir: string;
let server: http.Server;
let hubUrl: string;
/**
 * When each path's "upstream" is up, in ms from the path's first request: the hub serves the stream
 * until the end of an up phase, and answers 409 (not on air, as while its upstream is lost) in a
 * down one. Each request in an up phase gets a new stream (new Ogg headers), as after a new pull.
 */
const PHASES: Record<string, Array<{ upTo: number; down: boolean; refuse?: boolean }>> = {
  '/streams/full': [{ upTo: 60_000, down: false }],
  '/streams/cut': [
    { upTo: 2000, down: false },
    { upTo: Infinity, down: true },
  ],
  // up 2 s, down 1.5 s, up 3 s, down 1.5 s, up to the end
  '/streams/flaky': [
    { upTo: 2000, down: false },
    { upTo: 3500, down: true },
    { upTo: 6500, down: false },
    { upTo: 8000, down: true },
    { upTo: 60_000, down: false },
  ],
  // A streaming engine (an Icecast relay server) that refuses every listener for 1.5 s, as it does
  // while it cannot ask the hub about them (a hub restarting), then serves the stream.
  '/engine/restarting': [
    { upTo: 1500, down: true, refuse: true },
    { upTo: 60_000, down: false },
  ],
  '/engine/refusing': [{ upTo: Infinity, down: true, refuse: true }],
  '/streams/long': [{ upTo: 600_000, down: false }],
  // a live session's mount on a streaming engine's relay server: found there 1.5 s after the first ask
  '/engine/late': [
    { upTo: 1500, down: true },
    { upTo: 60_000, down: false },
  ],
  // ... or only after 7 s
  '/engine/away': [
    { upTo: 7000, down: true },
    { upTo: 60_000, down: false },
  ],
  // a relay server that loses the origin for a while mid-session (the hub says the session goes on)
  '/engine/drop': [
    { upTo: 2500, down: false },
    { upTo: 4000, down: true },
    { upTo: 60_000, down: false },
  ],
};
/** The hub's answer to HEAD on an engine item's hub path: the device's own occurrence, not on air yet; or none of its. */
const HUB_HEAD: Record<string, number> = { '/streams/planned': 409, '/streams/unplanned': 404 };
/** When each path's latest stream started: the epoch the "hub" gives for it (HEAD /streams/on<path>). */
const lastStart = new Map<string, number>();
const firstRequest = new Map<string, number>();
const requests = new Map<string, number>();
const encoders = new Set<ChildProcess>();

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-relay-player-'));
  const ident = path.join(dir, 'ident.opus');
  execFileSync(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=880:duration=1',
    '-c:a',
    'libopus',
    ident,
  ]);
  server = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'HEAD' && url.startsWith('/streams/on/')) {
      const at = lastStart.get(url.slice('/streams/on'.length));
      res.writeHead(at === undefined ? 409 : 200, at === undefined ? {} : { 'x-stream-epoch': String(at) });
      return void res.end();
    }
    // the engine gets the device's signature, the hub its password
    const engine = url.startsWith('/engine/');
    if (req.headers.authorization !== (engine ? 'Basic ZW5naW5l' : 'Basic ZGV2OnB3'))
      return void res.writeHead(401).end();
    if (req.method === 'HEAD') return void res.writeHead(HUB_HEAD[url] ?? 404).end();
    const phases = PHASES[url];
    if (!phases) return void res.writeHead(404).end();
    if (!firstRequest.has(url)) firstRequest.set(url, Date.now());
    requests.set(url, (requests.get(url) ?? 0) + 1);
    const t = Date.now() - firstRequest.get(url)!;
    const phase = phases.find((p) => t < p.upTo)!;
    if (phase.refuse) return void res.writeHead(401).end('You need to authenticate');
    if (phase.down) return void res.writeHead(409).end('not on air');
    const lasts = phase.upTo - t;
    res.writeHead(200, { 'content-type': 'audio/ogg' });
    lastStart.set(url, Date.now());
    const enc = spawn(
      ffmpeg,
      [
        ...realtimeLavfi('sine=frequency=440'),
        '-ac',
        '1',
        '-c:a',
        'libopus',
        '-b:a',
        '24k',
        '-page_duration',
        '200000',
        '-f',
        'ogg',
        'pipe:1',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    encoders.add(enc);
    enc.stdout!.pipe(res);
    const stop = () => enc.kill('SIGKILL');
    const timer = setTimeout(stop, lasts);
    res.on('close', () => {
      clearTimeout(timer);
      stop();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const e of encoders) e.kill('SIGKILL');
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const item = (url: string, fallback: 'silence' | 'ident', engineUrl?: string): ScheduleItem => ({
  occurrenceId: 'r@1',
  broadcastId: 'r',
  title: 'Tiếp âm',
  priority: 'normal',
  startAt: 1,
  durationMs: 5000,
  volume: 70,
  relay: { url, format: 'ogg-opus', bitrateKbps: 24, fallback, ...(engineUrl ? { engineUrl } : {}) },
});
const play = (
  url: string,
  fallback: 'silence' | 'ident',
  signal = new AbortController().signal,
  lengthMs = 5000,
  engineUrl?: string,
) =>
  playRelay(item(url, fallback, engineUrl), {
    ffmpegPath: ffmpeg,
    output: 'null',
    access: { hubUrl, fetch: hubFetch(), authorization: 'Basic ZGV2OnB3', engineAuthorization: () => 'Basic ZW5naW5l' },
    clock: systemClock,
    endAtDeviceMs: Date.now() + lengthMs,
    signal,
    fallback,
    fallbackFile: fallback === 'ident' ? path.join(dir, 'ident.opus') : null,
  });

/** A live session's item whose stream is on a streaming engine (the hub gives no epoch here: HEAD 404). */
const liveFromEngine = (mount: string, lengthMs: number, hubPath = '/streams/live', bufferMs = 400) => {
  const it = item(hubPath, 'silence');
  return playRelay(
    { ...it, relay: { ...it.relay!, live: true, bufferMs, engineUrl: `${hubUrl}${mount}` } },
    {
      ffmpegPath: ffmpeg,
      output: 'null',
      access: {
        hubUrl,
        fetch: hubFetch(),
        authorization: 'Basic ZGV2OnB3',
        engineAuthorization: () => 'Basic ZW5naW5l',
      },
      clock: systemClock,
      endAtDeviceMs: Date.now() + lengthMs,
      signal: new AbortController().signal,
      fallback: 'silence',
      fallbackFile: null,
    },
  );
};

describe('a live session from a streaming engine', () => {
  it('waits for a mount the relay server has not found yet without counting a loss', async () => {
    const r = await liveFromEngine('/engine/late', 5000);
    expect(r, JSON.stringify(r)).toMatchObject({ lostAt: null, losses: [], stopped: false });
    expect(requests.get('/engine/late')).toBeGreaterThanOrEqual(2);
    // it played once the mount was there (about 3.5 s of the 5 s; a loaded machine's decoder starts later)
    expect(r.airedMs).toBeGreaterThan(1000);
  }, 20_000);

  it('counts a mount still missing 5 s after the start as lost from the start', async () => {
    const t0 = Date.now();
    const r = await liveFromEngine('/engine/away', 14_000);
    expect(r.losses, JSON.stringify(r)).toHaveLength(1);
    expect(r.losses[0]!.at - t0).toBeLessThan(500);
    expect(r.losses[0]!.ms).toBeGreaterThan(6500);
    expect(r.lostReason).toMatch(/stream engine .* answered 409/);
    expect(r.airedMs).toBeGreaterThan(500);
  }, 25_000);

  it("takes the engine's end of the stream for a loss while the hub says the session goes on, and goes back to it", async () => {
    // (the epoch given is the stream's spawn, a little early: a 1 s buffer keeps its pages in time)
    const r = await liveFromEngine('/engine/drop', 9000, '/streams/on/engine/drop', 1000);
    expect(r.losses, JSON.stringify(r)).toHaveLength(1);
    expect(r.lostReason).toBe('the stream engine ended the stream while the session went on');
    expect(r.losses[0]!.ms).toBeGreaterThan(1000);
    expect(r.losses[0]!.ms).toBeLessThan(5000);
    expect(r.live?.endedAt).toBeNull();
    expect(r.airedMs).toBeGreaterThan(3000);
  }, 25_000);
});

describe('the relay player', () => {
  it('plays the stream to the planned end', async () => {
    const r = await play('/streams/full', 'silence');
    expect(r).toMatchObject({ lostAt: null, lostReason: null, stopped: false, fallbackMs: 0, fallback: 'silence' });
    expect(r.airedMs).toBeGreaterThan(4000);
    expect(r.airedMs).toBeLessThanOrEqual(5200);
    expect(r.bytes).toBeGreaterThan(4 * 2500);
  }, 20_000);

  it('airs the station ident for the rest when the stream ends early, and says when and why', async () => {
    const t0 = Date.now();
    const r = await play('/streams/cut', 'ident');
    expect(r.lostAt).toBeGreaterThan(t0 + 1000);
    expect(r.lostAt).toBeLessThan(t0 + 4000);
    expect(r.lostReason).toMatch(/ended the stream before the planned end \(upstream lost\)$/); // the hub still answers
    expect(r.airedMs).toBeGreaterThan(1000);
    expect(r.airedMs).toBeLessThan(3000);
    expect(r.fallback).toBe('ident');
    expect(r.fallbackMs).toBeGreaterThan(1000); // the 1 s ident, looped
    // in real time: the stream's audio, then the ident, make up the occurrence
    expect(Math.abs(r.airedMs + r.fallbackMs - 5000)).toBeLessThan(1500);
    expect(Date.now() - t0).toBeLessThan(7000); // and no longer than planned
  }, 20_000);

  it('goes back to the stream each time it flows again, airing the ident between, and counts each stretch lost', async () => {
    const t0 = Date.now();
    const r = await play('/streams/flaky', 'ident', undefined, 12_000);
    // asked again with backoff while down, not in a tight loop
    expect(requests.get('/streams/flaky')).toBeGreaterThanOrEqual(5);
    expect(requests.get('/streams/flaky')).toBeLessThan(15);
    expect(r.losses, JSON.stringify(r)).toHaveLength(2);
    expect(r.lostAt).toBe(r.losses[0]!.at);
    expect(r.lostReason).toMatch(/ended the stream before the planned end/);
    for (const [i, l] of r.losses.entries()) {
      // down for 1.5 s, less what the decoder still held, plus the backoff (up to 3.9 s) and the wait for audio
      expect(l.ms, `loss ${i}`).toBeGreaterThan(1000);
      expect(l.ms, `loss ${i}`).toBeLessThan(6000);
    }
    expect(r.losses[1]!.at - r.losses[0]!.at).toBeGreaterThan(2500);
    // and the stream aired again after the second before the end
    expect(r.losses[1]!.at + r.losses[1]!.ms).toBeLessThan(t0 + 12_000 - 500);
    expect(r.fallback).toBe('ident');
    expect(r.fallbackMs).toBeGreaterThan(1500);
    // three stretches of the stream aired (up 2 + 3 + 4 s, less each wait and join); the
    // stretches lost fit in the rest (the rest also holds each decoder's start, about half a second)
    const lostMs = r.losses.reduce((a, l) => a + l.ms, 0);
    expect(r.airedMs).toBeGreaterThan(3000);
    expect(r.airedMs + lostMs).toBeLessThanOrEqual(12_000 + 500);
    expect(r.airedMs + lostMs).toBeGreaterThan(12_000 - 3000);
    expect(r.stopped).toBe(false);
    expect(Date.now() - t0).toBeLessThan(14_000);
  }, 30_000);

  it('keeps asking an engine that refuses it while the hub says the occurrence is its own (the engine cannot ask a restarting hub)', async () => {
    const r = await play('/streams/planned', 'silence', undefined, 6000, `${hubUrl}/engine/restarting`);
    // Refused for 1.5 s from the first ask, then let in: one loss from the start, and the stream aired after it.
    expect(r.losses, JSON.stringify(r)).toHaveLength(1);
    expect(r.lostReason).toMatch(/stream engine .* answered 401/);
    expect(r.losses[0]!.ms).toBeGreaterThan(1000);
    expect(r.losses[0]!.ms).toBeLessThan(4500);
    expect(r.airedMs).toBeGreaterThan(1000);
    expect(requests.get('/engine/restarting')).toBeGreaterThanOrEqual(2);
  }, 20_000);

  it('stops asking an engine that refuses it when the hub says the occurrence is not its own', async () => {
    const r = await play('/streams/unplanned', 'silence', undefined, 4000, `${hubUrl}/engine/refusing`);
    expect(r).toMatchObject({ airedMs: 0, bytes: 0 });
    expect(r.lostReason).toMatch(/stream engine .* answered 401/);
    expect(requests.get('/engine/refusing')).toBe(1);
  }, 20_000);

  it('says the hub could not be reached when the stream ended with the hub gone (killed, restarting)', async () => {
    // A hub that serves the stream (passed on from the server above), then vanishes 1.5 s in.
    const gone = http.createServer(async (req, res) => {
      const up = await fetch(`${hubUrl}/streams/long`, { headers: { authorization: 'Basic ZGV2OnB3' } });
      res.writeHead(200, { 'content-type': 'audio/ogg' });
      Readable.fromWeb(up.body as import('node:stream/web').ReadableStream).pipe(res);
      req.once('close', () => void up.body?.cancel().catch(() => undefined));
    });
    await new Promise<void>((r) => gone.listen(0, '127.0.0.1', () => r()));
    const goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}`;
    setTimeout(() => {
      gone.close();
      gone.closeAllConnections();
    }, 1500);
    const r = await playRelay(item('/streams/x', 'silence'), {
      ffmpegPath: ffmpeg,
      output: 'null',
      access: { hubUrl: goneUrl, fetch: hubFetch(), authorization: 'Basic ZGV2OnB3', engineAuthorization: () => '' },
      clock: systemClock,
      endAtDeviceMs: Date.now() + 4000,
      signal: new AbortController().signal,
      fallback: 'silence',
      fallbackFile: null,
    });
    expect(r.losses, JSON.stringify(r)).toHaveLength(1);
    expect(r.lostReason).toMatch(/; the hub could not be reached \(down or restarting\)$/);
    expect(r.losses[0]!.reason).toBe(r.lostReason);
  }, 20_000);

  it('keeps silence for the whole occurrence when the stream is not there at all', async () => {
    const r = await play('/streams/nothing', 'silence');
    expect(r).toMatchObject({ airedMs: 0, fallback: 'silence', fallbackMs: 0, bytes: 0 });
    expect(r.lostReason).toMatch(/hub answered 404/);
  }, 20_000);

  it('with a start gate, connects during the warm-up but sounds nothing before the instant', async () => {
    const at = Date.now() + 1500;
    let open = () => {};
    const opens = new Promise<void>((r) => (open = r));
    setTimeout(() => open(), at - Date.now());
    let firstSound: number | null = null;
    const r = await playRelay(item('/streams/full', 'silence'), {
      ffmpegPath: ffmpeg,
      output: 'null',
      access: {
        hubUrl,
        fetch: hubFetch(),
        authorization: 'Basic ZGV2OnB3',
        engineAuthorization: () => 'Basic ZW5naW5l',
      },
      clock: systemClock,
      endAtDeviceMs: at + 3000,
      signal: new AbortController().signal,
      fallback: 'silence',
      fallbackFile: null,
      onProgress: () => (firstSound ??= Date.now()),
      startGate: { opens, atDeviceMs: at, atHubMs: at },
    });
    expect(r).toMatchObject({ lostAt: null, lostReason: null, stopped: false });
    expect(r.bytes).toBeGreaterThan(1.5 * 2500); // the stream came in while held
    expect(firstSound).not.toBeNull();
    expect(firstSound!).toBeGreaterThanOrEqual(at);
    // from the pages of the last 0.7 s before the instant to the planned end, in real time
    expect(r.airedMs).toBeGreaterThan(2500);
    expect(r.airedMs).toBeLessThan(4200);
  }, 20_000);

  it('stops at once when aborted (pre-empted or cancelled)', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 1500);
    const t0 = Date.now();
    const r = await play('/streams/full', 'silence', ac.signal);
    expect(r.stopped).toBe(true);
    expect(r.lostAt).toBeNull();
    expect(Date.now() - t0).toBeLessThan(4000);
  }, 20_000);
});
