// Hub configuration: defaults < YAML/JSON file < environment < flags (one loader for hub and
// agent, protocol/settings.ts), validated by one schema so a bad value stops the hub at start with
// a message that names the setting. Each setting's .describe() is its documentation (docs/settings.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TOPIC_PREFIX, envSettings, loadSettings, settingsFile } from '../protocol/index.ts';
import { DEFAULT_TTS_COMMAND, templateProblems } from './tts/engine.ts';

const port = z.coerce.number().int().min(0).max(65535);
/** An http(s) address with a host, no path beyond "/" (an Icecast server's root). */
const httpUrl = z.string().superRefine((u, ctx) => {
  const url = URL.canParse(u) ? new URL(u) : null;
  if (!url?.host) ctx.addIssue({ code: 'custom', message: 'must be a URL, e.g. http://host:8000' });
  else if (!/^https?:$/.test(url.protocol)) ctx.addIssue({ code: 'custom', message: 'must be http:// or https://' });
  else if (url.pathname !== '/' || url.search)
    ctx.addIssue({ code: 'custom', message: 'must be a server address, without a path' });
});
const AREA_SLUG = /^[a-z0-9-]+(\/[a-z0-9-]+)*$/;
/** A setting given as JSON text (from the environment), or already an object (file, flags). */
function jsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v; // the schema then says what it wanted
  }
}

/**
 * Typed bulletins (docs/tts.md): the engine's command template, its voice, and the longest text.
 * 5000 characters is about 5 minutes of plain prose at espeak-ng's rate here (≈ 17 characters a
 * second at -s 150), up to 10 when numbers and abbreviations are written out: longer than a ward
 * bulletin runs, and the engine stays under a second (docs/tts.md).
 */
export const TtsConfig = z
  .object({
    command: z
      .array(z.string())
      .default(DEFAULT_TTS_COMMAND)
      .superRefine((c, ctx) => {
        for (const p of templateProblems(c)) ctx.addIssue({ code: 'custom', message: p });
      })
      .describe(
        "the engine's command, one argument a string: {voice}, {out}, {textFile} or {text} are filled in (docs/tts.md)",
      ),
    voice: z.string().min(1).default('vi').describe('the voice the engine reads with'),
    name: z
      .string()
      .min(1)
      .optional()
      .describe("what the UI and the media record call the engine; by default the program's name"),
    maxChars: z.coerce.number().int().min(100).max(50_000).default(5000).describe('the longest text, in characters'),
    timeoutMs: z.coerce.number().int().min(1000).default(120_000).describe('how long the engine may take, in ms'),
  })
  .strict();
export type TtsConfig = z.infer<typeof TtsConfig>;

/** A feed's address: http(s) with a host (any path: a feed is a document, not a server). */
const feedUrl = z.string().superRefine((u, ctx) => {
  const url = URL.canParse(u) ? new URL(u) : null;
  if (!url?.host) ctx.addIssue({ code: 'custom', message: 'must be a URL, e.g. https://kttv.example/cap/latest.xml' });
  else if (!/^https?:$/.test(url.protocol)) ctx.addIssue({ code: 'custom', message: 'must be http:// or https://' });
});

/**
 * Emergency alerts in CAP 1.2 (docs/cap.md): the feeds the hub polls, how often, and whose name
 * the drafts it makes are filed under; the limits on an alert's audio resource.
 */
export const CapConfig = z
  .object({
    feeds: z
      .preprocess(jsonText, z.array(feedUrl))
      .default([])
      .describe('CAP 1.2 documents the hub polls (each one alert); in the environment as a JSON list'),
    intervalSeconds: z.coerce
      .number()
      .int()
      .min(30, 'must be at least 30 seconds')
      .max(86_400, 'must be at most a day (86400 seconds)')
      .default(300)
      .describe('how often each feed is read, in seconds'),
    importAs: z
      .string()
      .min(1)
      .optional()
      .describe('the district or admin account polled alerts are filed under (required when feeds are given)'),
    audioMaxBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .default(50 * 1024 * 1024)
      .describe("the largest audio resource an alert's draft downloads, in bytes"),
    timeoutMs: z.coerce
      .number()
      .int()
      .min(1000)
      .default(15_000)
      .describe("how long a feed or an alert's audio may take to download, in ms"),
  })
  .strict()
  .refine((c) => c.feeds.length === 0 || c.importAs !== undefined, {
    path: ['importAs'],
    message: 'required when feeds are given: the district or admin account the drafts are filed under',
  });
