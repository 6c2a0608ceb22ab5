// `npm start` as a newcomer meets it: the demo on its embedded defaults, driven only through the
// outside contract (environment variables, login, coverage report). It must show a bulletin go
// out and come back confirmed (a typed one, a relay of the demo's test stream), a campaign whose
// progress counts what aired, a coming anniversary, last month's report and this month's so far, and
// leave no processes behind when stopped.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../helpers/ports.ts';
import { ApiClient } from '../../cli/api-client.ts';
import type { Device, MediaItem } from '../helpers/api-types.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('runs the whole system and confirms the demo bulletins, then stops cleanly', async () => {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    WARDCAST_HTTP_PORT: String(httpPort),
    WARDCAST_MQTT_PORT: String(mqttPort),
    WARDCAST_DATA_DIR: dir,
    WARDCAST_ADMIN_PASSWORD: 'demo-admin-password',
  };
  const demo = spawn(process.execPath, [path.resolve(import.meta.dirname, '../../bin/wardcast.mjs'), 'demo'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  demo.stdout!.on('data', (d) => (out += d));
  demo.stderr!.on('data', (d) => (out += d));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not finish its scenario in 150 s:\n${out}`)), 150_000);
      demo.stdout!.on('data', () => {
        if (!out.includes('wardcast is running')) return;
        clearTimeout(timer);
        resolve();
      });
      demo.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
    });
    expect(out).toContain(`http://127.0.0.1:${httpPort}/`);
    expect(out).toMatch(/canbo\.hadinh\s+\S+/);

    const admin = await new ApiClient(`http://127.0.0.1:${httpPort}`).as('admin', 'demo-admin-password');
    const devices = await admin.get('/api/v1/devices');
    expect(devices.map((d: Device) => [d.id, d.online])).toEqual([
      ['loa-ha-dinh-01', true],
      ['loa-khuong-mai-01', true],
      ['led-thanh-xuan-bac-01', true],
    ]);
    // The LED board's agent reports its Alpha profile's display; the web preview draws the board with it.
    expect(devices.find((d: Device) => d.id === 'led-thanh-xuan-bac-01').display).toEqual({
      rows: 32,
      columns: 192,
      maxLineChars: 64,
      charset: 'ascii',
      vietnamese: 'picture',
      stripMarker: '[KD] ',
    });
    const report = await admin.get('/api/v1/reports/coverage?area=ha-noi/thanh-xuan');
    // The ward bulletin and the typed bulletin on Hạ Đình's speaker, the campaign's on Khương Mai's,
    // the relay on both speakers, then the emergency on all three devices.
    expect(report.totals).toMatchObject({ played: 8, failed: 0, missed: 0 });
    // The relay of the demo's own test stream: both speakers aired nearly all of its 15 s, lost none.
    expect(report.relay.occurrences).toBe(2);
    expect(report.relay.byDevice.map((d: { deviceId: string }) => d.deviceId)).toEqual([
      'loa-ha-dinh-01',
      'loa-khuong-mai-01',
    ]);
    for (const d of report.relay.byDevice) {
      expect(d.secondsAired).toBeGreaterThan(13);
      expect(d.secondsLost).toBeLessThan(2);
    }
    expect(out).toMatch(
      /Tiếp âm \/ relay of http:\/\/127\.0\.0\.1:\d+\/demo\.mp3 \(1 pull by the hub\): loa-ha-dinh-01 played [\d.]+\/15 s, loa-khuong-mai-01 played [\d.]+\/15 s/,
    );
    const typed = (await admin.get('/api/v1/media')).find((m: MediaItem) => m.source === 'text');
    expect(typed).toMatchObject({ status: 'ready', tts: { engine: 'espeak-ng', voice: 'vi' } });
    expect(typed.tts.spoken).toMatch(
      /^ủy ban nhân dân phường Hạ Đình thông báo: mười chín giờ ba mươi phút ngày .* tháng .*, tổ dân phố số năm họp tại nhà văn hóa/,
    );
    expect(out).toContain('soạn bản tin bằng văn bản');

    // The campaign (chuyên đề): its bulletin aired on Khương Mai's speaker, counted from the admitted receipt.
    const [campaign] = await admin.get('/api/v1/campaigns');
    expect(campaign).toMatchObject({ name: 'Tuyên truyền Nghị quyết 98', bulletins: 1 });
    const progress = await admin.get(`/api/v1/campaigns/${campaign.id}/progress`);
    const aired = progress.wards.filter((w: { aired: number }) => w.aired > 0);
    expect(
      aired.map((w: { areaPath: string; planned: number; aired: number }) => [w.areaPath, w.planned, w.aired]),
    ).toEqual([['ha-noi/thanh-xuan/khuong-mai', 1, 1]]);
    expect(out).toMatch(
      /Chuyên đề \/ campaign «Tuyên truyền Nghị quyết 98»: đã phát\/kế hoạch \(aired\/planned\) Phường Khương Mai 1\/1/,
    );
    // A coming anniversary in "Sắp tới", whatever the date.
    expect((await admin.get('/api/v1/anniversaries/upcoming?days=90')).length).toBeGreaterThan(0);
    // Last month's report of the district, generated and listed.
    const { reports } = await admin.get('/api/v1/periodic-reports?kind=month');
    expect(reports).toContainEqual(
      expect.objectContaining({ areaPath: 'ha-noi/thanh-xuan', kind: 'month', status: 'draft', version: 1 }),
    );
    // And this month's so far, from what the scenario aired: the bulletins, the campaign's on Khương
    // Mai, and the emergency with its time to full confirmation, all from admitted receipts.
    const drafts = reports.filter((r: { areaPath: string }) => r.areaPath === 'ha-noi/thanh-xuan');
    const current = await admin.get(`/api/v1/periodic-reports/${Math.max(...drafts.map((r: { id: number }) => r.id))}`);
    expect(current.document.totals).toMatchObject({ played: report.totals.played, failed: 0, missed: 0 });
    expect(current.document.byCampaign).toEqual([
      expect.objectContaining({ name: 'Tuyên truyền Nghị quyết 98', bulletins: 1, played: 1 }),
    ]);
    const [emergency] = current.document.emergencies;
    expect(emergency.confirmed).toBe(emergency.devices);
    expect(emergency.secondsToFullConfirmation).toBeGreaterThan(0);
    expect(out).toMatch(/Báo cáo tháng \d{4}-\d{2} \(đến nay \/ so far\)/);
  } finally {
    demo.kill('SIGTERM');
    await new Promise((r) => (demo.exitCode !== null ? r(null) : demo.once('exit', r)));
  }
  const left = execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .filter((l) => l.includes(dir));
  expect(left).toEqual([]);
}, 200_000);
