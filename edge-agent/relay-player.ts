// Plays a relay occurrence (tiếp âm): the hub's live stream (GET /streams/<occurrence>, Ogg Opus),
// or the same stream from a streaming engine's mount when the item names one (relay.engineUrl), piped into ffmpeg from the live edge until the planned end. When the stream cannot be reached,
// ends early or stalls (upstream lost, hub restarted, network down), the fallback airs: a file
// looped (the station ident, or the last bulletin this device aired) or silence; meanwhile the
// player keeps asking for the stream with jittered backoff, and goes back to it when bytes flow
// again. The result counts seconds of the stream aired, each stretch lost, and why; the receipt
// carries them (evidence.relay).
// Start in sync, as a file: with `startGate`, playRelay is called during the warm-up. It connects
// and spawns ffmpeg at once (its start-up then costs nothing at the instant), passes the stream's
// header pages, and holds the audio pages until the gate opens at the start instant. Every agent
// starts on the same page: the first that went out less than HOLD_MS before the instant in hub time
// (the hub's X-Stream-Epoch places each page's granule in hub time), fed then with those after it.
// A stream asked for again after a loss plays at once.
// A live session plays through its jitter buffer (live-buffer.ts), which, given the epoch, starts
// every agent on the same page at the same hub-time instant too.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Clock, RelayFallback, ScheduleItem } from '../protocol/index.ts';
import { spawnTied } from '../firmware-bridge/audio.ts';
import { granuleMs, OggPageSplitter, type OggPage } from '../protocol/ogg-pages.ts';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.ts';
import type { HubFetch } from './hub-http.ts';
import { parseFfmpegTime, playFile, sinkArgs } from './player.ts';
import { LiveBuffer, liveDecodeArgs } from './live-buffer.ts';

export interface RelayStreamAccess {
  hubUrl: string;
  fetch: HubFetch;
  /** the device's HTTP basic credentials (as for media downloads): for the hub only */
  authorization: string;
  /** what the device shows a streaming engine for one occurrence (protocol/engine-token.ts) */
  engineAuthorization: (occurrenceId: string) => string;
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
  /** a stream that answers but sends no audio for this long is asked for once more */
  firstByteMs?: number;
  /** The device clock the occurrence's end is on (the agent's). */
  clock: Clock;
  /** The start instant: until `opens` resolves the stream is connected and held (see the top). */
  startGate?: StartGate;
}

export interface RelayPlayResult {
  /** ms of the stream decoded to the output */
  airedMs: number;
  fallbackMs: number;
  /** device ms when the stream was first lost, or null */
  lostAt: number | null;
  /** why, in the device's words (the first loss) */
  lostReason: string | null;
  /** every stretch without the stream: when (device ms), how long, why; the stream came back between them */
  losses: Array<{ at: number; ms: number; reason: string }>;
  /** what aired while lost: the planned fallback, or 'silence' when its file was missing */
  fallback: RelayFallback;
  bytes: number;
  /** stopped through the signal (pre-empted, cancelled, agent stopping) */
  stopped: boolean;
  exitCode: number | null;
  /** a live session: the underruns (live-buffer.ts), and when the hub ended the stream (device ms) */
  live?: { dropouts: number; dropoutMs: number; endedAt: number | null };
}

export interface StartGate {
  /** resolves at the instant */
  opens: Promise<void>;
  /** the planned instant, device and hub ms (the same for every agent in hub time) */
  atDeviceMs: number;
  atHubMs: number;
}

/** A live stream with no byte for this long is lost: longer than the hub waits for a silent source. */
const LIVE_STALL_MS = 15_000;

/**
 * A live session from a streaming engine: the relay server finds the session's new mount only at its
 * next look at the origin (<master-update-interval>, docs/live.md), which may come after the instant.
 * Until the session's audio has come once, and for this long after the instant, a refusal is that
 * wait, asked again every RETRY_JOINING, not yet a loss (if it lasts longer, the loss counts from the instant).
 */
const LIVE_JOIN_MS = 5000;
const RETRY_JOINING: BackoffOptions = { minMs: 200, maxMs: 1000, jitter: 0.3 };

/** Ends within this much of the planned end count as the end, not a loss. */
export const END_SLACK_MS = 1500;
/**
 * Asking again for a lost stream: 0.5 s doubling to 3 s, ±30 %, so a ward's devices do not all
 * ask in the same instant after a hub restart.
 */
