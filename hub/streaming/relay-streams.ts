// The hub's side of relays: for each relay occurrence it plans, one ffmpeg pulls the upstream from
// a few seconds before the start to the end (relay-args.ts), and a fan-out serves it to every
// device that asks (fanout.ts, GET /streams/<occurrence>). The plan is read again every few seconds
// and whenever a broadcast changes, so an approval, a cancellation or an edit takes effect.
// An upstream that fails ends the stream for its listeners; each agent then airs its fallback and
// keeps asking for the stream (edge-agent/relay-player.ts). The hub pulls the upstream again with
// backoff until the occurrence's end; when it comes back the stream resumes (new Ogg headers) and
// the agents go back to it. Each loss is kept (losses) for the record. With streamEngine icecast the
// stream also goes to the origin Icecast (icecast-source.ts), from which the devices then pull.
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { getBroadcast, type Broadcast } from '../broadcasts/broadcasts.ts';
import { owedAt } from '../broadcasts/plan.ts';
import { occurrenceId, occurrencesBetween } from '../broadcasts/recurrence.ts';
import { StreamFanout, type FanoutStats } from './fanout.ts';
import { startEncoder, type Encoder } from './encoder.ts';
import { MAX_RELAY_MS } from './relay-source.ts';
import { relayFfmpegArgs } from './relay-args.ts';
import type { IcecastEngine } from '../config.ts';
import {
  icecastMount,
  idleSourceState,
  sendToIcecast,
  type IcecastSource,
  type IcecastSourceState,
} from './icecast-source.ts';

/** Pull this long before the start: ffmpeg's start-up, the connection and loudnorm's 3 s look-ahead. */
export const PREROLL_MS = 6000;
/**
 * With an Icecast engine, pull this much earlier still: relay servers find a new mount on the origin
 * only at their next look (<master-update-interval>), and devices must be on it before the instant.
 */
export const ENGINE_PREROLL_MS = 5000;
/** Keep the stream this long past the planned end, so every agent reaches its end on sound. */
export const TAIL_MS = 1500;
/** How long an occurrence's record (state, why it ended) stays after its end. */
const KEEP_MS = 10 * 60_000;
/** Pulling a lost upstream again: after 1 s, doubling to 5 s, while the occurrence lasts. */
export const RETRY_MIN_MS = 1000;
export const RETRY_MAX_MS = 5000;

/** One stretch without the upstream: when it was lost, when the pull flowed again (null: not again), why. */
export interface RelayLoss {
  at: number;
  resumedAt: number | null;
  error: string;
}

export type RelayState = 'waiting' | 'live' | 'lost' | 'ended' | 'cancelled';

export interface RelayOccurrence {
  occurrenceId: string;
  broadcastId: string;
  url: string;
  startAt: number;
  endAt: number;
  state: RelayState;
  /** when the upstream first ended or failed before the end (hub time) */
  lostAt: number | null;
  /** what ffmpeg said last when it ended early */
  error: string | null;
  /** every loss of the upstream, in order */
  losses: RelayLoss[];
  stats: FanoutStats;
  /** streamEngine icecast: the source on the origin (the current stretch's) */
  engine?: IcecastSourceState;
  /** streamEngine icecast: the devices the engine's servers let in, as they told the hub's listener check */
  engineListeners?: EngineListeners;
}

/**
 * The engine's listeners of one occurrence, known from Icecast's URL listener authentication
 * (POST /icecast/listener): each listen server asks the hub before letting a device in
 * (listener_add) and tells it when the device leaves (listener_remove, when configured).
 */
export interface EngineListeners {
  /** devices let in, counting each time one joined */
  admitted: number;
  /** listening now: listen server ("host:port") → Icecast's client id → device id */
  now: Record<string, Record<string, string>>;
}

export interface RelayStreamsDeps {
  db: Db;
  ffmpegPath: string;
  targetLufs: number;
  log: Logger;
  now?: () => number;
  pollMs?: number;
  /** streamEngine icecast: each stream also goes to the origin, mount /<occurrence>.ogg (icecast-source.ts) */
  engine?: Pick<IcecastEngine, 'origin' | 'sourcePassword'> | null;
}

interface Session {
  info: RelayOccurrence;
  fanout: StreamFanout;
  child: Encoder | null;
  startTimer: NodeJS.Timeout | null;
  endTimer: NodeJS.Timeout | null;
  retryTimer: NodeJS.Timeout | null;
  /** pulls that failed in a row (the backoff's step) */
  failures: number;
  /** the source on the Icecast origin, while a stream flows */
  source: IcecastSource | null;
}

