// The embedded MQTT broker (aedes) on TCP and WebSocket. No anonymous clients: the hub's own
// client uses an internal secret; each device uses its enrolment credentials. What each may publish
// and subscribe comes from the topic table (access-rules.ts): a device only its own status and
// events, and its own commands, its areas' commands and the hub's status; only the hub publishes
// the hub's status (its birth and will), commands, manifests and replies. Every connection
// passes a packet-size guard before aedes sees it, and must complete its CONNECT within a few
// seconds (packet-guard.ts).
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { Aedes, type Client, type AuthenticateError, type PublishPacket, type Subscription } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from 'pino';
import { MAX_PAYLOAD_BYTES, areaAncestry, topics } from '../../protocol/index.ts';
import { mayPublish, maySubscribe, type Principal } from './access-rules.ts';
import { GuardedConnection, type PacketLimits } from './packet-guard.ts';
import { indexRetained, type RetainedStore } from './retained-index.ts';

export const HUB_CLIENT_USERNAME = 'wardcast-hub';

/** A CONNECT carries an id, credentials and a small will: a few hundred bytes in practice. */
export const CONNECT_MAX_BYTES = 16 * 1024;
/** Any later packet from a device: the largest payload plus room for its topic. */
export const PACKET_MAX_BYTES = MAX_PAYLOAD_BYTES + 16 * 1024;
/** The hub's own client is trusted with anything MQTT allows (its manifests are not capped). */
const HUB_PACKET_MAX_BYTES = 256 * 1024 * 1024;

export interface BrokerOptions {
  /** The plain device listener; none without a port (with TLS the devices get TLS or nothing). */
  host?: string;
  port?: number;
  topicPrefix: string;
  hubSecret: string;
  /** Resolves a device's credentials; returns the device's area path or null when refused. */
  authenticateDevice: (deviceId: string, password: string) => Promise<string | null>;
  log: Logger;
  onRefused?: (what: string) => void;
  /** A connection that sends no complete CONNECT within this is closed (default 5 s). */
  connectTimeoutMs?: number;
  limits?: Partial<PacketLimits>;
  /** A listener with TLS (MQTT over TLS, usually 8883), beside the plain one on host:port if any. */
  tls?: { cert: Buffer; key: Buffer; host: string; port: number };
}

export interface EmbeddedBroker {
  /** A loopback listener for the hub's own client alone, open from the start (mqtt://127.0.0.1:…). */
  hubUrl: string;
  /**
   * Opens the device listeners. The hub calls it once its own session is in: after a restart
   * thousands of devices reconnect at once, and behind them in one accept queue and event loop the
   * hub's CONNECT waited past its 10 s start deadline, so the hub exited (2 of 5 runs at 10,000).
   */
  openToDevices(): Promise<void>;
  /** The plain device listener's port, once open (null without one). */
  port: number | null;
  /** The TLS listener's port, once open, when `tls` was given. */
  tlsPort: number | null;
  attachWebSocket(server: HttpServer | HttpsServer, path?: string): void;
  close(): Promise<void>;
  connectedClients(): number;
  /** Closes a client's live connection (a revoked device); false when it was not connected. */
  disconnectClient(clientId: string): boolean;
  /**
   * Resolves once every publish the broker had taken when this was called has been handed to each
   * subscriber's connection (or after `maxWaitMs`, for a subscriber that does not drain). aedes
   * acknowledges a QoS 1 publish before it fans it out, so the hub's ack says nothing about that.
   */
  fanoutSettled(maxWaitMs?: number): Promise<void>;
}

