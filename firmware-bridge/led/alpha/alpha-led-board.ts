// An LED board speaking the Alpha Sign Communications Protocol over a serial line or a serial
// device server (any StreamLink). Implements LedBoard:
//   show       E* (clear the error register, and check the board answers), E$ memory, I pictures,
//              A TEXT files, E. run sequence, then F* again: error bits mean a frame was rejected
//              (bad checksum, cut off, illegal) and the whole message is written again (bounded).
//   clear      E$ with no files (the board forgets every file), then F*.
//   brightness E/ dimming register; the board has five levels (100 86 72 58 44 %).
//   setTime    E␠ time, E; date, E& day of week, in the board's time zone.
//   status     F. run sequence, B each TEXT file, J each picture it calls, F/ brightness, F* errors.
// Read-back is honest: a picture page reads back as its text only when every dot equals what was
// rendered for it; a page sent without diacritics reads back without them (status.rendering says so).
import { DeviceError } from '../../errors.ts';
import { OpQueue } from '../../op-queue.ts';
import type { StreamLink, Exchange, ParseStep } from '../../transport/serial-link.ts';
import type { LedDisplay } from '../../../protocol/schemas.ts';
import type { LedBoard, LedBoardStatus, LedMessageInput } from '../led-board.ts';
import { ledPagesToText } from '../text.ts';
import { CharsetError } from './charset.ts';
import {
  planMessage,
  parseTextFile,
  PlanError,
  type AlphaTextSettings,
  type MessagePlan,
  type PageRendering,
} from './mapping.ts';
import {
  CMD,
  ERR,
  SF,
  ascii,
  decodeFrame,
  encodePacket,
  fromAscii,
  parseDotsData,
  scanFrame,
  type AlphaPacket,
} from './protocol.ts';

export const BRIGHTNESS_LEVELS = [100, 86, 72, 58, 44] as const;

export interface AlphaLedBoardOptions extends AlphaTextSettings {
  /** Shown in the description and in every DeviceError. */
  name?: string;
  link: StreamLink;
  /** Sign type code to address; 'Z' = all types. */
  typeCode: string;
  /** Two hex digits, "00" = broadcast (a sign answers reads on its own address too). */
  address: string;
  /** Time zone of the clock the board shows. Default Asia/Ho_Chi_Minh. */
  timeZone?: string;
  /** Whole-message rewrites after the board reports a rejected frame. Default 2. */
  rewrites?: number;
}

/** What status() adds to LedBoardStatus for an Alpha board. */
export interface AlphaBoardStatus extends LedBoardStatus {
  /** How each page reached the board. */
  rendering: PageRendering[];
  /** For the receipt: pictures verified, diacritics removed, and so on. */
  notes: string[];
  /** The board's clock, "HH:MM", when it answered. */
  clock?: string;
}

const ERROR_BITS: [number, string][] = [
  [ERR.illegalCommand, 'illegal command'],
  [ERR.checksum, 'checksum error'],
  [ERR.bufferOverflow, 'buffer overflow'],
  [ERR.serialTimeout, 'serial timeout (a frame was cut off)'],
  [ERR.framing, 'bit framing error'],
  [ERR.parity, 'parity error'],
];
export const describeErrorBits = (bits: number) => ERROR_BITS.filter(([b]) => bits & b).map(([, s]) => s);

export class AlphaLedBoard implements LedBoard {
  readonly description: string;
  readonly display: LedDisplay;
  private readonly link: StreamLink;
  private readonly s: AlphaLedBoardOptions;
  private readonly queue = new OpQueue();
  private lastPlan: MessagePlan | null = null;
  private closed = false;

  constructor(options: AlphaLedBoardOptions) {
    this.s = options;
    this.link = options.link;
    const { rows, columns, maxLineChars, charset, vietnamese, stripMarker } = options;
    this.display = { rows, columns, maxLineChars, charset, vietnamese, stripMarker };
    this.description = `Alpha LED board "${options.name ?? 'led'}" (address ${options.address}, ${options.link.port})`;
  }

  /** Link counters: attempts, retries, timeouts, bad answers, reopens. */
  get linkStats() {
    return { ...this.link.stats };
  }

  /** The text the board should read back for a message, and how it gets there (for the receipt). */
  expectedReadBack(message: LedMessageInput): { text: string; notes: string[] } {
    const plan = planMessage(message, this.s);
    return { text: plan.expectedText, notes: plan.notes };
  }

