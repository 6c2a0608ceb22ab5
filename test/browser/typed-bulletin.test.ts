// Typing a bulletin in the broadcast form, in a real browser against a real hub with espeak-ng:
// the official types, sees how it will be read, has it read aloud, listens, fills the LED message
// from it, edits and reads it again, submits, and later edits it once more; in Vietnamese and in
// English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld } from '../helpers/world.ts';
import { formatVn } from '../../hub/time.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { addWardUsers, DEVICES, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';
import type { Broadcast } from '../helpers/api-types.ts';

let t: TestHub;
let browser: Browser;
let official: ApiClient;
const viDay = (offsetDays: number) =>
  formatVn(Date.now() + offsetDays * 86_400_000)!
    .slice(0, 10)
    .split('-')
    .reverse()
    .join('/');

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
  official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const TEXTS = {
  vi: {
    generate: 'Tạo giọng đọc',
    again: 'Tạo lại giọng đọc',
    summary: 'Soạn bản tin bằng văn bản',
    saved: 'Đã gửi duyệt',
  },
  en: { generate: 'Read it aloud', again: 'Read it again', summary: 'Type the bulletin', saved: 'is submitted' },
};

/** The preview's <audio> once it has loaded: its length in seconds. */
async function previewSeconds(page: Page): Promise<number> {
  const audio = page.locator('[data-testid=tts-preview] audio');
  await audio.waitFor({ state: 'attached' });
  return audio.evaluate(
    (a: HTMLAudioElement) =>
      new Promise<number>((resolve, reject) => {
        if (a.readyState >= 1) return resolve(a.duration);
        a.addEventListener('loadedmetadata', () => resolve(a.duration), { once: true });
        a.addEventListener('error', () => reject(new Error(`audio error ${a.error?.code}`)), { once: true });
        a.load();
      }),
  );
}

/** The form's audio select shows this media (its list reloads to include a new reading). */
const selected = (page: Page, id: number) =>
  page.waitForFunction(
    (v) => (document.querySelector('select[name=media]') as HTMLSelectElement).value === v,
    String(id),
  );
/** The LED pages hold the text, all of it (they are refilled as the target boards' limits arrive). */
const ledShows = (page: Page, text: string) =>
  page.waitForFunction(
    (want) =>
      [...document.querySelectorAll('[data-testid=led-text]')]
        .map((e) => (e as HTMLTextAreaElement).value.replace(/\n/g, ' '))
        .join(' ') === want,
    text,
  );
const previewId = (page: Page) => page.getAttribute('[data-testid=tts-preview]', 'data-media').then(Number);

