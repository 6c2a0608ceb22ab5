// Receipts are proof of play and must not be lost: they wait in the on-disk outbox through broker
// outages and agent restarts, are re-sent until acked, and a crash mid-playback still ends the
// occurrence with exactly one receipt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { verifyReceipt, type MediaRef } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import {
  agentConfig,
  speakerProfile,
  audioItem,
  makeClip,
  nextEvent,
  sleep,
  tempDir,
  testLogger,
  waitUntil,
} from './test-support/helpers.ts';
import { startAgent } from './main.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let hub: FakeHub;
let clip: MediaRef;
let longClip: MediaRef;

beforeAll(async () => {
  hub = await FakeHub.start();
  const c = makeClip('Xin chào');
  clip = hub.addMedia(c.file, c.durationMs);
  const l = makeClip('Thông báo lịch tiêm chủng tháng này', 5);
  longClip = hub.addMedia(l.file, l.durationMs);
});
afterAll(async () => {
  await hub?.close();
});

describe('receipt outbox', () => {
  it('re-sends a receipt until the hub acks it, then deletes it', async () => {
    const tmp = tempDir();
    hub.autoAck = false;
    const a = await startAgent(
      agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-retry'), receiptRetryMs: 300 }),
      { logger: testLogger() },
    );
    try {
      await nextEvent(a.events, 'connected');
      const item = audioItem(clip, hub.hubNow() + 300);
      await hub.publishSchedule('loa-retry', [item], 1);
      const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId);
      await waitUntil(() => (hub.receiptDeliveries.get(r.id) ?? 0) >= 3, 5000, 'receipt re-sent');
      expect(a.status().outboxSize).toBe(1);
      const acked = nextEvent(a.events, 'receipt-acked', (id) => id === r.id);
      await hub.ack('loa-retry', [r.id]);
      await acked;
      expect(a.status().outboxSize).toBe(0);
      const n = hub.receiptDeliveries.get(r.id)!;
      await sleep(800);
      expect(hub.receiptDeliveries.get(r.id)).toBe(n);
    } finally {
      hub.autoAck = true;
      await a.stop();
      tmp.cleanup();
    }
  });

  it('plays from the local store while the broker is down, keeps the receipt through an agent restart, and delivers it when the broker returns', async () => {
    const tmp = tempDir();
    try {
      const cfg = agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken('loa-offline') });
      const a = await startAgent(cfg, { logger: testLogger() });
      await nextEvent(a.events, 'connected');
      const item = audioItem(clip, hub.hubNow() + 1500);
      const ready = nextEvent(a.events, 'media-ready');
      await hub.publishSchedule('loa-offline', [item], 1);
      await ready;

      // the broker dies before the item is due: the agent plays it anyway
      await hub.stopBroker();
      const queued = await nextEvent<{ id: string; occurrenceId: string; result: string }>(
        a.events,
        'receipt-queued',
        (r) => r.occurrenceId === item.occurrenceId,
      );
      expect(queued.result).toBe('played');
      expect(a.status().connected).toBe(false);
      await a.stop();

      // the agent restarts while the broker is still down: the receipt is still in the outbox
      const b = await startAgent({ ...cfg, enrolToken: undefined }, { logger: testLogger() });
      try {
        expect(b.status().outboxSize).toBe(1);
        await sleep(300);
        expect(hub.receipts.some((r) => r.occurrenceId === item.occurrenceId)).toBe(false);

        // the broker comes back: the receipt arrives, verifies, is acked and leaves the outbox
        await hub.startBroker();
        const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId, 10_000);
        expect(r.id).toBe(queued.id);
        expect(r.result).toBe('played');
        expect(verifyReceipt(b.publicKeyPem, r)).toBe(true);
        await waitUntil(() => b.status().outboxSize === 0, 5000, 'outbox empty');
        expect(hub.receipts.filter((x) => x.occurrenceId === item.occurrenceId)).toHaveLength(1);
      } finally {
        await b.stop();
      }
    } finally {
      tmp.cleanup();
    }
  });

  it('after a crash (SIGKILL) mid-playback, the interrupted occurrence gets one "agent restarted during playback" receipt and is not played again', async () => {
    const tmp = tempDir();
    // The player's ffmpegs (the file's decoder and the output) are found by their files in this
    // test's folder.
    const cfg = agentConfig(hub, tmp.dir, {
      enrolToken: hub.newEnrolToken('loa-crash'),
      profile: { ...speakerProfile(), audioOutput: `wav:${path.join(tmp.dir, 'speaker.wav')}` },
    });
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'run-ts.mjs'),
        path.join(repoRoot, 'edge-agent', 'test-support', 'agent-process.ts'),
        JSON.stringify(cfg),
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! });
    const events: { event: string; value: unknown }[] = [];
    const waitChild = (event: string, timeoutMs = 20_000) =>
      waitUntil(() => events.some((e) => e.event === event), timeoutMs, `child event ${event}`);
    lines.on('line', (l) => {
      try {
        events.push(JSON.parse(l));
      } catch {
        /* not ours */
      }
    });
    try {
      await waitChild('connected');
      const item = audioItem(longClip, hub.hubNow() + 1000);
      await hub.publishSchedule('loa-crash', [item], 1);
      await waitChild('playing');
      const playingSeen = Date.now();
      await sleep(2700);
      expect(playersOf(tmp.dir).length).toBeGreaterThan(0);
      const heardMs = Date.now() - playingSeen;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      expect(events.some((e) => e.event === 'receipt-queued')).toBe(false);
      // ffmpeg died with the agent (spawnTied): nothing goes on playing into the amplifier
      await waitUntil(() => playersOf(tmp.dir).length === 0, 1000, 'ffmpeg gone with the agent');

      const b = await startAgent({ ...cfg, enrolToken: undefined }, { logger: testLogger() });
      try {
        const r = await hub.waitForReceipt((x) => x.occurrenceId === item.occurrenceId, 10_000);
        expect(r.result).toBe('partial');
        expect(r.reason).toBe('agent restarted during playback');
        expect(r.actualStart).not.toBeNull();
        // progress is saved every 0.5 s and ffmpeg reports every 0.5 s: at most ~1 s under-counted
        // (heardMs is measured from when the test saw 'playing', so it is itself a little short)
        expect(r.secondsPlayed).toBeGreaterThan(0);
        expect(r.secondsPlayed).toBeGreaterThanOrEqual(heardMs / 1000 - 1.1);
        if (process.env.WARDCAST_TEST_FIGURES)
          console.log(`crash under-count: heard ≥ ${heardMs} ms, receipt says ${r.secondsPlayed} s`);
        expect(verifyReceipt(b.publicKeyPem, r)).toBe(true);
        // a newer manifest still listing the occurrence does not make it play again
        const applied = nextEvent<{ ignored: number }>(b.events, 'schedule');
        await hub.publishSchedule('loa-crash', [item], 2);
        expect((await applied).ignored).toBe(1);
        await sleep(1500);
        expect(hub.receipts.filter((x) => x.occurrenceId === item.occurrenceId)).toHaveLength(1);
        expect(b.status().scheduledItems).toBe(0);
      } finally {
        await b.stop();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      tmp.cleanup();
    }
  });
});

/** Live ffmpeg processes whose arguments name a file under `dir` (the player's). */
function playersOf(dir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const [exe, ...args] = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (path.basename(exe ?? '').includes('ffmpeg') && args.some((a) => a.includes(dir))) pids.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return pids;
}