  show(message: LedMessageInput): Promise<void> {
    let plan: MessagePlan;
    try {
      plan = planMessage(message, this.s);
    } catch (e) {
      if (e instanceof PlanError || e instanceof CharsetError) return this.invalid('show', e.message);
      throw e;
    }
    return this.op('show', async (x) => {
      const frames: { what: string; packet: Omit<AlphaPacket, 'typeCode' | 'address'> }[] = [
        {
          what: 'memory configuration',
          packet: { command: CMD.writeSpecial, data: ascii(SF.memoryConfig + plan.memoryConfig) },
        },
        ...plan.pages.flatMap((pg) =>
          pg.picture
            ? [
                {
                  what: `picture ${pg.picture.label}`,
                  packet: { command: CMD.writeDots, data: dotsDataOf(pg.picture.label, pg.picture.rows) },
                },
              ]
            : [],
        ),
        ...plan.pages.map((pg) => ({
          what: `TEXT file ${pg.textLabel}`,
          packet: { command: CMD.writeText, data: concatLabel(pg.textLabel, pg.content) },
        })),
        { what: 'run sequence', packet: { command: CMD.writeSpecial, data: ascii(SF.runSequence + plan.runSequence) } },
      ];
      await this.writeChecked(x, 'show', frames);
      this.lastPlan = plan;
    });
  }

  clear(): Promise<void> {
    return this.op('clear', async (x) => {
      await this.writeChecked(x, 'clear', [
        { what: 'memory configuration', packet: { command: CMD.writeSpecial, data: ascii(SF.memoryConfig) } },
      ]);
      this.lastPlan = null;
    });
  }

