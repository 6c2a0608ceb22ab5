// The media cache: every audio file the manifest names is fetched ahead of time into
// dataDir/media, named by its sha256. A download goes to "<sha>.<fmt>.part", resumes with an HTTP
// Range request when a partial file exists, is checked against the sha256 and size the signed
// manifest gives, and only then renamed into place. Failures retry with exponential backoff and
// jitter. Files no item references any more are removed (gc).
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock, MediaRef } from '../protocol/index.ts';
import type { AgentStore } from './store.ts';
import { backoffDelay } from './backoff.ts';
import type { HubTrust } from './tls-options.ts';
import { hubFetch, type HubResponse } from './hub-http.ts';

/** Without a trust (tests), plain requests against the public CAs. */
const plainFetch = hubFetch();

const MEDIA_FILE = /^([0-9a-f]{64})\.(opus|mp3)(\.part)?$/;

export interface MediaCacheOptions {
  dir: string;
  hubUrl: string;
  username: string;
  password: string;
  store: AgentStore;
  log: Logger;
  /** the device clock: retry times and the idle watchdog */
  clock: Clock;
  retryMinMs?: number;
  retryMaxMs?: number;
  /** abort a download when no byte arrives for this long */
  idleTimeoutMs?: number;
  /** TLS trust for an https hub (its fetch, and TLS failures named) */
  trust?: HubTrust;
}

interface Wanted {
  ref: MediaRef;
  /** hub time of the first item that needs it; smaller downloads first */
  neededAt: number;
  urgent: boolean;
  attempts: number;
  retryAt: number;
}

export class MediaDownloadError extends Error {}

/** Events: 'ready' (sha256), 'failed' (sha256, message). */
/** A download finished: the file's sha256, and for a failure the reason. */
export type MediaCacheEvents = { ready: [sha256: string]; failed: [sha256: string, error: string] };

export class MediaCache extends EventEmitter<MediaCacheEvents> {
  private readonly wanted = new Map<string, Wanted>();
  private readonly hubOrigin: string;
  private readonly auth: string;
  private stopped = true;
  private wake: (() => void) | null = null;
  private active: AbortController | null = null;
  private loopDone: Promise<void> = Promise.resolve();

  constructor(private readonly opts: MediaCacheOptions) {
    super();
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    this.hubOrigin = new URL(opts.hubUrl).origin;
    this.auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.active?.abort();
    this.wake?.();
    await this.loopDone;
  }

  fileFor(ref: Pick<MediaRef, 'sha256' | 'format'>): string {
    return path.join(this.opts.dir, `${ref.sha256}.${ref.format}`);
  }

  /** The file is in place with the size the manifest gives (its hash is checked before playing). */
  isReady(ref: MediaRef): boolean {
    try {
      return statSync(this.fileFor(ref)).size === ref.bytes;
    } catch {
      return false;
    }
  }

  lastError(sha256: string): string | null {
    return this.opts.store.media(sha256)?.lastError ?? null;
  }

  /** Sets what must be cached (every media item of the stored schedule), soonest first. */
  want(refs: { ref: MediaRef; neededAt: number }[]): void {
    const next = new Map<string, { ref: MediaRef; neededAt: number }>();
    for (const r of refs) {
      const prev = next.get(r.ref.sha256);
      if (!prev || r.neededAt < prev.neededAt) next.set(r.ref.sha256, r);
    }
    for (const sha of [...this.wanted.keys()])
      if (!next.has(sha) && !this.wanted.get(sha)!.urgent) this.wanted.delete(sha);
    for (const [sha, r] of next) {
      if (this.isReady(r.ref)) {
        this.wanted.delete(sha);
        continue;
      }
      const w = this.wanted.get(sha);
      if (w) w.neededAt = Math.min(w.neededAt, r.neededAt);
      else this.wanted.set(sha, { ref: r.ref, neededAt: r.neededAt, urgent: false, attempts: 0, retryAt: 0 });
    }
    this.wake?.();
  }

  /** Fetch this one first, now (a play-now command, or an item due without its media). */
  urgent(ref: MediaRef): void {
    if (this.isReady(ref)) return;
    const w = this.wanted.get(ref.sha256);
    if (w) {
      if (!w.urgent) {
        w.urgent = true;
        w.retryAt = 0;
      }
    } else this.wanted.set(ref.sha256, { ref, neededAt: 0, urgent: true, attempts: 0, retryAt: 0 });
    this.wake?.();
  }

