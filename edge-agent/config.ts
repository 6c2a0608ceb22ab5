// The agent's configuration: one zod schema, validated at start with errors that name the field.
// loadAgentConfig reads a YAML or JSON file and applies WARDCAST_* environment overrides.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import YAML from 'yaml';
import { describeZodError } from '../protocol/index.ts';
import { HardwareProfile } from '../firmware-bridge/hardware-profile.ts';

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
  /** Where identity, SQLite store and media cache live. Created with mode 0700. */
  dataDir: z.string().min(1),
  /** Base URL of the hub's HTTP API (enrolment, media), e.g. http://hub.local:8080 */
  hubUrl: url(['http:', 'https:']),
  /** MQTT broker, e.g. mqtt://hub.local:1883 */
  mqttUrl: url(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']),
  /** One-time enrolment token; needed only on the first start (no identity in dataDir yet). */
  enrolToken: z.string().min(16).max(200).optional(),
  profile: HardwareProfile,
  telemetryIntervalMs: z.number().int().min(1000).default(15_000),
  clockSyncIntervalMs: z.number().int().min(1000).default(60_000),
  /** How late an item may still start; later than that it is recorded as missed/skipped. */
  lateGraceMs: z.number().int().nonnegative().default(60_000),
  /** How often unacknowledged receipts are published again. */
  receiptRetryMs: z.number().int().min(100).default(10_000),
  /**
   * Reconnect backoff: first delay, cap, and ± jitter fraction. The cap is 15 s, not a minute: the
   * jitter already spreads a reconnect storm (thousands of agents over ±30 % of the delay), while a
   * longer cap only delays receipts and presence after a hub outage. test/bench/reconnect-bench.ts,
   * 1000 agents, 10 min outage: back within 19.4 s at most (60 s cap: 77 s), at a peak of ~80
   * connections per second (60 s cap: ~30), which a broker takes in its stride.
   */
  reconnectMinMs: z.number().int().min(10).default(1000),
  reconnectMaxMs: z.number().int().min(10).default(15_000),
  reconnectJitter: z.number().min(0).max(1).default(0.3),
  /**
   * How long the agent waits for the first clock sample of a run before acting on a saved offset
   * (judging items late or missed) or, with none saved, before starting items by its own clock.
   */
  clockTrustWaitMs: z.number().int().min(0).default(30_000),
  /** The least time between two reactions to a new hub instance coming online (hub/status is unsigned). */
  hubBirthMinIntervalMs: z.number().int().min(0).default(5000),
  /** Explicit ffmpeg binary; otherwise FFMPEG_PATH, ffmpeg-static, @ffmpeg-installer/ffmpeg, PATH. */
  ffmpegPath: z.string().optional(),
  agentVersion: z.string().max(40).default('0.1.0'),
  logLevel: z.enum(LOG_LEVELS).default('info'),

  // --- TLS (tls-options.ts, docs/security.md)
  /**
   * PEM CA certificate(s) that sign the hub's certificate; then only they are trusted, and hubUrl
   * and mqttUrl must be https:// and mqtts:// (or wss://). Without it, the public CAs.
   */
  caFile: z.string().min(1).optional(),
});
export type AgentConfig = z.infer<typeof AgentConfig>;
/** What callers may pass: defaults still to apply. */
export type AgentConfigInput = z.input<typeof AgentConfig>;

export function parseAgentConfig(raw: unknown, source = 'agent config'): AgentConfig {
  const r = AgentConfig.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${describeZodError(r.error)}`);
  return r.data;
}

/** Environment variables that override (or supply) config fields. */
export const ENV_OVERRIDES: Record<string, keyof AgentConfig> = {
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
const NUMERIC = new Set<keyof AgentConfig>(['telemetryIntervalMs', 'clockSyncIntervalMs', 'lateGraceMs']);

/**
 * Reads a YAML or JSON config file (optional), applies `overrides`, then environment variables
 * (WARDCAST_*), and validates the result. A relative dataDir in the file is relative to the file.
 */
export function loadAgentConfig(
  file?: string,
  overrides: Partial<AgentConfigInput> = {},
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`cannot read agent config ${file}: ${(e as Error).message}`);
    }
    try {
      const parsed = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed)))
        throw new Error('the top level must be a mapping');
      fromFile = parsed ?? {};
    } catch (e) {
      throw new Error(
        `agent config ${file} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      );
    }
    if (typeof fromFile.dataDir === 'string') fromFile.dataDir = path.resolve(path.dirname(file), fromFile.dataDir);
    if (typeof fromFile.caFile === 'string') fromFile.caFile = path.resolve(path.dirname(file), fromFile.caFile);
  }
  const merged: Record<string, unknown> = { ...fromFile, ...overrides };
  for (const [name, key] of Object.entries(ENV_OVERRIDES)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    merged[key] = NUMERIC.has(key) ? Number(v) : v;
  }
  return parseAgentConfig(merged, file ? `agent config ${file}` : 'agent config');
}
