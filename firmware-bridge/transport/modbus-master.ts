// A Modbus master on one bus: RTU on a serial line (RS-485 through an adapter) or TCP (a device
// with Modbus TCP, or an RTU line behind a Modbus TCP gateway), built on modbus-serial.
//
// What modbus-serial does not do by itself and this class adds:
//   - one request at a time per bus (a queue of concurrency 1): RTU is half duplex, and one master
//     must wait for each answer; several devices (unit ids) on one line share one ModbusBus;
//   - a timeout on every request (modbus-serial has none by default);
//   - bounded retries with exponential backoff for what may pass (timeout, CRC or framing error,
//     exceptions 05 acknowledge, 06 busy, 0B gateway target failed to respond, link down);
//   - reopening the port or socket after it dropped (modbus-serial stays at "Port Not Open");
//   - on RTU, its own framing port (modbus-rtu-port.ts) that finds the answer by unit, function,
//     length and CRC among line noise, and flushes stray bytes (the tail of a bad frame, a late
//     answer) before each request, so a bad answer cannot poison the next one;
//   - errors as DeviceError naming the device, unit, function, registers and what went wrong,
//     with the meaning of a Modbus exception code.
import { createRequire } from 'node:module';
import { DeviceError, type DeviceErrorCode } from '../errors.ts';
import { OpQueue, sleep } from '../op-queue.ts';
import { RtuFramedPort } from './modbus-rtu-port.ts';

const require = createRequire(import.meta.url);

export type ModbusLinkSettings =
  | {
      type: 'rtu';
      /** e.g. /dev/ttyUSB0 (opened by path; no port enumeration) */
      path: string;
      baudRate: number;
      parity?: 'none' | 'even' | 'odd';
      stopBits?: 1 | 2;
      dataBits?: 7 | 8;
    }
  | { type: 'tcp'; host: string; port: number };

export interface ModbusBusOptions {
  /** Answer timeout per request. Default 500 ms. */
  timeoutMs?: number;
  /** Further attempts after the first fails with something that may pass. Default 2. */
  retries?: number;
  /** First backoff; doubles per attempt up to maxBackoffMs. Default 40 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long to wait for the port to open or the TCP connection. Default 3000 ms. */
  connectTimeoutMs?: number;
}

export interface ModbusStats {
  requests: number;
  attempts: number;
  retries: number;
  timeouts: number;
  badFrames: number;
  exceptions: number;
  opens: number;
  reopens: number;
}

/** Meaning of each Modbus exception code (Modbus Application Protocol v1.1b3, section 7). */
export const MODBUS_EXCEPTIONS: Record<number, string> = {
  0x01: 'illegal function: the device does not support this function code',
  0x02: 'illegal data address: the device has no such register or coil',
  0x03: 'illegal data value: the device refused the value or the count',
  0x04: 'server device failure: the device failed while performing the request',
  0x05: 'acknowledge: accepted, but the device needs longer to finish',
  0x06: 'server device busy: try again later',
  0x08: 'memory parity error',
  0x0a: 'gateway path unavailable: the gateway has no route to that unit',
  0x0b: 'gateway target device failed to respond: the unit behind the gateway did not answer',
};
const RETRIED_EXCEPTIONS = new Set([0x05, 0x06, 0x0b]);

export const exceptionText = (code: number) =>
  `Modbus exception ${code.toString(16).padStart(2, '0').toUpperCase()} (${MODBUS_EXCEPTIONS[code] ?? 'unknown exception code'})`;

export const FUNCTION_NAMES: Record<number, string> = {
  1: 'read coils',
  2: 'read discrete inputs',
  3: 'read holding registers',
  4: 'read input registers',
  5: 'write single coil',
  6: 'write single register',
  15: 'write multiple coils',
  16: 'write multiple registers',
};

export const describeLink = (s: ModbusLinkSettings) =>
  s.type === 'tcp'
    ? `modbus-tcp ${s.host}:${s.port}`
    : `modbus-rtu ${s.path} ${s.baudRate} ${s.dataBits ?? 8}${(s.parity ?? 'none')[0]!.toUpperCase()}${s.stopBits ?? 1}`;

