// Plays a relay occurrence (tiếp âm): the hub's live stream (GET /streams/<occurrence>, Ogg Opus)
// piped into ffmpeg from the live edge until the planned end. When the stream cannot be reached,
// ends early or stalls, the rest of the occurrence airs the fallback: a file looped (the station
// ident, or the last bulletin this device aired) or silence. The result counts seconds of the
// stream aired and seconds lost, which the receipt carries (evidence.relay).
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Clock, RelayFallback, ScheduleItem } from '../protocol/index.ts';
import { spawnTied } from '../firmware-bridge/audio.ts';
import { sleep } from './backoff.ts';
import type { HubFetch, HubResponse } from './hub-http.ts';
import { parseFfmpegTime, playFile } from './player.ts';
import { LiveBuffer, liveDecodeArgs } from './live-buffer.ts';

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
  /** a live session: the underruns (live-buffer.ts), and when the hub ended the stream (device ms) */
  live?: { dropouts: number; dropoutMs: number; endedAt: number | null };
}

/** A live stream with no byte for this long is lost: longer than the hub waits for a silent source. */
const LIVE_STALL_MS = 15_000;

/** Ends within this much of the planned end count as the end, not a loss. */
export const END_SLACK_MS = 1500;
const RETRY_MS = 500;

/**
 * ffmpeg arguments that decode a live stream from stdin. `-re` keeps it to real time when the hub
 * sends a burst (the tail an upstream's end flushes out of loudnorm), as a sound card would;
 * asetpts counts time from the first sample, whatever point of the stream the device joined at.
 */
export function relayDecodeArgs(output: string): string[] {
  const sink = output === 'null' ? ['-f', 'null', '-'] : outputArgs(output);
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
    ...sink,
  ];
}

function outputArgs(output: string): string[] {
  const i = output.indexOf(':');
  if (i <= 0 || i === output.length - 1)
    throw new Error(`audio output "${output}" must be "null" or "<format>:<device>"`);
  return ['-f', output.slice(0, i), output.slice(i + 1)];
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
    else await decode(c.res, o, result, end.signal, lost, relay.live ? (relay.bufferMs ?? 0) : null);
    if (result.lostReason !== null) {
      if (end.signal.aborted || now() >= o.endAtDeviceMs - END_SLACK_MS) result.lostReason = null;
      else result.lostAt = now();
    }
    // The rest of the occurrence: the fallback, until the planned end or a stop.
    if (result.lostAt !== null && !end.signal.aborted) await airFallback(o, result, end.signal);
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
  /** a live session's buffer (ms), or null for a relay */
  liveBufferMs: number | null = null,
): Promise<void> {
  const args = liveBufferMs === null ? relayDecodeArgs(o.output) : liveDecodeArgs(relayDecodeArgs(o.output));
  const child = spawnTied(o.ffmpegPath, args, {
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

  // A live session's stream ends when the speaker ends it; the hub decides when a silent source is lost.
  const live = liveBufferMs === null ? null : new LiveBuffer(liveBufferMs, (held) => write(held));
  if (live) result.live = { dropouts: 0, dropoutMs: 0, endedAt: null };
  const write = (chunks: Buffer[]) => {
    for (const c of chunks) child.stdin.write(c);
  };
  // A stalled stream (the hub still answers, nothing comes) counts as lost too.
  const stallMs = o.stallMs ?? (live ? LIVE_STALL_MS : 4000);
  let lastByte = Date.now();
  const stall = setInterval(() => {
    if (Date.now() - lastByte > stallMs) {
      lost(`no stream data for ${Math.round(stallMs / 1000)} s`);
      stop();
    }
  }, 250);
  try {
    for await (const chunk of res.body) {
      lastByte = Date.now();
      result.bytes += chunk.length;
      for (const c of live ? live.push(chunk) : [chunk])
        if (!child.stdin.write(c)) await new Promise((r) => child.stdin.once('drain', r));
      if (signal.aborted) break;
    }
    if (live && !signal.aborted) result.live!.endedAt = o.clock.now();
    else if (!signal.aborted) lost('the hub ended the stream before the planned end (upstream lost)');
  } catch (e) {
    if (!signal.aborted) lost(`stream interrupted: ${(e as Error).message}`);
  } finally {
    clearInterval(stall);
    if (live) {
      write(live.flush()); // a session shorter than the buffer still plays
      live.close();
      Object.assign(result.live!, live.stats);
    }
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
