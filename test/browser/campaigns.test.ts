// The campaign page (Chuyên đề) in a real browser against a real hub: a ward leader creates a
// campaign, an official tags a bulletin with it in the broadcast form, the ward's loudspeaker sends
// a signed receipt over MQTT, and the campaign's progress shows it planned, aired and met. Then the
// leader and the district change it (name, target, note, areas) and archive it.
// Vietnamese first. The hub's clock is a ManualClock started at the real time, so this runs on any date.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { generateSigningKeys, ManualClock, signReceipt, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { seedWorld, HA_DINH, KIM_GIANG } from '../helpers/world.ts';
import { connectMqttDevice, type MqttDevice } from '../helpers/mqtt-device.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { VN_OFFSET_MS } from '../../hub/time.ts';
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

const MIN = 60_000;
const clock = new ManualClock(Date.now());
/** The campaign's first day: today when the test starts (the clock moves on through the tests). */
const START = clock.now();
/** Two hours on, to the minute: when the tagged bulletin airs. */
const AT = Math.ceil((clock.now() + 2 * 3600_000) / MIN) * MIN;
const vn = (ms: number) => new Date(ms + VN_OFFSET_MS).toISOString();
const dmy = (ms: number) => vn(ms).slice(0, 10).split('-').reverse().join('/');

let t: TestHub;
let browser: Browser;
let official: ApiClient;
let leader: ApiClient;
let device: MqttDevice;
let keys: ReturnType<typeof generateSigningKeys>;

beforeAll(async () => {
  t = await startTestHub({}, undefined, { clock });
  await seedWorld(t, []);
  await addWardUsers(t);
  const enrol: Record<string, string> = {};
  for (const d of DEVICES) enrol[d.id] = (await t.admin.post('/api/v1/devices', d)).enrolToken;
  official = await t.api.as(WARD_USERS.official.username, WARD_USERS.official.password);
  leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password);
  const up = await official.upload(
    '/api/v1/media',
    vietnameseSpeech(tempDir('browser-campaigns'), 'Tuyên truyền Nghị quyết 98.'),
    'nq98.mp3',
  );
  await official.waitFor(
    async () => (await official.get(`/api/v1/media/${up.id}`)).status === 'ready',
    60_000,
    'media ready',
  );
  keys = generateSigningKeys();
  const { mqttPassword } = await t.api.post('/api/v1/enrol', {
    token: enrol['loa-hd-1'],
    publicKey: keys.publicKeyPem,
  });
  device = await connectMqttDevice({ url: t.hub.mqttUrl, deviceId: 'loa-hd-1', password: mqttPassword, session: 1 });
  browser = await launchBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await device?.end();
  await t?.stop();
});

