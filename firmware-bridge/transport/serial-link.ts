// A byte link to a device on a serial line: a local port (serial-port-link.ts) or the same line
// behind a serial device server over TCP (tcp-stream.ts). This base class owns what both share:
// one exchange at a time, answer timeouts, bounded retries with exponential backoff, reopening the
// link when it dropped (a USB adapter unplugged and back, a device server restarted), and errors
// that name the device, the port and what went wrong.
import { DeviceError } from '../errors.ts';
import { OpQueue, sleep } from '../op-queue.ts';

/** What a parser says about the bytes received so far. */
export type ParseStep<T> =
  | { kind: 'more' }
  /** A complete answer; `consumed` bytes are dropped from the input. */
  | { kind: 'done'; value: T; consumed: number }
  /** A complete but bad answer (checksum, framing): retried like a timeout. */
  | { kind: 'bad'; reason: string; consumed: number };

export interface Exchange<T> {
  /** Named in errors, e.g. "read TEXT file A". */
  operation: string;
  /** Bytes to send; the answer is parsed from the input received after sending. */
  request: Uint8Array;
  /** Parses the bytes received so far. Omit for a write that expects no answer. */
  parse?: (input: Buffer) => ParseStep<T>;
  timeoutMs?: number;
  retries?: number;
}

export interface LinkOptions {
  /** The device (not the port), e.g. 'LED board "bang-led-1"'. First word of every DeviceError. */
  device: string;
  /** How long to wait for an answer. Default 1000 ms. */
  timeoutMs?: number;
  /** Further attempts after the first fails (timeout, bad answer, link down). Default 2. */
  retries?: number;
  /** First backoff between attempts; doubles each time up to maxBackoffMs. Default 50 ms. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Pause after each write, for boards that need time to digest a frame. Default 0. */
  writeGapMs?: number;
}

export interface LinkStats {
  opens: number;
  reopens: number;
  attempts: number;
  retries: number;
  timeouts: number;
  badAnswers: number;
  bytesOut: number;
  bytesIn: number;
}

export abstract class StreamLink {
  readonly device: string;
  readonly stats: LinkStats = {
    opens: 0,
    reopens: 0,
    attempts: 0,
    retries: 0,
    timeouts: 0,
    badAnswers: 0,
    bytesOut: 0,
    bytesIn: 0,
  };
  protected readonly timeoutMs: number;
  protected readonly retries: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly writeGapMs: number;
  private readonly queue = new OpQueue();
  private input = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  private connected = false;
  private opening: Promise<void> | null = null;
  private closed = false;
  private lastDrop: string | null = null;

  constructor(options: LinkOptions) {
    this.device = options.device;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 2000;
    this.writeGapMs = options.writeGapMs ?? 0;
  }

  /** The port as an installer names it, e.g. "serial /dev/ttyUSB0 9600 8N1" or "tcp 10.0.0.5:4001". */
  abstract readonly port: string;
  protected abstract openLink(): Promise<void>;
  protected abstract writeLink(bytes: Uint8Array): Promise<void>;
  protected abstract closeLink(): Promise<void>;

  /** How long the bytes take on the wire (a serial line at its baud rate); 0 for TCP. */
  protected wireTimeMs(_bytes: number): number {
    return 0;
  }

  get isOpen(): boolean {
    return this.connected;
  }

  /** Subclasses call this with every chunk received. */
  protected received(chunk: Buffer): void {
    this.stats.bytesIn += chunk.length;
    this.input = this.input.length ? Buffer.concat([this.input, chunk]) : Buffer.from(chunk);
    if (this.input.length > 1 << 20) this.input = this.input.subarray(this.input.length - (1 << 16)); // runaway noise
    this.wake?.();
  }

  /** Subclasses call this when the link drops; the next exchange reopens it. */
  protected dropped(reason: string): void {
    if (this.connected) this.lastDrop = reason;
    this.connected = false;
    this.wake?.();
  }

  /** One request (and its answer, when parse is given), retried on timeouts, bad answers and a dropped link. */
  exchange<T = void>(ex: Exchange<T>): Promise<T> {
    return this.queue.run(() => this.run(ex));
  }

  /** Runs several exchanges with nothing else in between (e.g. the frames of one message). */
  exclusive<T>(fn: (x: <U>(ex: Exchange<U>) => Promise<U>) => Promise<T>): Promise<T> {
    return this.queue.run(() => fn((ex) => this.run(ex)));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    try {
      await this.opening?.catch(() => undefined);
      if (this.connected) await this.closeLink();
    } catch {
      // close never throws
    }
    this.connected = false;
  }