describe('web UI: typed bulletins', () => {
  for (const ui of ['vi', 'en'] as const) {
    it(`type, preview, fill the LED message, edit and regenerate, submit, edit again (${ui})`, async () => {
      const { page, ctx, errors } = await openAs(
        browser,
        t.hub.httpUrl,
        WARD_USERS.official,
        'schedule',
        undefined,
        ui === 'vi' ? 'vi-VN' : 'en-US',
      );
      if (ui === 'en') {
        await page.click('[data-testid=lang]');
        await page.waitForFunction(() => document.documentElement.lang === 'en');
      }
      const L = TEXTS[ui];
      const title = `Tổng vệ sinh (${ui})`;
      await page.click('[data-testid=new-broadcast]');
      await page.fill('[data-testid=broadcast-form] input[name=title]', title);
      await page.fill('[data-testid=broadcast-form] input[name=date]', viDay(1));
      await page.fill('[data-testid=broadcast-form] input[name=time]', '09:00');
      await page.click(`[data-testid=tts] summary:has-text("${L.summary}")`);

      const typed = 'UBND phường Hạ Đình thông báo: 7h30 ngày 30/4/2026, TDP số 5 tổ chức tổng vệ sinh.';
      await page.fill('[data-testid=tts-text]', typed);
      await page.waitForSelector('[data-testid=tts-spoken]:has-text("tổ dân phố số năm")');
      expect(await page.textContent('[data-testid=tts-spoken]')).toContain(
        'ủy ban nhân dân phường Hạ Đình thông báo: bảy giờ ba mươi phút ngày ba mươi tháng tư năm hai nghìn không trăm hai mươi sáu',
      );
      expect(await page.textContent('[data-testid=tts-count]')).toContain(
        ui === 'vi' ? `${typed.length}/5000 ký tự` : `${typed.length}/5000 characters`,
      );

      // Read aloud: the preview plays the processed audio, and the form's audio is this reading.
      await page.click(`[data-testid=tts-generate]:has-text("${L.generate}")`);
      await page.waitForSelector('[data-testid=tts-preview]', { timeout: 60_000 });
      const firstId = await previewId(page);
      expect(await previewSeconds(page)).toBeGreaterThan(5);
      await selected(page, firstId);
      expect(await page.textContent('[data-testid=tts-generate]')).toBe(L.again);

      // The same text fills the LED message, wrapped to what the boards take.
      await page.check('[data-testid=tts-led]');
      await page.waitForSelector('[data-testid=led-text]');
      await ledShows(page, typed);
      // (the count and the fit follow the wrap a render later: each settles within a few seconds)
      await expect.poll(() => page.locator('[data-testid=led-count][data-over=true]').count()).toBe(0);
      // Wrapped to the narrowest board's width: the existing fit check finds nothing a board would refuse.
      await page.waitForSelector('[data-testid=led-fit]');
      await expect.poll(() => page.locator('[data-testid=led-fit] li[data-refused=true]').count()).toBe(0);

      // Edited: the old reading may not be sent; read again, the new audio replaces it.
      const edited = `${typed} Đề nghị bà con tham gia đầy đủ.`;
      await page.fill('[data-testid=tts-text]', edited);
      await page.waitForSelector('[data-testid=tts-stale]');
      // (the button may follow the stale mark a render later: wait for it, a few seconds at most)
      await page.waitForSelector('[data-testid=submit]:disabled', { timeout: 5000 });
      expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
      await shot(page, `tts-stale-${ui}`);
      await page.click('[data-testid=tts-generate]');
      await page.waitForFunction(
        (old) => Number(document.querySelector('[data-testid=tts-preview]')?.getAttribute('data-media')) > old,
        firstId,
        { timeout: 60_000 },
      );
      const secondId = await previewId(page);
      expect(await page.isVisible('[data-testid=tts-stale]')).toBe(false);
      await selected(page, secondId);
      await ledShows(page, edited);
      await shot(page, `tts-form-${ui}`);
      await page.waitForFunction(
        () => !(document.querySelector('[data-testid=submit]') as HTMLButtonElement).disabled,
        undefined,
        { timeout: 10_000 },
      );
      await page.click('[data-testid=submit]');
      await page.waitForSelector(`[data-testid=saved]:has-text("${L.saved}")`);

      const b = (await official.get('/api/v1/broadcasts')).find((x: Broadcast) => x.title === title);
      expect(b).toMatchObject({ mediaId: secondId, status: 'submitted' });
      expect(b.led.pages.flatMap((p: { lines: string[] }) => p.lines).join(' ')).toBe(edited);
      const m = await official.get(`/api/v1/media/${secondId}`);
      expect(m).toMatchObject({ source: 'text', tts: { text: edited, engine: 'espeak-ng', regeneratedFrom: firstId } });

      // Opened again to edit: the text comes back, is changed, read again, and saved in place.
      await page.locator('[data-testid=my-broadcasts] button', { hasText: title }).click();
      await page.click('[data-testid=edit-broadcast]');
      await page.waitForFunction(
        (text) => (document.querySelector('[data-testid=tts-text]') as HTMLTextAreaElement | null)?.value === text,
        edited,
      );
      expect(await page.getAttribute('[data-testid=tts]', 'open')).not.toBeNull();
      await page.fill('[data-testid=tts-text]', 'UBND phường Hạ Đình thông báo: hoãn tổng vệ sinh sang 8h ngày 2/5.');
      await page.click('[data-testid=tts-generate]');
      await page.waitForFunction(
        (old) => Number(document.querySelector('[data-testid=tts-preview]')?.getAttribute('data-media')) > old,
        secondId,
        { timeout: 60_000 },
      );
      const thirdId = await previewId(page);
      await page.waitForFunction(
        () => !(document.querySelector('[data-testid=submit]') as HTMLButtonElement).disabled,
        undefined,
        { timeout: 10_000 },
      );
      await page.click('[data-testid=submit]');
      await page.waitForSelector('[data-testid=saved]');
      expect(await official.get(`/api/v1/broadcasts/${b.id}`)).toMatchObject({ mediaId: thirdId, status: 'submitted' });
      expect(errors).toEqual([]);
      await ctx.close();
    }, 150_000);
  }
});