export async function startEmbeddedBroker(opts: BrokerOptions): Promise<EmbeddedBroker> {
  const { topicPrefix: prefix, log } = opts;
  const deviceAreas = new WeakMap<Client, string[]>(); // device connection → its area ancestry
  const hubClients = new WeakSet<Client>();
  const hubStatusTopic = topics(prefix).hubStatus;
  const broker = await Aedes.createBroker({
    queueLimit: 1000,
    maxClientsIdLength: 64,
    // No global limit of deliveries in flight (aedes' default is 100). With one, the rest queue and
    // each finished delivery starts the next in the same stack; messages nobody subscribes to finish
    // at once, so the stack grew with the queue: the hub died of a RangeError when 10,000 agents sent
    // their receipts behind a busy hub connection (fleet run, 01/12/2026). Each connection's own
    // backpressure (aedes reads a client's next batch once its last one is handled) bounds what is
    // in flight instead.
    concurrency: 0,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
  });
  indexRetained((broker as unknown as { persistence: RetainedStore }).persistence);
  const fanout = trackFanout(broker);
  const limits: PacketLimits = { connectMaxBytes: CONNECT_MAX_BYTES, maxPacketBytes: PACKET_MAX_BYTES, ...opts.limits };

  const principal = (client: Client): Principal | null => {
    if (hubClients.has(client)) return { role: 'hub' };
    const areas = deviceAreas.get(client);
    return areas === undefined ? null : { role: 'device', deviceId: client.id, areas };
  };

  const refuse = (what: string) => {
    log.warn({ what }, 'mqtt: refused');
    opts.onRefused?.(what);
  };

  broker.authenticate = (
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (e: AuthenticateError | null, ok: boolean | null) => void,
  ) => {
    const pw = password?.toString() ?? '';
    if (username === HUB_CLIENT_USERNAME) {
      const ok = pw === opts.hubSecret;
      if (ok) {
        hubClients.add(client);
        (client.conn as unknown as GuardedConnection).raise?.(HUB_PACKET_MAX_BYTES);
      }
      done(null, ok);
      return;
    }
    if (!username || username !== client.id) {
      refuse(
        `connect from client "${client.id}" with username "${username ?? ''}" (devices connect with their id as both)`,
      );
      const e = new Error('bad username') as AuthenticateError;
      e.returnCode = 4;
      done(e, null);
      return;
    }
    opts
      .authenticateDevice(username, pw)
      .then((areaPath) => {
        if (!areaPath) {
          refuse(`connect as "${username}": wrong credentials or unknown device`);
          const e = new Error('not authorised') as AuthenticateError;
          e.returnCode = 5;
          return done(e, null);
        }
        deviceAreas.set(client, areaAncestry(areaPath));
        done(null, true);
      })
      .catch((err) => done(err, null));
  };

  broker.authorizePublish = (client: Client | null, packet: PublishPacket, done: (e: Error | null) => void) => {
    if (packet.topic.startsWith('$SYS')) return done(new Error('$SYS is reserved'));
    if (packet.topic === hubStatusTopic && !(client && hubClients.has(client))) {
      refuse(`${client?.id ?? 'a client-less will'} published to ${packet.topic}`);
      return done(new Error('only the hub announces the hub'));
    }
    if (!client) return done(null); // a will replayed without a client
    const who = principal(client);
    if (!who) return done(null); // a client aedes has not authenticated (its will): as before
    if (who.role === 'device' && packet.payload?.length > MAX_PAYLOAD_BYTES) {
      refuse(`${client.id} published ${packet.payload.length} bytes to ${packet.topic}`);
      return done(new Error('payload too large'));
    }
    if (!mayPublish(who, packet.topic, prefix, packet.payload?.length ?? 0)) {
      refuse(`${client.id} published to ${packet.topic}`);
      return done(new Error('not your topic'));
    }
    done(null);
  };

  broker.authorizeSubscribe = (
    client: Client,
    sub: Subscription,
    done: (e: Error | null, s?: Subscription | null) => void,
  ) => {
    const who = principal(client);
    const allowed = who !== null && maySubscribe(who, sub.topic, prefix);
    if (!allowed) refuse(`${client.id} subscribed to ${sub.topic}`);
    done(null, allowed ? sub : null);
  };

  // Guard every connection before aedes buffers anything of it.
  const handle = (conn: Duplex, req?: IncomingMessage) => {
    // No Nagle: small packets (clock replies) go out at once, not after the ACK of the previous one.
    (conn as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    const guarded = new GuardedConnection(conn, limits, (why) =>
      refuse(`connection closed before its packet was read: ${why}`),
    );
    broker.handle(guarded, req);
  };
  const hubServer = net.createServer((socket) => handle(socket));
  const hubPort = await listen(hubServer, 0, '127.0.0.1');
  const server = net.createServer((socket) => handle(socket));
  // The same broker behind TLS: authentication and access rules are the broker's, not the listener's.
  const tlsServer = opts.tls
    ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: 'TLSv1.2' }, (socket) => handle(socket))
    : null;
  // A failed handshake (a plain client, a device that refuses our certificate) is the client's
  // problem: log it, never let it reach the broker.
  tlsServer?.on('tlsClientError', (err, socket) =>
    log.info({ err: err.message, from: socket.remoteAddress }, 'mqtt tls: handshake failed'),
  );
  const wsServers: WebSocketServer[] = [];

  const self: EmbeddedBroker = {
    hubUrl: `mqtt://127.0.0.1:${hubPort}`,
    port: null,
    tlsPort: null,
    async openToDevices() {
      try {
        if (opts.port !== undefined) self.port = await listen(server, opts.port, opts.host ?? '127.0.0.1');
        if (tlsServer && opts.tls) self.tlsPort = await listen(tlsServer, opts.tls.port, opts.tls.host);
      } catch (e) {
        await self.close();
        throw e;
      }
    },
    attachWebSocket(httpServer, path = '/mqtt') {
      // ws buffers a whole frame too: cap it near the packet limit (a frame may hold a few packets).
      // Its own path only: the HTTP server has other sockets (live audio, hub/http/live-socket.ts).
      const wss = new WebSocketServer({ noServer: true, path, maxPayload: 4 * limits.maxPacketBytes });
      httpServer.on('upgrade', (req, socket, head) => {
        if (wss.shouldHandle(req)) wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      });
      wss.on('connection', (ws, req) => handle(createWebSocketStream(ws), req));
      wsServers.push(wss);
    },
    connectedClients: () => broker.connectedClients,
    fanoutSettled: (maxWaitMs = 10_000) => fanout.settled(maxWaitMs),
    disconnectClient(clientId) {
      // aedes keeps its connected clients in a field its types leave out.
      const c = (broker as unknown as { clients: Record<string, Client | undefined> }).clients[clientId];
      if (!c) return false;
      c.close();
      return true;
    },
    async close() {
      // The broker first: it closes every client, and only then can the listener finish closing.
      for (const w of wsServers) w.close();
      const listenersClosed = Promise.all(
        [hubServer, server, tlsServer].map((l) => l?.listening && new Promise<void>((r) => l.close(() => r()))),
      );
      await new Promise<void>((r) => broker.close(() => r()));
      await listenersClosed;
    },
  };
  return self;
}

