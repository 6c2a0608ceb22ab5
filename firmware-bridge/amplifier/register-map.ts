// The register map of a Modbus amplifier or relay board: which coil switches power, which coil
// (or holding-register bit) each zone, where volume lives and how it scales, and which input
// registers read back current, temperature and faults. An installer writes one per kind of
// equipment (YAML or JSON); shipped examples live in firmware-bridge/profiles/amplifiers/.
// Addresses are 0-based protocol addresses as on the wire (coil 0 = "00001" in 1-based tables).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { describeZodError } from '../../protocol/schemas.ts';
import { parseYamlOrJson } from '../../protocol/settings.ts';
import type { ReadbackValue } from './amplifier.ts';

const address = z.number().int().min(0).max(65535);
const bitIndex = z.number().int().min(0).max(15);

/** A switched output: a coil (FC05/FC15, read with FC01) or one bit of a holding register (read-modify-write FC03/FC06). */
export const SwitchTarget = z
  .strictObject({
    coil: address.optional(),
    holdingRegister: address.optional(),
    bit: bitIndex.optional(),
    /** true when the relay is closed by writing 0 (active-low boards). Default false. */
    inverted: z.boolean().default(false),
  })
  .superRefine((t, ctx) => {
    const hasCoil = t.coil !== undefined;
    const hasReg = t.holdingRegister !== undefined;
    if (hasCoil === hasReg)
      ctx.addIssue({ code: 'custom', message: 'give either "coil" or "holdingRegister" with "bit"' });
    if (hasReg && t.bit === undefined)
      ctx.addIssue({ code: 'custom', path: ['bit'], message: '"holdingRegister" needs "bit" (0-15)' });
    if (hasCoil && t.bit !== undefined)
      ctx.addIssue({ code: 'custom', path: ['bit'], message: '"bit" belongs with "holdingRegister", not "coil"' });
  });
export type SwitchTarget = z.infer<typeof SwitchTarget>;

/** A read-back bit: a discrete input (FC02) or one bit of an input register (FC04). */
const SenseBit = z
  .strictObject({ discreteInput: address.optional(), inputRegister: address.optional(), bit: bitIndex.optional() })
  .superRefine((t, ctx) => {
    if ((t.discreteInput !== undefined) === (t.inputRegister !== undefined))
      ctx.addIssue({ code: 'custom', message: 'give either "discreteInput" or "inputRegister" with "bit"' });
    if (t.inputRegister !== undefined && t.bit === undefined)
      ctx.addIssue({ code: 'custom', path: ['bit'], message: '"inputRegister" needs "bit" (0-15)' });
  });

const Measurement = z.strictObject({
  inputRegister: address,
  /** value = raw × scale (after sign handling). */
  scale: z.number().positive().default(1),
  /** raw is a two's-complement int16. Default false. */
  signed: z.boolean().default(false),
});

export const RegisterMap = z.strictObject({
  name: z.string().max(80).optional(),
  description: z.string().max(2000).optional(),
  /** Modbus unit (slave) address: 1-247 on an RTU line; a TCP device may use 255. The hardware profile may override it. */
  unitId: z.number().int().min(1).max(255),
  power: SwitchTarget.describe('the amplifier power (mains relay or standby)'),
  zones: z.array(SwitchTarget).min(1).max(64).describe('zone relays in zone order: zones[0] is zone 1'),
  volume: z
    .strictObject({
      holdingRegister: address,
      /** raw value at 0 % and at 100 %; e.g. 0..31 for a 32-step attenuator, 0..255 */
      rawMin: z.number().int().min(0).max(65535).default(0),
      rawMax: z.number().int().min(1).max(65535),
    })
    .refine((v) => v.rawMax !== v.rawMin, { message: 'rawMax must differ from rawMin' })
    .optional()
    .describe('absent: volume is set on the amplifier front panel'),
  readback: z
    .strictObject({
      /** Sensed amplifier power (e.g. a mains-present input). Absent: the power relay's own state is read back instead. */
      powered: SenseBit.optional(),
      currentMa: Measurement.optional().describe('output/supply current; value in mA'),
      temperatureC: Measurement.optional().describe('heatsink temperature; value in °C'),
      faults: z
        .strictObject({
          inputRegister: address,
          bits: z.record(z.string(), z.string().min(1).max(40)).superRefine((bits, ctx) => {
            for (const k of Object.keys(bits)) {
              if (!/^(1[0-5]|[0-9])$/.test(k))
                ctx.addIssue({
                  code: 'custom',
                  path: [k],
                  message: `"${k}" is not a bit number: bit numbers are 0-15`,
                });
            }
          }),
        })
        .optional(),
    })
    .default({}),
  warmUpMs: z.number().int().min(0).max(60_000).optional(),
  tailMs: z.number().int().min(0).max(60_000).optional(),
  minPlayingCurrentMa: z.number().positive().optional(),
});
export type RegisterMap = z.infer<typeof RegisterMap>;
export type RegisterMapInput = z.input<typeof RegisterMap>;

/** Where the shipped register maps live. */
export const SHIPPED_MAPS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../profiles/amplifiers');

export function parseRegisterMap(raw: unknown, source = 'register map'): RegisterMap {
  const r = RegisterMap.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${describeZodError(r.error)}`);
  return r.data;
}

/**
 * Loads a register map by name (a file in firmware-bridge/profiles/amplifiers/, without extension)
 * or by path to a .yaml/.yml/.json file.
 */
export function loadRegisterMap(ref: string, baseDir = process.cwd()): RegisterMap {
  let file: string | undefined;
  if (/^[a-z0-9][a-z0-9-]*$/.test(ref)) {
    file = ['.yaml', '.yml', '.json'].map((ext) => path.join(SHIPPED_MAPS_DIR, ref + ext)).find((f) => existsSync(f));
    if (!file)
      throw new Error(
        `register map "${ref}" is not one of the shipped maps (${shippedRegisterMaps().join(', ')}); give a path to your own file`,
      );
  } else {
    file = path.resolve(baseDir, ref);
    if (!existsSync(file)) throw new Error(`register map file ${file} does not exist`);
  }
  const raw = parseYamlOrJson(readFileSync(file, 'utf8'), file, `register map ${file}`);
  return parseRegisterMap(raw, `register map ${file}`);
}

export function shippedRegisterMaps(): string[] {
  try {
    return readdirSync(SHIPPED_MAPS_DIR)
      .filter((f) => /\.(ya?ml|json)$/.test(f))
      .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
      .sort();
  } catch {
    return [];
  }
}

export function notMeasured(map: RegisterMap): ReadbackValue[] {
  const out: ReadbackValue[] = [];
  if (!map.readback.powered) out.push('power');
  if (!map.volume) out.push('volume');
  if (!map.readback.currentMa) out.push('current');
  if (!map.readback.temperatureC) out.push('temperature');
  if (!map.readback.faults) out.push('faults');
  return out;
}
