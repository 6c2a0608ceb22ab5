// The web UI's office flows in a real browser against a real hub: roles, the bulletin library
// (upload with progress, loudness, waveform, listening), the LED preview, the schedule form with
// its rrule, quiet hours and the priority-rule decision, approvals, coverage exports, audit log,
// and the language switch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, type World } from '../helpers/world.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { formatVn } from '../../hub/time.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { recordTelemetry } from '../../hub/devices/devices.ts';
import {
  addWardUsers,
  DEVICES,
  launchBrowser,
  login,
  newTestContext,
  openAs,
  shot,
  tabs,
  WARD_USERS,
} from './harness.ts';
import { randomUUID } from 'node:crypto';
import { generateSigningKeys, signReceipt, topics } from '../../protocol/index.ts';
import type { Area } from '../../hub/areas/areas.ts';
import { connectMqttDevice } from '../helpers/mqtt-device.ts';
import { APPROXIMATE_SOURCE, demoBoundaries, WARDS } from '../../hub/demo-seed.ts';
import type { Broadcast, BroadcastDevice, MediaItem } from '../helpers/api-types.ts';

let t: TestHub;
let w: World;
let browser: Browser;
let base: string;
let official: ApiClient;
let leader: ApiClient;
let audioFile: string;
const vnDay = (offsetDays: number) => formatVn(Date.now() + offsetDays * 86_400_000)!.slice(0, 10);
/** The same day as the UI shows and takes it: dd/mm/yyyy. */
const viDay = (offsetDays: number) => vnDay(offsetDays).split('-').reverse().join('/');

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, []);
  await addWardUsers(t);
  for (const d of DEVICES) await t.admin.post('/api/v1/devices', d);
  official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password);
  // A WAV (about 150 KB), so a throttled upload takes a few seconds and shows its progress.
  audioFile = vietnameseSpeech(
    tempDir('browser'),
    'Thông báo của Ủy ban nhân dân phường Hạ Đình về lịch tiêm chủng.',
    'wav',
  );
  browser = await launchBrowser();
  base = t.hub.httpUrl;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

// The first test logs in through the form; the others open pages with a session token.
const as = (u: { username: string; password: string }) => openAs(browser, base, u);

