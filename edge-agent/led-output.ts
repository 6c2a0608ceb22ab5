// An LED board: show the message, read the board's status back and compare it with what was sent
// (ledMessageToText), hold it for the item's duration, then clear. "played" only if the read-back
// matches; "failed" otherwise (the board refused it, or shows something else, e.g. without its
// Vietnamese diacritics).
import type { Logger } from 'pino';
import type { Clock, ReasonCode, ScheduleItem } from '../protocol/index.ts';
import { isDeviceError, ledMessageToText, type LedBoard } from '../firmware-bridge/hardware.ts';
import { sleep } from './backoff.ts';
import { clip, type PlaybackContext, type PlaybackOutcome, type PlaybackOutput } from './playback.ts';

export class LedOutput implements PlaybackOutput {
  readonly kind = 'led' as const;
  readonly leadTimeMs = 0;

  /** `clock`: the device clock (start times, waits, progress and the times in the outcome). */
  constructor(private readonly deps: { board: LedBoard; log: Logger; clock: Clock }) {}

  mediaFor(): null {
    return null;
  }

  async telemetry() {
    try {
      const s = await this.deps.board.status();
      // The display rides along so the hub knows each board's size for the web preview.
      return { led: { text: clip(s.text, 2000), brightness: s.brightness, display: this.deps.board.display } };
    } catch (e) {
      this.deps.log.debug({ err: (e as Error).message }, 'LED status read failed');
      return {};
    }
  }

  async play(item: ScheduleItem, ctx: PlaybackContext): Promise<PlaybackOutcome> {
    const { board, log, clock } = this.deps;
    const outcome: PlaybackOutcome = { result: 'failed', startedAt: null, endedAt: null, playedMs: 0, evidence: {} };
    const fail = (reason: string, reasonCode: ReasonCode = 'driver-error'): PlaybackOutcome => ({
      ...outcome,
      result: 'failed',
      reason: clip(reason, 500),
      reasonCode,
    });
    if (!item.led) return fail('the item has no LED message, and this device is an LED board');
    try {
      await sleep(clock, ctx.startAtDeviceMs - clock.now(), ctx.signal);
    } catch {
      return { ...outcome, result: 'partial', reason: 'stopped before the message was shown' };
    }
    // What the board is given to show: the message's text, or (a board configured to drop
    // diacritics) the same without them behind its marker; the notes say how it got there.
    let shownText = ledMessageToText(item.led);
    let notes: string[] = [];
    try {
      const expected = board.expectedReadBack?.(item.led);
      if (expected) ({ text: shownText, notes } = expected);
    } catch {
      // show() below reports the same problem
    }
    try {
      await board.show(item.led);
    } catch (e) {
      return fail(`LED board did not take the message: ${(e as Error).message}`, showFailureCode(e));
    }
    outcome.startedAt = clock.now();
    ctx.onStarted(outcome.startedAt);
    try {
      let readBack = '';
      let brightness: number | undefined;
      let readError: string | null = null;
      try {
        const s = await board.status();
        readBack = s.text;
        notes = [...new Set([...notes, ...(s.notes ?? [])])];
        brightness = Math.round(Math.min(100, Math.max(0, s.brightness)));
      } catch (e) {
        readError = (e as Error).message;
      }
      const matches = readError === null && readBack === shownText;
      outcome.evidence = {
        led: {
          shownText: clip(shownText, 2000),
          readBack: clip(readBack, 2000),
          matches,
          ...(brightness !== undefined ? { brightness } : {}),
        },
      };
      let stopped = false;
      const progress = clock.setInterval(
        () => ctx.onProgress(Math.min(clock.now() - outcome.startedAt!, item.durationMs)),
        1000,
      );
      try {
        await sleep(clock, item.durationMs - (clock.now() - outcome.startedAt), ctx.signal);
      } catch {
        stopped = true;
      } finally {
        clock.clearInterval(progress);
      }
      outcome.endedAt = clock.now();
      // Seconds played are seconds of the item, never more than it lasts: a board cleared late (the
      // timer fired late on a busy device) was on air longer, which the end time says, but it did not
      // show more of the item. Counting the overstay claimed e.g. 4 s of a 2 s item, which the hub
      // rightly rejects as implausible, and the honest play was lost from coverage (issue 10).
      outcome.playedMs = Math.min(outcome.endedAt - outcome.startedAt, item.durationMs);
      if (stopped) return { ...outcome, result: 'partial', reason: 'stopped' };
      if (readError !== null) return fail(`LED board status could not be read back: ${readError}`, 'readback-failed');
      if (!matches)
        return fail(
          `LED board shows ${JSON.stringify(clip(readBack, 200))} instead of ${JSON.stringify(clip(shownText, 200))}`,
          'shows-other',
        );
      return { ...outcome, result: 'played', ...(notes.length ? { reason: clip(notes.join('; '), 500) } : {}) };
    } finally {
      try {
        await board.clear();
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'LED board clear failed');
      }
    }
  }
}

/**
 * Why a board did not take a message, for people: the driver refuses a message it cannot show
 * ('invalid': too wide, too many lines or characters, or characters its font lacks) before writing
 * anything; a dead link times out or breaks ('timeout', 'io'); anything else the board said itself.
 */
export function showFailureCode(e: unknown): ReasonCode {
  if (isDeviceError(e, 'timeout') || isDeviceError(e, 'io')) return 'device-unreachable';
  if (isDeviceError(e, 'invalid'))
    return /cannot show|cannot draw/.test(e.detail) ? 'text-unsupported' : 'text-too-wide';
  return 'driver-error';
}
