// Clock sync when the device clock is badly wrong (a board without RTC or NTP): the hub's clock
// replies are accepted by their nonce, the measured offset then makes commands valid and start
// times right, and telemetry reports the offset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Telemetry } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import { agentConfig, audioItem, makeClip, nextEvent, tempDir, testLogger, waitUntil } from './test-support/helpers.ts';
import { startAgent } from './main.ts';

const TWO_HOURS = 2 * 3600_000;
let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start({ hubClockOffsetMs: TWO_HOURS });
});
afterAll(async () => {
  await hub?.close();
});

describe('clock sync', () => {
  it('measures a two-hour offset, then accepts hub commands and starts items on hub time', async () => {
    const tmp = tempDir();
    const a = await startAgent(
      agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-clock'), telemetryIntervalMs: 1000 }),
      { logger: testLogger() },
    );
    try {
      await waitUntil(() => a.status().clockOffsetMs !== null, 5000, 'clock sample');
      expect(Math.abs(a.status().clockOffsetMs! - TWO_HOURS)).toBeLessThan(100);
      const t = await nextEvent<Telemetry>(
        hub,
        'telemetry',
        (x) => x.deviceId === 'loa-clock' && x.clockOffsetMs !== null,
      );
      expect(Math.abs(t.clockOffsetMs! - TWO_HOURS)).toBeLessThan(100);
      expect(t.clockDelayMs).toBeGreaterThanOrEqual(0);
      expect(Math.abs(t.at - hub.hubNow())).toBeLessThan(2000);

      const c = makeClip('Xin chào');
      const item = audioItem(hub.addMedia(c.file, c.durationMs), hub.hubNow() + 1000, { priority: 'priority' });
      await hub.command('loa-clock', { type: 'play-now', item }, { ttlMs: 60_000 });
      const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
      expect(r.result).toBe('played');
      expect(Math.abs(r.actualStart! - item.startAt)).toBeLessThan(400);
      expect(a.status().rejected).toEqual({});
    } finally {
      await a.stop();
      tmp.cleanup();
    }
  });
});