// The parts of modbus-serial's client this class uses (its callback API takes the unit per call).
type Next = (
  err: (Error & { modbusCode?: number; errno?: string }) | null,
  data?: { data: Array<number | boolean> },
) => void;
interface Client {
  isOpen: boolean;
  _port?: { _buffer?: Buffer };
  setTimeout(ms: number): void;
  connectTCP(host: string, options: { port: number; timeout?: number }, next: (err?: Error | null) => void): void;
  open(next: (err?: Error | null) => void): void;
  close(next: () => void): void;
  destroy(next: () => void): void;
  writeFC1(unit: number, address: number, count: number, next: Next): void;
  writeFC2(unit: number, address: number, count: number, next: Next): void;
  writeFC3(unit: number, address: number, count: number, next: Next): void;
  writeFC4(unit: number, address: number, count: number, next: Next): void;
  writeFC5(unit: number, address: number, state: boolean, next: Next): void;
  writeFC6(unit: number, address: number, value: number, next: Next): void;
  writeFC15(unit: number, address: number, states: boolean[], next: Next): void;
  writeFC16(unit: number, address: number, values: number[], next: Next): void;
  on(event: string, fn: (...a: unknown[]) => void): void;
}
type ClientCtor = new (port?: unknown) => Client;

let ModbusRTU: ClientCtor | undefined;
function clientCtor(): ClientCtor {
  ModbusRTU ??= require('modbus-serial') as ClientCtor;
  return ModbusRTU;
}

/** One request, described for errors. */
interface Request {
  device: string;
  unit: number;
  fc: number;
  address: number;
  count: number;
  /** what the registers mean, e.g. "power, zones" */
  what?: string;
  send(c: Client, next: Next): void;
}

/** Thrown inside an attempt; classified for retry and turned into a DeviceError at the end. */
class AttemptError extends Error {
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    readonly retry: boolean,
    readonly reconnect: boolean,
    readonly kind: 'timeout' | 'frame' | 'exception' | 'link',
    readonly modbusCode?: number,
  ) {
    super(message);
  }
}

/**
 * One Modbus line (a serial port, or a TCP connection to a gateway or device). Every request goes
 * through its queue. Devices on the bus use ModbusUnit handles, which name them in errors.
 */
export class ModbusBus {
  readonly link: string;
  readonly stats: ModbusStats = {
    requests: 0,
    attempts: 0,
    retries: 0,
    timeouts: 0,
    badFrames: 0,
    exceptions: 0,
    opens: 0,
    reopens: 0,
  };
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly connectTimeoutMs: number;
  private readonly queue = new OpQueue();
  private client: Client | null = null;
  private closed = false;
  private consecutiveTimeouts = 0;

  constructor(
    readonly settings: ModbusLinkSettings,
    options: ModbusBusOptions = {},
  ) {
    this.link = describeLink(settings);
    this.timeoutMs = options.timeoutMs ?? 500;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? 40;
    this.maxBackoffMs = options.maxBackoffMs ?? 1000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  }

  /** A device at `unitId` on this bus; `device` names it in every error. */
  unit(unitId: number, device: string): ModbusUnit {
    return new ModbusUnit(this, unitId, device);
  }

  get isOpen(): boolean {
    return !!this.client?.isOpen;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.run(() => this.dropClient());
  }

  /** Runs one request through the queue with timeout, retries and reconnection. */
  request<T>(req: Request, map: (data: Array<number | boolean>) => T): Promise<T> {
    return this.queue.run(() => this.run(req, map));
  }