export type CapConfig = z.infer<typeof CapConfig>;

export const HubConfig = z.object({
  httpPort: port.default(8080).describe('HTTP port of the API and web UI'),
  httpHost: z.string().default('0.0.0.0').describe('address the HTTP server listens on'),
  mqttPort: port.default(1883).describe('embedded broker TCP port'),
  mqttHost: z.string().default('0.0.0.0').describe('address the embedded broker listens on'),
  mqttUrl: z.string().url().optional().describe('an external broker (e.g. Mosquitto) instead of the embedded aedes'),
  mqttUsername: z.string().optional().describe("the hub's login on an external broker"),
  mqttPassword: z.string().optional().describe('its password (wins over mqttPasswordFile)'),
  publicMqttUrl: z
    .string()
    .optional()
    .describe('the broker address agents are told to use (default: the embedded broker on this host)'),
  dataDir: z.string().default('./data').describe('where the database, media and keys live'),
  topicPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/, 'lowercase letters, digits, "/", "_" and "-"')
    .default(DEFAULT_TOPIC_PREFIX)
    .describe('the first part of every MQTT topic'),
  adminPassword: z
    .string()
    .min(8, 'must be at least 8 characters')
    .optional()
    .describe(
      "the admin user's password; by default random, printed once when the user is created; setting it later resets it",
    ),
  ffmpegPath: z
    .string()
    .optional()
    .describe('the ffmpeg binary; by default ffmpeg-static, then @ffmpeg-installer/ffmpeg, then ffmpeg on PATH'),
  loudnessTargetLufs: z.coerce
    .number()
    .min(-40)
    .max(-5)
    .default(-16)
    .describe('loudness every bulletin is brought to, LUFS'),
  truePeakDbtp: z.coerce.number().min(-9).max(0).default(-1.5).describe('highest true peak after normalising, dBTP'),
  maxUploadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024)
    .describe('largest upload, in bytes'),
  manifestHorizonMs: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600_000)
    .describe("how far ahead a device's manifest reaches, in ms"),
  // Every speaker starts the same instant: a "now" broadcast starts after a lead time.
  startLeadMs: z.coerce
    .number()
    .int()
    .min(0)
    .default(5000)
    .describe('lead time before a "now" broadcast starts, in ms'),
  // Shorter for emergencies, since they must air at once.
  emergencyLeadMs: z.coerce.number().int().min(0).default(2000).describe('lead time before an emergency starts, in ms'),
  confirmationGraceMs: z.coerce
    .number()
    .int()
    .min(0)
    .default(120_000)
    .describe('how long past its end a silent occurrence waits before the report calls it missed, in ms'),
  metricsToken: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .describe("a bearer token for Prometheus at /metrics (an admin's token works too)"),
  logLevel: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('fatal, error, warn, info, debug, trace or silent'),

  // --- TLS (docs/security.md). With tlsCert and tlsKey the HTTP port serves HTTPS (and MQTT over
  // secure WebSocket at /mqtt), the embedded broker listens with TLS on mqttTlsPort, and plain MQTT
  // stays only on loopback for the hub's own client.
  tlsCert: z
    .string()
    .min(1)
    .optional()
    .describe('PEM server certificate (leaf first, then intermediates): serve HTTPS and MQTT over TLS'),
  tlsKey: z.string().min(1).optional().describe('PEM private key of tlsCert (unencrypted; mode 0600)'),
  mqttTlsPort: port.default(8883).describe('embedded broker MQTT-over-TLS port'),
  mqttCaFile: z
    .string()
    .min(1)
    .optional()
    .describe("CA certificates that sign an external mqtts:// or wss:// broker's certificate; default: the public CAs"),

  // --- External broker access (docs/brokers.md) ---
  mqttPasswordFile: z
    .string()
    .optional()
    .describe("a file holding the hub's broker password (first line), e.g. a container secret"),
  mqttAccess: z
    .enum(['mosquitto-dynsec', 'broker'])
    .default('mosquitto-dynsec')
    .describe(
      "who enforces per-device access on an external broker: mosquitto-dynsec (the hub provisions each device's client and role over Mosquitto's dynamic-security topic) or broker (the broker does it on its own, e.g. EMQX; the hub only logs in)",
    ),

  tts: TtsConfig.default(TtsConfig.parse({})).describe('typed bulletins: text to speech (docs/tts.md)'),
  cap: CapConfig.default(CapConfig.parse({})).describe(
    'emergency alerts in CAP 1.2: feeds polled, limits (docs/cap.md)',
  ),

  // --- Stream engine (docs/relay.md, Beyond one hub). 'hub': the hub's own fan-out serves each relay
  // and live stream at /streams/<occurrence>. 'icecast': the hub also sends each relay's stream to an
  // Icecast origin as a source, and devices pull it from the engine's listen server (a relay server).
  streamEngine: z
    .enum(['hub', 'icecast'])
    .default('hub')
    .describe(
      'who serves relay and live streams to devices: hub (its own fan-out) or icecast (the hub feeds icecastOrigin, devices pull from icecastListenUrl; docs/relay.md)',
    ),
  icecastOrigin: httpUrl
    .optional()
    .describe(
      'streamEngine icecast: the origin Icecast the hub sends each relay and live session to, e.g. http://origin:8000',
    ),
  icecastSourcePassword: z.string().min(1).optional().describe("streamEngine icecast: the origin's <source-password>"),
  icecastListenUrl: httpUrl
    .optional()
    .describe(
      'streamEngine icecast: where devices pull streams (a relay server, or the origin), e.g. http://relay-1:8000',
    ),
  icecastListenUrls: z
    .preprocess(
      jsonText,
      z.record(z.string(), httpUrl).superRefine((r, ctx) => {
        for (const k of Object.keys(r))
          if (!AREA_SLUG.test(k))
            ctx.addIssue({ code: 'custom', path: [k], message: 'must be an area slug, e.g. ha-noi/thanh-xuan' });
      }),
    )
    .optional()
    .describe(
      'streamEngine icecast: listen servers by area slug (a device takes the longest slug its area starts with, else icecastListenUrl); in the environment as JSON',
    ),
});
export type HubConfig = z.infer<typeof HubConfig>;

