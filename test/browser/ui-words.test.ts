// Issue 13 (10, 12, 13, 15) in a real browser against a real hub, in a Vietnamese-locale and an
// English-locale Chromium, at desktop (1366×768) and phone (390×844) width: no English inside the
// Vietnamese UI (approval reason, CSV, activity log with names), a coverage chart readable on a
// phone, a calendar with day, week and month views whose crowded hours stay readable, and plain
// words and Vietnamese number formats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, type World } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { formatVn } from '../../hub/time.ts';
import { recordTelemetry } from '../../hub/devices/devices.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { addWardUsers, DEVICES, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';

let t: TestHub;
let w: World;
let browser: Browser;
let base: string;
let official: ApiClient;
let leader: ApiClient;
let emergencyId: string;
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const LOCALES = ['vi-VN', 'en-US'] as const;
const tomorrow = () => formatVn(Date.now() + 86_400_000)!.slice(0, 10);
/** Three bulletins at 06:00 tomorrow on the same ward: the calendar's crowded hour. */
const CLASH = [
  'Thông báo lịch tiêm chủng mở rộng cho trẻ em',
  'Tuyên truyền phòng chống cháy nổ khu dân cư',
  'Bản tin sáng của phường Hạ Đình',
];

beforeAll(async () => {
  t = await startTestHub({ confirmationGraceMs: 0 });
  w = await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
  official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password);
  const up = await official.upload(
    '/api/v1/media',
    vietnameseSpeech(tempDir('ui-words'), 'Thông báo của phường Hạ Đình.', 'wav'),
    'thong-bao.wav',
  );
  const media = await official.waitFor(
    async () => {
      const m = await official.get(`/api/v1/media/${up.id}`);
      return m.status === 'ready' ? m : null;
    },
    60_000,
    'audio processed',
  );
  const led = (text: string) => ({ pages: [{ lines: [text], mode: 'hold', seconds: 8 }] });
  for (const title of CLASH) {
    const b = await official.post('/api/v1/broadcasts', {
      title,
      mediaId: media.id,
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: `${tomorrow()}T06:00`,
    });
    // The second clashes with the first at the same level: the leader chooses that it plays too.
    if (title !== CLASH[2])
      await leader.post(`/api/v1/broadcasts/${b.id}/approve`, title === CLASH[1] ? { clashes: 'air-ours' } : {});
  }
  const rejected = await official.post('/api/v1/broadcasts', {
    title: 'Tin bị từ chối',
    led: led('Thông báo'),
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: `${tomorrow()}T10:00`,
  });
  await leader.post(`/api/v1/broadcasts/${rejected.id}/reject`, { reason: 'Sai giờ phát' });
  // The district's emergency airs at once without approval; no agent answers, so it ends missed.
  const em = await w.district.post('/api/v1/broadcasts', {
    title: 'Khẩn cấp: bão số 3',
    mediaId: media.id,
    led: led('BÃO SỐ 3'),
    priority: 'emergency',
    targets: { areas: [DISTRICT], devices: [] },
    startsAt: 'now',
  });
  emergencyId = em.id;
  await t.admin.waitFor(
    async () =>
      (await t.admin.get(`/api/v1/reports/coverage?area=${encodeURIComponent(DISTRICT)}`)).totals.missed >= 3
        ? true
        : null,
    60_000,
    'the emergency missed on every device',
  );
  // A speaker cluster reports its health: amplifier and clock (the fleet page words them).
  const telemetry = {
    deviceId: 'loa-hd-1',
    at: Date.now(),
    clockOffsetMs: 1520.4,
    clockDelayMs: 4,
    outboxSize: 0,
    cacheBytes: 0,
    scheduleVersion: 0,
    nowPlaying: null,
    rejected: {},
    amplifier: { powered: true, currentMa: 1234.5, temperatureC: 41.6, faults: [], zones: [] },
  };
  recordTelemetry(t.hub.ctx.db, telemetry, Date.now());
  browser = await launchBrowser();
  base = t.hub.httpUrl;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** The page's visible text (what a reader sees; closed <details> left out). */
const visibleText = (page: Page) => page.evaluate(() => document.querySelector('main')!.innerText);
/** English words that must not show in the Vietnamese UI. */
const ENGLISH =
  /approval waived|\b(played|failed|pending|missed|normal|emergency|submitted|approved)\b|\{"|LUFS|dBTP|Lệch đồng hồ|ảnh điểm|[Kk]iểm toán/;

describe('issue 13.10: no English inside the Vietnamese UI', () => {
  for (const locale of LOCALES)
    it(`approvals and the activity log speak Vietnamese, with names, in a ${locale} browser`, async () => {
      const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.district, 'approvals', DESKTOP, locale);
      const row = page.locator('[data-testid=decided-row]', { hasText: 'Khẩn cấp: bão số 3' });
      await row.waitFor();
      expect(await row.locator('[data-testid=decision-reason]').textContent()).toBe(
        'Tin khẩn cấp do Phòng Văn hóa và Thông tin gửi: không cần phê duyệt',
      );
      expect(
        await page
          .locator('[data-testid=decided-row]', { hasText: 'Tin bị từ chối' })
          .locator('[data-testid=decision-reason]')
          .textContent(),
      ).toBe('Sai giờ phát');
      expect(await visibleText(page)).not.toMatch(ENGLISH);

      await page.click('[data-tab=audit]');
      expect(await page.textContent('[data-tab=audit]')).toBe('Nhật ký hoạt động');
      await page.waitForSelector('[data-testid=audit-row][data-action="broadcast.emergency"]');
      const sentence = async (action: string, has: string) =>
        (await page
          .locator(`[data-testid=audit-row][data-action="${action}"]`, { hasText: has })
          .first()
          .textContent())!;
      expect(await sentence('broadcast.submit', CLASH[0])).toContain(
        `Cán bộ phường Hạ ĐìnhGửi duyệt lịch phát «${CLASH[0]}» (Thông thường) tại Phường Hạ Đình`,
      );
      expect(await sentence('broadcast.approve', CLASH[1])).toContain(
        `Lãnh đạo phường Hạ ĐìnhPhê duyệt lịch phát «${CLASH[1]}»`,
      );
      expect(await sentence('broadcast.reject', 'Tin bị từ chối')).toContain(
        'Từ chối lịch phát «Tin bị từ chối», lý do: Sai giờ phát',
      );
      expect(await sentence('broadcast.emergency', 'bão')).toContain(
        'Phát khẩn cấp «Khẩn cấp: bão số 3» tới Quận Thanh Xuân (không cần phê duyệt)',
      );
      expect(await sentence('media.upload', 'thong-bao')).toMatch(/Tải lên tệp âm thanh «thong-bao\.wav» \(\d+ KB\)/);
      const text = await visibleText(page);
      expect(text).not.toMatch(ENGLISH);
      expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // no broadcast ids
      // The raw entry is an admin's: the district office does not get it.
      expect(await page.locator('[data-testid=audit-raw]').count()).toBe(0);
      // The same page in English reads in English.
      await page.click('[data-testid=lang]');
      expect(await sentence('broadcast.approve', CLASH[1])).toContain(`Approved «${CLASH[1]}»`);
      await page.click('[data-tab=approvals]');
      expect(
        await page
          .locator('[data-testid=decided-row]', { hasText: 'bão số 3' })
          .locator('[data-testid=decision-reason]')
          .textContent(),
      ).toBe('Emergency sent by the district office: no approval needed');
      await page.click('[data-testid=lang]');
      expect(errors).toEqual([]);
      await ctx.close();
    });

  it('an admin can open the raw entry behind a sentence', async () => {
    const { page, ctx } = await openAs(
      browser,
      base,
      { username: 'admin', password: (await import('../helpers/test-hub.ts')).ADMIN_PASSWORD },
      'audit',
      DESKTOP,
    );
    const raw = page.locator('[data-testid=audit-row][data-action="broadcast.emergency"] [data-testid=audit-raw]');
    await raw.waitFor();
    expect(await raw.locator('code').isVisible()).toBe(false);
    await raw.locator('summary').click();
    expect(await raw.locator('code').textContent()).toContain(`"target":"${emergencyId}"`);
    await ctx.close();
  });

  it('the CSV is in the reader’s language: Vietnamese from the Vietnamese page, English from the English one or by Accept-Language, codes on request', async () => {
    const { page, ctx } = await openAs(browser, base, WARD_USERS.district, 'coverage', DESKTOP, 'en-US');
    await page.waitForSelector('[data-testid=chart]');
    const get = async (href: string, headers: Record<string, string> = {}) =>
      (await page.request.get(base + href, { headers })).text();
    const vi = await get((await page.getAttribute('[data-testid=csv]', 'href'))!);
    const [head, ...rows] = vi
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(head).toMatch(/^Khu vực,Mã khu vực,Mã thiết bị,Thiết bị,Bản tin,Mức độ,Giờ kế hoạch,/);
    expect(
      rows.some((r) => r.includes(',Khẩn cấp,') && r.includes(',Bỏ lỡ,không,"Không nhận được xác nhận từ thiết bị')),
    ).toBe(true);
    expect(vi).not.toMatch(/\b(played|failed|pending|missed|normal|emergency|true|false)\b/);
    expect(vi).toMatch(/,\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2},/);
    await page.click('[data-testid=lang]');
    const en = await get((await page.getAttribute('[data-testid=csv]', 'href'))!);
    expect(en).toMatch(/^\uFEFFArea,Area code,Device code,Device,Bulletin,Priority,Scheduled,/);
    expect(en).toContain(',Emergency,');
    expect(en).toContain(',Missed,no,');
    const bare = (await page.getAttribute('[data-testid=csv]', 'href'))!.replace(/&lang=en/, '');
    expect(await get(bare, { 'accept-language': 'en-GB,en;q=0.9' })).toMatch(/^\uFEFFArea,/);
    expect(await get(bare, { 'accept-language': 'vi-VN,vi;q=0.9,en;q=0.5' })).toMatch(/^\uFEFFKhu vực,/);
    expect(await get(`${bare}&lang=codes`)).toMatch(/^\uFEFFareaName,areaPath,deviceId/);
    await ctx.close();
  });
});