const RETRY: BackoffOptions = { minMs: 500, maxMs: 3000, jitter: 0.3 };
/** A stream that answers but sends no audio for this long is asked for again. */
const FIRST_BYTE_MS = 10_000;

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

/** A stream that answers and carries audio, what it sent so far already read. */
interface OpenStream {
  /** where the stream's granules sit in hub time (X-Stream-Epoch), when the hub says */
  epoch: number | null;
  /** who serves it, in the receipt's words: 'the hub', or 'the stream engine' */
  server: string;
  /** pulled from a streaming engine (relay.engineUrl) rather than the hub */
  fromEngine: boolean;
  first: Buffer;
  rest: AsyncIterator<Buffer>;
  cancel(): void;
}

/**
 * Whether these Ogg bytes hold an audio page: one whose granule position (bytes 6-13 of the page
 * header, little-endian) is past 0. The two header pages (OpusHead, OpusTags) have 0; the hub sends
 * them at once to a listener, but a new pull's audio comes only after loudnorm's look-ahead (3 s).
 */
export function holdsOggAudio(buf: Buffer): boolean {
  for (let i = buf.indexOf('OggS'); i >= 0 && i + 14 <= buf.length; i = buf.indexOf('OggS', i + 4)) {
    const granule = buf.readBigInt64LE(i + 6);
    if (granule > 0n) return true;
  }
  return false;
}

/**
 * Asks the hub for the stream once, and waits for its audio: a stream counts as back only when
 * audio flows (its first audio page for Ogg; its first bytes otherwise), so the fallback does not
 * stop for seconds of silence. `final` when asking again cannot help (the hub refuses this device).
 */
