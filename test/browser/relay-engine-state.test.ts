// The Icecast engine's state on a relay's detail page, in a real browser against a real hub, with
// real parts (Debian's icecast2 as the upstream and as the origin, ffmpeg): the district engineer
// opens a relay on air whose origin is down and reads "đang kết nối lại"; the origin comes up, and
// without a reload the page says the hub is sending to Icecast, and how much it has sent. English too.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld } from '../helpers/world.ts';
import { freePort } from '../helpers/ports.ts';
import { feedTone, ICECAST, startIcecast, waitForMount, type Feeder, type Icecast } from '../helpers/icecast.ts';
import { addWardUsers, DEVICES, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';

const PASSWORD = 'src-engine-page-1';
let t: TestHub;
let browser: Browser;
let upstream: Icecast;
let origin: Icecast | undefined;
let feeder: Feeder;
let originPort: number;

beforeAll(async () => {
  if (!existsSync(ICECAST)) throw new Error(`${ICECAST} is missing: install the Debian package icecast2`);
  upstream = await startIcecast();
  feeder = feedTone(resolveFfmpeg().path, upstream, 'vov1.mp3', 440);
  // The origin's port, with nothing on it yet: the hub's source cannot connect.
  originPort = await freePort();
  t = await startTestHub({
    streamEngine: 'icecast',
    icecastOrigin: `http://127.0.0.1:${originPort}`,
    icecastSourcePassword: PASSWORD,
    icecastListenUrl: `http://127.0.0.1:${originPort}`,
  });
  await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
  browser = await launchBrowser();
  await waitForMount(upstream.mountUrl('vov1.mp3'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await feeder?.stop();
  await Promise.all([upstream, origin].map((i) => i?.stop()));
});

const openDetail = async (page: Page, title: string) => {
  await page.click(`[data-testid=cal-item][data-title="${title}"]`);
  await page.waitForSelector('[data-testid=relay-streams]');
};

describe("web UI: the Icecast engine's state on a relay's detail", () => {
  it('shows the source reconnecting while the origin is down, then sending once it is up', async () => {
    const title = 'Tiếp âm VOV1 qua Icecast';
    const official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
    const leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password);
    const b = await official.post('/api/v1/broadcasts', {
      title,
      relay: { url: upstream.mountUrl('vov1.mp3'), seconds: 120 },
      targets: { areas: [DEVICES[0].areaPath], devices: [] },
      startsAt: new Date(Date.now() + 13_000).toISOString(),
    });
    await leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});

    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'schedule', {
      width: 390,
      height: 844,
    });
    await openDetail(page, title);
    // The hub pulls the upstream 11 s ahead and tries the origin: refused, so trying again.
    const line = '[data-testid=relay-stream]';
    await page.waitForSelector(`${line}[data-engine=reconnecting]`, { timeout: 20_000 });
    expect(await page.textContent('[data-testid=relay-engine]')).toBe(' · Máy chủ phát lại: đang kết nối lại');
    // The engineer's detail (the socket's own words) is in the tooltip, not in the Vietnamese text.
    expect(await page.getAttribute(line, 'title')).toMatch(/ECONNREFUSED/);
    await shot(page, 'relay-engine-reconnecting-390');

    origin = await startIcecast({ port: originPort, password: PASSWORD });
    // Read again every few seconds while the occurrence is on: no reload.
    await page.waitForSelector(`${line}[data-engine=sending]`, { timeout: 20_000 });
    await page.waitForFunction(
      () => /đã gửi/.test(document.querySelector('[data-testid=relay-engine]')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.textContent(line)).toMatch(
      /^\d\d\/\d\d\/\d{4} \d\d:\d\d · Nguồn: (chờ giờ phát|đang nhận nguồn) · Máy chủ phát lại: đang phát tới Icecast · đã gửi \d+,\d KB$/,
    );
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await shot(page, 'relay-engine-sending-390');
    expect(errors).toEqual([]);
    await ctx.close();

    // The same in English (the UI's own language switch), on a desktop.
    const en = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'schedule', undefined, 'en-US');
    await openDetail(en.page, title);
    await en.page.click('[data-testid=lang]');
    await en.page.waitForSelector(`${line}[data-engine=sending]`);
    expect(await en.page.textContent('[data-testid=relay-engine]')).toMatch(
      /^ · Relay server: sending to Icecast · sent \d+\.\d KB$/,
    );
    expect(en.errors).toEqual([]);
    await en.ctx.close();
    await leader.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
  }, 90_000);
});
