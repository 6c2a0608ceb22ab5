// A StreamLink over a local serial port (RS-232, or RS-485 through an adapter), with serialport.
// Ports are opened by path (SerialPort.list() needs udevadm, which field images may lack).
//
// RS-485: serialport@13 has no RS-485 direction control. Use an adapter that switches direction by
// itself (most USB-RS485 adapters do), or put the UART in the kernel's RS-485 mode beforehand
// (device tree / TIOCSRS485). With `rs485Echo`, the bytes a half-duplex adapter echoes back are
// expected and skipped by the answer parser (it only accepts answers).
import type { SerialPort } from 'serialport';
import { serialPortClass } from './load-serialport.ts';
import { StreamLink, type LinkOptions } from './serial-link.ts';

export interface SerialLinkSettings {
  path: string;
  baudRate: number;
  dataBits?: 7 | 8;
  parity?: 'none' | 'even' | 'odd';
  stopBits?: 1 | 2;
}

export const describeSerial = (s: SerialLinkSettings) =>
  `serial ${s.path} ${s.baudRate} ${s.dataBits ?? 8}${(s.parity ?? 'none')[0]!.toUpperCase()}${s.stopBits ?? 1}`;

export class SerialPortLink extends StreamLink {
  readonly port: string;
  private sp: SerialPort | null = null;

  constructor(
    private readonly settings: SerialLinkSettings,
    options: LinkOptions,
  ) {
    super(options);
    this.port = describeSerial(settings);
  }

  /** Start, data, parity and stop bits per byte at the baud rate. */
  protected override wireTimeMs(bytes: number): number {
    const s = this.settings;
    const bitsPerByte = 1 + (s.dataBits ?? 8) + ((s.parity ?? 'none') === 'none' ? 0 : 1) + (s.stopBits ?? 1);
    return (bytes * bitsPerByte * 1000) / s.baudRate;
  }

  protected openLink(): Promise<void> {
    const s = this.settings;
    const sp = new (serialPortClass())({
      path: s.path,
      baudRate: s.baudRate,
      dataBits: s.dataBits ?? 8,
      parity: s.parity ?? 'none',
      stopBits: s.stopBits ?? 1,
      autoOpen: false,
    });
    return new Promise((resolve, reject) => {
      sp.open((err) => {
        if (err) {
          sp.removeAllListeners();
          return reject(err);
        }
        this.sp = sp;
        sp.on('data', (chunk: Buffer) => this.received(chunk));
        sp.on('error', (e: Error) => this.dropped(`port error: ${e.message}`));
        sp.on('close', () => {
          if (this.sp === sp) this.sp = null;
          this.dropped('port closed (adapter unplugged?)');
        });
        resolve();
      });
    });
  }

  protected writeLink(bytes: Uint8Array): Promise<void> {
    const sp = this.sp;
    if (!sp) return Promise.reject(new Error('port is not open'));
    return new Promise((resolve, reject) => {
      sp.write(Buffer.from(bytes), (err) => {
        if (err) return reject(err);
        sp.drain((e) => (e ? reject(e) : resolve()));
      });
    });
  }

  protected closeLink(): Promise<void> {
    const sp = this.sp;
    this.sp = null;
    if (!sp?.isOpen) return Promise.resolve();
    return new Promise((resolve) => sp.close(() => resolve()));
  }
}
