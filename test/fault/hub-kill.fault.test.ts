// Fault suite: the hub killed with SIGKILL (a crash, a power cut) while bulletins are due, and in the
// middle of transcoding an upload. Real hub and agent processes; the books end exact.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { expectExactCoverage, processesMatching, sleep, worldForFile, type FaultWorld } from './support.ts';
import type { Device } from '../helpers/api-types.ts';

const world = worldForFile(['loa-1', 'loa-2']);

const ffmpegsOf = (dir: string) => processesMatching(`ffmpeg.*${dir}`);

/** Both speakers hold the current manifest and its audio. */
const ready = (fw: FaultWorld, bytes: number) =>
  fw.hub.admin.waitFor(
    async () => {
      const ds = await fw.hub.admin.get('/api/v1/devices');
      return ds.every(
        (d: Device) =>
          d.telemetry && d.telemetry.scheduleVersion === d.manifestVersion && d.telemetry.cacheBytes >= bytes,
      );
    },
    20_000,
    'schedule and audio on every speaker',
  );

describe('the hub killed with SIGKILL', () => {
  it('with two bulletins due: the speakers play both on time, and every receipt arrives once after the restart', async () => {
    const fw = world();
    const m = await fw.media('Bản tin thời sự buổi chiều của phường Hạ Đình.');
    const first = Date.now() + 10_000;
    const second = first + m.durationMs + 4000;
    await fw.approvedBulletin('Trước khi hub sập 1', m.id, first);
    await fw.approvedBulletin('Trước khi hub sập 2', m.id, second);
    await ready(fw, m.outputs[0].bytes);

    await fw.hub.stop('SIGKILL');
    await sleep(second + m.durationMs + 2000 - Date.now());
    const restarted = Date.now();
    await fw.startHub();
    const report = await expectExactCoverage(fw, 'hub SIGKILL with 2 bulletins due on 2 speakers', {
      from: first - 1000,
      to: second + 1000,
      expected: { played: 4 },
      since: restarted,
    });
    for (const r of report.rows)
      expect(Math.abs(Date.parse(r.actualStart) - Date.parse(r.scheduledStart)), `${r.deviceId} on time`).toBeLessThan(
        1500,
      );
  }, 150_000);

  it('mid-transcode: no ffmpeg outlives it, the upload is processed after the restart, and its bulletin plays', async () => {
    const fw = world();
    const sentence =
      'Thông báo của Ủy ban nhân dân phường về việc phòng chống lụt bão, đề nghị bà con kiểm tra nhà cửa và chuẩn bị lương thực. ';
    const dir = path.join(fw.dir, 'long');
    mkdirSync(dir, { recursive: true });
    // About 40 s of speech: its transcode takes a few seconds, long enough to be caught.
    const up = await fw.w.official.upload('/api/v1/media', vietnameseSpeech(dir, sentence.repeat(5)), 'dai.mp3');
    expect(up.status).toBe('processing');
    await fw.hub.admin.waitFor(
      async () => ffmpegsOf(path.join(fw.dir, 'hub')).length > 0,
      10_000,
      'ffmpeg transcoding',
    );
    await fw.hub.stop('SIGKILL');
    await sleep(500);
    expect(ffmpegsOf(path.join(fw.dir, 'hub')), 'an ffmpeg outlived the hub').toEqual([]);

    const restarted = Date.now();
    await fw.startHub();
    const m = await fw.w.official.waitFor(
      async () => {
        const x = await fw.w.official.get(`/api/v1/media/${up.id}`);
        if (x.status === 'failed') throw new Error(`the interrupted upload failed: ${x.error}`);
        return x.status === 'ready' ? x : null;
      },
      120_000,
      'the interrupted upload ready',
    );
    const transcodedMs = Date.now() - restarted;
    const startsAt = Date.now() + 12_000;
    await fw.approvedBulletin('Sau khi hub khởi động lại', m.id, startsAt);
    await expectExactCoverage(fw, 'hub SIGKILL mid-transcode, then its bulletin', {
      from: startsAt - 1000,
      to: startsAt + 1000,
      expected: { played: 2 },
      timeoutMs: m.durationMs + 60_000,
      note: `the ${Math.round(m.durationMs / 1000)} s upload transcoded again in ${(transcodedMs / 1000).toFixed(1)} s after the restart`,
    });
  }, 240_000);
});
