// Time before trust, on real processes: four speaker agents whose wall clocks libfaketime shifts by
// +5 min, -5 min, +1 day and -1 day, against a real hub. The broadcast is approved before they
// enrol, so each gets its manifest retained, right after subscribing and before its first clock
// sample: a slow clock sees it as not yet valid, a fast one sees the bulletin as already missed.
// Each must hold that judgement until it has synchronised, then apply the manifest, play at the
// scheduled hub instant and confirm "played".
import { existsSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { expectExactCoverage, FaultWorld, printTallies } from './support.ts';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const SKEWS = { 'loa-nhanh-5p': '+300', 'loa-cham-5p': '-300', 'loa-nhanh-1n': '+1d', 'loa-cham-1n': '-1d' } as const;

let fw: FaultWorld | undefined;
afterAll(async () => {
  printTallies();
  await fw?.stop();
});

it.skipIf(!existsSync(LIBFAKETIME))(
  'agents with clocks ±5 min and ±1 day off get their retained manifest, play at the hub instant and confirm "played"',
  async () => {
    const ids = Object.keys(SKEWS);
    fw = await new FaultWorld().start(ids);
    const media = await fw.media('Kiểm tra đồng hồ.');
    const startsAt = Math.ceil((Date.now() + 20_000) / 1000) * 1000;
    await fw.approvedBulletin('Đồng hồ lệch', media.id, startsAt);
    for (const [id, skew] of Object.entries(SKEWS))
      fw.startAgent(id, { env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: skew, FAKETIME_DONT_FAKE_MONOTONIC: '1' } });

    const report = await expectExactCoverage(fw, 'agents with clocks +5 min, -5 min, +1 day, -1 day off', {
      from: startsAt - 1000,
      to: startsAt + 1000,
      expected: { played: 4 },
      note: 'each asserted to start within 1.5 s of the hub instant',
    });
    for (const d of report.rows) {
      const out = fw.agents.get(d.deviceId)!.output();
      // at the scheduled hub instant, whatever the device's own clock says
      expect(
        Math.abs(Date.parse(d.actualStart) - startsAt),
        `${d.deviceId} (${SKEWS[d.deviceId as keyof typeof SKEWS]})\n${out.slice(-3000)}`,
      ).toBeLessThan(1500);
      expect(out).not.toMatch(/"hub message rejected"/);
    }
    // The slow clocks saw the retained manifest as not yet valid: held, then applied after the sample.
    for (const id of ['loa-cham-5p', 'loa-cham-1n'])
      expect(fw.agents.get(id)!.output(), id).toMatch(/held until the first clock sample/);
  },
  120_000,
);
