// The agent's local store: one SQLite file in dataDir (WAL). It is what lets a device keep playing
// through a dead network and survive power cuts: the schedule of the coming week, the applied
// manifest, the media index, the OUTBOX of signed receipts (kept until the hub acks them), the ids
// of accepted hub envelopes (replay guard), the session counter and counters of rejected messages.
//
// Durability: WAL with synchronous=NORMAL for everything (a commit is not fsynced until the next
// checkpoint, so a power cut may roll back the last commits, never corrupt the file), EXCEPT the
// receipt transaction, which runs at synchronous=FULL (the WAL is fsynced at its commit). A receipt
// is the proof of play: once recordReceipt returns, a power cut does not lose it. Acks, progress,
// the schedule and the rest stay at NORMAL: losing their last commits is repaired by the protocol
// (an un-deleted receipt is sent again and the hub de-duplicates; a lost manifest comes back
// retained) and fsyncing them would cost flash wear for nothing. `npm run bench` (outbox-bench)
// measures what FULL costs per receipt.
import Database from 'better-sqlite3';
import path from 'node:path';
import { DAY_MS as DAY, MediaRef, type ScheduleItem, type Clock, type Receipt } from '../protocol/index.ts';

/** Results of occurrences are remembered this long so an old manifest never makes one play twice. */
const RESULT_RETENTION_MS = 14 * DAY;
/** Manifest items that ended longer ago than this are not stored at all. */
const ITEM_MAX_AGE_MS = 7 * DAY;
/** Envelope ids are remembered a day past their expiry (expired ones are rejected anyway). */
const SEEN_MARGIN_MS = DAY;

export type ItemSource = 'manifest' | 'command';

export interface StoredItem {
  item: ScheduleItem;
  source: ItemSource;
  state: 'pending' | 'playing';
  /** hub time the item is due: its startAt, or for a play-now command delivered late, its arrival */
  dueAt: number;
  /** hub time the audio / LED message actually started, while playing */
  playingSince: number | null;
  progressMs: number;
}

export interface AppliedManifest {
  envelopeId: string;
  version: number;
  issuedAt: number;
}

export interface ManifestApplyResult {
  added: number;
  updated: number;
  dropped: number;
  ignored: number;
}

export interface MediaRow {
  sha256: string;
  format: string;
  bytes: number;
  readyAt: number | null;
  lastError: string | null;
}

/** Rows as SQLite returns them (column names), before they become the types above. */
interface ScheduleItemRecord {
  item_json: string;
  source: ItemSource;
  state: StoredItem['state'];
  due_at: number;
  playing_since: number | null;
  progress_ms: number;
}
interface MediaRecord {
  sha256: string;
  format: string;
  bytes: number;
  ready_at: number | null;
  last_error: string | null;
}
const toMediaRow = (r: MediaRecord): MediaRow => ({
  sha256: r.sha256,
  format: r.format,
  bytes: r.bytes,
  readyAt: r.ready_at,
  lastError: r.last_error,
});

