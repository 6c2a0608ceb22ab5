// The LED board seen by the agent, shaped after serial sign protocols (Alpha and the like): write
// a message of pages, clear, set brightness, read status. Every method may throw a DeviceError.
import type { z } from 'zod';
import type { LedDisplay, LedMessage } from '../../protocol/schemas.ts';

/** A message as callers write it (page mode and seconds may be left to their defaults). */
export type LedMessageInput = z.input<typeof LedMessage>;

export interface LedBoardStatus {
  /** What is shown: pages joined with '\n\n', lines with '\n' (see ledMessageToText). */
  text: string;
  pages: number;
  /** 0-100 */
  brightness: number;
  faults: string[];
  /** Input the board altered while showing the last message, e.g. control characters removed. */
  warnings?: string[];
  /** How each page reached the board, where a driver knows: as text, as a dot picture, or without diacritics. */
  rendering?: ('text' | 'picture' | 'stripped')[];
  /** Facts for the receipt, e.g. "page 1: picture Q (192×32) read back dot for dot as sent". */
  notes?: string[];
}

export interface LedBoard {
  readonly description: string;
  /** The display as configured (size, line length, charset): the agent reports it in telemetry. */
  readonly display: LedDisplay;
  /** Validates the whole message first: an invalid one leaves what is shown untouched. */
  show(message: LedMessageInput): Promise<void>;
  clear(): Promise<void>;
  /** 0-100, integer. */
  setBrightness(percent: number): Promise<void>;
  status(): Promise<LedBoardStatus>;
  /**
   * What status().text should read back after show(message), when the board cannot show the text as
   * written (e.g. a board without Vietnamese letters configured to drop diacritics behind a marker),
   * with notes saying so. Throws like show() for an invalid message. Drivers that show text as
   * written leave this out.
   */
  expectedReadBack?(message: LedMessageInput): { text: string; notes: string[] };
  /** Releases the link; never throws. Operations after close throw DeviceError 'io'. */
  close(): Promise<void>;
}