/** Environment variables, by name: the setting each gives. */
export const HUB_ENV: Record<string, keyof HubConfig> = {
  WARDCAST_HTTP_PORT: 'httpPort',
  WARDCAST_MQTT_PORT: 'mqttPort',
  WARDCAST_DATA_DIR: 'dataDir',
  WARDCAST_ADMIN_PASSWORD: 'adminPassword',
  WARDCAST_MQTT_URL: 'mqttUrl',
  WARDCAST_PUBLIC_MQTT_URL: 'publicMqttUrl',
  WARDCAST_TOPIC_PREFIX: 'topicPrefix',
  WARDCAST_LOG_LEVEL: 'logLevel',
  WARDCAST_METRICS_TOKEN: 'metricsToken',
  FFMPEG_PATH: 'ffmpegPath',
  WARDCAST_TLS_CERT: 'tlsCert',
  WARDCAST_TLS_KEY: 'tlsKey',
  WARDCAST_MQTT_TLS_PORT: 'mqttTlsPort',
  WARDCAST_MQTT_CA_FILE: 'mqttCaFile',

  // External broker access
  WARDCAST_MQTT_USERNAME: 'mqttUsername',
  WARDCAST_MQTT_PASSWORD: 'mqttPassword',
  WARDCAST_MQTT_PASSWORD_FILE: 'mqttPasswordFile',
  WARDCAST_MQTT_ACCESS: 'mqttAccess',

  // Stream engine
  WARDCAST_STREAM_ENGINE: 'streamEngine',
  WARDCAST_ICECAST_ORIGIN: 'icecastOrigin',
  WARDCAST_ICECAST_SOURCE_PASSWORD: 'icecastSourcePassword',
  WARDCAST_ICECAST_LISTEN_URL: 'icecastListenUrl',
  WARDCAST_ICECAST_LISTEN_URLS: 'icecastListenUrls',
};

