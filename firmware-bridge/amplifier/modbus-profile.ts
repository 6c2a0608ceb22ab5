// The amplifier section of a hardware profile for the Modbus drivers:
//
//   amplifier:
//     driver: modbus-rtu            # or modbus-tcp (host, port)
//     path: /dev/ttyUSB0
//     baudRate: 9600
//     parity: none                  # none | even | odd
//     stopBits: 1
//     dataBits: 8
//     registerMap: amp-controller-readback   # a shipped map by name, a path to a YAML/JSON file, or the map inline
//     unitId: 3                     # optional: overrides the map's unit id
//     zones: 4                      # optional: how many of the map's zones to switch on (default: all)
//     warmUpMs / tailMs / minPlayingCurrentMa   # optional: override the map's values
//     timeoutMs: 500, retries: 2    # per request
//
// Parsing loads a named or file register map, so a bad map is reported when the config is read.
import { z } from 'zod';
import { loadRegisterMap, RegisterMap, type RegisterMap as RegisterMapT } from './register-map.ts';

const ms = z.number().int().nonnegative();

const modbusCommon = {
  registerMap: z
    .union([z.string().min(1).max(500), RegisterMap])
    .describe('shipped map name, file path, or the map inline'),
  unitId: z.number().int().min(1).max(255).optional(),
  zones: z.number().int().min(1).max(64).optional(),
  warmUpMs: ms.max(60_000).optional(),
  tailMs: ms.max(60_000).optional(),
  minPlayingCurrentMa: z.number().positive().optional(),
  timeoutMs: z.number().int().min(10).max(30_000).default(500),
  retries: z.number().int().min(0).max(10).default(2),
  /**
   * Only for wardcast's Modbus amplifier simulator: the coil that stands in for the audio cable.
   * The agent sets it while audio plays. Never set this for real equipment.
   */
  simulation: z.strictObject({ audioInputCoil: z.number().int().min(0).max(65535) }).optional(),
};

/** Fills settings from the map, then defaults; checks zones against the map. */
function resolve<
  T extends {
    registerMap: string | RegisterMapT;
    zones?: number;
    warmUpMs?: number;
    tailMs?: number;
    minPlayingCurrentMa?: number;
    unitId?: number;
  },
>(v: T, ctx: z.RefinementCtx) {
  let map: RegisterMapT;
  try {
    map = typeof v.registerMap === 'string' ? loadRegisterMap(v.registerMap) : v.registerMap;
  } catch (e) {
    ctx.addIssue({ code: 'custom', path: ['registerMap'], message: (e as Error).message });
    return z.NEVER;
  }
  if ((v as { dataBits?: number }).dataBits === 7) {
    ctx.addIssue({
      code: 'custom',
      path: ['dataBits'],
      message: 'Modbus RTU needs 8 data bits (7 data bits is Modbus ASCII, which wardcast does not speak)',
    });
    return z.NEVER;
  }
  const unitId = v.unitId ?? map.unitId;
  if ((v as { driver?: string }).driver === 'modbus-rtu' && unitId > 247) {
    ctx.addIssue({
      code: 'custom',
      path: [v.unitId !== undefined ? 'unitId' : 'registerMap'],
      message: `unit ${unitId} is not an RTU address: RTU units are 1-247`,
    });
    return z.NEVER;
  }
  const zones = v.zones ?? map.zones.length;
  if (zones > map.zones.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['zones'],
      message: `the register map has ${map.zones.length} zones, not ${zones}`,
    });
    return z.NEVER;
  }
  return {
    ...v,
    registerMap: map,
    unitId,
    zones,
    warmUpMs: v.warmUpMs ?? map.warmUpMs ?? 1500,
    tailMs: v.tailMs ?? map.tailMs ?? 1000,
    // With no current read-back this threshold is never used (the evidence says current was not measured).
    minPlayingCurrentMa: v.minPlayingCurrentMa ?? map.minPlayingCurrentMa ?? 150,
  };
}

export const ModbusRtuAmplifierConfig = z
  .strictObject({
    driver: z.literal('modbus-rtu'),
    path: z.string().min(1).max(200).describe('serial device, e.g. /dev/ttyUSB0 or /dev/ttyAMA0'),
    baudRate: z
      .number()
      .int()
      .refine((b) => [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200].includes(b), {
        message: 'must be a standard rate 1200-115200',
      })
      .default(9600),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    ...modbusCommon,
  })
  .transform(resolve);

export const ModbusTcpAmplifierConfig = z
  .strictObject({
    driver: z.literal('modbus-tcp'),
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(502),
    ...modbusCommon,
  })
  .transform(resolve);

export type ModbusAmplifierConfig = z.infer<typeof ModbusRtuAmplifierConfig> | z.infer<typeof ModbusTcpAmplifierConfig>;
