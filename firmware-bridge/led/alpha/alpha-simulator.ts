// A simulated Alpha-protocol LED board that speaks the real wire protocol, for tests, the demo and
// installers without a board. It listens on a TCP port (as a board behind a serial device server
// does) or on a serial path (one end of a socat pty pair), decodes frames and verifies checksums
// (bad frames are counted and ignored, and set the serial error register, as a real board does),
// keeps what it shows (TEXT files, SMALL DOTS PICTUREs, run sequence, brightness, clock), answers
// read requests, and renders what it shows as a PNG preview.
//
// Faults: 'no-answer' (the board is dead: input ignored), 'garbled' (answers with a corrupted
// checksum), 'drop-diacritics' (the board's font lacks Vietnamese marks: it stores text without them).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import net from 'node:net';
import type { SerialPort } from 'serialport';
import { serialPortClass } from '../../transport/load-serialport.ts';
import { type Charset, decodeText, encodeText, stripDiacritics } from './charset.ts';
import { parseTextFile } from './mapping.ts';
import {
  CMD,
  ERR,
  SF,
  ascii,
  concat,
  decodeFrame,
  dotsData,
  encodePacket,
  fromAscii,
  parseDotsData,
  parseMemoryConfig,
  scanFrame,
  type AlphaPacket,
  type MemoryEntry,
} from './protocol.ts';
import { blit, createBitmap, renderLines, type Bitmap } from '../render/bitmap.ts';
import { bitmapToPng } from '../render/png.ts';

export type AlphaSimulatorFault = 'no-answer' | 'garbled' | 'drop-diacritics';

export interface AlphaSimulatorOptions {
  name?: string;
  /** This board's address, two hex digits. Default "01". It also takes "00" (broadcast). */
  address?: string;
  /** Type codes it accepts besides 'Z' (all signs). Default none. */
  typeCodes?: string[];
  /** What the board's font can show. Default 'unicode-utf8'. */
  charset?: Charset;
  rows?: number;
  columns?: number;
  /** Delay before answering, like a slow board. Default 0. */
  answerDelayMs?: number;
  /** A frame silent for this long before its EOT is dropped (serial timeout). Default 1000 ms. */
  frameTimeoutMs?: number;
}

export interface AlphaSimulatorStats {
  frames: number;
  badFrames: number;
  /** Why the bad frames were bad, last 20. */
  badReasons: string[];
  noiseBytes: number;
  notForMe: number;
  reads: number;
  writes: number;
  answers: number;
}

type StoredFile = { type: 'text'; bytes: Uint8Array } | { type: 'dots'; rows: string[]; width: number; height: number };

export class AlphaSimulator {
  readonly name: string;
  readonly address: string;
  readonly charset: Charset;
  readonly rows: number;
  readonly columns: number;
  readonly stats: AlphaSimulatorStats = {
    frames: 0,
    badFrames: 0,
    badReasons: [],
    noiseBytes: 0,
    notForMe: 0,
    reads: 0,
    writes: 0,
    answers: 0,
  };
  fault: AlphaSimulatorFault | null = null;

  private readonly typeCodes: Set<string>;
  private readonly answerDelayMs: number;
  private readonly frameTimeoutMs: number;
  private files = new Map<string, StoredFile>();
  private memory: MemoryEntry[] | null = null;
  private runSequence = 'A';
  private runMode = 'SL';
  private dimming = '0000';
  private timeOfDay = '0000';
  private date = '010100';
  private dayOfWeek = '1';
  private errorRegister = 0;
  private input = new Uint8Array(0);
  private partialSince = 0;
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private serial: SerialPort | null = null;

  constructor(options: AlphaSimulatorOptions = {}) {
    this.name = options.name ?? 'alpha-sim';
    this.address = (options.address ?? '01').toUpperCase();
    this.typeCodes = new Set(['Z', ...(options.typeCodes ?? [])]);
    this.charset = options.charset ?? 'unicode-utf8';
    this.rows = options.rows ?? 16;
    this.columns = options.columns ?? 96;
    this.answerDelayMs = options.answerDelayMs ?? 0;
    this.frameTimeoutMs = options.frameTimeoutMs ?? 1000;
  }

  // ---- the protocol core: bytes in, answers out (no I/O) ----

