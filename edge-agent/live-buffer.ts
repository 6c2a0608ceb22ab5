// The jitter buffer of a live session (phát trực tiếp): the player gets nothing until it holds
// `bufferMs` of audio (by the pages' granules; at the latest `bufferMs` after the first audio page),
// so it stays about that much ahead of what it plays, and a page late by less than that margin (less
// one page) is not heard. Counting audio rather than time keeps a burst at the stream's start (the
// encoder's first pages) from adding to the delay for the whole session. The buffer also counts the underruns: the
// player reads at real time from its start (ffmpeg -re), so when the audio received so far (from
// the Ogg pages' granule positions) ends before the time played, the speaker had nothing to play.
// Those are the receipt's dropouts (evidence.relay.dropouts, dropoutSeconds).
// With the stream's epoch (X-Stream-Epoch: hub ms at which granule 0 went out, here on this device's
// clock), the hold ends instead at a hub-time instant, the same on every agent: the page whose audio
// ends at granule g has played out at epoch + g + bufferMs. At the first audio page the buffer sets
// a timer for the instant its end is due, then feeds its decoder from the next page on (the pages
// already due are left out), so every agent starts on the same page at the same instant.
// After an underrun (a gap on a lossy link) a speaker would stay late by the gap for the rest of the
// session; with the epoch the buffer catches up instead: it holds again and resumes at the start of
// the first page not yet due, leaving out the pages due by that planned instant (the rule of the
// start). The stretch left out is the silence heard, and it counts in dropoutMs.

/** Opus granule positions count 48 kHz samples, whatever the input's rate. */
const OPUS_RATE_PER_MS = 48;
/** An underrun shorter than this is timing noise (page arrival, timers), not a gap anyone hears. */
const UNDERRUN_MIN_MS = 20;

export interface LiveBufferStats {
  dropouts: number;
  dropoutMs: number;
}

export class LiveBuffer {
  private held: Buffer[] = [];
  private holding = true;
  private releaseTimer: ReturnType<typeof setTimeout> | null = null;
  /** when the player got its first bytes (the start of its real-time clock), ms */
  private playStart: number | null = null;
  /** granule of the first audio page, and the length of one page (from the first two) */
  private firstGranule: bigint | null = null;
  private pageMs = 0;
  /** ms of audio received, counted from the first audio page's start */
  private receivedMs = 0;
  /** bytes of an Ogg page header split across chunks */
  private tail: Buffer = Buffer.alloc(0);
  private inUnderrun = false;
  readonly stats: LiveBufferStats = { dropouts: 0, dropoutMs: 0 };

  constructor(
    private readonly bufferMs: number,
    /** gets the held bytes when the hold ends without a new chunk */
    private readonly release: (chunks: Buffer[]) => void,
    private readonly now: () => number = Date.now,
    /** the stream's epoch on the `now` clock (ms), or null to hold by the audio received */
    private readonly epochMs: number | null = null,
  ) {}

  /** When the audio up to granule g is due to have played (on the `now` clock). */
  private dueAt(g: bigint): number {
    return this.epochMs! + Number(g) / OPUS_RATE_PER_MS + this.bufferMs;
  }

  /** A chunk from the hub: returns what to give the player now (nothing while holding). */
  push(chunk: Buffer): Buffer[] {
    const t = this.now();
    let pass: Buffer | null = null;
    if (this.epochMs === null) this.checkUnderrun(t);
    else if (this.startCatchUp(t)) {
      // The rest of a page already begun goes on; the hold starts at the next page.
      const at = chunk.indexOf('OggS', 0, 'latin1');
      if (at > 0) pass = chunk.subarray(0, at);
      this.scan(chunk);
      this.held.push(at > 0 ? chunk.subarray(at) : chunk);
      const out = this.planCatchUp(t);
      return pass ? [pass, ...out] : out;
    }
    this.scan(chunk);
    if (!this.holding) return [chunk];
    this.held.push(chunk);
    if (this.epochMs !== null) {
      if (this.catchUpAt !== null) return this.planCatchUp(t);
      if (this.firstGranule === null || this.releaseTimer !== null) return [];
      // (the pages due by the planned instant are left out even when the timer fires a little early)
      this.releaseAt = this.dueAt(this.firstGranule);
      const wait = this.releaseAt - t;
      if (wait <= 0) return this.flush();
      this.releaseTimer = setTimeout(() => this.release(this.flush()), wait);
      return [];
    }
    if (this.firstGranule !== null && this.receivedMs >= this.bufferMs) return this.flush();
    if (this.firstGranule !== null && this.releaseTimer === null)
      this.releaseTimer = setTimeout(() => this.release(this.flush()), this.bufferMs);
    return [];
  }

