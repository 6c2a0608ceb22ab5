// A child spawned tied dies when its parent is killed with SIGKILL (no chance to clean up).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdeathsigWrapper } from './tied-spawn.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('spawnTied', () => {
  it.skipIf(!pdeathsigWrapper())('a grandchild dies with its parent killed by SIGKILL', async () => {
    const module = path.join(import.meta.dirname, 'tied-spawn.ts');
    // The parent: a node process that spawns `sleep 60` tied, prints the child's pid and waits.
    const script = `import('${module}').then(({ spawnTied }) => { const c = spawnTied('sleep', ['60'], { stdio: 'ignore' }); c.on('spawn', () => console.log(c.pid)); setInterval(() => {}, 1000); });`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout!.once('data', (d) => resolve(Number(String(d).trim()))),
    );
    expect(alive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(alive(childPid)).toBe(false);
  });
});
