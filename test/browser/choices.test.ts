// Issue 13 (4, 11 and failure reasons) in a real browser against a real hub: the leader chooses
// which of two same-level bulletins plays, the library archives and deletes media nobody uses, and
// a device's failure reads as a reason an official understands, with the device's own words one
// click away. Vietnamese-locale and English-locale browsers; desktop and phone width.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, HA_DINH, type World } from '../helpers/world.ts';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DAY_MS as DAY, generateSigningKeys, signReceipt, topics } from '../../protocol/index.ts';
import { connectMqttDevice, type MqttDevice } from '../helpers/mqtt-device.ts';
import { formatVn } from '../../hub/time.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { addWardUsers, launchBrowser, openAs, shot, WARD_USERS } from './harness.ts';
import type { AuditEntry, Broadcast, BroadcastDevice } from '../helpers/api-types.ts';

let t: TestHub;
let browser: Browser;
let official: ApiClient;
let leader2: ApiClient;
let tmp: string;
let w: World;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 768 };
const vnDay = (offsetDays: number) => formatVn(Date.now() + offsetDays * DAY)!.slice(0, 10);
const bulletin = (title: string, when: string) => ({
  title,
  led: { pages: [{ lines: [title], mode: 'hold', seconds: 30 }] },
  priority: 'normal',
  volume: 60,
  targets: { areas: [HA_DINH], devices: [] },
  startsAt: when,
});

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'led-hd-1', kind: 'led', area: HA_DINH, name: 'Bảng LED Hạ Đình' },
    { id: 'led-hd-2', kind: 'led', area: HA_DINH, name: 'Bảng LED chợ Hạ Đình' },
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH, name: 'Cụm loa Hạ Đình 01' },
  ]);
  await addWardUsers(t);
  official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  leader2 = await t.api.as(WARD_USERS.leader2.username, WARD_USERS.leader2.password);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-choices-'));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
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
        const { page, ctx } = await openAs(
          browser,
          t.hub.httpUrl,
          WARD_USERS.official,
          'schedule',
          c.viewport,
          c.locale,
        );
        await page.click('[data-testid=new-broadcast]');
        await page.fill('[data-testid=broadcast-form] input[name=title]', 'Bản nháp');
        await page.check('[data-testid=broadcast-form] input[name=use-led]');
        await page.locator('[data-testid=led-text]').first().fill('Bản nháp');
        await page.fill('[data-testid=broadcast-form] input[name=date]', vnDay(3).split('-').reverse().join('/'));
        await page.fill('[data-testid=broadcast-form] input[name=time]', c.time);
        await page.locator('[data-testid=broadcast-form] input[name=time]').blur();
        // Against the approved one: it plays. Against the other one waiting: whichever is approved first.
        const who = page
          .locator('[data-testid=conflict-overlap]', { hasText: `«Tin trước ${c.time}»` })
          .locator('[data-testid=who-plays]');
        const pending = page
          .locator('[data-testid=conflict-overlap]', { hasText: `«Tin sau ${c.time}»` })
          .locator('[data-testid=who-plays]');
        await pending.waitFor({ timeout: 15_000 });
        expect(await pending.getAttribute('data-plays')).toBe('first-approved');
        await who.waitFor({ timeout: 15_000 });
        expect(await who.textContent()).toContain(`«Tin trước ${c.time}» sẽ phát`);
        expect(await who.textContent()).toContain('Lãnh đạo sẽ chọn bản tin nào phát khi phê duyệt.');
        await ctx.close();
      }

      const { page, ctx, errors } = await openAs(
        browser,
        t.hub.httpUrl,
        WARD_USERS.leader,
        'approvals',
        c.viewport,
        c.locale,
      );
      const card = page.locator(`[data-testid=queue-item][data-title="Tin sau ${c.time}"]`);
      await card.locator('[data-testid=queue-who-plays]').waitFor();
      expect(await card.locator('[data-testid=queue-who-plays]').getAttribute('data-plays')).toBe('other');
      expect(await card.locator('[data-testid=queue-who-plays]').textContent()).toBe(
        `Nếu không chọn khác: «Tin trước ${c.time}» sẽ phát (đã duyệt trước hoặc bắt đầu trước); bản tin này chờ bản tin kia phát xong và bị bỏ qua nếu phải chờ quá 1 phút. Hãy chọn bên dưới bản tin nào phát.`,
      );
      expect(await card.locator('[data-testid=same-level-choice] legend').textContent()).toBe(
        'Trùng giờ với bản tin cùng cấp đã duyệt: chọn bản tin nào phát',
      );
      expect(await card.locator('[data-testid=approve]').isDisabled()).toBe(true);
      expect(await fitsWidth(page)).toBe(true);
      if (c.locale === 'en-US') {
        // The same card in English (the UI's own language switch; the browser's locale does not change it).
        await page.click('[data-testid=lang]');
        expect(await card.locator('[data-testid=same-level-choice] legend').textContent()).toBe(
          'Clashes with an approved bulletin of the same level: choose which plays',
        );
        expect(await card.locator('[data-testid=queue-who-plays]').textContent()).toContain(
          `Unless chosen otherwise: «Tin trước ${c.time}» plays`,
        );
        await page.click('[data-testid=lang]');
      }
      await card.locator(`[data-testid=choose-${c.choose}]`).check();
      expect(await card.locator('[data-testid=approve]').textContent()).toBe(
        c.choose === 'air-ours' ? 'Phê duyệt — bản tin này phát' : 'Phê duyệt — bản tin này nhường',
      );
      await shot(page, `approval-same-level-${c.viewport.width}`);
      await card.locator('[data-testid=approve]').click();
      await card.waitFor({ state: 'detached' });

      // Stored and in force: the plan (what the manifests are built from) has one bulletin at that time.
      const detail = await official.get(`/api/v1/broadcasts/${second.id}`);
      expect(detail.status).toBe('approved');
      expect(detail.clashDecision).toMatchObject({ decision: c.choose, sameLevel: true });
      const planned = async (id: string) =>
        (await official.get(`/api/v1/broadcasts/${id}`)).devices.filter((d: BroadcastDevice) =>
          d.scheduledStart.startsWith(when),
        ).length;
      // (Two LED boards in Hạ Đình: one occurrence each.)
      expect([await planned(first.id), await planned(second.id)]).toEqual(c.choose === 'air-ours' ? [0, 2] : [2, 0]);
      // The bulletin's page says what the leader chose.
      await page.click('[data-tab=approvals]');
      await page.locator('[data-testid=decided-row] button', { hasText: `Tin sau ${c.time}` }).click();
      const decided = page.locator('[data-testid=clash-decision]');
      await decided.waitFor();
      expect(await decided.textContent()).toContain(
        c.choose === 'air-ours'
          ? `Lãnh đạo đã chọn: bản tin này phát; «Tin trước ${c.time}» nhường 2 lần phát`
          : 'Lãnh đạo đã chọn: bản tin này nhường bản tin cùng cấp; 2 lần phát',
      );
      // Audited: the activity log names the leader's choice apart from an official's decision.
      await page.click('[data-tab=audit]');
      const choiceRow = page.locator('[data-testid=audit-row][data-action="broadcast.decision"]').first();
      await choiceRow.waitFor();
      expect(await choiceRow.locator('[data-testid=audit-text]').textContent()).toMatch(
        c.choose === 'air-ours'
          ? /^Trùng giờ với bản tin cùng cấp «Tin trước .*»: chọn phát «Tin sau /
          : /^Trùng giờ với bản tin cùng cấp «Tin trước .*»: chọn để «Tin sau .*» nhường/,
      );
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }
});

