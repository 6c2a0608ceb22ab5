// Alpha Sign Communications Protocol framing (the "standard transmission packet"), shared by the
// driver and the simulator. Pure: Uint8Array in, Uint8Array out.
//
//   NUL×5  SOH  type  address(2)  STX  command  data…  ETX  checksum(4 hex)  EOT
//
// type 'Z' = all sign types, address "00" = broadcast; the sign answers a read with type '0',
// address "00", the command of the matching write ('A' TEXT, 'E' special function, 'I' SMALL DOTS
// PICTURE) and the data. The checksum is the 16-bit sum of every byte from STX through ETX,
// as four upper-case hex digits.

export const NUL = 0x00;
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ESC = 0x1b;
/** Inside TEXT: next line. */
export const CR = 0x0d;
/** Inside TEXT: call SMALL DOTS PICTURE, followed by its label. */
export const CALL_DOTS = 0x14;
/** Inside TEXT: speed 1 (slowest) … 5 (fastest) are 0x15 … 0x19. */
export const SPEED_1 = 0x15;
/** Inside TEXT: no hold (page moves on at once). */
export const NO_HOLD = 0x09;

export const CMD = {
  writeText: 'A',
  readText: 'B',
  writeSpecial: 'E',
  readSpecial: 'F',
  writeString: 'G',
  readString: 'H',
  writeDots: 'I',
  readDots: 'J',
} as const;

/** Special function labels (after 'E' to write, 'F' to read). */
export const SF = {
  timeOfDay: ' ',
  memoryConfig: '$',
  dayOfWeek: '&',
  timeFormat: "'",
  softReset: ',',
  runSequence: '.',
  dimming: '/',
  date: ';',
  errorStatus: '*',
} as const;

/** Bits of the serial error status register (read with F*; reading clears it). Bit 6 is always set. */
export const ERR = {
  illegalCommand: 0x20,
  checksum: 0x10,
  bufferOverflow: 0x08,
  serialTimeout: 0x04,
  framing: 0x02,
  parity: 0x01,
} as const;

export interface AlphaPacket {
  /** One ASCII character: 'Z' all signs, '0' an answer from a sign, or a sign type code. */
  typeCode: string;
  /** Two ASCII hex digits; "00" broadcast. */
  address: string;
  /** One ASCII character, see CMD. */
  command: string;
  /** Everything after the command code, up to ETX (or EOT without checksum). */
  data: Uint8Array;
}

export const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
export const fromAscii = (b: Uint8Array) => String.fromCharCode(...b);
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export function checksumOf(bytes: Uint8Array): string {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xffff;
  return sum.toString(16).toUpperCase().padStart(4, '0');
}

export interface EncodeOptions {
  /** NUL sync bytes before SOH (≥5; signs use the run to find the baud rate). Default 5. */
  sync?: number;
  /** Append ETX + checksum (default true). */
  checksum?: boolean;
}

export function encodePacket(p: AlphaPacket, options: EncodeOptions = {}): Uint8Array {
  if (p.typeCode.length !== 1) throw new RangeError(`type code must be one character, got "${p.typeCode}"`);
  if (!/^[0-9A-F]{2}$/.test(p.address)) throw new RangeError(`address must be two hex digits, got "${p.address}"`);
  if (p.command.length !== 1) throw new RangeError(`command must be one character, got "${p.command}"`);
  for (const b of p.data) {
    if (b === SOH || b === STX || b === ETX || b === EOT)
      throw new RangeError(`data may not contain framing byte 0x0${b}`);
  }
  const head = concat(
    new Uint8Array(Math.max(5, options.sync ?? 5)),
    Uint8Array.of(SOH),
    ascii(p.typeCode + p.address),
  );
  const body = concat(Uint8Array.of(STX), ascii(p.command), p.data);
  if (options.checksum === false) return concat(head, body, Uint8Array.of(EOT));
  const checked = concat(body, Uint8Array.of(ETX));
  return concat(head, checked, ascii(checksumOf(checked)), Uint8Array.of(EOT));
}

export type FrameResult = { ok: true; packet: AlphaPacket; checked: boolean } | { ok: false; reason: string };

/**
 * Decodes one frame from SOH up to and including EOT (bytes before SOH are ignored).
 */