describe('web UI: campaigns', () => {
  it('creates a campaign, tags a bulletin with it, and shows planned against aired per ward', async () => {
    // The ward leader creates the campaign: this week, Hạ Đình, at least one bulletin over the period.
    const ld = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'campaigns');
    await ld.page.waitForSelector('[data-testid=campaign-form]');
    await ld.page.fill('[data-testid=campaign-form] input[name=name]', 'Tuyên truyền Nghị quyết 98');
    await ld.page.fill('[data-testid=campaign-form] input[name=from]', dmy(START));
    await ld.page.fill('[data-testid=campaign-form] input[name=to]', dmy(START + 6 * 86_400_000));
    await ld.page.fill('[data-testid=campaign-form] input[name=bulletins]', '1');
    await ld.page.selectOption('[data-testid=campaign-form] select[name=per]', 'period');
    await ld.page.click('[data-testid=campaign-form] button.primary');
    await ld.page.waitForSelector('[data-testid=campaign-row]');
    expect(await ld.page.textContent('[data-testid=campaign-row]')).toContain('ít nhất 1 bản tin cả đợt trên mỗi loa');

    // The official tags a bulletin with it in the broadcast form.
    const op = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'schedule');
    await op.page.click('[data-testid=new-broadcast]');
    await op.page.fill('input[name=title]', 'Nghị quyết 98 — kỳ 1');
    await op.page.selectOption('select[name=media]', { index: 1 });
    await op.page.fill('input[name=date]', dmy(AT));
    await op.page.fill('input[name=time]', vn(AT).slice(11, 16));
    await op.page.click('[data-testid=campaign-choice] label:has-text("Tuyên truyền Nghị quyết 98") input');
    await op.page.waitForSelector('[data-testid=check-summary]');
    await op.page.click('[data-testid=submit]');
    await op.page.waitForSelector('[data-testid=broadcast-form]', { state: 'detached' });
    const [b] = await official.get('/api/v1/broadcasts');
    expect(b).toMatchObject({ title: 'Nghị quyết 98 — kỳ 1', campaigns: [expect.any(Number)] });
    expect(op.errors).toEqual([]);
    await op.ctx.close();

    // Approved by the leader; it airs, and the loudspeaker's signed receipt is admitted.
    await leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    clock.set(AT + 5 * MIN);
    const id = b.campaigns[0];
    const aired = async () => (await leader.get(`/api/v1/campaigns/${id}/progress`)).wards[0]?.aired;
    const send = async (seconds: number) => {
      const claim = signReceipt(keys.privateKeyPem, {
        id: randomUUID(),
        deviceId: 'loa-hd-1',
        occurrenceId: `${b.id}@${AT}`,
        broadcastId: b.id,
        result: 'played',
        scheduledStart: AT,
        actualStart: AT + 1000,
        actualEnd: AT + 1000 + seconds * 1000,
        secondsPlayed: seconds,
        clockOffsetMs: 0,
        evidence: {},
      });
      await device.client.publishAsync(topics().deviceEvent('loa-hd-1', 'receipt'), JSON.stringify(claim), {
        qos: 1,
      });
    };
    // First a claim the hub rejects (ten minutes played of a bulletin seconds long): not aired.
    await send(600);
    await leader.waitFor(
      async () => {
        clock.advance(1000); // the hub's ingest batches receipts on its own clock
        return (await t.admin.get(`/api/v1/reports/coverage?area=${HA_DINH}`)).rejectedCount === 1;
      },
      15_000,
      'the claim stored as rejected',
    );
    expect(await aired()).toBe(0);
    // Then the real one, as long as the bulletin.
    await send(b.durationMs / 1000);
    await leader.waitFor(
      async () => {
        clock.advance(1000);
        return (await aired()) === 1;
      },
      15_000,
      'the receipt admitted and counted',
    );

    // The progress per ward: Hạ Đình's one loudspeaker, planned 1, aired 1, met.
    await ld.page.reload();
    await ld.page.click('[data-testid=campaign-row] button.link');
    await ld.page.waitForSelector('[data-testid=campaign-ward]');
    const wards = await ld.page.$$eval('[data-testid=campaign-ward]', (ws) =>
      ws.map((x) => x.getAttribute('data-area')),
    );
    expect(wards).toEqual([HA_DINH]);
    expect(await ld.page.textContent('[data-testid=campaign-ward] h4')).toBe(
      'Phường Hạ Đình: kế hoạch 1 · đã phát 1 · Đạt',
    );
    expect(await ld.page.textContent('[data-testid=bucket-planned]')).toBe('1');
    expect(await ld.page.textContent('[data-testid=bucket-aired]')).toBe('1');
    await ld.page.check('[data-testid=per-speaker]');
    await ld.page.waitForSelector('[data-testid=speaker-row]');
    expect(await ld.page.textContent('[data-testid=speaker-row]')).toContain('Cụm loa Hạ Đình 01');
    expect(await ld.page.textContent('[data-testid=speaker-row]')).toContain(': 1/1 đã phát/kế hoạch');
    expect(await ld.page.textContent('[data-testid=campaign-row]')).toContain('Lưu trữ'); // carried: archived, not deleted
    await shot(ld.page, 'campaign-progress');

    // English second.
    await ld.page.evaluate(() => localStorage.setItem('wardcast-lang', 'en'));
    await ld.page.reload();
    await ld.page.click('[data-testid=campaign-row] button.link');
    await ld.page.waitForSelector('[data-testid=campaign-ward]');
    expect(await ld.page.textContent('[data-testid=campaign-ward] h4')).toBe(
      'Phường Hạ Đình: planned 1 · aired 1 · Met',
    );
    expect(ld.errors).toEqual([]);
    await ld.ctx.close();
  });

  it('on a phone, the list and the progress are cards: nothing wider than the screen', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'campaigns', PHONE_SCREEN);
    await page.click('[data-testid=campaign-row] button.link');
    await page.check('[data-testid=per-speaker]');
    await page.waitForSelector('[data-testid=speaker-row]');
    expect(await widerThanScreen(page)).toEqual([]);
    // Each cell names its column, as the header is hidden.
    expect(await page.$eval('[data-testid=bucket-aired]', (td) => getComputedStyle(td, '::before').content)).toBe(
      '"Đã phát"',
    );
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('changes a campaign: the leader its name, target and note; the district its areas; then archives it', async () => {
    const ld = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'campaigns');
    await ld.page.click('[data-testid=campaign-row] [data-testid=edit-campaign]');
    const form = '[data-testid=campaign-edit-form]';
    await ld.page.waitForSelector(form);
    expect(await ld.page.inputValue(`${form} input[name=name]`)).toBe('Tuyên truyền Nghị quyết 98');
    expect(await ld.page.inputValue(`${form} input[name=from]`)).toBe(dmy(START));
    await ld.page.fill(`${form} input[name=name]`, 'Tuyên truyền Nghị quyết 98 — đợt 1');
    await ld.page.fill(`${form} input[name=to]`, dmy(START + 13 * 86_400_000));
    await ld.page.fill(`${form} input[name=bulletins]`, '2');
    await ld.page.selectOption(`${form} select[name=per]`, 'week');
    await ld.page.fill(`${form} textarea[name=note]`, 'Theo kế hoạch của UBND quận');
    await ld.page.click(`${form} button.primary`);
    await ld.page.waitForSelector(form, { state: 'detached' });
    await ld.page.waitForFunction(() =>
      document.querySelector('[data-testid=campaign-row]')?.textContent?.includes('đợt 1'),
    );
    const row = await ld.page.textContent('[data-testid=campaign-row]');
    expect(row).toContain('Tuyên truyền Nghị quyết 98 — đợt 1');
    expect(row).toContain('Theo kế hoạch của UBND quận');
    expect(row).toContain(`${dmy(START)} – ${dmy(START + 13 * 86_400_000)}`);
    expect(row).toContain('ít nhất 2 bản tin mỗi tuần trên mỗi loa');
    expect(ld.errors).toEqual([]);
    await ld.ctx.close();

    // The district adds Kim Giang, then archives it: it carries a bulletin, so it is kept, not deleted.
    const dt = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'campaigns');
    await dt.page.click('[data-testid=campaign-row] [data-testid=edit-campaign]');
    await dt.page.waitForSelector(form);
    expect(await dt.page.isChecked(`${form} input[name=area][value="${HA_DINH}"]`)).toBe(true);
    await dt.page.check(`${form} input[name=area][value="${KIM_GIANG}"]`);
    await dt.page.click(`${form} button.primary`);
    await dt.page.waitForSelector(form, { state: 'detached' });
    const [c] = await leader.get('/api/v1/campaigns');
    expect(c).toMatchObject({ name: 'Tuyên truyền Nghị quyết 98 — đợt 1', areas: [HA_DINH, KIM_GIANG].sort() });
    expect(c.target).toEqual({ bulletins: 2, per: 'week' });

    await dt.page.click('[data-testid=campaign-row] [data-testid=edit-campaign]');
    await dt.page.click(`${form} [data-testid=archive-campaign]`);
    await dt.page.waitForSelector('[data-testid=campaign-row]', { state: 'detached' });
    await dt.page.check('[data-testid=show-archived]');
    await dt.page.waitForSelector('[data-testid=campaign-row]');
    expect(await dt.page.textContent('[data-testid=campaign-row]')).toContain('Đã lưu trữ');
    expect((await leader.get(`/api/v1/campaigns/${c.id}`)).archived).toBe(true);
    expect(dt.errors).toEqual([]);
    await dt.ctx.close();
  });
});
