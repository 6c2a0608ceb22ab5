// Plays a relay occurrence (tiếp âm): the hub's live stream (GET /streams/<occurrence>, Ogg Opus)
// piped into ffmpeg from the live edge until the planned end. When the stream cannot be reached,
// ends early or stalls, the rest of the occurrence airs the fallback: a file looped (the station
// ident, or the last bulletin this device aired) or silence. The result counts seconds of the
// stream aired and seconds lost, which the receipt carries (evidence.relay).
// Start in sync, as a file: with `startGate`, playRelay is called during the warm-up. It connects
// and spawns ffmpeg at once (its start-up then costs nothing at the instant), passes the stream's
// header pages, and holds the audio pages until the gate opens at the start instant. Every agent
// starts on the same page: the first that went out less than HOLD_MS before the instant in hub time
// (the hub's X-Stream-Epoch places each page's granule in hub time), fed then with those after it.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Clock, RelayFallback, ScheduleItem } from '../protocol/index.ts';
import { spawnTied } from '../firmware-bridge/audio.ts';
import { OggPageSplitter, type OggPage } from '../protocol/ogg-pages.ts';
import { sleep } from './backoff.ts';
import type { HubFetch, HubResponse } from './hub-http.ts';
import { parseFfmpegTime, playFile, sinkArgs } from './player.ts';

export interface RelayStreamAccess {
  hubUrl: string;
  fetch: HubFetch;
  /** the device's HTTP basic credentials (as for media downloads) */
  authorization: string;
}

export interface RelayPlayOptions {
  ffmpegPath: string;
  /** "null" or "<format>:<device>" */
  output: string;
  access: RelayStreamAccess;
  /** device-clock instant of the planned end */
  endAtDeviceMs: number;
  signal: AbortSignal;
  onProgress?: (airedMs: number) => void;
  /** the file to loop while the stream is lost (ident or last bulletin), or null for silence */
  fallbackFile: string | null;
  fallback: RelayFallback;
  /** no stream byte for this long counts as lost */
  stallMs?: number;
  /** The device clock the occurrence's end is on (the agent's). */
  clock: Clock;
  /** The start instant: until `opens` resolves the stream is connected and held (see the top). */
  startGate?: StartGate;
}

export interface RelayPlayResult {
  /** ms of the stream decoded to the output */
  airedMs: number;
  fallbackMs: number;
  /** device ms when the stream was lost, or null */
  lostAt: number | null;
  /** why, in the device's words */
  lostReason: string | null;
  /** what aired while lost: the planned fallback, or 'silence' when its file was missing */
  fallback: RelayFallback;
  bytes: number;
  /** stopped through the signal (pre-empted, cancelled, agent stopping) */
  stopped: boolean;
  exitCode: number | null;
}

export interface StartGate {
  /** resolves at the instant */
  opens: Promise<void>;
  /** the planned instant, device and hub ms (the same for every agent in hub time) */
  atDeviceMs: number;
  atHubMs: number;
}

/** Ends within this much of the planned end count as the end, not a loss. */
export const END_SLACK_MS = 1500;
const RETRY_MS = 500;
/**
 * At the instant a relay starts on the pages that came in this long before it: three or four of the
 * hub's 200 ms Ogg pages (hub/streaming/relay-args.ts). ffmpeg decodes nothing until it holds
 * three (fed one at a time it first sounds 0.5 s late, fed three at once in 5-10 ms). The agent
 * must be connected that long before the instant (the speaker's lead time, PREPARE_MS).
 */
export const HOLD_MS = 700;
/** Pages kept while held: room for an epoch a little off the pages' real timing. */
const KEEP_HELD_MS = 3000;

/** Settles when the gate opens or the signal aborts (then false). */
function opened(g: StartGate | undefined, signal: AbortSignal): Promise<boolean> {
  const gate = g?.opens;
  if (!gate) return Promise.resolve(!signal.aborted);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    void gate.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(!signal.aborted);
    });
  });
}

/**
 * ffmpeg arguments that decode a live stream from stdin. `-re` keeps it to real time when the hub
 * sends a burst (the tail an upstream's end flushes out of loudnorm), as a sound card would;
 * asetpts counts time from the first sample, whatever point of the stream the device joined at.
 */