export function decodeFrame(frame: Uint8Array): FrameResult {
  const soh = frame.indexOf(SOH);
  if (soh < 0) return { ok: false, reason: 'no SOH' };
  const f = frame.subarray(soh);
  if (f[f.length - 1] !== EOT) return { ok: false, reason: 'no EOT at the end' };
  if (f.length < 6 || f[4] !== STX) return { ok: false, reason: 'no STX after the type code and address' };
  const typeCode = String.fromCharCode(f[1]!);
  const address = fromAscii(f.subarray(2, 4));
  if (!/^[0-9A-Fa-f]{2}$/.test(address)) return { ok: false, reason: `bad address "${address}"` };
  const etx = f.indexOf(ETX, 5);
  let end: number;
  let checked = false;
  if (etx >= 0) {
    const rest = f.subarray(etx + 1, f.length - 1);
    if (rest.length !== 0) {
      if (rest.length !== 4) return { ok: false, reason: `checksum has ${rest.length} characters, not 4` };
      const want = checksumOf(f.subarray(4, etx + 1));
      const got = fromAscii(rest).toUpperCase();
      if (got !== want) return { ok: false, reason: `checksum ${fromAscii(rest)} does not match the frame (${want})` };
      checked = true;
    }
    end = etx;
  } else {
    end = f.length - 1;
  }
  if (end < 6) return { ok: false, reason: 'no command code' };
  if (f.subarray(5, end).includes(STX)) return { ok: false, reason: 'nested packets are not supported' };
  return {
    ok: true,
    checked,
    packet: { typeCode, address: address.toUpperCase(), command: String.fromCharCode(f[5]!), data: f.slice(6, end) },
  };
}

/**
 * Finds the first complete frame in a byte stream: skips noise before SOH; a second SOH before EOT
 * means the first frame was cut off. Returns how many bytes to drop.
 */
export function scanFrame(
  buf: Uint8Array,
):
  | { kind: 'none'; consumed: number }
  | { kind: 'partial'; consumed: number }
  | { kind: 'frame'; frame: Uint8Array; consumed: number; skipped: number }
  | { kind: 'truncated'; consumed: number; skipped: number } {
  const soh = buf.indexOf(SOH);
  if (soh < 0) return { kind: 'none', consumed: buf.length };
  const skipped = countNoise(buf.subarray(0, soh));
  for (let i = soh + 1; i < buf.length; i++) {
    if (buf[i] === SOH) return { kind: 'truncated', consumed: i, skipped };
    if (buf[i] === EOT) return { kind: 'frame', frame: buf.subarray(soh, i + 1), consumed: i + 1, skipped };
  }
  return { kind: 'partial', consumed: soh };
}

/** Bytes that are neither sync NULs nor whitespace: line noise. */
const countNoise = (b: Uint8Array) => b.reduce((n, x) => n + (x === NUL ? 0 : 1), 0);

// ---- commands ----

/** SMALL DOTS PICTURE data: label, height and width as 2 hex digits each, rows of '0'..'8' ending with CR. */
export function dotsData(label: string, rows: readonly string[]): Uint8Array {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  if (height > 255 || width > 255)
    throw new RangeError(`a SMALL DOTS PICTURE is at most 255×255, got ${width}×${height}`);
  if (rows.some((r) => r.length !== width || !/^[0-8]*$/.test(r)))
    throw new RangeError('picture rows must be equal-length strings of 0-8');
  const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return ascii(label + hex2(height) + hex2(width) + rows.map((r) => `${r}\r`).join(''));
}

export function parseDotsData(
  data: Uint8Array,
): { label: string; height: number; width: number; rows: string[] } | null {
  const s = fromAscii(data);
  const m = /^(.)([0-9A-Fa-f]{2})([0-9A-Fa-f]{2})/.exec(s);
  if (!m) return null;
  const height = parseInt(m[2]!, 16);
  const width = parseInt(m[3]!, 16);
  const rows = s.slice(5).split('\r');
  if (rows[rows.length - 1] === '') rows.pop();
  if (rows.length !== height || rows.some((r) => r.length !== width || !/^[0-8]*$/.test(r))) return null;
  return { label: m[1]!, height, width, rows };
}

/** TEXT file memory entry for E$: label, 'A', keyboard lock, size 4 hex, start 'FF' (always), stop '00'. */
export const memText = (label: string, size: number) => `${label}AL${hex4(size)}FF00`;
/** SMALL DOTS PICTURE memory entry for E$: label, 'D', lock, height+width 2 hex each, "1000" (monochrome). */
export const memDots = (label: string, height: number, width: number) =>
  `${label}DL${height.toString(16).toUpperCase().padStart(2, '0')}${width.toString(16).toUpperCase().padStart(2, '0')}1000`;
const hex4 = (n: number) => Math.min(0xffff, n).toString(16).toUpperCase().padStart(4, '0');

export interface MemoryEntry {
  label: string;
  type: 'text' | 'dots' | 'string';
  size: number;
  height?: number;
  width?: number;
}

export function parseMemoryConfig(s: string): MemoryEntry[] | string {
  const out: MemoryEntry[] = [];
  for (let i = 0; i < s.length; i += 11) {
    const e = s.slice(i, i + 11);
    if (e.length !== 11) return `memory entry "${e}" is not 11 characters`;
    const label = e[0]!;
    const type = e[1];
    if (type === 'A') out.push({ label, type: 'text', size: parseInt(e.slice(3, 7), 16) });
    else if (type === 'B') out.push({ label, type: 'string', size: parseInt(e.slice(3, 7), 16) });
    else if (type === 'D') {
      const height = parseInt(e.slice(3, 5), 16),
        width = parseInt(e.slice(5, 7), 16);
      out.push({ label, type: 'dots', size: height * width, height, width });
    } else return `memory entry "${e}" has unknown file type "${type}"`;
  }
  return out;
}
