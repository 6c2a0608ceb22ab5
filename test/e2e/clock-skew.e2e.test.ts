// Time before trust, on real processes: four speaker agents whose wall clocks libfaketime shifts by
// +5 min, -5 min, +1 day and -1 day, against a real hub. The broadcast is approved before they
// enrol, so each gets its manifest retained, right after subscribing and before its first clock
// sample: a slow clock sees it as not yet valid, a fast one sees the bulletin as already missed.
// Each must hold that judgement until it has synchronised, then apply the manifest, play at the
// scheduled hub instant and confirm "played".
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, HA_DINH } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { formatVn } from '../../hub/time.ts';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const SKEWS = { 'loa-nhanh-5p': '+300', 'loa-cham-5p': '-300', 'loa-nhanh-1n': '+1d', 'loa-cham-1n': '-1d' } as const;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-clock-skew-'));
let t: TestHub | undefined;
const agents = new Map<string, AgentProcess>();
afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.stop()));
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

it.skipIf(!existsSync(LIBFAKETIME))('agents with clocks ±5 min and ±1 day off get their retained manifest, play at the hub instant and confirm "played"', async () => {
  t = await startTestHub();
  const ids = Object.keys(SKEWS);
  const w = await seedWorld(t, ids.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })));
  const up = await w.official.upload('/api/v1/media', vietnameseSpeech(tmp, 'Kiểm tra đồng hồ.'), 'dong-ho.mp3');
  const media = await w.official.waitFor(async () => {
    const m = await w.official.get(`/api/v1/media/${up.id}`);
    return m.status === 'ready' ? m : null;
  }, 60_000, 'media ready');
  const startsAt = Math.ceil((Date.now() + 20_000) / 1000) * 1000;
  const b = await w.official.post('/api/v1/broadcasts', { title: 'Đồng hồ lệch', mediaId: media.id, targets: { areas: [HA_DINH], devices: [] }, startsAt: formatVn(startsAt) });
  await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});

  for (const [id, skew] of Object.entries(SKEWS)) {
    agents.set(
      id,
      startAgentProcess({
        dir: path.join(tmp, id),
        hubUrl: t.hub.httpUrl,
        mqttUrl: t.hub.mqttUrl,
        enrolToken: w.tokens[id],
        profile: SPEAKER_PROFILE,
        env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: skew, FAKETIME_DONT_FAKE_MONOTONIC: '1' },
      }),
    );
  }

  const done = await waitForResults(t.admin, b.id, 60_000);
  for (const d of done.devices) {
    const out = agents.get(d.deviceId)!.output();
    expect(d.state, `${d.deviceId} (${SKEWS[d.deviceId as keyof typeof SKEWS]}): ${d.reason}\n${out.slice(-3000)}`).toBe('played');
    // at the scheduled hub instant, whatever the device's own clock says
    expect(Math.abs(Date.parse(d.actualStart) - startsAt), d.deviceId).toBeLessThan(1500);
    expect(out).not.toMatch(/"hub message rejected"/);
  }
  expect(done.devices.map((d: any) => d.deviceId).sort()).toEqual([...ids].sort());
  // The slow clocks saw the retained manifest as not yet valid: held, then applied after the sample.
  for (const id of ['loa-cham-5p', 'loa-cham-1n']) expect(agents.get(id)!.output(), id).toMatch(/held until the first clock sample/);
}, 120_000);