// Each migration runs once, in order, inside a transaction; its number lands in schema_migrations.
const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE schedule_items (
        occurrence_id TEXT PRIMARY KEY,
        broadcast_id TEXT NOT NULL,
        priority TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        due_at INTEGER NOT NULL,
        end_at INTEGER NOT NULL,
        media_sha256 TEXT,
        source TEXT NOT NULL CHECK (source IN ('manifest', 'command')),
        item_json TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'playing')),
        playing_since INTEGER,
        progress_ms INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX schedule_items_broadcast ON schedule_items(broadcast_id);
      CREATE TABLE applied_manifest (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        envelope_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        applied_at INTEGER NOT NULL
      );
      CREATE TABLE occurrence_results (
        occurrence_id TEXT PRIMARY KEY,
        receipt_id TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE outbox (
        receipt_id TEXT PRIMARY KEY,
        occurrence_id TEXT NOT NULL,
        receipt_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_sent_at INTEGER
      );
      CREATE TABLE media (
        sha256 TEXT PRIMARY KEY,
        format TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        ready_at INTEGER,
        last_error TEXT
      );
      CREATE TABLE seen_envelopes (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
      CREATE INDEX seen_envelopes_expiry ON seen_envelopes(expires_at);
      CREATE TABLE rejections (reason TEXT PRIMARY KEY, count INTEGER NOT NULL);
      CREATE TABLE cancelled_broadcasts (broadcast_id TEXT PRIMARY KEY, cancelled_at INTEGER NOT NULL);
    `,
  },
];

export interface AgentStoreOptions {
  /** the device clock: when rows were written, and how old a result is before it is forgotten */
  clock: Clock;
  /** base synchronous level (NORMAL; FULL makes every commit durable, for the benchmark's comparison) */
  synchronous?: 'NORMAL' | 'FULL';
}

export class AgentStore {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly clock: Clock;

  private constructor(file: string, options: AgentStoreOptions) {
    this.clock = options.clock;
    this.db = new Database(file);
    this.baseSynchronous = options.synchronous ?? 'NORMAL';
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${this.baseSynchronous}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.migrate();
  }

  /** Opens (creating if needed) dataDir/agent.sqlite and brings its schema up to date. */
  static open(dataDir: string, options: AgentStoreOptions): AgentStore {
    return new AgentStore(path.join(dataDir, 'agent.sqlite'), options);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  schemaVersion(): number {
    const r = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    return r.v ?? 0;
  }

  private migrate(): void {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    const current = this.schemaVersion();
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)')
          .run(m.version, this.clock.now());
      })();
    }
  }

  /** A prepared statement, compiled once per store. */
  private st(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  // ---- key/value ----

  private getKv(key: string): string | undefined {
    return (this.st('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  private setKv(key: string, value: string): void {
    this.st('INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
      key,
      value,
    );
  }

  /** Increments and returns the persisted MQTT session counter (one per connection attempt). */
  nextSession(): number {
    return this.db.transaction(() => {
      const n = Number(this.getKv('session') ?? '0') + 1;
      this.setKv('session', String(n));
      return n;
    })();
  }

  currentSession(): number {
    return Number(this.getKv('session') ?? '0');
  }

  lastClockOffset(): number | null {
    const v = this.getKv('clock_offset_ms');
    return v === undefined ? null : Number(v);
  }

  saveClockOffset(offsetMs: number): void {
    this.setKv('clock_offset_ms', String(offsetMs));
  }

  /** The last bulletin this device aired in full: a relay's 'last-bulletin' fallback, across restarts. */
  lastAiredMedia(): MediaRef | null {
    const v = this.getKv('last_aired_media');
    if (v === undefined) return null;
    // Written by saveLastAiredMedia; anything else (a hand-edited file) is no fallback rather than a crash.
    try {
      const parsed = MediaRef.safeParse(JSON.parse(v));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  saveLastAiredMedia(ref: MediaRef): void {
    this.setKv('last_aired_media', JSON.stringify(ref));
  }

  // ---- schedule ----

  appliedManifest(): AppliedManifest | null {
    const r = this.st('SELECT envelope_id, version, issued_at FROM applied_manifest WHERE singleton = 1').get() as
      | { envelope_id: string; version: number; issued_at: number }
      | undefined;
    return r ? { envelopeId: r.envelope_id, version: r.version, issuedAt: r.issued_at } : null;
  }

  /**
   * Replaces the manifest-sourced pending items by the manifest's items, in one transaction.
   * Never touches an item that is playing, an occurrence that already has a receipt, or items of
   * a broadcast the hub stopped after this manifest was issued. Items that ended more than a week
   * ago are not stored.
   */
  applyManifest(meta: AppliedManifest, items: ScheduleItem[], nowHub: number): ManifestApplyResult {
    const result: ManifestApplyResult = { added: 0, updated: 0, dropped: 0, ignored: 0 };
    const hasResult = this.st('SELECT 1 FROM occurrence_results WHERE occurrence_id = ?');
    const cancelledAt = this.st('SELECT cancelled_at FROM cancelled_broadcasts WHERE broadcast_id = ?');
    const existing = this.st('SELECT state FROM schedule_items WHERE occurrence_id = ?');
    this.db.transaction(() => {
      const keep = new Set<string>();
      for (const item of items) {
        const cancelled = cancelledAt.get(item.broadcastId) as { cancelled_at: number } | undefined;
        if (
          hasResult.get(item.occurrenceId) ||
          (cancelled && cancelled.cancelled_at >= meta.issuedAt) ||
          item.startAt + item.durationMs < nowHub - ITEM_MAX_AGE_MS
        ) {
          result.ignored++;
          continue;
        }
        keep.add(item.occurrenceId);
        const row = existing.get(item.occurrenceId) as { state: string } | undefined;
        if (!row) {
          this.insertItem(item, 'manifest', item.startAt);
          result.added++;
        } else if (row.state === 'pending') {
          this.db
            .prepare(
              `UPDATE schedule_items SET broadcast_id = ?, priority = ?, start_at = ?, end_at = ?, media_sha256 = ?, item_json = ?, updated_at = ?,
                 due_at = CASE WHEN source = 'command' THEN MAX(due_at, ?) ELSE ? END, source = 'manifest'
               WHERE occurrence_id = ?`,
            )
            .run(
              item.broadcastId,
              item.priority,
              item.startAt,
              item.startAt + item.durationMs,
              item.media?.sha256 ?? item.relay?.fallbackMedia?.sha256 ?? null,
              JSON.stringify(item),
              this.clock.now(),
              item.startAt,
              item.startAt,
              item.occurrenceId,
            );
          result.updated++;
        }
      }
      const stale = this.st(
        "SELECT occurrence_id FROM schedule_items WHERE source = 'manifest' AND state = 'pending'",
      ).all() as { occurrence_id: string }[];
      const del = this.st('DELETE FROM schedule_items WHERE occurrence_id = ?');
      for (const s of stale) {
        if (!keep.has(s.occurrence_id)) {
          del.run(s.occurrence_id);
          result.dropped++;
        }
      }
      this.db
        .prepare(
          `INSERT INTO applied_manifest(singleton, envelope_id, version, issued_at, applied_at) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT(singleton) DO UPDATE SET envelope_id = excluded.envelope_id, version = excluded.version, issued_at = excluded.issued_at, applied_at = excluded.applied_at`,
        )
        .run(meta.envelopeId, meta.version, meta.issuedAt, this.clock.now());
    })();
    return result;
  }

  private insertItem(item: ScheduleItem, source: ItemSource, dueAt: number): void {
    this.db
      .prepare(
        `INSERT INTO schedule_items(occurrence_id, broadcast_id, priority, start_at, due_at, end_at, media_sha256, source, item_json, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        item.occurrenceId,
        item.broadcastId,
        item.priority,
        item.startAt,
        dueAt,
        item.startAt + item.durationMs,
        item.media?.sha256 ?? item.relay?.fallbackMedia?.sha256 ?? null,
        source,
        JSON.stringify(item),
        this.clock.now(),
      );
  }

  /**
   * Adds an item from a play-now command, due at its startAt or, if it arrived later, at its
   * arrival (`nowHub`): "play now" delivered late is still played. Returns false (and changes
   * nothing) when the occurrence is already known: stored, playing, or finished with a receipt.
   */
  addCommandItem(item: ScheduleItem, issuedAt: number, nowHub: number): boolean {
    return this.db.transaction(() => {
      if (this.hasResult(item.occurrenceId)) return false;
      if (this.st('SELECT 1 FROM schedule_items WHERE occurrence_id = ?').get(item.occurrenceId)) return false;
      const cancelled = this.st('SELECT cancelled_at FROM cancelled_broadcasts WHERE broadcast_id = ?').get(
        item.broadcastId,
      ) as { cancelled_at: number } | undefined;
      if (cancelled && cancelled.cancelled_at >= issuedAt) return false;
      this.insertItem(item, 'command', Math.max(item.startAt, nowHub));
      return true;
    })();
  }

  items(): StoredItem[] {
    const rows = this.st('SELECT * FROM schedule_items ORDER BY start_at, occurrence_id').all() as ScheduleItemRecord[];
    return rows.map((r) => ({
      item: JSON.parse(r.item_json) as ScheduleItem,
      source: r.source,
      state: r.state,
      dueAt: r.due_at,
      playingSince: r.playing_since,
      progressMs: r.progress_ms,
    }));
  }

  /** Marks an item as playing: if the agent dies now, the next start knows it was interrupted. */
  markPlaying(occurrenceId: string): void {
    this.st(
      "UPDATE schedule_items SET state = 'playing', playing_since = NULL, progress_ms = 0, updated_at = ? WHERE occurrence_id = ?",
    ).run(this.clock.now(), occurrenceId);
  }

  markAudible(occurrenceId: string, hubStart: number): void {
    this.st('UPDATE schedule_items SET playing_since = ?, updated_at = ? WHERE occurrence_id = ?').run(
      hubStart,
      this.clock.now(),
      occurrenceId,
    );
  }

  recordProgress(occurrenceId: string, progressMs: number): void {
    this.st('UPDATE schedule_items SET progress_ms = ?, updated_at = ? WHERE occurrence_id = ?').run(
      Math.max(0, Math.round(progressMs)),
      this.clock.now(),
      occurrenceId,
    );
  }

  /** Deletes the broadcast's pending items and remembers the stop against older manifests. */
  cancelBroadcast(broadcastId: string, cancelledAt: number): number {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO cancelled_broadcasts(broadcast_id, cancelled_at) VALUES (?, ?)
           ON CONFLICT(broadcast_id) DO UPDATE SET cancelled_at = MAX(cancelled_at, excluded.cancelled_at)`,
        )
        .run(broadcastId, cancelledAt);
      return this.st("DELETE FROM schedule_items WHERE broadcast_id = ? AND state = 'pending'").run(broadcastId)
        .changes;
    })();
  }

  /** Media hashes still needed by a stored item (pending or playing). */
  referencedMedia(): Set<string> {
    const rows = this.st(
      'SELECT DISTINCT media_sha256 AS sha FROM schedule_items WHERE media_sha256 IS NOT NULL',
    ).all() as { sha: string }[];
    return new Set(rows.map((r) => r.sha));
  }

  // ---- receipts and the outbox ----

  hasResult(occurrenceId: string): boolean {
    return !!this.st('SELECT 1 FROM occurrence_results WHERE occurrence_id = ?').get(occurrenceId);
  }

  /**
   * Writes a signed receipt to the outbox, records the occurrence's result and removes its item,
   * atomically. Returns false (writing nothing) if the occurrence already has a receipt: exactly
   * one receipt per occurrence, also across restarts.
   */
  recordReceipt(receipt: Receipt): boolean {
    return this.durably(() =>
      this.db.transaction(() => {
        const ins = this.db
          .prepare(
            'INSERT OR IGNORE INTO occurrence_results(occurrence_id, receipt_id, result, created_at) VALUES (?, ?, ?, ?)',
          )
          .run(receipt.occurrenceId, receipt.id, receipt.result, this.clock.now());
        if (ins.changes === 0) return false;
        this.db
          .prepare('INSERT INTO outbox(receipt_id, occurrence_id, receipt_json, created_at) VALUES (?, ?, ?, ?)')
          .run(receipt.id, receipt.occurrenceId, JSON.stringify(receipt), this.clock.now());
        this.st('DELETE FROM schedule_items WHERE occurrence_id = ?').run(receipt.occurrenceId);
        return true;
      })(),
    );
  }

  /** synchronous level for ordinary commits ('NORMAL'); receipts use 'FULL' (see the header). */
  readonly baseSynchronous: 'NORMAL' | 'FULL';

  /** Runs `fn` (one transaction) with its commit fsynced, then returns to the base level. */
  private durably<T>(fn: () => T): T {
    if (this.baseSynchronous === 'FULL') return fn();
    this.db.pragma('synchronous = FULL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = NORMAL');
    }
  }

  /** Receipts not sent since `sentBefore` (device ms), oldest first. */
  outboxDue(sentBefore: number, limit: number): Receipt[] {
    const rows = this.db
      .prepare(
        'SELECT receipt_json FROM outbox WHERE last_sent_at IS NULL OR last_sent_at < ? ORDER BY created_at, receipt_id LIMIT ?',
      )
      .all(sentBefore, limit) as { receipt_json: string }[];
    return rows.map((r) => JSON.parse(r.receipt_json) as Receipt);
  }

  markSent(receiptIds: string[], at: number): void {
    const st = this.st('UPDATE outbox SET last_sent_at = ?, attempts = attempts + 1 WHERE receipt_id = ?');
    this.db.transaction(() => {
      for (const id of receiptIds) st.run(at, id);
    })();
  }

  /** Allows everything in the outbox to be sent again at once (after a reconnect). */
  resetSent(): void {
    this.st('UPDATE outbox SET last_sent_at = NULL').run();
  }

  /** Deletes acknowledged receipts; returns the ids that were in the outbox. */
  ackReceipts(receiptIds: string[]): string[] {
    const del = this.st('DELETE FROM outbox WHERE receipt_id = ?');
    const done: string[] = [];
    this.db.transaction(() => {
      for (const id of receiptIds) if (del.run(id).changes > 0) done.push(id);
    })();
    return done;
  }

  outboxSize(): number {
    return (this.st('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  }

  // ---- replay guard ----

  isSeen(envelopeId: string): boolean {
    return !!this.st('SELECT 1 FROM seen_envelopes WHERE id = ?').get(envelopeId);
  }

  markSeen(envelopeId: string, expiresAt: number): void {
    this.st('INSERT OR IGNORE INTO seen_envelopes(id, expires_at) VALUES (?, ?)').run(envelopeId, expiresAt);
  }

  // ---- rejected hub messages ----

  countRejection(reason: string): void {
    this.st(
      'INSERT INTO rejections(reason, count) VALUES (?, 1) ON CONFLICT(reason) DO UPDATE SET count = count + 1',
    ).run(reason);
  }

  rejectionCounts(): Record<string, number> {
    const rows = this.st('SELECT reason, count FROM rejections ORDER BY reason').all() as {
      reason: string;
      count: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.reason, r.count]));
  }

  // ---- media index ----

  media(sha256: string): MediaRow | undefined {
    const r = this.st('SELECT * FROM media WHERE sha256 = ?').get(sha256) as MediaRecord | undefined;
    return r ? toMediaRow(r) : undefined;
  }

  mediaRows(): MediaRow[] {
    return (this.st('SELECT * FROM media').all() as MediaRecord[]).map(toMediaRow);
  }

  upsertMedia(row: MediaRow): void {
    this.db
      .prepare(
        `INSERT INTO media(sha256, format, bytes, ready_at, last_error) VALUES (@sha256, @format, @bytes, @readyAt, @lastError)
         ON CONFLICT(sha256) DO UPDATE SET format = excluded.format, bytes = excluded.bytes, ready_at = excluded.ready_at, last_error = excluded.last_error`,
      )
      .run(row);
  }

  removeMedia(sha256: string): void {
    this.st('DELETE FROM media WHERE sha256 = ?').run(sha256);
  }

  // ---- housekeeping ----

  /** Forgets what is no longer needed: expired envelope ids, old results and stops. */
  prune(nowHub: number): void {
    this.db.transaction(() => {
      this.st('DELETE FROM seen_envelopes WHERE expires_at < ?').run(nowHub - SEEN_MARGIN_MS);
      this.st('DELETE FROM occurrence_results WHERE created_at < ?').run(this.clock.now() - RESULT_RETENTION_MS);
      this.st('DELETE FROM cancelled_broadcasts WHERE cancelled_at < ?').run(nowHub - RESULT_RETENTION_MS);
    })();
  }
}
