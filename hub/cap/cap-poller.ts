// The CAP feeds the hub polls (config cap.feeds): each is read every intervalSeconds on the hub's
// clock and imported like an upload, under the account cap.importAs. An alert already imported is
// recognised by its key and changes nothing, so a feed that still shows yesterday's alert is quiet.
import type { Clock, TimerHandle } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { CapConfig } from '../config.ts';
import type { Logger } from 'pino';
import { getUser, type User } from '../auth/users.ts';
import { roleMay } from '../api-contract/roles.ts';
import type { Broadcast } from '../broadcasts/broadcasts.ts';
import { enOf, isMessage, msg, textOf, type Message } from '../text/index.ts';
import { CAP_MAX_BYTES, CapError } from './cap-parse.ts';
import { importCap, type AudioMaker, type CapImportResult } from './cap-import.ts';

export interface FeedState {
  url: string;
  /** when it was last read (ms), and what came of it */
  checkedAt: number | null;
  outcome: CapImportResult['outcome'] | 'failed' | null;
  broadcastId: string | null;
  problem: Message | null;
}

/** Reads a feed's document, within a time limit and CAP_MAX_BYTES. */
async function readFeed(url: string, timeoutMs: number): Promise<string> {
  let res: Response;
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    for await (const chunk of res.body ?? []) {
      bytes += chunk.length;
      if (bytes > CAP_MAX_BYTES) break;
      chunks.push(Buffer.from(chunk));
    }
  } catch (e) {
    const err = e as Error;
    const code = (err.cause as { code?: string } | undefined)?.code;
    const detail =
      err.name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : code
          ? `cannot connect (${code})`
          : err.message;
    throw new CapError(msg('cap.feed-failed', { url, detail }), 502);
  }
  if (bytes > CAP_MAX_BYTES) {
    await res.body?.cancel().catch(() => {});
    throw new CapError(msg('cap.too-large', { what: url, bytes: CAP_MAX_BYTES }), 422);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createCapPoller(opts: {
  db: Db;
  config: CapConfig;
  clock: Clock;
  log: Pick<Logger, 'info' | 'warn'>;
  makeAudio?: AudioMaker;
  /** Told of each broadcast an import made or ended, so the dispatcher and pages follow. */
  onChanged?: (b: Broadcast) => void | Promise<void>;
}) {
  const { db, config, clock, log } = opts;
  const states = new Map<string, FeedState>(
    config.feeds.map((url) => [url, { url, checkedAt: null, outcome: null, broadcastId: null, problem: null }]),
  );
  let timer: TimerHandle | null = null;
  let running: Promise<FeedState[]> | null = null;

  /** The account drafts are filed under: it must exist and be allowed emergencies. */
  function importer(): User {
    const row = db.prepare('SELECT id FROM users WHERE username = ?').get(config.importAs ?? '') as
      | { id: number }
      | undefined;
    const user = row ? getUser(db, row.id) : undefined;
    if (!user || !roleMay(user.role, 'emergency'))
      throw new CapError(msg('cap.import-account', { username: config.importAs ?? '' }));
    return user;
  }

  async function pollFeed(url: string): Promise<FeedState> {
    const state = states.get(url)!;
    state.checkedAt = clock.now();
    try {
      const user = importer();
      const xml = await readFeed(url, config.timeoutMs);
      const r = await importCap(db, { xml, user, source: url, makeAudio: opts.makeAudio }, clock.now());
      Object.assign(state, { outcome: r.outcome, broadcastId: r.broadcast?.id ?? null, problem: null });
      if (r.outcome !== 'duplicate') for (const b of [...r.closed, r.broadcast ?? []].flat()) await opts.onChanged?.(b);
      if (r.outcome !== 'duplicate')
        log.info({ url, outcome: r.outcome, broadcast: r.broadcast?.id }, 'CAP alert imported from a feed');
    } catch (e) {
      const t = textOf(e);
      Object.assign(state, { outcome: 'failed', broadcastId: null, problem: isMessage(t) ? t : msg('internal') });
      log.warn({ url, err: enOf(textOf(e)) }, 'CAP feed not imported');
    }
    return { ...state };
  }

  return {
    /** Reads every feed once, one after the other; a poll still running is joined, not doubled. */
    pollAll(): Promise<FeedState[]> {
      running ??= (async () => {
        const out: FeedState[] = [];
        for (const url of config.feeds) out.push(await pollFeed(url));
        return out;
      })().finally(() => {
        running = null;
      });
      return running;
    },
    start(): void {
      if (timer || config.feeds.length === 0) return;
      timer = clock.setInterval(() => void this.pollAll(), config.intervalSeconds * 1000);
    },
    async stop(): Promise<void> {
      clock.clearInterval(timer);
      timer = null;
      await running;
    },
    states: (): FeedState[] => [...states.values()].map((s) => ({ ...s })),
  };
}
export type CapPoller = ReturnType<typeof createCapPoller>;
