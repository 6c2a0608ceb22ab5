// The feeds the hub polls: read on the hub's clock (a manual one here), imported once however
// often they are read, and a feed that fails says why. A local HTTP server plays the warning system.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../protocol/index.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { createArea } from '../areas/areas.ts';
import { createUser } from '../auth/users.ts';
import { CapConfig } from '../config.ts';
import { createCapPoller, type CapPoller } from './cap-poller.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/cap/${name}`, import.meta.url), 'utf8');
const NOW = Date.parse('2026-12-01T09:00:00+07:00');
const silent = { info: () => {}, warn: () => {} };

let db: Db;
let server: http.Server;
let base: string;
/** What the server answers at each path; a path absent is a 404, 'hang' never answers. */
const served: Record<string, string> = {};
let reads = 0;
let poller: CapPoller | undefined;

beforeEach(async () => {
  db = openDatabase(':memory:');
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  createArea(db, { parentPath: 'ha-noi', slug: 'ha-dinh', name: 'Phường Hạ Đình', level: 'ward' });
  await createUser(db, { username: 'quan', password: 'password-quan', role: 'district', areaPath: 'ha-noi' });
  await createUser(db, { username: 'canbo', password: 'password-canbo', role: 'operator', areaPath: 'ha-noi/ha-dinh' });
  for (const k of Object.keys(served)) delete served[k];
  reads = 0;
  server = http.createServer((req, res) => {
    reads++;
    const body = served[req.url ?? ''];
    if (body === 'hang') return; // closed by closeAllConnections below
    if (body === undefined) return void res.writeHead(404).end('not here');
    res.writeHead(200, { 'content-type': 'application/xml' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  db.close();
});

function start(feeds: string[], extra: Record<string, unknown> = {}) {
  const clock = new ManualClock(NOW);
  const config = CapConfig.parse({ feeds, intervalSeconds: 60, importAs: 'quan', ...extra });
  poller = createCapPoller({ db, config, clock, log: silent });
  poller.start();
  return { clock, poller };
}
const drafts = () =>
  (db.prepare("SELECT COUNT(*) AS n FROM broadcasts WHERE status = 'submitted'").get() as { n: number }).n;

describe('the CAP poller', () => {
  it('reads each feed at every interval of the hub clock, and imports an alert once', async () => {
    served['/cap/latest.xml'] = fixture('alert.xml');
    const { clock, poller } = start([`${base}/cap/latest.xml`]);
    expect(reads).toBe(0); // nothing before the first interval
    clock.advance(60_000);
    const [first] = await poller.pollAll(); // joins the poll the timer started
    expect(first).toMatchObject({ outcome: 'draft', checkedAt: NOW + 60_000, problem: null });
    expect(reads).toBe(1);
    clock.advance(60_000);
    const [second] = await poller.pollAll();
    expect(second.outcome).toBe('duplicate');
    expect(reads).toBe(2);
    expect(drafts()).toBe(1);
  });

  it('applies an Update published later in the same feed', async () => {
    served['/feed'] = fixture('alert.xml');
    const { clock, poller } = start([`${base}/feed`]);
    clock.advance(60_000);
    await poller.pollAll();
    served['/feed'] = fixture('update.xml');
    clock.advance(60_000);
    const [s] = await poller.pollAll();
    expect(s.outcome).toBe('update');
    expect(db.prepare('SELECT status FROM broadcasts ORDER BY created_at, rowid').all()).toEqual([
      { status: 'cancelled' },
      { status: 'submitted' },
    ]);
  });

  it('says why a feed failed, and goes on with the others', async () => {
    served['/bad.xml'] = fixture('malformed.xml');
    served['/good.xml'] = fixture('alert.xml');
    const { clock, poller } = start([`${base}/missing.xml`, `${base}/bad.xml`, `${base}/good.xml`]);
    clock.advance(60_000);
    const states = await poller.pollAll();
    expect(states.map((s) => [s.outcome, s.problem?.code ?? null])).toEqual([
      ['failed', 'cap.feed-failed'],
      ['failed', 'cap.malformed'],
      ['draft', null],
    ]);
    expect(states[0].problem!.en).toBe(`the CAP feed ${base}/missing.xml could not be read: HTTP 404`);
  });

  it('refuses a feed document larger than any alert', async () => {
    served['/huge'] = `<alert>${' '.repeat(1_100_000)}</alert>`;
    const { poller } = start([`${base}/huge`]);
    const [s] = await poller.pollAll();
    expect(s.problem).toMatchObject({ code: 'cap.too-large' });
    expect(s.problem!.en).toBe(`${base}/huge is larger than 1000000 bytes: not a CAP alert the hub reads`);
  });

  it('gives up on a feed that does not answer in time', async () => {
    served['/slow'] = 'hang';
    const { poller } = start([`${base}/slow`], { timeoutMs: 1000 });
    const [s] = await poller.pollAll();
    expect(s.problem!.en).toContain('no answer within 1 s');
  });

  it('refuses to file alerts under an account that may not send emergencies', async () => {
    served['/feed'] = fixture('alert.xml');
    const { poller } = start([`${base}/feed`], { importAs: 'canbo' });
    const [s] = await poller.pollAll();
    expect(s.problem!.code).toBe('cap.import-account');
    expect(drafts()).toBe(0);
  });

  it('stops: no timer left on the clock', async () => {
    const { clock, poller } = start([`${base}/feed`]);
    expect(clock.pendingTimers).toBe(1);
    await poller.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('its settings', () => {
  const problem = (v: Record<string, unknown>) =>
    CapConfig.safeParse(v).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  it('name a bad value', () => {
    expect(problem({ intervalSeconds: 5 })).toEqual(['intervalSeconds: must be at least 30 seconds']);
    expect(problem({ feeds: ['ftp://kttv/cap.xml'], importAs: 'quan' })).toEqual([
      'feeds.0: must be http:// or https://',
    ]);
    expect(problem({ feeds: ['http://kttv/cap.xml'] })).toEqual([
      'importAs: required when feeds are given: the district or admin account the drafts are filed under',
    ]);
    expect(CapConfig.parse({ feeds: '["http://kttv/cap.xml"]', importAs: 'quan' }).feeds).toEqual([
      'http://kttv/cap.xml',
    ]);
  });
});
