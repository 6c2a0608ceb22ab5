// A bad mobile link in a box: a TCP proxy to put between agents and the hub's HTTP port (the
// agents' hubUrl points at it), since the kernel here has no netem qdisc. It models what TCP shows
// an application, not packets:
// - jitter: each segment is held a seeded random 0..jitterMs (plus a fixed delayMs) but never
//   overtakes the one before it, since TCP delivers in order;
// - loss: a lost segment is retransmitted after an RTO, so with probability lossP a segment is
//   held stallMs (200–400 ms) and everything behind it waits (head-of-line blocking);
// - a bandwidth cap (bytes per second, per direction of each connection);
// - link down: every connection held (a short outage TCP rides out) or reset (the radio dropped
//   the bearer), and new connections refused, for N ms.
// Bytes are cut into MSS-sized segments so loss is per segment, whatever size the sender writes.
import net from 'node:net';

export const MSS = 1448;

export interface LinkProfile {
  /** fixed one-way delay added to every segment, ms */
  delayMs?: number;
  /** extra one-way delay, uniform 0..jitterMs per segment (order kept), ms */
  jitterMs?: number;
  /** probability a segment is lost and held for a retransmission stall */
  lossP?: number;
  /** the stall a loss costs, uniform in [min, max] ms (an RTO) */
  stallMs?: [number, number];
  /** bytes per second per direction of each connection; 0 or unset: no cap */
  bytesPerSecond?: number;
  /** which way the profile applies: 'down' (hub → agent) only, or both ways */
  direction?: 'down' | 'both';
}

export interface ProxyStats {
  connections: number;
  refused: number;
  bytesDown: number;
  bytesUp: number;
  segments: number;
  /** segments held for a retransmission stall */
  stalls: number;
  stallMsTotal: number;
  /** the longest any segment waited in the proxy, ms */
  maxHoldMs: number;
  /** link-down periods, and connections they reset */
  cuts: number;
  resets: number;
}

export interface LossyProxy {
  port: number;
  url: string;
  stats: ProxyStats;
  /** changes the link for what arrives from now on */
  setProfile(p: LinkProfile): void;
  /**
   * The link goes down for `ms`: with reset, every open connection is destroyed; without, every
   * byte in flight waits until the link is back. New connections are refused meanwhile either way.
   */
  linkDown(ms: number, o?: { reset?: boolean }): void;
  close(): Promise<void>;
}

/** A small seeded PRNG (mulberry32): the same seed gives the same link. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Past this many queued bytes the proxy stops reading, so TCP's flow control reaches the sender. */
const HIGH_WATER = 256 * 1024;

