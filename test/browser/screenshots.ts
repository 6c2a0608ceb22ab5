// `npm run screenshots`: the main pages as a newcomer would see them, written to docs/screenshots/
// at 1366×768 and 390×844. It runs the real demo (hub, embedded broker, simulated speakers and LED
// board as agent processes, the demo's bulletin and emergency), adds a few everyday bulletins, and
// photographs each page in Debian's Chromium through the browser tests' harness.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { parseHubConfig } from '../../hub/config.ts';
import { formatVn } from '../../hub/time.ts';
import { runDemo } from '../../cli/demo.ts';
import { DISTRICT } from '../../hub/demo-seed.ts';
import { ApiClient } from '../../cli/api-client.ts';
import { launchBrowser, newTestContext, openAs } from './harness.ts';

const OUT = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const SIZES = { desktop: { width: 1366, height: 768 }, phone: { width: 390, height: 844 } } as const;
const HA_DINH = `${DISTRICT}/ha-dinh`;

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-shots-'));
  const adminPassword = 'screenshots-admin-1';
  const demo = await runDemo(
    parseHubConfig({
      httpPort: 0,
      mqttPort: 0,
      httpHost: '127.0.0.1',
      mqttHost: '127.0.0.1',
      dataDir,
      adminPassword,
      logLevel: 'silent',
    }),
    { scenario: true, quietExit: true },
  );
  let browser: Browser | undefined;
  try {
    const pw = JSON.parse(readFileSync(path.join(dataDir, 'demo-users.json'), 'utf8')) as Record<string, string>;
    const users = {
      official: { username: 'canbo.hadinh', password: pw['canbo.hadinh'] },
      leader: { username: 'lanhdao.hadinh', password: pw['lanhdao.hadinh'] },
      district: { username: 'vanhoa.thanhxuan', password: pw['vanhoa.thanhxuan'] },
    };
    await everydayBulletins(new ApiClient(demo.hubUrl), users);
    mkdirSync(OUT, { recursive: true });
    // A microphone for the live page: Chromium's fake capture device playing Vietnamese speech
    // (a steady tone would not do: the browser's noise suppression takes it for noise).
    const speech = path.join(dataDir, 'speech.wav');
    const tone = path.join(dataDir, 'microphone.wav');
    execFileSync('espeak-ng', [
      '-v',
      'vi',
      '-s',
      '150',
      '-w',
      speech,
      'A lô, a lô. Mời bà con tổ dân phố số năm đến họp.',
    ]);
    execFileSync(resolveFfmpeg().path, [
      ...['-y', '-hide_banner', '-loglevel', 'error', '-i', speech],
      ...['-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', tone],
    ]);
    browser = await launchBrowser([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${tone}`,
    ]);
    const pages: Array<
      [name: string, user: { username: string; password: string } | null, route: string, ready: string]
    > = [
      ['login', null, '', 'form.login'],
      ['calendar', users.official, 'schedule', '[data-testid=cal-item]'],
      ['broadcast-form', users.official, 'schedule?new', '[data-testid=broadcast-form]'],
      ['approvals', users.leader, 'approvals', '[data-testid=queue-item]'],
      ['coverage', users.district, 'coverage', '[data-testid=chart-row]'],
      ['campaigns', users.district, 'campaigns', '[data-testid=campaign-row]'],
      ['reports', users.district, 'reports', '[data-testid=report-row]'],
      ['library', users.official, 'library', '[data-testid=waveform]'],
      ['fleet', users.district, 'fleet', '[data-testid=map-pin]'],
      ['emergency', users.district, 'emergency', '[data-testid=tpl-storm]'],
      ['live', users.leader, 'live', '[data-testid=live-form]'],
      ['live-on-air', users.leader, 'live', '[data-testid=live-form]'],
    ];
    // `npm run screenshots -- live emergency`: only the pages named.
    const only = process.argv.slice(2);
    for (const [name, user, route, ready] of pages.filter(([n]) => only.length === 0 || only.includes(n)))
      for (const [size, viewport] of Object.entries(SIZES)) {
        const session = user ? await openAs(browser, demo.hubUrl, user, route, viewport) : null;
        const ctx = session?.ctx ?? (await newTestContext(browser, { viewport, locale: 'vi-VN' }));
        const page = session?.page ?? (await ctx.newPage());
        if (!session) await page.goto(`${demo.hubUrl}/`);
        await page.waitForSelector(ready, { timeout: 30_000 });
        if (name === 'live-on-air') await goLive(page, size);
        await page.waitForTimeout(400); // live data and fonts settle
        const file = path.join(OUT, `${name}-${size}.png`);
        await page.screenshot({ path: file });
        console.log(`  ${path.relative(process.cwd(), file)}`);
        if (name === 'live-on-air') await page.click('[data-testid=live-end]');
        await ctx.close();
      }
  } finally {
    await browser?.close();
    await demo.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The leader goes live to the ward and waits until its speaker listens. */
async function goLive(page: Page, size: string) {
  await page.fill('input[name=title]', `Mời họp tổ dân phố số 5 (${size})`);
  await page.click('[data-testid=live-start]');
  await page.waitForSelector('[data-testid=listener][data-state=listening]', { timeout: 30_000 });
  await page.waitForTimeout(2000); // the time on air moves off 0:00
}

/** What a ward's week holds besides the demo's story: morning news, a campaign, one waiting for the leader. */
async function everydayBulletins(
  api: ApiClient,
  users: Record<'official' | 'leader' | 'district', { username: string; password: string }>,
) {
  const official = await api.as(users.official.username, users.official.password);
  const leader = await api.as(users.leader.username, users.leader.password);
  const mediaId = (await official.get('/api/v1/media'))[0].id;
  const day = (offset: number) => formatVn(Date.now() + offset * 86_400_000)!.slice(0, 10);
  const plan = [
    { title: 'Tuyên truyền phòng chống cháy nổ khu dân cư', startsAt: `${day(1)}T06:00`, approve: true },
    // Same time, same level: the leader chooses at approval that this one plays.
    { title: 'Thông báo lịch tiêm chủng mở rộng', startsAt: `${day(1)}T06:00`, approve: true, clashes: 'air-ours' },
    { title: 'Hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc', startsAt: `${day(2)}T17:30`, approve: true },
    { title: 'Thông báo thu gom rác thải cồng kềnh', startsAt: `${day(3)}T07:00`, approve: false },
  ];
  for (const p of plan) {
    const b = await official.post('/api/v1/broadcasts', {
      title: p.title,
      mediaId,
      volume: 70,
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: p.startsAt,
    });
    if (p.approve)
      await leader.post(`/api/v1/broadcasts/${b.id}/approve`, 'clashes' in p ? { clashes: p.clashes } : {});
  }
}

await main();