describe('issue 13.12: the coverage chart and its reasons on a phone and a desktop', () => {
  for (const locale of LOCALES)
    for (const [label, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const)
      it(`every colour labelled, text legible, ward names whole, reasons readable (${label}, ${locale})`, async () => {
        const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.district, 'coverage', viewport, locale);
        await page.waitForSelector('[data-testid=chart-row]');
        const legend = await page.$$eval('[data-testid=chart-legend] li', (lis) =>
          lis.map((li) => {
            const r = li.getBoundingClientRect();
            const sw = li.querySelector('.swatch')!.getBoundingClientRect();
            return {
              k: li.getAttribute('data-k'),
              text: li.textContent,
              right: r.right,
              size: parseFloat(getComputedStyle(li).fontSize),
              swatch: sw.width > 0 && sw.height > 0,
            };
          }),
        );
        expect(legend.map((l) => [l.k, l.text])).toEqual([
          ['played', 'Đã phát'],
          ['partial', 'Phát một phần'],
          ['failed', 'Lỗi'],
          ['missed', 'Bỏ lỡ'],
          ['preempted', 'Bị ngắt (ưu tiên cao hơn)'],
          ['skipped', 'Bỏ qua'],
          ['pending', 'Chờ xác nhận'],
        ]);
        for (const l of legend) {
          expect(l.swatch, l.k!).toBe(true);
          expect(l.right, `${l.k} inside the screen`).toBeLessThanOrEqual(viewport.width);
          expect(l.size, `${l.k} legible`).toBeGreaterThanOrEqual(11);
        }
        const names = await page.$$eval('[data-testid=chart-row] .cov-name', (els) =>
          els.map((e) => ({
            text: e.textContent,
            cut: e.scrollWidth > e.clientWidth,
            right: e.getBoundingClientRect().right,
            size: parseFloat(getComputedStyle(e).fontSize),
          })),
        );
        expect(names.map((n) => n.text)).toEqual(expect.arrayContaining(['Phường Hạ Đình', 'Phường Kim Giang']));
        for (const n of names) {
          expect(n.cut, n.text!).toBe(false);
          expect(n.right).toBeLessThanOrEqual(viewport.width);
          expect(n.size).toBeGreaterThanOrEqual(11);
        }
        // The reasons: in Vietnamese, wide enough to read (a card per row on a phone).
        const reason = page.locator('[data-testid=problem-reason]').first();
        expect(await reason.textContent()).toContain('Không nhận được xác nhận từ thiết bị');
        const box = (await reason.boundingBox())!;
        expect(box.width).toBeGreaterThanOrEqual(label === 'phone' ? 300 : 200);
        expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
        if (label === 'phone') expect(await page.isVisible('.scroll-cue')).toBe(true);
        await shot(page, `coverage-${label}-${locale}`);
        expect(errors).toEqual([]);
        await ctx.close();
      });
});

