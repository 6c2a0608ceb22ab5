// setupFile of the unit tier: a unit test runs in its own process only. One that starts a program
// (a Debian peer, ffmpeg, openssl, another node) fails, naming the program and where it was
// started, and belongs in the peer tier: name its file *.peer.test.ts (CONTRIBUTING.md, "Tests").
// The program still runs, so the code under test behaves as it would anywhere else.
import childProcess, { ChildProcess } from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

// esbuild compiles in a service process of its own: an in-process hub rebuilds a stale web bundle
// with it (hub/http/web-bundle.ts). That is the build, not a peer.
const ALLOWED = /[\\/]esbuild$/;

const ROOT = `${path.resolve(import.meta.dirname, '..', '..')}/`;
/** Program name → where it was first started. */
let started = new Map<string, string>();

function note(file: unknown): void {
  if (ALLOWED.test(String(file))) return;
  const program = String(file).split('/').pop() as string;
  if (started.has(program)) return;
  // The first frame outside node_modules and this file: the test or the helper that started it.
  const frame = new Error().stack
    ?.split('\n')
    .slice(1)
    .find((l) => l.includes(ROOT) && !l.includes('node_modules') && !l.includes('in-process-only'));
  const at = frame && /(\/\S*?:\d+):\d+\)?$/.exec(frame);
  started.set(program, at ? at[1].replace(ROOT, '') : '');
}

// Every asynchronous way (spawn, exec, execFile, fork, and their promisified forms) goes through here.
// (ChildProcess.prototype.spawn is Node's, undocumented and missing from its types.)
type Spawn = (this: ChildProcess, options: { file: string }) => void;
const proto = ChildProcess.prototype as ChildProcess & { spawn: Spawn };
const spawnChild = proto.spawn;
proto.spawn = function (options) {
  note(options.file);
  return spawnChild.call(this, options);
};
// The synchronous ones do not.
const cp = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of ['spawnSync', 'execFileSync', 'execSync']) {
  const original = cp[name];
  cp[name] = function (this: unknown, ...args: unknown[]) {
    note(args[0]);
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();

function noneStarted(): void {
  if (started.size === 0) return;
  const what = [...started].map(([program, from]) => (from ? `${program} (from ${from})` : program));
  started = new Map();
  throw new Error(
    `a unit test starts no child process, and this one started ${what.join(', ')}. ` +
      'Name the test file *.peer.test.ts, which puts it in the peer tier (CONTRIBUTING.md, "Tests").',
  );
}
afterEach(noneStarted);
afterAll(noneStarted);
