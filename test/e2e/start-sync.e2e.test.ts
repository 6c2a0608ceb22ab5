// Start in sync, measured outside the agents: three speaker agents whose wall clocks libfaketime
// sets 2 s fast, 2 s slow and right play five bulletins into PCM sinks this test reads; the first
// audible sample of each is stamped in hub time. Each start is heard from every agent, within a
// generous bound of the others (the figures are the benchmark's: npm run bench -- sync), and each
// receipt carries the start as the agent saw it (evidence.sync) on a measured clock.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hasFaketime, startSyncWorld, type SyncWorld } from '../helpers/sync-run.ts';

const SKEWS = { 'loa-nhanh-2s': '+2', 'loa-cham-2s': '-2', 'loa-dung-gio': '+0' };
let world: SyncWorld | undefined;

beforeAll(async () => {
  if (hasFaketime()) world = await startSyncWorld(SKEWS);
}, 120_000);
afterAll(async () => {
  await world?.stop();
});

it.skipIf(!hasFaketime())(
  'agents ±2 s off start each bulletin together at their speakers, and say so in their receipts',
  async () => {
    const starts = await world!.run(5);
    for (const s of starts) {
      const at = new Date(s.plannedAt).toISOString();
      for (const id of Object.keys(SKEWS)) {
        const d = s.receipts[id];
        expect(d?.state, `${id} at ${at}: ${d?.reason}`).toBe('played');
        expect(s.audibleAt[id], `${id} at ${at}: nothing audible reached its sink`).not.toBeNull();
        expect(d.evidence.sync.clockSource).toBe('measured');
        expect(d.evidence.sync.clockUncertaintyMs).toBeGreaterThanOrEqual(0);
        // the agent's own view agrees with its sink's within the bound
        expect(Math.abs(d.evidence.sync.startErrorMs - s.startErrorMs[id]!)).toBeLessThan(250);
      }
      // heard together (today's figure is in the benchmark; this bound only catches a regression to
      // starting by ffmpeg's start-up or the raw device clock: 2 s off)
      expect(s.skewMs, `skew at ${at}`).toBeLessThan(250);
    }
    console.log(`start skew per bulletin: ${starts.map((s) => s.skewMs!.toFixed(1)).join(', ')} ms`);
  },
  120_000,
);

it.skipIf(!hasFaketime())(
  'the same agents start each relay (tiếp âm) together on the same audio, and say so in their receipts',
  async () => {
    const starts = await world!.runRelays(2);
    for (const s of starts) {
      const at = new Date(s.plannedAt).toISOString();
      for (const id of Object.keys(SKEWS)) {
        const d = s.receipts[id] as (typeof s.receipts)[string] & { evidence: { relay?: { secondsAired: number } } };
        expect(d?.state, `${id} at ${at}: ${d?.reason}`).toBe('played');
        expect(d.evidence.relay?.secondsAired).toBeGreaterThan(4);
        expect(s.audibleAt[id], `${id} at ${at}: nothing audible reached its sink`).not.toBeNull();
        expect(d.evidence.sync.clockSource).toBe('measured');
      }
      expect(s.skewMs, `skew at ${at}`).toBeLessThan(250);
      // and on the same audio: a page apart (200 ms) would be an echo
      expect(s.contentSkewMs, `same-audio skew at ${at}`).not.toBeNull();
      expect(s.contentSkewMs!, `same-audio skew at ${at}`).toBeLessThan(100);
    }
    console.log(
      `relay start skew: ${starts.map((s) => `${s.skewMs!.toFixed(1)} (same audio ${s.contentSkewMs?.toFixed(1)})`).join(', ')} ms`,
    );
  },
  120_000,
);
