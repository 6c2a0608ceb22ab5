import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
    const longAgo = new Date(Date.now() - 7 * 3600_000);
    utimesSync(old, longAgo, longAgo);
    expect(await sweepTemp(dir)).toEqual([path.basename(old)]);
    expect(readdirSync(dir)).toContain(path.basename(fresh));
  });
});
