// The periodic reports page (Báo cáo định kỳ) in a real browser against a real hub. In November a
// bulletin airs on Hạ Đình's loudspeaker and its signed receipt is admitted; on 03/12/2026 the
// ward's leader generates November's report, is reminded to sign it, reads its figures, signs it
// (the document's SHA-256 as shown), sees it signed with its PDF's hash, downloads its JSON and
// revises it with a reason; a late claim then rejected shows "Số liệu đã thay đổi sau khi ký" on the
// unchanged signed report. Older drafts show overdue in red. Vietnamese first, English second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { generateSigningKeys, ManualClock, signReceipt, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, HA_DINH } from '../helpers/world.ts';
import { connectMqttDevice, type MqttDevice } from '../helpers/mqtt-device.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import {
  addWardUsers,
  DEVICES,
  launchBrowser,
  openAs,
  PHONE_SCREEN,
  widerThanScreen,
  shot,
  WARD_USERS,
} from './harness.ts';

/** When the bulletin airs: 20/11/2026 10:00 in Vietnam. */
const AT = Date.parse('2026-11-20T10:00:00+07:00');
/** When the leader opens the page: 03/12/2026 09:00, November over, its report due by 14/12. */
const LATER = Date.parse('2026-12-03T09:00:00+07:00');
const clock = new ManualClock(AT - 3600_000);

let t: TestHub;
let browser: Browser;
let leader: ApiClient;
let device: MqttDevice;
let keys: ReturnType<typeof generateSigningKeys>;
let bulletinId: string;

/** Hạ Đình's loudspeaker's signed receipt for the November bulletin, claiming `seconds` played. */
const sendReceipt = async (seconds: number) => {
  const claim = signReceipt(keys.privateKeyPem, {
    id: randomUUID(),
    deviceId: 'loa-hd-1',
    occurrenceId: `${bulletinId}@${AT}`,
    broadcastId: bulletinId,
    result: 'played',
    scheduledStart: AT,
    actualStart: AT + 1000,
    actualEnd: AT + 1000 + seconds * 1000,
    secondsPlayed: seconds,
    clockOffsetMs: 0,
    evidence: {},
  });
  await device.client.publishAsync(topics().deviceEvent('loa-hd-1', 'receipt'), JSON.stringify(claim), { qos: 1 });
};

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock });
  await seedWorld(t, []);
  await addWardUsers(t);
  const enrol: Record<string, string> = {};
  for (const d of DEVICES) enrol[d.id] = (await t.admin.post('/api/v1/devices', d)).enrolToken;
  const official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password);
  const up = await official.upload(
    '/api/v1/media',
    vietnameseSpeech(tempDir('browser-reports'), 'Thông báo của phường Hạ Đình.'),
    'thong-bao.mp3',
  );
  const media = await official.waitFor(
    async () => {
      const m = await official.get(`/api/v1/media/${up.id}`);
      return m.status === 'ready' ? m : null;
    },
    60_000,
    'media ready',
  );
  keys = generateSigningKeys();
  const { mqttPassword } = await t.api.post('/api/v1/enrol', {
    token: enrol['loa-hd-1'],
    publicKey: keys.publicKeyPem,
  });
  device = await connectMqttDevice({ url: t.hub.mqttUrl, deviceId: 'loa-hd-1', password: mqttPassword, session: 1 });

  // November: a bulletin on Hạ Đình, approved, aired, and its receipt admitted.
  const b = await official.post('/api/v1/broadcasts', {
    title: 'Thông báo tháng 11',
    mediaId: media.id,
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: new Date(AT).toISOString(),
  });
  await leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  clock.set(AT + 5 * 60_000);
  bulletinId = b.id;
  await sendReceipt(media.durationMs / 1000);
  await leader.waitFor(
    async () => {
      clock.advance(1000); // the hub's ingest batches receipts on its own clock
      return (await t.admin.get(`/api/v1/reports/coverage?area=${HA_DINH}`)).totals.played === 1;
    },
    15_000,
    'the receipt admitted',
  );
  clock.set(LATER);
  leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password); // two weeks on: a new session
  // Earlier months' reports, never signed: overdue (the hub's scheduler makes none of them itself,
  // for no device was in service then).
  for (const period of ['2026-07', '2026-08', '2026-09', '2026-10'])
    await leader.post('/api/v1/periodic-reports', { area: HA_DINH, kind: 'month', period });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await device?.end();
  await t?.stop();
});

