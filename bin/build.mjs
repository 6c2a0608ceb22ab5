#!/usr/bin/env node
// `npm run build`, and npm's `prepare` on every `npm install` / `npm ci`: compiles the CLI (hub,
// agent, demo, tools) into dist/ with esbuild, then builds the web UI bundle. Plain JavaScript: it
// runs before anything is compiled and needs only esbuild.
//
// - One bundle, split at every dynamic import, so an agent loads no hub code and a driver a device
//   does not use stays on disk.
// - The pure-JavaScript packages every agent loads (BUNDLED, and what they import) go into the
//   bundle, whitespace and syntax minified (names kept, for stack traces): V8 keeps the source of
//   every module it loads, and this takes about 9 MB off an idle agent (docs/boards.md). Every
//   other package stays in node_modules, which resolves it as for the sources: native
//   better-sqlite3 and serialport, and those that find files beside themselves (ffmpeg, fonts,
//   pino's transport workers).
// - Every output file sits directly in dist/, and each module's `import.meta.url` is rewritten to
//   the address of its own source file (relative to dist/, so the tree can move), so files found
//   beside the sources (package.json, amplifier profiles, hub/public, fonts through createRequire)
//   resolve exactly as they do under tsx.
// - dist/build-info.json records what each source file held as esbuild read it (bin/runtime.mjs
//   decides from it whether dist/ is current).
// - Built beside dist/ and swapped in at the end: a process starting meanwhile finds the old
//   build or the new one, never half of one.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { BUILD_INFO, DIST, ROOT, sha256 } from './runtime.mjs';

const started = performance.now();

/** What each source held when esbuild read it: size, mtime, SHA-256 (for dist/build-info.json). */
const inputs = {};
const record = (file, buf, st) =>
  (inputs[path.relative(ROOT, file).split(path.sep).join('/')] = {
    size: st.size,
    mtimeMs: st.mtimeMs,
    sha256: sha256(buf),
  });

/** Replaces `import.meta.url` in our own sources with the URL of the source file itself. */
const sourceUrls = {
  name: 'source-urls',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const rel = path.relative(DIST, args.path).split(path.sep).join('/');
      const st = statSync(args.path);
      const buf = readFileSync(args.path);
      record(args.path, buf, st);
      const contents = buf
        .toString('utf8')
        .replace(/\bimport\.meta\.url\b/g, `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

const BUNDLED = new Set(['zod', 'yaml', 'mqtt', 'commander']);
const packageName = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const npmPackages = {
  name: 'npm-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { external: true };
      const fromPackage = args.importer.includes(`${path.sep}node_modules${path.sep}`); // a dependency of a bundled package
      return BUNDLED.has(packageName(args.path)) || fromPackage ? undefined : { external: true };
    });
  },
};

const next = `${DIST}.next`;
rmSync(next, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  // The worker threads are entries of their own: hub/ingest/ingest-pool.ts starts dist/ingest-worker.js,
  // hub/periodic-reports/report-builder.ts dist/report-worker.js.
  entryPoints: {
    wardcast: 'cli/wardcast.ts',
    'build-web': 'hub/http/build-web.ts',
    'ingest-worker': 'hub/ingest/ingest-worker.ts',
    'report-worker': 'hub/periodic-reports/report-worker.ts',
  },
  outdir: next,
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Bundled CommonJS packages call require(); in ES modules it must be made.
  banner: {
    js: "import { createRequire as __wardcastRequire } from 'node:module'; const require = __wardcastRequire(import.meta.url);",
  },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'none',
  define: { WARDCAST_COMPILED: 'true' },
  logLevel: 'warning',
  metafile: true,
  plugins: [sourceUrls, npmPackages],
});

// The lock file stands for the bundled packages: new dependencies make dist/ stale too.
const lock = path.join(ROOT, 'package-lock.json');
if (statSync(lock, { throwIfNoEntry: false })) record(lock, readFileSync(lock), statSync(lock));
for (const rel of Object.keys(result.metafile.inputs)) {
  if (rel.includes('node_modules/') || inputs[rel]) continue; // not ours, or recorded as it was read
  const file = path.join(ROOT, rel);
  record(file, readFileSync(file), statSync(file));
}
const sorted = Object.fromEntries(Object.entries(inputs).sort(([a], [b]) => a.localeCompare(b)));
// Which of our sources each output file holds (what a process that loaded it runs).
const outputs = Object.fromEntries(
  Object.entries(result.metafile.outputs)
    .filter(([f]) => f.endsWith('.js'))
    .map(([f, o]) => [
      path.basename(f),
      Object.keys(o.inputs)
        .filter((i) => !i.includes('node_modules/'))
        .sort(),
    ]),
);
writeFileSync(
  path.join(next, path.basename(BUILD_INFO)),
  JSON.stringify({ builtBy: 'bin/build.mjs', node: process.version, inputs: sorted, outputs }, null, 1),
);
rmSync(`${DIST}.old`, { recursive: true, force: true });
try {
  renameSync(DIST, `${DIST}.old`);
} catch {
  // no previous build
}
renameSync(next, DIST);
rmSync(`${DIST}.old`, { recursive: true, force: true });

const js = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
const kib = js.reduce((n, f) => n + result.metafile.outputs[f].bytes, 0) / 1024;
console.log(
  `dist: ${js.length} files, ${kib.toFixed(0)} KiB from ${Object.keys(inputs).length} sources in ${(performance.now() - started).toFixed(0)} ms`,
);

// The web UI bundle, built by the same code the hub uses when it finds the bundle stale.
await import(pathToFileURL(path.join(DIST, 'build-web.js')).href);