  /** Feeds received bytes; returns the answer frames to send back, in order. */
  feed(chunk: Uint8Array): Uint8Array[] {
    if (this.fault === 'no-answer') return [];
    const now = Date.now();
    // Serial timeout counts silence inside a frame, so a long frame at a low baud rate is fine.
    if (this.input.length && this.partialSince && now - this.partialSince > this.frameTimeoutMs) {
      this.bad('serial timeout: a frame without EOT was dropped', ERR.serialTimeout);
      this.input = new Uint8Array(0);
    }
    this.input = this.input.length ? concat(this.input, chunk) : Uint8Array.from(chunk);
    const answers: Uint8Array[] = [];
    for (;;) {
      const s = scanFrame(this.input);
      if (s.kind === 'none') {
        this.stats.noiseBytes += this.input.reduce((n, b) => n + (b === 0 ? 0 : 1), 0);
        this.input = new Uint8Array(0);
        this.partialSince = 0;
        break;
      }
      if (s.kind === 'partial') {
        this.input = this.input.slice(s.consumed);
        this.partialSince = now;
        if (this.input.length > 64 * 1024) {
          this.bad('buffer overflow', ERR.bufferOverflow);
          this.input = new Uint8Array(0);
        }
        break;
      }
      this.partialSince = 0;
      this.stats.noiseBytes += s.skipped;
      if (s.kind === 'truncated') {
        this.bad('a frame was cut off (SOH before EOT)', ERR.serialTimeout);
        this.input = this.input.slice(s.consumed);
        continue;
      }
      const frame = s.frame.slice();
      this.input = this.input.slice(s.consumed);
      const d = decodeFrame(frame);
      if (!d.ok) {
        this.bad(d.reason, d.reason.startsWith('checksum') ? ERR.checksum : ERR.illegalCommand);
        continue;
      }
      this.stats.frames++;
      const p = d.packet;
      if (!this.typeCodes.has(p.typeCode) || (p.address !== '00' && p.address !== this.address)) {
        this.stats.notForMe++;
        continue;
      }
      const answer = this.handle(p);
      if (answer) {
        const a = encodePacket(
          { typeCode: '0', address: '00', command: answer.command, data: answer.data },
          { sync: 10 },
        );
        if (this.fault === 'garbled') a[a.length - 2] ^= 0x01; // last checksum digit wrong
        answers.push(a);
        this.stats.answers++;
      }
    }
    return answers;
  }

  private bad(reason: string, bit: number): void {
    this.stats.badFrames++;
    this.stats.badReasons.push(reason);
    if (this.stats.badReasons.length > 20) this.stats.badReasons.shift();
    this.errorRegister |= bit;
  }

  private handle(p: AlphaPacket): { command: string; data: Uint8Array } | null {
    const label = String.fromCharCode(p.data[0] ?? 0);
    const rest = p.data.subarray(1);
    switch (p.command) {
      case CMD.writeText: {
        this.stats.writes++;
        if (!this.allocated(label, 'text')) return this.illegal();
        this.files.set(label, {
          type: 'text',
          bytes: this.fault === 'drop-diacritics' ? this.dropMarks(rest) : rest.slice(),
        });
        return null;
      }
      case CMD.writeDots: {
        this.stats.writes++;
        const d = parseDotsData(p.data);
        if (!d || !this.allocated(label, 'dots')) return this.illegal();
        this.files.set(label, { type: 'dots', rows: d.rows, width: d.width, height: d.height });
        return null;
      }
      case CMD.writeSpecial:
        this.stats.writes++;
        return this.special(label, fromAscii(rest));
      case CMD.readText: {
        this.stats.reads++;
        const f = this.files.get(label);
        return { command: CMD.writeText, data: concat(ascii(label), f?.type === 'text' ? f.bytes : new Uint8Array(0)) };
      }
      case CMD.readDots: {
        this.stats.reads++;
        const f = this.files.get(label);
        if (f?.type !== 'dots') return { command: CMD.writeDots, data: ascii(`${label}0000`) };
        return { command: CMD.writeDots, data: dotsData(label, f.rows) };
      }
      case CMD.readSpecial: {
        this.stats.reads++;
        const v = this.readSpecial(label);
        return v === null ? this.illegal() : { command: CMD.writeSpecial, data: ascii(label + v) };
      }
      default:
        return this.illegal();
    }
  }

