// The slave (server) side of Modbus, small on purpose: PDU handling over a data model, Modbus TCP
// framing (MBAP) on a net.Server, and Modbus RTU framing (address, PDU, CRC-16) on a serial port
// or pseudo-terminal. Used by the device simulators; the master side is modbus-master.ts.
import net from 'node:net';
import type { SerialPort } from 'serialport';
import { serialPortClass } from './load-serialport.ts';

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), as appended little-endian to RTU frames. */
export function crc16(buf: Uint8Array): number {
  let crc = 0xffff;
  for (const b of buf) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export function withCrc(frame: Uint8Array): Buffer {
  const out = Buffer.alloc(frame.length + 2);
  out.set(frame);
  out.writeUInt16LE(crc16(frame), frame.length);
  return out;
}

/** Thrown by a data model to answer with a Modbus exception. */
export class ModbusException extends Error {
  constructor(readonly code: number) {
    super(`Modbus exception ${code}`);
  }
}

/** What a simulated device exposes. Throw ModbusException to refuse; async is allowed. */
export interface ModbusDataModel {
  readCoils(address: number, count: number): boolean[] | Promise<boolean[]>;
  readDiscreteInputs(address: number, count: number): boolean[] | Promise<boolean[]>;
  readHoldingRegisters(address: number, count: number): number[] | Promise<number[]>;
  readInputRegisters(address: number, count: number): number[] | Promise<number[]>;
  writeCoils(address: number, values: boolean[]): void | Promise<void>;
  writeRegisters(address: number, values: number[]): void | Promise<void>;
}

/** Answers one request PDU (function code + data) with a response PDU. */
export async function handlePdu(model: ModbusDataModel, pdu: Buffer): Promise<Buffer> {
  const fc = pdu[0]!;
  const exception = (code: number) => Buffer.from([fc | 0x80, code]);
  try {
    if (pdu.length < 5) return exception(0x03);
    const address = pdu.readUInt16BE(1);
    const countOrValue = pdu.readUInt16BE(3);
    switch (fc) {
      case 1:
      case 2: {
        if (countOrValue < 1 || countOrValue > 2000) return exception(0x03);
        const bits =
          fc === 1
            ? await model.readCoils(address, countOrValue)
            : await model.readDiscreteInputs(address, countOrValue);
        const bytes = Buffer.alloc(Math.ceil(countOrValue / 8));
        bits.forEach((b, i) => {
          if (b) bytes[i >> 3]! |= 1 << (i & 7);
        });
        return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
      }
      case 3:
      case 4: {
        if (countOrValue < 1 || countOrValue > 125) return exception(0x03);
        const regs =
          fc === 3
            ? await model.readHoldingRegisters(address, countOrValue)
            : await model.readInputRegisters(address, countOrValue);
        const out = Buffer.alloc(2 + 2 * regs.length);
        out[0] = fc;
        out[1] = 2 * regs.length;
        for (const [i, r] of regs.entries()) out.writeUInt16BE(r & 0xffff, 2 + 2 * i);
        return out;
      }
      case 5:
        if (countOrValue !== 0xff00 && countOrValue !== 0x0000) return exception(0x03);
        await model.writeCoils(address, [countOrValue === 0xff00]);
        return pdu.subarray(0, 5);
      case 6:
        await model.writeRegisters(address, [countOrValue]);
        return pdu.subarray(0, 5);
      case 15: {
        const n = countOrValue;
        const byteCount = pdu[5] ?? 0;
        if (n < 1 || n > 1968 || byteCount !== Math.ceil(n / 8) || pdu.length < 6 + byteCount) return exception(0x03);
        const values = Array.from({ length: n }, (_, i) => ((pdu[6 + (i >> 3)]! >> (i & 7)) & 1) === 1);
        await model.writeCoils(address, values);
        return pdu.subarray(0, 5);
      }
      case 16: {
        const n = countOrValue;
        const byteCount = pdu[5] ?? 0;
        if (n < 1 || n > 123 || byteCount !== 2 * n || pdu.length < 6 + byteCount) return exception(0x03);
        await model.writeRegisters(
          address,
          Array.from({ length: n }, (_, i) => pdu.readUInt16BE(6 + 2 * i)),
        );
        return pdu.subarray(0, 5);
      }
      default:
        return exception(0x01);
    }
  } catch (e) {
    if (e instanceof ModbusException) return exception(e.code);
    return exception(0x04);
  }
}

/**
 * The server's answer policy for one request: the response PDU, or null to stay silent. Wire
 * faults (RTU only) let tests send what a bad line delivers.
 */
export type Responder = (unit: number, pdu: Buffer) => Promise<Buffer | null>;
export type WireFault = 'garbage' | 'bad-crc' | 'truncated' | null;

/** Modbus TCP: MBAP header (transaction, protocol 0, length, unit) + PDU. */
export class ModbusTcpServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly respond: Responder) {}

  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((s) => this.serve(s));
      server.once('error', reject);
      server.listen(port, host, () => {
        this.server = server;
        this.port = (server.address() as net.AddressInfo).port;
        resolve(this.port);
      });
    });
  }

  /** Drops every open connection (a gateway restart); the server keeps listening. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let input = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk) => {
      input = Buffer.concat([input, chunk]);
      while (input.length >= 7) {
        const protocol = input.readUInt16BE(2);
        const len = input.readUInt16BE(4);
        if (protocol !== 0 || len < 2 || len > 254) {
          socket.destroy(); // not Modbus TCP: a real device drops the connection
          return;
        }
        if (input.length < 6 + len) break;
        const tid = input.readUInt16BE(0);
        const unit = input[6]!;
        const pdu = Buffer.from(input.subarray(7, 6 + len));
        input = input.subarray(6 + len);
        chain = chain.then(async () => {
          const answer = await this.respond(unit, pdu).catch(() => null);
          if (!answer || socket.destroyed) return;
          const head = Buffer.alloc(7);
          head.writeUInt16BE(tid, 0);
          head.writeUInt16BE(0, 2);
          head.writeUInt16BE(answer.length + 1, 4);
          head[6] = unit;
          socket.write(Buffer.concat([head, answer]));
        });
      }
    });
  }
}

/** Expected length of an RTU request frame from its first bytes, or 0 if not yet known. */
function rtuRequestLength(buf: Buffer): number {
  if (buf.length < 2) return 0;
  const fc = buf[1]!;
  if (fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) return buf.length >= 7 ? 9 + buf[6]! : 0;
  return -1; // unknown function: cannot frame it
}

