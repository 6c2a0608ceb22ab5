// The media cache against a real HTTP server: resume with Range after a broken download, retry
// with backoff, hash verification, refusing other origins, and clean-up of unreferenced files.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock, type MediaRef } from '../protocol/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import { makeClip, nextEvent, tempDir, testLogger } from './test-support/helpers.ts';
import { AgentStore } from './store.ts';
import { MediaCache, sha256File } from './media-cache.ts';

let hub: FakeHub;
let ref: MediaRef;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  hub = await FakeHub.start();
  // Resuming needs a file big enough to break off in the middle.
  const c = makeClip('Thông báo của Ủy ban nhân dân phường về việc phòng chống dịch bệnh mùa mưa', 3);
  ref = hub.addMedia(c.file, c.durationMs);
  hub.devices.set('loa-media', { deviceId: 'loa-media', kind: 'speaker', areaPath: 'ha-noi', password: 'pw-123456' });
});
afterAll(async () => {
  await hub?.close();
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function cache(over: Partial<ConstructorParameters<typeof MediaCache>[0]> = {}) {
  const tmp = tempDir();
  const store = AgentStore.open(tmp.dir, { clock: systemClock });
  const c = new MediaCache({
    dir: path.join(tmp.dir, 'media'),
    hubUrl: hub.hubUrl,
    username: 'loa-media',
    password: 'pw-123456',
    store,
    log: testLogger(),
    clock: systemClock,
    retryMinMs: 50,
    retryMaxMs: 200,
    ...over,
  });
  cleanups.push(
    tmp.cleanup,
    () => store.close(),
    () => c.stop(),
  );
  return { c, store, dir: path.join(tmp.dir, 'media') };
}

describe('media cache', () => {
  it('downloads, verifies the sha256 and renames into place', async () => {
    const { c } = cache();
    c.start();
    const ready = nextEvent(c, 'ready');
    c.want([{ ref, neededAt: Date.now() }]);
    expect(await ready).toBe(ref.sha256);
    expect(c.isReady(ref)).toBe(true);
    expect(await sha256File(c.fileFor(ref))).toBe(ref.sha256);
    expect(statSync(c.fileFor(ref)).mode & 0o777).toBe(0o600);
    expect(await c.verify(ref)).toEqual({ ok: true });
  });

  it('resumes a broken download with a Range request instead of starting over', async () => {
    const { c, dir } = cache();
    hub.cutNextMediaAfter = Math.floor(ref.bytes / 2);
    const before = hub.mediaRequests.length;
    c.start();
    const failed = nextEvent(c, 'failed');
    const ready = nextEvent(c, 'ready');
    c.want([{ ref, neededAt: Date.now() }]);
    expect(await failed).toBe(ref.sha256); // the first attempt broke off mid-body
    await ready;
    const reqs = hub.mediaRequests.slice(before);
    expect(reqs[0]).toMatchObject({ range: null, status: 200 });
    expect(reqs[1]).toMatchObject({ range: `bytes=${Math.floor(ref.bytes / 2)}-`, status: 206 });
    expect(await sha256File(c.fileFor(ref))).toBe(ref.sha256);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('retries a busy hub with backoff and records the last error meanwhile', async () => {
    const { c, store } = cache();
    hub.failMediaRequests = 2;
    c.start();
    const errors: string[] = [];
    c.on('failed', (_sha: string, e: string) => errors.push(e));
    const ready = nextEvent(c, 'ready');
    c.want([{ ref, neededAt: Date.now() }]);
    await ready;
    expect(errors).toEqual([expect.stringMatching(/HTTP 503/), expect.stringMatching(/HTTP 503/)]);
    expect(store.media(ref.sha256)).toMatchObject({ lastError: null });
  });

  it('deletes a download whose hash does not match, and a cached file that was corrupted on disk', async () => {
    const { c, dir } = cache();
    c.start();
    const wrong: MediaRef = { ...ref, sha256: '0'.repeat(64) };
    const failed = nextEvent(c, 'failed', () => true);
    c.want([{ ref: wrong, neededAt: Date.now() }]);
    expect(await failed).toBe(wrong.sha256);
    expect(c.lastError(wrong.sha256)).toMatch(
      /sha256 mismatch: downloaded file hashes to [0-9a-f]{64}, the manifest says 0{64}/,
    );
    expect(existsSync(path.join(dir, `${wrong.sha256}.opus.part`))).toBe(false);

    const ready = nextEvent(c, 'ready', (s) => s === ref.sha256);
    c.want([{ ref, neededAt: Date.now() }]);
    await ready;
    writeFileSync(c.fileFor(ref), Buffer.alloc(ref.bytes, 1)); // bit rot / tampering, same size
    const v = await c.verify(ref);
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/hash is wrong/) });
    expect(existsSync(c.fileFor(ref))).toBe(false);
  });

  it('refuses to send the device credentials to a host other than the hub', async () => {
    const { c } = cache();
    c.start();
    const evil: MediaRef = { ...ref, url: 'http://attacker.example/x.opus' };
    const failed = new Promise<string>((resolve) => c.once('failed', (_s: string, e: string) => resolve(e)));
    c.want([{ ref: evil, neededAt: Date.now() }]);
    expect(await failed).toMatch(/not on the hub .* refusing to send credentials elsewhere/);
  });

  it('removes cached and partial files no stored item references', async () => {
    const { c, dir } = cache();
    c.start();
    const ready = nextEvent(c, 'ready');
    c.want([{ ref, neededAt: Date.now() }]);
    await ready;
    const other = path.join(dir, `${'a'.repeat(64)}.opus.part`);
    writeFileSync(other, 'partial');
    expect(c.gc(new Set([ref.sha256]))).toBe(1);
    expect(existsSync(c.fileFor(ref))).toBe(true);
    expect(c.gc(new Set())).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });
});