describe('web UI: office flows', () => {
  it('log in: wrong password is refused; each role sees only what it may do', async () => {
    const ctx = await newTestContext(browser);
    const p = await ctx.newPage();
    await p.goto(`${base}/`);
    expect(await p.textContent('form.login')).toContain('Đăng nhập');
    await p.fill('input[name=username]', 'canbo.hadinh');
    await p.fill('input[name=password]', 'wrong-password');
    await p.click('form.login button.primary');
    await p.waitForSelector('text=Sai tên đăng nhập hoặc mật khẩu.');
    await shot(p, 'login');
    await ctx.close();

    const op = await login(browser, base, WARD_USERS.official);
    expect(await tabs(op.page)).toEqual(['fleet', 'library', 'schedule', 'coverage', 'reports', 'campaigns', 'quiet']);
    expect(await op.page.textContent('[data-testid=who]')).toContain('Cán bộ phường');
    const ld = await login(browser, base, WARD_USERS.leader);
    expect(await tabs(ld.page)).toEqual([
      'fleet',
      'library',
      'schedule',
      'approvals',
      'live',
      'coverage',
      'reports',
      'campaigns',
      'quiet',
      'audit',
    ]);
    const dt = await as(WARD_USERS.district);
    expect(await tabs(dt.page)).toEqual([
      'fleet',
      'library',
      'schedule',
      'approvals',
      'live',
      'emergency',
      'coverage',
      'reports',
      'campaigns',
      'quiet',
      'audit',
    ]);
    // The operator's device list holds only their ward (the API scopes it; the page shows it).
    await op.page.click('[data-tab=fleet]');
    await op.page.waitForSelector('[data-testid=device-row]');
    expect(
      await op.page.$$eval('[data-testid=device-row]', (r) => r.map((x) => x.getAttribute('data-device')).sort()),
    ).toEqual(['led-hd-1', 'loa-hd-1']);
    await dt.page.click('[data-tab=fleet]');
    await dt.page.waitForSelector('[data-device=loa-kg-1]');
    expect(await dt.page.$$eval('[data-testid=map-pin]', (r) => r.length)).toBe(3);
    expect(await dt.page.textContent('[data-testid=scale]')).toMatch(/\d+ (m|km)/);
    for (const s of [op, ld, dt]) expect(s.errors).toEqual([]);
    await op.ctx.close();
    await ld.ctx.close();
    await dt.ctx.close();
  });

  it("fleet map: ward outlines under the devices, named, with the user's own ward highlighted", async () => {
    // The whole district, with the demo's approximate outlines imported through the API.
    const have = new Set((await t.admin.get('/api/v1/areas')).map((a: Area) => a.path));
    for (const [slug, name] of WARDS)
      if (!have.has(`${DISTRICT}/${slug}`))
        await t.admin.post('/api/v1/areas', { parentPath: DISTRICT, slug, name, level: 'ward' });
    const imported = await w.district.post(
      `/api/v1/areas/boundaries/import?source=${encodeURIComponent(APPROXIMATE_SOURCE)}`,
      demoBoundaries(),
    );
    expect(imported.stored).toBe(12);
    const dt = await as(WARD_USERS.district);
    await dt.page.click('[data-tab=fleet]');
    await dt.page.waitForSelector('[data-testid=ward-outline]');
    expect(await dt.page.$$eval('[data-testid=ward-outline][data-level=ward]', (r) => r.length)).toBe(11);
    const labels = await dt.page.$$eval('[data-testid=ward-label]', (r) => r.map((x) => x.textContent));
    expect(labels).toHaveLength(11);
    expect(labels).toEqual(expect.arrayContaining(['Hạ Đình', 'Kim Giang', 'Thanh Xuân Trung', 'Phương Liệt']));
    expect(await dt.page.textContent('[data-testid=outlines-approximate]')).toContain('gần đúng');
    // The pins draw over the outlines, and each sits inside its own ward's outline on the map.
    const where = await dt.page.evaluate(() => {
      const svg = document.querySelector('[data-testid=map]')!;
      const kids = [...svg.children];
      const lastOutline = Math.max(
        ...[...svg.querySelectorAll('[data-testid=ward-outline]')].map((e) => kids.indexOf(e)),
      );
      return [...svg.querySelectorAll('[data-testid=map-pin]')].map((pin) => {
        const m = (pin as SVGGElement).transform.baseVal.consolidate()!.matrix;
        const wards = [...svg.querySelectorAll('[data-testid=ward-outline][data-level=ward]')]
          .filter((o) => (o as SVGPathElement).isPointInFill(new DOMPoint(m.e, m.f)))
          .map((o) => o.getAttribute('data-area'));
        return { id: pin.getAttribute('data-device'), wards, above: kids.indexOf(pin) > lastOutline };
      });
    });
    const areaOf = Object.fromEntries(DEVICES.map((d) => [d.id, d.areaPath]));
    expect(where).toHaveLength(3);
    for (const p of where) expect(p).toEqual({ id: p.id, wards: [areaOf[p.id!]], above: true });
    await shot(dt.page, 'fleet-outlines');
    // A ward official sees their ward, highlighted, among the others of the district.
    const op = await as(WARD_USERS.official);
    await op.page.click('[data-tab=fleet]');
    await op.page.waitForSelector('[data-testid=ward-outline][data-highlighted=yes]');
    const shown = await op.page.$$eval('[data-testid=ward-outline]', (r) =>
      r.map((x) => [x.getAttribute('data-area'), x.getAttribute('data-highlighted')]),
    );
    expect(shown).toHaveLength(12);
    expect(shown.filter(([, h]) => h === 'yes')).toEqual([[HA_DINH, 'yes']]);
    expect(await op.page.$$eval('[data-testid=ward-label]', (r) => r.length)).toBe(11);
    await shot(op.page, 'fleet-outlines-ward');
    for (const s of [dt, op]) expect(s.errors).toEqual([]);
    await dt.ctx.close();
    await op.ctx.close();
  });

  it('library: upload with a progress bar, then duration, loudness, waveform, and the normalised audio plays in the page', async () => {
    const { page, ctx, errors } = await as(WARD_USERS.official);
    await page.click('[data-tab=library]');
    // Slow the upload so the progress bar is visible (Chromium's own network throttling).
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 96 * 1024,
    });
    const seen: number[] = [];
    const watch = setInterval(async () => {
      const txt = await page.textContent('[data-testid=upload-progress] span').catch(() => null);
      if (txt) seen.push(parseInt(txt, 10));
    }, 50);
    await page.setInputFiles('[data-testid=upload]', audioFile);
    await page.waitForSelector('[data-testid=media-item][data-status=ready]', { timeout: 45_000 });
    clearInterval(watch);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((p) => p > 0 && p < 100)).toBe(true);
    const item = page.locator('[data-testid=media-item][data-status=ready]').first();
    expect(await item.locator('[data-testid=duration]').textContent()).toMatch(/Thời lượng \d+,\d giây/);
    // The loudness in plain words; LUFS and dBTP, explained, under "Chi tiết kỹ thuật".
    expect(await item.locator('[data-testid=loudness]').textContent()).toMatch(
      /^Độ to: (bản gốc nhỏ, đã tăng lên|bản gốc to, đã giảm xuống|đã ở) mức chuẩn$/,
    );
    expect(await item.locator('[data-testid=loudness-detail]').textContent()).toMatch(
      /Độ lớn cảm nhận -\d+,\d → -1[5-7],\d LUFS · đỉnh -\d+,\d dBTP/,
    );
    await item.locator('[data-testid=waveform]').waitFor();
    expect(await item.locator('[data-testid=waveform]').getAttribute('data-points')).toBe('800');
    // Listen: the <audio> loads the normalised opus through /media/<sha>.opus?token=… and plays.
    const played = await page.evaluate(async () => {
      const a = document.querySelector('[data-testid=player]') as HTMLAudioElement;
      a.muted = true;
      a.preload = 'auto';
      await a.play();
      const t0 = performance.now();
      while (a.currentTime < 0.3 && performance.now() - t0 < 8000) await new Promise((r) => setTimeout(r, 50));
      return { currentTime: a.currentTime, duration: a.duration, src: a.currentSrc };
    });
    expect(played.src).toMatch(/\/media\/[0-9a-f]{64}\.opus\?token=/);
    expect(played.currentTime).toBeGreaterThan(0.3);
    expect(played.duration).toBeGreaterThan(2);
    await shot(page, 'library');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('LED message: the preview draws the board dot by dot with diacritics, pages and display modes', async () => {
    const { page, ctx } = await as(WARD_USERS.official);
    await page.click('[data-tab=library]');
    // The ward's LED board has not reported its display yet: previewed with the Alpha defaults, and says so.
    await page.waitForSelector('[data-testid=led-board-name][data-device=led-hd-1]');
    expect(await page.textContent('[data-testid=led-board-names]')).toBe(
      'Bảng LED Hạ Đình (chưa báo kích thước — giả định 96×16)',
    );
    // Its agent reports a 192×32 board without Vietnamese letters (what ingest does with the telemetry); the page follows live.
    const display = {
      rows: 32,
      columns: 192,
      maxLineChars: 64,
      charset: 'ascii',
      vietnamese: 'picture',
      stripMarker: '[KD] ',
    } as const;
    const telemetry = {
      deviceId: 'led-hd-1',
      at: Date.now(),
      clockOffsetMs: null,
      clockDelayMs: null,
      outboxSize: 0,
      cacheBytes: 0,
      scheduleVersion: 0,
      nowPlaying: null,
      rejected: {},
      led: { text: '', brightness: 80, display },
    };
    recordTelemetry(t.hub.ctx.db, telemetry, Date.now());
    t.hub.ctx.events.emit('telemetry', telemetry);
    await page.waitForSelector(
      '[data-testid=led-board-group][data-display^="192x32/"] [data-testid=led-board-name][data-assumed=false]',
    );
    expect(await page.textContent('[data-testid=led-board-names]')).toBe('Bảng LED Hạ Đình');
    expect(await page.textContent('[data-testid=led-board-display]')).toBe(
      '192×32 · 64 ký tự/dòng · không có chữ Việt; chữ có dấu thì hiện dạng hình ảnh',
    );
    const text = page.locator('[data-testid=led-text]').first();
    const canvas = page.locator('[data-testid=led-canvas]').first();
    const lit = async () => Number(await canvas.getAttribute('data-lit'));
    await text.fill('E');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=led-canvas]')?.getAttribute('data-text') === 'E',
    );
    await page.waitForTimeout(120);
    const plain = await lit();
    await text.fill('Ể');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=led-canvas]')?.getAttribute('data-text') === 'Ể',
    );
    await page.waitForTimeout(120);
    expect(await lit()).toBeGreaterThan(plain + 3); // the hook and the circumflex are drawn too
    await text.fill('KHẨN CẤP: BÃO SỐ 3\nPhường Hạ Đình');
    await page.waitForTimeout(150);
    expect(await canvas.getAttribute('aria-label')).toBe('KHẨN CẤP: BÃO SỐ 3 / Phường Hạ Đình');
    expect(await lit()).toBeGreaterThan(150);
    await page.click('[data-testid=led-add-page]');
    await page
      .locator('[data-testid=led-text]')
      .nth(1)
      .fill('Đường dây nóng 024 3858 1234 — người dân hạn chế ra đường');
    await page.locator('[data-testid=led-mode]').nth(1).selectOption('scroll');
    expect(await page.locator('figcaption').first().textContent()).toMatch(/Trang 1\/2 · 192×32/);
    // As a scrolling picture page 2 is wider than the 255 dots an Alpha picture holds: the board would refuse it.
    const refused = page.locator('[data-testid=led-fit] li[data-refused=true]', { hasText: '255' });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(
      /^Trang 2: hình ảnh rộng \d+ chấm, tối đa 255 — bảng sẽ từ chối cả thông điệp$/,
    );
    await shot(page, 'led-preview');
    await ctx.close();
  });

  it('schedule: the friendly form writes the rrule; the week calendar shows one-off and recurring broadcasts', async () => {
    const { page, ctx, errors } = await as(WARD_USERS.official);
    await page.click('[data-tab=library]');
    await page.waitForSelector('[data-testid=media-item][data-status=ready]');
    await page.locator('[data-testid=media-item] button', { hasText: 'Đặt lịch phát' }).first().click();
    await page.waitForSelector('[data-testid=broadcast-form]');
    await page.fill('input[name=title]', 'Bản tin sáng và chiều');
    await page.click('label.seg-item:has-text("Hằng ngày")');
    await page.fill('input[name=times]', '6:00, 17:30');
    // Dates are typed day/month/year (text fields, whatever the browser's locale).
    await page.fill('input[name=from]', viDay(1));
    await page.fill('input[name=until]', viDay(3));
    expect(await page.textContent('[data-testid=when-summary]')).toBe(
      `Phát hằng ngày lúc 06:00, 17:30 từ ${viDay(1)} đến ${viDay(3)}`,
    );
    // The iCalendar text is behind "Chi tiết kỹ thuật", closed until asked for.
    expect(await page.isVisible('[data-testid=rrule]')).toBe(false);
    await page.click('details.tech summary:has-text("Chi tiết kỹ thuật")');
    const rrule = await page.textContent('[data-testid=rrule]');
    expect(rrule!.split('\n')).toEqual([
      `DTSTART:${vnDay(1).replace(/-/g, '')}T000000`,
      `RRULE:FREQ=DAILY;UNTIL=${vnDay(3).replace(/-/g, '')}T235959;BYHOUR=6;BYMINUTE=0;BYSECOND=0`,
      `RRULE:FREQ=DAILY;UNTIL=${vnDay(3).replace(/-/g, '')}T235959;BYHOUR=17;BYMINUTE=30;BYSECOND=0`,
    ]);
    await page.waitForSelector('[data-testid=check-summary]');
    expect(await page.textContent('[data-testid=check-summary]')).toMatch(
      /^6 lần phát trong 5 tuần tới, trên 1 thiết bị/,
    );
    await shot(page, 'schedule-form');
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=saved]');
    expect(await page.textContent('[data-testid=saved]')).toContain('Đã gửi duyệt «Bản tin sáng và chiều»');
    // A one-off "now" LED message as well, from the LED composer.
    await official.post('/api/v1/broadcasts', {
      title: 'Chào mừng ngày hội',
      led: { pages: [{ lines: ['Chào mừng ngày hội'], mode: 'hold', seconds: 8 }] },
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(1)}T09:00`,
    });
    await page.reload();
    await page.waitForSelector('[data-testid=cal-item]');
    const items = await page.$$eval('[data-testid=cal-item]', (els) => els.map((e) => e.getAttribute('data-title')));
    // Tomorrow's 06:00, 09:00 and 17:30 land in this week unless today is Sunday.
    expect(items.filter((x) => x === 'Bản tin sáng và chiều').length).toBeGreaterThanOrEqual(
      new Date(Date.now() + 7 * 3600_000).getUTCDay() === 0 ? 0 : 2,
    );
    await page.click('button[aria-label="Tuần sau"]');
    await page.click('button:has-text("Hôm nay")');
    await shot(page, 'schedule-week');
    // Open one from the calendar: its devices and state; the author cancels it.
    await official.post('/api/v1/broadcasts', {
      title: 'Tin sẽ hủy',
      mediaId: 1,
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(1)}T08:00`,
    });
    await page.reload();
    if (new Date(Date.now() + 7 * 3600_000).getUTCDay() === 0) await page.click('button[aria-label="Tuần sau"]');
    await page.click('[data-testid=cal-item][data-title="Tin sẽ hủy"]');
    await page.waitForSelector('[data-testid=broadcast-detail] [data-testid=detail-devices] tr[data-state=submitted]');
    page.once('dialog', (d) => d.accept());
    await page.click('[data-testid=cancel-broadcast]');
    await page.waitForSelector('[data-testid=broadcast-detail] >> text=Đã hủy');
    await page.waitForSelector('[data-testid=cal-item][data-title="Tin sẽ hủy"]', { state: 'detached' });
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('quiet hours: a leader sets them; a normal bulletin in them is refused before saving, naming the times', async () => {
    const ld = await as(WARD_USERS.leader);
    await ld.page.click('[data-tab=quiet]');
    await ld.page.fill('[data-testid=quiet-form] input[name=start]', '22:00');
    await ld.page.fill('[data-testid=quiet-form] input[name=end]', '05:30');
    await ld.page.click('[data-testid=quiet-form] button.primary');
    await ld.page.waitForSelector('[data-testid=quiet-row]');
    expect(await ld.page.textContent('[data-testid=quiet-row]')).toContain('22:00');
    await ld.ctx.close();

    const { page, ctx } = await as(WARD_USERS.official);
    await page.click('[data-tab=schedule]');
    await page.click('[data-testid=new-broadcast]');
    await page.fill('input[name=title]', 'Thông báo muộn');
    await page.selectOption('select[name=media]', { index: 1 });
    await page.fill('input[name=date]', viDay(1));
    await page.fill('input[name=time]', '23:00');
    await page.waitForSelector('[data-testid=quiet-clash]');
    expect(await page.textContent('[data-testid=quiet-clash]')).toContain(
      'giờ yên tĩnh 22:00–05:30 của Phường Hạ Đình',
    );
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    await shot(page, 'quiet-hours-clash');
    // Priority bulletins are not limited by quiet hours.
    await page.click('input[name=priority][value=priority]');
    await page.waitForSelector('[data-testid=quiet-clash]', { state: 'detached' });
    await page.waitForSelector('[data-testid=check-summary]');
    expect(await page.$('[data-testid=quiet-clash]')).toBeNull();
    await ctx.close();
  });

  it("priority rule: the district's priority bulletin against the ward's own is shown as the official's decision", async () => {
    const at = `${vnDay(2)}T10:00`;
    const d = await w.district.post('/api/v1/broadcasts', {
      title: 'Tin ưu tiên của quận',
      mediaId: 1,
      priority: 'priority',
      targets: { areas: [DISTRICT] },
      startsAt: at,
    });
    await t.admin.post(`/api/v1/broadcasts/${d.id}/approve`, {});
    const { page, ctx } = await as(WARD_USERS.official);
    await page.click('[data-tab=schedule]');
    await page.click('[data-testid=new-broadcast]');
    await page.fill('input[name=title]', 'Tin ưu tiên của phường');
    await page.selectOption('select[name=media]', { index: 1 });
    await page.click('input[name=priority][value=priority]');
    await page.fill('input[name=date]', viDay(2));
    await page.fill('input[name=time]', '10:00');
    await page.waitForSelector('[data-testid=conflict-decision]');
    expect(await page.textContent('[data-testid=conflict-decision]')).toContain('«Tin ưu tiên của quận»');
    expect(await page.textContent('[data-testid=conflict-decision]')).toContain('cán bộ phường quyết định');
    expect(await page.$('.alert.error')).toBeNull(); // a decision, not an error
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    await shot(page, 'conflict-decision');
    await page.click('input[name=decision][value=yield]');
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=saved]');
    expect(await page.$('[data-testid=saved] .error')).toBeNull(); // the decision was recorded
    // A normal bulletin at the same time is simply pre-empted: a warning, no decision needed.
    await page.click('[data-testid=new-broadcast]');
    await page.fill('input[name=title]', 'Tin thường');
    await page.selectOption('select[name=media]', { index: 1 });
    await page.fill('input[name=date]', viDay(2));
    await page.fill('input[name=time]', '10:00');
    await page.waitForSelector('[data-testid=conflict-preempted]');
    expect(await page.$('[data-testid=decide]')).toBeNull();
    await ctx.close();
  });

  it('approvals: listen, approve, reject with a reason; the author sees why they cannot approve their own', async () => {
    await leader.post('/api/v1/broadcasts', {
      title: 'Bản tin của lãnh đạo',
      mediaId: 1,
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(4)}T08:00`,
    });
    const { page, ctx, errors } = await as(WARD_USERS.leader);
    await page.click('[data-tab=approvals]');
    await page.waitForSelector('[data-testid=queue-item]');
    // A bulletin submitted while the leader looks at the queue appears without a reload.
    const url = page.url();
    await official.post('/api/v1/broadcasts', {
      title: 'Vừa gửi duyệt',
      mediaId: 1,
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(4)}T09:00`,
    });
    await page.waitForSelector('[data-testid=queue-item][data-title="Vừa gửi duyệt"]', { timeout: 10_000 });
    expect(page.url()).toBe(url);
    const own = page.locator('[data-testid=queue-item][data-title="Bản tin của lãnh đạo"]');
    expect(await own.locator('[data-testid=approve]').count()).toBe(0);
    expect(await own.locator('[data-testid=own-note]').textContent()).toContain('không thể tự phê duyệt');
    // The leader sees what the official decided about the clash, before approving.
    const decided = page.locator(
      '[data-testid=queue-item][data-title="Tin ưu tiên của phường"] [data-testid=queue-clash-decision]',
    );
    await decided.waitFor();
    expect(await decided.textContent()).toContain('nhường cho bản tin cấp trên');
    const morning = page.locator('[data-testid=queue-item][data-title="Bản tin sáng và chiều"]');
    expect(await morning.textContent()).toContain('hằng ngày lúc 06:00, 17:30');
    await morning.scrollIntoViewIfNeeded(); // waveforms load as they scroll into view
    await morning.locator('[data-testid=waveform]').waitFor();
    await shot(page, 'approvals');
    await morning.locator('[data-testid=approve]').click();
    await page.waitForSelector('[data-testid=queue-item][data-title="Bản tin sáng và chiều"]', { state: 'detached' });
    // Once approved it is scheduled on the ward's speaker: its occurrences, per device.
    await page
      .locator('[data-testid=decided-row][data-status=approved] button', { hasText: 'Bản tin sáng và chiều' })
      .click();
    await page.waitForSelector('[data-testid=broadcast-detail] [data-testid=detail-devices] tr[data-state=scheduled]');
    const led = page.locator('[data-testid=queue-item][data-title="Chào mừng ngày hội"]');
    expect(await led.locator('[data-testid=led-canvas]').getAttribute('aria-label')).toBe('Chào mừng ngày hội');
    await led.locator('[data-testid=reject]').click();
    expect(await led.locator('[data-testid=confirm-reject]').isDisabled()).toBe(true);
    await led.locator('[data-testid=reason]').fill('Sai chính tả, đề nghị sửa lại');
    await led.locator('[data-testid=confirm-reject]').click();
    await page.waitForSelector('[data-testid=decided-row][data-status=rejected]');
    expect(await page.textContent('[data-testid=decided-row][data-status=rejected]')).toContain(
      'Sai chính tả, đề nghị sửa lại',
    );
    expect(errors).toEqual([]);
    // The other leader may approve the first leader's bulletin.
    const l2 = await as(WARD_USERS.leader2);
    await l2.page.click('[data-tab=approvals]');
    await l2.page
      .locator('[data-testid=queue-item][data-title="Bản tin của lãnh đạo"] [data-testid=approve]')
      .waitFor();
    await ctx.close();
    await l2.ctx.close();
  });

  it('edit: the official fixes a rejected bulletin and resubmits it; an approved one airs unchanged until its edit is approved', async () => {
    const { page, ctx, errors } = await as(WARD_USERS.official);
    await page.click('[data-tab=schedule]');
    // The rejected LED message, with the leader's reason, in the official's own list.
    const rejected = page.locator('[data-testid=my-broadcasts] li[data-status=rejected]', {
      hasText: 'Chào mừng ngày hội',
    });
    expect(await rejected.textContent()).toContain('Sai chính tả, đề nghị sửa lại');
    await rejected.locator('button').click();
    await page.click('[data-testid=edit-broadcast]');
    expect(await page.inputValue('[data-testid=broadcast-form] input[name=title]')).toBe('Chào mừng ngày hội');
    expect(await page.inputValue('[data-testid=broadcast-form] input[name=time]')).toBe('09:00');
    await page.fill('[data-testid=broadcast-form] input[name=title]', 'Chào mừng Ngày hội Đại đoàn kết');
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=edit-notice]');
    await page.waitForSelector('[data-testid=broadcast-detail] h2:has-text("Chào mừng Ngày hội Đại đoàn kết")');
    expect(await page.textContent('[data-testid=broadcast-detail]')).toContain('Chờ phê duyệt');

    // The approved daily bulletin: the form comes back as "daily at 06:00, 17:30"; move the morning one.
    await page
      .locator('[data-testid=my-broadcasts] li[data-status=approved] button', { hasText: 'Bản tin sáng và chiều' })
      .click();
    await page.click('[data-testid=edit-broadcast]');
    await page.waitForSelector('[data-testid=edit-approved-note]');
    expect(await page.inputValue('[data-testid=broadcast-form] input[name=times]')).toBe('06:00, 17:30');
    await page.fill('[data-testid=broadcast-form] input[name=times]', '06:30, 17:30');
    await shot(page, 'edit-approved');
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=pending-revision]');
    expect(await page.textContent('[data-testid=edit-notice]')).toContain('bản đã duyệt vẫn phát');
    expect(await page.$('[data-testid=edit-broadcast]')).toBeNull(); // one pending edit at a time
    const list = await official.get('/api/v1/broadcasts');
    const revision = list.find((b: Broadcast) => b.replaces && b.title === 'Bản tin sáng và chiều');
    expect(revision.rrule).toContain('BYHOUR=6;BYMINUTE=30');
    expect(list.find((b: Broadcast) => b.id === revision.replaces).status).toBe('approved');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("late clash: a district bulletin arriving after the ward's own is decided from the bulletin's page", async () => {
    const at = `${vnDay(5)}T11:00`;
    const ours = await official.post('/api/v1/broadcasts', {
      title: 'Tin phường có trước',
      mediaId: 1,
      priority: 'priority',
      targets: { areas: [HA_DINH] },
      startsAt: at,
    });
    await leader.post(`/api/v1/broadcasts/${ours.id}/approve`, {});
    const theirs = await w.district.post('/api/v1/broadcasts', {
      title: 'Tin quận đến sau',
      mediaId: 1,
      priority: 'priority',
      targets: { areas: [DISTRICT] },
      startsAt: at,
    });
    await t.admin.post(`/api/v1/broadcasts/${theirs.id}/approve`, {});
    const { page, ctx, errors } = await as(WARD_USERS.official);
    await page.click('[data-tab=schedule]');
    const item = page.locator('[data-testid=my-broadcasts] li', { hasText: 'Tin phường có trước' });
    await item.locator('[data-testid=needs-decision]').waitFor(); // flagged in the official's own list
    await item.locator('button').click();
    await page.waitForSelector('[data-testid=late-clash]');
    expect(await page.textContent('[data-testid=late-clash]')).toContain('«Tin quận đến sau»');
    expect(await page.isDisabled('[data-testid=record-decision]')).toBe(true);
    await page.click('[data-testid=late-clash] input[name=decision][value=air-ours]');
    await page.click('[data-testid=record-decision]');
    await page.waitForSelector('[data-testid=clash-decision]');
    expect(await page.textContent('[data-testid=clash-decision]')).toContain('phát bản tin của phường');
    await page.waitForSelector('[data-testid=late-clash]', { state: 'detached' });
    await item.locator('[data-testid=needs-decision]').waitFor({ state: 'detached' });
    // The district bulletin leaves the ward's speaker and stays on Kim Giang's.
    const planned = (await t.admin.get(`/api/v1/broadcasts/${theirs.id}`)).devices.map(
      (d: BroadcastDevice) => d.deviceId,
    );
    expect(planned).toContain('loa-kg-1');
    expect(planned).not.toContain('loa-hd-1');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('coverage: chart and tables per period, CSV and PDF downloads, rejected claims apart; audit log lists who did what', async () => {
    // A device (or a thief holding its key) claims to have played a bulletin that does not exist.
    const keys = generateSigningKeys();
    const token = (await t.admin.post('/api/v1/devices/loa-hd-1/enrol-token', {})).enrolToken;
    const { mqttPassword } = await t.api.post('/api/v1/enrol', { token, publicKey: keys.publicKeyPem });
    const device = await connectMqttDevice({
      url: t.hub.mqttUrl,
      deviceId: 'loa-hd-1',
      password: mqttPassword,
      session: 1,
    });
    const start = Date.now() - 60_000;
    const claim = signReceipt(keys.privateKeyPem, {
      id: randomUUID(),
      deviceId: 'loa-hd-1',
      occurrenceId: `bia-dat@${start}`,
      broadcastId: 'bia-dat',
      result: 'played',
      scheduledStart: start,
      actualStart: start,
      actualEnd: start + 30_000,
      secondsPlayed: 30,
      clockOffsetMs: 0,
      evidence: {},
    });
    await device.client.publishAsync(topics().deviceEvent('loa-hd-1', 'receipt'), JSON.stringify(claim), { qos: 1 });
    await t.admin.waitFor(
      async () => (await t.admin.get(`/api/v1/reports/coverage?area=${HA_DINH}`)).rejectedCount === 1,
      10_000,
      'the claim stored as rejected',
    );
    await device.end();

    const { page, ctx } = await as(WARD_USERS.district);
    await page.click('[data-tab=coverage]');
    await page.waitForSelector('[data-testid=chart]');
    const rejected = await page.textContent('[data-testid=rejected]');
    expect(rejected).toContain('Cụm loa Hạ Đình 01');
    expect(rejected).toContain('ngoài kế hoạch');
    expect(await page.textContent('[data-testid=totals] [data-k=played] .v')).toBe('0');
    for (const kind of ['quarter', 'year', 'month']) {
      await page.selectOption('[data-testid=cov-kind]', kind);
      await page.waitForSelector('[data-testid=totals]');
    }
    const csv = await page.request.get(base + (await page.getAttribute('[data-testid=csv]', 'href')));
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('Khu vực,Mã khu vực,Mã thiết bị');
    const pdf = await page.request.get(base + (await page.getAttribute('[data-testid=pdf]', 'href')));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    await shot(page, 'coverage');
    await page.click('[data-tab=audit]');
    await page.waitForSelector('[data-testid=audit-row]');
    const actions = await page.$$eval('[data-testid=audit-row]', (r) => r.map((x) => x.getAttribute('data-action')));
    expect(actions).toEqual(
      expect.arrayContaining([
        'broadcast.approve',
        'broadcast.reject',
        'broadcast.decision',
        'broadcast.cancel',
        'quiet-hours.add',
        'media.upload',
        'broadcast.submit',
      ]),
    );
    expect(await page.textContent('[data-testid=audit]')).toContain('Phê duyệt');
    await shot(page, 'audit');
    await ctx.close();
  });

  it('language: Vietnamese by default, English on request, remembered', async () => {
    const { page, ctx } = await as(WARD_USERS.district);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    expect(await page.textContent('[data-tab=fleet]')).toBe('Thiết bị');
    await page.click('[data-testid=lang]');
    expect(await page.textContent('[data-tab=fleet]')).toBe('Devices');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.waitForSelector('nav.tabs');
    expect(await page.textContent('[data-tab=emergency]')).toBe('Emergency');
    await page.click('[data-tab=schedule]');
    await shot(page, 'schedule-english');
    await page.click('[data-testid=lang]');
    expect(await page.textContent('[data-tab=fleet]')).toBe('Thiết bị');
    await ctx.close();
  });
});

