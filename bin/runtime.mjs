// Which code `wardcast` runs: the JavaScript compiled into dist/ at install (bin/build.mjs), or the
// TypeScript sources through tsx. The rule, one for every process (a hub, an agent the demo or a
// test spawns, a developer's shell):
//   dist/ is current when every source file the build read still has the content it had then
//   (dist/build-info.json lists each with its size, mtime and SHA-256; an unchanged mtime and size
//   skip the hash, a touched file is hashed again, so a checkout that rewrites the same bytes does
//   not count as a change). Current → dist/. Missing or stale → tsx, with a one-line notice.
// WARDCAST_RUNTIME=tsx or =dist forces one (dist fails if it is missing or stale).
// Plain JavaScript with no dependencies: it runs before anything is compiled.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = path.join(ROOT, 'dist');
export const BUILD_INFO = path.join(DIST, 'build-info.json');
/** The compiled CLI; the sources' twin is cli/wardcast.ts. */
export const DIST_ENTRY = path.join(DIST, 'wardcast.js');

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/** @returns {{ current: true } | { current: false, reason: string }} */
export function distStatus(root = ROOT) {
  const infoFile = path.join(root, 'dist', 'build-info.json');
  let info;
  try {
    info = JSON.parse(readFileSync(infoFile, 'utf8'));
  } catch {
    return { current: false, reason: 'dist/ is not built' };
  }
  if (!existsSync(path.join(root, 'dist', 'wardcast.js'))) return { current: false, reason: 'dist/ is incomplete' };
  for (const [rel, was] of Object.entries(info.inputs ?? {})) {
    const file = path.join(root, rel);
    let st;
    try {
      st = statSync(file);
    } catch {
      return { current: false, reason: `${rel} is gone since the build` };
    }
    if (st.size === was.size && st.mtimeMs === was.mtimeMs) continue;
    if (st.size !== was.size || sha256(readFileSync(file)) !== was.sha256)
      return { current: false, reason: `${rel} changed since the build` };
  }
  return { current: true };
}

/** @returns {{ runtime: 'dist' | 'tsx', notice?: string }} */
export function chooseRuntime(env = process.env, root = ROOT) {
  const forced = env.WARDCAST_RUNTIME;
  if (forced === 'tsx') return { runtime: 'tsx' };
  if (forced && forced !== 'dist')
    throw new Error(`WARDCAST_RUNTIME must be tsx or dist, not ${JSON.stringify(forced)}`);
  const s = distStatus(root);
  if (s.current) return { runtime: 'dist' };
  if (forced === 'dist') throw new Error(`WARDCAST_RUNTIME=dist, but ${s.reason}: run npm run build`);
  return {
    runtime: 'tsx',
    notice: `wardcast: ${s.reason}; running the TypeScript sources through tsx (npm run build compiles them)`,
  };
}