  setBrightness(percent: number): Promise<void> {
    const op = `setBrightness(${percent})`;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      return this.invalid(op, `brightness must be an integer 0-100, got ${String(percent)}`);
    }
    const level = nearestLevel(percent);
    return this.op(op, (x) =>
      this.writeChecked(x, op, [
        { what: 'dimming register', packet: { command: CMD.writeSpecial, data: ascii(`${SF.dimming}000${level}`) } },
      ]),
    );
  }

  /** Sets the board's clock (time of day, date, day of week) to `at` in the board's time zone. */
  setTime(at: Date = new Date()): Promise<void> {
    const p = zonedParts(at, this.s.timeZone ?? 'Asia/Ho_Chi_Minh');
    return this.op('setTime', (x) =>
      this.writeChecked(x, 'setTime', [
        { what: 'time of day', packet: { command: CMD.writeSpecial, data: ascii(SF.timeOfDay + p.hh + p.mm) } },
        { what: 'date', packet: { command: CMD.writeSpecial, data: ascii(SF.date + p.MM + p.dd + p.yy) } },
        { what: 'day of week', packet: { command: CMD.writeSpecial, data: ascii(SF.dayOfWeek + String(p.dow + 1)) } },
      ]),
    );
  }

  /** The board's clock as "HH:MM". */
  readTime(): Promise<string> {
    return this.op('readTime', async (x) => {
      const a = await this.readSpecial(x, 'readTime', SF.timeOfDay);
      return `${a.slice(1, 3)}:${a.slice(3, 5)}`;
    });
  }

  status(): Promise<AlphaBoardStatus> {
    return this.op('status', async (x) => {
      const op = 'status';
      const faults: string[] = [];
      const notes: string[] = [];
      const rendering: PageRendering[] = [];
      const run = await this.readSpecial(x, op, SF.runSequence);
      const labels = [...run.slice(3)]; // "." + S/T/D + L/U + labels
      const plan = this.lastPlan;
      const planned = plan && plan.pages.map((p) => p.textLabel).join('') === labels.join('') ? plan : null;
      const pages: string[][] = [];
      for (const [i, label] of labels.entries()) {
        const content = await this.request(
          x,
          op,
          `read TEXT file ${label}`,
          { command: CMD.readText, data: ascii(label) },
          (p) =>
            p.command === CMD.writeText && String.fromCharCode(p.data[0] ?? 0) === label ? p.data.subarray(1) : null,
        );
        const f = parseTextFile(content, this.s.charset);
        const want = planned?.pages[i];
        if (f.unknown.length)
          faults.push(`page ${i + 1}: control codes this driver does not read: ${f.unknown.join(' ')}`);
        if (want && f.mode !== want.mode)
          faults.push(`page ${i + 1} is in mode "${f.mode ?? f.modeCode}", not "${want.mode}"`);
        if (f.pictures.length === 0) {
          pages.push(f.lines);
          const marked = this.s.stripMarker !== '' && (f.lines[0] ?? '').startsWith(this.s.stripMarker);
          rendering.push(want?.rendering === 'stripped' || (!want && marked) ? 'stripped' : 'text');
          if (!want && marked)
            notes.push(`page ${i + 1} is shown without Vietnamese diacritics (marked "${this.s.stripMarker.trim()}")`);
          continue;
        }
        rendering.push('picture');
        const lines: string[] = [...f.lines];
        for (const pic of f.pictures) {
          const dots = await this.request(
            x,
            op,
            `read picture ${pic}`,
            { command: CMD.readDots, data: ascii(pic) },
            (p) => (p.command === CMD.writeDots ? parseDotsData(p.data) : null),
          );
          const expected = want?.picture?.label === pic ? want.picture : null;
          if (!dots) {
            faults.push(`page ${i + 1}: picture ${pic} could not be read`);
            lines.push(`[picture ${pic}: unreadable]`);
          } else if (!expected) {
            lines.push(`[picture ${pic} ${dots.width}×${dots.height}]`);
          } else if (dots.width !== expected.bitmap.width || dots.height !== expected.bitmap.height) {
            faults.push(
              `page ${i + 1}: picture ${pic} is ${dots.width}×${dots.height}, not the ${expected.bitmap.width}×${expected.bitmap.height} sent`,
            );
            lines.push(`[picture ${pic} ${dots.width}×${dots.height}]`);
          } else {
            const differ = countDiffs(dots.rows, expected.rows);
            if (differ === 0) {
              // Every dot matches the rendering of these lines: the board shows this text.
              lines.push(...want!.lines);
              notes.push(`page ${i + 1}: picture ${pic} (${dots.width}×${dots.height}) read back dot for dot as sent`);
            } else {
              faults.push(
                `page ${i + 1}: picture ${pic} differs from what was sent in ${differ} of ${dots.width * dots.height} dots`,
              );
              lines.push(`[picture ${pic}: ${differ} dots differ]`);
            }
          }
        }
        pages.push(lines);
      }
      if (planned) notes.unshift(...planned.notes.filter((n) => !n.includes('dot picture')));
      const dim = await this.readSpecial(x, op, SF.dimming);
      const level = Number.parseInt(dim.slice(3, 5), 10); // "/" + register + level
      const brightness = BRIGHTNESS_LEVELS[level] ?? 0;
      if (BRIGHTNESS_LEVELS[level] === undefined) faults.push(`dimming register reads "${dim}"`);
      const errBits = await this.readErrorRegister(x, op);
      if (errBits) faults.push(`serial error register: ${describeErrorBits(errBits).join(', ')}`);
      return {
        text: ledPagesToText(pages),
        pages: pages.length,
        brightness,
        faults,
        warnings: planned ? [...planned.warnings] : [],
        rendering,
        notes,
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.link.close();
  }

  // ---- internals ----

  private invalid(operation: string, detail: string): Promise<never> {
    return Promise.reject(new DeviceError(this.description, operation, 'invalid', detail));
  }

  private op<T>(operation: string, fn: (x: <U>(ex: Exchange<U>) => Promise<U>) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      if (this.closed) throw new DeviceError(this.description, operation, 'io', 'the link is closed');
      try {
        return await this.link.exclusive(fn);
      } catch (e) {
        // Errors from the link name the link's device; re-home them on this board.
        if (e instanceof DeviceError && e.device !== this.description) {
          throw new DeviceError(this.description, operation, e.code, `${e.operation}: ${e.detail}`, { cause: e });
        }
        throw e;
      }
    });
  }

  private frame(p: Omit<AlphaPacket, 'typeCode' | 'address'>): Uint8Array {
    return encodePacket({ typeCode: this.s.typeCode, address: this.s.address, ...p });
  }

  /** Sends frames (no answers), then reads the error register; rewrites on errors, bounded. */
  private async writeChecked(
    x: <U>(ex: Exchange<U>) => Promise<U>,
    op: string,
    frames: { what: string; packet: Omit<AlphaPacket, 'typeCode' | 'address'> }[],
  ): Promise<void> {
    // Clears stale bits and checks the board answers before anything is written.
    await this.readErrorRegister(x, op);
    const rewrites = this.s.rewrites ?? 2;
    let bits = 0;
    for (let round = 0; round <= rewrites; round++) {
      for (const f of frames) await x({ operation: `write ${f.what}`, request: this.frame(f.packet) });
      bits = await this.readErrorRegister(x, op);
      if (bits === 0) return;
    }
    throw new DeviceError(
      this.description,
      op,
      'exception',
      `the board rejected the message ${rewrites + 1} time(s): serial error register reports ${describeErrorBits(bits).join(', ')}`,
    );
  }

  private readErrorRegister(x: <U>(ex: Exchange<U>) => Promise<U>, op: string): Promise<number> {
    return this.readSpecial(x, op, SF.errorStatus).then((a) => (a.charCodeAt(1) || 0x40) & 0x3f);
  }

  /** Reads a special function; returns the answer data after 'E' (function label first). */
  private readSpecial(x: <U>(ex: Exchange<U>) => Promise<U>, op: string, fn: string): Promise<string> {
    return this.request(x, op, `read special function "${fn}"`, { command: CMD.readSpecial, data: ascii(fn) }, (p) =>
      p.command === CMD.writeSpecial && String.fromCharCode(p.data[0] ?? 0) === fn ? fromAscii(p.data) : null,
    );
  }

  private request<T>(
    x: <U>(ex: Exchange<U>) => Promise<U>,
    _op: string,
    what: string,
    packet: Omit<AlphaPacket, 'typeCode' | 'address'>,
    accept: (p: AlphaPacket) => T | null,
  ): Promise<T> {
    return x<T>({ operation: what, request: this.frame(packet), parse: (buf) => parseAnswer(buf, accept) });
  }
}

