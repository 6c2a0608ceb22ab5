// Issue 13: a 96×16 board that draws Vietnamese as a picture (the Alpha default) sits in Hạ Đình
// next to the demo's 192×32 board, both behind real agent processes and Alpha simulators. The
// district picks each built-in template: it is laid out for the fleet's boards, goes, and the small
// board shows it. Text the official typed that a board would refuse is laid out in one click, with
// the reason per board and a preview per board size; a word wider than a board is said and blocks.
// Vietnamese- and English-locale browsers, desktop and a 390 px phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, waitOnline, HA_DINH } from '../helpers/world.ts';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { startAlphaSimulator } from '../../firmware-bridge/led/alpha/alpha-simulator.ts';
import { addWardUsers, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';
import { TEMPLATES } from '../../web/lib/emergency-templates.ts';
import { formatVn } from '../../hub/time.ts';
import type { Device } from '../helpers/api-types.ts';

let t: TestHub;
let browser: Browser;
const agents: AgentProcess[] = [];
const stops: Array<() => Promise<void>> = [];
const BOARDS = [
  { id: 'led-hd-1', name: 'Bảng LED Hạ Đình 01', board: { address: '01', charset: 'ascii', rows: 32, columns: 192 } },
  { id: 'led-hd-2', name: 'Bảng LED nhỏ Hạ Đình', board: { address: '01', charset: 'ascii', rows: 16, columns: 96 } },
] as const;
const FINAL = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, []);
  await addWardUsers(t);
  const dir = tempDir('browser-led-reflow');
  for (const b of BOARDS) {
    const sim = await startAlphaSimulator({ name: b.id, ...b.board });
    stops.push(sim.stop);
    const { enrolToken } = await t.admin.post('/api/v1/devices', {
      id: b.id,
      name: b.name,
      kind: 'led',
      areaPath: HA_DINH,
    });
    agents.push(
      startAgentProcess({
        dir: path.join(dir, b.id),
        hubUrl: t.hub.httpUrl,
        mqttUrl: t.hub.mqttUrl,
        enrolToken,
        profile: {
          kind: 'led',
          board: { driver: 'alpha-tcp', host: '127.0.0.1', port: sim.port!, vietnamese: 'picture', ...b.board },
        },
      }),
    );
  }
  await waitOnline(
    t.admin,
    BOARDS.map((b) => b.id),
  );
  await t.admin.waitFor(
    async () => (await t.admin.get('/api/v1/devices')).filter((d: Device) => d.display).length === 2,
    30_000,
    'both boards report their display',
  );
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(agents.map((a) => a.stop()));
  for (const s of stops) await s();
  await t?.stop();
});

/** Sends what the emergency page holds to Hạ Đình and waits until both boards answered. */
async function sendAndWatch(page: Page): Promise<Record<string, string>> {
  expect(await page.isEnabled('[data-testid=em-send]')).toBe(true);
  await page.click('[data-testid=em-send]');
  await page.click('[data-testid=em-confirm]');
  await page.waitForSelector('[data-testid=tracker]');
  await page.waitForFunction(
    (final) => {
      const rows = [...document.querySelectorAll('[data-testid=track-row]')];
      return rows.length === 2 && rows.every((r) => final.includes(r.getAttribute('data-state')!));
    },
    FINAL,
    { timeout: 60_000, polling: 100 },
  );
  const states = Object.fromEntries(
    await page.$$eval('[data-testid=track-row]', (r) =>
      r.map((x) => [x.getAttribute('data-device'), x.getAttribute('data-state')]),
    ),
  );
  await page.click('[data-testid=em-new]');
  await page.click('[data-testid=area-ha-dinh]');
  return states;
}