  /**
   * Ends the hold: the held bytes, to give the player now. When more than `bufferMs` of audio came
   * at once (the pipeline's start-up flushes its first pages together), the oldest audio pages are
   * left out, as if the device had joined the stream a moment later: the delay stays `bufferMs`
   * for the whole session rather than the burst's length. The header pages always go.
   */
  flush(): Buffer[] {
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    if (!this.holding) return [];
    this.holding = false;
    this.playStart = this.now();
    const all = Buffer.concat(this.held);
    this.held = [];
    if (this.epochMs === null) {
      const out = this.trimmed(all);
      return out.length ? [out] : [];
    }
    const from = Math.max(this.playStart, this.releaseAt);
    this.droppedLast = null;
    const kept: bigint[] = [];
    const out = this.dropPages(all, (g) => this.dueAt(g) <= from, kept);
    if (this.catchUpAt !== null) {
      // silent (and left out) from the underrun's detection until the player resumes
      this.stats.dropoutMs += Math.max(0, from - this.catchUpAt);
      this.catchUpAt = null;
    }
    // The player starts at `from`, on the page after the last one left out (due then).
    this.playedUntil = from;
    if (this.droppedLast !== null) this.lastGiven = this.droppedLast;
    for (const g of kept) this.give(g);
    return out.length ? [out] : [];
  }

  /** With the epoch: when the audio given to the player runs out (device clock), and its last granule. */
  private playedUntil = 0;
  private lastGiven: bigint | null = null;
  /** the last audio page left out by the latest flush */
  private droppedLast: bigint | null = null;
  /** when the current catch-up began (an underrun found late), or null */
  private catchUpAt: number | null = null;

  /** An audio page handed to the player: it plays once the audio before it has (or now, if that ran out). */
  private give(g: bigint): void {
    if (this.lastGiven !== null && g > this.lastGiven)
      this.playedUntil = Math.max(this.playedUntil, this.now()) + Number(g - this.lastGiven) / OPUS_RATE_PER_MS;
    if (this.lastGiven === null || g > this.lastGiven) this.lastGiven = g;
  }

  /**
   * With the epoch, before a chunk goes to the player: had the player run out, and would it now play
   * more than UNDERRUN_MIN_MS behind the schedule? Then this is an underrun, and the buffer holds again.
   */
  private startCatchUp(t: number): boolean {
    if (this.holding || this.lastGiven === null || t <= this.playedUntil) {
      this.inUnderrun = false;
      return false;
    }
    if (t - this.dueAt(this.lastGiven) <= UNDERRUN_MIN_MS) return false; // timing noise: plays on
    this.stats.dropouts++;
    this.stats.dropoutMs += t - this.playedUntil; // silent since the audio ran out
    this.inUnderrun = true;
    this.holding = true;
    this.catchUpAt = t;
    this.releaseAt = Number.NEGATIVE_INFINITY;
    return true;
  }

  /**
   * In a catch-up: the release instant is the start of the first held page not yet due (when the
   * page before it is due), so the player resumes on the common timeline; until such a page comes,
   * the buffer holds on.
   */
  private planCatchUp(t: number): Buffer[] {
    if (this.releaseTimer !== null) return [];
    let prev = this.lastGiven!;
    for (const g of this.pageGranules(Buffer.concat(this.held))) {
      if (g <= prev) continue;
      const start = this.dueAt(prev);
      if (start >= t) {
        this.releaseAt = start;
        if (start === t) return this.flush();
        this.releaseTimer = setTimeout(() => this.release(this.flush()), start - t);
        return [];
      }
      prev = g;
    }
    return [];
  }

  /** The granules of the whole pages in these bytes (from a page boundary). */
  private pageGranules(buf: Buffer): bigint[] {
    const gs: bigint[] = [];
    this.dropPages(buf, () => false, gs);
    return gs;
  }

  /** the planned release instant (with the epoch) */
  private releaseAt = Number.NEGATIVE_INFINITY;
  /** the last audio page left out at the start: the player's first sample follows it in the stream */
  private skippedTo: bigint | null = null;

  /** The held bytes (from the stream's first page) less the audio pages older than `bufferMs`. */
  private trimmed(buf: Buffer): Buffer {
    if (this.firstGranule === null || this.receivedMs <= this.bufferMs) return buf;
    return this.dropPages(buf, (g) => {
      const endMs = Number(g - this.firstGranule!) / OPUS_RATE_PER_MS + this.pageMs;
      return endMs <= this.receivedMs - this.bufferMs;
    });
  }

