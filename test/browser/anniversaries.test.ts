// The coming anniversaries on the schedule page, in a real browser against a real hub whose clock
// stands on 10/04/2026 (Vietnam): Giỗ Tổ Hùng Vương (10/3 âm lịch) falls on 26/04/2026, and its
// prompt opens the broadcast form on that day with its name as the title. Vietnamese first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld } from '../helpers/world.ts';
import { addWardUsers, launchBrowser, openAs, WARD_USERS } from './harness.ts';

let t: TestHub;
let browser: Browser;

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock: new ManualClock(Date.parse('2026-04-10T09:00:00+07:00')) });
  await seedWorld(t, []);
  await addWardUsers(t);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('web UI: coming anniversaries', () => {
  it('lists them with their solar dates and prepares a bulletin for one', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'schedule');
    await page.waitForSelector('[data-testid=upcoming-anniversaries]');
    const lines = await page.$$eval('[data-testid=anniversary]', (li) => li.map((l) => l.textContent));
    expect(lines).toEqual([
      'Sắp tới: Giỗ Tổ Hùng Vương (10/3 âm lịch) — 26/04/2026 · Soạn bản tin',
      'Sắp tới: Ngày Giải phóng miền Nam, thống nhất đất nước (30/4) — 30/04/2026 · Soạn bản tin',
      'Sắp tới: Ngày Quốc tế Lao động (1/5) — 01/05/2026 · Soạn bản tin',
      'Sắp tới: Ngày sinh Chủ tịch Hồ Chí Minh (19/5) — 19/05/2026 · Soạn bản tin',
      'Sắp tới: Lễ Phật đản (15/4 âm lịch) — 31/05/2026 · Soạn bản tin',
    ]);

    await page.click('[data-testid=anniversary]:has-text("Giỗ Tổ") [data-testid=prepare-bulletin]');
    await page.waitForSelector('[data-testid=broadcast-form]');
    expect(await page.inputValue('[data-testid=broadcast-form] input[name=title]')).toBe('Giỗ Tổ Hùng Vương');
    expect(await page.inputValue('[data-testid=broadcast-form] input[name=date]')).toBe('26/04/2026');

    // English second: the same line in English words, the date written the same way.
    await page.evaluate(() => localStorage.setItem('wardcast-lang', 'en'));
    await page.reload();
    await page.waitForSelector('[data-testid=anniversary]');
    expect(await page.textContent('[data-testid=anniversary]')).toBe(
      "Coming: Hung Kings' Commemoration Day (10/3 lunar) — 26/04/2026 · Prepare a bulletin",
    );
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
