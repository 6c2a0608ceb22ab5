// `npm run bench`: runs every benchmark in turn, each in its own process, and prints its figures.
// `npm run bench -- NAME [args]` runs one: a file name without -bench.ts (e.g. `outbox`), or
// `fleet`, the fleet simulator, which takes its own flags (`npm run bench -- fleet --agents 1000`).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const named: Record<string, string> = { fleet: 'test/fleet/fleet-cli.ts', media: 'hub/media/bench.ts' };
for (const f of readdirSync(import.meta.dirname).filter((f) => f.endsWith('-bench.ts'))) named[f.replace(/-bench\.ts$/, '')] ??= `test/bench/${f}`;
const [only, ...args] = process.argv.slice(2).filter((a) => a !== '--');
if (only && !named[only]) {
  console.error(`no benchmark named ${only}; there are: ${Object.keys(named).join(', ')}`);
  process.exit(2);
}
const benches = only ? [named[only]] : ['hub/media/bench.ts', ...readdirSync(import.meta.dirname).filter((f) => f.endsWith('-bench.ts')).map((f) => `test/bench/${f}`)];
for (const b of benches) {
  console.log(`\n=== ${b} ===`);
  execFileSync(process.execPath, [path.join(root, 'bin/run-ts.mjs'), b, ...(only ? args : [])], { cwd: root, stdio: 'inherit' });
}
