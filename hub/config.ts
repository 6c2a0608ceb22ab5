// Hub configuration: defaults < YAML/JSON file < environment < flags, validated by one schema so a
// bad value stops the hub at start with a message that names the setting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { DEFAULT_TOPIC_PREFIX, describeZodError } from '../protocol/index.ts';
import { DEFAULT_TTS_COMMAND, templateProblems } from './tts/engine.ts';

const port = z.coerce.number().int().min(0).max(65535);

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
      }),
    voice: z.string().min(1).default('vi'),
    /** What the UI and the media record call the engine; by default the program's name. */
    name: z.string().min(1).optional(),
    maxChars: z.coerce.number().int().min(100).max(50_000).default(5000),
    timeoutMs: z.coerce.number().int().min(1000).default(120_000),
  })
  .strict();
export type TtsConfig = z.infer<typeof TtsConfig>;

export const HubConfig = z.object({
  httpPort: port.default(8080),
  httpHost: z.string().default('0.0.0.0'),
  mqttPort: port.default(1883).describe('embedded broker TCP port'),
  mqttHost: z.string().default('0.0.0.0'),
  /** An external broker (e.g. mosquitto) instead of the embedded aedes. */
  mqttUrl: z.string().url().optional(),
  mqttUsername: z.string().optional(),
  mqttPassword: z.string().optional(),
  /** The broker address agents are told to use (defaults to the embedded broker on this host). */
  publicMqttUrl: z.string().optional(),
  dataDir: z.string().default('./data'),
  topicPrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9/_-]*[a-z0-9]$/, 'lowercase letters, digits, "/", "_" and "-"')
    .default(DEFAULT_TOPIC_PREFIX),
  adminPassword: z.string().min(8, 'must be at least 8 characters').optional(),
  ffmpegPath: z.string().optional(),
  loudnessTargetLufs: z.coerce.number().min(-40).max(-5).default(-16),
  truePeakDbtp: z.coerce.number().min(-9).max(0).default(-1.5),
  maxUploadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(200 * 1024 * 1024),
  /** How far ahead a device's manifest reaches. */
  manifestHorizonMs: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600_000),
  /** Lead time before a "now" broadcast starts, so every speaker starts the same instant. */
  startLeadMs: z.coerce.number().int().min(0).default(5000),
  /** The same for emergencies: shorter, since they must air at once. */
  emergencyLeadMs: z.coerce.number().int().min(0).default(2000),
  /** How long past its end a silent occurrence waits before the report calls it missed. */
  confirmationGraceMs: z.coerce.number().int().min(0).default(120_000),
  /** A bearer token for Prometheus at /metrics (an admin's token works too). */
  metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  // --- TLS (docs/security.md). With tlsCert and tlsKey the HTTP port serves HTTPS (and MQTT over
  // secure WebSocket at /mqtt), the embedded broker listens with TLS on mqttTlsPort, and plain MQTT
  // stays only on loopback for the hub's own client.
  /** PEM server certificate (leaf first, then intermediates). */
  tlsCert: z.string().min(1).optional(),
  /** PEM private key of tlsCert (unencrypted; mode 0600). */
  tlsKey: z.string().min(1).optional(),
  mqttTlsPort: port.default(8883).describe('embedded broker MQTT-over-TLS port'),
  /** CA certificates that sign an external broker's certificate (mqttUrl mqtts:// or wss://); default: the public CAs. */
  mqttCaFile: z.string().min(1).optional(),

  // --- External broker access (docs/brokers.md) ---
  /** A file holding the hub's broker password (first line), e.g. a container secret. */
  mqttPasswordFile: z.string().optional(),
  /**
   * Who enforces per-device access on an external broker. `mosquitto-dynsec`: the hub provisions
   * each device's client and role over Mosquitto's dynamic-security control topic. `broker`: the
   * broker does it on its own (e.g. EMQX); the hub only logs in.
   */
  mqttAccess: z.enum(['mosquitto-dynsec', 'broker']).default('mosquitto-dynsec'),

  // --- Typed bulletins: text to speech ---
  tts: TtsConfig.default(TtsConfig.parse({})),
});
export type HubConfig = z.infer<typeof HubConfig>;

const ENV: Record<string, keyof HubConfig> = {
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
};

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<keyof HubConfig, string>> {
  const out: Partial<Record<keyof HubConfig, string>> = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') out[key] = env[name];
  return out;
}

export function configFromFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    const parsed = YAML.parse(text);
    if (parsed === null || typeof parsed !== 'object') throw new Error('expected a mapping of settings');
    return parsed;
  } catch (e) {
    throw new Error(`config file ${file} is not valid YAML/JSON: ${(e as Error).message}`);
  }
}

/** Merges layers (later wins) and validates; the error lists every bad setting by name. */
export function loadHubConfig(...layers: Array<Record<string, unknown> | undefined>): HubConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined) merged[k] = v;
  const r = HubConfig.strict().safeParse(merged);
  if (!r.success) throw new Error(`invalid hub configuration: ${describeZodError(r.error)}`);
  return { ...r.data, dataDir: path.resolve(r.data.dataDir), mqttPassword: brokerPassword(r.data) };
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