  private fail(operation: string, code: 'timeout' | 'io' | 'exception', what: string, cause?: unknown): DeviceError {
    return new DeviceError(this.device, operation, code, `${this.port}: ${what}`, { cause });
  }

  private async ensureOpen(operation: string): Promise<void> {
    if (this.closed) throw this.fail(operation, 'io', 'the link is closed');
    if (this.connected) return;
    this.opening ??= (async () => {
      const reopening = this.stats.opens > 0;
      try {
        await withTimeout(this.openLink(), Math.max(this.timeoutMs, 3000), 'open did not complete');
      } catch (e) {
        throw this.fail(operation, 'io', `cannot open: ${(e as Error).message}`, e);
      }
      this.stats.opens++;
      if (reopening) this.stats.reopens++;
      this.connected = true;
      this.input = Buffer.alloc(0);
    })().finally(() => {
      this.opening = null;
    });
    await this.opening;
  }

  private async run<T>(ex: Exchange<T>): Promise<T> {
    const retries = ex.retries ?? this.retries;
    const timeoutMs = ex.timeoutMs ?? this.timeoutMs;
    let last: DeviceError | null = null;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1)));
      }
      if (this.closed) throw this.fail(ex.operation, 'io', 'the link is closed');
      this.stats.attempts++;
      try {
        return await this.attempt(ex, timeoutMs);
      } catch (e) {
        if (!(e instanceof DeviceError)) throw e;
        last = e;
        if (e.code === 'exception') throw e;
      }
    }
    const tries = retries + 1;
    throw new DeviceError(
      last!.device,
      last!.operation,
      last!.code,
      `${last!.detail} (${tries} attempt${tries > 1 ? 's' : ''})`,
      { cause: last!.cause },
    );
  }

  private async attempt<T>(ex: Exchange<T>, timeoutMs: number): Promise<T> {
    await this.ensureOpen(ex.operation);
    this.input = Buffer.alloc(0); // noise and late answers from before this request
    try {
      // A port whose far end vanished can block in drain(); a write gets the answer timeout too.
      const writeMs = timeoutMs + Math.ceil(this.wireTimeMs(ex.request.length));
      await withTimeout(this.writeLink(ex.request), writeMs, `write did not complete within ${writeMs} ms`);
      this.stats.bytesOut += ex.request.length;
    } catch (e) {
      this.dropped(`write failed: ${(e as Error).message}`);
      void this.closeLink().catch(() => undefined);
      throw this.fail(ex.operation, 'io', `write failed: ${(e as Error).message}`, e);
    }
    if (this.writeGapMs > 0) await sleep(this.writeGapMs);
    if (!ex.parse) return undefined as T;
    // The timeout counts silence: a long answer (a picture at 9600 baud) keeps it alive while bytes arrive.
    let deadline = Date.now() + timeoutMs;
    let heardBytes = this.input.length;
    for (;;) {
      if (this.input.length !== heardBytes) {
        heardBytes = this.input.length;
        deadline = Date.now() + timeoutMs;
      }
      if (this.input.length) {
        const step = ex.parse(this.input);
        if (step.kind === 'done') {
          this.input = this.input.subarray(step.consumed);
          return step.value;
        }
        if (step.kind === 'bad') {
          this.input = this.input.subarray(step.consumed);
          this.stats.badAnswers++;
          throw this.fail(ex.operation, 'io', `bad answer: ${step.reason}`);
        }
      }
      if (!this.connected)
        throw this.fail(
          ex.operation,
          'io',
          `the link dropped while waiting for the answer${this.lastDrop ? ` (${this.lastDrop})` : ''}`,
        );
      if (this.closed) throw this.fail(ex.operation, 'io', 'the link is closed');
      const left = deadline - Date.now();
      if (left <= 0) {
        this.stats.timeouts++;
        const heard = this.input.length
          ? `; received ${this.input.length} byte(s) that are not an answer: ${hexPreview(this.input)}`
          : '';
        throw this.fail(ex.operation, 'timeout', `no answer within ${timeoutMs} ms${heard}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, left);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(what)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

export function hexPreview(b: Uint8Array, max = 24): string {
  const hex = [...b.subarray(0, max)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  return b.length > max ? `${hex} …` : hex;
}