export interface RtuServerOptions {
  path: string;
  baudRate: number;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  dataBits?: 7 | 8;
  /** Wire faults for tests, applied to each answer. */
  wireFault?: () => WireFault;
}

/**
 * Modbus RTU slave on a serial port (or one end of a socat pty pair). Frames requests by function
 * code, checks the CRC (a bad frame is ignored, as a real slave does), resynchronises past noise
 * byte by byte, and answers only the units `respond` serves.
 */
export class ModbusRtuServer {
  private port: SerialPort | null = null;
  private input = Buffer.alloc(0);
  private lastByteAt = 0;
  private chain = Promise.resolve();
  /** Frames received with a bad CRC (noise), for tests. */
  badFrames = 0;

  constructor(
    private readonly options: RtuServerOptions,
    private readonly respond: Responder,
  ) {}

  async open(): Promise<void> {
    const o = this.options;
    const port = new (serialPortClass())({
      path: o.path,
      baudRate: o.baudRate,
      parity: o.parity ?? 'none',
      stopBits: o.stopBits ?? 1,
      dataBits: o.dataBits ?? 8,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('error', () => undefined);
    this.port = port;
  }

  async close(): Promise<void> {
    const p = this.port;
    this.port = null;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
  }

  private onData(chunk: Buffer): void {
    const now = Date.now();
    // A silence longer than a frame gap ends whatever came before (t3.5; generous for ptys).
    if (now - this.lastByteAt > 50) this.input = Buffer.alloc(0);
    this.lastByteAt = now;
    this.input = Buffer.concat([this.input, chunk]);
    for (;;) {
      const need = rtuRequestLength(this.input);
      if (need === 0 || (need > 0 && this.input.length < need)) return;
      if (need < 0) {
        this.input = this.input.subarray(1); // not a request we can frame: noise, skip a byte
        continue;
      }
      const frame = this.input.subarray(0, need);
      if (crc16(frame.subarray(0, need - 2)) !== frame.readUInt16LE(need - 2)) {
        this.badFrames++;
        this.input = this.input.subarray(1);
        continue;
      }
      this.input = this.input.subarray(need);
      const unit = frame[0]!;
      const pdu = Buffer.from(frame.subarray(1, need - 2));
      this.chain = this.chain.then(() => this.answer(unit, pdu));
    }
  }

  private async answer(unit: number, pdu: Buffer): Promise<void> {
    if (unit === 0) {
      await this.respond(unit, pdu).catch(() => null); // broadcast: act, never answer
      return;
    }
    const answer = await this.respond(unit, pdu).catch(() => null);
    if (!answer || !this.port) return;
    let frame = withCrc(Buffer.concat([Buffer.from([unit]), answer]));
    const fault = this.options.wireFault?.() ?? null;
    if (fault === 'bad-crc') frame[frame.length - 1]! ^= 0x5a;
    if (fault === 'truncated') frame = frame.subarray(0, Math.max(1, frame.length - 3));
    if (fault === 'garbage')
      frame = Buffer.concat([Buffer.from([0x00, 0xff, 0x13, 0x37, unit, 0x99]), frame, Buffer.from([0xaa, 0x55])]);
    this.port.write(frame);
  }
}
