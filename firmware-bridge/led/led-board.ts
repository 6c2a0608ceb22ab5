// The LED board seen by the agent, shaped after serial sign protocols (Alpha and the like): write
// a message of pages, clear, set brightness, read status. Every method may throw a DeviceError.
import type { z } from 'zod';
import type { LedMessage } from '../../protocol/schemas.ts';

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
}

export interface LedBoard {
  readonly description: string;
  /** Validates the whole message first: an invalid one leaves what is shown untouched. */
  show(message: LedMessageInput): Promise<void>;
  clear(): Promise<void>;
  /** 0-100, integer. */
  setBrightness(percent: number): Promise<void>;
  status(): Promise<LedBoardStatus>;
  /** Releases the link; never throws. Operations after close throw DeviceError 'io'. */
  close(): Promise<void>;
}