describe('web UI: periodic reports', () => {
  it('reminds, generates, shows, signs, downloads and revises a monthly report', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'reports');
    await ctx.clock.setSystemTime(LATER); // the page's "last month" is the hub's
    await page.reload();
    await page.waitForSelector('[data-testid=report-row]');

    // October's draft, never signed, is overdue: its due day in red; its reminder,
    // among the others once all are listed, says so.
    expect(await page.$$('[data-testid=report-reminder]')).toHaveLength(3);
    await page.click('[data-testid=report-reminders-more]');
    const october = '[data-testid=report-row]:has-text("Tháng 10/2026")';
    expect(await page.textContent(`${october} [data-testid=report-due]`)).toBe('14/11/2026 (quá hạn)');
    expect(await page.$eval(`${october} [data-testid=report-due]`, (e) => e.className)).toContain('error');
    expect(await page.textContent('[data-testid=report-reminder]:has-text("Tháng 10/2026")')).toBe(
      'Báo cáo Tháng 10/2026 — Phường Hạ Đình: hạn gửi 14/11/2026 (quá hạn 19 ngày)',
    );

    // Generate November's: the form proposes the month just over.
    expect(await page.inputValue('[data-testid=report-generate] input[name=period]')).toBe('2026-11');
    await page.click('[data-testid=report-generate] button.primary');
    await page.waitForSelector('[data-testid=report-view][data-status=draft]');
    expect(await page.textContent('[data-testid=report-view] h3')).toBe('Báo cáo Tháng 11/2026 — Phường Hạ Đình');
    expect(await page.textContent('[data-testid=report-status]')).toBe('Bản nháp');
    expect(await page.textContent('[data-testid=report-reminder]:has-text("Tháng 11/2026")')).toBe(
      'Báo cáo Tháng 11/2026 — Phường Hạ Đình: hạn gửi 14/12/2026 (còn 11 ngày)',
    );
    // Its figures: the bulletin aired once on the ward's loudspeaker, from the admitted receipt.
    const totals = await page.innerText('[data-testid=report-totals]');
    expect(totals).toMatch(/Lượt theo kế hoạch\s+1\s/);
    expect(totals).toMatch(/Đã phát\s+1\s/);
    expect(totals).toMatch(/Độ phủ\s+100%/);
    expect(await page.innerText('[data-testid=report-devices] tbody')).toMatch(/^Cụm loa Hạ Đình 01\t1\t1\t/);
    expect(await page.innerText('[data-testid=report-wards] tbody')).toMatch(/^Phường Hạ Đình\t/);
    for (const part of ['campaigns', 'failures', 'led', 'emergencies'])
      expect(await page.$(`[data-testid=report-${part}]`)).not.toBeNull();

    // Sign it off: the hash shown is the one sent, and the stored document's.
    const docHash = await page.textContent('[data-testid=report-doc-hash]');
    const id = Number(await page.getAttribute('[data-testid=report-row]:has-text("Tháng 11/2026")', 'data-id'));
    expect((await leader.get(`/api/v1/periodic-reports/${id}`)).documentSha256).toBe(docHash);
    await page.click('[data-testid=report-sign]');
    await page.waitForSelector('[data-testid=report-view][data-status=signed]');
    expect(await page.textContent('[data-testid=report-status]')).toBe('Đã ký');
    const signed = await leader.get(`/api/v1/periodic-reports/${id}`);
    expect(signed).toMatchObject({
      status: 'signed',
      documentSha256: docHash,
      signedBy: { name: 'Lãnh đạo phường Hạ Đình' },
    });
    expect(await page.textContent('[data-testid=report-pdf-hash]')).toBe(signed.pdfSha256);
    expect(await page.textContent('[data-testid=report-signed]')).toContain(
      'Đã ký bởi Lãnh đạo phường Hạ Đình, 03/12/2026 09:00',
    );
    await page.waitForSelector('[data-testid=report-row][data-status=signed]');
    await page.waitForSelector('[data-testid=report-reminder]:has-text("Tháng 11/2026")', { state: 'detached' });
    await shot(page, 'periodic-report');

    // The JSON download is the stored document, byte for byte.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-json]')]);
    const bytes = readFileSync((await download.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(docHash);
    const doc = JSON.parse(bytes.toString('utf8'));
    expect(doc).toMatchObject({
      $schema: 'https://wardcast.vn/schemas/periodic-report/v1.json',
      area: { path: HA_DINH, name: 'Phường Hạ Đình' },
      kind: 'month',
      period: '2026-11',
      dueBy: '2026-12-14',
      totals: { scheduled: 1, played: 1 },
    });
    expect(download.suggestedFilename()).toMatch(/\.json$/);

    // A claim for November arriving late (ten minutes of a bulletin seconds long) is rejected: the
    // evidence now gives other figures, and the signed report says so without changing.
    await sendReceipt(600);
    await leader.waitFor(
      async () => {
        clock.advance(1000); // the hub's ingest batches receipts on its own clock
        return (await leader.get(`/api/v1/periodic-reports/${id}`)).changedSince === true;
      },
      15_000,
      'the rejected claim counted in the evidence',
    );
    await page.reload();
    await page.click('[data-testid=report-row]:has-text("Tháng 11/2026") button.link');
    await page.waitForSelector('[data-testid=report-changed]');
    expect(await page.textContent('[data-testid=report-changed]')).toContain('Số liệu đã thay đổi sau khi ký');
    expect(await page.textContent('[data-testid=report-doc-hash]')).toBe(docHash);

    // A revision, with its reason: a new draft version; the signed one stays.
    await page.fill('[data-testid=report-revise] input[name=reason]', 'Bổ sung số liệu bảng LED');
    await page.click('[data-testid=report-revise] button[type=submit]');
    await page.waitForSelector('[data-testid=report-view][data-status=draft]');
    expect(await page.textContent('[data-testid=report-view] h3')).toBe(
      'Báo cáo Tháng 11/2026 — Phường Hạ Đình (bản sửa đổi 2)',
    );
    expect(await page.textContent('[data-testid=report-view]')).toContain('Lý do sửa đổi: Bổ sung số liệu bảng LED');
    expect((await leader.get(`/api/v1/periodic-reports/${id}`)).status).toBe('signed');

    // English second.
    await page.evaluate(() => localStorage.setItem('wardcast-lang', 'en'));
    await page.reload();
    await page.waitForSelector('[data-testid=report-row][data-status=signed]');
    expect(await page.textContent('[data-testid=report-row][data-status=signed] [data-testid=report-due]')).toBe(
      '14/12/2026',
    );
    expect(await page.textContent('nav.tabs a[data-tab=reports]')).toBe('Periodic reports');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('reminds the leader on every page, and shows an official the reports without the actions', async () => {
    // Elsewhere, the soonest due first, three of them, and how many more, each leading to the page.
    const ld = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'schedule');
    await ld.page.waitForSelector('[data-testid=report-reminders]');
    const { reminders } = await leader.get('/api/v1/periodic-reports/reminders');
    expect(reminders.length).toBeGreaterThan(3);
    const shown = await ld.page.$$eval('[data-testid=report-reminder] a', (as) => as.map((a) => a.textContent));
    expect(shown).toHaveLength(3);
    expect(shown[0]).toContain(reminders[0].areaName);
    expect(await ld.page.textContent('[data-testid=report-reminders-more]')).toBe(
      `và ${reminders.length - 3} báo cáo khác`,
    );
    await ld.page.click('[data-testid=report-reminders-more]');
    await ld.page.waitForSelector('[data-testid=report-list]');
    await ld.ctx.close();

    const op = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'reports');
    await op.page.waitForSelector('[data-testid=report-row]');
    expect(await op.page.$('[data-testid=report-generate]')).toBeNull();
    expect(await op.page.$('[data-testid=report-reminders]')).toBeNull();
    await op.page.click('[data-testid=report-row] button.link');
    await op.page.waitForSelector('[data-testid=report-view]');
    expect(await op.page.$('[data-testid=report-sign]')).toBeNull();
    expect(op.errors).toEqual([]);
    await op.ctx.close();
  });

  it('on a phone, the list and a report’s tables are cards: nothing wider than the screen', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'reports', PHONE_SCREEN);
    await page.waitForSelector('[data-testid=report-row]');
    await page.click('[data-testid=report-row] button.link');
    await page.waitForSelector('[data-testid=report-view] [data-testid=report-devices] table');
    expect(await widerThanScreen(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    // Each cell names its column, as the header is hidden.
    const labels = await page.$$eval('[data-testid=report-devices] td', (tds) =>
      tds.slice(0, 2).map((td) => getComputedStyle(td, '::before').content),
    );
    expect(labels).toEqual(['"Thiết bị"', '"Kế hoạch"']);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});
