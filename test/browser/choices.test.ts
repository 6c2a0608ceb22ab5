// Issue 13 (4, 11 and failure reasons) in a real browser against a real hub: the leader chooses
// which of two same-level bulletins plays, the library archives and deletes media nobody uses, and
// a device's failure reads as a reason an official understands, with the device's own words one
// click away. Vietnamese-locale and English-locale browsers; desktop and phone width.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, HA_DINH } from '../helpers/world.ts';
import { formatVn } from '../../hub/time.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { addWardUsers, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';

let t: TestHub;
let browser: Browser;
let official: ApiClient;
let leader2: ApiClient;
const DAY = 86_400_000;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const vnDay = (offsetDays: number) => formatVn(Date.now() + offsetDays * DAY)!.slice(0, 10);
const bulletin = (title: string, when: string) => ({ title, led: { pages: [{ lines: [title], mode: 'hold', seconds: 30 }] }, priority: 'normal', volume: 60, targets: { areas: [HA_DINH], devices: [] }, startsAt: when });

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, [{ id: 'led-hd-1', kind: 'led', area: HA_DINH, name: 'Bảng LED Hạ Đình' }]);
  await addWardUsers(t);
  official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  leader2 = await t.api.as(WARD_USERS.leader2.username, WARD_USERS.leader2.password);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** No element of the page sticks out sideways (the phone would scroll). */
const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('same-level clash: the pages say which plays and the leader chooses', () => {
  const cases = [
    { locale: 'vi-VN', viewport: DESKTOP, time: '06:00', choose: 'air-ours' as const },
    { locale: 'en-US', viewport: PHONE, time: '07:00', choose: 'yield' as const },
  ];
  for (const c of cases) {
    it(`${c.locale} at ${c.viewport.width} px: the card says the approved one plays, approving needs a choice, and the choice decides the plan (${c.choose})`, async () => {
      const when = `${vnDay(3)}T${c.time}`;
      const first = await official.post('/api/v1/broadcasts', bulletin(`Tin trước ${c.time}`, when));
      await leader2.post(`/api/v1/broadcasts/${first.id}/approve`, {});
      const second = await official.post('/api/v1/broadcasts', bulletin(`Tin sau ${c.time}`, when));

      // The official's form already says which one plays.
      {
        const { page, ctx } = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'schedule', c.viewport, c.locale);
        await page.click('[data-testid=new-broadcast]');
        await page.fill('[data-testid=broadcast-form] input[name=title]', 'Bản nháp');
        await page.check('[data-testid=broadcast-form] input[name=use-led]');
        await page.locator('[data-testid=led-text]').first().fill('Bản nháp');
        await page.fill('[data-testid=broadcast-form] input[name=date]', vnDay(3).split('-').reverse().join('/'));
        await page.fill('[data-testid=broadcast-form] input[name=time]', c.time);
        await page.locator('[data-testid=broadcast-form] input[name=time]').blur();
        // Against the approved one: it plays. Against the other one waiting: whichever is approved first.
        const who = page.locator('[data-testid=conflict-overlap]', { hasText: `«Tin trước ${c.time}»` }).locator('[data-testid=who-plays]');
        const pending = page.locator('[data-testid=conflict-overlap]', { hasText: `«Tin sau ${c.time}»` }).locator('[data-testid=who-plays]');
        await pending.waitFor({ timeout: 15_000 });
        expect(await pending.getAttribute('data-plays')).toBe('first-approved');
        await who.waitFor({ timeout: 15_000 });
        expect(await who.textContent()).toContain(`«Tin trước ${c.time}» sẽ phát`);
        expect(await who.textContent()).toContain('Lãnh đạo sẽ chọn bản tin nào phát khi phê duyệt.');
        await ctx.close();
      }

      const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'approvals', c.viewport, c.locale);
      const card = page.locator(`[data-testid=queue-item][data-title="Tin sau ${c.time}"]`);
      await card.locator('[data-testid=queue-who-plays]').waitFor();
      expect(await card.locator('[data-testid=queue-who-plays]').getAttribute('data-plays')).toBe('other');
      expect(await card.locator('[data-testid=queue-who-plays]').textContent()).toBe(
        `Nếu không chọn khác: «Tin trước ${c.time}» sẽ phát (đã duyệt trước hoặc bắt đầu trước); bản tin này chờ bản tin kia phát xong và bị bỏ qua nếu phải chờ quá 1 phút. Hãy chọn bên dưới bản tin nào phát.`,
      );
      expect(await card.locator('[data-testid=same-level-choice] legend').textContent()).toBe('Trùng giờ với bản tin cùng cấp đã duyệt: chọn bản tin nào phát');
      expect(await card.locator('[data-testid=approve]').isDisabled()).toBe(true);
      expect(await fitsWidth(page)).toBe(true);
      if (c.locale === 'en-US') {
        // The same card in English (the UI's own language switch; the browser's locale does not change it).
        await page.click('[data-testid=lang]');
        expect(await card.locator('[data-testid=same-level-choice] legend').textContent()).toBe('Clashes with an approved bulletin of the same level: choose which plays');
        expect(await card.locator('[data-testid=queue-who-plays]').textContent()).toContain(`Unless chosen otherwise: «Tin trước ${c.time}» plays`);
        await page.click('[data-testid=lang]');
      }
      await card.locator(`[data-testid=choose-${c.choose}]`).check();
      expect(await card.locator('[data-testid=approve]').textContent()).toBe(c.choose === 'air-ours' ? 'Phê duyệt — bản tin này phát' : 'Phê duyệt — bản tin này nhường');
      await shot(page, `approval-same-level-${c.viewport.width}`);
      await card.locator('[data-testid=approve]').click();
      await card.waitFor({ state: 'detached' });

      // Stored and in force: the plan (what the manifests are built from) has one bulletin at that time.
      const detail = await official.get(`/api/v1/broadcasts/${second.id}`);
      expect(detail.status).toBe('approved');
      expect(detail.clashDecision).toMatchObject({ decision: c.choose, sameLevel: true });
      const planned = async (id: string) => (await official.get(`/api/v1/broadcasts/${id}`)).devices.filter((d: any) => d.scheduledStart.startsWith(when)).length;
      expect([await planned(first.id), await planned(second.id)]).toEqual(c.choose === 'air-ours' ? [0, 1] : [1, 0]);
      // The bulletin's page says what the leader chose.
      await page.click('[data-tab=approvals]');
      await page.locator('[data-testid=decided-row] button', { hasText: `Tin sau ${c.time}` }).click();
      const decided = page.locator('[data-testid=clash-decision]');
      await decided.waitFor();
      expect(await decided.textContent()).toContain(c.choose === 'air-ours' ? `Lãnh đạo đã chọn: bản tin này phát; «Tin trước ${c.time}» nhường 1 lần phát` : 'Lãnh đạo đã chọn: bản tin này nhường bản tin cùng cấp; 1 lần phát');
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }
});
