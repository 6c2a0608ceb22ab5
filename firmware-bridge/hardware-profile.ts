// The hardware profile an installer writes for a device (YAML or JSON, parsed elsewhere). Strict
// objects, so a misspelt field is an error that names it rather than a silently ignored setting.
import { z } from 'zod';
import { describeZodError } from '../protocol/schemas.ts';
import { AlphaSerialBoardConfig, AlphaTcpBoardConfig } from './led/alpha/profile.ts';
import { ModbusRtuAmplifierConfig, ModbusTcpAmplifierConfig } from './amplifier/modbus-profile.ts';

/** Drivers with a reserved name and no implementation yet. */
export const PLANNED_DRIVERS = [] as const;

const ms = z.number().int().nonnegative();

/** Settings every amplifier driver shares: how the agent sequences power around a bulletin. */
const amplifierCommon = {
  zones: z.number().int().min(1).max(64).default(4),
  warmUpMs: ms.max(60_000).default(1500).describe('wait after power-on before audio starts'),
  tailMs: ms.max(60_000).default(1000).describe('keep powered after audio ends'),
  minPlayingCurrentMa: z
    .number()
    .positive()
    .default(150)
    .describe('below this while playing, the amplifier is not driving speakers'),
};

const SimulatedAmplifierConfig = z.strictObject({
  driver: z.literal('simulated'),
  ...amplifierCommon,
  latencyMs: ms.max(10_000).optional(),
});

const SimulatedLedBoardConfig = z.strictObject({
  driver: z.literal('simulated'),
  maxLineChars: z.number().int().min(1).max(1000).optional(),
  // Reported to the hub for the web preview; the simulator itself shows text of any size.
  rows: z.number().int().min(7).max(255).optional().describe('dot rows it reports, default 16'),
  columns: z.number().int().min(16).max(255).optional().describe('dot columns it reports, default 96'),
  latencyMs: ms.max(10_000).optional(),
});

function driverError(iss: { input?: unknown }): string | undefined {
  const driver = (iss.input as { driver?: unknown } | undefined)?.driver;
  if ((PLANNED_DRIVERS as readonly unknown[]).includes(driver))
    return `driver "${String(driver)}" is planned but not implemented yet; use "simulated"`;
  return undefined;
}

// New drivers join these unions as their own strict objects.
const AmplifierConfig = z.discriminatedUnion(
  'driver',
  [SimulatedAmplifierConfig, ModbusRtuAmplifierConfig, ModbusTcpAmplifierConfig],
  { error: driverError },
);
const LedBoardConfig = z.discriminatedUnion(
  'driver',
  [SimulatedLedBoardConfig, AlphaSerialBoardConfig, AlphaTcpBoardConfig],
  { error: driverError },
);

export const SpeakerProfile = z.strictObject({
  kind: z.literal('speaker'),
  amplifier: AmplifierConfig,
  audioOutput: z
    .string()
    .regex(/^(null|[a-z0-9_]+:\S+)$/, 'must be "null" or "<ffmpeg output format>:<device>", e.g. "alsa:default"')
    .max(200)
    .default('null')
    .describe('"null" decodes to a null sink in real time; "alsa:default" plays on the sound card'),
});

export const LedProfile = z.strictObject({
  kind: z.literal('led'),
  board: LedBoardConfig,
});

export const HardwareProfile = z.discriminatedUnion('kind', [SpeakerProfile, LedProfile]);
export type HardwareProfile = z.infer<typeof HardwareProfile>;
/** What an installer may write: defaults still to apply. */
export type HardwareProfileInput = z.input<typeof HardwareProfile>;
export type AmplifierConfig = z.infer<typeof AmplifierConfig>;
export type LedBoardConfig = z.infer<typeof LedBoardConfig>;

/** Validates a parsed profile file; the error names each bad field. */
export function parseHardwareProfile(raw: unknown, source = 'hardware profile'): HardwareProfile {
  const r = HardwareProfile.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${describeZodError(r.error)}`);
  return r.data;
}
