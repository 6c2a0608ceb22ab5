// Going live from the web UI (issue 11 items 2 and 6) in Debian's Chromium, against a real hub and
// two real speaker agents of Hạ Đình, in Vietnamese at 1366 and 390 px. The microphone is
// Chromium's fake capture device playing Vietnamese speech (espeak-ng, made into a WAV by ffmpeg):
// a ward leader goes live to the ward, the level meter moves, both speakers are listed as listening,
// the leader ends it, the session shows ended, and both speakers' receipts say the voice aired; an
// audio socket cut mid-broadcast is opened again and the same stream goes on. The hub's refusals (quiet hours, a clash, the role) and the browser's (no microphone allowed) show
// next to the form; a ward official has no live page.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, WebSocketRoute } from 'playwright-core';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { tempDir } from '../../hub/media/test-audio.ts';
import { LIVE_PAGE_TEXT } from '../../hub/text/live.ts';
import { formatVn } from '../../hub/time.ts';
import { fmtElapsed } from '../../web/lib/live-level.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { HA_DINH, KIM_GIANG, seedWorld, waitForResults, waitOnline } from '../helpers/world.ts';
import { addWardUsers, launchBrowser, openAs, shot, tabs, tokenFor, WARD_USERS } from './harness.ts';

/** A live session as GET /api/v1/live/<id> answers (hub/api-contract/live.ts). */
interface Session {
  id: string;
  title: string;
  state: string;
  endReason: string | null;
  secondsLive: number;
  startedAt: string;
  listeners: Array<{ deviceId: string; state: string; bytes: number }>;
}

const SPEAKERS = [
  { id: 'loa-hd-1', name: 'Cụm loa Hạ Đình 01', kind: 'speaker', areaPath: HA_DINH },
  { id: 'loa-hd-2', name: 'Cụm loa Hạ Đình 02', kind: 'speaker', areaPath: HA_DINH },
  // Another ward's speaker: not a listener of Hạ Đình's session.
  { id: 'loa-kg-1', name: 'Cụm loa Kim Giang 01', kind: 'speaker', areaPath: KIM_GIANG },
] as const;
const HA_DINH_SPEAKERS = ['loa-hd-1', 'loa-hd-2'];