describe('issue 13.13: the calendar', () => {
  /** Moves the week view to the week holding tomorrow (next week when today is Sunday). */
  const toTomorrowsWeek = async (page: Page) => {
    if (new Date(Date.now() + 7 * 3600_000).getUTCDay() === 0) await page.click('[data-testid=cal-next]');
  };

  for (const locale of LOCALES)
    it(`desktop: a week by default; the crowded hour stacks full-width items, each with its time and title (${locale})`, async () => {
      const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.official, 'schedule', DESKTOP, locale);
      await page.waitForSelector('[data-testid=calendar]');
      expect(await page.getAttribute('[data-testid=cal-view-week]', 'aria-pressed')).toBe('true');
      await toTomorrowsWeek(page);
      const col = page.locator(`.cal-day[data-day="${tomorrow()}"]`);
      expect(await col.locator('.cal-dayhead').textContent()).toMatch(
        /^Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy) \d+\/\d+$|^Chủ Nhật \d+\/\d+$/,
      );
      await col.locator('[data-testid=cal-item]').first().waitFor();
      const items = await col.locator('[data-testid=cal-item]').evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return {
            title: e.getAttribute('data-title'),
            hover: e.getAttribute('title'),
            text: e.textContent,
            top: r.top,
            bottom: r.bottom,
            width: r.width,
            colWidth: e.parentElement!.getBoundingClientRect().width,
            size: parseFloat(getComputedStyle(e).fontSize),
          };
        }),
      );
      const crowded = items.filter((i) => CLASH.includes(i.title!));
      expect(crowded).toHaveLength(3);
      crowded.sort((a, b) => a.top - b.top);
      for (const [i, it] of crowded.entries()) {
        expect(it.width, it.title!).toBeGreaterThan(it.colWidth - 8); // full width, not a third of it
        expect(it.text).toMatch(/^06:00 /);
        expect(it.hover).toMatch(new RegExp(`^06:00(–06:0\\d)? ${it.title}\\n`));
        expect(it.size).toBeGreaterThanOrEqual(11);
        if (i > 0) expect(it.top, 'stacked, not overlapping').toBeGreaterThanOrEqual(crowded[i - 1].bottom);
      }
      await shot(page, `calendar-week-${locale}`);
      // The day view: a list with the whole title and the time range.
      await col.locator('.cal-dayhead').click();
      await page.waitForSelector(`[data-testid=cal-day-list][data-day="${tomorrow()}"]`);
      for (const title of CLASH) {
        const item = page.locator('[data-testid=cal-day-list] [data-testid=cal-item]', { hasText: title });
        // (⊘ marks the one the leader's choice left off the clashing speaker)
        expect(await item.textContent()).toMatch(new RegExp(`^06:00(–06:0\\d)? (⊘ )?${title}`));
        expect(await item.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
      }
      // The month view, with its arrows and "Hôm nay".
      await page.click('[data-testid=cal-view-month]');
      await page.waitForSelector('[data-testid=cal-month]');
      const month = await page.textContent('[data-testid=cal-title]');
      expect(month).toMatch(/^Tháng \d{1,2}\/\d{4}$/);
      expect(await page.locator(`.cal-month-day[data-day="${tomorrow()}"]`).getAttribute('data-count')).toBe('3');
      await page.click('[data-testid=cal-next]');
      expect(await page.textContent('[data-testid=cal-title]')).not.toBe(month);
      expect(await page.getAttribute('[data-testid=cal-next]', 'aria-label')).toBe('Tháng sau');
      await page.click('[data-testid=cal-today]');
      expect(await page.textContent('[data-testid=cal-today]')).toBe('Hôm nay');
      const [y, mo] = formatVn(Date.now())!.slice(0, 7).split('-');
      expect(await page.textContent('[data-testid=cal-title]')).toBe(`Tháng ${+mo}/${y}`);
      expect(errors).toEqual([]);
      await ctx.close();
    });

  for (const locale of LOCALES)
    it(`phone: today's day by default, whole titles, next day and back; a month of counts (${locale})`, async () => {
      const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.official, 'schedule', PHONE, locale);
      await page.waitForSelector('[data-testid=cal-day-list]');
      expect(await page.getAttribute('[data-testid=cal-view-day]', 'aria-pressed')).toBe('true');
      const today = await page.textContent('[data-testid=cal-title]');
      expect(today).toMatch(/^(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ Nhật), \d{2}\/\d{2}\/\d{4}$/);
      await page.click('[data-testid=cal-next]');
      expect(await page.getAttribute('[data-testid=cal-next]', 'aria-label')).toBe('Ngày sau');
      await page.waitForSelector(`[data-testid=cal-day-list][data-day="${tomorrow()}"] [data-testid=cal-item]`);
      const items = await page.$$eval('[data-testid=cal-day-list] [data-testid=cal-item]', (els) =>
        els.map((e) => ({
          text: e.textContent,
          whole: e.scrollWidth <= e.clientWidth,
          right: e.getBoundingClientRect().right,
          size: parseFloat(getComputedStyle(e).fontSize),
        })),
      );
      expect(items).toHaveLength(3);
      for (const i of items) expect(i.text).toMatch(/^06:00(–06:0\d)? /);
      for (const title of CLASH) expect(items.some((i) => i.text!.includes(title))).toBe(true);
      for (const i of items) {
        expect(i.whole, i.text!).toBe(true);
        expect(i.right).toBeLessThanOrEqual(PHONE.width);
        expect(i.size).toBeGreaterThanOrEqual(11);
      }
      await shot(page, `calendar-day-phone-${locale}`);
      await page.click('[data-testid=cal-today]');
      expect(await page.textContent('[data-testid=cal-title]')).toBe(today);
      await page.click('[data-testid=cal-view-month]');
      await page.waitForSelector('[data-testid=cal-month]');
      const cell = page.locator(`.cal-month-day[data-day="${tomorrow()}"]`);
      // A phone shows the count in each day; a tap opens the day.
      if ((await cell.count()) === 0) await page.click('[data-testid=cal-next]');
      expect(await cell.locator('.cal-count').textContent()).toBe('3');
      expect((await page.locator('[data-testid=cal-month]').boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
      await cell.locator('.cal-month-date').click();
      await page.waitForSelector(`[data-testid=cal-day-list][data-day="${tomorrow()}"]`);
      // English on request: the day's name in English.
      await page.click('[data-testid=lang]');
      expect(await page.textContent('[data-testid=cal-title]')).toMatch(
        /^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \d{1,2} [A-Z][a-z]{2} \d{4}$/,
      );
      await page.click('[data-testid=lang]');
      expect(errors).toEqual([]);
      await ctx.close();
    });
});

