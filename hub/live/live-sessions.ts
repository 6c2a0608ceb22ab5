// Live sessions (phát trực tiếp): a leader, or the district office for an emergency, speaks to the
// loudspeakers of some areas from the browser's microphone. A session is a broadcast: approved by
// the act of going live, sent at once as a play-now command per area (like an emergency) with the
// manifests after it, audited, and counted in coverage by the seconds each device aired. Its
// broadcast lasts its maximum while it runs and its actual length once it has ended.
//
// The rules (docs/live.md): a leader goes live at normal priority within its area, the district
// office at normal or emergency; an official may not. Quiet hours refuse a normal session; an
// emergency pre-empts whatever plays, a normal live session too. Two sessions never share an area.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock, LedMessage, TimerHandle } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { User } from '../auth/users.ts';
import { getUser } from '../auth/users.ts';
import { audit } from '../audit.ts';
import { withinScope } from '../areas/areas.ts';
import {
  BroadcastError,
  createLiveBroadcast,
  endLiveBroadcast,
  getBroadcast,
  type Broadcast,
} from '../broadcasts/broadcasts.ts';
import { occurrenceId as makeOccurrenceId } from '../broadcasts/recurrence.ts';
import { quietHoursClashes, QuietHoursError } from '../schedule/quiet-hours.ts';
import type { Dispatcher } from '../dispatch/dispatcher.ts';
import { msg } from '../text/index.ts';
import { recheckReceipts } from '../ingest/recheck.ts';
import { formatVn } from '../time.ts';
import {
  LIVE_BUFFER_MS,
  LIVE_MAX_SECONDS,
  LIVE_RECENT_MS,
  LIVE_SOURCE_GRACE_MS,
  type LiveEndReason,
  type LiveSession,
  type LiveStartBody,
  type LiveStarted,
  type LiveStatusMessage,
} from '../api-contract/live.ts';
import { LiveStream, type LiveListenerState } from '../streaming/live-streams.ts';
import type { IcecastEngine } from '../config.ts';

/** An error the routes answer with its status. */
export class LiveError extends BroadcastError {}

/** What the session's audio socket needs: send status, be closed. (A `ws` WebSocket.) */
export interface LiveSource {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export interface LiveSessionsDeps {
  db: Db;
  clock: Clock;
  dispatcher: Pick<Dispatcher, 'onBroadcastChanged' | 'endEarly'>;
  log: Logger;
  /** null: no ffmpeg, no live session */
  ffmpegPath: string | null;
  targetLufs: number;
  /** from going live to the start on the speakers: the play-now's way and the amplifiers' warm-up */
  leadMs: number;
  /** streamEngine icecast: each session's stream also goes to the origin (live-streams.ts) */
  engine?: Pick<IcecastEngine, 'origin' | 'sourcePassword'> | null;
  /** a session's broadcast changed (started, ended): the hub's live events */
  onChanged?: (b: Broadcast) => void;
}

interface SessionRecord {
  id: string;
  broadcast_id: string;
  started_by: number;
  started_at: number;
  starts_at: number;
  ended_at: number | null;
  end_reason: LiveEndReason | null;
  ended_by: number | null;
  buffer_ms: number;
  max_seconds: number;
  /** the last second the source was connected (null: never) */
  alive_at: number | null;
}

interface Running {
  id: string;
  occurrenceId: string;
  stream: LiveStream;
  startedBy: number;
  source: LiveSource | null;
  graceTimer: TimerHandle | null;
  maxTimer: TimerHandle | null;
  statusTimer: TimerHandle | null;
  /** the listeners as they stood at the end */
  finalListeners: LiveListenerState[] | null;
  /** the stop to the devices, after the stream has ended and they have played out their buffer */
  stopTimer: TimerHandle | null;
  /** when the record leaves memory */
  forgetTimer: TimerHandle | null;
}

/** After the stream ends, devices play out their buffer; the stop then ends any that did not hear the end. */
const STOP_AFTER_END_MS = 4000;

export class LiveSessions {
  private readonly running = new Map<string, Running>();
  private readonly byOccurrence = new Map<string, string>();
  private stopped = false;