export class RelayStreams {
  private readonly sessions = new Map<string, Session>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly preroll: number;
  private stopped = false;
  /**
   * Listener checks the engine's servers made since the hub started: none means they may not ask
   * (no URL listener authentication), and the engine's listeners are not known.
   */
  engineAsks = 0;

  constructor(private readonly deps: RelayStreamsDeps) {
    this.now = deps.now ?? Date.now;
    this.pollMs = deps.pollMs ?? 5000;
    this.preroll = PREROLL_MS + (deps.engine ? ENGINE_PREROLL_MS : 0);
  }

  start(): void {
    this.stopped = false;
    this.refresh();
  }

  /** Reads the plan again: starts what is due soon, ends what was cancelled. */
  refresh(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.now();
    const due = new Map<string, { b: Broadcast; startAt: number }>();
    // Only approved relays, read every few seconds: not every approved broadcast.
    const relays = (
      this.deps.db.prepare("SELECT id FROM broadcasts WHERE status = 'approved' AND relay IS NOT NULL").all() as Array<{
        id: string;
      }>
    ).map((r) => getBroadcast(this.deps.db, r.id)!);
    for (const b of relays) {
      // What starts before the next look (with its preroll), or started and has not ended.
      for (const s of occurrencesBetween(b, now - MAX_RELAY_MS, now + this.preroll + this.pollMs + 1000)) {
        if (s + b.durationMs + TAIL_MS <= now || !owedAt(b, s)) continue;
        if (b.rrule && b.decidedAt !== null && s < b.decidedAt) continue; // never sent (plan.ts)
        due.set(occurrenceId(b.id, s), { b, startAt: s });
      }
    }
    for (const [occ, { b, startAt }] of due) if (!this.sessions.has(occ)) this.schedule(occ, b, startAt);
    for (const [occ, s] of this.sessions) {
      const on = s.info.state === 'waiting' || s.info.state === 'live' || s.info.state === 'lost';
      const gone = !due.has(occ) && on;
      if (gone && s.info.endAt > now) this.finish(s, 'cancelled');
      if (s.info.endAt + KEEP_MS < now) this.sessions.delete(occ);
    }
    this.timer = setTimeout(() => this.refresh(), this.pollMs);
    this.timer.unref?.();
  }

  /** The state of one occurrence, if the hub runs it. */
  occurrence(occurrenceId: string): RelayOccurrence | undefined {
    return this.sessions.get(occurrenceId)?.info;
  }

  /** The occurrence's stream epoch (StreamFanout.epoch), once its first audio page went out. */
  epochOf(occurrenceId: string): number | null {
    return this.sessions.get(occurrenceId)?.fanout.epoch ?? null;
  }

