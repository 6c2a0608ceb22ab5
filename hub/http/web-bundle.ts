// The web UI bundle (web/ → hub/public/build/app.js + app.css), built with esbuild from the
// sources in the repository: at install with the rest (bin/build.mjs), at hub start when it is
// missing or older than any source file (in web/, or one it imports from protocol/ or
// firmware-bridge/), and by `npm run build:web`. Nothing
// is fetched from anywhere; the bundle is not committed. A page imported with `import()` (the
// live page) is split into build/chunks/ with the code it shares with app.js, and loaded when
// opened; `bundle.json` names what a browser loads at first and what it may load later.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
/** What the bundle is made of: the files a browser loads at first, and those loaded on demand. */
const MANIFEST = 'bundle.json';
/** Where the split files go (named by content hash; the entries keep their fixed names). */
const CHUNKS = 'chunks';

export interface BundleManifest {
  /** app.js and the chunks it imports statically: what every page load fetches (paths relative to the bundle). */
  initial: string[];
  /** Chunks fetched by `import()` when a page is opened. */
  lazy: string[];
}

/** The manifest of the bundle in `outDir` (written by buildWebBundle). */
export const readBundleManifest = (outDir = WEB_OUT): BundleManifest =>
  JSON.parse(readFileSync(path.join(outDir, MANIFEST), 'utf8'));

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
  if (!existsSync(js) || !existsSync(css) || !existsSync(path.join(outDir, MANIFEST))) return true;
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
    splitting: true,
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  // Sources outside web/ (protocol, firmware-bridge) the bundle took in; node_modules change only by install.
  const imported = Object.keys(r.metafile.inputs)
    .map((f) => path.relative(root, path.resolve(f)))
    .filter((f) => !f.startsWith('node_modules') && !f.startsWith(`web${path.sep}`));
  mkdirSync(path.join(out, CHUNKS), { recursive: true });
  writeFileSync(path.join(out, INPUTS), JSON.stringify(imported));
  writeFileSync(path.join(out, MANIFEST), JSON.stringify(manifestOf(r.metafile.outputs, out)));
  // Chunks first, the entries last: a page that loads the new app.js finds every chunk it names.
  const entriesLast = [...r.outputFiles].sort(
    (a, b) => +(path.dirname(a.path) === out) - +(path.dirname(b.path) === out),
  );
  for (const f of entriesLast) {
    const tmp = `${f.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  // Chunks of earlier builds: a page still open on an old app.js offers a reload if it needs one.
  const current = new Set(r.outputFiles.map((f) => path.basename(f.path)));
  for (const name of readdirSync(path.join(out, CHUNKS)))
    if (!current.has(name)) rmSync(path.join(out, CHUNKS, name), { force: true });
  return { built: true, bytes: { js: size('app.js'), css: size('app.css') }, ms: performance.now() - started };
}

type Outputs = Record<string, { entryPoint?: string; imports: Array<{ path: string; kind: string }> }>;

/** app.js with what it imports statically (transitively), and the chunks reached only by import(). */
function manifestOf(outputs: Outputs, out: string): BundleManifest {
  const rel = (f: string) => path.relative(out, path.resolve(f)).split(path.sep).join('/');
  const byRel = new Map(Object.entries(outputs).map(([f, o]) => [rel(f), o]));
  const initial = new Set<string>();
  const visit = (f: string) => {
    if (initial.has(f)) return;
    initial.add(f);
    for (const i of byRel.get(f)?.imports ?? []) if (i.kind === 'import-statement') visit(rel(i.path));
  };
  visit('app.js');
  const lazy = [...byRel.keys()].filter((f) => f.endsWith('.js') && !initial.has(f));
  return { initial: [...initial], lazy };
}
