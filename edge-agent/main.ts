// The edge agent's composition root: builds every part from the config and wires them together.
// No module-level state: several agents can run in one process (tests, `wardcast simulate`).
//
//   MQTT session ──message──▶ HubMessages (verify) ──▶ store ──▶ Timeline ──▶ SpeakerOutput / LedOutput
//        ▲                                                          │
//        └──────── ReceiptOutbox ◀── signed receipts ◀──────────────┘
//   MediaCache (downloads ahead)   ClockSync ──▶ AgentClock (hub time, and how far to trust it)
//   HubPresence (hub/status: a new hub instance ──▶ birth again, outbox, clock burst)   TelemetryReporter
import { EventEmitter } from 'node:events';
import type { AgentEventBus, AgentEventMap } from './agent-events.ts';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import {
  engineListenerAuthorization,
  LIVE_ENGINE_CAPABILITY,
  systemClock,
  topics as makeTopics,
  type Clock,
  type ScheduleItem,
  type Telemetry,
  type TimerHandle,
} from '../protocol/index.ts';
// The small entries rather than firmware-bridge/index.ts, which would load every driver and simulator.
import { loadHardware, type Hardware } from '../firmware-bridge/hardware.ts';
import { resolveFfmpeg } from '../firmware-bridge/audio.ts';
import { parseAgentConfig, type AgentConfig, type AgentConfigInput } from './config.ts';

// The agent's public entry: what the `wardcast` command (cli/) uses besides startAgent.
export { AGENT_ENV, AGENT_FLAGS, AgentConfig, loadAgentConfig, parseAgentConfig } from './config.ts';
import { ensureIdentity } from './identity.ts';
import { loadHubTrust } from './tls-options.ts';
import { AgentStore } from './store.ts';
import { MediaCache } from './media-cache.ts';
import { SpeakerOutput } from './speaker-output.ts';
import { LedOutput } from './led-output.ts';
import type { PlaybackOutput } from './playback.ts';
import { Timeline } from './timeline.ts';
import { ReceiptOutbox } from './receipts.ts';
import { ClockSync, START_BURST } from './clock-sync.ts';
import { AgentClock, type OffsetSource } from './agent-clock.ts';
import { HubPresence } from './hub-presence.ts';
import { HubMessages, type HubMessageHandlers } from './inbound-messages.ts';
import { MqttSession } from './session.ts';
import { TelemetryReporter, buildTelemetry } from './telemetry.ts';

export interface AgentStatus {
  deviceId: string;
  connected: boolean;
  session: number;
  scheduleVersion: number;
  /** pending + playing items in the local schedule */
  scheduledItems: number;
  nowPlaying: string | null;
  outboxSize: number;
  rejected: Record<string, number>;
  clockOffsetMs: number | null;
  /** what hub time rests on: a sample from this run, the offset saved by the last, or nothing */
  clockSource: OffsetSource;
  /** hub messages held until the first clock sample (they failed only on time) */
  heldMessages: number;
  pendingDownloads: number;
}

export interface RunningAgent {
  deviceId: string;
  /** the device's Ed25519 public key (SPKI PEM): verifies its receipts */
  publicKeyPem: string;
  /** what the agent does, as it happens (agent-events.ts lists each event and what it carries) */
  events: AgentEventBus;
  /** the drivers built from the profile (tests reach the simulators' fault injection here) */
  hardware: Hardware;
  config: AgentConfig;
  status(): AgentStatus;
  telemetry(): Promise<Telemetry>;
  stop(): Promise<void>;
}

export interface StartAgentOptions {
  /** a logger to use instead of a new pino logger at config.logLevel */
  logger?: Logger;
  /** the device's wall clock and timers (the system clock unless a test drives its own) */
  clock?: Clock;
}

function capabilitiesFor(hardware: Hardware): string[] {
  const p = hardware.profile;
  if (p.kind === 'speaker') {
    // A plain relay board has no current read-back: the device must not advertise what it cannot measure.
    const a = p.amplifier;
    const readback = a.driver === 'simulated' || !!a.registerMap.readback.currentMa;
    return [
      'audio',
      'opus',
      'mp3',
      'relay',
      'live',
      LIVE_ENGINE_CAPABILITY,
      `audio-output:${p.audioOutput}`.slice(0, 40),
      `amplifier:${a.driver}`,
      ...(readback ? ['amplifier-readback'] : []),
    ];
  }
  return ['led-text', `led-board:${p.board.driver}`, 'led-readback'];
}