export function relayDecodeArgs(output: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-stats',
    '-re',
    '-i',
    'pipe:0',
    '-vn',
    '-af',
    'asetpts=N/SR/TB',
    '-progress',
    'pipe:1',
    ...sinkArgs(output),
  ];
}

/** Connects to the stream, retrying while the hub says it is not on air yet, until `until`. */
async function connect(
  item: ScheduleItem,
  o: RelayPlayOptions,
  until: number,
  signal: AbortSignal,
): Promise<{ res: HubResponse } | { error: string }> {
  const url = new URL(item.relay!.url, o.access.hubUrl);
  const now = () => o.clock.now();
  let last = 'not tried';
  while (now() < until - END_SLACK_MS && !signal.aborted) {
    try {
      const res = await o.access.fetch(url, { headers: { authorization: o.access.authorization }, signal });
      if (res.ok) return { res };
      last = `hub answered ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`;
      if (res.status === 404 || res.status === 401 || res.status === 403) return { error: last };
    } catch (e) {
      if (signal.aborted) break;
      last = `cannot reach the stream: ${(e as Error).message}`;
    }
    await sleep(o.clock, RETRY_MS, signal).catch(() => undefined);
  }
  return { error: last };
}

export async function playRelay(item: ScheduleItem, o: RelayPlayOptions): Promise<RelayPlayResult> {
  const now = () => o.clock.now();
  const relay = item.relay!;
  const result: RelayPlayResult = {
    airedMs: 0,
    fallbackMs: 0,
    lostAt: null,
    lostReason: null,
    fallback: relay.fallback,
    bytes: 0,
    stopped: false,
    exitCode: null,
  };
  // One signal for everything below: the caller's stop, or the planned end.
  const end = new AbortController();
  const onAbort = () => {
    result.stopped = true;
    end.abort();
  };
  o.signal.addEventListener('abort', onAbort, { once: true });
  const endTimer = setTimeout(() => end.abort(), Math.max(0, o.endAtDeviceMs - now()));
  try {
    if (o.signal.aborted) onAbort();
    // Why the stream was lost; when is the moment its audio stopped (after the decoder played out
    // what it held), so aired + fallback make up the occurrence.
    const lost = (why: string) => {
      if (result.lostReason === null && !end.signal.aborted) result.lostReason = why;
    };
    const c = await connect(item, o, o.endAtDeviceMs, end.signal);
    if ('error' in c) lost(c.error);
    else await decode(c.res, o, result, end.signal, lost);
    if (result.lostReason !== null) {
      if (end.signal.aborted || now() >= o.endAtDeviceMs - END_SLACK_MS) result.lostReason = null;
      // (lost while held before the start: lost from the start)
      else result.lostAt = Math.max(now(), o.startGate?.atDeviceMs ?? 0);
    }
    // The rest of the occurrence: the fallback, from the instant on, until the planned end or a stop.
    if (result.lostAt !== null && (await opened(o.startGate, end.signal))) await airFallback(o, result, end.signal);
    return result;
  } finally {
    clearTimeout(endTimer);
    o.signal.removeEventListener('abort', onAbort);
  }
}

