// The hub's side of relays: for each relay occurrence it plans, one ffmpeg pulls the upstream from
// a few seconds before the start to the end (relay-args.ts), and a fan-out serves it to every
// device that asks (fanout.ts, GET /streams/<occurrence>). The plan is read again every few seconds
// and whenever a broadcast changes, so an approval, a cancellation or an edit takes effect.
// An upstream that fails ends the stream for its listeners; each agent then airs its fallback and
// says so in its receipt (edge-agent/relay-player.ts).
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

/** Pull this long before the start: ffmpeg's start-up, the connection and loudnorm's 3 s look-ahead. */
export const PREROLL_MS = 6000;
/** Keep the stream this long past the planned end, so every agent reaches its end on sound. */
export const TAIL_MS = 1500;
/** How long an occurrence's record (state, why it ended) stays after its end. */
const KEEP_MS = 10 * 60_000;

export type RelayState = 'waiting' | 'live' | 'lost' | 'ended' | 'cancelled';

export interface RelayOccurrence {
  occurrenceId: string;
  broadcastId: string;
  url: string;
  startAt: number;
  endAt: number;
  state: RelayState;
  /** when the upstream ended or failed before the end (hub time) */
  lostAt: number | null;
  /** what ffmpeg said last when it ended early */
  error: string | null;
  stats: FanoutStats;
}

export interface RelayStreamsDeps {
  db: Db;
  ffmpegPath: string;
  targetLufs: number;
  log: Logger;
  now?: () => number;
  pollMs?: number;
}

interface Session {
  info: RelayOccurrence;
  fanout: StreamFanout;
  child: Encoder | null;
  startTimer: NodeJS.Timeout | null;
  endTimer: NodeJS.Timeout | null;
}

export class RelayStreams {
  private readonly sessions = new Map<string, Session>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly pollMs: number;
  private stopped = false;

  constructor(private readonly deps: RelayStreamsDeps) {
    this.now = deps.now ?? Date.now;
    this.pollMs = deps.pollMs ?? 5000;
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
      for (const s of occurrencesBetween(b, now - MAX_RELAY_MS, now + PREROLL_MS + this.pollMs + 1000)) {
        if (s + b.durationMs + TAIL_MS <= now || !owedAt(b, s)) continue;
        if (b.rrule && b.decidedAt !== null && s < b.decidedAt) continue; // never sent (plan.ts)
        due.set(occurrenceId(b.id, s), { b, startAt: s });
      }
    }
    for (const [occ, { b, startAt }] of due) if (!this.sessions.has(occ)) this.schedule(occ, b, startAt);
    for (const [occ, s] of this.sessions) {
      const gone = !due.has(occ) && (s.info.state === 'waiting' || s.info.state === 'live');
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

  list(): RelayOccurrence[] {
    return [...this.sessions.values()].map((s) => s.info);
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
        stats: { listeners: 0, joined: 0, dropped: 0, bytesIn: 0, bytesOut: 0 },
      },
      fanout: new StreamFanout(),
      child: null,
      startTimer: null,
      endTimer: null,
    };
    s.info.stats = s.fanout.stats;
    this.sessions.set(occ, s);
    const wait = Math.max(0, startAt - PREROLL_MS - this.now());
    s.startTimer = setTimeout(() => this.open(s), wait);
    s.endTimer = setTimeout(() => this.finish(s, 'ended'), Math.max(0, s.info.endAt + TAIL_MS - this.now()));
  }

  private open(s: Session): void {
    if (s.info.state !== 'waiting') return;
    const { log } = this.deps;
    const args = relayFfmpegArgs({ url: s.info.url, targetLufs: this.deps.targetLufs });
    s.info.state = 'live';
    log.info({ occurrenceId: s.info.occurrenceId, url: s.info.url }, 'relay: pulling the upstream');
    s.child = startEncoder(this.deps.ffmpegPath, args, 'ignore', s.fanout, (code, error) => {
      if (error) return this.lost(s, `cannot run ffmpeg (${this.deps.ffmpegPath}): ${error.message}`);
      if (s.info.state !== 'live') return;
      const said = s.child?.said() ?? '';
      this.lost(s, `upstream ended: ffmpeg exited with ${code}${said ? `: ${said}` : ''}`.slice(0, 500));
    });
  }

  /** The upstream ended or failed before the planned end. */
  private lost(s: Session, error: string): void {
    if (s.info.state !== 'live') return;
    s.info.state = 'lost';
    s.info.lostAt = this.now();
    s.info.error = error;
    this.deps.log.warn({ occurrenceId: s.info.occurrenceId, error }, 'relay: upstream lost');
    this.close(s);
  }

  private finish(s: Session, state: 'ended' | 'cancelled'): void {
    if (s.info.state === 'waiting' || s.info.state === 'live') s.info.state = state;
    this.close(s);
  }

  private close(s: Session): void {
    if (s.startTimer) clearTimeout(s.startTimer);
    if (s.endTimer) clearTimeout(s.endTimer);
    s.startTimer = s.endTimer = null;
    s.fanout.end();
    s.child?.kill();
  }
}