export async function startLossyProxy(o: {
  target: { host?: string; port: number };
  profile?: LinkProfile;
  seed?: number;
}): Promise<LossyProxy> {
  let profile: LinkProfile = o.profile ?? {};
  const random = seededRandom(o.seed ?? 1);
  const stats: ProxyStats = {
    connections: 0,
    refused: 0,
    bytesDown: 0,
    bytesUp: 0,
    segments: 0,
    stalls: 0,
    stallMsTotal: 0,
    maxHoldMs: 0,
    cuts: 0,
    resets: 0,
  };
  let downUntil = 0;
  const pipes = new Set<Pipe>();
  interface Conn {
    client: net.Socket;
    upstream: net.Socket;
    up: Pipe;
    down: Pipe;
  }
  const conns = new Set<Conn>();

  // One direction of one connection: segments with release times, released in order.
  class Pipe {
    private queue: Array<{ bytes: Buffer; at: number; arrived: number }> = [];
    private queued = 0;
    private lastRelease = 0;
    private timer: NodeJS.Timeout | null = null;
    private ended = false;
    private stopped = false;

    constructor(
      private readonly from: net.Socket,
      private readonly to: net.Socket,
      private readonly down: boolean,
    ) {
      from.on('data', (chunk: Buffer) => this.push(chunk));
      from.on('end', () => this.finish());
    }

    /** No more bytes will come: the queue drains, then the other side is ended. */
    finish(): void {
      this.ended = true;
      this.pump();
    }

    private push(chunk: Buffer): void {
      if (this.stopped) return;
      const now = performance.now();
      const shaped = this.down || profile.direction === 'both';
      for (let i = 0; i < chunk.length; i += MSS) {
        const bytes = chunk.subarray(i, i + MSS);
        stats.segments++;
        if (this.down) stats.bytesDown += bytes.length;
        else stats.bytesUp += bytes.length;
        let at = now;
        if (shaped) {
          at += (profile.delayMs ?? 0) + random() * (profile.jitterMs ?? 0);
          if (profile.bytesPerSecond)
            at = Math.max(at, this.lastRelease + (bytes.length / profile.bytesPerSecond) * 1000);
          if (profile.lossP && random() < profile.lossP) {
            const [lo, hi] = profile.stallMs ?? [200, 400];
            const stall = lo + random() * (hi - lo);
            stats.stalls++;
            stats.stallMsTotal += stall;
            at += stall;
          }
        }
        at = Math.max(at, this.lastRelease, downUntil);
        this.lastRelease = at;
        this.queue.push({ bytes, at, arrived: now });
        this.queued += bytes.length;
      }
      if (this.queued > HIGH_WATER) this.from.pause();
      this.pump();
    }

    /** Holds everything until `until` (link down without reset). */
    holdUntil(until: number): void {
      for (const s of this.queue) s.at = Math.max(s.at, until);
      this.lastRelease = Math.max(this.lastRelease, until);
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.pump();
    }

    pump(): void {
      if (this.timer || this.stopped) return;
      const now = performance.now();
      while (this.queue.length && this.queue[0]!.at <= now) {
        const s = this.queue.shift()!;
        this.queued -= s.bytes.length;
        stats.maxHoldMs = Math.max(stats.maxHoldMs, now - s.arrived);
        if (!this.to.destroyed) this.to.write(s.bytes);
      }
      if (this.queued <= HIGH_WATER / 2 && this.from.isPaused()) this.from.resume();
      if (this.queue.length) {
        this.timer = setTimeout(
          () => {
            this.timer = null;
            this.pump();
          },
          Math.max(1, Math.ceil(this.queue[0]!.at - now)),
        );
      } else if (this.ended && !this.to.destroyed) this.to.end();
    }

    stop(): void {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.queue = [];
      pipes.delete(this);
    }
  }

  const server = net.createServer((client) => {
    if (performance.now() < downUntil) {
      stats.refused++;
      client.destroy();
      return;
    }
    stats.connections++;
    const upstream = net.connect(o.target.port, o.target.host ?? '127.0.0.1');
    const conn: Conn = {
      client,
      upstream,
      up: new Pipe(client, upstream, false),
      down: new Pipe(upstream, client, true),
    };
    conns.add(conn);
    pipes.add(conn.up);
    pipes.add(conn.down);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    // The agent gone: nothing more can reach it. The hub gone: what is queued still reaches the
    // agent (as the hub's last segments would), then the agent sees the end.
    client.on('close', () => {
      conn.up.stop();
      conn.down.stop();
      upstream.destroy();
      conns.delete(conn);
    });
    upstream.on('close', () => {
      conn.up.stop();
      conn.down.finish();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    stats,
    setProfile(p) {
      profile = p;
    },
    linkDown(ms, opt = {}) {
      stats.cuts++;
      downUntil = performance.now() + ms;
      if (opt.reset) {
        for (const c of [...conns]) {
          stats.resets++;
          c.up.stop();
          c.down.stop();
          c.client.resetAndDestroy();
          c.upstream.destroy();
          conns.delete(c);
        }
      } else for (const p of pipes) p.holdUntil(downUntil);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of [...pipes]) p.stop();
        for (const c of conns) {
          c.client.destroy();
          c.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
