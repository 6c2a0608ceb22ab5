// What the HTTP routes and services share; built once by the composition root (main.ts).
import type { EventEmitter } from 'node:events';
import type { HubEventMap } from './api-contract/events.ts';
import type { Logger } from 'pino';
import type { AudioMaker } from './cap/cap-import.ts';
import type { CapPoller } from './cap/cap-poller.ts';
import type { Db } from './db/database.ts';
import type { HubConfig } from './config.ts';
import type { HubSigner } from './signing.ts';
import type { Dispatcher } from './dispatch/dispatcher.ts';
import type { HubMetrics } from './metrics.ts';
import type { MediaJobs } from './media/media-jobs.ts';
import type { DeviceAccess } from './broker/device-access.ts';
import type { DeviceRevoker } from './devices/revocation.ts';
import type { TtsService } from './tts/tts-service.ts';
import type { Clock } from '../protocol/index.ts';
import type { BuildDocument } from './periodic-reports/report-document.ts';
import type { RenderPdf } from './periodic-reports/report-builder.ts';
import type { RelayStreams } from './streaming/relay-streams.ts';
import type { LiveSessions } from './live/live-sessions.ts';

export interface HubContext {
  db: Db;
  /** The hub's clock: every decision by time in the routes and services reads it. */
  clock: Clock;
  config: HubConfig;
  signer: HubSigner;
  dispatcher: Dispatcher;
  /** Relay (tiếp âm) occurrences the hub pulls and serves to its devices. */
  relays: RelayStreams;
  /** Live sessions (phát trực tiếp): their rules, audio and streams. */
  live: LiveSessions;
  media: MediaJobs;
  /** Typed bulletins: text to speech into the media pipeline. */
  tts: TtsService;
  /** Emergency alerts in CAP 1.2 (hub/cap): the audio an import makes, and the feeds polled. */
  cap: { makeAudio: AudioMaker; poller: CapPoller };
  /** Periodic reports (hub/periodic-reports): how a document is built and its PDF rendered, off the event loop for a file database. */
  reports: { build: BuildDocument; renderPdf: RenderPdf };
  events: EventEmitter<HubEventMap>;
  metrics: HubMetrics;
  log: Logger;
  version: string;
  mqttConnected: () => boolean;
  authenticateDevice: (id: string, password: string) => Promise<boolean>;
  /** The broker side of enrolment and revocation. */
  deviceAccess: DeviceAccess;
  revoker: DeviceRevoker;
}
