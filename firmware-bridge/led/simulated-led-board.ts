// A simulated LED board. It keeps exactly what it shows (Unicode intact, NFC), so the agent's
// read-back comparison is meaningful, and fails the way a sign on a serial line fails.
import { LedMessage, describeZodError } from '../../protocol/schemas.ts';
import type { LedDisplay } from '../../protocol/schemas.ts';
import { DeviceError } from '../errors.ts';
import { ALPHA_DEFAULT_DISPLAY } from './display.ts';
import { OpQueue } from '../op-queue.ts';
import { simulatedRequest, type SimulatedLine } from '../simulated-request.ts';
import type { LedBoard, LedBoardStatus, LedMessageInput } from './led-board.ts';
import { ledPagesToText, prepareLedLines } from './text.ts';

/**
 * 'no-answer': every request times out. 'exception': the sign answers with an error.
 * 'garbled': accepts messages but shows them without diacritics (a sign with a Latin-only font),
 * so read-back differs from what was sent.
 */
export type LedBoardFault = 'no-answer' | 'exception' | 'garbled';

export interface SimulatedLedBoardOptions {
  /** Shown in the description and in every DeviceError. Default "led". */
  name?: string;
  /** Longest line the board shows, in characters (code points after NFC). Default 64. */
  maxLineChars?: number;
  /** Dot rows and columns it reports (it shows text of any size). Default 16 × 96, like an Alpha board. */
  rows?: number;
  columns?: number;
  /** Per-operation round trip. Default 5 ms. */
  latencyMs?: number;
  /** How long a request waits under the 'no-answer' fault. Default 1000 ms. */
  timeoutMs?: number;
  /** Initial brightness. Default 80. */
  brightness?: number;
}

const stripDiacritics = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');

export class SimulatedLedBoard implements LedBoard {
  readonly description: string;
  readonly maxLineChars: number;
  readonly display: LedDisplay;

  private readonly queue = new OpQueue();
  private readonly latencyMs: number;
  private readonly timeoutMs: number;
  private pages: string[][] = [];
  private warnings: string[] = [];
  private brightness: number;
  private fault: LedBoardFault | null = null;
  private closed = false;

  constructor(options: SimulatedLedBoardOptions = {}) {
    this.maxLineChars = options.maxLineChars ?? 64;
    if (!Number.isInteger(this.maxLineChars) || this.maxLineChars < 1) {
      throw new RangeError(`maxLineChars must be a positive integer, got ${options.maxLineChars}`);
    }
    const rows = options.rows ?? ALPHA_DEFAULT_DISPLAY.rows;
    const columns = options.columns ?? ALPHA_DEFAULT_DISPLAY.columns;
    for (const [k, v] of Object.entries({ rows, columns }))
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${k} must be a positive integer, got ${v}`);
    // It keeps Unicode intact, so it reports a UTF-8 font ('vietnamese' never applies).
    this.display = { rows, columns, maxLineChars: this.maxLineChars, charset: 'unicode-utf8', vietnamese: 'picture' };
    this.description = `simulated LED board "${options.name ?? 'led'}"`;
    this.latencyMs = options.latencyMs ?? 5;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.brightness = options.brightness ?? 80;
  }

  show(message: LedMessageInput): Promise<void> {
    const parsed = LedMessage.safeParse(message);
    if (!parsed.success) return this.invalid('show', `not a valid LED message: ${describeZodError(parsed.error)}`);
    let prepared: { pages: string[][]; warnings: string[] };
    try {
      prepared = prepareLedLines(parsed.data.pages, this.maxLineChars);
    } catch (e) {
      return this.invalid('show', (e as Error).message);
    }
    const { pages, warnings } = prepared;
    return this.op('show', () => {
      this.pages = this.fault === 'garbled' ? pages.map((p) => p.map(stripDiacritics)) : pages;
      this.warnings = warnings;
    });
  }

  clear(): Promise<void> {
    return this.op('clear', () => {
      this.pages = [];
      this.warnings = [];
    });
  }

  setBrightness(percent: number): Promise<void> {
    const op = `setBrightness(${percent})`;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      return this.invalid(op, `brightness must be an integer 0-100, got ${String(percent)}`);
    }
    return this.op(op, () => {
      this.brightness = percent;
    });
  }

  status(): Promise<LedBoardStatus> {
    return this.op('status', () => ({
      text: ledPagesToText(this.pages),
      pages: this.pages.length,
      brightness: this.brightness,
      faults: [],
      warnings: [...this.warnings],
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Simulation control (not part of LedBoard); null clears the fault. */
  injectFault(fault: LedBoardFault | null): void {
    this.fault = fault;
  }

  get injectedFault(): LedBoardFault | null {
    return this.fault;
  }

  private invalid(operation: string, detail: string): Promise<never> {
    return Promise.reject(new DeviceError(this.description, operation, 'invalid', detail));
  }

  private op<T>(operation: string, apply: () => T): Promise<T> {
    const line: SimulatedLine = {
      description: this.description,
      queue: this.queue,
      timeoutMs: this.timeoutMs,
      latencyMs: this.latencyMs,
      exceptionDetail: 'the sign answered with an error (NAK)',
      isClosed: () => this.closed,
      currentFault: () => this.fault,
    };
    return simulatedRequest(line, operation, apply);
  }
}