/** Command-line flags of `wardcast hub` and `wardcast demo` (cli/wardcast.ts), by setting. */
export const HUB_FLAGS: Partial<Record<keyof HubConfig, string>> = {
  httpPort: '--http-port',
  mqttPort: '--mqtt-port',
  dataDir: '--data-dir',
  mqttUrl: '--mqtt-url',
  logLevel: '--log-level',
  tlsCert: '--tls-cert',
  tlsKey: '--tls-key',
  mqttTlsPort: '--mqtt-tls-port',
  mqttCaFile: '--mqtt-ca-file',
  streamEngine: '--stream-engine',
  icecastOrigin: '--icecast-origin',
  icecastListenUrl: '--icecast-listen-url',
};

/** Validates settings given as values (tests, scripts); the schema's defaults fill in the rest. */
export function parseHubConfig(values: Record<string, unknown>): HubConfig {
  return finish(loadSettings(HubConfig.strict(), { flags: values }, 'invalid hub configuration'));
}

/**
 * The hub's settings: flags > environment > config file > `defaults` > the schema's defaults
 * (protocol/settings.ts, the same order as the agent's).
 */
export function loadHubConfig(
  sources: { file?: string; flags?: Record<string, unknown>; defaults?: Record<string, unknown> },
  env: NodeJS.ProcessEnv = process.env,
): HubConfig {
  const layers = {
    defaults: sources.defaults,
    file: sources.file ? settingsFile(sources.file, (f) => readFileSync(f, 'utf8')) : undefined,
    env: envSettings(env, HUB_ENV),
    flags: sources.flags,
  };
  return finish(loadSettings(HubConfig.strict(), layers, 'invalid hub configuration'));
}

const finish = (c: HubConfig): HubConfig => {
  streamEngineProblems(c);
  return { ...c, dataDir: path.resolve(c.dataDir), mqttPassword: brokerPassword(c) };
};

/** streamEngine icecast needs its origin, password and listen server; 'hub' takes none of them. */
function streamEngineProblems(c: HubConfig): void {
  const needed = ['icecastOrigin', 'icecastSourcePassword', 'icecastListenUrl'] as const;
  if (c.streamEngine === 'icecast') {
    const missing = needed.filter((k) => c[k] === undefined);
    if (missing.length)
      throw new Error(`invalid hub configuration: ${missing.join(', ')}: required when streamEngine is icecast`);
    return;
  }
  const given = [...needed, 'icecastListenUrls' as const].filter((k) => c[k] !== undefined);
  if (given.length)
    throw new Error(
      `invalid hub configuration: ${given.join(', ')}: set streamEngine to icecast, or leave them out (streamEngine is hub)`,
    );
}

/** The Icecast engine's settings, when it is the engine. */
export interface IcecastEngine {
  origin: string;
  sourcePassword: string;
  listenUrl: string;
  listenUrls: Record<string, string>;
}
export function icecastEngine(c: HubConfig): IcecastEngine | null {
  if (c.streamEngine !== 'icecast') return null;
  return {
    origin: c.icecastOrigin!,
    sourcePassword: c.icecastSourcePassword!,
    listenUrl: c.icecastListenUrl!,
    listenUrls: c.icecastListenUrls ?? {},
  };
}

/** The password wins over the file; a file that cannot be read stops the hub with its name. */
function brokerPassword(c: { mqttPassword?: string; mqttPasswordFile?: string }): string | undefined {
  if (c.mqttPassword !== undefined || !c.mqttPasswordFile) return c.mqttPassword;
  try {
    const pw = readFileSync(c.mqttPasswordFile, 'utf8').split(/\r?\n/)[0];
    if (!pw) throw new Error('it is empty');
    return pw;
  } catch (e) {
    throw new Error(`invalid hub configuration: mqttPasswordFile ${c.mqttPasswordFile}: ${(e as Error).message}`);
  }
}
