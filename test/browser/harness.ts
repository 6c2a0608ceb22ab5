// Browser tests: a real hub (embedded broker, SQLite, ffmpeg), simulated agents as processes, and
// Debian's Chromium driven by playwright-core. Screenshots go to test-output/screenshots/.
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestHub } from '../helpers/test-hub.ts';
import { DISTRICT, HA_DINH, KIM_GIANG } from '../helpers/world.ts';

const repo = path.resolve(import.meta.dirname, '..', '..');
export const SHOTS = path.join(repo, 'test-output', 'screenshots');
export const FIGURES = path.join(repo, 'test-output', 'ui-figures.json');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

/**
 * Chromium hangs under libfaketime: it starts with LD_PRELOAD removed (see withTestClock). `args`
 * add to CHROMIUM_ARGS (e.g. a fake microphone).
 */
export function launchBrowser(args: string[] = []): Promise<Browser> {
  const { LD_PRELOAD: _, ...env } = process.env;
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...args],
    env: env as Record<string, string>,
  });
}

/**
 * A new browser context whose pages read the same wall clock as this test process: under
 * libfaketime the hub and the tests live on a shifted date while Chromium (started without it)
 * would not, and the pages decide "today" and "this week" from their own clock.
 */
export async function newTestContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<BrowserContext> {
  const ctx = await browser.newContext(options);
  if (process.env.LD_PRELOAD?.includes('faketime')) await ctx.clock.setSystemTime(Date.now());
  return ctx;
}

/** Ward users on top of seedWorld's district-wide ones: an official and two leaders of Hạ Đình. */
export const WARD_USERS = {
  official: {
    username: 'canbo.hadinh',
    password: 'password-canbo-hd',
    role: 'operator',
    areaPath: HA_DINH,
    displayName: 'Cán bộ phường Hạ Đình',
  },
  leader: {
    username: 'lanhdao.hadinh',
    password: 'password-lanhdao-hd',
    role: 'approver',
    areaPath: HA_DINH,
    displayName: 'Lãnh đạo phường Hạ Đình',
  },
  leader2: {
    username: 'phochutich.hadinh',
    password: 'password-pct-hd',
    role: 'approver',
    areaPath: HA_DINH,
    displayName: 'Phó chủ tịch phường Hạ Đình',
  },
  district: { username: 'quan', password: 'password-quan', role: 'district', areaPath: DISTRICT, displayName: 'quan' },
} as const;

export async function addWardUsers(t: TestHub) {
  for (const u of Object.values(WARD_USERS)) if (u.username !== 'quan') await t.admin.post('/api/v1/users', u);
}

export const DEVICES = [
  {
    id: 'loa-hd-1',
    name: 'Cụm loa Hạ Đình 01',
    kind: 'speaker',
    areaPath: HA_DINH,
    latitude: 20.9889,
    longitude: 105.8101,
  },
  { id: 'led-hd-1', name: 'Bảng LED Hạ Đình', kind: 'led', areaPath: HA_DINH, latitude: 20.9921, longitude: 105.8072 },
  {
    id: 'loa-kg-1',
    name: 'Cụm loa Kim Giang 01',
    kind: 'speaker',
    areaPath: KIM_GIANG,
    latitude: 20.9832,
    longitude: 105.8185,
  },
] as const;

export async function login(
  browser: Browser,
  base: string,
  user: { username: string; password: string },
  viewport = { width: 1280, height: 900 },
): Promise<{ ctx: BrowserContext; page: Page; errors: string[] }> {
  const ctx = await newTestContext(browser, {
    viewport,
    locale: 'vi-VN',
    timezoneId: 'Europe/London' /* the UI must show Vietnam time anyway */,
  });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on(
    'console',
    (m) => m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()) && errors.push(m.text()),
  );
  await page.goto(`${base}/`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('form.login button.primary');
  await page.waitForSelector('nav.tabs');
  return { ctx, page, errors };
}

const tokens = new Map<string, string>();

/** A session token for a user (logged in once through the API, then reused). */
export async function tokenFor(base: string, user: { username: string; password: string }): Promise<string> {
  const key = `${base}|${user.username}`;
  if (!tokens.has(key)) {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    if (!res.ok) throw new Error(`login ${user.username}: ${res.status}`);
    tokens.set(key, (await res.json()).token);
  }
  return tokens.get(key)!;
}

/** A page already logged in as the user (the token placed where the UI keeps it), at `route`. */
export async function openAs(
  browser: Browser,
  base: string,
  user: { username: string; password: string },
  route = '',
  viewport = { width: 1280, height: 900 },
  locale = 'vi-VN',
) {
  const token = await tokenFor(base, user);
  const ctx = await newTestContext(browser, { viewport, locale, timezoneId: 'Europe/London' });
  await ctx.addInitScript((t) => {
    if (!sessionStorage.getItem('wardcast-token')) sessionStorage.setItem('wardcast-token', t);
  }, token);
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on(
    'console',
    (m) => m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text()) && errors.push(m.text()),
  );
  await page.goto(`${base}/${route ? `#/${route}` : ''}`);
  await page.waitForSelector('nav.tabs');
  return { ctx, page, errors };
}

export async function shot(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export function recordFigure(key: string, value: unknown) {
  mkdirSync(path.dirname(FIGURES), { recursive: true });
  const all = existsSync(FIGURES) ? JSON.parse(readFileSync(FIGURES, 'utf8')) : {};
  all[key] = value;
  writeFileSync(FIGURES, JSON.stringify(all, null, 2));
}

export const tabs = (page: Page) => page.$$eval('nav.tabs a', (as) => as.map((a) => a.getAttribute('data-tab')));

/** A phone's screen, as the layout tests use it. */
export const PHONE_SCREEN = { width: 390, height: 844 };

/**
 * The elements reaching past the right edge of the window (at most 8, named by tag, class, test id
 * and right edge): a table that does not fit a phone shows here even inside a scrolling wrapper.
 */
export const widerThanScreen = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 8)
      .map(
        (e) =>
          `${e.tagName}.${e.className}[${e.getAttribute('data-testid')}] ${Math.round(e.getBoundingClientRect().right)}`,
      ),
  );
