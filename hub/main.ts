// Composition root of the hub: builds every part from the validated config and wires them.
import { EventEmitter } from 'node:events';
import type { HubEventMap } from './api-contract/events.ts';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import { icecastEngine, type HubConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { loadOrCreateHubKeys, createHubSigner } from './signing.ts';
import { startCheckpointer, type Checkpointer } from './db/checkpointer.ts';
import { startEmbeddedBroker, HUB_CLIENT_USERNAME, type EmbeddedBroker } from './broker/embedded-broker.ts';
import { createHubMqtt } from './mqtt/hub-mqtt.ts';
import { createCommandOutbox } from './mqtt/command-outbox.ts';
import { createPresence } from './devices/presence.ts';
import { systemClock, type Clock } from '../protocol/index.ts';
import { createDispatcher } from './dispatch/dispatcher.ts';
import { createIngest } from './ingest/ingest.ts';
import { createIngestPool } from './ingest/ingest-pool.ts';
import { createMetrics } from './metrics.ts';
import { createMediaJobs } from './media/media-jobs.ts';
import { createTts } from './tts/tts-service.ts';
import { capAudioMaker } from './cap/cap-audio.ts';
import { createCapPoller } from './cap/cap-poller.ts';
import { createReportScheduler } from './periodic-reports/scheduler.ts';
import { createReportBuilder } from './periodic-reports/report-builder.ts';
import { deviceAuthenticator, enrolledAreaPath, releaseEnrolClaims } from './devices/devices.ts';
import { createUser, setPassword } from './auth/users.ts';
import { randomSecret } from './auth/passwords.ts';
import { createApp } from './http/app.ts';
import { buildWebBundle } from './http/web-bundle.ts';
import type { HubContext } from './context.ts';
import { hubTlsFromConfig } from './tls.ts';
import { resolveFfmpeg } from '../firmware-bridge/audio.ts';
import { RelayStreams } from './streaming/relay-streams.ts';
import { icecastListenUrl } from './streaming/icecast-source.ts';
import { LiveSessions } from './live/live-sessions.ts';
import { isLiveSocketPath, liveSocketHandler } from './http/live-socket.ts';
// External broker access
import {
  brokerManagedAccess,
  embeddedAccess,
  mosquittoDynsecAccess,
  type DeviceAccess,
} from './broker/device-access.ts';
import { connectDynsec } from './broker/mosquitto-dynsec.ts';
import { createDeviceRevoker } from './devices/revocation.ts';

const pkg = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'),
);

// The hub's public entry: what the `wardcast` command (cli/) uses besides startHub. The demo world
// (areas, outlines, users, devices) loads on demand, so a hub that is not the demo never parses it.
export { HUB_ENV, HUB_FLAGS, loadHubConfig, parseHubConfig, HubConfig } from './config.ts';
export { writeMosquittoSetup } from './broker/mosquitto-setup.ts';
export const loadDemoWorld = () => import('./demo-seed.ts');

export interface RunningHub {
  httpUrl: string;
  httpPort: number;
  mqttPort: number | null;
  /** The address agents on this machine use: mqtts:// on the TLS port when TLS is on. */
  mqttUrl: string;
  /** The embedded broker's MQTT-over-TLS port (null without TLS or with an external broker). */
  mqttTlsPort: number | null;
  /** Set when this start created the admin user with a generated password. */
  generatedAdminPassword: string | null;
  ctx: HubContext;
  /** WAL checkpoints in a worker thread, off the event loop (db/checkpointer.ts). */
  checkpointer: Checkpointer;
  stop(): Promise<void>;
}

