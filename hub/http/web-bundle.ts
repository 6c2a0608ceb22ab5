// The web UI bundle (web/ → hub/public/build/app.js + app.css), built with esbuild from the
// sources in the repository: at install with the rest (bin/build.mjs), at hub start when it is
// missing or older than any source file (in web/, or one it imports from protocol/ or
// firmware-bridge/), and by `npm run build:web`. Nothing
// is fetched from anywhere; the bundle is not committed.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_SRC = path.join(root, 'web');
export const WEB_OUT = path.join(root, 'hub', 'public', 'build');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** The files the last build read (esbuild's metafile), beside the bundle. */
const INPUTS = 'inputs.json';

/** Newest modification of the files the last build read outside web/ (a removed one counts as new). */
function newestImportedMtime(outDir: string): number {
  let inputs: string[];
  try {
    inputs = JSON.parse(readFileSync(path.join(outDir, INPUTS), 'utf8'));
  } catch {
    return Infinity; // unknown: build again
  }
  let newest = 0;
  for (const rel of inputs) {
    const p = path.join(root, rel);
    newest = Math.max(newest, existsSync(p) ? statSync(p).mtimeMs : Infinity);
  }
  return newest;
}

export function webBundleStale(srcDir = WEB_SRC, outDir = WEB_OUT): boolean {
  if (!existsSync(srcDir)) return false; // an install without sources serves what it has
  const js = path.join(outDir, 'app.js');
  const css = path.join(outDir, 'app.css');
  if (!existsSync(js) || !existsSync(css)) return true;
  const built = Math.min(statSync(js).mtimeMs, statSync(css).mtimeMs);
  return newestMtime(srcDir) > built || newestImportedMtime(outDir) > built;
}

export interface BundleResult {
  built: boolean;
  bytes: { js: number; css: number };
  ms: number;
}

/** Builds the bundle if stale (or always with force). Files are replaced atomically. */
export async function buildWebBundle(
  opts: { force?: boolean; minify?: boolean; outDir?: string } = {},
): Promise<BundleResult> {
  const started = performance.now();
  const out = opts.outDir ?? WEB_OUT;
  const size = (f: string) => (existsSync(path.join(out, f)) ? statSync(path.join(out, f)).size : 0);
  if (!opts.force && !webBundleStale(WEB_SRC, out))
    return { built: false, bytes: { js: size('app.js'), css: size('app.css') }, ms: 0 };
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    entryPoints: { app: path.join(WEB_SRC, 'main.tsx') },
    bundle: true,
    minify: opts.minify ?? true,
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: out,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  // Sources outside web/ (protocol, firmware-bridge) the bundle took in; node_modules change only by install.
  const imported = Object.keys(r.metafile.inputs)
    .map((f) => path.relative(root, path.resolve(f)))
    .filter((f) => !f.startsWith('node_modules') && !f.startsWith(`web${path.sep}`));
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, INPUTS), JSON.stringify(imported));
  for (const f of r.outputFiles) {
    const tmp = `${f.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  return { built: true, bytes: { js: size('app.js'), css: size('app.css') }, ms: performance.now() - started };
}