describe('web UI: LED text laid out for the boards it reaches', () => {
  for (const c of [
    { locale: 'vi-VN', viewport: DESKTOP },
    { locale: 'en-US', viewport: PHONE },
  ])
    it(`${c.locale} at ${c.viewport.width} px: each template goes to a 96×16 picture board; typed text is laid out in one click, with the reason per board`, async () => {
      const { page, ctx, errors } = await openAs(
        browser,
        t.hub.httpUrl,
        WARD_USERS.district,
        'emergency',
        c.viewport,
        c.locale,
      );
      const en = c.locale === 'en-US';
      if (en) await page.click('[data-testid=lang]'); // the UI's own language switch
      await page.waitForFunction(() => document.querySelectorAll('[data-fits=yes]').length === 4, null, {
        timeout: 10_000,
      });
      await page.click('[data-testid=area-ha-dinh]');
      for (const tpl of TEMPLATES) {
        await page.click(`[data-testid=tpl-${tpl.id}]`);
        // Laid out for the 96×16 board: one line a page, each page the template's mode and seconds.
        const text = await page.inputValue('[data-testid=em-text]');
        const pages = text.split('\n\n');
        expect(pages.length, tpl.id).toBeGreaterThan(1);
        expect(
          pages.every((p) => !p.includes('\n')),
          tpl.id,
        ).toBe(true);
        expect(text.split(/\s+/), tpl.id).toEqual(tpl.pages[0].lines.join(' ').split(/\s+/));
        expect(await page.locator('[data-testid=em-blocked]').count(), tpl.id).toBe(0);
        expect(await page.locator('[data-testid=reflow-offer]').count(), tpl.id).toBe(0);
        expect(
          await page
            .locator(
              '[data-testid=led-board-group][data-display^="96x16/"] [data-testid=led-fit] li[data-refused=true]',
            )
            .count(),
          tpl.id,
        ).toBe(0);
        if (tpl.id === 'storm') await shot(page, `reflow-template-${c.viewport.width}`);
        expect(await sendAndWatch(page), tpl.id).toEqual({ 'led-hd-1': 'played', 'led-hd-2': 'played' });
      }

      // Typed text the small board would refuse: blocked, the reason per board, a preview per size, one click.
      await page.fill('[data-testid=em-title]', 'Mất điện');
      await page.fill('[data-testid=em-text]', 'THÔNG BÁO MẤT ĐIỆN\nNgừng cấp điện từ 8 giờ đến 17 giờ');
      await page.waitForSelector('[data-testid=reflow-offer]');
      expect(await page.isDisabled('[data-testid=em-send]')).toBe(true);
      const reasons = await page.$$eval('[data-testid=reflow-reason]', (li) => li.map((x) => x.textContent));
      const n = Number(await page.getAttribute('[data-testid=reflow-offer]', 'data-pages'));
      expect(n).toBeGreaterThan(1);
      expect(reasons).toEqual([
        en
          ? `The 96×16 board in Phường Hạ Đình shows only 1 line(s), at most 96 dots each: split into ${n} pages`
          : `Bảng 96×16 ở Phường Hạ Đình chỉ hiện 1 dòng, mỗi dòng tối đa 96 chấm: chia thành ${n} trang`,
      ]);
      expect(
        (
          await page.$$eval('[data-testid=reflow-preview]', (d) =>
            d.map((x) => x.getAttribute('data-display')!.split('/')[0]),
          )
        ).sort(),
      ).toEqual(['192x32', '96x16']);
      expect(await page.textContent('[data-testid=reflow-apply]')).toBe(
        en ? 'Lay out lines and pages to fit the boards' : 'Tự chia dòng/trang cho vừa bảng',
      );
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, `reflow-offer-${c.viewport.width}`);
      await page.click('[data-testid=reflow-apply]');
      await page.waitForSelector('[data-testid=reflow-offer]', { state: 'detached' });
      await page.waitForSelector('[data-testid=em-blocked]', { state: 'detached' });
      expect((await page.inputValue('[data-testid=em-text]')).split('\n\n').length).toBe(n);
      expect(await sendAndWatch(page)).toEqual({ 'led-hd-1': 'played', 'led-hd-2': 'played' });

      // One word wider than the small board: said, nothing to apply, not sent.
      await page.fill('[data-testid=em-text]', 'KHẨN CẤP #PhườngHạĐìnhChốngBão');
      await page.waitForSelector('[data-testid=reflow-blocked]');
      expect(await page.textContent('[data-testid=reflow-blocked]')).toContain('«#PhườngHạĐìnhChốngBão»');
      expect(await page.locator('[data-testid=reflow-apply]').count()).toBe(0);
      expect(await page.isDisabled('[data-testid=em-send]')).toBe(true);
      expect(errors).toEqual([]);
      await ctx.close();
    }, 420_000);

  it('the schedule form offers the same layout for text the small board would refuse, and the bulletin can then be submitted', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'schedule', PHONE);
    await page.click('[data-testid=new-broadcast]');
    await page.waitForSelector('[data-testid=broadcast-form]');
    await page.fill('input[name=title]', 'Cắt nước');
    await page.fill(
      'input[name=date]',
      formatVn(Date.now() + 86_400_000)!
        .slice(0, 10)
        .split('-')
        .reverse()
        .join('/'),
    ); // tomorrow, at the form's time
    await page.check('input[name=use-led]');
    await page.locator('[data-testid=led-text]').first().fill('Cắt nước sinh hoạt ngày mai từ 8 giờ');
    await page.waitForSelector('[data-testid=reflow-offer]');
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    const reasons = await page.$$eval('[data-testid=reflow-reason]', (li) => li.map((x) => x.textContent));
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /^Bảng 96×16 ở Phường Hạ Đình chỉ hiện 1 dòng, mỗi dòng tối đa 96 chấm: chia thành \d trang$/,
      ),
    );
    await page.click('[data-testid=reflow-apply]');
    await page.waitForSelector('[data-testid=reflow-offer]', { state: 'detached' });
    await page.waitForSelector('[data-testid=led-page-2]');
    await page.waitForSelector('[data-testid=form-blocked]', { state: 'detached' });
    expect(await page.isEnabled('[data-testid=submit]')).toBe(true);
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=saved]');
    expect(await page.textContent('[data-testid=saved]')).toContain('Đã gửi duyệt «Cắt nước»');
    const [b] = await (await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password)).get(
      '/api/v1/broadcasts',
    );
    expect(b.status).toBe('submitted');
    expect(b.led.pages.flatMap((p: { lines: string[] }) => p.lines).join(' ')).toBe(
      'Cắt nước sinh hoạt ngày mai từ 8 giờ',
    );
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);
});