  /** Checks the cached file against its sha256; a bad file is deleted so it is fetched again. */
  async verify(ref: MediaRef): Promise<{ ok: true } | { ok: false; reason: string }> {
    const file = this.fileFor(ref);
    let actual: string;
    try {
      actual = await sha256File(file);
    } catch {
      return { ok: false, reason: `media ${ref.sha256} missing from the cache${this.describeLastError(ref.sha256)}` };
    }
    if (actual === ref.sha256) return { ok: true };
    rmSync(file, { force: true });
    this.opts.store.upsertMedia({
      sha256: ref.sha256,
      format: ref.format,
      bytes: ref.bytes,
      readyAt: null,
      lastError: `cached file hashed to ${actual}`,
    });
    this.opts.log.error({ sha256: ref.sha256, actual }, 'cached media is corrupt; deleted it and fetching again');
    this.urgent(ref);
    return { ok: false, reason: `media ${ref.sha256} hash is wrong: the cached file hashes to ${actual}` };
  }

  private describeLastError(sha: string): string {
    const e = this.lastError(sha);
    return e ? ` (last download error: ${e})` : '';
  }

  /** Removes cached and partial files whose sha256 is not in `referenced`. Returns files removed. */
  gc(referenced: Set<string>): number {
    let removed = 0;
    for (const name of safeReaddir(this.opts.dir)) {
      const m = MEDIA_FILE.exec(name);
      if (!m) continue;
      const sha = m[1];
      if (referenced.has(sha) || this.wanted.get(sha)?.urgent) continue;
      rmSync(path.join(this.opts.dir, name), { force: true });
      this.opts.store.removeMedia(sha);
      removed++;
    }
    for (const sha of [...this.wanted.keys()])
      if (!referenced.has(sha) && !this.wanted.get(sha)!.urgent) this.wanted.delete(sha);
    if (removed) this.opts.log.info({ removed }, 'removed media no longer scheduled');
    return removed;
  }

  cacheBytes(): number {
    let total = 0;
    for (const name of safeReaddir(this.opts.dir)) {
      if (!MEDIA_FILE.test(name)) continue;
      try {
        total += statSync(path.join(this.opts.dir, name)).size;
      } catch {
        /* removed meanwhile */
      }
    }
    return total;
  }

  pendingDownloads(): number {
    return this.wanted.size;
  }

