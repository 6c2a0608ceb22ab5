// The serial port under modbus-serial's client for Modbus RTU, replacing its RTUBufferedPort,
// whose framer takes the first bytes that look like the answer's header and gives up on them if
// the CRC is wrong: line noise that happens to contain "unit, 0x83" then spoils the answer behind
// it. This one scans the received bytes for a frame with the expected unit, function (or its
// exception) and length AND a valid CRC. A bad-CRC frame right at the start of the answer (where
// a real slave's answer begins, the buffer being flushed before each request) is passed on at
// once, so a corrupted answer is reported as a CRC error rather than a timeout.
import { EventEmitter } from 'node:events';
import type { SerialPort } from 'serialport';
import { serialPortClass } from './load-serialport.ts';
import { crc16 } from './modbus-server.ts';

export interface RtuPortSettings {
  path: string;
  baudRate: number;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
  dataBits?: 7 | 8;
}

/** Length of the answer to a request frame, or 0 if the function is not one we frame. */
export function rtuAnswerLength(request: Uint8Array): number {
  const fc = request[1];
  const count = ((request[4] ?? 0) << 8) | (request[5] ?? 0);
  switch (fc) {
    case 1:
    case 2:
      return 5 + Math.ceil(count / 8);
    case 3:
    case 4:
      return 5 + 2 * count;
    case 5:
    case 6:
    case 15:
    case 16:
      return 8;
    default:
      return 0;
  }
}

const MAX_BUFFER = 512;

export class RtuFramedPort extends EventEmitter {
  // modbus-serial reads and sets these on its port
  _transactionIdRead = 1;
  _transactionIdWrite = 1;
  /** Received, not yet framed. ModbusBus clears it before each request. */
  _buffer = Buffer.alloc(0);
  /** Frames with the right header and length but a bad CRC, skipped while scanning (noise). */
  skippedBadFrames = 0;
  private readonly port: SerialPort;
  private unit = -1;
  private fc = -1;
  private length = 0;

  constructor(settings: RtuPortSettings) {
    super();
    this.port = new (serialPortClass())({
      path: settings.path,
      baudRate: settings.baudRate,
      parity: settings.parity ?? 'none',
      stopBits: settings.stopBits ?? 1,
      dataBits: settings.dataBits ?? 8,
      autoOpen: false,
    });
    this.port.on('data', (d: Buffer) => this.onData(d));
    this.port.on('error', (e) => this.emit('error', e));
    this.port.on('close', () => this.emit('close'));
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  open(callback: (err?: Error | null) => void): void {
    this.port.open((err) => callback(err ?? null));
  }

  close(callback?: (err?: Error | null) => void): void {
    if (!this.port.isOpen) {
      callback?.(null);
      return;
    }
    this.port.close((err) => callback?.(err ?? null));
  }

  destroy(callback?: () => void): void {
    this.close(() => callback?.());
  }

  write(data: Buffer): void {
    this.unit = data[0] ?? -1;
    this.fc = data[1] ?? -1;
    this.length = rtuAnswerLength(data);
    this._buffer = Buffer.alloc(0);
    this.port.write(data);
  }

  private onData(chunk: Buffer): void {
    this._buffer = Buffer.concat([this._buffer, chunk]);
    if (this._buffer.length > MAX_BUFFER) this._buffer = this._buffer.subarray(this._buffer.length - MAX_BUFFER);
    if (this.length === 0) return;
    const buf = this._buffer;
    for (let i = 0; i + 5 <= buf.length; i++) {
      if (buf[i] !== this.unit) continue;
      const f = buf[i + 1];
      const len = f === this.fc ? this.length : f === (this.fc | 0x80) ? 5 : 0;
      if (!len || i + len > buf.length) continue;
      const frame = buf.subarray(i, i + len);
      const crcOk = crc16(frame.subarray(0, len - 2)) === frame.readUInt16LE(len - 2);
      if (crcOk || i === 0) {
        this._buffer = buf.subarray(i + len);
        this.length = 0; // one answer per request
        this.emit('data', Buffer.from(frame));
        return;
      }
      this.skippedBadFrames++;
    }
  }
}
