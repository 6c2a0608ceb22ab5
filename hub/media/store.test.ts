import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placeByHash, sweepTemp, tempName } from './store.ts';
import { tempDir } from './test-audio.ts';

const dir = tempDir('media-store');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('content-addressed placement', () => {
  it('names by hash, keeps an identical file, repairs a damaged one', async () => {
    const body = 'bulletin bytes';
    const t1 = tempName(dir, 'opus');
    writeFileSync(t1, body);
    const a = await placeByHash(t1, 'opus');
    expect(a).toMatchObject({ file: `${sha(body)}.opus`, created: true, bytes: body.length });

    const t2 = tempName(dir, 'opus');
    writeFileSync(t2, body);
    expect((await placeByHash(t2, 'opus')).created).toBe(false);

    // Same size, wrong bytes: bit rot under the name. The fresh copy replaces it.
    writeFileSync(path.join(dir, a.file), 'bulletin bytez');
    const t3 = tempName(dir, 'opus');
    writeFileSync(t3, body);
    expect((await placeByHash(t3, 'opus')).created).toBe(true);
    expect(readFileSync(path.join(dir, a.file), 'utf8')).toBe(body);
    expect(readdirSync(dir)).toEqual([a.file]);
  });

  it('sweeps only old temp files', async () => {
    const old = tempName(dir, 'mp3');
    const fresh = tempName(dir, 'mp3');
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'y');
    // Both times set the same way and the clock taken from them: under libfaketime a time written
    // with utimes reads back shifted, and a file's own time is the kernel's, not the faked clock.
    const at = new Date('2026-06-15T03:00:00Z');
    utimesSync(fresh, at, at);
    utimesSync(old, new Date(at.getTime() - 7 * 3600_000), new Date(at.getTime() - 7 * 3600_000));
    const now = statSync(fresh).mtimeMs + 60_000;
    expect(await sweepTemp(dir, 6 * 3600_000, now)).toEqual([path.basename(old)]);
    expect(readdirSync(dir)).toContain(path.basename(fresh));
  });
});
