// One stream in, N listeners out. Every listener first gets the stream's header pages, then pages
// from the live edge: a listener that joins late starts where the others are, not at the start.
// A listener that cannot keep up (its socket's backlog passes maxBacklogBytes) is dropped rather
// than buffered without bound. This is the part an external engine (Icecast relay servers, issue
// 11.5) replaces: with streamEngine icecast the hub feeds one mount as one more listener of this
// fan-out (icecast-source.ts) and agents pull from the engine's URL.
import type { Writable } from 'node:stream';
import { granuleMs, OggPageSplitter } from './ogg-pages.ts';

export interface Listener {
  id: string;
  out: Writable;
  /**
   * Wants the stream's epoch before its first byte (a live session's device joins before the first
   * audio, and its response headers carry the epoch): it gets nothing until the epoch is known, then
   * this is called, then the header pages and the audio from the first page on.
   */
  onEpoch?: (epoch: number) => void;
}

export interface FanoutStats {
  listeners: number;
  /** every listener that ever joined */
  joined: number;
  dropped: number;
  bytesIn: number;
  bytesOut: number;
}

export class StreamFanout {
  private splitter = new OggPageSplitter();
  private headers: Buffer[] = [];
  private headersDone = false;
  private readonly listeners = new Map<string, Writable>();
  /** listeners waiting for the epoch (Listener.onEpoch) */
  private awaiting = new Map<string, Listener>();
  private ended = false;
  readonly stats: FanoutStats = { listeners: 0, joined: 0, dropped: 0, bytesIn: 0, bytesOut: 0 };
  /**
   * The stream's epoch: hub ms at which its granule 0 would have gone out, from the first audio
   * page (Opus granules count 48 kHz samples). Fixed once known, so every listener gets the same:
   * agents start a relay on the page this places in the same hub-time window (X-Stream-Epoch).
   */
  epoch: number | null = null;

  constructor(
    private readonly maxBacklogBytes = 256 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Bytes from the encoder. */
  write(chunk: Buffer): void {
    if (this.ended) return;
    this.stats.bytesIn += chunk.length;
    for (const page of this.splitter.push(chunk)) {
      // Header pages go to whoever listens now, and are kept for whoever joins later.
      if (!this.headersDone && page.header) this.headers.push(page.bytes);
      else this.headersDone = true;
      if (this.epoch === null && !page.header) {
        this.epoch = Math.round(this.now() - granuleMs(page.granule));
        for (const l of this.awaiting.values()) this.join(l);
        this.awaiting.clear();
      }
      for (const [id, out] of this.listeners) this.send(id, out, page.bytes);
    }
  }

  /** Adds a listener; false when the stream has ended (the caller answers that it is not on air). */
  add(l: Listener): boolean {
    if (this.ended) return false;
    this.stats.joined++;
    l.out.once('close', () => this.remove(l.id));
    if (l.onEpoch && this.epoch === null) this.awaiting.set(l.id, l);
    else this.join(l);
    this.stats.listeners = this.listeners.size + this.awaiting.size;
    return true;
  }

  private join(l: Listener): void {
    if (this.epoch !== null) l.onEpoch?.(this.epoch);
    this.listeners.set(l.id, l.out);
    for (const h of this.headers) this.send(l.id, l.out, h);
  }

  remove(id: string): void {
    if (!this.listeners.delete(id) && !this.awaiting.delete(id)) return;
    this.stats.listeners = this.listeners.size + this.awaiting.size;
  }

  /** Ends every listener's stream: the upstream ended, failed or the occurrence is over. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const out of this.listeners.values()) out.end();
    for (const l of this.awaiting.values()) l.out.end();
    this.listeners.clear();
    this.awaiting.clear();
    this.stats.listeners = 0;
  }

  /**
   * Opens it again for a new stream from the encoder (the upstream came back after a loss): its own
   * header pages, new listeners; the counts go on.
   */
  restart(): void {
    this.end();
    this.splitter = new OggPageSplitter();
    this.headers = [];
    this.headersDone = false;
    this.ended = false;
  }

  private send(id: string, out: Writable, bytes: Buffer): void {
    if (out.writableLength > this.maxBacklogBytes) {
      this.stats.dropped++;
      this.remove(id);
      out.destroy();
      return;
    }
    out.write(bytes);
    this.stats.bytesOut += bytes.length;
  }
}