  constructor(private readonly deps: LiveSessionsDeps) {}

  private get now() {
    return this.deps.clock.now();
  }

  /**
   * The loudspeakers of the fleet in these areas or below, by id (the areas resolveTargets reads):
   * one query, as the source's status asks every second and a district has thousands of them.
   */
  private speakersIn(areas: string[]): Array<{ id: string; name: string; areaPath: string }> {
    this.speakersStmt ??= this.deps.db.prepare(
      `SELECT DISTINCT d.id, d.name, a.path AS areaPath FROM devices d JOIN areas a ON a.id = d.area_id
         JOIN json_each(?) t ON a.path = t.value OR a.path LIKE t.value || '/%'
        WHERE d.kind = 'speaker' AND d.decommissioned_at IS NULL ORDER BY d.id`,
    );
    return this.speakersStmt.all(JSON.stringify(areas)) as Array<{ id: string; name: string; areaPath: string }>;
  }
  private speakersStmt: ReturnType<Db['prepare']> | null = null;
  private emergenciesStmt: ReturnType<Db['prepare']> | null = null;

  private row(id: string): SessionRecord | undefined {
    return this.deps.db.prepare('SELECT * FROM live_sessions WHERE id = ?').get(id) as SessionRecord | undefined;
  }

  /**
   * Goes live: checks the rules, stores the approved broadcast and the session, starts the encoder,
   * and sends the play-now. Throws LiveError (403, 409) or BroadcastError (400, 403).
   */
  async start(user: User, body: LiveStartBody): Promise<LiveStarted> {
    const { db, log } = this.deps;
    if (user.role !== 'approver' && user.role !== 'district')
      throw new LiveError(msg('live.role-forbidden', { role: user.role }), 403);
    if (body.priority === 'emergency' && user.role !== 'district')
      throw new LiveError(msg('live.emergency-district-only'), 403);
    if (!this.deps.ffmpegPath) throw new LiveError(msg('live.no-ffmpeg'), 409);
    const areas = [...new Set(body.areaIds)];
    const now = this.now;
    const startsAt = now + this.deps.leadMs;
    const maxSeconds = this.maxSecondsOutsideQuietHours(user, areas, body, startsAt);
    // Another session on one of these areas (or above or below it): an emergency pre-empts a normal one.
    for (const other of this.runningRows()) {
      const b = getBroadcast(db, other.broadcast_id)!;
      const shared = b.targets.areas.find((a) => areas.some((p) => withinScope(p, a) || withinScope(a, p)));
      if (!shared) continue;
      if (body.priority === 'emergency' && b.priority !== 'emergency') {
        await this.end(other.id, null, 'pre-empted');
        continue;
      }
      throw new LiveError(msg('live.area-busy', { path: shared, title: b.title }), 409);
    }
    // An emergency bulletin on air there holds the speakers: a normal session would not be heard.
    const onAir = body.priority === 'emergency' ? undefined : this.emergencyOnAir(areas, startsAt)[0];
    if (onAir) throw new LiveError(msg('live.emergency-on-air', { path: onAir.path, title: onAir.title }), 409);
    const id = randomUUID();
    const bufferMs = body.bufferMs ?? LIVE_BUFFER_MS.default;
    const led: LedMessage | null = body.ledText
      ? { pages: [{ lines: [body.ledText], mode: 'scroll', seconds: 30 }] }
      : null;
    const b = db.transaction(() => {
      const b = createLiveBroadcast(
        db,
        user,
        {
          title: body.title,
          areas,
          priority: body.priority,
          led,
          startsAt,
          durationMs: maxSeconds * 1000,
          live: { sessionId: id, bufferMs },
        },
        now,
      );
      db.prepare(
        'INSERT INTO live_sessions(id, broadcast_id, started_by, started_at, starts_at, buffer_ms, max_seconds) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(id, b.id, user.id, now, startsAt, bufferMs, maxSeconds);
      audit(db, user.id, 'live.start', b.id, {
        session: id,
        title: body.title,
        priority: body.priority,
        areas,
        bufferMs,
        maxSeconds,
      });
      return b;
    })();
    const occurrenceId = makeOccurrenceId(b.id, startsAt);
    const r: Running = {
      id,
      occurrenceId,
      startedBy: user.id,
      source: null,
      graceTimer: null,
      maxTimer: null,
      statusTimer: null,
      finalListeners: null,
      stopTimer: null,
      forgetTimer: null,
      stream: new LiveStream(
        occurrenceId,
        {
          ffmpegPath: this.deps.ffmpegPath,
          targetLufs: this.deps.targetLufs,
          log,
          now: () => this.now,
          engine: this.deps.engine ?? null,
        },
        () => void this.end(id, null, 'source-lost').catch((err) => log.error({ err }, 'live: ending failed')),
      ),
    };
    this.running.set(id, r);
    this.byOccurrence.set(occurrenceId, id);
    this.armGrace(r);
    r.maxTimer = this.deps.clock.setTimeout(
      () => void this.end(id, null, 'max-length').catch((err) => log.error({ err }, 'live: ending failed')),
      startsAt + maxSeconds * 1000 - now,
    );
    log.info({ session: id, broadcastId: b.id, areas, priority: body.priority, bufferMs }, 'live: session started');
    await this.deps.dispatcher.onBroadcastChanged(b);
    this.deps.onChanged?.(b);
    return {
      id,
      broadcastId: b.id,
      occurrenceId,
      state: 'starting',
      audioUrl: `/api/v1/live/${id}/audio`,
      startsAt: formatVn(startsAt)!,
      startsAtMs: startsAt,
      maxSeconds,
      bufferMs,
    };
  }

  /**
   * Quiet hours refuse a normal session that would start in them; one that would run into them
   * may last until they begin. Returns the session's maximum length in seconds.
   */
  private maxSecondsOutsideQuietHours(user: User, areas: string[], body: LiveStartBody, startsAt: number): number {
    if (body.priority !== 'normal') return LIVE_MAX_SECONDS;
    // quietHoursClashes reads only the priority, the times and the targets.
    const clashes = (seconds: number) =>
      quietHoursClashes(
        this.deps.db,
        {
          id: 'live-draft',
          priority: 'normal',
          startsAt,
          rrule: null,
          durationMs: seconds * 1000,
          targets: { areas, devices: [] },
        } as unknown as Broadcast,
        this.now,
      );
    const atStart = clashes(1);
    // Out-of-scope and unknown areas are refused by the broadcast's own checks, in their words.
    if (atStart.length && areas.every((a) => withinScope(user.scope, a))) {
      const e = new QuietHoursError(atStart);
      throw new LiveError(e.msg!, 409);
    }
    let max = LIVE_MAX_SECONDS;
    while (max > 60 && clashes(max).length) max -= 60;
    return max;
  }

  private runningRows(): SessionRecord[] {
    return this.deps.db.prepare('SELECT * FROM live_sessions WHERE ended_at IS NULL').all() as SessionRecord[];
  }

  /** The session as the API shows it; undefined when there is none. */
  session(id: string): LiveSession | undefined {
    const s = this.row(id);
    if (!s) return undefined;
    const { db } = this.deps;
    const b = getBroadcast(db, s.broadcast_id)!;
    const r = this.running.get(id);
    const now = this.now;
    const listeners = new Map((r?.finalListeners ?? r?.stream.listeners() ?? []).map((l) => [l.deviceId, l]));
    const speakers = this.speakersIn(b.targets.areas);
    const state =
      s.ended_at !== null ? 'ended' : r?.stream.firstOutAt != null && now >= s.starts_at ? 'live' : 'starting';
    const starter = getUser(db, s.started_by);
    const ender = s.ended_by === null ? null : getUser(db, s.ended_by);
    return {
      id: s.id,
      broadcastId: s.broadcast_id,
      occurrenceId: makeOccurrenceId(s.broadcast_id, s.starts_at),
      title: b.title,
      areaIds: b.targets.areas,
      priority: b.priority,
      state,
      startedBy: s.started_by,
      startedByName: starter?.displayName ?? starter?.username ?? '',
      startedAt: formatVn(s.started_at)!,
      startsAtMs: s.starts_at,
      endedAt: formatVn(s.ended_at),
      endReason: s.end_reason,
      endedBy: s.ended_by === null ? null : { id: s.ended_by, name: ender?.displayName || ender?.username || '' },
      secondsLive: Math.max(
        0,
        Math.round(Math.min((s.ended_at ?? now) - s.starts_at, s.max_seconds * 1000) / 100) / 10,
      ),
      secondsReceived:
        r?.stream.firstInAt != null ? Math.round(((s.ended_at ?? now) - r.stream.firstInAt) / 100) / 10 : 0,
      bufferMs: s.buffer_ms,
      maxSeconds: s.max_seconds,
      listeners: speakers.map((d) => {
        const l = listeners.get(d.id);
        return {
          deviceId: d.id,
          name: d.name,
          areaId: d.areaPath,
          state: l?.state ?? 'waiting',
          since: l ? formatVn(l.since) : null,
          bytes: l?.bytes ?? 0,
        };
      }),
    };
  }

  /** The sessions running, or ended in the last 10 minutes, that concern this user's area. */
  list(user: User): LiveSession[] {
    const rows = this.deps.db
      .prepare('SELECT id FROM live_sessions WHERE ended_at IS NULL OR ended_at > ? ORDER BY started_at DESC')
      .all(this.now - LIVE_RECENT_MS) as Array<{ id: string }>;
    return rows.map((r) => this.session(r.id)!).filter((s) => this.concerns(user, s));
  }

  /** A session concerns a user whose area holds one of its areas, or lies within one. */
  concerns(user: User, s: Pick<LiveSession, 'areaIds'>): boolean {
    return s.areaIds.some((a) => withinScope(user.scope, a) || withinScope(a, user.scope ?? ''));
  }

  /** Only whoever went live, or a district user whose area holds every area of it. */
  mayEnd(user: User, id: string): boolean {
    const s = this.row(id);
    if (!s) return false;
    if (s.started_by === user.id) return true;
    const b = getBroadcast(this.deps.db, s.broadcast_id)!;
    return user.role === 'district' && b.targets.areas.every((a) => withinScope(user.scope, a));
  }

  /**
   * Ends a session (once): the encoder finishes what it holds and the stream ends for its listeners,
   * the broadcast takes its actual length, and a stop with the manifests follows once the devices
   * have played out their buffer. `by` null: the hub ended it (source lost, maximum length, pre-empted).
   * `at`: when it ended, if not now (a session the last run left open ended at its last sign of life).
   */
  async end(id: string, by: User | null, reason: LiveEndReason, at?: number): Promise<LiveSession> {
    const { db, log } = this.deps;
    const s = this.row(id);
    if (!s) throw new LiveError(msg('live.not-found', { id }), 404);
    if (s.ended_at !== null) return this.session(id)!;
    const now = at ?? this.now;
    const r = this.running.get(id);
    const b = db.transaction(() => {
      db.prepare('UPDATE live_sessions SET ended_at = ?, end_reason = ?, ended_by = ? WHERE id = ?').run(
        now,
        reason,
        by?.id ?? null,
        id,
      );
      let b: Broadcast;
      if (now <= s.starts_at) {
        // Ended before it began on the speakers: nothing was owed.
        db.prepare("UPDATE broadcasts SET status = 'cancelled', cancelled_by = ?, cancelled_at = ? WHERE id = ?").run(
          by?.id ?? null,
          now,
          s.broadcast_id,
        );
        b = getBroadcast(db, s.broadcast_id)!;
      } else b = endLiveBroadcast(db, s.broadcast_id, Math.min(now - s.starts_at, s.max_seconds * 1000));
      // Receipts that came while it ran were measured against the maximum: now against what it lasted.
      const struck = recheckReceipts(db, s.broadcast_id);
      audit(db, by?.id ?? null, 'live.end', s.broadcast_id, {
        session: id,
        reason,
        by: by ? by.username : 'hub',
        seconds: Math.max(0, Math.round(Math.min(now - s.starts_at, s.max_seconds * 1000) / 100) / 10),
        ...(struck.length ? { receiptsRejected: struck } : {}),
      });
      return b;
    })();
    log.info(
      {
        session: id,
        reason,
        by: by?.username ?? 'hub',
        // the encoder's start-up: from the first chunk in to the first page out
        firstPageMs:
          r?.stream.firstInAt != null && r.stream.firstOutAt != null ? r.stream.firstOutAt - r.stream.firstInAt : null,
      },
      'live: session ended',
    );
    if (r) {
      this.deps.clock.clearTimeout(r.graceTimer);
      this.deps.clock.clearTimeout(r.maxTimer);
      this.deps.clock.clearInterval(r.statusTimer);
      r.graceTimer = r.maxTimer = r.statusTimer = null;
      this.sendStatus(r);
      r.source?.close(1000, reason);
      r.source = null;
      r.finalListeners = r.stream.listeners();
      // The listeners hear the last words; then the devices get the stop and the manifests.
      void r.stream
        .close()
        .then(() => {
          r.finalListeners = r.stream.listeners();
          if (this.stopped) return;
          r.stopTimer = this.deps.clock.setTimeout(
            () => void this.deps.dispatcher.endEarly(b, 'live session ended'),
            s.buffer_ms + STOP_AFTER_END_MS,
          );
        })
        .catch((err) => log.error({ err }, 'live: closing the stream failed'));
      r.forgetTimer = this.deps.clock.setTimeout(() => this.forget(r), LIVE_RECENT_MS);
    } else {
      void this.deps.dispatcher.endEarly(b, 'live session ended');
    }
    this.deps.onChanged?.(b);
    return this.session(id)!;
  }

  private forget(r: Running): void {
    if (this.running.get(r.id) !== r) return;
    this.running.delete(r.id);
    this.byOccurrence.delete(r.occurrenceId);
  }

  /** The source's socket went away, or never came: the session ends after the grace period. */
  private armGrace(r: Running): void {
    this.deps.clock.clearTimeout(r.graceTimer);
    r.graceTimer = this.deps.clock.setTimeout(() => {
      r.graceTimer = null;
      if (!r.source)
        void this.end(r.id, null, 'source-lost').catch((err) => this.deps.log.error({ err }, 'live: ending failed'));
    }, LIVE_SOURCE_GRACE_MS);
  }

  /**
   * Whether `user` may send this session its audio now: throws LiveError (404 unknown, 403 not the
   * one who went live, 409 ended) otherwise.
   */
  checkSource(id: string, user: User): void {
    const s = this.row(id);
    if (!s) throw new LiveError(msg('live.not-found', { id }), 404);
    if (s.started_by !== user.id) throw new LiveError(msg('live.not-starter'), 403);
    const r = this.running.get(id);
    if (s.ended_at !== null || !r || !r.stream.isOpen) throw new LiveError(msg('live.ended', { id }), 409);
  }

  /**
   * The source's socket is open: its binary messages go to the encoder. A new socket replaces the
   * old one (a phone that reconnected). Returns the handlers for the socket's events.
   */
  attachSource(id: string, source: LiveSource): { message: (data: Buffer) => void; close: () => void } {
    const r = this.running.get(id)!;
    if (r.source && r.source !== source) r.source.close(4000, 'replaced by a new connection');
    r.source = source;
    r.stream.prepare();
    this.deps.clock.clearTimeout(r.graceTimer);
    r.graceTimer = null;
    this.deps.clock.clearInterval(r.statusTimer);
    r.statusTimer = this.deps.clock.setInterval(() => {
      this.stampAlive(r);
      if (this.preemptedByBulletin(r)) return;
      this.sendStatus(r);
    }, 1000);
    this.sendStatus(r);
    return {
      message: (data) => {
        if (r.source === source) r.stream.write(data);
      },
      close: () => {
        if (r.source !== source) return;
        r.source = null;
        this.deps.clock.clearInterval(r.statusTimer);
        r.statusTimer = null;
        if (this.row(id)?.ended_at === null) this.armGrace(r);
      },
    };
  }

  /**
   * Approved emergency bulletins with audio (not live sessions; an LED-only one leaves the speakers
   * free) on air at `at` in one of these areas, above or below it, or on one of its speakers: where
   * they share it first. Emergencies are one-off.
   */
  private emergencyOnAir(areas: string[], at: number): Array<{ id: string; title: string; path: string }> {
    const { db } = this.deps;
    // Asked each second per running session: prepared once.
    this.emergenciesStmt ??= db
      .prepare(
        `SELECT id FROM broadcasts WHERE status = 'approved' AND priority = 'emergency' AND live IS NULL
            AND (media_id IS NOT NULL OR relay IS NOT NULL) AND starts_at <= @at AND starts_at + duration_ms > @at`,
      )
      .pluck();
    const ids = this.emergenciesStmt.all({ at }) as string[];
    const out: Array<{ id: string; title: string; path: string }> = [];
    for (const id of ids) {
      const b = getBroadcast(db, id)!;
      const speakers = b.targets.devices.length ? this.speakersIn(areas) : [];
      const path =
        b.targets.areas.find((a) => areas.some((p) => withinScope(p, a) || withinScope(a, p))) ??
        speakers.find((d) => b.targets.devices.includes(d.id))?.areaPath;
      if (path !== undefined) out.push({ id, title: b.title, path });
    }
    return out;
  }

  /** A normal session ends where an emergency bulletin begins on its areas (checked every second). */
  private preemptedByBulletin(r: Running): boolean {
    const s = this.row(r.id);
    if (!s || s.ended_at !== null) return false;
    const b = getBroadcast(this.deps.db, s.broadcast_id)!;
    if (b.priority === 'emergency') return false;
    const onAir = this.emergencyOnAir(b.targets.areas, this.now)[0];
    if (!onAir) return false;
    this.deps.log.info({ session: r.id, emergency: onAir.id }, 'live session pre-empted by an emergency bulletin');
    void this.end(r.id, null, 'pre-empted').catch((err) =>
      this.deps.log.error({ err, session: r.id }, 'ending a pre-empted live session failed'),
    );
    return true;
  }

  /**
   * The session is alive while its source is connected: the stamp is where a crash of the hub cuts
   * it (endOrphans), so its recorded length, and the seconds a receipt may claim, stay true.
   */
  private stampAlive(r: Running): void {
    if (!r.source) return;
    this.deps.db.prepare('UPDATE live_sessions SET alive_at = ? WHERE id = ? AND ended_at IS NULL').run(this.now, r.id);
  }

  private sendStatus(r: Running): void {
    if (!r.source) return;
    const s = this.session(r.id);
    if (!s) return;
    const status: LiveStatusMessage = {
      type: 'status',
      state: s.state,
      listeners: s.listeners.filter((l) => l.state === 'listening').length,
      secondsLive: s.secondsLive,
    };
    try {
      r.source.send(JSON.stringify(status));
    } catch {
      // the socket is closing: its close handler follows
    }
  }

  /** Whether this occurrence is a live session's (its stream is served here, not by the relays). */
  isLiveOccurrence(occurrenceId: string): boolean {
    return this.byOccurrence.has(occurrenceId);
  }

  /**
   * The epoch of a session's stream (hub ms of its granule 0), once its first audio page went out;
   * null before, and once it has ended. A device pulling from the engine asks it (HEAD).
   */
  epochOf(occurrenceId: string): number | null {
    const id = this.byOccurrence.get(occurrenceId);
    const stream = id ? this.running.get(id)?.stream : undefined;
    // (ended: a device whose engine stream ended learns that the session did, not the engine)
    return stream?.isOpen ? stream.epoch : null;
  }

  /**
   * streamEngine icecast: the engine let a device in on a session's mount, or says it left (the hub's
   * answers to Icecast, icecast-auth-routes.ts): who listens, as the live page shows it.
   */
  engineListener(occurrenceId: string, deviceId: string, on: boolean): void {
    const id = this.byOccurrence.get(occurrenceId);
    const r = id ? this.running.get(id) : undefined;
    if (!r) return;
    r.stream.engineListener(deviceId, on);
    this.deps.log.info(
      { session: id, deviceId, on },
      on ? 'live: a device joined on the engine' : 'live: a device left the engine',
    );
  }

  /** Adds a device's response to a session's stream: 'ok', or why not. */
  attachListener(
    occurrenceId: string,
    deviceId: string,
    listenerId: string,
    out: import('node:stream').Writable,
    socket: import('node:net').Socket | null,
    /** gets the stream's epoch before the response's first byte (X-Stream-Epoch) */
    onEpoch?: (epoch: number) => void,
  ): 'ok' | 'unknown' | 'waiting' | 'ended' {
    const id = this.byOccurrence.get(occurrenceId);
    const r = id ? this.running.get(id) : undefined;
    if (!r) return 'unknown';
    if (!r.stream.isOpen) return 'ended';
    // A device may join before the first audio: it gets the stream's first page the moment it exists
    // (asking again, as for a relay, would cost up to half a second of the first words).
    const ok = r.stream.attach(deviceId, listenerId, out, socket, onEpoch);
    this.deps.log.info(
      {
        session: id,
        deviceId,
        afterFirstAudioMs: r.stream.firstOutAt === null ? null : this.now - r.stream.firstOutAt,
      },
      'live: a device joined the stream',
    );
    return ok ? 'ok' : 'ended';
  }

  /**
   * At the hub's start: sessions the last run left open have lost their source. They end at their
   * last sign of life (alive_at, each second while the source was connected), not at this restart:
   * otherwise a crash of an hour would record an hour on air, and a device's receipt claiming it
   * would be admitted. Never alive: it ended before it began, and nothing was owed.
   */
  endOrphans(): void {
    for (const s of this.runningRows())
      void this.end(s.id, null, 'source-lost', Math.min(this.now, s.alive_at ?? s.starts_at)).catch((err) =>
        this.deps.log.error({ err }, 'live: ending failed'),
      );
  }

  /** A session's broadcast was cancelled through the broadcasts API: the session ends with it. */
  onBroadcastCancelled(broadcastId: string): void {
    const s = this.deps.db
      .prepare('SELECT id FROM live_sessions WHERE broadcast_id = ? AND ended_at IS NULL')
      .get(broadcastId) as { id: string } | undefined;
    if (s)
      void this.end(s.id, null, 'ended-by-user').catch((err) => this.deps.log.error({ err }, 'live: ending failed'));
  }

  /** The hub stops: every encoder ends (sessions still open end at the next start, endOrphans). */
  async stop(): Promise<void> {
    this.stopped = true;
    const closing: Array<Promise<void>> = [];
    for (const r of this.running.values()) {
      for (const t of [r.graceTimer, r.maxTimer, r.stopTimer, r.forgetTimer]) this.deps.clock.clearTimeout(t);
      this.deps.clock.clearInterval(r.statusTimer);
      r.source?.close(1001, 'hub stopping');
      closing.push(r.stream.close(500));
    }
    await Promise.all(closing);
  }
}
