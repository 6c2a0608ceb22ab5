// The whole pipeline on real parts: a hub (SQLite file, ffmpeg) and three agent processes, once
// with the embedded aedes broker and once with a real Mosquitto run as `wardcast broker
// mosquitto-config` sets it up (per-device logins the hub provisions). Vietnamese speech from
// espeak-ng is uploaded as MP3, normalised, approved by a second person, played by two speakers and
// shown on an LED board, and comes back confirmed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startAgentProcess, SPEAKER_PROFILE, LED_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import type { AuditEntry, BroadcastDevice, MediaOutput } from '../helpers/api-types.ts';
import type { CoverageSummary } from '../../hub/reports/coverage.ts';

describe.each(['embedded', 'mosquitto'] as const)('with the %s broker', (broker) => {
  let t: TestHub;
  let mq: Mosquitto | null = null;
  let w: World;
  let tmp: string;
  const agents: AgentProcess[] = [];
  const LED_TEXT = ['Thông báo khẩn: bão số 3', 'Người dân hạn chế ra đường'];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-e2e-'));
    mq = broker === 'mosquitto' ? await startMosquitto() : null;
    t = await startTestHub(mq?.hubConfig ?? {});
    w = await seedWorld(t, [
      { id: 'loa-ha-dinh', kind: 'speaker', area: HA_DINH },
      { id: 'loa-kim-giang', kind: 'speaker', area: KIM_GIANG },
      { id: 'led-ha-dinh', kind: 'led', area: HA_DINH },
    ]);
    for (const [id, profile] of [
      ['loa-ha-dinh', SPEAKER_PROFILE],
      ['loa-kim-giang', SPEAKER_PROFILE],
      ['led-ha-dinh', LED_PROFILE],
    ] as const) {
      agents.push(
        startAgentProcess({
          dir: path.join(tmp, id),
          hubUrl: t.hub.httpUrl,
          mqttUrl: t.hub.mqttUrl,
          enrolToken: w.tokens[id],
          profile,
        }),
      );
    }
    await waitOnline(t.admin, ['loa-ha-dinh', 'loa-kim-giang', 'led-ha-dinh']);
  }, 90_000);

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await t?.stop();
    await mq?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  let mediaId: number;
  let durationMs: number;

  describe('a bulletin goes out and comes back confirmed', () => {
    it('transcodes an uploaded MP3 of Vietnamese speech to loudness-normalised Opus', async () => {
      const mp3 = vietnameseSpeech(tmp, 'Thông báo của Ủy ban nhân dân phường Hạ Đình về lịch tiêm chủng.');
      const up = await w.official.upload('/api/v1/media', mp3, 'thông báo.mp3');
      expect(up.status).toBe('processing');
      const m = await w.official.waitFor(
        async () => {
          const x = await w.official.get(`/api/v1/media/${up.id}`);
          return x.status !== 'processing' ? x : null;
        },
        60_000,
        'media processed',
      );
      expect(m.status, m.error).toBe('ready');
      expect(m.originalName).toBe('thông báo.mp3');
      expect(m.loudness.normalizationType).toBe('linear');
      expect(Math.abs(m.loudness.outputI - m.loudness.targetI), JSON.stringify(m.loudness)).toBeLessThan(1);
      expect(m.outputs.map((o: MediaOutput) => o.format).sort()).toEqual(['mp3', 'opus']);
      mediaId = m.id;
      durationMs = m.durationMs;
    });

    it('plays on every speaker and shows on the LED board after a leader approves, with evidence', async () => {
      const b = await w.official.post('/api/v1/broadcasts', {
        title: 'Lịch tiêm chủng',
        mediaId,
        led: { pages: [{ lines: LED_TEXT, mode: 'hold', seconds: 3 }] },
        volume: 80,
        targets: { areas: [DISTRICT], devices: [] },
        startsAt: 'now',
      });
      expect(b.status).toBe('submitted');
      await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
      const done = await waitForResults(w.leader, b.id);
      const byId = Object.fromEntries(done.devices.map((d: BroadcastDevice) => [d.deviceId, d]));
      expect(Object.keys(byId).sort()).toEqual(['led-ha-dinh', 'loa-ha-dinh', 'loa-kim-giang']);

      for (const id of ['loa-ha-dinh', 'loa-kim-giang']) {
        const d = byId[id];
        expect(d.state, `${id}: ${d.reason}`).toBe('played');
        expect(d.secondsPlayed).toBeGreaterThan((durationMs / 1000) * 0.9);
        expect(d.evidence.player.decodedMs).toBeGreaterThan(durationMs * 0.9);
        expect(d.evidence.amplifier.powered).toBe(true);
        expect(d.evidence.amplifier.maxCurrentMa).toBeGreaterThan(150);
      }
      // Both speakers started at the same instant, in hub time (an echo in the street otherwise).
      const starts = ['loa-ha-dinh', 'loa-kim-giang'].map((id) => Date.parse(byId[id].actualStart));
      expect(Math.abs(starts[0] - starts[1])).toBeLessThan(1500);

      const led = byId['led-ha-dinh'];
      expect(led.state, led.reason).toBe('played');
      expect(led.evidence.led.readBack).toBe(LED_TEXT.join('\n'));
      expect(led.evidence.led.matches).toBe(true);
    });

    it('reports coverage per ward and device, as JSON and as CSV', async () => {
      const r = await w.district.get(`/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}`);
      expect(r.totals).toMatchObject({ scheduled: 3, played: 3, failed: 0, missed: 0 });
      expect(r.byArea.map((a: CoverageSummary['byArea'][number]) => [a.areaName, a.played]).sort()).toEqual([
        ['Phường Hạ Đình', 2],
        ['Phường Kim Giang', 1],
      ]);
      const res = await fetch(
        `${t.hub.httpUrl}/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}&format=csv&lang=codes`,
        {
          headers: {
            authorization: `Bearer ${(await t.api.post('/api/v1/auth/login', { username: 'quan', password: 'password-quan' })).token}`,
          },
        },
      );
      expect(res.headers.get('content-type')).toMatch(/text\/csv/);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: spreadsheets read Vietnamese as UTF-8
      const csv = bytes.subarray(3).toString('utf8');
      const lines = csv.trim().split('\r\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^areaName,areaPath,deviceId/);
      expect(csv).toContain('Phường Kim Giang,ha-noi/thanh-xuan/kim-giang,loa-kim-giang');
    });

    it('stops a cancelled broadcast on the speakers and records it as partial', async () => {
      const b = await w.official.post('/api/v1/broadcasts', {
        title: 'Sẽ bị hủy',
        mediaId,
        targets: { areas: [HA_DINH], devices: [] },
        startsAt: 'now',
      });
      const approved = await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
      // Cancel a moment after it starts (start + warm-up + 1 s), while the speaker is playing.
      await new Promise((r) => setTimeout(r, Date.parse(approved.startsAt) - Date.now() + 1500));
      await w.official.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
      const done = await waitForResults(w.leader, b.id);
      const speaker = done.devices.find((d: BroadcastDevice) => d.deviceId === 'loa-ha-dinh');
      expect(speaker.state).toBe('partial');
      expect(speaker.reason).toMatch(/cancel/);
    });
  });

  describe('an emergency from the district', () => {
    it('pre-empts a normal bulletin that is playing; the interrupted one is recorded as pre-empted', async () => {
      const long = vietnameseSpeech(
        tmp,
        'Ủy ban nhân dân phường Kim Giang thông báo lịch cắt điện, lịch thu gom rác thải và kế hoạch tổng vệ sinh môi trường trong tuần tới. Đề nghị bà con chú ý theo dõi.',
      );
      const up = await w.official.upload('/api/v1/media', long, 'ban-tin-dai.mp3');
      const m = await w.official.waitFor(
        async () => {
          const x = await w.official.get(`/api/v1/media/${up.id}`);
          return x.status === 'ready' ? x : null;
        },
        60_000,
        'long media ready',
      );
      const normal = await w.official.post('/api/v1/broadcasts', {
        title: 'Bản tin thường',
        mediaId: m.id,
        targets: { areas: [KIM_GIANG], devices: [] },
        startsAt: 'now',
      });
      const approved = await w.leader.post(`/api/v1/broadcasts/${normal.id}/approve`, {});
      await new Promise((r) => setTimeout(r, Date.parse(approved.startsAt) - Date.now() + 1500));

      const emergency = await w.district.post('/api/v1/broadcasts', {
        title: 'Khẩn cấp: cháy tại chợ',
        led: { pages: [{ lines: ['KHẨN CẤP: CHÁY TẠI CHỢ', 'Tránh xa khu vực'], mode: 'flash', seconds: 3 }] },
        mediaId,
        priority: 'emergency',
        targets: { areas: [KIM_GIANG], devices: [] },
        startsAt: 'now',
      });
      expect(emergency.status).toBe('approved'); // the district's emergency needs no second approval

      const em = await waitForResults(w.district, emergency.id);
      expect(em.devices.map((d: BroadcastDevice) => [d.deviceId, d.state])).toEqual([['loa-kim-giang', 'played']]);
      const interrupted = (await waitForResults(w.district, normal.id)).devices[0];
      expect(interrupted.state).toBe('preempted');
      expect(interrupted.secondsPlayed).toBeGreaterThan(1);
      expect(interrupted.secondsPlayed).toBeLessThan(m.durationMs / 1000);
      const audit = await t.admin.get('/api/v1/audit');
      expect(audit.find((a: AuditEntry) => a.target === emergency.id)).toMatchObject({
        action: 'broadcast.emergency',
        username: 'quan',
      });
    });
  });
});
