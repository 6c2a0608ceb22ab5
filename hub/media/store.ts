// Content-addressed placement: a file is named by the SHA-256 of its bytes, appears under that name
// only when complete (rename within one directory is atomic), and is never rewritten once there.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A hidden, unique name in `dir` for a file being written (same filesystem as its final name). */
export function tempName(dir: string, ext: string): string {
  return path.join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}.${ext}`);
}

export interface Placed {
  file: string;
  sha256: string;
  bytes: number;
  /** False when an identical file was already there (nothing was written). */
  created: boolean;
}

/** Moves a finished temp file to `<sha256>.<ext>` in its directory, or drops it if that exists. */
export async function placeByHash(tempFile: string, ext: string): Promise<Placed> {
  const sha256 = await sha256File(tempFile);
  const { size } = await stat(tempFile);
  const file = `${sha256}.${ext}`;
  const final = path.join(path.dirname(tempFile), file);
  const existing = await stat(final).catch(() => undefined);
  if (existing && existing.size === size && (await sha256File(final)) === sha256) {
    await unlink(tempFile);
    return { file, sha256, bytes: size, created: false };
  }
  // Absent, or damaged on disk (its bytes no longer match its name): replace it atomically.
  await rename(tempFile, final);
  return { file, sha256, bytes: size, created: true };
}

/** Removes temp files a crashed run left in `dir` (older than `olderThanMs`); returns their names. */
export async function sweepTemp(dir: string, olderThanMs = 6 * 3600_000, now = Date.now()): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith('.tmp-')) continue;
    const full = path.join(dir, name);
    const st = await stat(full).catch(() => undefined);
    if (st?.isFile() && now - st.mtimeMs > olderThanMs) {
      await unlink(full).catch(() => undefined);
      removed.push(name);
    }
  }
  return removed;
}
