// The unit tier's rule, run as vitest runs it: a test file that starts a program fails, naming the
// program and the line; one that does not passes. (A peer test: it starts vitest.)
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
// Inside the repository (test-output/ is ignored), so that the message can name the line.
mkdirSync(path.join(root, 'test-output'), { recursive: true });
const dir = mkdtempSync(path.join(root, 'test-output', 'tiers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runUnit(testBody: string): Promise<{ code: number | null; out: string }> {
  writeFileSync(
    path.join(dir, 'vitest.config.mjs'),
    `export default { test: { root: ${JSON.stringify(dir)}, include: ['*.test.mjs'], setupFiles: [${JSON.stringify(
      path.join(root, 'test/tiers/in-process-only.ts'),
    )}] } };`,
  );
  writeFileSync(path.join(dir, 'case.test.mjs'), `import { it } from 'vitest';\n${testBody}\n`);
  return new Promise((resolve) => {
    execFile(
      path.join(root, 'node_modules/.bin/vitest'),
      ['run', '--config', path.join(dir, 'vitest.config.mjs')],
      { cwd: root, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, out: stdout + stderr }),
    );
  });
}

describe('the unit tier', () => {
  it('fails a test that starts a program, naming it and the line that started it', async () => {
    const r = await runUnit(
      "import { execFileSync } from 'node:child_process';\nit('runs true', () => { execFileSync('true'); });",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `a unit test starts no child process, and this one started true (from ${path.relative(root, dir)}/case.test.mjs:3)`,
    );
  });

  it('passes one that stays in its process', async () => {
    const r = await runUnit("it('adds', () => { if (1 + 1 !== 2) throw new Error('no'); });");
    expect(r.out).toMatch(/1 passed/);
    expect(r.code).toBe(0);
  });
});
