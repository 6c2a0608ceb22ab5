// Issue 10, the receipts that never counted: at 1,000 simulated agents in one process, timers fired
// seconds late, so a board holding a 2 s message was cleared about 4 s after it appeared, and the
// agent claimed 4 s played. The hub rejected those honest plays as 'implausible' (more seconds than
// the item lasts), acknowledged them as it must (the claim is kept), and they were gone from the
// coverage report. Small scale: one LED output on a blocked event loop, judged by the hub's own
// admission. No timing is asserted: the loop is blocked well past the item's end.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { SimulatedLedBoard } from '../../firmware-bridge/index.ts';
import { LedOutput } from '../../edge-agent/led-output.ts';
import { admit } from '../../hub/ingest/admission.ts';
import { systemClock, type Receipt, type ScheduleItem } from '../../protocol/index.ts';

const log = pino({ level: 'silent' });

/** Blocks this thread, as a device busy with a thousand others (or a slow flash write) would be. */
function blockFor(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('an LED board cleared late because the agent was busy', () => {
  it('claims no more seconds than the item lasts, and the hub admits the play', async () => {
    const startAt = Date.now();
    const item: ScheduleItem = {
      occurrenceId: `b-late@${startAt}`,
      broadcastId: 'b-late',
      title: 'Khẩn cấp',
      priority: 'emergency',
      startAt,
      durationMs: 1000,
      volume: 80,
      led: { pages: [{ lines: ['KHẨN CẤP'], mode: 'flash', seconds: 1 }] },
    };
    const board = new SimulatedLedBoard({ latencyMs: 0 });
    const outcome = await new LedOutput({ board, log, clock: systemClock }).play(item, {
      signal: new AbortController().signal,
      startAtDeviceMs: startAt,
      // The message is up; then the event loop is held 3.5 s, past the item's end plus the hub's 2 s allowance.
      onStarted: () => blockFor(3500),
      onProgress: () => undefined,
    });
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ result: 'played' });
    const onAir = outcome.endedAt! - outcome.startedAt!;
    expect(onAir).toBeGreaterThan(item.durationMs + 2000); // the late clear happened, and the end says so
    expect(outcome.playedMs).toBe(item.durationMs);

    // The receipt as the timeline builds it (timeline.ts finish, receipts.ts issue), unsigned: admission reads the claim.
    const receipt = {
      id: '00000000-0000-4000-8000-000000000001',
      deviceId: 'led-1',
      occurrenceId: item.occurrenceId,
      broadcastId: item.broadcastId,
      result: outcome.result,
      scheduledStart: item.startAt,
      actualStart: outcome.startedAt,
      actualEnd: outcome.endedAt,
      secondsPlayed: Math.round(Math.max(0, outcome.playedMs)) / 1000,
      clockOffsetMs: 0,
      evidence: outcome.evidence,
      sig: 'x',
    } as Receipt;
    const plan = { kind: 'planned' as const, item };
    expect(admit(receipt, plan, outcome.endedAt! + 50)).toEqual({ admitted: true });
    // The hub's guard still stands: the overstay counted as seconds played (what the agent sent
    // before) is more of the item than exists.
    const overclaim = admit({ ...receipt, secondsPlayed: onAir / 1000 }, plan, outcome.endedAt! + 50);
    expect(overclaim).toMatchObject({ admitted: false, reason: 'implausible' });
  });
});