async function ensureAdmin(ctx: { db: HubContext['db'] }, password: string | undefined): Promise<string | null> {
  const exists = ctx.db.prepare("SELECT 1 FROM users WHERE username = 'admin'").get();
  if (exists) {
    if (password) await setPassword(ctx.db, 'admin', password);
    return null;
  }
  // No factory password: either the operator chose one, or a random one is shown once.
  const chosen = password ?? randomSecret(12);
  await createUser(ctx.db, { username: 'admin', displayName: 'Quản trị hệ thống', password: chosen, role: 'admin' });
  return password ? null : chosen;
}

/** `clock`: the hub's clock and timers (tests drive their own; the field uses the system clock). */
export async function startHub(
  config: HubConfig,
  log: Logger = pino({ level: config.logLevel, name: 'hub' }),
  opts: { clock?: Clock } = {},
): Promise<RunningHub> {
  const clock = opts.clock ?? systemClock;
  // --- TLS: read and checked before anything opens, so a bad file stops the hub at once.
  const tlsSetup = hubTlsFromConfig(config);
  const ownTls = tlsSetup.tls;
  for (const w of tlsSetup.warnings) log.warn(w);
  if (ownTls)
    log.info(
      {
        fingerprint256: ownTls.fingerprint256,
        subjectAltName: ownTls.subjectAltName,
        validTo: ownTls.validTo.toISOString(),
      },
      'TLS certificate loaded',
    );
  // With TLS there is no plain device listener: devices get TLS or nothing. The hub's own client
  // has a loopback listener of its own either way (embedded-broker.ts, hubUrl).
  const plainMqtt = ownTls ? {} : { host: config.mqttHost, port: config.mqttPort };
  const brokerTls = ownTls
    ? { cert: ownTls.cert, key: ownTls.key, host: config.mqttHost, port: config.mqttTlsPort }
    : undefined;
  // --- end TLS

  const db = openDatabase(path.join(config.dataDir, 'hub.sqlite'));
  const checkpointer = startCheckpointer(db, {
    onFallback: (why) => log.error({ why }, 'WAL checkpoints back on the event loop'),
  });
  const hubKeys = loadOrCreateHubKeys(config.dataDir);
  const signer = createHubSigner(db, hubKeys, clock, {
    onError: (err) => log.error({ err }, 'envelope seq block not reserved; the next block is reserved synchronously'),
  });
  const metrics = createMetrics(db);
  const events = new EventEmitter<HubEventMap>();
  events.setMaxListeners(1000);
  const checkDevice = deviceAuthenticator(db);
  // Enrolments a stopped hub left half-way: no request is in flight now.
  const released = releaseEnrolClaims(db);
  if (released) log.warn({ released }, 'enrolments left half-way by the last run: their tokens are good again');
  const generatedAdminPassword = await ensureAdmin({ db }, config.adminPassword);

  let broker: EmbeddedBroker | null = null;
  const hubSecret = randomSecret(24);
  let mqttUrl: string;
  if (config.mqttUrl) {
    mqttUrl = config.mqttUrl;
  } else {
    broker = await startEmbeddedBroker({
      ...plainMqtt,
      tls: brokerTls,
      topicPrefix: config.topicPrefix,
      hubSecret,
      log: log.child({ part: 'broker' }),
      onRefused: () => metrics.ingest.rejected('mqtt-refused'),
      // Asked again after the slow password check: a device revoked meanwhile is refused.
      authenticateDevice: async (id, pw) => ((await checkDevice(id, pw)) ? enrolledAreaPath(db, id) : null),
    });
    mqttUrl = broker.hubUrl;
  }

  const mqtt = createHubMqtt(mqttUrl, {
    username: config.mqttUrl ? config.mqttUsername : HUB_CLIENT_USERNAME,
    password: config.mqttUrl ? config.mqttPassword : hubSecret,
    subscriptions: [],
    topicPrefix: config.topicPrefix,
    log: log.child({ part: 'mqtt' }),
    ca: tlsSetup.mqttCa,
  });
  const outbox = createCommandOutbox({
    db,
    mqtt,
    log: log.child({ part: 'outbox' }),
    topicPrefix: config.topicPrefix,
    onDropped: metrics.outboxDropped,
    clock,
    fanoutSettled: broker ? () => broker?.fanoutSettled() ?? Promise.resolve() : undefined,
  });
  const dispatcher = createDispatcher({
    db,
    mqtt,
    outbox,
    signer,
    topicPrefix: config.topicPrefix,
    horizonMs: config.manifestHorizonMs,
    log: log.child({ part: 'dispatch' }),
    clock,
    fanoutSettled: broker ? () => broker?.fanoutSettled() ?? Promise.resolve() : undefined,
    engineUrl: engineUrlOf(config),
  });
  // Receipts' checks and acks' signatures in worker threads, beside this thread's transactions.
  const ingestPool = createIngestPool({ privateKeyPem: hubKeys.privateKeyPem, log: log.child({ part: 'ingest' }) });
  const ingest = createIngest({
    pool: { workers: ingestPool, nextSeq: signer.nextSeq },
    db,
    mqtt,
    signer,
    topicPrefix: config.topicPrefix,
    log: log.child({ part: 'ingest' }),
    counters: metrics.ingest,
    events,
    onBirth: dispatcher.onDeviceBirth,
    // What a device can play decides what its manifest holds (plan.ts, capabilities).
    onCapabilities: (deviceId) => void dispatcher.refresh([deviceId]),
    clock,
  });
  // Every broker session starts from nothing known: nobody is online until they speak in it, every
  // manifest goes again, and the commands that waited go out in order.
  const presence = createPresence(db);
  const forgetPresence = () => {
    for (const deviceId of presence.markAllOffline()) events.emit('device', { deviceId, state: 'offline' });
  };
  mqtt.onSessionStart(() => {
    forgetPresence();
    dispatcher.onConnectionStart();
    void outbox.flush();
  });
  mqtt.onSessionEnd(forgetPresence);
  // --- Broker access: who may log in and to which topics (docs/brokers.md). Reconciled before the
  // hub announces itself: every device answers that birth, and must find its role in place.
  const access = await startDeviceAccess(config, broker, db, log.child({ part: 'broker-access' }));
  mqtt.onMessage(ingest.handle);
  await mqtt.resubscribe(ingest.subscriptions);
  await mqtt.start();
  // Devices only once the hub's session is in: a reconnecting fleet cannot queue ahead of it.
  await broker?.openToDevices();

  const revoker = createDeviceRevoker({
    db,
    access: access.access,
    mqtt,
    topicPrefix: config.topicPrefix,
    events,
    log: log.child({ part: 'revoke' }),
    clock,
  });

  const media = createMediaJobs({
    db,
    dataDir: config.dataDir,
    ffmpegPath: config.ffmpegPath,
    targetLufs: config.loudnessTargetLufs,
    truePeakDbtp: config.truePeakDbtp,
    log: log.child({ part: 'media' }),
    onDone: (r) => {
      metrics.transcoded(r.seconds);
      events.emit('media', r);
    },
  });

  // Typed bulletins need the engine at run time; the hub starts without it and says so.
  const tts = createTts({ config: config.tts, media, log: log.child({ part: 'tts' }) });
  const ttsInfo = tts.info();
  if (!ttsInfo.available)
    log.warn(
      { program: ttsInfo.program },
      `text-to-speech engine "${ttsInfo.program}" is not installed: typed bulletins are refused until it is (see the README)`,
    );

  // Relays (tiếp âm): one ffmpeg per occurrence pulls the upstream; devices listen at /streams/….
  const relays = createRelayStreams(config, db, log.child({ part: 'relay' }), () => clock.now());
  relays.start();
  events.on('broadcast', () => relays.refresh());
  // Live sessions (phát trực tiếp): one ffmpeg per session encodes the browser's audio for the devices.
  const live = new LiveSessions({
    db,
    clock,
    dispatcher,
    log: log.child({ part: 'live' }),
    ffmpegPath: liveFfmpeg(config, log),
    targetLufs: config.loudnessTargetLufs,
    leadMs: config.emergencyLeadMs,
    engine: icecastEngine(config),
    onChanged: (b) => events.emit('broadcast', { id: b.id, status: b.status }),
  });
  live.endOrphans();
  events.on('broadcast', (e) => e.status === 'cancelled' && live.onBroadcastCancelled(e.id));

  // CAP 1.2 alerts (docs/cap.md): uploaded or polled, each becomes an emergency draft to confirm.
  const makeAudio = capAudioMaker({
    media,
    tts,
    maxBytes: config.cap.audioMaxBytes,
    timeoutMs: config.cap.timeoutMs,
  });
  const capPoller = createCapPoller({
    db,
    config: config.cap,
    clock,
    log: log.child({ part: 'cap' }),
    makeAudio,
    // As the broadcast routes do: a Cancel's stop goes out at once, then the pages hear of it.
    onChanged: async (b) => {
      if (b.status !== 'submitted') await dispatcher.onBroadcastChanged(b);
      events.emit('broadcast', { id: b.id, status: b.status });
    },
  });

  // Periodic reports (docs/periodic-reports.md): each period's drafts made on their own at its end.
  const reportBuilder = createReportBuilder({ dbFile: db.name });
  const reportScheduler = createReportScheduler({
    db,
    build: reportBuilder.build,
    clock,
    graceMs: config.confirmationGraceMs,
    log: log.child({ part: 'periodic-reports' }),
  });

  const ctx: HubContext = {
    db,
    clock,
    relays,
    live,
    config,
    signer,
    dispatcher,
    media,
    tts,
    cap: { makeAudio, poller: capPoller },
    reports: { build: reportBuilder.build, renderPdf: reportBuilder.renderPdf },
    events,
    metrics,
    log,
    version: pkg.version,
    mqttConnected: () => mqtt.connected(),
    authenticateDevice: access.authenticated(checkDevice),
    deviceAccess: access.access,
    revoker,
  };
  // The web UI is built from web/ when its bundle is missing or older than its sources.
  await buildWebBundle().then(
    (r) => r.built && log.info({ bytes: r.bytes, ms: Math.round(r.ms) }, 'web UI bundle built'),
    (err) => log.error({ err }, 'could not build the web UI bundle; the API works, the pages may be stale or missing'),
  );
  const { app } = createApp(ctx);
  const server = ownTls
    ? https.createServer({ cert: ownTls.cert, key: ownTls.key, minVersion: 'TLSv1.2' }, app)
    : http.createServer(app);
  broker?.attachWebSocket(server, '/mqtt');
  const liveSocket = liveSocketHandler(ctx);
  server.on('upgrade', liveSocket.handler);
  // Nothing else upgrades: anything but the broker's and the live sockets' paths is refused.
  server.on('upgrade', (req, socket) => {
    const path = (req.url ?? '').split('?')[0];
    if (!(broker && path === '/mqtt') && !isLiveSocketPath(req.url)) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.httpPort, config.httpHost, () => resolve());
  });
  const httpPort = (server.address() as net.AddressInfo).port;
  const agentMqttUrl = broker?.tlsPort
    ? `mqtts://127.0.0.1:${broker.tlsPort}`
    : broker
      ? `mqtt://127.0.0.1:${broker.port}`
      : mqttUrl;
  log.info({ httpPort, mqtt: agentMqttUrl, tls: !!ownTls }, 'hub started');
  capPoller.start();
  reportScheduler.start();

  return {
    httpUrl: `${ownTls ? 'https' : 'http'}://127.0.0.1:${httpPort}`,
    httpPort,
    mqttPort: broker?.port ?? null,
    mqttUrl: agentMqttUrl,
    mqttTlsPort: broker?.tlsPort ?? null,
    generatedAdminPassword,
    ctx,
    checkpointer,
    async stop() {
      await capPoller.stop();
      await reportScheduler.stop();
      await reportBuilder.stop();
      dispatcher.stop();
      await relays.stop();
      await live.stop();
      liveSocket.close();
      // The receipts the workers still check, then their acks; a worker that hangs is not waited for.
      await Promise.race([ingest.stop(), new Promise((r) => setTimeout(r, 5000).unref())]);
      await ingestPool.stop();
      await access.access.close();
      await mqtt.close();
      // The broker before the HTTP server: it also holds the MQTT-over-WebSocket connections.
      await broker?.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await media.idle();
      await Promise.all([signer.settled(), dispatcher.versionsSettled(), checkpointer.stop()]);
      db.close();
    },
  };
}