async function decode(
  res: HubResponse,
  o: RelayPlayOptions,
  result: RelayPlayResult,
  signal: AbortSignal,
  lost: (why: string) => void,
): Promise<void> {
  const child = spawnTied(o.ffmpegPath, relayDecodeArgs(o.output), {
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessByStdio<Writable, Readable, Readable>;
  let stderrTail = '';
  const progress = (ms: number | null) => {
    if (ms === null || ms <= result.airedMs) return;
    result.airedMs = ms;
    o.onProgress?.(ms);
  };
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (t: string) => {
    buf += t;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      const [k, v] = line.split('=');
      if ((k === 'out_time_us' || k === 'out_time_ms') && Number.isFinite(Number(v)) && Number(v) >= 0)
        progress(Math.round(Number(v) / 1000));
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (t: string) => {
    stderrTail = (stderrTail + t).slice(-2000);
    for (const m of t.matchAll(/time=\s*(\S+)/g)) progress(parseFfmpegTime(m[1]!));
  });
  child.stdin.on('error', () => undefined); // ffmpeg gone: the close handler below says why
  const closed = new Promise<number | null>((resolve) => {
    child.on('error', (e) => {
      lost(`cannot run ffmpeg (${o.ffmpegPath}): ${e.message}`);
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  const stop = () => {
    void res.body.cancel();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  signal.addEventListener('abort', stop, { once: true });

  // A stalled stream (the hub still answers, nothing comes) counts as lost too.
  const stallMs = o.stallMs ?? 4000;
  let lastByte = Date.now();
  const stall = setInterval(() => {
    if (Date.now() - lastByte > stallMs) {
      lost(`no stream data for ${Math.round(stallMs / 1000)} s`);
      stop();
    }
  }, 250);
  const epoch = Number(res.headers.get('x-stream-epoch') ?? Number.NaN);
  const gated = o.startGate
    ? holdUntil(o.startGate, Number.isFinite(epoch) ? epoch : null, o.clock, (b) => child.stdin.write(b))
    : null;
  try {
    for await (const chunk of res.body) {
      lastByte = Date.now();
      result.bytes += chunk.length;
      if (!(gated ? gated.push(chunk) : child.stdin.write(chunk)))
        await new Promise((r) => child.stdin.once('drain', r));
      if (signal.aborted) break;
    }
    if (!signal.aborted) lost('the hub ended the stream before the planned end (upstream lost)');
  } catch (e) {
    if (!signal.aborted) lost(`stream interrupted: ${(e as Error).message}`);
  } finally {
    clearInterval(stall);
    child.stdin.end();
  }
  // The stream ended: the decoder plays out what it holds (up to the planned end, when the signal
  // stops it); a stalled one was stopped above.
  result.exitCode = await closed;
  signal.removeEventListener('abort', stop);
  if (result.exitCode !== 0 && result.exitCode !== null && !signal.aborted && result.lostReason === null) {
    const said = stderrTail
      .split(/[\r\n]+/)
      .filter((l) => l.trim() && !/time=/.test(l))
      .slice(-2)
      .join(' | ');
    lost(`the decoder failed (exit ${result.exitCode})${said ? `: ${said}` : ''}`);
  }
}

/**
 * Holds a relay stream until the gate opens at the instant: header pages pass at once (ffmpeg reads
 * the stream's format during the wait), audio pages are kept. At the instant it feeds those that
 * went out in the HOLD_MS before the planned instant: by the hub's clock when the hub gave the
 * stream's epoch (a page's granule places it in hub time, the same on every agent), else by when
 * they came in here. Older ones are dropped.
 */
function holdUntil(gate: StartGate, epoch: number | null, clock: Clock, write: (b: Buffer) => boolean) {
  const splitter = new OggPageSplitter();
  let open = false;
  let held: Array<{ page: OggPage; at: number }> = [];
  const wentOutAt = (page: OggPage) => epoch! + Number(page.bytes.readBigInt64LE(6)) / 48;
  void gate.opens.then(() => {
    open = true;
    for (const h of held)
      if (epoch !== null ? wentOutAt(h.page) > gate.atHubMs - HOLD_MS : h.at >= gate.atDeviceMs - HOLD_MS)
        write(h.page.bytes);
    held = [];
  });
  return {
    /** false when the decoder's input is full (wait for 'drain') */
    push(chunk: Buffer): boolean {
      let ok = true;
      const at = clock.now();
      for (const page of splitter.push(chunk)) {
        if (page.header || open) ok = write(page.bytes) && ok;
        else held = [...held.filter((h) => at - h.at < KEEP_HELD_MS), { page, at }];
      }
      return ok;
    },
  };
}

async function airFallback(o: RelayPlayOptions, result: RelayPlayResult, signal: AbortSignal): Promise<void> {
  if (!o.fallbackFile) {
    result.fallback = 'silence';
    await sleep(o.clock, o.endAtDeviceMs - o.clock.now(), signal).catch(() => undefined);
    return;
  }
  // Loop the file until the planned end (each pass is a real-time play of it).
  while (!signal.aborted) {
    const r = await playFile(o.fallbackFile, { ffmpegPath: o.ffmpegPath, output: o.output, signal });
    result.fallbackMs += r.decodedMs;
    if (r.error || r.decodedMs === 0) {
      // A file that will not play: silence for the rest, and the receipt says so.
      if (result.fallbackMs === 0) result.fallback = 'silence';
      await sleep(o.clock, o.endAtDeviceMs - o.clock.now(), signal).catch(() => undefined);
      return;
    }
  }
}
