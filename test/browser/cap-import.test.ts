// "Nhập cảnh báo CAP" on the emergency page, in Debian's Chromium against a real hub (with its real
// text-to-speech): the district office uploads a malformed file and reads why it is refused; uploads an
// alert for a place the hub has no area for, reads the draft's notes (no audio, no area), chooses a
// ward and a recording from the library, and confirms; then the typhoon alert, whose description is
// read aloud, confirmed as is. Each confirmation shows the emergency's tracker. Vietnamese first.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ApiClient } from '../../cli/api-client.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { HA_DINH, KIM_GIANG, seedWorld } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { addWardUsers, DEVICES, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/cap/${name}`, import.meta.url), 'utf8');

let t: TestHub;
let browser: Browser;
let district: ApiClient;
let recording: number;

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
  await t.admin.post('/api/v1/devices', {
    id: 'led-kg-1',
    name: 'Bảng LED Kim Giang',
    kind: 'led',
    areaPath: KIM_GIANG,
  });
  district = await t.api.as(WARD_USERS.district.username, WARD_USERS.district.password);
  // A recording in the district's library, for the alert that brings no audio of its own.
  const up = await district.upload(
    '/api/v1/media',
    vietnameseSpeech(tempDir('browser-cap'), 'Mưa lớn, người dân chú ý an toàn.'),
    'mua-lon.mp3',
  );
  recording = (
    await district.waitFor(
      async () => {
        const m = await district.get(`/api/v1/media/${up.id}`);
        return m.status === 'ready' && m;
      },
      60_000,
      'recording ready',
    )
  ).id;
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const upload = (page: Page, name: string, xml: string) =>
  page.setInputFiles('[data-testid=cap-file]', { name, mimeType: 'application/xml', buffer: Buffer.from(xml) });

describe('Nhập cảnh báo CAP', () => {
  it('refuses a malformed file, saying why in Vietnamese', async () => {
    const { ctx, page, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'emergency');
    await page.waitForSelector('[data-testid=cap-import] h2');
    expect(await page.textContent('[data-testid=cap-import] h2')).toBe('Nhập cảnh báo CAP');
    await upload(page, 'hong.xml', fixture('malformed.xml'));
    const error = await page.waitForSelector('[data-testid=cap-error]');
    expect(await error.textContent()).toMatch(/^Tệp không phải XML hợp lệ nên không phải cảnh báo CAP: .*line \d+/);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);

  it('shows what a draft lacks; the district chooses a ward and a recording, and confirms it', async () => {
    const { ctx, page, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'emergency');
    // Its audio is at an address nothing answers: the draft is LED-only, and says why.
    await upload(
      page,
      'soc-son.xml',
      fixture('elsewhere.xml').replace('RESOURCE_URI', 'http://127.0.0.1:9/ban-tin.wav'),
    );
    expect(await (await page.waitForSelector('[data-testid=cap-result]')).textContent()).toBe(
      'Đã tạo tin khẩn cấp chờ phê duyệt: kiểm tra rồi phê duyệt để phát.',
    );
    const draft = page.locator('[data-testid=cap-draft]', { hasText: 'CAP: Mưa lớn ở huyện Sóc Sơn' });
    await draft.waitFor();
    const notes = await draft.locator('[data-testid=cap-note]').allTextContents();
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(
      /^Không có âm thanh: Không tải được âm thanh của cảnh báo từ http:\/\/127\.0\.0\.1:9\/ban-tin\.wav/,
    );
    expect(notes[1]).toBe(
      'Không khu vực nào trong cảnh báo khớp với khu vực của hệ thống: hãy chọn khu vực phát trước khi phê duyệt.',
    );
    await shot(page, 'cap-import-draft');
    await draft.locator(`input[name=target][value="${HA_DINH}"]`).check();
    await draft.locator('[data-testid=cap-media]').selectOption({ label: 'mua-lon.mp3' });
    await draft.locator('[data-testid=cap-confirm]').click();
    const tracker = await page.waitForSelector('[data-testid=tracker]');
    expect(await tracker.textContent()).toContain('CAP: Mưa lớn ở huyện Sóc Sơn');
    const [b] = (await district.get('/api/v1/broadcasts?status=approved')) as Array<{
      targets: { areas: string[] };
      mediaId: number | null;
    }>;
    expect(b.targets.areas).toEqual([HA_DINH]);
    expect(b.mediaId).toBe(recording);
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);

  it('confirms the typhoon alert with its description read aloud', async () => {
    const { ctx, page, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'emergency');
    await upload(page, 'bao-so-9.xml', fixture('alert.xml'));
    const draft = page.locator('[data-testid=cap-draft]', { hasText: 'CAP: Cảnh báo bão số 9' });
    await draft.waitFor();
    expect(await draft.locator('[data-testid=cap-note]').count()).toBe(0);
    // The engine's reading goes through the media pipeline: confirm once it is ready.
    const { alerts } = await district.get('/api/v1/cap/alerts');
    const { mediaId } = await district.get(`/api/v1/broadcasts/${alerts[0].broadcastId}`);
    await district.waitFor(
      async () => (await district.get(`/api/v1/media/${mediaId}`)).status === 'ready',
      60_000,
      'speech ready',
    );
    await draft.locator('[data-testid=cap-confirm]').click();
    const tracker = await page.waitForSelector('[data-testid=tracker]');
    expect(await tracker.textContent()).toContain('CAP: Cảnh báo bão số 9: người dân ở trong nhà, không ra đường');
    expect((await district.get(`/api/v1/broadcasts/${alerts[0].broadcastId}`)).status).toBe('approved');
    expect(errors).toEqual([]);
    await ctx.close();
  }, 90_000);
});
