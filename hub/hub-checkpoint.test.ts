// A running hub checkpoints its WAL in a worker thread, and its stop ends that thread before the
// database closes (db/checkpointer.ts). A real hub in this process.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../test/helpers/test-hub.ts';

let t: TestHub | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
});

describe('the hub and its checkpoint worker', () => {
  it('checkpoints in the worker while it runs and ends the worker when it stops', async () => {
    t = await startTestHub();
    const cp = t.hub.checkpointer;
    expect(cp.active()).toBe(true);
    expect(t.hub.ctx.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const end = performance.now() + 10_000;
    while (cp.stats().runs === 0 && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(cp.stats().runs).toBeGreaterThan(0);
    let exitCode: number | null = null;
    cp.worker!.on('exit', (code) => {
      exitCode = code;
    });
    await t.stop();
    t = null;
    expect(exitCode).toBe(0); // ended by its stop message, not terminated
    expect(cp.active()).toBe(false);
  });
});
