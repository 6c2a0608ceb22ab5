// `npm run bench`: runs every benchmark in turn, each in its own process, and prints its figures.
// `npm run bench -- ingest connect` runs only those named (test/bench/<name>-bench.ts, or `media`);
// `npm run bench -- fleet --agents 1000` runs the fleet simulator, which takes its own flags.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const named = new Map<string, string>([['media', 'hub/media/bench.ts']]);
for (const f of readdirSync(import.meta.dirname).filter((f) => f.endsWith('-bench.ts')))
  named.set(f.replace(/-bench\.ts$/, ''), `test/bench/${f}`);
named.set('fleet', 'test/fleet/fleet-cli.ts');

const argv = process.argv.slice(2).filter((a) => a !== '--');
const run = (file: string, args: string[] = []) => {
  console.log(`\n=== ${file} ===`);
  execFileSync(process.execPath, [path.join(root, 'bin/run-ts.mjs'), file, ...args], { cwd: root, stdio: 'inherit' });
};
if (argv[0] === 'fleet') {
  run(named.get('fleet')!, argv.slice(1));
} else {
  const unknown = argv.filter((w) => !named.has(w));
  if (unknown.length) {
    console.error(`no benchmark named ${unknown.join(', ')}; there are: ${[...named.keys()].join(', ')}`);
    process.exit(2);
  }
  // Everything by default, except the simulator's own CLI (fleet-bench runs it at its bench size).
  for (const [name, file] of named) if (argv.length ? argv.includes(name) : name !== 'fleet') run(file);
}