/**
 * Numbers each publish as aedes starts it (a client's, a will, the API's) and notes when its fan-out
 * callback runs: aedes calls it once every matching subscriber's delivery has been written.
 */
function trackFanout(broker: Aedes) {
  let last = 0;
  const inFlight = new Set<number>();
  let waiters: Array<{ upTo: number; resolve: () => void }> = [];
  const check = () => {
    let oldest = Number.POSITIVE_INFINITY;
    for (const n of inFlight) if (n < oldest) oldest = n;
    waiters = waiters.filter((w) => {
      if (w.upTo >= oldest) return true;
      w.resolve();
      return false;
    });
  };
  type Done = (e?: Error) => void;
  const publish = broker.publish.bind(broker) as unknown as (p: PublishPacket, c: Client | null, d: Done) => void;
  // aedes itself calls publish(packet, done) too ($SYS, wills).
  (broker as unknown as { publish: (p: PublishPacket, c: Client | null | Done, d?: Done) => void }).publish = (
    packet,
    client,
    done,
  ) => {
    if (typeof client === 'function') [client, done] = [null, client];
    const n = ++last;
    inFlight.add(n);
    publish(packet, client, (err) => {
      inFlight.delete(n);
      if (waiters.length) check();
      done?.(err);
    });
  };
  return {
    settled(maxWaitMs: number): Promise<void> {
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, maxWaitMs);
        timer.unref();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        waiters.push({ upTo: last, resolve: done });
      });
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
  });
}