/** Starts an agent: enrols on first start, then runs until stop(). Throws with a clear message when it cannot start. */
export async function startAgent(input: AgentConfigInput, options: StartAgentOptions = {}): Promise<RunningAgent> {
  const config = parseAgentConfig(input);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const rootLog = options.logger ?? pino({ level: config.logLevel, name: 'edge-agent' });
  // TLS trust for both channels, checked before the first byte goes to the hub.
  const trust = loadHubTrust(config);
  const identity = await ensureIdentity({
    trust,
    dataDir: config.dataDir,
    hubUrl: config.hubUrl,
    enrolToken: config.enrolToken,
    agentVersion: config.agentVersion,
    log: rootLog,
  });
  const deviceId = identity.deviceId;
  if (identity.kind !== config.profile.kind) {
    throw new Error(
      `the hub enrolled ${deviceId} as a ${identity.kind} device, but the hardware profile describes a ${config.profile.kind}`,
    );
  }
  const log = rootLog.child({ deviceId });
  const events: AgentEventBus = new EventEmitter<AgentEventMap>();
  events.setMaxListeners(100);
  const deviceClock = options.clock ?? systemClock;
  const store = AgentStore.open(config.dataDir, { clock: deviceClock });
  let hardware: Hardware | undefined;
  try {
    const hubPublicKey = createPublicKey(identity.hubPublicKey);
    const privateKey = createPrivateKey(identity.privateKeyPem);
    hardware = await loadHardware(config.profile, { name: deviceId });
    const hw = hardware;
    const clock = new AgentClock({
      device: deviceClock,
      savedOffsetMs: store.lastClockOffset(),
      trustWaitMs: config.clockTrustWaitMs,
    });
    const hubNow = () => clock.hubNow();
    const topics = makeTopics(identity.topicPrefix);

    const media = new MediaCache({
      dir: path.join(config.dataDir, 'media'),
      hubUrl: config.hubUrl,
      username: identity.mqttUsername,
      password: identity.mqttPassword,
      store,
      log: log.child({ part: 'media' }),
      clock,
      trust,
    });

    let output: PlaybackOutput;
    if (hw.profile.kind === 'speaker') {
      const a = hw.profile.amplifier;
      output = new SpeakerOutput({
        amplifier: hw.amplifier!,
        feedAudio: hw.feedAudio,
        settings: {
          zones: a.zones,
          warmUpMs: a.warmUpMs,
          tailMs: a.tailMs,
          minPlayingCurrentMa: a.minPlayingCurrentMa,
        },
        audioOutput: hw.profile.audioOutput,
        ffmpeg: resolveFfmpeg(config.ffmpegPath),
        media,
        log: log.child({ part: 'speaker' }),
        clock,
        // Relays (tiếp âm) are streamed from the hub with the same credentials as media downloads.
        relayStreams: {
          hubUrl: config.hubUrl,
          fetch: trust.fetch,
          authorization: `Basic ${Buffer.from(`${identity.mqttUsername}:${identity.mqttPassword}`).toString('base64')}`,
          engineAuthorization: (occurrenceId) => engineListenerAuthorization(privateKey, deviceId, occurrenceId),
        },
        lastAired: { get: () => store.lastAiredMedia(), set: (ref) => store.saveLastAiredMedia(ref) },
      });
    } else {
      output = new LedOutput({ board: hw.ledBoard!, log: log.child({ part: 'led' }), clock });
    }

    // The session is created below; these closures only run once it exists.
    let session!: MqttSession;
    const isConnected = () => session.connected;

    const outbox = new ReceiptOutbox({
      store,
      deviceId,
      privateKey,
      clock,
      publish: (r) => session.publish('deviceEvent/receipt', { deviceId }, r),
      isConnected,
      retryMs: config.receiptRetryMs,
      log: log.child({ part: 'outbox' }),
      events,
    });

    let gcTimer: TimerHandle | null = null;
    const scheduleGc = () => {
      gcTimer ??= clock.setTimeout(() => {
        gcTimer = null;
        if (store.db.open) media.gc(store.referencedMedia());
      }, 1000);
    };

    const timeline = new Timeline({
      store,
      clock,
      output,
      media,
      lateGraceMs: config.lateGraceMs,
      issue: (r) => {
        outbox.issue(r);
        scheduleGc();
      },
      log: log.child({ part: 'timeline' }),
      events,
      beforeStart: () => {
        if (isConnected()) void clockSync.burst(START_BURST);
      },
    });

    const clockSync = new ClockSync({
      clock,
      store,
      publish: (req) => session.publish('deviceEvent/clock', { deviceId }, req),
      isConnected,
      intervalMs: config.clockSyncIntervalMs,
      log: log.child({ part: 'clock' }),
      events,
    });

    const refreshMedia = () =>
      media.want(
        store.items().flatMap((s) => {
          const ref = output.mediaFor(s.item);
          // A relay's station ident is downloaded ahead too, but a relay never waits for it.
          const ident = output.kind === 'speaker' ? s.item.relay?.fallbackMedia : undefined;
          return [ref, ident].flatMap((r) => (r ? [{ ref: r, neededAt: s.dueAt }] : []));
        }),
      );

    const appliesHere = (item: ScheduleItem) => (output.kind === 'speaker' ? !!item.media || !!item.relay : !!item.led);

    /** device ms when the hub message being handled came off the connection (clock replies' t3) */
    let messageArrivedAt: number | undefined;
    const handlers: HubMessageHandlers = {
      schedule(body, env) {
        const r = store.applyManifest(
          { envelopeId: env.id, version: body.version, issuedAt: env.issuedAt },
          body.items,
          hubNow(),
        );
        log.info({ version: body.version, items: body.items.length, ...r }, 'manifest applied');
        timeline.reload();
        refreshMedia();
        scheduleGc();
        events.emit('schedule', { version: body.version, ...r });
      },
      playNow(body, env, via) {
        const item = body.item;
        // An area command reaches loudspeakers and LED boards alike; each takes what it can show.
        if (via === 'area' && !appliesHere(item)) {
          log.info(
            { occurrenceId: item.occurrenceId },
            `area play-now has nothing for a ${output.kind} device; ignored`,
          );
          return;
        }
        if (!store.addCommandItem(item, env.issuedAt, hubNow())) {
          log.info({ occurrenceId: item.occurrenceId }, 'play-now for an occurrence already known; ignored');
          return;
        }
        log.info({ occurrenceId: item.occurrenceId, priority: item.priority, via }, 'play-now accepted');
        const ref = output.mediaFor(item);
        if (ref) media.urgent(ref);
        timeline.reload();
        events.emit('command', { type: 'play-now', occurrenceId: item.occurrenceId, via });
      },
      stop(body, env) {
        const dropped = store.cancelBroadcast(body.broadcastId, env.issuedAt);
        log.info({ broadcastId: body.broadcastId, dropped, reason: body.reason }, 'stop accepted');
        timeline.stopBroadcast(body.broadcastId, body.reason);
        refreshMedia();
        scheduleGc();
        events.emit('command', { type: 'stop', broadcastId: body.broadcastId, dropped });
      },
      receiptAck(body) {
        outbox.ack(body.receiptIds);
      },
      clockReply(body) {
        clockSync.onReply(body, messageArrivedAt);
      },
    };

    const hubMessages = new HubMessages({
      hubPublicKey,
      topicPrefix: identity.topicPrefix,
      deviceId,
      areaPaths: identity.areaPaths,
      store,
      hubNow,
      clockSynced: () => clock.synced,
      isClockRequestOutstanding: (id, t0) => clockSync.isOutstanding(id, t0),
      handlers,
      log: log.child({ part: 'verify' }),
      events,
    });

    session = new MqttSession({
      url: config.mqttUrl,
      deviceId,
      username: identity.mqttUsername,
      password: identity.mqttPassword,
      topics,
      areaPaths: identity.areaPaths,
      kind: identity.kind,
      agentVersion: config.agentVersion,
      capabilities: capabilitiesFor(hw),
      nextSession: () => store.nextSession(),
      hubNow,
      manifestVersion: () => store.appliedManifest()?.version ?? 0,
      backoff: { minMs: config.reconnectMinMs, maxMs: config.reconnectMaxMs, jitter: config.reconnectJitter },
      log: log.child({ part: 'mqtt' }),
      trust,
    });

    const telemetry = new TelemetryReporter({
      deviceId,
      store,
      clock,
      media,
      output,
      timeline,
      publish: (t) => session.publish('deviceEvent/telemetry', { deviceId }, t),
      isConnected,
      intervalMs: config.telemetryIntervalMs,
      log: log.child({ part: 'telemetry' }),
    });

    const hubPresence = new HubPresence({
      minIntervalMs: config.hubBirthMinIntervalMs,
      log: log.child({ part: 'hub-presence' }),
      react: (instance) => {
        events.emit('hub-online', instance);
        session.republishBirth().catch((err) => log.warn({ err: (err as Error).message }, 'birth not re-sent'));
        outbox.onConnected();
        void clockSync.burst();
        void telemetry.send();
      },
    });

    const prune = () => {
      // Pruning by hub time on an unmeasured clock could forget envelope ids still valid.
      if (clock.synced) store.prune(hubNow());
    };
    clock.on('synced', (best) => {
      log.info({ offsetMs: Math.round(best.offsetMs), delayMs: Math.round(best.delayMs) }, 'clock synced');
      events.emit('clock-synced', best);
      hubMessages.retryHeld();
      timeline.reload();
      prune();
    });

    session.on('message', (topic: string, payload: Buffer) => {
      messageArrivedAt = clock.now();
      hubMessages.handle(topic, payload);
    });
    session.on('hub-status', (payload: Buffer) => hubPresence.onMessage(payload));
    session.on('subscribing', () => hubPresence.onConnected());
    session.on('connected', (n: number) => {
      events.emit('connected', { session: n });
      outbox.onConnected();
      void clockSync.burst();
      void telemetry.send();
    });
    session.on('disconnected', () => events.emit('disconnected'));
    media.on('ready', (sha: string) => {
      events.emit('media-ready', sha);
      timeline.reload();
    });
    media.on('failed', (sha: string, error: string) => events.emit('media-failed', { sha256: sha, error }));

    // After a crash or power cut the amplifier may have been left on: start from a known state.
    if (hw.amplifier)
      await hw.amplifier
        .setPower(false)
        .catch((err) => log.warn({ err: (err as Error).message }, 'amplifier power-off at start failed'));

    // Offline first: the timeline runs from the store before (and whether or not) the hub answers.
    timeline.start();
    refreshMedia();
    media.start();
    outbox.start();
    clockSync.start();
    telemetry.start();
    const pruneTimer = clock.setInterval(prune, 3600_000);
    pruneTimer.unref?.();
    session.start();
    log.info({ kind: identity.kind, mqtt: config.mqttUrl, hub: config.hubUrl }, 'agent started');

    let stopping: Promise<void> | null = null;
    return {
      deviceId,
      publicKeyPem: identity.publicKeyPem,
      events,
      hardware: hw,
      config,
      status: () => ({
        deviceId,
        connected: session.connected,
        session: session.sessionNumber,
        scheduleVersion: store.appliedManifest()?.version ?? 0,
        scheduledItems: store.items().length,
        nowPlaying: timeline.nowPlaying()?.occurrenceId ?? null,
        outboxSize: store.outboxSize(),
        rejected: store.rejectionCounts(),
        clockOffsetMs: clock.best()?.offsetMs ?? null,
        clockSource: clock.offsetSource,
        heldMessages: hubMessages.heldCount(),
        pendingDownloads: media.pendingDownloads(),
      }),
      telemetry: () =>
        buildTelemetry({
          deviceId,
          store,
          clock,
          media,
          output,
          timeline,
          publish: async () => undefined,
          isConnected,
          intervalMs: 0,
          log,
        }),
      stop() {
        stopping ??= (async () => {
          clock.clearInterval(pruneTimer);
          hubPresence.stop();
          if (gcTimer) clock.clearTimeout(gcTimer);
          telemetry.stop();
          clockSync.stop();
          await timeline.stop();
          outbox.flush();
          outbox.stop();
          await session.stop();
          await media.stop();
          await hw.amplifier?.close();
          await hw.ledBoard?.close();
          store.close();
          log.info('agent stopped');
        })();
        return stopping;
      },
    };
  } catch (err) {
    await hardware?.amplifier?.close();
    await hardware?.ledBoard?.close();
    store.close();
    throw err;
  }
}