  private illegal(): null {
    this.errorRegister |= ERR.illegalCommand;
    return null;
  }

  private allocated(label: string, type: 'text' | 'dots'): boolean {
    if (this.memory === null) return type === 'text' && label === 'A'; // factory default: TEXT file A
    return this.memory.some((m) => m.label === label && m.type === type);
  }

  private special(fn: string, v: string): null {
    switch (fn) {
      case SF.timeOfDay:
        if (!/^([01]\d|2[0-3])[0-5]\d$/.test(v)) return this.illegal();
        this.timeOfDay = v;
        return null;
      case SF.date:
        if (!/^\d{6}$/.test(v)) return this.illegal();
        this.date = v;
        return null;
      case SF.dayOfWeek:
        if (!/^[1-7]$/.test(v)) return this.illegal();
        this.dayOfWeek = v;
        return null;
      case SF.dimming:
        if (!/^[0-9A-F]{2}0[0-4]$/.test(v)) return this.illegal();
        this.dimming = v;
        return null;
      case SF.memoryConfig: {
        const m = parseMemoryConfig(v);
        if (typeof m === 'string') return this.illegal();
        this.memory = m;
        this.files.clear();
        this.runSequence = '';
        return null;
      }
      case SF.runSequence:
        if (!/^[STD][UL]/.test(v)) return this.illegal();
        this.runMode = v.slice(0, 2);
        this.runSequence = v.slice(2);
        return null;
      case SF.softReset:
        this.errorRegister = 0;
        return null;
      default:
        return this.illegal();
    }
  }

  private readSpecial(fn: string): string | null {
    switch (fn) {
      case SF.timeOfDay:
        return this.timeOfDay;
      case SF.date:
        return this.date;
      case SF.dimming:
        return this.dimming;
      case SF.runSequence:
        return this.runMode + this.runSequence;
      case SF.memoryConfig:
        return (this.memory ?? []).map((m) => m.label).join('');
      case SF.errorStatus: {
        const r = String.fromCharCode(0x40 | this.errorRegister);
        this.errorRegister = 0; // reading clears it
        return r;
      }
      default:
        return null;
    }
  }

  /** A board whose font lacks Vietnamese marks keeps the letters and loses the marks. */
  private dropMarks(content: Uint8Array): Uint8Array {
    if (this.charset === 'ascii') return content.slice();
    const out: number[] = [];
    let text: number[] = [];
    const flush = () => {
      if (text.length)
        out.push(...encodeText(stripDiacritics(decodeText(Uint8Array.from(text), this.charset)), this.charset));
      text = [];
    };
    for (const b of content) {
      if (b < 0x20) {
        flush();
        out.push(b);
      } else text.push(b);
    }
    flush();
    return Uint8Array.from(out);
  }

  // ---- what it shows ----

  /** The pages in run-sequence order: text lines as the board decodes them, or a picture. */
  shown(): { label: string; mode: string; lines: string[]; pictures: Bitmap[] }[] {
    return [...this.runSequence].map((label) => {
      const f = this.files.get(label);
      if (f?.type !== 'text') return { label, mode: '', lines: [], pictures: [] };
      const t = parseTextFile(f.bytes, this.charset);
      const pictures = t.pictures.map((pl) => this.pictureBitmap(pl)).filter((b): b is Bitmap => b !== null);
      return { label, mode: t.mode ?? t.modeCode, lines: t.lines, pictures };
    });
  }

  pictureBitmap(label: string): Bitmap | null {
    const f = this.files.get(label);
    if (f?.type !== 'dots') return null;
    const b = createBitmap(f.width, f.height);
    for (const [y, r] of f.rows.entries())
      for (const [x, c] of [...r].entries()) b.data[y * f.width + x] = c === '0' ? 0 : 1;
    return b;
  }

  get brightnessPercent(): number {
    return [100, 86, 72, 58, 44][Number(this.dimming.slice(2))] ?? 0;
  }

  get clock(): { time: string; date: string; dayOfWeek: string } {
    return { time: this.timeOfDay, date: this.date, dayOfWeek: this.dayOfWeek };
  }