  list(): RelayOccurrence[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  /** An engine's server let `deviceId` in on this occurrence's mount (its listener check asked the hub). */
  engineListenerJoined(occurrenceId: string, server: string, client: string, deviceId: string): void {
    this.engineAsks++;
    const l = this.sessions.get(occurrenceId)?.info.engineListeners;
    if (!l) return;
    l.admitted++;
    (l.now[server] ??= {})[client] = deviceId;
  }

  /** An engine's server says one of this occurrence's listeners left. */
  engineListenerLeft(occurrenceId: string, server: string, client: string): void {
    this.engineAsks++;
    const l = this.sessions.get(occurrenceId)?.info.engineListeners;
    const at = l?.now[server];
    if (!at) return;
    delete at[client];
    if (!Object.keys(at).length) delete l.now[server];
  }

  /**
   * Adds a device's response as a listener. 'not-live' when the occurrence is not on air (not yet
   * started, ended, or its upstream was lost): the caller answers with an error.
   */
  attach(occurrenceId: string, listenerId: string, out: Writable): 'ok' | 'unknown' | RelayState {
    const s = this.sessions.get(occurrenceId);
    if (!s) return 'unknown';
    if (s.info.state !== 'live' && s.info.state !== 'waiting') return s.info.state;
    if (!s.child) return 'waiting';
    return s.fanout.add({ id: listenerId, out }) ? 'ok' : s.info.state;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const exits = [...this.sessions.values()].map((s) => {
      this.finish(s, 'ended');
      return s.child?.exited() ?? Promise.resolve();
    });
    await Promise.all(exits);
  }

  private schedule(occ: string, b: Broadcast, startAt: number): void {
    const s: Session = {
      info: {
        occurrenceId: occ,
        broadcastId: b.id,
        url: b.relay!.url,
        startAt,
        endAt: startAt + b.durationMs,
        state: 'waiting',
        lostAt: null,
        error: null,
        losses: [],
        stats: { listeners: 0, joined: 0, dropped: 0, bytesIn: 0, bytesOut: 0 },
        ...(this.deps.engine ? { engine: idleSourceState(), engineListeners: { admitted: 0, now: {} } } : {}),
      },
      fanout: new StreamFanout(undefined, this.now),
      child: null,
      startTimer: null,
      endTimer: null,
      retryTimer: null,
      failures: 0,
      source: null,
    };
    s.info.stats = s.fanout.stats;
    this.sessions.set(occ, s);
    const wait = Math.max(0, startAt - this.preroll - this.now());
    s.startTimer = setTimeout(() => this.open(s), wait);
    s.endTimer = setTimeout(() => this.finish(s, 'ended'), Math.max(0, s.info.endAt + TAIL_MS - this.now()));
  }

  private open(s: Session): void {
    if (s.info.state !== 'waiting' && s.info.state !== 'lost') return;
    const { log } = this.deps;
    const again = s.info.state === 'lost';
    if (again) s.fanout.restart();
    const args = relayFfmpegArgs({ url: s.info.url, targetLufs: this.deps.targetLufs });
    s.info.state = 'live';
    log.info({ occurrenceId: s.info.occurrenceId, url: s.info.url, again }, 'relay: pulling the upstream');
    const enc = startEncoder(this.deps.ffmpegPath, args, 'ignore', s.fanout, (code, error) => {
      if (s.info.state !== 'live' || s.child !== enc) return;
      if (error) return this.lost(s, `cannot run ffmpeg (${this.deps.ffmpegPath}): ${error.message}`);
      const said = enc.said();
      this.lost(s, `upstream ended: ffmpeg exited with ${code}${said ? `: ${said}` : ''}`.slice(0, 500));
    });
    s.child = enc;
    // One more listener of the fan-out: the same pages go to the engine's origin (a stream back after a
    // loss is a new source: Icecast sends new listeners its new header pages).
    if (this.deps.engine) {
      s.source?.stop();
      s.source = sendToIcecast(this.deps.engine, icecastMount(s.info.occurrenceId), s.fanout, log);
      s.info.engine = s.source.state;
    }
    enc.child.stdout.on('data', () => {
      // Bytes again after a loss: the upstream is back.
      const loss = s.info.losses.at(-1);
      if (loss && loss.resumedAt === null && s.child === enc) {
        loss.resumedAt = this.now();
        s.failures = 0;
        log.info({ occurrenceId: s.info.occurrenceId }, 'relay: upstream back');
      }
    });
  }

  /**
   * The upstream ended or failed before the planned end: the listeners' streams end (they air their
   * fallback), and the pull is tried again with backoff while the occurrence lasts.
   */
  private lost(s: Session, error: string): void {
    if (s.info.state !== 'live') return;
    const now = this.now();
    s.info.state = 'lost';
    s.info.lostAt ??= now;
    s.info.error = error;
    // A retry that failed again before any byte belongs to the loss still open.
    const open = s.info.losses.at(-1);
    if (open && open.resumedAt === null) open.error = error;
    else s.info.losses.push({ at: now, resumedAt: null, error });
    this.deps.log.warn({ occurrenceId: s.info.occurrenceId, error, failures: s.failures }, 'relay: upstream lost');
    this.stopSource(s);
    s.fanout.end();
    s.child?.kill();
    const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** s.failures++);
    if (now + wait >= s.info.endAt) return;
    s.retryTimer = setTimeout(() => {
      s.retryTimer = null;
      this.open(s);
    }, wait);
  }

  private finish(s: Session, state: 'ended' | 'cancelled'): void {
    // An upstream lost and not back by the end stays 'lost' (a retry may be connecting).
    const unresolved = s.info.losses.at(-1)?.resumedAt === null;
    if (s.info.state === 'waiting' || s.info.state === 'live' || s.info.state === 'lost')
      s.info.state = state === 'ended' && unresolved ? 'lost' : state;
    this.close(s);
  }

  /** Ends the source on the origin: Icecast takes the mount down, and its listeners' streams end. */
  private stopSource(s: Session): void {
    s.source?.stop();
    s.source = null;
  }

  private close(s: Session): void {
    if (s.startTimer) clearTimeout(s.startTimer);
    if (s.endTimer) clearTimeout(s.endTimer);
    if (s.retryTimer) clearTimeout(s.retryTimer);
    s.startTimer = s.endTimer = s.retryTimer = null;
    this.stopSource(s);
    s.fanout.end();
    s.child?.kill();
  }
}