let t: TestHub;
let leader: ApiClient;
/** Chromium whose microphone is allowed and plays the speech WAV in a loop. */
let browser: Browser;
/** Chromium with a microphone that nobody allows: the prompt is dismissed. */
let refusing: Browser;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  t = await startTestHub();
  await seedWorld(t, []);
  await addWardUsers(t);
  leader = await t.api.as(WARD_USERS.leader.username, WARD_USERS.leader.password);
  const dir = tempDir('browser-live-page');
  for (const d of SPEAKERS) {
    const { enrolToken } = await t.admin.post('/api/v1/devices', d);
    if (HA_DINH_SPEAKERS.includes(d.id))
      agents.push(
        startAgentProcess({
          dir: path.join(dir, d.id),
          hubUrl: t.hub.httpUrl,
          mqttUrl: t.hub.mqttUrl,
          enrolToken,
          profile: SPEAKER_PROFILE,
        }),
      );
  }
  // Chromium's fake capture reads 16-bit PCM WAV and loops it.
  const speech = vietnameseSpeech(
    dir,
    'A lô, a lô. Mời bà con tổ dân phố số năm đến nhà văn hóa họp lúc bảy giờ tối nay.',
    'wav',
  );
  const mic = path.join(dir, 'mic.wav');
  execFileSync(resolveFfmpeg().path, [
    ...['-y', '-hide_banner', '-loglevel', 'error', '-i', speech],
    ...['-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', mic],
  ]);
  browser = await launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${mic}`,
  ]);
  refusing = await launchBrowser(['--use-fake-device-for-media-stream']);
  await waitOnline(leader, HA_DINH_SPEAKERS);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await refusing?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await t?.stop();
});

const VIEWPORTS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];
const noOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const sessionTitled = async (title: string) =>
  ((await leader.get('/api/v1/live')) as { sessions: Session[] }).sessions.find((s) => s.title === title);
/** "m:ss" → seconds. */
const seconds = (text: string) => text.split(':').reduce((n, x) => n * 60 + Number(x), 0);

describe('web UI: going live with the microphone', () => {
  for (const viewport of VIEWPORTS) {
    it(`a ward leader goes live to the ward, sees the level and who listens, and ends it (${viewport.width} px)`, async () => {
      const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'live', viewport);
      const title = `Mời họp tổ dân phố số 5 (${viewport.width})`;
      await page.waitForSelector('[data-testid=live-form]');
      expect(await tabs(page)).toContain('live');
      expect(await page.textContent('nav.tabs a[data-tab=live]')).toBe('Phát trực tiếp');
      // A leader goes live at normal priority; the ward is ticked already.
      expect(await page.$('input[name=priority][value=emergency]')).toBeNull();
      expect(await page.isChecked(`input[name=target][value="${HA_DINH}"]`)).toBe(true);
      await page.fill('input[name=title]', title);
      await page.fill('textarea[name=led-text]', 'Họp tổ dân phố số 5 lúc 19:00');
      expect(await noOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, `live-form-${viewport.width}`);

      const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/live') && r.request().method() === 'POST');
      await page.click('[data-testid=live-start]');
      const started = await answer;
      expect(started.status()).toBe(201);
      expect(started.request().postDataJSON()).toEqual({
        title,
        areaIds: [HA_DINH],
        priority: 'normal',
        ledText: 'Họp tổ dân phố số 5 lúc 19:00',
      });
      const { startsAt, broadcastId } = (await started.json()) as { startsAt: string; broadcastId: string };
      await page.waitForSelector('[data-testid=live-console]');
      // The meter follows the microphone: sampled over two seconds of speech, it moves.
      const meter = page.getByRole('meter', { name: 'Mức âm thanh của micro' });
      const levels: number[] = [];
      for (let i = 0; i < 20; i++) {
        levels.push(Number(await meter.getAttribute('value')));
        await page.waitForTimeout(100);
      }
      expect(Math.max(...levels)).toBeGreaterThan(-45);
      expect(new Set(levels).size).toBeGreaterThan(3);
      expect(await page.textContent('.meter-db')).toMatch(/^-?\d+ dB$/);

      // Both of the ward's speakers hold the stream; Kim Giang's is not asked.
      await page.waitForSelector('[data-testid=live-console][data-state=live]', { timeout: 20_000 });
      await page.waitForFunction(
        (n) => document.querySelectorAll('[data-testid=listener][data-state=listening]').length === n,
        HA_DINH_SPEAKERS.length,
        { timeout: 30_000 },
      );
      const listed = await page.$$eval('[data-testid=listener]', (ls) => ls.map((l) => l.getAttribute('data-device')));
      expect(listed.sort()).toEqual(HA_DINH_SPEAKERS);
      expect(await page.textContent('[data-testid=listener][data-device=loa-hd-1]')).toContain('Cụm loa Hạ Đình 01');
      expect(await page.textContent('[data-testid=listener][data-device=loa-hd-1]')).toContain('Đang nghe');
      expect(await page.textContent('[data-testid=listener-counts]')).toContain('Đang nghe: 2');

      // The hub says the same, and the speakers are sent audio.
      const live = (await sessionTitled(title))!;
      expect(live.state).toBe('live');
      const now = (await leader.get(`/api/v1/live/${live.id}`)) as Session;
      expect(now.listeners.map((l) => [l.deviceId, l.state])).toEqual(
        expect.arrayContaining(HA_DINH_SPEAKERS.map((id) => [id, 'listening'])),
      );
      expect(now.listeners.every((l) => l.bytes > 0)).toBe(true);
      // On air from the speakers' start, in Vietnam time (the browser is in London); the time on air runs.
      expect(await page.textContent('[data-testid=live-started]')).toBe(formatVn(Date.parse(startsAt))!.slice(11, 19));
      const before = seconds((await page.textContent('[data-testid=live-elapsed]'))!);
      await page.waitForTimeout(1500);
      expect(seconds((await page.textContent('[data-testid=live-elapsed]'))!)).toBeGreaterThan(before);
      expect(await noOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, `live-console-${viewport.width}`);

      // End: the hub ends the session, the microphone goes off, the page says so and why.
      await page.click('[data-testid=live-end]');
      await page.waitForSelector('[data-testid=live-console][data-state=ended]');
      expect(await page.textContent('[data-testid=live-end-reason]')).toBe(
        `Kết thúc bởi ${WARD_USERS.leader.displayName}`,
      );
      expect(await page.$('[data-testid=level-meter]')).toBeNull();
      const ended = (await leader.get(`/api/v1/live/${live.id}`)) as Session;
      expect(ended).toMatchObject({ state: 'ended', endReason: 'ended-by-user' });
      expect(ended.secondsLive).toBeGreaterThan(1);
      // The time on air is the hub's; each speaker's line says what it was sent.
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid=live-elapsed]')?.textContent === text,
        fmtElapsed(ended.secondsLive),
      );
      for (const id of HA_DINH_SPEAKERS)
        expect(await page.textContent(`[data-testid=listener][data-device=${id}]`)).toMatch(/đã nhận [1-9][\d.]* KB/);
      await shot(page, `live-ended-${viewport.width}`);
      // The browser's recording reached both speakers and aired: their receipts say played.
      const done = await waitForResults(leader, broadcastId, 60_000);
      expect(done.devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual(HA_DINH_SPEAKERS);
      for (const d of done.devices) {
        const account = JSON.stringify({ state: d.state, reason: d.reason, relay: d.evidence?.relay });
        expect(d.state, account).toBe('played');
        expect(d.secondsPlayed, account).toBeGreaterThan(1);
        expect(d.evidence.relay, account).toMatchObject({ live: true });
      }
      // Back to the form: the session is listed as ended.
      await page.click('[data-testid=live-again]');
      await page.waitForSelector('[data-testid=live-form]');
      await page.waitForSelector(`[data-testid=live-session][data-id="${live.id}"][data-state=ended]`);
      expect(errors).toEqual([]);
      await ctx.close();
    }, 90_000);
  }

  it('shows the hub’s refusals next to the form (quiet hours, a clash); the district office ends a leader’s session', async () => {
    const { page, ctx } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'live');
    await page.waitForSelector('[data-testid=live-form]');
    // Quiet hours around now in Hạ Đình refuse a normal live broadcast.
    const hhmm = (ms: number) => formatVn(ms)!.slice(11, 16);
    const quiet = await leader.post('/api/v1/quiet-hours', {
      areaPath: HA_DINH,
      start: hhmm(Date.now() - 3600_000),
      end: hhmm(Date.now() + 3600_000),
      note: 'nghỉ trưa',
    });
    try {
      await page.fill('input[name=title]', 'Trong giờ yên tĩnh');
      await page.click('[data-testid=live-start]');
      await page.waitForFunction(() => document.querySelector('[data-testid=live-error]')?.textContent);
      expect(await page.textContent('[data-testid=live-error]')).toMatch(/giờ yên tĩnh/i);
      expect(await page.$('[data-testid=live-console]')).toBeNull();
    } finally {
      await fetch(`${t.hub.httpUrl}/api/v1/quiet-hours/${quiet.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${await tokenFor(t.hub.httpUrl, WARD_USERS.leader)}` },
      });
    }
    expect(await sessionTitled('Trong giờ yên tĩnh')).toBeUndefined();

    // The first leader goes live; the second, on the same ward, is told the ward is busy.
    await page.fill('input[name=title]', 'Buổi phát đang diễn ra');
    await page.click('[data-testid=live-start]');
    await page.waitForSelector('[data-testid=live-console][data-state=live]', { timeout: 20_000 });
    const second = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader2, 'live');
    await second.page.waitForSelector('[data-testid=live-form]');
    await second.page.fill('input[name=title]', 'Buổi phát thứ hai');
    await second.page.click('[data-testid=live-start]');
    await second.page.waitForFunction(() => document.querySelector('[data-testid=live-error]')?.textContent);
    expect(await second.page.textContent('[data-testid=live-error]')).toContain('Buổi phát đang diễn ra');
    // …and sees the session on air in the list.
    await second.page.waitForSelector('[data-testid=live-session][data-state=live]');
    await shot(second.page, 'live-clash-1366');
    await second.ctx.close();
    // The district office ends it from its own live page; the leader's page sees it end and
    // switches the microphone off.
    const district = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'live');
    const row = '[data-testid=live-session][data-state=live]:has-text("Buổi phát đang diễn ra")';
    await district.page.waitForSelector(row);
    await district.page.click(`${row} button:has-text("Kết thúc")`);
    await district.page.waitForSelector(
      '[data-testid=live-session][data-state=ended]:has-text("Buổi phát đang diễn ra")',
    );
    await district.ctx.close();
    await page.waitForSelector('[data-testid=live-console][data-state=ended]');
    expect(await page.$('[data-testid=level-meter]')).toBeNull();
    expect(await page.textContent('[data-testid=live-end-reason]')).toBe(
      `Kết thúc bởi ${WARD_USERS.district.username}`,
    );
    await ctx.close();
  }, 60_000);

  it('opens the audio connection again when it drops, and the broadcast goes on', async () => {
    const { page, ctx, errors } = await openAs(browser, t.hub.httpUrl, WARD_USERS.leader, 'live');
    // Every audio socket passes through Playwright, which can cut it as a lost phone signal would.
    const sockets: Array<{ page: WebSocketRoute; hub: WebSocketRoute; first?: string }> = [];
    await page.routeWebSocket(/\/api\/v1\/live\/[^/]+\/audio/, (ws) => {
      const socket: (typeof sockets)[number] = { page: ws, hub: ws.connectToServer() };
      sockets.push(socket);
      ws.onMessage((m) => {
        socket.first ??= Buffer.from(m).subarray(0, 4).toString('hex');
        socket.hub.send(m);
      });
    });
    await page.waitForSelector('[data-testid=live-form]');
    await page.fill('input[name=title]', 'Mất sóng giữa chừng');
    await page.click('[data-testid=live-start]');
    await page.waitForSelector('[data-testid=live-console][data-state=live]', { timeout: 20_000 });
    const id = (await sessionTitled('Mất sóng giữa chừng'))!.id;
    const sent = async () =>
      ((await leader.get(`/api/v1/live/${id}`)) as Session).listeners.reduce((n, l) => n + l.bytes, 0);
    await page.waitForTimeout(1000);

    await sockets[0].hub.close({ code: 1001, reason: 'signal lost' });
    await sockets[0].page.close({ code: 1001, reason: 'signal lost' });
    await page.waitForSelector('[data-testid=live-problem]');
    expect(await page.textContent('[data-testid=live-problem]')).toBe(
      LIVE_PAGE_TEXT['live.socket-reconnecting'].vi({ seconds: 10 }),
    );
    // A second socket, the warning gone, and audio reaching the speakers again.
    await page.waitForFunction(() => !document.querySelector('[data-testid=live-problem]'), null, { timeout: 10_000 });
    expect(sockets).toHaveLength(2);
    // The same WebM stream goes on: its header (EBML 1A45DFA3) came once, on the first socket.
    expect(sockets.map((x) => x.first === '1a45dfa3')).toEqual([true, false]);
    const before = await sent();
    await leader.waitFor(
      async () => (await sent()) > before + 2000,
      10_000,
      'audio to the speakers after the reconnect',
    );
    expect(((await leader.get(`/api/v1/live/${id}`)) as Session).state).toBe('live');
    await page.click('[data-testid=live-end]');
    await page.waitForSelector('[data-testid=live-console][data-state=ended]');
    expect(await page.textContent('[data-testid=live-end-reason]')).toBe(
      `Kết thúc bởi ${WARD_USERS.leader.displayName}`,
    );
    expect(errors).toEqual([]);
    await ctx.close();
  }, 60_000);

  it('says clearly when the browser may not use the microphone, and creates nothing on the hub', async () => {
    const { page, ctx, errors } = await openAs(refusing, t.hub.httpUrl, WARD_USERS.leader, 'live');
    await page.waitForSelector('[data-testid=live-form]');
    await page.fill('input[name=title]', 'Micro bị chặn');
    await page.click('[data-testid=live-start]');
    await page.waitForFunction(() => document.querySelector('[data-testid=live-error]')?.textContent);
    expect(await page.textContent('[data-testid=live-error]')).toBe(LIVE_PAGE_TEXT['live.mic-refused'].vi({}));
    expect(await page.isEnabled('[data-testid=live-start]')).toBe(true);
    expect(await sessionTitled('Micro bị chặn')).toBeUndefined();
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('offers an emergency to the district office only, after a confirmation; a ward official has no live page and is refused', async () => {
    const district = await openAs(browser, t.hub.httpUrl, WARD_USERS.district, 'live');
    const dp = district.page;
    await dp.waitForSelector('[data-testid=live-form]');
    await dp.check('input[name=priority][value=emergency]');
    await dp.fill('input[name=title]', 'Khẩn cấp: cháy chợ');
    const ward = `input[name=target][value="${HA_DINH}"]`;
    if (!(await dp.isChecked(ward))) await dp.check(ward);
    // The first click only asks: nothing is asked of the microphone or the hub until confirmed.
    await dp.click('[data-testid=live-start]');
    await dp.waitForSelector('[data-testid=live-confirm-dialog]');
    expect(await dp.textContent('[data-testid=live-confirm-dialog]')).toMatch(/Khẩn cấp: cháy chợ.*giờ yên tĩnh/s);
    await dp.click('[data-testid=live-confirm-back]');
    expect(await dp.$('[data-testid=live-confirm-dialog]')).toBeNull();
    expect(await sessionTitled('Khẩn cấp: cháy chợ')).toBeUndefined();
    // Confirmed, it goes live as an emergency.
    const answer = dp.waitForResponse((r) => r.url().endsWith('/api/v1/live') && r.request().method() === 'POST');
    await dp.click('[data-testid=live-start]');
    await dp.click('[data-testid=live-confirm]');
    const started = await answer;
    expect(started.status()).toBe(201);
    expect(started.request().postDataJSON()).toMatchObject({ priority: 'emergency', areaIds: [HA_DINH] });
    await dp.waitForSelector('[data-testid=live-console]');
    await dp.click('[data-testid=live-end]');
    await dp.waitForSelector('[data-testid=live-console][data-state=ended]');
    await district.ctx.close();

    const { page, ctx } = await openAs(browser, t.hub.httpUrl, WARD_USERS.official, 'live');
    expect(await tabs(page)).not.toContain('live');
    expect(await page.getAttribute('main.page', 'data-page')).not.toBe('live');
    expect(await page.$('[data-testid=live-form]')).toBeNull();
    await ctx.close();
    // The hub refuses the official, in Vietnamese.
    const res = await fetch(`${t.hub.httpUrl}/api/v1/live`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await tokenFor(t.hub.httpUrl, WARD_USERS.official)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ title: 'Cán bộ thử phát', areaIds: [HA_DINH], priority: 'normal' }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).errorVi).toMatch(/phát trực tiếp/);
  });
});