describe('issue 13.15: plain words and Vietnamese numbers', () => {
  for (const locale of LOCALES)
    for (const [label, viewport] of [
      ['phone', PHONE],
      ['desktop', DESKTOP],
    ] as const)
      it(`words officials use; decimal comma and thousands dot whatever the browser (${label}, ${locale})`, async () => {
        const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.district, 'library', viewport, locale);
        expect(await page.textContent('[data-tab=schedule]')).toBe('Lịch phát thanh');
        expect(await page.textContent('[data-tab=audit]')).toBe('Nhật ký hoạt động');
        // The file button speaks the UI's language, not the browser's ("Choose File").
        expect((await page.textContent('label.file-pick'))!.trim()).toBe('Chọn tệp âm thanh…');
        expect(await page.$eval('[data-testid=upload]', (e) => getComputedStyle(e).opacity)).toBe('0');
        const item = page.locator('[data-testid=media-item][data-status=ready]').first();
        await item.waitFor();
        expect(await item.locator('[data-testid=duration]').textContent()).toMatch(/^Thời lượng \d+,\d giây$/);
        expect(await item.locator('[data-testid=loudness]').textContent()).toMatch(/^Độ to: /);
        // LUFS and dBTP only behind "Chi tiết kỹ thuật", explained.
        const detail = item.locator('[data-testid=loudness-detail]');
        expect(await detail.locator('.muted').isVisible()).toBe(false);
        await detail.locator('summary').click();
        expect(await detail.textContent()).toMatch(/-\d+,\d → -1[5-7],\d LUFS · đỉnh -\d+,\d dBTP/);
        expect(await detail.textContent()).toContain('LUFS: đơn vị đo độ to mà tai người nghe thấy');
        await page.click('[data-tab=fleet]');
        const clock = page.locator('[data-device=loa-hd-1] [data-testid=clock-sync]');
        await clock.waitFor();
        expect(await clock.textContent()).toBe(
          'Giờ trên thiết bị: khớp với máy chủ (sai khác dưới 0,01 giây); đồng hồ của thiết bị lệch 1,5 giây, đã được tự bù',
        );
        expect(await page.textContent('[data-device=loa-hd-1] [data-testid=health]')).toContain('1.235 mA, 42 °C');
        const text = await visibleText(page);
        expect(text).not.toMatch(/Lệch đồng hồ|\d ms\b|ảnh điểm|LUFS|dBTP/);
        await page.click('[data-tab=approvals]');
        await page.locator('[data-testid=decided-row]', { hasText: 'bão số 3' }).locator('button').click();
        await page.waitForSelector('[data-testid=broadcast-detail] [data-testid=detail-devices]');
        expect(await page.textContent('[data-testid=broadcast-detail]')).toContain(
          'Tin khẩn cấp do Phòng Văn hóa và Thông tin gửi: không cần phê duyệt',
        );
        expect(await visibleText(page)).not.toMatch(/\d\.\d+ ?s\b|\d\.\d{1,2}\b(?!\d)/);
        expect(errors).toEqual([]);
        await ctx.close();
      });
});
