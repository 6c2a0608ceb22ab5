// Scheduling a relay (tiếp âm) in a real browser against a real hub, in Vietnamese, on a desktop
// (1366 px) and a phone (390 px): a daily relay of VOV1's news at 05:00 and 18:00; a bad address is
// refused by the hub and its Vietnamese words show next to the field; the calendar and the detail
// page show it as a relay (the upstream's host and the length); the coverage page counts relays by
// seconds aired and lost on each device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld } from '../helpers/world.ts';
import { formatVn, VN_OFFSET_MS } from '../../hub/time.ts';
import { occurrenceId } from '../../hub/broadcasts/recurrence.ts';
import { DISTRICT } from '../helpers/world.ts';
import { addWardUsers, DEVICES, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';

let t: TestHub;
let browser: Browser;
const viDay = (offsetDays: number) =>
  formatVn(Date.now() + offsetDays * 86_400_000)!
    .slice(0, 10)
    .split('-')
    .reverse()
    .join('/');
/** Tomorrow falls in next week's calendar when today is Sunday (in Vietnam). */
const tomorrowNextWeek = () => new Date(Date.now() + 7 * 3600_000).getUTCDay() === 0;

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const VIEWPORTS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

describe('web UI: a relay schedule', () => {
  for (const viewport of VIEWPORTS) {
    it(`schedules a daily relay at 05:00 and 18:00 and sees it in the calendar and its detail (${viewport.width} px)`, async () => {
      const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'schedule', viewport);
      const title = `VOV1 thời sự (${viewport.width})`;
      await page.click('[data-testid=new-broadcast]');
      await page.fill('[data-testid=broadcast-form] input[name=title]', title);
      await page.click('label.seg-item:has-text("Hằng ngày")');
      await page.fill('input[name=times]', '5:00, 18:00');
      await page.fill('input[name=from]', viDay(1));
      await page.fill('input[name=until]', viDay(7));

      await page.click('[data-testid=audio-kind] label:has-text("Tiếp âm")');
      expect(await page.isVisible('select[name=media]')).toBe(false);
      // An address the hub refuses: its words, in Vietnamese, next to the field.
      await page.fill('input[name=relay-url]', 'rtmp://vov.vn/live/vov1');
      await page.fill('input[name=relay-minutes]', '30');
      await page.waitForSelector('[data-testid=relay-error]');
      expect(await page.textContent('[data-testid=relay-error]')).toBe(
        'Địa chỉ nguồn tiếp âm "rtmp://vov.vn/live/vov1" dùng giao thức "rtmp": chỉ tiếp âm được luồng http hoặc https (Icecast, SHOUTcast, HLS).',
      );
      // An end time needs one start time a day: the hub says so next to the field too.
      await page.fill('input[name=relay-url]', 'http://radio.vov.vn:8000/vov1.mp3');
      await page.click('label:has-text("Kết thúc lúc")');
      await page.fill('input[name=relay-ends-at]', '05:30');
      await page.waitForSelector('[data-testid=relay-error]:has-text("giờ kết thúc")');
      await page.click('label:has-text("Phát trong")');
      await page.fill('input[name=relay-minutes]', '30');
      // The fallback: a station ident is picked from the library; the last bulletin needs nothing.
      await page.selectOption('select[name=relay-fallback]', 'ident');
      expect(await page.isVisible('select[name=relay-ident]')).toBe(true);
      await page.selectOption('select[name=relay-fallback]', 'last-bulletin');
      await page.waitForSelector('[data-testid=check-summary]');
      expect(await page.$('[data-testid=relay-error]')).toBeNull();
      expect(await page.textContent('[data-testid=check-summary]')).toMatch(/^14 lần phát trong 5 tuần tới/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await shot(page, `relay-form-${viewport.width}`);
      await page.click('[data-testid=submit]');
      await page.waitForSelector('[data-testid=saved]');
      expect(await page.textContent('[data-testid=saved]')).toContain(`Đã gửi duyệt «${title}»`);

      const stored = (await t.admin.get('/api/v1/broadcasts')).find((b: { title: string }) => b.title === title);
      expect(stored).toMatchObject({
        durationMs: 30 * 60_000,
        relay: { url: 'http://radio.vov.vn:8000/vov1.mp3', seconds: 1800, endsAt: null, fallback: 'last-bulletin' },
      });

      // The calendar: tomorrow's 05:00 and 18:00, each marked as a relay of radio.vov.vn.
      const item = `[data-testid=cal-item][data-title="${title}"][data-relay-host="radio.vov.vn:8000"]`;
      if (viewport.width < 600) await page.click('[data-testid=cal-next]');
      else if (tomorrowNextWeek()) await page.click('[data-testid=cal-next]');
      await page.waitForSelector(item);
      const shown = page.locator(item);
      expect(await shown.count()).toBeGreaterThanOrEqual(2);
      expect(await shown.first().textContent()).toContain('Tiếp âm');
      expect(await shown.first().getAttribute('title')).toContain('Tiếp âm từ radio.vov.vn:8000, 30:00');
      const starts = await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-start')!.slice(11, 16)));
      expect(starts).toEqual(expect.arrayContaining(['05:00', '18:00']));
      await shot(page, `relay-calendar-${viewport.width}`);

      await shown.first().click();
      await page.waitForSelector('[data-testid=detail-relay]');
      expect(await page.textContent('[data-testid=detail-relay]')).toBe(
        'Tiếp âm từ radio.vov.vn:8000, 30:00 · Khi mất nguồn: Bản tin gần nhất',
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
        0,
      );
      await shot(page, `relay-detail-${viewport.width}`);
      // Editing it opens the relay as it was stored.
      await page.click('[data-testid=edit-broadcast]');
      await page.waitForSelector('[data-testid=relay-fields]');
      expect(await page.inputValue('input[name=relay-url]')).toBe('http://radio.vov.vn:8000/vov1.mp3');
      expect(await page.inputValue('input[name=relay-minutes]')).toBe('30');
      expect(await page.inputValue('select[name=relay-fallback]')).toBe('last-bulletin');
      expect(await page.isChecked('[data-testid=audio-kind] input[value=relay]')).toBe(true);
      expect(errors).toEqual([]);
      await ctx.close();
    }, 60_000);
  }

  it('the coverage page counts a relay by seconds aired and lost on each device', async () => {
    // A relay that ended an hour ago, written as the hub would have it: Hạ Đình's loudspeaker lost the
    // upstream after 20 minutes (its receipt admitted); Kim Giang's never confirmed.
    const db = t.hub.ctx.db;
    const start = Math.floor((Date.now() - 2 * 3600_000) / 60_000) * 60_000;
    const user = db.prepare("SELECT id FROM users WHERE username = 'canbo.hadinh'").get() as { id: number };
    const area = db.prepare('SELECT id FROM areas WHERE path = ?').get(DISTRICT) as { id: number };
    db.prepare(
      `INSERT INTO broadcasts(id, title, media_id, led, priority, volume, starts_at, rrule, duration_ms, status, created_by, created_at, decided_by, decided_at, relay)
       VALUES ('b-relay-past', 'Tiếp âm VOV1 đã qua', NULL, NULL, 'normal', 70, ?, NULL, 1800000, 'approved', ?, ?, ?, ?, ?)`,
    ).run(
      start,
      user.id,
      start - 86_400_000,
      user.id,
      start - 86_400_000,
      JSON.stringify({
        url: 'http://radio.vov.vn/vov1.mp3',
        seconds: 1800,
        endsAt: null,
        fallback: 'silence',
        identMediaId: null,
      }),
    );
    db.prepare('INSERT INTO broadcast_targets(broadcast_id, area_id, device_id) VALUES (?, ?, NULL)').run(
      'b-relay-past',
      area.id,
    );
    const relay = {
      secondsAired: 1200.5,
      secondsLost: 599.5,
      fallback: 'silence',
      fallbackSeconds: 599.5,
      bytes: 3_900_000,
    };
    db.prepare(
      `INSERT INTO receipts(receipt_id, occurrence_id, broadcast_id, device_id, result, reason, scheduled_start, actual_start, actual_end, seconds_played, clock_offset_ms, evidence, signature, received_at, state, reason_code)
       VALUES ('r-relay-1', ?, 'b-relay-past', 'loa-hd-1', 'partial', 'the hub ended the stream before the planned end (upstream lost)', ?, ?, ?, 1200.5, 0, ?, 'sig', ?, 'admitted', 'upstream-lost')`,
    ).run(
      occurrenceId('b-relay-past', start),
      start,
      start,
      start + 1_800_000,
      JSON.stringify({ relay }),
      start + 1_801_000,
    );

    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'coverage');
    const vn = new Date(start + VN_OFFSET_MS);
    await page.fill('input.year', String(vn.getUTCFullYear()));
    await page.selectOption('select[aria-label="Tháng"]', String(vn.getUTCMonth() + 1));
    await page.waitForSelector('[data-testid=relay-totals]');
    expect(await page.textContent('[data-testid=relay-totals]')).toBe(
      '2 lần tiếp âm; đã phát 1.200,5 giây, mất 2.399,5 giây (33,3% đã phát).',
    );
    const cells = (device: string) =>
      page.$$eval(`[data-testid=relay-by-device] tr[data-device=${device}] td`, (tds) =>
        tds.map((td) => td.textContent),
      );
    expect(await cells('loa-hd-1')).toEqual(['Cụm loa Hạ Đình 01', '1', '1.200,5', '599,5']);
    expect(await cells('loa-kg-1')).toEqual(['Cụm loa Kim Giang 01', '1', '0,0', '1.800,0']);
    await page.waitForSelector('[data-testid=problem-relay]');
    expect(await page.$$eval('[data-testid=problem-relay]', (els) => els.map((e) => e.textContent?.trim()))).toEqual(
      expect.arrayContaining([
        'Tiếp âm: đã phát 1.200,5 giây, mất 599,5 giây',
        'Tiếp âm: đã phát 0,0 giây, mất 1.800,0 giây',
      ]),
    );
    await shot(page, 'relay-coverage');
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);
});