  /** Every page as the board draws it, stacked top to bottom (one board-sized panel per page). */
  previewBitmap(): Bitmap {
    const pages = this.shown();
    const panels = pages.length ? pages : [{ label: '', mode: '', lines: [], pictures: [] }];
    const gap = 2;
    const out = createBitmap(this.columns, panels.length * this.rows + (panels.length - 1) * gap);
    panels.forEach((pg, i) => {
      const top = i * (this.rows + gap);
      const lines = pg.lines.filter((l) => l !== '');
      const panel = pg.pictures[0] ?? renderLines(lines, { width: this.columns, height: this.rows, strict: false });
      blit(out, panel, 0, top);
    });
    return out;
  }

  /** PNG of previewBitmap(). */
  preview(): Buffer {
    return Buffer.from(bitmapToPng(this.previewBitmap(), { scale: 4 }));
  }

  // ---- transports ----

  private reply(answers: Uint8Array[], send: (b: Uint8Array) => void): void {
    if (!answers.length) return;
    const go = () => answers.forEach(send);
    if (this.answerDelayMs > 0) setTimeout(go, this.answerDelayMs);
    else go();
  }

  /** Listens on TCP like a board behind a serial device server. Port 0 picks a free port. */
  async listenTcp(port = 0, host = '127.0.0.1'): Promise<{ host: string; port: number }> {
    const server = net.createServer((sock) => {
      this.sockets.add(sock);
      sock.setNoDelay(true);
      sock.on('data', (chunk) => this.reply(this.feed(chunk), (b) => sock.write(b)));
      sock.on('error', () => undefined);
      sock.on('close', () => this.sockets.delete(sock));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const addr = server.address() as net.AddressInfo;
    return { host, port: addr.port };
  }

  /** Opens a serial path (e.g. one end of a socat pty pair) and answers on it. */
  async openSerial(path: string, baudRate = 9600): Promise<void> {
    const sp = new (serialPortClass())({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => sp.open((e) => (e ? reject(e) : resolve())));
    this.serial = sp;
    sp.on('data', (chunk: Buffer) => this.reply(this.feed(chunk), (b) => sp.write(Buffer.from(b))));
    sp.on('error', () => undefined);
  }

  /** Drops every TCP connection (a device server restarting) but keeps listening. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
    const sp = this.serial;
    this.serial = null;
    if (sp?.isOpen) await new Promise<void>((r) => sp.close(() => r()));
  }
}

export interface StartAlphaSimulatorOptions extends AlphaSimulatorOptions {
  /** TCP port to listen on (0 = any free port). */
  tcpPort?: number;
  host?: string;
  /** Or a serial path to open. */
  serialPath?: string;
  baudRate?: number;
}

/** Starts a simulator in-process (the demo uses this on a TCP port). */
export async function startAlphaSimulator(
  options: StartAlphaSimulatorOptions = {},
): Promise<{ sim: AlphaSimulator; host?: string; port?: number; stop(): Promise<void> }> {
  const sim = new AlphaSimulator(options);
  let where: { host: string; port: number } | undefined;
  if (options.serialPath) await sim.openSerial(options.serialPath, options.baudRate);
  else where = await sim.listenTcp(options.tcpPort ?? 0, options.host ?? '127.0.0.1');
  return { sim, ...where, stop: () => sim.close() };
}

// Standalone: node bin/run-ts.mjs firmware-bridge/led/alpha/alpha-simulator.ts [--port N] [--serial PATH] [--charset ascii]
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const r = await startAlphaSimulator({
    tcpPort: Number(arg('port') ?? 0),
    serialPath: arg('serial'),
    charset: (arg('charset') as Charset | undefined) ?? 'unicode-utf8',
    address: arg('address') ?? '01',
    rows: arg('rows') ? Number(arg('rows')) : undefined,
    columns: arg('columns') ? Number(arg('columns')) : undefined,
  });
  console.log(
    `Alpha board simulator "${r.sim.name}" (${r.sim.charset}, ${r.sim.columns}×${r.sim.rows}, address ${r.sim.address}) on ${r.port ? `tcp ${r.host}:${r.port}` : arg('serial')}`,
  );
  process.on('SIGINT', () => void r.stop().then(() => process.exit(0)));
}
