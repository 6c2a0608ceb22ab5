// The field keeps working through a dead hub: a speaker that already has its schedule and media
// plays on time while the hub and its broker are down, keeps the signed receipt in its outbox,
// and delivers it when the hub comes back on the same data folder. Nothing is lost.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { freePort } from '../helpers/ports.ts';
import { formatVn } from '../../hub/time.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-outage-'));
let t: TestHub | undefined;
let agent: AgentProcess | undefined;
afterAll(async () => {
  await agent?.stop();
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

it('plays on schedule during a hub outage and delivers the receipt after the hub returns', async () => {
  const ports = { httpPort: await freePort(), mqttPort: await freePort() };
  t = await startTestHub(ports);
  const w = await seedWorld(t, [{ id: 'loa-1', kind: 'speaker', area: HA_DINH }]);
  agent = startAgentProcess({
    dir: path.join(tmp, 'loa-1'),
    hubUrl: t.hub.httpUrl,
    mqttUrl: t.hub.mqttUrl,
    enrolToken: w.tokens['loa-1'],
    profile: SPEAKER_PROFILE,
    extra: { telemetryIntervalMs: 1000 },
  });
  await waitOnline(t.admin, ['loa-1']);

  const up = await w.official.upload(
    '/api/v1/media',
    vietnameseSpeech(tmp, 'Bản tin phát khi mất kết nối.'),
    'mat-ket-noi.mp3',
  );
  const media = await w.official.waitFor(
    async () => {
      const m = await w.official.get(`/api/v1/media/${up.id}`);
      return m.status === 'ready' ? m : null;
    },
    60_000,
    'media ready',
  );
  const startsAt = Date.now() + 12_000;
  const b = await w.official.post('/api/v1/broadcasts', {
    title: 'Mất kết nối',
    mediaId: media.id,
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: formatVn(startsAt),
  });
  await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  // The agent has the manifest and the audio on disk before the hub goes away.
  await t.admin.waitFor(
    async () => {
      const d = await t!.admin.get('/api/v1/devices/loa-1');
      return (
        d.telemetry &&
        d.telemetry.scheduleVersion === d.manifestVersion &&
        d.telemetry.cacheBytes >= media.outputs[0].bytes
      );
    },
    10_000,
    'schedule and media on the device',
  );

  const hubDown = Date.now();
  await t.stop(true);
  await new Promise((r) => setTimeout(r, startsAt + media.durationMs + 3000 - Date.now()));
  t = await startTestHub(ports, t.dir);
  const hubBack = Date.now();

  const done = await waitForResults(t.admin, b.id, 60_000);
  if (process.env.WARDCAST_TEST_FIGURES)
    console.log(
      `receipt in the hub ${Date.now() - hubBack} ms after it came back (outage ${Math.round((hubBack - hubDown) / 1000)} s)`,
    );
  const d = done.devices[0];
  expect(d.state, d.reason).toBe('played');
  // Played at the scheduled instant, not when the hub returned.
  expect(Math.abs(Date.parse(d.actualStart) - startsAt)).toBeLessThan(1500);
  const report = await t.admin.get(`/api/v1/reports/coverage?area=${HA_DINH}`);
  expect(report.totals).toMatchObject({ scheduled: 1, played: 1 });
}, 120_000);
