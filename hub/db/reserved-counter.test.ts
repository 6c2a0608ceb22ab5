// The reserved counter (hi/lo): every value it hands out is covered by a reservation already on
// disk when it is handed out, and a counter opened again resumes above all of them, whatever the
// database that also records the counter lost.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openReservedCounter, reservationFile } from './reserved-counter.ts';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-reserved-'));
  file = path.join(dir, 'hub.sqlite.counter');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What a hub would find on disk now: the higher of the two files. */
const onDisk = () =>
  Math.max(...[file, `${file}.now`].map((f) => (existsSync(f) ? Number(readFileSync(f, 'utf8')) : 0)));
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('reserved counter', () => {
  it('hands out only values already reserved on disk, in the background or, when that lags, at once', async () => {
    const c = openReservedCounter(file, 0, { block: 10 });
    expect(onDisk()).toBe(10); // a whole block at start
    const issued: number[] = [];
    // Quick bursts (no turn of the loop: the background write cannot finish, the block runs out)
    // and slow stretches (the background write lands first).
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < (round % 2 ? 25 : 4); i++) {
        const v = c.next();
        expect(v).toBeLessThanOrEqual(onDisk());
        issued.push(v);
      }
      await c.settled();
      await turn();
    }
    expect(issued).toEqual(issued.map((_, i) => i + 1)); // no gap within one run, no repeat
    expect(existsSync(`${file}.now`)).toBe(true); // a burst outran the background write
    expect(existsSync(`${file}.tmp`)).toBe(false);
  });

  it('resumes above every value issued, although the database saw fewer', async () => {
    const first = openReservedCounter(file, 3, { block: 10 });
    expect(first.next()).toBe(4); // the database's count is the floor (a hub from before reservations)
    const sent = [4];
    for (let i = 0; i < 37; i++) sent.push(first.next());
    // A power cut now: no wait for the background write; the database lost everything after 3.
    const again = openReservedCounter(file, 3, { block: 10 });
    expect(again.next()).toBeGreaterThan(Math.max(...sent));
    await Promise.all([first.settled(), again.settled()]);
  });

  it('raises past a value seen elsewhere, and reserves before handing out anything above it', async () => {
    const c = openReservedCounter(file, 0, { block: 10 });
    expect(c.raise(500)).toBe(true);
    expect(c.raise(20)).toBe(false);
    const v = c.next();
    expect(v).toBe(501);
    expect(onDisk()).toBeGreaterThanOrEqual(501);
    await c.settled();
  });

  it('keeps nothing on disk for an in-memory database', () => {
    expect(reservationFile({ memory: true, name: ':memory:' }, 'x')).toBeNull();
    expect(reservationFile({ memory: false, name: '/d/hub.sqlite' }, 'envelope-seq')).toBe(
      '/d/hub.sqlite.envelope-seq',
    );
    const c = openReservedCounter(null, 7, { block: 10 });
    expect([c.next(), c.next()]).toEqual([8, 9]);
  });

  it('refuses a reservation file it cannot read, naming it', () => {
    writeFileSync(file, 'twelve\n');
    expect(() => openReservedCounter(file, 0)).toThrow(
      `counter reservation ${file} holds "twelve", not a whole number`,
    );
  });
});