  /** The bytes less the audio pages `drop` says of (by granule). */
  private dropPages(buf: Buffer, drop: (granule: bigint) => boolean, kept: bigint[] = []): Buffer {
    const keep: Buffer[] = [];
    let p = 0;
    while (p + 27 <= buf.length && buf.toString('latin1', p, p + 4) === 'OggS') {
      const segments = buf[p + 26]!;
      if (p + 27 + segments > buf.length) break;
      let size = 27 + segments;
      for (let i = 0; i < segments; i++) size += buf[p + 27 + i]!;
      if (p + size > buf.length) break;
      const g = buf.readBigInt64LE(p + 6);
      // Header pages are always kept.
      if (g <= 0n || this.firstGranule === null || !drop(g)) {
        keep.push(buf.subarray(p, p + size));
        if (g > 0n) kept.push(g);
      } else this.skippedTo = this.droppedLast = g;
      p += size;
    }
    keep.push(buf.subarray(p)); // a page not yet whole, or anything not a page: as it came
    return Buffer.concat(keep);
  }

  /** The stream ended (or playing stopped): no more underruns are counted. */
  close(): void {
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    this.playStart = null;
  }

  /** Before a chunk is counted in: had the player run past the audio it had? */
  private checkUnderrun(t: number): void {
    if (this.playStart === null) return;
    // ms of audio left out at the start (the first page's own length may be known only later)
    const skippedMs =
      this.skippedTo === null ? 0 : Number(this.skippedTo - this.firstGranule!) / OPUS_RATE_PER_MS + this.pageMs;
    const played = t - this.playStart + skippedMs;
    const short = played - this.receivedMs;
    if (short > UNDERRUN_MIN_MS) {
      // One underrun from when the audio ran out until this chunk; the player then catches up.
      this.stats.dropouts++;
      this.stats.dropoutMs += short;
      this.inUnderrun = true;
    } else this.inUnderrun = false;
  }

  /** Reads the granule position of each Ogg page that starts in this chunk (or across the last one). */
  private scan(chunk: Buffer): void {
    let buf = chunk;
    if (this.tail.length && chunk.length >= 13) {
      // A header begun in the tail (13 bytes at most) is whole by the chunk's 13th byte: read it from
      // the two joined, and the chunk in place, rather than copy every chunk of the stream behind the tail.
      const head = Buffer.concat([this.tail, chunk.subarray(0, 13)]);
      for (let at = head.indexOf('OggS', 0, 'latin1'); at >= 0 && at < this.tail.length; ) {
        this.onGranule(head.readBigInt64LE(at + 6));
        at = head.indexOf('OggS', at + 4, 'latin1');
      }
    } else if (this.tail.length) buf = Buffer.concat([this.tail, chunk]);
    let i = 0;
    for (;;) {
      const at = buf.indexOf('OggS', i, 'latin1');
      if (at < 0 || at + 14 > buf.length) {
        // Keep a possible header start for the next chunk.
        this.tail = Buffer.from(buf.subarray(at >= 0 ? at : Math.max(0, buf.length - 13)));
        return;
      }
      this.onGranule(buf.readBigInt64LE(at + 6));
      i = at + 4;
    }
  }

  private onGranule(g: bigint): void {
    // Header pages carry 0, pages where no packet ends -1: neither says where the audio is.
    if (g <= 0n) return;
    if (this.epochMs !== null && !this.holding) this.give(g);
    if (this.firstGranule === null) {
      this.firstGranule = g;
      return;
    }
    if (this.pageMs === 0) this.pageMs = Number(g - this.firstGranule) / OPUS_RATE_PER_MS;
    // The first page's own audio ends at its granule: count from that page's start.
    this.receivedMs = Math.max(this.receivedMs, Number(g - this.firstGranule) / OPUS_RATE_PER_MS + this.pageMs);
  }

  /** In an underrun as of the last chunk (for tests and logs). */
  get underrun(): boolean {
    return this.inUnderrun;
  }
}

/**
 * The relay decoder's arguments for a live stream: without -re, and no probing. The jitter buffer paces the start,
 * the hub's stream comes in real time and the sound card plays at its rate; ffmpeg's rate emulation
 * (4.x) added about 550 ms here before the first sample, a third of the 1.5 s a live voice may take.
 */
export const liveDecodeArgs = (relayArgs: string[]) => {
  const a = relayArgs.filter((x) => x !== '-re');
  // Told the input is Ogg, with a one-page probe: probing it cost 0.7-0.85 s before the first sample
  // (docs/benchmarks.md, Live latency), more than the jitter buffer itself.
  a.splice(a.indexOf('-i'), 0, '-f', 'ogg', '-probesize', '4096', '-analyzeduration', '0');
  return a;
};
