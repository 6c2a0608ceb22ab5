// A stand-in for the hub in edge-agent tests: a real aedes broker on a free port (with the
// per-device username/password check the hub makes), a node:http server for enrolment and media
// (Basic auth, Range, ETag), and a hub signing key to seal manifests and commands. It answers
// clock requests, verifies receipts with the device's own public key and acks them (unless told
// not to). Only the wire contract in protocol/ is shared with the real hub.
import net from 'node:net';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Aedes, type AuthenticateError } from 'aedes';
import {
  DEFAULT_TOPIC_PREFIX,
  Receipt,
  Telemetry,
  DeviceStatus,
  areaAncestry,
  generateSigningKeys,
  parseJson,
  parseTopic,
  seal,
  topics as makeTopics,
  verifyEnrolProof,
  verifyReceipt,
  type DeviceKind,
  type HubBody,
  type MediaRef,
  type MessageTarget,
  type ScheduleItem,
  type SignedEnvelope,
} from '../../protocol/index.ts';

export interface FakeDevice {
  deviceId: string;
  kind: DeviceKind;
  areaPath: string;
  password: string;
  publicKey?: string;
}

export interface FakeHubOptions {
  /** hub clock = device clock + this (to exercise the clock offset) */
  hubClockOffsetMs?: number;
}

export interface ServedMedia {
  bytes: Buffer;
  ref: MediaRef;
}

/** What the fake hub received from the device, parsed. */
export type FakeHubEvents = { status: [DeviceStatus]; telemetry: [Telemetry]; receipt: [Receipt] };

export class FakeHub extends EventEmitter<FakeHubEvents> {
  readonly keys = generateSigningKeys();
  readonly topics = makeTopics(DEFAULT_TOPIC_PREFIX);
  readonly devices = new Map<string, FakeDevice>();
  private readonly tokens = new Map<string, FakeDevice>();
  readonly media = new Map<string, ServedMedia>();
  readonly receipts: Receipt[] = [];
  readonly forgedReceipts: unknown[] = [];
  /** how many times each receipt id arrived (the agent re-sends until acked) */
  readonly receiptDeliveries = new Map<string, number>();
  readonly statuses: DeviceStatus[] = [];
  readonly telemetry: Telemetry[] = [];
  readonly mediaRequests: { path: string; range: string | null; status: number }[] = [];
  enrolCount = 0;
  /** spent tokens: the device that spent one may retry it with a proof of its key (as the hub does) */
  private readonly spentTokens = new Map<string, FakeDevice>();
  /** enrolments retried with a spent token and answered with a new password */
  enrolRetries = 0;
  /** every password an enrolment handed out, in order, including answers dropped */
  readonly enrolAnswers: Array<{ deviceId: string; password: string }> = [];
  /** enrol, then drop the connection without an answer, this many times (a lost answer) */
  dropEnrolAnswers = 0;
  /** answer this many retries of a spent token 503, as the hub does while the first is still at the broker */
  busyEnrolAnswers = 0;
  autoAck = true;
  /** answer this many media requests with 503 first */
  failMediaRequests = 0;
  /** break the body of the next media response off after this many bytes */
  cutNextMediaAfter: number | null = null;
  hubClockOffsetMs: number;
  /** let devices subscribe to hub/status (false: a broker whose access rules predate it) */
  allowHubStatus = true;

  private seq = 0;
  private broker: Aedes | null = null;
  private brokerServer: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private httpServer: http.Server | null = null;
  brokerPort = 0;
  httpPort = 0;

  constructor(opts: FakeHubOptions = {}) {
    super();
    this.hubClockOffsetMs = opts.hubClockOffsetMs ?? 0;
  }

