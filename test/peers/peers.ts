// Independent peers for Modbus tests and the benchmark: socat pty pairs (stand-ins for an RS-485
// line), the pymodbus server (test/peers/pymodbus_amp_server.py, Debian's python3-pymodbus run by
// /usr/bin/python3) and mbpoll (an independent Modbus master). Every helper returns a stop() that
// kills what it started and removes its files.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const PYMODBUS_SERVER = path.join(here, 'pymodbus_amp_server.py');
export const DEBIAN_PYTHON = '/usr/bin/python3';

export const havePymodbus = () => existsSync(DEBIAN_PYTHON) && existsSync('/usr/lib/python3/dist-packages/pymodbus');
export const haveSocat = () => existsSync('/usr/bin/socat');

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 1000);
  await exited;
  clearTimeout(t);
}

export interface PtyPair {
  /** the master's end */
  a: string;
  /** the slave's end */
  b: string;
  stop(keepDir?: boolean): Promise<void>;
}

/**
 * A socat pseudo-terminal pair in a fresh temp dir (or `dir`, to bring a pair back at the same
 * paths: a cable plugged in again): what one end writes, the other reads.
 */
export async function socatPair(
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-pty-')),
): Promise<PtyPair & { dir: string }> {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 5000;
  while (!(existsSync(a) && existsSync(b) && /starting data transfer loop/.test(err))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`socat did not create the pty pair: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    a,
    b,
    dir,
    async stop(keepDir = false) {
      await stopChild(child);
      if (!keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Peer {
  stop(): Promise<void>;
}

/** Starts the pymodbus server: ['tcp', port] or ['rtu', device, baud]; resolves when it prints READY. */
export async function pymodbusServer(args: Array<string | number>): Promise<Peer> {
  const child = spawn(DEBIAN_PYTHON, [PYMODBUS_SERVER, ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 10_000;
  while (!out.includes('READY')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`pymodbus server did not start: ${err.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { stop: () => stopChild(child) };
}

/** wardcast's Modbus amplifier simulator in a child process: ['tcp', port] or ['rtu', device, baud]. */
export async function wardcastSimServer(args: Array<string | number>): Promise<Peer> {
  const root = path.resolve(here, '..', '..');
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin', 'run-ts.mjs'), path.join(here, 'wardcast-amp-server.ts'), ...args.map(String)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const deadline = Date.now() + 15_000;
  while (!out.includes('READY')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`wardcast simulator did not start: ${err.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { stop: () => stopChild(child) };
}

/** Runs mbpoll once (-1) and returns its stdout; rejects with its output on a non-zero exit. */
export function mbpoll(args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('mbpoll', ['-1', ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err)
        reject(
          Object.assign(new Error(`mbpoll ${args.join(' ')} failed: ${stderr || stdout || err.message}`), {
            stdout,
            stderr,
          }),
        );
      else resolve(stdout);
    });
  });
}

/** Values from mbpoll's "[ref]: value" lines. */
export function mbpollValues(stdout: string): Record<number, number> {
  const out: Record<number, number> = {};
  for (const m of stdout.matchAll(/^\[(\d+)\]:\s+(-?\d+)/gm)) out[Number(m[1])] = Number(m[2]);
  return out;
}

export type LineFault = 'noise' | 'garble' | 'truncate' | 'bad-crc' | 'drop' | null;

export interface FaultyLine {
  /** Corrupts the next `count` answers from the slave side (default 1). */
  inject(fault: LineFault, count?: number): void;
  /** Bytes of noise to put on the line now (towards the master), e.g. between frames. */
  noise(bytes: Buffer): void;
  stop(): Promise<void>;
}

/**
 * A man in the middle on an RS-485 stand-in: master ⇄ pty pair 1 ⇄ this proxy ⇄ pty pair 2 ⇄
 * slave. Requests pass unchanged; answers (collected until the line is quiet for 8 ms) are
 * corrupted as injected: noise around them, replaced by noise (garble), cut short, a flipped CRC
 * byte, or dropped.
 */
export async function faultyLine(masterSide: string, slaveSide: string, baudRate: number): Promise<FaultyLine> {
  const { SerialPort } = await import('serialport');
  const open = (p: string) =>
    new Promise<InstanceType<typeof SerialPort>>((resolve, reject) => {
      const sp = new SerialPort({ path: p, baudRate, autoOpen: false });
      sp.open((err) => (err ? reject(err) : resolve(sp)));
    });
  const toMaster = await open(masterSide);
  const toSlave = await open(slaveSide);
  toMaster.on('error', () => undefined);
  toSlave.on('error', () => undefined);
  let fault: LineFault = null;
  let left = 0;
  let pending = Buffer.alloc(0);
  let timer: NodeJS.Timeout | null = null;
  toMaster.on('data', (d: Buffer) => toSlave.write(d));
  toSlave.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, 8);
  });
  function flush() {
    timer = null;
    let frame = pending;
    pending = Buffer.alloc(0);
    const f = left > 0 ? fault : null;
    if (left > 0 && --left === 0) fault = null;
    if (f === 'drop') return;
    if (f === 'truncate') frame = frame.subarray(0, Math.max(1, frame.length - 3));
    if (f === 'bad-crc') {
      frame = Buffer.from(frame);
      frame[frame.length - 1]! ^= 0xa5;
    }
    if (f === 'garble') frame = Buffer.from(frame.map((_, i) => (0x3c + 37 * i) & 0xff));
    if (f === 'noise')
      frame = Buffer.concat([Buffer.from([0xff, 0x00, 0x7e, 0x01, 0x83]), frame, Buffer.from([0x00, 0xff, 0x55])]);
    toMaster.write(frame);
  }
  return {
    inject(f, count = 1) {
      fault = f;
      left = f ? count : 0;
    },
    noise(bytes) {
      toMaster.write(bytes);
    },
    async stop() {
      if (timer) clearTimeout(timer);
      await Promise.all(
        [toMaster, toSlave].map((p) => new Promise<void>((r) => (p.isOpen ? p.close(() => r()) : r()))),
      );
    },
  };
}
