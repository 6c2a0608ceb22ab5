// The fleet simulator end to end at a small size: a real hub process, 20 real edge agents in two
// worker processes. Every agent must enrol, come online, play the emergency and the bulletin, and
// have its receipts admitted by the hub. No timing is asserted: the simulator's figures are for
// `npm run fleet`, not for the test.
import { describe, expect, it } from 'vitest';
import { defaultWorkers, planAreas, runFleet } from './fleet.ts';

describe('fleet simulator', () => {
  it('20 agents in 2 worker processes enrol, come online, and confirm an emergency and a scheduled bulletin', async () => {
    const r = await runFleet({ agents: 20, workers: 2, broker: 'embedded', perWard: 5, bulletinLeadS: 8 });
    expect(r.failures).toEqual([]);
    expect(r.workers).toBe(2);
    expect(r.enrolled).toBe(20);
    expect(r.online).toBe(20);
    expect(r.enrolOnlineS).not.toBeNull();
    for (const b of [r.emergency!, r.bulletin!]) {
      expect(b.admitted).toBe(20);
      expect(b.played).toBe(20);
      expect(b.startLateMs.n).toBe(20);
      expect(b.receiptDelayMs.n).toBe(20);
      // Every agent's receipt accounted for, and the outboxes drained before the report.
      expect(b.receipts).toMatchObject({
        online: 20,
        admitted: 20,
        rejected: {},
        unacknowledged: 0,
        ackedNotStored: 0,
        notSigned: 0,
        notPlayed: 0,
        leftInOutboxes: 0,
      });
    }
    expect(r.hub.cpuS).toBeGreaterThan(0);
    expect(r.hub.peakRssMb).toBeGreaterThan(0);
    expect(r.simulator.openFilesPerAgent).toBeGreaterThan(0);
  }, 180_000);

  it('spreads devices over wards, ten wards to a district, and takes enough workers for the file limit', () => {
    const p = planAreas(10_000, 100);
    expect(p.wards).toHaveLength(100);
    expect(p.districts).toBe(10);
    expect(p.wards[0]).toBe('tinh-mo-phong/huyen-01/xa-001');
    expect(p.wards[99]).toBe('tinh-mo-phong/huyen-10/xa-100');
    expect(planAreas(20, 5).wards).toHaveLength(4);
    expect(defaultWorkers(10_000, 20_000)).toBe(4);
    expect(defaultWorkers(10_000, 4096)).toBe(13);
    expect(defaultWorkers(200, 20_000)).toBe(1);
  });
});
