// `npm run bench`: runs every benchmark in turn, each in its own process, and prints its figures.
// `npm run bench -- ingest connect` runs only those named (test/bench/<name>-bench.ts, or `media`).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const named = new Map([['media', 'hub/media/bench.ts'], ...readdirSync(import.meta.dirname).filter((f) => f.endsWith('-bench.ts')).map((f) => [f.replace(/-bench\.ts$/, ''), `test/bench/${f}`] as [string, string])]);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !named.has(w));
if (unknown.length) {
  console.error(`no benchmark named ${unknown.join(', ')}; there are: ${[...named.keys()].join(', ')}`);
  process.exit(2);
}
for (const [name, b] of named) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n=== ${b} ===`);
  execFileSync(process.execPath, [path.join(root, 'bin/run-ts.mjs'), b], { cwd: root, stdio: 'inherit' });
}
