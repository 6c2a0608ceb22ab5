// A counter whose values are never issued twice, not even after a power cut that loses the hub's
// relaxed (synchronous=NORMAL) commits: values are handed out from a block reserved in a small file
// that is on disk (written, fsynced, renamed, directory fsynced) before any value of the block is
// used (hi/lo). Whatever else records the counter may then be saved at any durability; a restarted
// hub resumes above the reservation, so above every value it may have sent.
//
// The next block is reserved in the background (the fsync runs in libuv's pool, not on the event
// loop) once half of the current one is used. Only when that has not finished by the time the block
// runs out does `next` reserve synchronously. The two writers keep separate files (FILE and
// FILE.now), so a background write that lands late never replaces a higher synchronous one.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import path from 'node:path';

export interface ReservedCounter {
  /** The last value issued (or resumed from). */
  current(): number;
  /** The next value; reserves a block first if none is left. */
  next(): number;
  /** Makes the next value greater than `seen`. True when the counter moved. */
  raise(seen: number): boolean;
  /** Every value issued is at most this; it is on disk. */
  reserved(): number;
  /** Resolves when no background reservation is under way (before the data directory goes away). */
  settled(): Promise<void>;
}

export const DEFAULT_BLOCK = 10_000;

/**
 * `file`: where the reservation is kept (null: nothing is durable, as for an in-memory database).
 * `floor`: the counter as the database last saw it (a hub from before reservations, or a restore).
 */
export function openReservedCounter(
  file: string | null,
  floor: number,
  opts: { block?: number; onError?: (err: Error) => void } = {},
): ReservedCounter {
  const block = opts.block ?? DEFAULT_BLOCK;
  if (!Number.isSafeInteger(block) || block < 2)
    throw new Error(`reservation block must be an integer ≥ 2, not ${block}`);
  if (!Number.isSafeInteger(floor) || floor < 0)
    throw new Error(`counter floor must be a non-negative integer, not ${floor}`);
  const now = file && `${file}.now`;
  // Resume above anything this hub may have issued: the reservation covers every value sent.
  let last = Math.max(floor, file ? readReservation(file) : 0, now ? readReservation(now) : 0);
  let reserved = last;
  let background: Promise<void> | null = null;

  const reserveNow = (target: number) => {
    if (now) writeSync_(now, target);
    reserved = Math.max(reserved, target);
  };
  const reserveInBackground = () => {
    if (background || reserved - last >= block / 2) return;
    if (!file) {
      reserved = last + block;
      return;
    }
    const target = last + block;
    background = writeAsync(file, target)
      .then(
        () => {
          reserved = Math.max(reserved, target);
        },
        (err: Error) => opts.onError?.(err),
      )
      .finally(() => {
        background = null;
        reserveInBackground();
      });
  };
  // At start (not a hot path): a whole block, so the first values need no wait.
  reserveNow(last + block);

  return {
    current: () => last,
    next() {
      if (last + 1 > reserved) reserveNow(last + block);
      last += 1;
      reserveInBackground();
      return last;
    },
    raise(seen) {
      if (seen <= last) return false;
      last = seen;
      reserveInBackground();
      return true;
    },
    reserved: () => reserved,
    async settled() {
      while (background !== null) await background;
    },
  };
}

function readReservation(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8').trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new Error(`counter reservation ${file} holds ${JSON.stringify(text.slice(0, 40))}, not a whole number`);
  return Number(text);
}

// Write a temporary file, fsync it, rename it over the old one, fsync the directory: after a power
// cut the file holds the old reservation or the new one, never a part of either.
function writeSync_(file: string, value: number): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

async function writeAsync(file: string, value: number): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(`${value}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/** Where a database's counter `name` keeps its reservation: beside the database file. */
export function reservationFile(db: { memory: boolean; name: string }, name: string): string | null {
  return db.memory || db.name === '' ? null : `${db.name}.${name}`;
}
