// Fault suite: fifty approvals at once. Leaders approve 50 bulletins in the same instant, spread
// over three speakers; every one is published, played and confirmed exactly once.
import { expect, it } from 'vitest';
import { formatVn } from '../../hub/time.ts';
import { expectExactCoverage, worldForFile } from './support.ts';

const SPEAKERS = ['loa-1', 'loa-2', 'loa-3'];
const COUNT = 50;
const world = worldForFile(SPEAKERS);

it('50 bulletins approved at once: 50 receipts, each once, and the report exact', async () => {
  const fw = world();
  const m = await fw.media('Tin ngắn.');
  const slotMs = m.durationMs + 2000; // audio, amplifier warm-up and tail, and a margin
  const first = Date.now() + 20_000;
  const created = [];
  for (let i = 0; i < COUNT; i++) {
    const startsAt = first + Math.floor(i / SPEAKERS.length) * slotMs;
    const device = SPEAKERS[i % SPEAKERS.length];
    created.push(
      await fw.w.official.post('/api/v1/broadcasts', {
        title: `Tin số ${i + 1}`,
        mediaId: m.id,
        targets: { areas: [], devices: [device] },
        startsAt: formatVn(startsAt),
      }),
    );
  }
  const t0 = Date.now();
  const approved = await Promise.all(created.map((b) => fw.w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {})));
  const approveMs = Date.now() - t0;
  expect(approved.every((b) => b.status === 'approved')).toBe(true);
  expect(Date.now(), 'approvals done before the first start').toBeLessThan(first - 5000);
  const last = first + Math.floor((COUNT - 1) / SPEAKERS.length) * slotMs;
  await expectExactCoverage(fw, `${COUNT} approvals at once on ${SPEAKERS.length} speakers`, {
    from: first - 1000,
    to: last + 1000,
    expected: { played: COUNT },
    timeoutMs: last - Date.now() + 60_000,
    note: `all ${COUNT} approvals answered in ${approveMs} ms`,
  });
}, 240_000);
