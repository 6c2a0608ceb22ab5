// The agent's configuration: one zod schema, validated at start with errors that name the field.
// loadAgentConfig layers a YAML or JSON file, WARDCAST_* variables and flags (protocol/settings.ts).
// Each setting's .describe() is its documentation (docs/settings.md).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError, envSettings, loadSettings, settingsFile } from '../protocol/index.ts';
import { HardwareProfile } from '../firmware-bridge/hardware.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const url = (schemes: string[]) =>
  z.string().refine(
    (s) => {
      try {
        return schemes.includes(new URL(s).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${schemes.map((p) => `${p}//`).join(' or ')}` },
  );

export const AgentConfig = z.strictObject({
  dataDir: z.string().min(1).describe('where identity, SQLite store and media cache live; created with mode 0700'),
  hubUrl: url(['http:', 'https:']).describe(
    "base URL of the hub's HTTP API (enrolment, media), e.g. http://hub.local:8080",
  ),
  mqttUrl: url(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']).describe('MQTT broker, e.g. mqtt://hub.local:1883'),
  enrolToken: z
    .string()
    .min(16)
    .max(200)
    .optional()
    .describe('one-time enrolment token; needed only on the first start (no identity in dataDir yet)'),
  profile: HardwareProfile.describe(
    'the hardware: speaker amplifier or LED board (docs/hardware.md, docs/led-boards.md)',
  ),
  telemetryIntervalMs: z.number().int().min(1000).default(15_000).describe('how often telemetry goes out, in ms'),
  clockSyncIntervalMs: z.number().int().min(1000).default(60_000).describe("how often the hub's time is asked, in ms"),
  lateGraceMs: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe('how late an item may still start, in ms; later than that it is recorded as missed or skipped'),
  receiptRetryMs: z
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('how often unacknowledged receipts are published again, in ms'),
  /**
   * The reconnect cap is 15 s, not a minute: the jitter already spreads a reconnect storm
   * (thousands of agents over ±30 % of the delay), while a longer cap only delays receipts and
   * presence after a hub outage. test/bench/reconnect-bench.ts, 1000 agents, 10 min outage: back
   * within 19.4 s at most (60 s cap: 77 s), at a peak of ~80 connections per second (60 s cap:
   * ~30), which a broker takes in its stride.
   */
  reconnectMinMs: z.number().int().min(10).default(1000).describe('first reconnect delay, in ms'),
  reconnectMaxMs: z.number().int().min(10).default(15_000).describe('longest reconnect delay, in ms'),
  reconnectJitter: z.number().min(0).max(1).default(0.3).describe('± jitter of each reconnect delay, as a fraction'),
  clockTrustWaitMs: z
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe(
      'how long the agent waits for the first clock sample of a run before acting on a saved offset (judging items late or missed) or, with none saved, before starting items by its own clock, in ms',
    ),
  hubBirthMinIntervalMs: z
    .number()
    .int()
    .min(0)
    .default(5000)
    .describe(
      'the least time between two reactions to a new hub instance coming online (hub/status is unsigned), in ms',
    ),
  ffmpegPath: z
    .string()
    .optional()
    .describe('explicit ffmpeg binary; otherwise FFMPEG_PATH, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH'),
  agentVersion: z.string().max(40).default('0.1.0').describe('the version the agent reports'),
  logLevel: z.enum(LOG_LEVELS).default('info').describe('fatal, error, warn, info, debug, trace or silent'),

  // --- TLS (tls-options.ts, docs/security.md)
  caFile: z
    .string()
    .min(1)
    .optional()
    .describe(
      "PEM CA certificate(s) that sign the hub's certificate; then only they are trusted, and hubUrl and mqttUrl must be https:// and mqtts:// (or wss://). Without it, the public CAs",
    ),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
/** What callers may pass: defaults still to apply. */
export type AgentConfigInput = z.input<typeof AgentConfig>;

export function parseAgentConfig(raw: unknown, source = 'agent config'): AgentConfig {
  const r = AgentConfig.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${describeZodError(r.error)}`);
  return r.data;
}

/** Environment variables, by name: the setting each gives. */
export const AGENT_ENV: Record<string, keyof AgentConfig> = {
  WARDCAST_DATA_DIR: 'dataDir',
  WARDCAST_HUB_URL: 'hubUrl',
  WARDCAST_MQTT_URL: 'mqttUrl',
  WARDCAST_ENROL_TOKEN: 'enrolToken',
  WARDCAST_LOG_LEVEL: 'logLevel',
  WARDCAST_TELEMETRY_INTERVAL_MS: 'telemetryIntervalMs',
  WARDCAST_CLOCK_SYNC_INTERVAL_MS: 'clockSyncIntervalMs',
  WARDCAST_LATE_GRACE_MS: 'lateGraceMs',
  WARDCAST_CA_FILE: 'caFile',
};
const NUMERIC = new Set<string>(['telemetryIntervalMs', 'clockSyncIntervalMs', 'lateGraceMs']);

/** Command-line flags of `wardcast agent` (cli/wardcast.ts), by setting. */
export const AGENT_FLAGS: Partial<Record<keyof AgentConfig, string>> = {
  dataDir: '--data-dir',
  hubUrl: '--hub',
  mqttUrl: '--mqtt',
  enrolToken: '--enrol-token',
  caFile: '--ca-file',
  logLevel: '--log-level',
};

/**
 * The agent's settings: flags > environment > config file (YAML, or JSON by its name) > the
 * schema's defaults (protocol/settings.ts, the same order as the hub's). Paths in the file are
 * relative to the file.
 */
export function loadAgentConfig(
  file?: string,
  flags: Partial<AgentConfigInput> = {},
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const what = file ? `agent config ${file}` : 'agent config';
  const fromFile = file ? settingsFile(file, (f) => readFileSync(f, 'utf8'), what) : undefined;
  for (const key of ['dataDir', 'caFile'])
    if (file && typeof fromFile?.[key] === 'string')
      fromFile[key] = path.resolve(path.dirname(file), fromFile[key] as string);
  return loadSettings(
    AgentConfig,
    { file: fromFile, env: envSettings(env, AGENT_ENV, NUMERIC), flags },
    `${what} is invalid`,
  );
}
