// A restarted hub (a new instance on hub/status) hears from every agent at once: birth again (same
// session, with the applied manifest's version), the outbox sent now rather than at its next
// retry, and a clock burst. On a real broker; and an agent whose broker refuses hub/status still works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHub } from './test-support/fake-hub.ts';
import {
  agentConfig,
  audioItem,
  makeClip,
  nextEvent,
  sleep,
  tempDir,
  testLogger,
  waitUntil,
} from './test-support/helpers.ts';
import { startAgent } from './main.ts';

let hub: FakeHub;
beforeAll(async () => {
  hub = await FakeHub.start();
});
afterAll(async () => {
  await hub?.close();
});

describe('hub presence', () => {
  it('on a new hub instance: birth again with the same session and manifestVersion, outbox flushed at once, clock burst', async () => {
    const tmp = tempDir();
    await hub.publishHubStatus('hub-a');
    const a = await startAgent(
      agentConfig(hub, tmp.dir, {
        enrolToken: hub.newEnrolToken('loa-presence'),
        receiptRetryMs: 600_000,
        hubBirthMinIntervalMs: 1000,
      }),
      { logger: testLogger() },
    );
    try {
      const { session } = await nextEvent<{ session: number }>(a.events, 'connected');
      const births = () => hub.statuses.filter((s) => s.deviceId === 'loa-presence' && s.state === 'online');
      await waitUntil(() => births().length === 1, 5000, 'first birth');
      expect(births()[0]).toMatchObject({ session, manifestVersion: 0 });

      // a receipt the hub does not ack stays in the outbox; its next retry would be 10 min away
      hub.autoAck = false;
      const c = makeClip('Xin chào');
      const item = audioItem(hub.addMedia(c.file, c.durationMs), hub.hubNow() + 500);
      await hub.publishSchedule('loa-presence', [item], 7);
      const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
      await sleep(300);
      expect(hub.receiptDeliveries.get(r.id)).toBe(1);

      // the retained status of the hub already known, and a repeat of it: nothing happens
      await hub.publishHubStatus('hub-a');
      await sleep(300);
      expect(births()).toHaveLength(1);

      const clockSamples: unknown[] = [];
      a.events.on('clock', (x) => clockSamples.push(x));
      const online = nextEvent(a.events, 'hub-online');
      await hub.publishHubStatus('hub-b');
      expect(await online).toBe('hub-b');
      await waitUntil(() => births().length === 2, 5000, 'second birth');
      expect(births()[1]).toMatchObject({ session, manifestVersion: 7 });
      await waitUntil(() => hub.receiptDeliveries.get(r.id) === 2, 5000, 'receipt sent again at once');
      await waitUntil(() => clockSamples.length > 0, 5000, 'clock burst');
      expect(a.status().session).toBe(session);
    } finally {
      hub.autoAck = true;
      await a.stop();
      tmp.cleanup();
    }
  });

  it('connects and works when the broker refuses the hub/status subscription', async () => {
    const tmp = tempDir();
    hub.allowHubStatus = false;
    const a = await startAgent(agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-old-acl') }), {
      logger: testLogger(),
    });
    try {
      await nextEvent<{ session: number }>(a.events, 'connected');
      const c = makeClip('Xin chào');
      const item = audioItem(hub.addMedia(c.file, c.durationMs), hub.hubNow() + 500);
      await hub.publishSchedule('loa-old-acl', [item], 1);
      expect((await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId)).result).toBe('played');
    } finally {
      hub.allowHubStatus = true;
      await a.stop();
      tmp.cleanup();
    }
  });
});