describe('library: media nobody uses can be archived or deleted, each asked first', () => {
  const settled = (id: number) =>
    official.waitFor(
      async () => {
        const m = await official.get(`/api/v1/media/${id}`);
        return m.status !== 'processing' ? m : null;
      },
      30_000,
      `media ${id}`,
    );
  const item = (page: Page, name: string) => page.locator(`[data-testid=media-item][data-name="${name}"]`);
  /** Answers the next confirmation and returns its question. */
  const confirmNext = (page: Page) =>
    new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.accept(); // not awaited: the page is blocked until it closes; a rejection fails the run as unhandled
      }),
    );

  it('vi-VN at 1366 px: a failed upload is deleted; one in use is refused naming the bulletin; archive and restore; all audited', async () => {
    const bad = path.join(tmp, 'hong.mp3');
    writeFileSync(bad, 'Đây không phải là âm thanh.\n'.repeat(50));
    const failed = await settled((await official.upload('/api/v1/media', bad, 'tai-loi.mp3')).id);
    expect(failed.status).toBe('failed');
    const used = await settled(
      (await official.upload('/api/v1/media', vietnameseSpeech(tmp, 'Đang dùng.', 'wav'), 'dang-dung.wav')).id,
    );
    const spare = await settled(
      (await official.upload('/api/v1/media', vietnameseSpeech(tmp, 'Không ai dùng.', 'wav'), 'khong-ai-dung.wav')).id,
    );
    await official.post('/api/v1/broadcasts', {
      title: 'Tin phát sáng mai',
      mediaId: used.id,
      targets: { areas: [HA_DINH] },
      startsAt: `${vnDay(2)}T06:30`,
    });

    const { page, ctx, errors } = await openAs(
      browser,
      t.hub.httpUrl,
      WARD_USERS.official,
      'library',
      DESKTOP,
      'vi-VN',
    );
    await item(page, 'tai-loi.mp3').waitFor();
    // The failed upload goes, after the question.
    const asked = confirmNext(page);
    await item(page, 'tai-loi.mp3').locator('[data-testid=media-delete]').click();
    expect(await asked).toBe('Xóa hẳn «tai-loi.mp3»? Tệp âm thanh sẽ bị xóa khỏi máy chủ và không khôi phục được.');
    await item(page, 'tai-loi.mp3').waitFor({ state: 'detached' });
    // The one a waiting bulletin uses stays, and the page says why, in red.
    void confirmNext(page);
    await item(page, 'dang-dung.wav').locator('[data-testid=media-delete]').click();
    const why = item(page, 'dang-dung.wav').locator('[data-testid=media-action-error]');
    await why.waitFor();
    expect(await why.textContent()).toBe(
      'Không thể xóa «dang-dung.wav»: tệp đang được dùng trong 1 bản tin còn có thể phát hoặc có trong báo cáo: «Tin phát sáng mai». Hãy hủy hoặc chờ các bản tin đó bị từ chối trước.',
    );
    expect(await why.evaluate((e) => getComputedStyle(e).color)).toBe(
      await page
        .locator('.error')
        .first()
        .evaluate((e) => getComputedStyle(e).color),
    );
    // Archive hides it; the archived list restores it.
    const archiveAsked = confirmNext(page);
    await item(page, 'khong-ai-dung.wav').locator('[data-testid=media-archive]').click();
    expect(await archiveAsked).toBe('Lưu trữ «khong-ai-dung.wav»? Tệp sẽ ẩn khỏi thư viện và có thể khôi phục sau.');
    await item(page, 'khong-ai-dung.wav').waitFor({ state: 'detached' });
    await page.click('[data-testid=show-archived]');
    const shelved = page.locator('[data-testid=archived-item][data-name="khong-ai-dung.wav"]');
    await shelved.waitFor();
    await shot(page, 'library-archived-1366');
    void confirmNext(page);
    await shelved.locator('[data-testid=media-restore]').click();
    await item(page, 'khong-ai-dung.wav').waitFor();
    await shelved.waitFor({ state: 'detached' });
    expect(errors).toEqual([]);
    await ctx.close();

    // The activity log names them in words.
    {
      const { page: audit, ctx: actx } = await openAs(
        browser,
        t.hub.httpUrl,
        WARD_USERS.leader2,
        'audit',
        DESKTOP,
        'vi-VN',
      );
      const sentences = await audit
        .locator('[data-testid=audit-row][data-action^="media."] [data-testid=audit-text]')
        .allTextContents();
      for (const words of ['Xóa tệp âm thanh «', 'Lưu trữ tệp âm thanh «', 'Khôi phục tệp âm thanh «'])
        expect(
          sentences.some((s) => s.startsWith(words)),
          words,
        ).toBe(true);
      await actx.close();
    }
    const log = (await leader2.get('/api/v1/audit')).map((e: AuditEntry) => `${e.action} ${e.target}`);
    expect(log).toEqual(
      expect.arrayContaining([`media.delete ${failed.id}`, `media.archive ${spare.id}`, `media.restore ${spare.id}`]),
    );
    expect(log).not.toContain(`media.delete ${used.id}`);
  });

  it('en-US at 390 px: the buttons are on screen and the page does not scroll sideways; a leader of the ward may archive; English on request', async () => {
    const { page, ctx } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'library', PHONE, 'en-US');
    const spare = item(page, 'khong-ai-dung.wav');
    await spare.waitFor();
    for (const b of ['media-archive', 'media-delete']) {
      const box = (await spare.locator(`[data-testid=${b}]`).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await fitsWidth(page)).toBe(true);
    expect(await spare.locator('[data-testid=media-archive]').textContent()).toBe('Lưu trữ'); // Vietnamese first, whatever the browser
    await page.click('[data-testid=lang]');
    expect(await spare.locator('[data-testid=media-archive]').textContent()).toBe('Archive');
    const asked = confirmNext(page);
    await spare.locator('[data-testid=media-archive]').click();
    expect(await asked).toBe('Archive «khong-ai-dung.wav»? It leaves the library and can be restored later.');
    await spare.waitFor({ state: 'detached' });
    await shot(page, 'library-phone-390');
    await page.click('[data-testid=lang]');
    await ctx.close();
  });
});