  // ---- the download worker: one file at a time ----

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const now = this.opts.clock.now();
      let next: Wanted | undefined;
      let soonestRetry = Infinity;
      for (const w of this.wanted.values()) {
        if (w.retryAt > now) {
          soonestRetry = Math.min(soonestRetry, w.retryAt);
          continue;
        }
        if (!next || (w.urgent && !next.urgent) || (w.urgent === next.urgent && w.neededAt < next.neededAt)) next = w;
      }
      if (!next) {
        await new Promise<void>((resolve) => {
          const t = this.opts.clock.setTimeout(
            resolve,
            Number.isFinite(soonestRetry) ? Math.max(10, soonestRetry - now) : 60_000,
          );
          this.wake = () => {
            this.opts.clock.clearTimeout(t);
            resolve();
          };
        });
        this.wake = null;
        continue;
      }
      const w = next;
      try {
        if (!this.isReady(w.ref)) await this.download(w.ref);
        if (this.wanted.get(w.ref.sha256) === w) this.wanted.delete(w.ref.sha256);
        this.emit('ready', w.ref.sha256);
      } catch (e) {
        if (this.stopped) break;
        const message = (e as Error).message;
        w.attempts++;
        const delay = backoffDelay(w.attempts - 1, {
          minMs: this.opts.retryMinMs ?? 1000,
          maxMs: this.opts.retryMaxMs ?? 60_000,
          jitter: 0.3,
        });
        w.retryAt = this.opts.clock.now() + delay;
        this.opts.store.upsertMedia({
          sha256: w.ref.sha256,
          format: w.ref.format,
          bytes: w.ref.bytes,
          readyAt: null,
          lastError: message.slice(0, 500),
        });
        this.opts.log.warn(
          { sha256: w.ref.sha256, attempt: w.attempts, retryInMs: delay, err: message },
          'media download failed',
        );
        this.emit('failed', w.ref.sha256, message);
      }
    }
  }

  private async download(ref: MediaRef): Promise<void> {
    const url = new URL(ref.url, this.opts.hubUrl);
    if (url.origin !== this.hubOrigin) {
      throw new MediaDownloadError(
        `media URL ${url.href} is not on the hub (${this.hubOrigin}); refusing to send credentials elsewhere`,
      );
    }
    const final = this.fileFor(ref);
    const part = `${final}.part`;
    let have = fileSize(part);
    if (have > ref.bytes) {
      rmSync(part, { force: true });
      have = 0;
    }
    if (have < ref.bytes) have = await this.fetchInto(url, part, have, ref);
    if (have !== ref.bytes) throw new MediaDownloadError(`got ${have} bytes, the manifest says ${ref.bytes}`);
    const actual = await sha256File(part);
    if (actual !== ref.sha256) {
      rmSync(part, { force: true });
      throw new MediaDownloadError(
        `sha256 mismatch: downloaded file hashes to ${actual}, the manifest says ${ref.sha256}`,
      );
    }
    renameSync(part, final);
    this.opts.store.upsertMedia({
      sha256: ref.sha256,
      format: ref.format,
      bytes: ref.bytes,
      readyAt: this.opts.clock.now(),
      lastError: null,
    });
    this.opts.log.info({ sha256: ref.sha256, bytes: ref.bytes }, 'media cached and verified');
  }

  /** Fetches the rest of the file after `have` bytes into `part`; returns the size of `part`. */
  private async fetchInto(url: URL, part: string, have: number, ref: MediaRef): Promise<number> {
    const ac = new AbortController();
    this.active = ac;
    const idleMs = this.opts.idleTimeoutMs ?? 30_000;
    const { clock } = this.opts;
    let idle = clock.setTimeout(() => ac.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
    const touch = () => {
      clock.clearTimeout(idle);
      idle = clock.setTimeout(() => ac.abort(new Error(`no data for ${idleMs} ms`)), idleMs);
    };
    try {
      const headers: Record<string, string> = { authorization: this.auth };
      if (have > 0) headers.range = `bytes=${have}-`;
      let res: HubResponse;
      try {
        res = await (this.opts.trust?.fetch ?? plainFetch)(url, { headers, signal: ac.signal });
      } catch (e) {
        throw new MediaDownloadError(
          `cannot fetch ${url.pathname}: ${(!ac.signal.aborted && this.opts.trust?.describe(e, this.hubOrigin)) || describeFetchError(e, ac)}`,
        );
      }
      let offset: number;
      if (res.status === 206 && have > 0) {
        const m = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
        if (!m || Number(m[1]) !== have) {
          await res.body?.cancel();
          rmSync(part, { force: true });
          throw new MediaDownloadError(
            `hub answered a range request for bytes ${have}- with "${res.headers.get('content-range')}"; starting over`,
          );
        }
        offset = have;
      } else if (res.status === 200) {
        offset = 0;
      } else if (res.status === 416) {
        await res.body?.cancel();
        rmSync(part, { force: true });
        throw new MediaDownloadError('hub refused the resume range (416); starting over');
      } else {
        const text = (await res.text().catch(() => '')).slice(0, 200);
        throw new MediaDownloadError(`GET ${url.pathname} answered HTTP ${res.status}${text ? `: ${text}` : ''}`);
      }
      const fh = await openFile(part, offset === 0 ? 'w' : 'a', 0o600);
      let size = offset;
      try {
        if (!res.body) throw new MediaDownloadError('empty response body');
        for await (const chunk of res.body) {
          touch();
          size += chunk.byteLength;
          if (size > ref.bytes)
            throw new MediaDownloadError(`hub sent more than the ${ref.bytes} bytes the manifest gives`);
          await fh.write(chunk);
        }
        await fh.sync();
      } catch (e) {
        if (e instanceof MediaDownloadError) {
          await fh.close();
          rmSync(part, { force: true });
          throw e;
        }
        // a broken connection: keep the partial file, the next attempt resumes it
        throw new MediaDownloadError(
          `download of ${url.pathname} broke off at ${size} bytes: ${describeFetchError(e, ac)}`,
        );
      } finally {
        await fh.close().catch(() => undefined);
      }
      return fileSize(part);
    } finally {
      clock.clearTimeout(idle);
      if (this.active === ac) this.active = null;
    }
  }
}

function describeFetchError(e: unknown, ac: AbortController): string {
  if (ac.signal.aborted) return ac.signal.reason instanceof Error ? ac.signal.reason.message : 'aborted';
  const err = e as Error & { cause?: { message?: string; code?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')));
  });
}