/**
 * The embedded broker reads the database itself. Mosquitto gets every device's login and role from
 * the hub; at start the two are reconciled. A device enrolled before Mosquitto was used has no
 * login there, and only its password (which the hub keeps as a hash) can make one: the first time
 * it proves that password to the hub over HTTP, it is provisioned with it.
 */
async function startDeviceAccess(config: HubConfig, broker: EmbeddedBroker | null, db: HubContext['db'], log: Logger) {
  let access: DeviceAccess;
  if (broker) access = embeddedAccess(broker);
  else if (config.mqttAccess === 'broker') access = brokerManagedAccess();
  else {
    const dynsec = await connectDynsec(config.mqttUrl!, {
      username: config.mqttUsername,
      password: config.mqttPassword,
      log,
    });
    access = mosquittoDynsecAccess({ dynsec, topicPrefix: config.topicPrefix, log });
  }
  const enrolled = db
    .prepare(
      'SELECT d.id, a.path AS areaPath FROM devices d JOIN areas a ON a.id = d.area_id WHERE d.enrolled_at IS NOT NULL AND d.decommissioned_at IS NULL',
    )
    .all() as Array<{ id: string; areaPath: string }>;
  const missing = new Set((await access.reconcile(enrolled)).missing);
  return {
    access,
    authenticated: (check: (id: string, pw: string) => Promise<boolean>) => async (id: string, pw: string) => {
      const ok = await check(id, pw);
      if (ok && missing.delete(id)) {
        await access.provision(id, pw, enrolledAreaPath(db, id)!).catch((err) => {
          missing.add(id);
          log.warn({ deviceId: id, err: err.message }, 'could not provision a device that proved its password');
        });
      }
      return ok;
    },
  };
}