describe("a failure reads as a reason an official understands; the device's words are one click away", () => {
  const boards: Array<{ dev: MqttDevice; key: string; id: string }> = [];
  let emergency: Broadcast;
  // What devices said: a new agent gives a code, an older one only its technical English.
  const SAID = {
    // (Its English alone would read as the board's own error: the words below come from the code.)
    'led-hd-1': {
      reasonCode: 'device-unreachable',
      reason: 'LED board did not take the message: bang-led-1: connect ECONNREFUSED tcp 127.0.0.1:40123',
    },
    'led-hd-2': {
      reason:
        'LED board did not take the message: bang-led-2: show failed (invalid): page 1 does not fit the 192×32 board as a picture: line 2 is 207 dots wide',
    },
  } as const;
  const WORDS = {
    'led-hd-1':
      'Thiết bị không liên lạc được với bảng LED (bảng không trả lời — kiểm tra nguồn điện và dây nối của bảng).',
    'led-hd-2':
      'Bảng LED từ chối thông điệp vì nội dung không vừa bảng (dòng quá dài hoặc quá nhiều dòng). Hãy rút gọn rồi gửi lại.',
  };

  beforeAll(async () => {
    for (const id of ['led-hd-1', 'led-hd-2'] as const) {
      const keys = generateSigningKeys();
      const { mqttPassword } = await t.api.post('/api/v1/enrol', { token: w.tokens[id], publicKey: keys.publicKeyPem });
      boards.push({
        id,
        key: keys.privateKeyPem,
        dev: await connectMqttDevice({ url: t.hub.mqttUrl, deviceId: id, password: mqttPassword, session: 1 }),
      });
    }
    emergency = await w.district.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp: thử bảng',
      priority: 'emergency',
      led: { pages: [{ lines: ['KHẨN CẤP'], mode: 'flash', seconds: 8 }] },
      targets: { areas: [HA_DINH] },
      startsAt: 'now',
    });
    const devices = (await w.district.get(`/api/v1/broadcasts/${emergency.id}`)).devices;
    for (const b of boards) {
      const occ = devices.find((d: BroadcastDevice) => d.deviceId === b.id).occurrenceId as string;
      const receipt = signReceipt(b.key, {
        id: randomUUID(),
        deviceId: b.id,
        occurrenceId: occ,
        broadcastId: emergency.id,
        result: 'failed',
        ...SAID[b.id as keyof typeof SAID],
        scheduledStart: Number(occ.split('@')[1]),
        actualStart: null,
        actualEnd: null,
        secondsPlayed: 0,
        clockOffsetMs: 0,
        evidence: {},
      });
      await b.dev.client.publishAsync(topics().deviceEvent(b.id, 'receipt'), JSON.stringify(receipt), { qos: 1 });
    }
    await w.district.waitFor(
      async () =>
        (await w.district.get(`/api/v1/broadcasts/${emergency.id}`)).devices.every(
          (d: BroadcastDevice) => d.state === 'failed',
        ),
      15_000,
      'both failures admitted',
    );
  });
  afterAll(async () => {
    for (const b of boards) await b.dev.end();
  });

  /** The page's visible text (closed details are not rendered). */
  const visibleText = (page: Page) => page.evaluate(() => document.body.innerText);

  for (const c of [
    { locale: 'vi-VN', viewport: DESKTOP },
    { locale: 'en-US', viewport: PHONE },
  ]) {
    it(`${c.locale} at ${c.viewport.width} px: the bulletin's page and the coverage page give the reason in red, in Vietnamese; the driver's words behind 'Chi tiết kỹ thuật'`, async () => {
      const { page, ctx, errors } = await openAs(
        browser,
        t.hub.httpUrl,
        WARD_USERS.leader,
        'approvals',
        c.viewport,
        c.locale,
      );
      await page.locator('[data-testid=decided-row] button', { hasText: 'Khẩn cấp: thử bảng' }).click();
      const row = (id: string) =>
        page.locator(
          `[data-testid=detail-devices] tr:has-text("${id === 'led-hd-1' ? 'Bảng LED Hạ Đình' : 'Bảng LED chợ Hạ Đình'}")`,
        );
      for (const id of ['led-hd-1', 'led-hd-2'] as const) {
        const reason = row(id).locator('[data-testid=fail-reason]');
        await reason.waitFor();
        expect(await reason.evaluate((e) => e.firstChild?.textContent)).toBe(WORDS[id]);
        expect(await reason.getAttribute('class')).toContain('error');
        const detail = reason.locator('[data-testid=fail-detail] code');
        expect(await detail.isVisible()).toBe(false);
      }
      expect(await visibleText(page)).not.toMatch(/ECONNREFUSED|tcp 127\.0\.0\.1|LED board did not take/);
      await row('led-hd-1').locator('summary', { hasText: 'Chi tiết kỹ thuật' }).click();
      expect(await row('led-hd-1').locator('[data-testid=fail-detail] code').textContent()).toBe(
        SAID['led-hd-1'].reason,
      );
      expect(await fitsWidth(page)).toBe(true);
      await shot(page, `failure-reason-detail-${c.viewport.width}`);

      // The coverage page: the same words, in red, in the table of what did not play.
      await page.click('[data-tab=coverage]');
      const problems = page.locator('[data-testid=problems]');
      await problems.locator('[data-testid=fail-reason]').first().waitFor();
      const texts = await problems
        .locator('[data-testid=fail-reason]')
        .evaluateAll((els) => els.map((e) => e.firstChild?.textContent));
      expect(texts.sort()).toEqual(Object.values(WORDS).sort());
      expect(await visibleText(page)).not.toMatch(/ECONNREFUSED|tcp 127\.0\.0\.1|LED board did not take/);
      if (c.locale === 'en-US') {
        await page.click('[data-testid=lang]');
        await problems
          .locator('[data-testid=fail-reason]', { hasText: 'The device could not reach its LED board' })
          .waitFor();
        expect(await visibleText(page)).not.toMatch(/ECONNREFUSED|LED board did not take/);
        await page.click('[data-testid=lang]');
      }
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }

  it("the PDF prints the same words, never the driver's", async () => {
    const month = formatVn(Date.now())!.slice(0, 7);
    const token = w.district.token;
    const res = await fetch(`${t.hub.httpUrl}/api/v1/reports/coverage.pdf?area=${HA_DINH}&period=${month}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const file = path.join(tmp, 'coverage.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Thiết bị không liên lạc được với bảng LED');
    expect(text).toContain('Bảng LED từ chối thông điệp vì nội dung không vừa bảng');
    expect(text).not.toMatch(/ECONNREFUSED|LED board did not take/);
  });
});