  static async start(opts: FakeHubOptions = {}): Promise<FakeHub> {
    const hub = new FakeHub(opts);
    await hub.startBroker();
    await hub.startHttp();
    return hub;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.brokerPort}`;
  }

  get hubUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  hubNow(): number {
    return Date.now() + this.hubClockOffsetMs;
  }

  // ---- enrolment ----

  newEnrolToken(deviceId: string, kind: DeviceKind = 'speaker', areaPath = 'ha-noi/thanh-xuan/ha-dinh'): string {
    const token = `enrol_${randomBytes(18).toString('hex')}`;
    this.tokens.set(token, { deviceId, kind, areaPath, password: randomBytes(16).toString('hex') });
    return token;
  }

  // ---- media ----

  addMedia(file: string, durationMs: number, format: 'opus' | 'mp3' = 'opus'): MediaRef {
    const bytes = readFileSync(file);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const ref: MediaRef = { sha256, url: `/media/${sha256}.${format}`, bytes: bytes.length, format, durationMs };
    this.media.set(sha256, { bytes, ref });
    return ref;
  }

  // ---- signing and publishing ----

  seal(
    to: MessageTarget,
    body: HubBody,
    opts: { ttlMs?: number; issuedAt?: number; id?: string; key?: string } = {},
  ): SignedEnvelope {
    return seal(opts.key ?? this.keys.privateKeyPem, to, body, {
      seq: ++this.seq,
      ttlMs: opts.ttlMs ?? 3600_000,
      now: opts.issuedAt ?? this.hubNow(),
      id: opts.id,
    });
  }

  publish(topic: string, payload: unknown, opts: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    const broker = this.broker;
    if (!broker) throw new Error('broker is down');
    const buf = Buffer.isBuffer(payload)
      ? payload
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
    return new Promise((resolve, reject) =>
      broker.publish(
        { cmd: 'publish', topic, payload: buf, qos: opts.qos ?? 1, retain: opts.retain ?? false, dup: false },
        (err?: Error) => (err ? reject(err) : resolve()),
      ),
    );
  }

  async publishSchedule(
    deviceId: string,
    items: ScheduleItem[],
    version: number,
    sealOpts: Parameters<FakeHub['seal']>[2] = {},
  ): Promise<SignedEnvelope> {
    const now = this.hubNow();
    const env = this.seal(
      { device: deviceId },
      { type: 'schedule', deviceId, version, from: now - 3600_000, until: now + 7 * 24 * 3600_000, items },
      sealOpts,
    );
    await this.publish(this.topics.deviceSchedule(deviceId), env, { qos: 1, retain: true });
    return env;
  }

  async command(
    deviceId: string,
    body: HubBody,
    sealOpts: Parameters<FakeHub['seal']>[2] = {},
  ): Promise<SignedEnvelope> {
    const env = this.seal({ device: deviceId }, body, sealOpts);
    await this.publish(this.topics.deviceCommand(deviceId), env, { qos: 1 });
    return env;
  }

  async areaCommand(areaPath: string, body: HubBody): Promise<SignedEnvelope> {
    const env = this.seal({ area: areaPath }, body);
    await this.publish(this.topics.areaCommand(areaPath), env, { qos: 1 });
    return env;
  }

  /** The hub's birth (or, with state 'offline', its will) on the retained hub/status topic. */
  async publishHubStatus(instance: string, state: 'online' | 'offline' = 'online'): Promise<void> {
    await this.publish(this.topics.hubStatus, { state, instance, at: this.hubNow() }, { qos: 1, retain: true });
  }

  async ack(deviceId: string, receiptIds: string[]): Promise<void> {
    await this.publish(
      this.topics.deviceReply(deviceId),
      this.seal({ device: deviceId }, { type: 'receipt-ack', receiptIds }),
      { qos: 1 },
    );
  }

  /** Resolves with the first receipt (already received or future) matching `pred`. */
  waitForReceipt(pred: (r: Receipt) => boolean, timeoutMs = 20_000): Promise<Receipt> {
    const found = this.receipts.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('receipt', on);
        reject(
          new Error(
            `no matching receipt within ${timeoutMs} ms; got: ${JSON.stringify(this.receipts.map((r) => [r.occurrenceId, r.result, r.reason]))}`,
          ),
        );
      }, timeoutMs);
      const on = (r: Receipt) => {
        if (!pred(r)) return;
        clearTimeout(t);
        this.off('receipt', on);
        resolve(r);
      };
      this.on('receipt', on);
    });
  }

  // ---- device → hub traffic ----

  private onDeviceMessage(topic: string, payload: Buffer, receivedAt: number): void {
    const t = parseTopic(topic);
    if (!t || !('deviceId' in t)) return;
    const device = this.devices.get(t.deviceId);
    if (t.kind === 'deviceStatus') {
      const r = parseJson(DeviceStatus, payload);
      if (r.ok) {
        this.statuses.push(r.value);
        this.emit('status', r.value);
      }
      return;
    }
    if (t.kind !== 'deviceEvent') return;
    if (t.event === 'clock') {
      const req = JSON.parse(payload.toString());
      const t1 = receivedAt + this.hubClockOffsetMs;
      const env = this.seal(
        { device: t.deviceId },
        { type: 'clock-reply', requestId: req.requestId, t0: req.t0, t1, t2: this.hubNow() },
        { ttlMs: 60_000 },
      );
      void this.publish(this.topics.deviceReply(t.deviceId), env, { qos: 0 }).catch(() => undefined);
    } else if (t.event === 'telemetry') {
      const r = parseJson(Telemetry, payload);
      if (r.ok) {
        this.telemetry.push(r.value);
        this.emit('telemetry', r.value);
      }
    } else if (t.event === 'receipt') {
      const r = parseJson(Receipt, payload);
      if (!r.ok || !device?.publicKey || !verifyReceipt(device.publicKey, r.value)) {
        this.forgedReceipts.push(payload.toString());
        return;
      }
      this.receiptDeliveries.set(r.value.id, (this.receiptDeliveries.get(r.value.id) ?? 0) + 1);
      const dup = this.receipts.some((x) => x.id === r.value.id);
      if (!dup) {
        this.receipts.push(r.value);
        this.emit('receipt', r.value);
      }
      if (this.autoAck) void this.ack(t.deviceId, [r.value.id]).catch(() => undefined);
    }
  }

  // ---- servers ----

  async startBroker(): Promise<void> {
    const broker = await Aedes.createBroker({ maxClientsIdLength: 64 });
    broker.authenticate = (client, username, password, done) => {
      const d = this.devices.get(client.id);
      const ok = !!d && username === d.deviceId && password?.toString() === d.password;
      if (ok) return done(null, true);
      const e = new Error('not authorised') as AuthenticateError;
      e.returnCode = 5;
      done(e, null);
    };
    broker.authorizeSubscribe = (client, sub, done) => {
      const d = this.devices.get(client.id);
      const t = parseTopic(sub.topic);
      const ok =
        !!d &&
        !!t &&
        (('deviceId' in t && t.deviceId === d.deviceId) ||
          (t.kind === 'areaCommand' && areaAncestry(d.areaPath).includes(t.areaPath)) ||
          (t.kind === 'hubStatus' && this.allowHubStatus));
      done(null, ok ? sub : null);
    };
    await new Promise<void>((resolve) =>
      broker.subscribe(
        `${this.topics.prefix}/dev/#`,
        (packet, cb) => {
          try {
            this.onDeviceMessage(packet.topic, Buffer.from(packet.payload), Date.now());
          } finally {
            cb();
          }
        },
        resolve,
      ),
    );
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.brokerPort, '127.0.0.1', () => resolve());
    });
    this.brokerPort = (server.address() as net.AddressInfo).port;
    this.broker = broker;
    this.brokerServer = server;
  }

  /** Cuts every device's TCP connection from the broker side, as a network cut would; the broker stays up. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stops the broker (dropping every connection and everything it held, like a restart of aedes). */
  async stopBroker(): Promise<void> {
    const server = this.brokerServer;
    const broker = this.broker;
    this.brokerServer = null;
    this.broker = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
    if (broker) await new Promise<void>((r) => broker.close(() => r()));
  }

  private async startHttp(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.handleHttp(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.httpPort = (server.address() as net.AddressInfo).port;
    this.httpServer = server;
  }

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && req.url === '/api/v1/enrol') {
      let text = '';
      for await (const c of req) text += c;
      const body = JSON.parse(text);
      let device = this.tokens.get(body.token);
      if (device) {
        this.tokens.delete(body.token);
        this.spentTokens.set(body.token, device);
        device.publicKey = body.publicKey;
        this.devices.set(device.deviceId, device);
        this.enrolCount++;
      } else {
        device = this.spentTokens.get(body.token);
        const key = device?.publicKey;
        const proven =
          !!key &&
          key === body.publicKey &&
          typeof body.proof === 'string' &&
          verifyEnrolProof(key, body.token, body.proof);
        if (!device || !proven) return json(400, { error: 'enrolment token is unknown or already used' });
        if (this.busyEnrolAnswers > 0) {
          this.busyEnrolAnswers--;
          return json(503, { error: 'an enrolment with this token is still being completed; try again' });
        }
        device.password = randomBytes(16).toString('hex');
        this.enrolRetries++;
      }
      this.enrolAnswers.push({ deviceId: device.deviceId, password: device.password });
      if (this.dropEnrolAnswers > 0) {
        this.dropEnrolAnswers--;
        req.socket.destroy();
        return;
      }
      return json(200, {
        deviceId: device.deviceId,
        kind: device.kind,
        mqttUsername: device.deviceId,
        mqttPassword: device.password,
        hubPublicKey: this.keys.publicKeyPem,
        topicPrefix: this.topics.prefix,
        areaPaths: areaAncestry(device.areaPath),
      });
    }
    const m = /^\/media\/([0-9a-f]{64})\.(opus|mp3)$/.exec(req.url ?? '');
    if (req.method === 'GET' && m) {
      const range = req.headers.range ?? null;
      const log = (status: number) => this.mediaRequests.push({ path: req.url!, range, status });
      const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const [user, pass] = [auth.slice(0, auth.indexOf(':')), auth.slice(auth.indexOf(':') + 1)];
      if (this.devices.get(user)?.password !== pass) {
        log(401);
        return json(401, { error: 'unauthorised' });
      }
      const media = this.media.get(m[1]);
      if (!media) {
        log(404);
        return json(404, { error: 'no such media' });
      }
      if (this.failMediaRequests > 0) {
        this.failMediaRequests--;
        log(503);
        return json(503, { error: 'busy' });
      }
      const total = media.bytes.length;
      let start = 0;
      let status = 200;
      const headers: Record<string, string | number> = {
        etag: `"${m[1]}"`,
        'accept-ranges': 'bytes',
        'content-type': 'audio/ogg',
      };
      const r = range ? /^bytes=(\d+)-$/.exec(range) : null;
      if (r) {
        start = Number(r[1]);
        if (start >= total) {
          log(416);
          res.writeHead(416, { 'content-range': `bytes */${total}` });
          return void res.end();
        }
        status = 206;
        headers['content-range'] = `bytes ${start}-${total - 1}/${total}`;
      }
      const body = media.bytes.subarray(start);
      headers['content-length'] = body.length;
      log(status);
      res.writeHead(status, headers);
      const cut = this.cutNextMediaAfter;
      if (cut !== null) {
        this.cutNextMediaAfter = null;
        res.write(body.subarray(0, cut));
        // let the bytes reach the client, then break the connection mid-body
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      res.end(body);
      return;
    }
    json(404, { error: 'not found' });
  }

  async close(): Promise<void> {
    await this.stopBroker();
    const s = this.httpServer;
    this.httpServer = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}