async function openStream(
  item: ScheduleItem,
  o: RelayPlayOptions,
  signal: AbortSignal,
): Promise<OpenStream | { error: string; final: boolean }> {
  // A streaming engine's mount when the hub names one (an Icecast relay server), else the hub's stream.
  const engine = item.relay!.engineUrl;
  const url = engine ? new URL(engine) : new URL(item.relay!.url, o.access.hubUrl);
  try {
    // An engine gets a signature over this occurrence, never the device's password; it asks the hub
    // whether to let the device in (docs/relay.md).
    const authorization = engine ? o.access.engineAuthorization(item.occurrenceId) : o.access.authorization;
    const res = await o.access.fetch(url, { headers: { authorization }, signal });
    if (!res.ok) {
      const who = engine ? `the stream engine (${url.host})` : 'hub';
      const error = `${who} answered ${res.status}: ${(await res.text().catch(() => '')).slice(0, 200)}`;
      const refused = res.status === 401 || res.status === 403;
      // An engine refuses every listener while it cannot ask the hub (a hub restarting): final only
      // when the hub itself says the occurrence is not this device's.
      return { error, final: refused && (!engine || (await hubRefuses(item, o, signal))) };
    }
    const cancel = () => void res.body.cancel();
    let epoch = Number(res.headers.get('x-stream-epoch') ?? Number.NaN);
    const rest = res.body[Symbol.asyncIterator]();
    const firstByteMs = o.firstByteMs ?? FIRST_BYTE_MS;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'stalled'>((r) => {
      timer = setTimeout(() => r('stalled'), firstByteMs);
      signal.addEventListener('abort', () => r('stalled'), { once: true });
    });
    const ogg = item.relay!.format === 'ogg-opus';
    const read: Buffer[] = [];
    try {
      for (;;) {
        const next = await Promise.race([rest.next(), waited]);
        if (next === 'stalled' || next.done || signal.aborted) {
          cancel();
          return {
            error:
              next === 'stalled'
                ? `no stream audio for ${Math.round(firstByteMs / 1000)} s`
                : `${engine ? 'the stream engine' : 'the hub'} ended the stream before its audio`,
            final: false,
          };
        }
        read.push(next.value);
        // (An audio page split across two chunks is seen in the next one, joined.)
        const tail = read.length > 1 ? Buffer.concat(read.slice(-2)) : next.value;
        if (!ogg || holdsOggAudio(tail)) {
          if (engine) epoch = await epochFromHub(item, o, signal);
          const server = engine ? 'the stream engine' : 'the hub';
          return {
            epoch: Number.isFinite(epoch) ? epoch : null,
            server,
            fromEngine: !!engine,
            first: Buffer.concat(read),
            rest,
            cancel,
          };
        }
      }
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    return { error: `cannot reach the stream: ${(e as Error).message}`, final: false };
  }
}

/** How long the hub may take to answer about an engine's stream. */
const EPOCH_ASK_MS = 2000;

/** HEAD on the item's hub path: the hub's word on the occurrence for this device (throws when unreachable). */
function askHub(item: ScheduleItem, o: RelayPlayOptions, signal: AbortSignal) {
  return o.access.fetch(new URL(item.relay!.url, o.access.hubUrl), {
    method: 'HEAD',
    headers: { authorization: o.access.authorization },
    signal: AbortSignal.any([signal, AbortSignal.timeout(EPOCH_ASK_MS)]),
  });
}

/**
 * Whether the hub refuses this device the occurrence (401, 403 or 404), asked when the engine
 * refused it. A hub that cannot be reached, or answers 409 (not on air yet), does not: the engine's
 * refusal may be its failed question to the hub.
 */
async function hubRefuses(item: ScheduleItem, o: RelayPlayOptions, signal: AbortSignal): Promise<boolean> {
  try {
    const res = await askHub(item, o, signal);
    return res.status === 401 || res.status === 403 || res.status === 404;
  } catch {
    return false;
  }
}

/** Whether the hub cannot be reached at all (any answer is the hub there). */
async function hubAway(item: ScheduleItem, o: RelayPlayOptions, signal: AbortSignal): Promise<boolean> {
  try {
    await askHub(item, o, signal);
    return false;
  } catch {
    return !signal.aborted;
  }
}

/**
 * The epoch of a stream pulled from the engine, from the hub: asked once audio flows, when the hub
 * has surely fixed it (its first audio page passed through the hub before reaching the engine). NaN
 * when the hub cannot say: the start is then placed by arrival. For a live session, also whether it
 * still runs (the hub answers 409 once it has ended).
 */
async function epochFromHub(item: ScheduleItem, o: RelayPlayOptions, signal: AbortSignal): Promise<number> {
  try {
    const res = await askHub(item, o, signal);
    return res.ok ? Number(res.headers.get('x-stream-epoch') ?? Number.NaN) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export async function playRelay(item: ScheduleItem, o: RelayPlayOptions): Promise<RelayPlayResult> {
  const now = () => o.clock.now();
  const relay = item.relay!;
  const result: RelayPlayResult = {
    airedMs: 0,
    fallbackMs: 0,
    lostAt: null,
    lostReason: null,
    losses: [],
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
  const nearEnd = () => end.signal.aborted || now() >= o.endAtDeviceMs - END_SLACK_MS;
  // While lost: the fallback airs (its own stop), and the loss is open until the stream is back.
  const lost: { at: number; reason: string; stop: AbortController; fallback: Promise<void> }[] = [];
  // Before the start instant nothing is lost yet: a stream lost while held is lost from the instant,
  // and its fallback airs from then.
  const beforeStart = () => o.startGate !== undefined && now() < o.startGate.atDeviceMs;
  const openLoss = (reason: string, from = now()) => {
    if (lost.length || nearEnd()) return;
    const at = Math.max(from, o.startGate?.atDeviceMs ?? 0);
    result.lostAt ??= at;
    result.lostReason ??= reason;
    const stop = new AbortController();
    end.signal.addEventListener('abort', () => stop.abort(), { once: true });
    const fallback = opened(o.startGate, stop.signal).then((ok) =>
      ok ? airFallback(o, result, stop.signal) : undefined,
    );
    lost.push({ at, reason, stop, fallback });
  };
  /**
   * A stream lost mid-way is put down to its upstream unless the hub cannot be reached (killed,
   * restarting, or cut off): then the loss says so, for the receipt's reason.
   */
  const explainLoss = async (l: (typeof lost)[number] | undefined) => {
    if (!l || !(await hubAway(item, o, end.signal)) || end.signal.aborted) return;
    const reason = `${l.reason.replace(/ \(upstream lost\)$/, '')}; the hub could not be reached (down or restarting)`;
    if (result.lostReason === l.reason) result.lostReason = reason;
    l.reason = reason;
  };
  /** The stream is back, or the occurrence over: the fallback stops and the loss is counted. */
  const closeLoss = async () => {
    const l = lost.pop();
    if (!l) return;
    l.stop.abort();
    await l.fallback;
    result.losses.push({ at: l.at, ms: Math.max(0, now() - l.at), reason: l.reason });
  };
  try {
    if (o.signal.aborted) onAbort();
    let failures = 0;
    // Only the first stretch waits for the instant; one after a loss plays at once.
    let gate = relay.live ? undefined : o.startGate;
    // A live session plays as it comes, through its jitter buffer: it asks for the stream at the instant.
    if (relay.live && !(await opened(o.startGate, end.signal))) return result;
    const liveFrom = now();
    let joined = false;
    const joining = () => !!relay.live && !!relay.engineUrl && !joined && now() < liveFrom + LIVE_JOIN_MS;
    while (!nearEnd()) {
      const opened = await openStream(item, o, end.signal);
      if (end.signal.aborted) {
        if ('cancel' in opened) opened.cancel();
        break;
      }
      if ('error' in opened) {
        // (the hub may not be on air yet during the warm-up, nor a live session's mount on the relay
        // server just after the instant: ask again, nothing lost yet)
        const waiting = joining();
        if (opened.final || (!beforeStart() && !waiting))
          openLoss(opened.error, relay.live && !joined ? liveFrom : now());
        if (opened.final) break;
        await sleep(o.clock, backoffDelay(failures++, waiting ? RETRY_JOINING : RETRY), end.signal).catch(
          () => undefined,
        );
        continue;
      }
      // Bytes flow: the fallback stops and the stream airs again.
      failures = 0;
      joined = true;
      await closeLoss();
      const why = await decode(opened, o, result, end.signal, relay.live ? (relay.bufferMs ?? 0) : null, gate);
      gate = undefined;
      // A live session's stream ends when the speaker ends it: nothing more to ask for. From an
      // engine, only if the hub says so: a relay server that lost the origin ends its streams too.
      if (result.live?.endedAt != null) {
        if (!relay.engineUrl || nearEnd() || !Number.isFinite(await epochFromHub(item, o, end.signal))) break;
        result.live.endedAt = null;
        openLoss('the stream engine ended the stream while the session went on');
        continue;
      }
      // The decoder played out what it held: the loss starts now (none at the planned end).
      if (why !== null) {
        openLoss(why);
        void explainLoss(lost[0]);
      }
    }
    // The rest of the occurrence: the fallback, until the planned end or a stop.
    if (lost.length) await lost[0]!.fallback;
    await closeLoss();
    return result;
  } finally {
    clearTimeout(endTimer);
    o.signal.removeEventListener('abort', onAbort);
  }
}

/** Decodes one stretch of the stream; why it was lost, or null when it ran to the planned end or a stop. */
async function decode(
  stream: OpenStream,
  o: RelayPlayOptions,
  result: RelayPlayResult,
  signal: AbortSignal,
  /** a live session's buffer (ms), or null for a relay */
  liveBufferMs: number | null = null,
  /** hold the audio until the start instant (the first stretch of a relay) */
  gate?: StartGate,
): Promise<string | null> {
  let why: string | null = null;
  const lost = (reason: string) => {
    if (why === null && !signal.aborted) why = reason;
  };
  const args = liveBufferMs === null ? relayDecodeArgs(o.output) : liveDecodeArgs(relayDecodeArgs(o.output));
  const child = spawnTied(o.ffmpegPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessByStdio<Writable, Readable, Readable>;
  let stderrTail = '';
  // Each stretch's decoder counts from zero: aired time adds up over the stretches.
  const base = result.airedMs;
  const progress = (ms: number | null) => {
    if (ms === null || base + ms <= result.airedMs) return;
    result.airedMs = base + ms;
    o.onProgress?.(result.airedMs);
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
    stream.cancel();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  signal.addEventListener('abort', stop, { once: true });

  // A live session's stream ends when the speaker ends it; the hub decides when a silent source is lost.
  // With the hub's epoch, the hold ends at a hub-time instant (live-buffer.ts): the epoch on this
  // device's clock, by the start gate's hub and device instants (the agent's clock offset).
  const hubAhead = o.startGate ? o.startGate.atHubMs - o.startGate.atDeviceMs : 0;
  const live =
    liveBufferMs === null
      ? null
      : new LiveBuffer(
          liveBufferMs,
          (held) => write(held),
          () => o.clock.now(),
          stream.epoch === null ? null : stream.epoch - hubAhead,
        );
  // Underruns add up over the stretches of a session (a reconnection starts a new buffer).
  if (live) result.live ??= { dropouts: 0, dropoutMs: 0, endedAt: null };
  const write = (chunks: Buffer[]) => {
    for (const c of chunks) child.stdin.write(c);
  };
  const fresh =
    live && stream.fromEngine && stream.epoch !== null
      ? skipDuePages(
          (g) => stream.epoch! - hubAhead + granuleMs(g) + liveBufferMs!,
          () => o.clock.now(),
        )
      : null;
  // A stalled stream (the hub still answers, nothing comes) counts as lost too. Elapsed time, on the
  // monotonic clock: a step of the wall clock (NTP, the agent's sync) is not a stall.
  const stallMs = o.stallMs ?? (live ? LIVE_STALL_MS : 4000);
  let lastByte = performance.now();
  const stall = setInterval(() => {
    if (performance.now() - lastByte > stallMs) {
      lost(`no stream data for ${Math.round(stallMs / 1000)} s`);
      stop();
    }
  }, 250);
  const gated = gate ? holdUntil(gate, stream.epoch, o.clock, (b) => child.stdin.write(b)) : null;
  try {
    for (let chunk: Buffer | null = stream.first; chunk !== null; ) {
      lastByte = performance.now();
      result.bytes += chunk.length;
      const data = fresh ? fresh(chunk) : chunk;
      for (const c of live ? (data.length ? live.push(data) : []) : [data])
        if (!(gated ? gated.push(c) : child.stdin.write(c))) await new Promise((r) => child.stdin.once('drain', r));
      if (signal.aborted) break;
      const next = await stream.rest.next();
      chunk = next.done ? null : next.value;
    }
    if (live && !signal.aborted) result.live!.endedAt = o.clock.now();
    else if (!signal.aborted) lost(`${stream.server} ended the stream before the planned end (upstream lost)`);
  } catch (e) {
    if (!signal.aborted) lost(`stream interrupted: ${(e as Error).message}`);
  } finally {
    clearInterval(stall);
    if (live) {
      write(live.flush()); // a session shorter than the buffer still plays
      live.close();
      result.live!.dropouts += live.stats.dropouts;
      result.live!.dropoutMs += live.stats.dropoutMs;
    }
    child.stdin.end();
  }
  // The stream ended: the decoder plays out what it holds (up to the planned end, when the signal
  // stops it); a stalled one was stopped above.
  result.exitCode = await closed;
  signal.removeEventListener('abort', stop);
  if (result.exitCode !== 0 && result.exitCode !== null && !signal.aborted && why === null) {
    const said = stderrTail
      .split(/[\r\n]+/)
      .filter((l) => l.trim() && !/time=/.test(l))
      .slice(-2)
      .join(' | ');
    lost(`the decoder failed (exit ${result.exitCode})${said ? `: ${said}` : ''}`);
  }
  return signal.aborted ? null : why;
}

/**
 * A live stream from an engine starts with Icecast's burst-on-connect: up to <burst-size> of pages
 * that went out before the device joined (64 KiB by default: 20 s of this stream). The pages already
 * due (`due`: when a page has played out, on the device clock) are left out before the jitter buffer
 * sees them, so it starts at the live edge as from the hub's fan-out, which sends none. Fed the burst,
 * the buffer started on the last page due in its first chunk and took the rest of the burst for an
 * underrun: speakers ended up hundreds of ms apart (docs/benchmarks.md, Live latency through Icecast).
 * Returns whole pages only (the bytes of a page not yet whole wait for the next chunk).
 */
export function skipDuePages(due: (granule: bigint) => number, now: () => number): (chunk: Buffer) => Buffer {
  const splitter = new OggPageSplitter();
  let atEdge = false;
  return (chunk) => {
    const keep: Buffer[] = [];
    for (const page of splitter.push(chunk)) {
      if (!atEdge && !page.header && due(page.granule) <= now()) continue;
      if (!page.header) atEdge = true;
      keep.push(page.bytes);
    }
    return keep.length === 1 ? keep[0]! : Buffer.concat(keep);
  };
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
        else {
          // (held in arrival order: the stale ones are at the front; no copy of the array per page)
          let stale = 0;
          while (stale < held.length && at - held[stale]!.at >= KEEP_HELD_MS) stale++;
          if (stale) held.splice(0, stale);
          held.push({ page, at });
        }
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