/** Finds the sign's answer in the input: skips noise and echoed requests (type code other than '0'). */
export function parseAnswer<T>(buf: Buffer, accept: (p: AlphaPacket) => T | null): ParseStep<T> {
  let offset = 0;
  for (;;) {
    const view = buf.subarray(offset);
    const s = scanFrame(view);
    if (s.kind === 'none' || s.kind === 'partial') return { kind: 'more' };
    if (s.kind === 'truncated')
      return { kind: 'bad', reason: 'the answer was cut off (SOH before EOT)', consumed: offset + s.consumed };
    const d = decodeFrame(s.frame);
    if (!d.ok) return { kind: 'bad', reason: d.reason, consumed: offset + s.consumed };
    if (d.packet.typeCode !== '0') {
      offset += s.consumed; // our own request echoed by a half-duplex adapter, or another master
      continue;
    }
    const v = accept(d.packet);
    if (v === null) {
      return {
        kind: 'bad',
        reason: `unexpected answer "${d.packet.command}${fromAscii(d.packet.data.subarray(0, 8))}"`,
        consumed: offset + s.consumed,
      };
    }
    return { kind: 'done', value: v, consumed: offset + s.consumed };
  }
}

function countDiffs(a: string[], b: string[]): number {
  let n = 0;
  for (let y = 0; y < b.length; y++) for (let x = 0; x < b[y]!.length; x++) if ((a[y]?.[x] ?? '0') !== b[y]![x]) n++;
  return n;
}

export const nearestLevel = (percent: number) =>
  BRIGHTNESS_LEVELS.reduce(
    (best, l, i) => (Math.abs(l - percent) < Math.abs(BRIGHTNESS_LEVELS[best]! - percent) ? i : best),
    0,
  );

function dotsDataOf(label: string, rows: string[]): Uint8Array {
  const hex2 = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
  return ascii(label + hex2(rows.length) + hex2(rows[0]?.length ?? 0) + rows.map((r) => `${r}\r`).join(''));
}

function concatLabel(label: string, content: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + content.length);
  out[0] = label.charCodeAt(0);
  out.set(content, 1);
  return out;
}

function zonedParts(at: Date, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: '2-digit',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  });
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const dow = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!);
  return { hh: parts.hour!, mm: parts.minute!, dd: parts.day!, MM: parts.month!, yy: parts.year!, dow };
}
