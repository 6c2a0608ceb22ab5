// `npm run bench`: runs every benchmark in turn, each in its own process, and prints its figures.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const benches = ['hub/media/bench.ts', ...readdirSync(import.meta.dirname).filter((f) => f.endsWith('-bench.ts')).map((f) => `test/bench/${f}`)];
for (const b of benches) {
  console.log(`\n=== ${b} ===`);
  execFileSync(process.execPath, [path.join(root, 'bin/run-ts.mjs'), b], { cwd: root, stdio: 'inherit' });
}
