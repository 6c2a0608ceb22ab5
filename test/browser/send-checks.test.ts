// Issue 13 (1, 2, 3, 9) in a real browser against a real hub, with LED boards behind real agent
// processes: the Alpha board of the demo (192×32, no Vietnamese letters: pictures) and a second board
// whose serial server is gone. What the district is told must be true: templates fit the boards,
// nothing a board would refuse can be sent, a failure is not "confirmed" and says why in Vietnamese,
// a bulletin that reaches no device is refused in the form, and the coverage rate leaves out what is
// not yet due.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, waitOnline, DISTRICT, HA_DINH, KIM_GIANG } from '../helpers/world.ts';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.ts';
import { freePort } from '../helpers/ports.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { startAlphaSimulator } from '../../firmware-bridge/led/alpha/alpha-simulator.ts';
import { addWardUsers, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';
import type { Device } from '../helpers/api-types.ts';

let t: TestHub;
let browser: Browser;
const agents: AgentProcess[] = [];
const stops: Array<() => Promise<void>> = [];
const BOARD = { address: '01', charset: 'ascii', rows: 32, columns: 192 } as const;
const FINAL = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped'];

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, []);
  await addWardUsers(t);
  const dir = tempDir('browser-send-checks');
  // Hạ Đình: the demo's board, and one whose serial device server does not answer. Kim Giang: a
  // loudspeaker cluster only (registered; no agent needed).
  const sim = await startAlphaSimulator({ name: 'led-hd-1', ...BOARD });
  stops.push(sim.stop);
  const dead = await freePort();
  const boards = [
    { id: 'led-hd-1', name: 'Bảng LED Hạ Đình 01', port: sim.port! },
    { id: 'led-hd-2', name: 'Bảng LED Hạ Đình 02', port: dead },
  ];
  for (const b of boards) {
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
          board: { driver: 'alpha-tcp', host: '127.0.0.1', port: b.port, vietnamese: 'picture', ...BOARD },
        },
      }),
    );
  }
  await t.admin.post('/api/v1/devices', {
    id: 'loa-kg-1',
    name: 'Cụm loa Kim Giang 01',
    kind: 'speaker',
    areaPath: KIM_GIANG,
  });
  await waitOnline(t.admin, ['led-hd-1', 'led-hd-2']);
  // The working board reports its display (the preview and the checks use it).
  await t.admin.waitFor(
    async () =>
      (await t.admin.get('/api/v1/devices')).find((d: Device) => d.id === 'led-hd-1')?.display?.columns === 192,
    30_000,
    'led-hd-1 reports 192×32',
  );
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(agents.map((a) => a.stop()));
  for (const s of stops) await s();
  await t?.stop();
});