  private async run<T>(req: Request, map: (data: Array<number | boolean>) => T): Promise<T> {
    this.stats.requests++;
    let last: AttemptError | null = null;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (this.closed) throw this.deviceError(req, new AttemptError('io', 'the link is closed', false, false, 'link'));
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1)));
      }
      this.stats.attempts++;
      try {
        const data = await this.attempt(req);
        this.consecutiveTimeouts = 0;
        return map(data);
      } catch (e) {
        last = e instanceof AttemptError ? e : new AttemptError('io', (e as Error).message, true, true, 'link');
        if (last.kind === 'timeout') this.stats.timeouts++;
        if (last.kind === 'frame') this.stats.badFrames++;
        if (last.kind === 'exception') this.stats.exceptions++;
        // A gateway that stopped forwarding looks like repeated timeouts: start a fresh connection.
        this.consecutiveTimeouts = last.kind === 'timeout' ? this.consecutiveTimeouts + 1 : 0;
        if (last.reconnect || (this.settings.type === 'tcp' && this.consecutiveTimeouts >= 2)) await this.dropClient();
        if (!last.retry) break;
      }
    }
    throw this.deviceError(req, last!);
  }

  private deviceError(req: Request, e: AttemptError): DeviceError {
    const fn = FUNCTION_NAMES[req.fc] ?? `function ${req.fc}`;
    const regs = req.count > 1 ? `${req.address}-${req.address + req.count - 1}` : `${req.address}`;
    const operation = `unit ${req.unit} FC${String(req.fc).padStart(2, '0')} ${fn} ${regs}${req.what ? ` (${req.what})` : ''}`;
    const err = new DeviceError(req.device, operation, e.code, `${this.link}: ${e.message}`, { cause: e });
    if (e.modbusCode !== undefined) (err as DeviceError & { modbusException?: number }).modbusException = e.modbusCode;
    return err;
  }

  private async attempt(req: Request): Promise<Array<number | boolean>> {
    const client = await this.ensureOpen();
    // RTU: whatever is in the receive buffer now is noise or a late answer, never ours.
    if (this.settings.type === 'rtu' && client._port && client._port._buffer) client._port._buffer = Buffer.alloc(0);
    return new Promise((resolve, reject) => {
      let settled = false;
      // modbus-serial's own timeout fires first; this one is a guard should it never call back.
      const guard = setTimeout(
        () => finish(new AttemptError('timeout', `no answer within ${this.timeoutMs} ms`, true, false, 'timeout')),
        this.timeoutMs + 250,
      );
      const finish = (err: AttemptError | null, data?: Array<number | boolean>) => {
        if (settled) return;
        settled = true;
        clearTimeout(guard);
        if (err) reject(err);
        else resolve(data ?? []);
      };
      try {
        req.send(client, (err, res) => {
          if (err) return finish(this.classify(err));
          finish(null, res?.data ?? []);
        });
      } catch (e) {
        finish(new AttemptError('io', `request failed: ${(e as Error).message}`, true, true, 'link'));
      }
    });
  }

  private classify(err: Error & { modbusCode?: number; errno?: string }): AttemptError {
    const msg = err.message ?? String(err);
    if (err.modbusCode !== undefined) {
      const c = err.modbusCode;
      return new AttemptError(
        'exception',
        `device answered ${exceptionText(c)}`,
        RETRIED_EXCEPTIONS.has(c),
        false,
        'exception',
        c,
      );
    }
    if (err.errno === 'ETIMEDOUT' || /timed out/i.test(msg)) {
      return new AttemptError('timeout', `no answer within ${this.timeoutMs} ms`, true, false, 'timeout');
    }
    if (/CRC error/i.test(msg))
      return new AttemptError(
        'io',
        'bad answer: CRC error (line noise, wrong baud rate or parity, or two masters on the line)',
        true,
        false,
        'frame',
      );
    if (/Data length error|Unexpected data error/i.test(msg))
      return new AttemptError('io', `bad answer: ${msg}`, true, false, 'frame');
    if (/Port Not Open/i.test(msg))
      return new AttemptError('io', 'the port is not open (cable unplugged, gateway down?)', true, true, 'link');
    return new AttemptError('io', msg, true, true, 'link');
  }

  private async ensureOpen(): Promise<Client> {
    if (this.client?.isOpen) return this.client;
    await this.dropClient();
    const Ctor = clientCtor();
    const s = this.settings;
    // RTU: our own framing port (see modbus-rtu-port.ts); TCP: modbus-serial's TcpPort via connectTCP.
    const client = s.type === 'rtu' ? new Ctor(new RtuFramedPort(s)) : new Ctor();
    // An error event on the port must not crash the process; the next request reopens.
    client.on('error', () => undefined);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no connection within ${this.connectTimeoutMs} ms`)),
          this.connectTimeoutMs,
        );
        const done = (err?: Error | null) => {
          clearTimeout(timer);
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve();
        };
        if (s.type === 'tcp') client.connectTCP(s.host, { port: s.port, timeout: this.connectTimeoutMs }, done);
        else client.open(done);
      });
    } catch (e) {
      await new Promise<void>((r) => {
        try {
          client.destroy(() => r());
        } catch {
          r();
        }
      });
      throw new AttemptError(
        'io',
        `cannot open the link: ${(e as Error).message.replace(/^Error: /, '')}`,
        true,
        false,
        'link',
      );
    }
    // Per-request answer timeout, set after connecting: as a TCP socket option it would also close idle sockets.
    client.setTimeout(this.timeoutMs);
    const tcpSocket = (client._port as unknown as { _client?: { setTimeout?: (ms: number) => void } } | undefined)
      ?._client;
    if (s.type === 'tcp') tcpSocket?.setTimeout?.(0);
    this.stats.opens++;
    if (this.stats.opens > 1) this.stats.reopens++;
    this.client = client;
    return client;
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (!c) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 500);
      try {
        const done = () => {
          clearTimeout(t);
          resolve();
        };
        if (this.settings.type === 'tcp') c.destroy(done);
        else c.close(done);
      } catch {
        clearTimeout(t);
        resolve();
      }
    });
  }
}

/** A device (unit id) on a bus. Every method may throw a DeviceError naming the device. */
export class ModbusUnit {
  constructor(
    readonly bus: ModbusBus,
    readonly unitId: number,
    readonly device: string,
  ) {}

  private req(fc: number, address: number, count: number, what: string | undefined, send: Request['send']): Request {
    return { device: this.device, unit: this.unitId, fc, address, count, what, send };
  }

  readCoils(address: number, count: number, what?: string): Promise<boolean[]> {
    return this.bus.request(
      this.req(1, address, count, what, (c, n) => c.writeFC1(this.unitId, address, count, n)),
      (d) => (d as boolean[]).slice(0, count),
    );
  }

  readDiscreteInputs(address: number, count: number, what?: string): Promise<boolean[]> {
    return this.bus.request(
      this.req(2, address, count, what, (c, n) => c.writeFC2(this.unitId, address, count, n)),
      (d) => (d as boolean[]).slice(0, count),
    );
  }

  readHoldingRegisters(address: number, count: number, what?: string): Promise<number[]> {
    return this.bus.request(
      this.req(3, address, count, what, (c, n) => c.writeFC3(this.unitId, address, count, n)),
      (d) => d as number[],
    );
  }

  readInputRegisters(address: number, count: number, what?: string): Promise<number[]> {
    return this.bus.request(
      this.req(4, address, count, what, (c, n) => c.writeFC4(this.unitId, address, count, n)),
      (d) => d as number[],
    );
  }

  writeCoil(address: number, on: boolean, what?: string): Promise<void> {
    return this.bus.request(
      this.req(5, address, 1, what, (c, n) => c.writeFC5(this.unitId, address, on, n)),
      () => undefined,
    );
  }

  writeCoils(address: number, states: boolean[], what?: string): Promise<void> {
    return this.bus.request(
      this.req(15, address, states.length, what, (c, n) => c.writeFC15(this.unitId, address, states, n)),
      () => undefined,
    );
  }

  writeRegister(address: number, value: number, what?: string): Promise<void> {
    return this.bus.request(
      this.req(6, address, 1, what, (c, n) => c.writeFC6(this.unitId, address, value, n)),
      () => undefined,
    );
  }

  writeRegisters(address: number, values: number[], what?: string): Promise<void> {
    return this.bus.request(
      this.req(16, address, values.length, what, (c, n) => c.writeFC16(this.unitId, address, values, n)),
      () => undefined,
    );
  }
}