/** The ffmpeg live sessions encode with, or null (then going live is refused, and the log says so). */
function liveFfmpeg(config: HubConfig, log: Logger): string | null {
  try {
    return resolveFfmpeg(config.ffmpegPath).path;
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'no ffmpeg: live sessions are refused');
    return null;
  }
}

/** streamEngine icecast: a relay occurrence's mount on the listen server of a device's area. */
function engineUrlOf(config: HubConfig): ((occurrenceId: string, areaPath: string) => string) | undefined {
  const engine = icecastEngine(config);
  return engine ? (occ, area) => icecastListenUrl(engine, occ, area) : undefined;
}

/** The relay streams, with the ffmpeg the media pipeline uses; without one, relays cannot air and the log says so. */
function createRelayStreams(config: HubConfig, db: HubContext['db'], log: Logger, now?: () => number) {
  let ffmpegPath: string;
  try {
    ffmpegPath = resolveFfmpeg(config.ffmpegPath).path;
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'no ffmpeg: relay broadcasts cannot be pulled');
    ffmpegPath = 'ffmpeg';
  }
  const engine = icecastEngine(config);
  if (engine)
    log.info({ origin: engine.origin, listenUrl: engine.listenUrl }, 'relays and live sessions go out through Icecast');
  return new RelayStreams({ db, ffmpegPath, targetLufs: config.loudnessTargetLufs, log, now, engine });
}
