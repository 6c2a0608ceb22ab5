// Hardware-profile sections for Alpha-protocol LED boards (joined into LedBoardConfig in
// hardware-profile.ts). Strict objects: a misspelt field is an error that names it.
import { z } from 'zod';
import { CHARSETS } from './charset.ts';
import { ALPHA_DEFAULT_DISPLAY as D } from '../display.ts';

const ms = z.number().int().nonnegative();

const alphaCommon = {
  address: z
    .string()
    .regex(/^[0-9A-Fa-f]{2}$/, 'must be two hex digits, e.g. "01"; "00" is broadcast')
    .transform((s) => s.toUpperCase())
    .default('00')
    .describe('the board address set on the board (its menu or DIP switches); "00" reaches every board on the line'),
  typeCode: z
    .string()
    .regex(/^[\x21-\x7e]$/, 'must be one printable character')
    .default('Z')
    .describe('"Z" addresses every sign type; a sign-specific type code narrows it'),
  rows: z.number().int().min(7).max(255).default(D.rows).describe('dot rows of the LED matrix'),
  columns: z.number().int().min(16).max(255).default(D.columns).describe('dot columns of the LED matrix'),
  maxLineChars: z.number().int().min(1).max(1000).default(D.maxLineChars),
  charset: z
    .enum(CHARSETS)
    .default(D.charset)
    .describe("what the board's font can show: 'unicode-utf8', 'cp1258' (Windows Vietnamese) or 'ascii'"),
  vietnamese: z
    .enum(['picture', 'strip'])
    .default(D.vietnamese)
    .describe(
      'when the charset lacks a Vietnamese letter: draw the page as a dot picture, or send it without diacritics behind stripMarker',
    ),
  stripMarker: z
    .string()
    .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII')
    .max(16)
    .default(D.stripMarker)
    .describe('prefix of a page shown without diacritics ("không dấu"); "" for none'),
  dotColour: z
    .enum(['1', '2', '3', '4', '5', '6', '7', '8'])
    .default('1')
    .describe("picture dot colour: '1' red, '2' green, '3' amber, …"),
  timeZone: z.string().min(1).max(64).default('Asia/Ho_Chi_Minh'),
  timeoutMs: ms.min(50).max(60_000).default(1000).describe('answer timeout per request'),
  retries: z.number().int().min(0).max(10).default(2).describe('further attempts after a timeout or a bad answer'),
  writeGapMs: ms.max(5000).default(0).describe('pause after each frame, for boards that need time to store it'),
};

export const AlphaSerialBoardConfig = z
  .strictObject({
    driver: z.literal('alpha-serial'),
    path: z.string().min(1).max(200).describe('serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/…'),
    baudRate: z.number().int().min(300).max(921_600).default(9600),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
    line: z
      .enum(['rs232', 'rs485'])
      .default('rs232')
      .describe(
        'rs485: use an adapter with automatic direction control or the kernel RS-485 mode (serialport cannot switch direction)',
      ),
    ...alphaCommon,
  })
  .refine((c) => c.dataBits === 8 || c.charset === 'ascii', {
    message: 'charset unicode-utf8 and cp1258 need dataBits 8 (7 data bits carry ASCII only)',
    path: ['dataBits'],
  });

export const AlphaTcpBoardConfig = z.strictObject({
  driver: z.literal('alpha-tcp'),
  host: z.string().min(1).max(253).describe('serial device server (e.g. Moxa NPort in TCP server mode)'),
  port: z.number().int().min(1).max(65535).describe('its TCP port for the board’s serial line, e.g. 4001'),
  connectTimeoutMs: ms.min(100).max(60_000).default(3000),
  ...alphaCommon,
});

export type AlphaSerialBoardConfig = z.infer<typeof AlphaSerialBoardConfig>;
export type AlphaTcpBoardConfig = z.infer<typeof AlphaTcpBoardConfig>;
export type AlphaBoardConfig = AlphaSerialBoardConfig | AlphaTcpBoardConfig;