// Issue 13: what confused or looked wrong to the officials, checked at desktop and phone width.
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

describe('web UI: issue 13 fixes', () => {
  it('tabs: on a phone every tab is on screen without sideways scrolling; the district always sees "Khẩn cấp"', async () => {
    for (const [user, must] of [
      [WARD_USERS.district, 'emergency'],
      [WARD_USERS.leader, 'approvals'],
    ] as const) {
      for (const viewport of [PHONE, DESKTOP]) {
        const { page, ctx, errors } = await openAs(browser, base, user, 'library', viewport);
        const boxes = await page.$$eval('nav.tabs a', (as) =>
          as.map((a) => ({ id: a.getAttribute('data-tab'), ...JSON.parse(JSON.stringify(a.getBoundingClientRect())) })),
        );
        for (const b of boxes) {
          expect(b.left, `${b.id} at ${viewport.width}`).toBeGreaterThanOrEqual(0);
          expect(b.right, `${b.id} at ${viewport.width}`).toBeLessThanOrEqual(viewport.width);
          expect(b.bottom).toBeLessThanOrEqual(viewport.height / 3); // all near the top, not pushed below the fold
        }
        expect(await page.$eval('nav.tabs', (n) => n.scrollWidth - n.clientWidth)).toBeLessThanOrEqual(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(
          0,
        );
        // The tab the role needs most can be tapped straight away.
        await page.click(`[data-tab=${must}]`, { trial: true, timeout: 2000 });
        await page.click(`[data-tab=${must}]`);
        await page.waitForSelector(`main[data-page=${must}]`);
        if (viewport === PHONE) await shot(page, `phone-tabs-${user.role}`);
        expect(errors).toEqual([]);
        await ctx.close();
      }
    }
  });

  it('"once" at two times on one day: no daily rule to fake it, a natural summary, and the raw rule tucked away', async () => {
    const { page, ctx, errors } = await as(WARD_USERS.official);
    await page.click('[data-tab=schedule]');
    await page.click('[data-testid=new-broadcast]');
    await page.fill('input[name=title]', 'Hai buổi một ngày');
    await page.selectOption('select[name=media]', { index: 1 });
    await page.fill('input[name=date]', viDay(6));
    await page.fill('input[name=time]', '06:15');
    await page.click('[data-testid=add-time]');
    await page.locator('input[name=time]').nth(1).fill('17:45');
    expect(await page.textContent('[data-testid=when-summary]')).toBe(`Phát ngày ${viDay(6)} lúc 06:15, 17:45`);
    expect(await page.isVisible('[data-testid=rrule]')).toBe(false);
    expect(await page.innerText('[data-testid=broadcast-form]')).not.toContain('RRULE'); // innerText: what is on screen
    await page.waitForSelector('[data-testid=check-summary]');
    expect(await page.textContent('[data-testid=check-summary]')).toMatch(/^2 lần phát trong 5 tuần tới/);
    await shot(page, 'schedule-once-two-times');
    await page.click('[data-testid=submit]');
    await page.waitForSelector('[data-testid=saved]');
    const b = (await official.get('/api/v1/broadcasts')).find((x: Broadcast) => x.title === 'Hai buổi một ngày');
    expect(b.rrule).toContain(`DTSTART:${vnDay(6).replace(/-/g, '')}T000000`);
    // Opened again, it reads as one day at two times and edits as "once".
    await page.locator('[data-testid=my-broadcasts] button', { hasText: 'Hai buổi một ngày' }).click();
    await page.waitForSelector('[data-testid=broadcast-detail]');
    expect(await page.textContent('[data-testid=broadcast-detail]')).toContain(`ngày ${viDay(6)} lúc 06:15, 17:45`);
    expect(await page.textContent('[data-testid=broadcast-detail]')).not.toContain('hằng ngày');
    await page.click('[data-testid=edit-broadcast]');
    expect(await page.isChecked('[data-testid=broadcast-form] input[name=when][value=once]')).toBe(true);
    expect(
      await page
        .locator('[data-testid=broadcast-form] input[name=time]')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['06:15', '17:45']);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  for (const locale of ['vi-VN', 'en-US']) {
    it(`dates and times are dd/mm/yyyy and 24-hour in a ${locale} browser, with Vietnamese messages for what is wrong`, async () => {
      for (const viewport of [DESKTOP, PHONE]) {
        const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.official, 'schedule', viewport, locale);
        expect(await page.evaluate(() => navigator.language)).toBe(locale);
        await page.click('[data-testid=new-broadcast]');
        const date = page.locator('[data-testid=broadcast-form] input[name=date]');
        const time = page.locator('[data-testid=broadcast-form] input[name=time]');
        expect(await date.getAttribute('type')).toBe('text');
        expect(await time.getAttribute('type')).toBe('text');
        expect(await date.inputValue()).toBe(viDay(0)); // today, day first
        expect(await time.inputValue()).toBe('17:30');
        await page.click('label.seg-item:has-text("Hằng ngày")');
        expect(await page.inputValue('input[name=until]')).toBe(viDay(6));
        await page.click('label.seg-item:has-text("Một lần")');
        // What an English browser would have shown: month first, 12-hour.
        await date.fill('11/30/2026');
        await date.blur();
        await page.waitForSelector('[data-testid=field-error]');
        expect(await page.textContent('[data-testid=field-error]')).toBe(
          'Ngày phải có dạng ngày/tháng/năm, ví dụ 01/12/2026.',
        );
        const [d, m, y] = viDay(3).split('/');
        await date.fill(`${+d}/${+m}/${y}`); // typed without leading zeros
        await date.blur();
        expect(await date.inputValue()).toBe(viDay(3));
        await time.fill('5:30 PM');
        await time.blur();
        expect(await page.textContent('[data-testid=field-error]')).toBe(
          'Giờ phải có dạng giờ:phút theo 24 giờ, ví dụ 17:30.',
        );
        await time.fill('17h30');
        await time.blur();
        expect(await time.inputValue()).toBe('17:30');
        expect(await page.$('[data-testid=field-error]')).toBeNull();
        expect(await page.textContent('[data-testid=when-summary]')).toBe(`Phát ngày ${viDay(3)} lúc 17:30`);
        if (viewport === PHONE)
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
          ).toBeLessThanOrEqual(0);
        await shot(page, `dates-${locale}-${viewport.width}`);
        expect(errors).toEqual([]);
        await ctx.close();
      }
      // Quiet hours too (a leader sets them).
      const ld = await openAs(browser, base, WARD_USERS.leader, 'quiet', DESKTOP, locale);
      expect(await ld.page.getAttribute('[data-testid=quiet-form] input[name=start]', 'type')).toBe('text');
      expect(await ld.page.inputValue('[data-testid=quiet-form] input[name=start]')).toBe('22:00');
      await ld.page.fill('[data-testid=quiet-form] input[name=end]', '5:30 AM');
      await ld.page.locator('[data-testid=quiet-form] input[name=end]').blur();
      expect(await ld.page.textContent('[data-testid=quiet-form] [data-testid=field-error]')).toBe(
        'Giờ phải có dạng giờ:phút theo 24 giờ, ví dụ 17:30.',
      );
      await ld.ctx.close();
    });
  }

  it('LED composer: says how many lines the boards show and counts characters per line, before anything is sent', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.official, 'library', viewport);
      // The ward's board reported 192×32 with 64 characters a line (the LED test above).
      await page.waitForSelector('[data-testid=led-limits][data-lines="2"]');
      expect(await page.textContent('[data-testid=led-limits]')).toBe(
        'Các bảng LED nhận thông điệp hiện 2 dòng mỗi trang (bảng nhỏ nhất 192×32); tối đa 64 ký tự mỗi dòng.',
      );
      const text = page.locator('[data-testid=led-text]').first();
      expect(await text.getAttribute('placeholder')).toContain('bảng hiện 2 dòng');
      await text.fill(`Chào mừng\n${'x'.repeat(70)}`);
      const counts = page.locator('[data-testid=led-page-1] [data-testid=led-count]');
      expect(await counts.allTextContents()).toEqual([
        'Dòng 1: 9/64 ký tự',
        'Dòng 2: 70/64 ký tự — dài quá 6 ký tự, bảng sẽ không nhận',
      ]);
      expect(await counts.nth(1).getAttribute('data-over')).toBe('true');
      await text.fill('Một\nHai\nBa');
      expect(await counts.nth(2).textContent()).toBe('Dòng 3: 2/64 ký tự — không hiện cùng lúc với các dòng trên');
      await shot(page, `led-limits-${viewport.width}`);
      expect(errors).toEqual([]);
      await ctx.close();
    }
    // In the broadcast form the same count blocks the send, with the lines named, before any request.
    const { page, ctx } = await as(WARD_USERS.official);
    await page.click('[data-tab=schedule]');
    await page.click('[data-testid=new-broadcast]');
    await page.fill('input[name=title]', 'Quá dài');
    await page.check('input[name=use-led]');
    await page.waitForSelector('[data-testid=led-limits][data-max-chars="64"]');
    await page.locator('[data-testid=led-text]').fill('y'.repeat(65));
    let posted = false;
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/v1/broadcasts') && (posted = true));
    // The form says so at once and cannot be sent until it fits.
    await page.waitForSelector('[data-testid=form-blocked]');
    expect(await page.textContent('[data-testid=form-blocked]')).toContain(
      'trang 1 dòng 1 có 65 ký tự; mỗi dòng tối đa 64 ký tự',
    );
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    expect(posted).toBe(false);
    await ctx.close();
  });

  it('"Đặt lịch hiển thị" from the bottom of the library opens the form at its top with the title focused', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, ctx, errors } = await openAs(browser, base, WARD_USERS.official, 'library', viewport);
      const go = page.locator('button', { hasText: 'Đặt lịch hiển thị' });
      await go.scrollIntoViewIfNeeded();
      expect(await page.evaluate(() => scrollY)).toBeGreaterThan(100);
      await go.click();
      await page.waitForSelector('[data-testid=broadcast-form]');
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'title');
      const top = await page.$eval('[data-testid=broadcast-form]', (f) => f.getBoundingClientRect().top);
      expect(top).toBeGreaterThanOrEqual(0);
      expect(top).toBeLessThan(viewport.height / 2);
      const title = await page.$eval('[data-testid=broadcast-form] input[name=title]', (i) =>
        i.getBoundingClientRect(),
      );
      expect(title.top).toBeGreaterThanOrEqual(0);
      expect(title.bottom).toBeLessThanOrEqual(viewport.height);
      expect(await page.inputValue('input[name=title]')).toBe('Chào mừng Ngày hội');
      await shot(page, `library-to-form-${viewport.width}`);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });

  it('"Sửa" and the red "Hủy lịch phát" stand apart, at desktop and phone width', async () => {
    await official.post('/api/v1/broadcasts', {
      title: 'Tin để sửa',
      mediaId: 1,
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(5)}T14:00`,
    });
    for (const viewport of [DESKTOP, PHONE]) {
      const { page, ctx } = await openAs(browser, base, WARD_USERS.official, 'schedule', viewport);
      await page.locator('[data-testid=my-broadcasts] button', { hasText: 'Tin để sửa' }).click();
      await page.waitForSelector('[data-testid=cancel-broadcast]');
      const [e, c] = await Promise.all(
        ['edit-broadcast', 'cancel-broadcast'].map((id) =>
          page.$eval(`[data-testid=${id}]`, (b) => JSON.parse(JSON.stringify(b.getBoundingClientRect()))),
        ),
      );
      // The gap between the two buttons, whichever way they sit: at least 24 px (a thumb's margin).
      const gap = Math.max(c.left - e.right, e.left - c.right, c.top - e.bottom, e.top - c.bottom);
      expect(gap, `at ${viewport.width}`).toBeGreaterThanOrEqual(24);
      await page.locator('[data-testid=cancel-broadcast]').scrollIntoViewIfNeeded();
      await shot(page, `edit-cancel-${viewport.width}`);
      await ctx.close();
    }
  });

  it('audio players show the length before they are pressed', async () => {
    const m = (await official.get('/api/v1/media')).find((x: MediaItem) => x.status === 'ready');
    const { page, ctx, errors } = await as(WARD_USERS.official);
    await page.click('[data-tab=library]');
    const item = page.locator('[data-testid=media-item][data-status=ready]').first();
    await item.locator('[data-testid=waveform]').waitFor();
    const s = Math.round(m.durationMs / 1000);
    expect(await item.locator('[data-testid=player-time]').textContent()).toBe(
      `0:00 / ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`,
    );
    expect(await item.locator('[data-testid=player]').getAttribute('preload')).toBe('metadata');
    // The player itself knows its length without being played.
    await page.waitForFunction(() => {
      const a = document.querySelector('[data-testid=player]') as HTMLAudioElement;
      return a.readyState >= 1 && a.duration > 0;
    });
    const a = await page.$eval('[data-testid=player]', (x) => ({
      duration: (x as HTMLAudioElement).duration,
      paused: (x as HTMLAudioElement).paused,
      t: (x as HTMLAudioElement).currentTime,
    }));
    expect(a.paused).toBe(true);
    expect(a.t).toBe(0);
    expect(Math.abs(a.duration * 1000 - m.durationMs)).toBeLessThan(500);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
