// Fault suite: a speaker agent killed with SIGKILL (a power cut) in the middle of playing, and in
// the middle of downloading its bulletin over a slow link. Real hub and agent processes; each
// scenario ends with the books exact: receipts expected = arrived, none duplicated.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, expectExactCoverage, ffmpegsUnder, sleep, slowLink, worldForFile } from './support.ts';
import type { CoverageRow } from '../helpers/api-types.ts';

const world = worldForFile(['loa-1', 'loa-2']);

describe('an agent killed with SIGKILL', () => {
  it('mid-play: the interrupted occurrence ends as one partial receipt with the seconds heard, and no ffmpeg plays on', async () => {
    const fw = world();
    const m = await fw.media(
      'Kính thưa bà con, đây là bản tin buổi sáng của phường Hạ Đình. Đề nghị bà con chú ý phòng chống dịch bệnh và giữ gìn vệ sinh chung.',
    );
    const startsAt = Date.now() + 10_000;
    await fw.approvedBulletin('Mất điện giữa bản tin', m.id, startsAt);
    const victim = fw.agents.get('loa-1')!;
    await fw.hub.admin.waitFor(async () => /"msg":"starting"/.test(victim.output()), 30_000, 'loa-1 starts playing');
    await sleep(2500);
    const players = ffmpegsUnder(victim.child.pid!);
    // a file plays through two: its decoder (still decoding ahead, a few seconds in) and its output
    expect(players, 'loa-1 plays through a decoder and an output ffmpeg').toHaveLength(2);
    await victim.stop('SIGKILL');
    await sleep(300);
    expect(players.filter(alive), 'an ffmpeg outlived its agent').toEqual([]);

    const restarted = Date.now();
    fw.startAgent('loa-1');
    const report = await expectExactCoverage(fw, 'agent SIGKILL mid-play', {
      from: startsAt - 1000,
      to: startsAt + 1000,
      expected: { played: 1, partial: 1 },
      since: restarted,
    });
    const partial = report.rows.find((r: CoverageRow) => r.result === 'partial');
    expect(partial.deviceId).toBe('loa-1');
    expect(partial.reason).toMatch(/restarted during playback/);
    expect(partial.secondsPlayed).toBeGreaterThan(1);
    expect(partial.secondsPlayed).toBeLessThan(m.durationMs / 1000);
    expect(report.rows.find((r: CoverageRow) => r.deviceId === 'loa-2').result).toBe('played');
  }, 120_000);

  it('mid-download over a slow link: after the restart the download resumes, the bulletin plays on time, one receipt', async () => {
    const fw = world();
    const m = await fw.media(
      'Thông báo lịch tiêm chủng mở rộng tại trạm y tế phường Hạ Đình vào sáng thứ bảy tuần này. Đề nghị các gia đình có trẻ em trong độ tuổi đưa con đến đúng giờ, mang theo sổ tiêm chủng.',
    );
    const bytes = m.outputs[0].bytes;
    // The whole file takes about 8 s over this link: enough to be caught halfway.
    const link = await slowLink(fw.ports.httpPort, Math.max(2000, Math.round(bytes / 8)));
    try {
      await fw.agents.get('loa-2')!.stop();
      const victim = fw.startAgent('loa-2', { hubUrl: link.url });
      await sleep(1500);
      const startsAt = Date.now() + 35_000;
      await fw.approvedBulletin('Tải dở thì mất điện', m.id, startsAt);
      const mediaDir = path.join(fw.dir, 'loa-2', 'media');
      const part = () => (existsSync(mediaDir) ? readdirSync(mediaDir).find((f) => f.endsWith('.part')) : undefined);
      const caught = await fw.hub.admin.waitFor(
        async () => {
          const f = part();
          const size = f ? statSync(path.join(mediaDir, f)).size : 0;
          return size > 0 && size < bytes ? size : null;
        },
        20_000,
        'a partial download on loa-2',
      );
      await victim.stop('SIGKILL');
      const restarted = Date.now();
      fw.startAgent('loa-2', { hubUrl: link.url });
      await fw.hub.admin.waitFor(
        async () => existsSync(mediaDir) && readdirSync(mediaDir).some((f) => /\.(opus|mp3)$/.test(f)),
        30_000,
        'the download finished',
      );
      const resumedMs = Date.now() - restarted;
      const report = await expectExactCoverage(fw, 'agent SIGKILL mid-download', {
        from: startsAt - 1000,
        to: startsAt + 1000,
        expected: { played: 2 },
        note: `killed with ${caught} of ${bytes} bytes on disk; download complete ${(resumedMs / 1000).toFixed(1)} s after the restart`,
      });
      const d = report.rows.find((r: CoverageRow) => r.deviceId === 'loa-2');
      expect(Math.abs(Date.parse(d.actualStart) - startsAt), 'played at the scheduled instant').toBeLessThan(1500);
    } finally {
      await link.close();
    }
  }, 150_000);
});
