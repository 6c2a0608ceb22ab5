// Pseudo-terminal pairs from Debian's socat, standing in for an RS-232/RS-485 cable, and a tap that
// relays frames between two pairs so tests can put line noise, cut-off frames and bad checksums on
// the wire. Test support only.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { EOT } from '../protocol.ts';

export interface PtyPair {
  a: string;
  b: string;
  pid: number;
  stop(): Promise<void>;
}

/** socat -d -d pty,raw,echo=0,link=DIR/NAME-a pty,raw,echo=0,link=DIR/NAME-b */
export async function ptyPair(dir: string, name: string): Promise<PtyPair> {
  const a = `${dir}/${name}-a`;
  const b = `${dir}/${name}-b`;
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const started = Date.now();
  while (!(existsSync(a) && existsSync(b) && /starting data transfer loop/.test(stderr))) {
    if (child.exitCode !== null) throw new Error(`socat exited (${child.exitCode}): ${stderr}`);
    if (Date.now() - started > 5000) {
      child.kill('SIGKILL');
      throw new Error(`socat did not make ${a} and ${b} within 5 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    a,
    b,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function openPort(path: string, baudRate: number): Promise<SerialPort> {
  const sp = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => sp.open((e) => (e ? reject(e) : resolve())));
  return sp;
}

/** What the tap does with one frame (sync NULs through EOT): the chunks to send instead. */
export type FrameHook = (frame: Uint8Array, index: number) => Uint8Array[];

/**
 * Relays bytes between the driver's line and the board's line frame by frame, letting a test
 * change each frame. Bytes that are not frames are relayed as they come.
 */
export class LineTap {
  toBoard: FrameHook = (f) => [f];
  toDriver: FrameHook = (f) => [f];
  framesToBoard = 0;
  framesToDriver = 0;
  /** Half-duplex RS-485 adapter that echoes what the driver sends back to the driver. */
  echo = false;

  private constructor(
    private readonly driverSide: SerialPort,
    private readonly boardSide: SerialPort,
  ) {}

  static async open(driverSidePath: string, boardSidePath: string, baudRate: number): Promise<LineTap> {
    const tap = new LineTap(await openPort(driverSidePath, baudRate), await openPort(boardSidePath, baudRate));
    tap.relay(tap.driverSide, tap.boardSide, 'toBoard');
    tap.relay(tap.boardSide, tap.driverSide, 'toDriver');
    return tap;
  }

  private relay(from: SerialPort, to: SerialPort, dir: 'toBoard' | 'toDriver'): void {
    let pending: number[] = [];
    from.on('data', (chunk: Buffer) => {
      for (const byte of chunk) {
        pending.push(byte);
        if (byte === EOT) {
          const frame = Uint8Array.from(pending);
          pending = [];
          const n = dir === 'toBoard' ? this.framesToBoard++ : this.framesToDriver++;
          for (const out of this[dir](frame, n)) to.write(Buffer.from(out));
          if (dir === 'toBoard' && this.echo) from.write(Buffer.from(frame));
        }
      }
    });
    from.on('error', () => undefined);
  }

  async close(): Promise<void> {
    for (const sp of [this.driverSide, this.boardSide]) {
      if (sp.isOpen) await new Promise<void>((r) => sp.close(() => r()));
    }
  }
}

/** Noise as a bad line makes it: high bytes, stray letters, no SOH or EOT. */
export const NOISE = Uint8Array.from([0xff, 0xfe, 0x55, 0x41, 0x7f, 0x80, 0x20, 0x5a, 0x30, 0xaa]);
