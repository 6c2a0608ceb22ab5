// The coming anniversaries on the schedule page, in a real browser against a real hub whose clock
// stands on 10/04/2026 (Vietnam): Giỗ Tổ Hùng Vương (10/3 âm lịch) falls on 26/04/2026, and its
// prompt opens the broadcast form on that day with its name as the title. The calendar grid marks
// it on its day, and the form schedules a bulletin every year on that lunar date, showing the solar
// dates the hub reckons for it. Vietnamese first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld } from '../helpers/world.ts';
import { addWardUsers, DEVICES, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';

const NOW = Date.parse('2026-04-10T09:00:00+07:00');
let t: TestHub;
let browser: Browser;

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock: new ManualClock(NOW) });
  await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
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

  it('marks them in the calendar grid, and schedules a bulletin every year on a lunar date', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'schedule');
    await ctx.clock.setSystemTime(NOW); // the page's "this month" is the hub's
    await page.reload();
    await page.click('[data-testid=cal-view-month]');
    const mark = '[data-testid=cal-anniversary][data-day="2026-04-26"]';
    await page.waitForSelector(mark);
    expect(await page.textContent(mark)).toBe('★ Giỗ Tổ Hùng Vương');
    expect(await page.textContent('[data-testid=cal-anniversary][data-day="2026-04-30"]')).toBe(
      '★ Ngày Giải phóng miền Nam, thống nhất đất nước',
    );
    await page.click(mark);
    expect(await page.textContent('[data-testid=cal-anniversary-offer]')).toBe(
      '★ Giỗ Tổ Hùng Vương (10/3 âm lịch) — 26/04/2026 · Soạn bản tin',
    );
    await page.click('[data-testid=cal-anniversary-offer] [data-testid=prepare-bulletin]');
    await page.waitForSelector('[data-testid=broadcast-form]');
    expect(await page.inputValue('[data-testid=broadcast-form] input[name=title]')).toBe('Giỗ Tổ Hùng Vương');

    // Every year on 10/3 âm lịch at 06:30, lunar years 2026 to 2028: the dates come from the hub.
    await page.click('label.seg-item:has-text("Hằng năm theo âm lịch")');
    await page.waitForSelector('[data-testid=lunar-fields]');
    expect(await page.inputValue('input[name=lunar-day]')).toBe('10');
    expect(await page.inputValue('select[name=lunar-month]')).toBe('3');
    await page.fill('input[name=lunar-until]', '2028');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=lunar-date]').length === 3, undefined, {
      timeout: 10_000,
    });
    expect(await page.textContent('[data-testid=lunar-dates]')).toBe(
      'Rơi vào các ngày (dương lịch): 26/04/2026, 16/04/2027, 04/04/2028',
    );
    expect(await page.textContent('[data-testid=when-summary]')).toBe(
      'Phát hằng năm lúc 06:30 ngày 10/3 âm lịch, 2026–2028',
    );
    await page.check('input[name=use-led]');
    await page.locator('[data-testid=led-text]').first().fill('Giỗ Tổ Hùng Vương 10/3');
    await page.waitForSelector('[data-testid=check-summary]');
    await shot(page, 'lunar-recurrence');
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=broadcast-form]', { state: 'detached' });

    const official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
    const [b] = await official.get('/api/v1/broadcasts');
    expect(b.title).toBe('Giỗ Tổ Hùng Vương');
    expect(b.rrule).toBe(
      [
        'X-WARDCAST-LUNAR:MONTH=3;DAY=10;TIME=0630;FROM=2026;UNTIL=2028',
        'DTSTART:20260426T063000',
        'RDATE:20260426T063000,20270416T063000,20280404T063000',
      ].join('\n'),
    );
    // It shows on its day in the grid, beside the anniversary.
    await page.waitForSelector('[data-day="2026-04-26"] [data-testid=cal-item][data-title="Giỗ Tổ Hùng Vương"]');

    // An edit opens on the lunar rule it was written with.
    await page.click('[data-day="2026-04-26"] [data-testid=cal-item]');
    await page.click('[data-testid=edit-broadcast]');
    await page.waitForSelector('[data-testid=lunar-fields]');
    expect(await page.inputValue('input[name=lunar-until]')).toBe('2028');
    expect(await page.isChecked('input[name=when][value=lunar]')).toBe(true);

    // English second.
    await page.evaluate(() => localStorage.setItem('wardcast-lang', 'en'));
    await page.reload();
    await page.click('[data-testid=cal-view-month]');
    await page.waitForSelector(mark);
    expect(await page.textContent(mark)).toBe("★ Hung Kings' Commemoration Day");
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