describe('web UI: what the page says is true', () => {
  it('emergency: the templates fit the reported board; a message it would refuse cannot be sent and the form says which board and line; a failed board is not confirmed and says why in Vietnamese', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'emergency');
    // Every template fits every display the fleet reported (here 192×32 without Vietnamese letters).
    await page.waitForSelector('[data-testid=tpl-storm]');
    await page.waitForFunction(() => document.querySelectorAll('[data-fits=yes]').length === 4, null, {
      timeout: 10_000,
    });
    await page.click('[data-testid=area-ha-dinh]');
    for (const id of ['storm', 'flood', 'fire', 'epidemic']) {
      await page.click(`[data-testid=tpl-${id}]`);
      await page.waitForSelector('[data-testid=led-board-group][data-display^="192x32/"]');
      expect(
        await page
          .locator('[data-testid=led-board-group][data-display^="192x32/"] [data-testid=led-fit] li[data-refused=true]')
          .count(),
        id,
      ).toBe(0);
      expect(await page.locator('[data-testid=em-blocked]').count(), id).toBe(0);
      expect(await page.isEnabled('[data-testid=em-send]'), id).toBe(true);
    }
    // The board that has not reported its size is named: it could not be checked.
    expect(await page.textContent('[data-testid=em-unknown-boards]')).toContain('«Bảng LED Hạ Đình 02»');

    // The old storm text: its second line is 207 dots wide; the board would refuse it.
    await page.click('[data-testid=tpl-storm]');
    await page.fill('[data-testid=em-text]', 'KHẨN CẤP: BÃO ĐỔ BỘ\nHạn chế ra đường, chằng chống nhà cửa');
    await page.waitForSelector('[data-testid=em-blocked]');
    expect(await page.isDisabled('[data-testid=em-send]')).toBe(true);
    expect(await page.textContent('[data-testid=em-blocked-reason]')).toBe(
      'Bảng «Bảng LED Hạ Đình 01» (192×32) sẽ từ chối thông điệp: Trang 1 dòng 2: rộng 207 chấm, bảng chỉ có 192 — bảng sẽ từ chối cả thông điệp; rút gọn hoặc chọn chạy chữ',
    );
    await shot(page, 'emergency-refused');
    // Shortened, it goes.
    await page.fill('[data-testid=em-text]', 'KHẨN CẤP: BÃO ĐỔ BỘ\nHạn chế ra đường');
    await page.waitForSelector('[data-testid=em-blocked]', { state: 'detached' });
    expect(await page.isEnabled('[data-testid=em-send]')).toBe(true);
    await page.click('[data-testid=em-send]');
    await page.waitForSelector('[role=dialog]');
    expect(await page.textContent('[data-testid=em-confirm-reach]')).toBe(
      'Sẽ tới 0 cụm loa và 2 bảng LED. 1 bảng chưa báo kích thước, chưa kiểm tra được.',
    );
    // Watch the counter: it never counts more than the rows that played.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __bad: string[] }).__bad = seen;
      new MutationObserver(() => {
        const c = document.querySelector('[data-testid=confirmed-played]')?.textContent ?? '';
        const m = /Đã phát (\d+)\//.exec(c);
        const played = document.querySelectorAll('[data-testid=track-row][data-state=played]').length;
        if (m && +m[1] !== played) seen.push(`${c} with ${played} played`);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
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
    expect(states).toEqual({ 'led-hd-1': 'played', 'led-hd-2': 'failed' });
    expect(await page.textContent('[data-testid=confirmed-count]')).toMatch(
      /^Đã phát 1\/2 · Lỗi 1 · trong \d+,\d giây$/,
    );
    expect(await page.getAttribute('[data-testid=confirmed-failed]', 'class')).toContain('error');
    expect(await page.evaluate(() => (window as unknown as { __bad: string[] }).__bad)).toEqual([]);
    // The failure in red, in Vietnamese; the driver's words one click away.
    const failed = page.locator('[data-testid=track-row][data-device=led-hd-2] [data-testid=fail-reason]');
    expect(await failed.getAttribute('class')).toContain('error');
    expect(await failed.textContent()).toContain('Thiết bị không liên lạc được với bảng LED');
    const detail = failed.locator('[data-testid=fail-detail] code');
    expect(await detail.isVisible()).toBe(false);
    await failed.locator('summary', { hasText: 'Chi tiết kỹ thuật' }).click();
    expect(await detail.isVisible()).toBe(true);
    expect(await detail.textContent()).toMatch(/^LED board did not take the message/);
    await shot(page, 'emergency-failed-board');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('schedule form: an LED box ticked with no text, or places without a device for the content, are refused before submitting', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'schedule');
    await page.click('[data-testid=new-broadcast]');
    await page.waitForSelector('[data-testid=broadcast-form]');
    await page.fill('input[name=title]', 'Thông báo cắt nước');
    await page.check('input[name=use-led]');
    await page.check(`input[name=target][value="${KIM_GIANG}"]`);
    await page.waitForSelector('[data-testid=form-blocked]');
    expect(await page.$$eval('[data-testid=form-blocked-reason]', (ps) => ps.map((p) => p.textContent))).toEqual([
      'Thông điệp LED chưa có chữ: hãy nhập nội dung, hoặc bỏ chọn thông điệp LED.',
    ]);
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    await page.locator('[data-testid=led-text]').first().fill('Cắt nước ngày mai');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid=form-blocked-reason]')
        ?.textContent?.startsWith('Lịch phát này không tới thiết bị nào'),
    );
    expect(await page.textContent('[data-testid=form-blocked-reason]')).toBe(
      'Lịch phát này không tới thiết bị nào: nơi phát đã chọn có 1 cụm loa và 0 bảng LED; thông điệp LED chỉ hiện trên bảng LED. Hãy chọn nơi phát khác hoặc nội dung khác.',
    );
    expect(await page.isDisabled('[data-testid=submit]')).toBe(true);
    await shot(page, 'form-reaches-nothing');
    // Hạ Đình has boards: it can go (Kim Giang's cluster simply has nothing to play).
    await page.check(`input[name=target][value="${HA_DINH}"]`);
    await page.waitForSelector('[data-testid=form-blocked]', { state: 'detached' });
    expect(await page.isEnabled('[data-testid=submit]')).toBe(true);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('coverage: the rate leaves out occurrences not yet due, and says so', async () => {
    // A board in a new ward without an agent: its occurrence now is pending (not confirmed, within grace).
    await t.admin.post('/api/v1/areas', {
      parentPath: DISTRICT,
      slug: 'thanh-xuan-bac',
      name: 'Phường Thanh Xuân Bắc',
      level: 'ward',
    });
    await t.admin.post('/api/v1/devices', {
      id: 'led-txb-1',
      name: 'Bảng LED Thanh Xuân Bắc',
      kind: 'led',
      areaPath: `${DISTRICT}/thanh-xuan-bac`,
    });
    const district = await t.api.as(WARD_USERS.district.username, WARD_USERS.district.password);
    await district.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp: cháy',
      priority: 'emergency',
      targets: { areas: [`${DISTRICT}/thanh-xuan-bac`] },
      startsAt: 'now',
      led: { pages: [{ lines: ['KHẨN CẤP: CÓ CHÁY'], mode: 'flash', seconds: 8 }] },
    });
    const report = await district.get(`/api/v1/reports/coverage?area=${DISTRICT}`);
    expect(report.totals).toMatchObject({ scheduled: 3, played: 1, failed: 1, pending: 1 });
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'coverage');
    await page.waitForSelector('[data-testid=rate]');
    // 1 played of the 2 due: 50 %, not 1 of 3.
    expect(await page.textContent('[data-testid=rate-value]')).toBe('50%');
    expect(await page.textContent('[data-testid=rate-note]')).toBe(
      '(1/2 lần đã đến giờ; không tính 1 lần chưa đến giờ)',
    );
    const rates = await page.$$eval('[data-testid=row-rate]', (tds) => tds.map((td) => td.textContent));
    expect(rates).toContain('—không tính 1 lần chưa đến giờ'); // the new ward: nothing due yet
    expect(rates).toContain('50%'); // Hạ Đình: 1 of 2
    await shot(page, 'coverage-rate');
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
