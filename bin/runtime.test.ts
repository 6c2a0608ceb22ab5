// The rule that picks dist/ or the sources, on a tree of its own: current while every source the
// build read holds the same bytes, whatever its mtime; stale (tsx, with a notice) once one changes
// or goes; WARDCAST_RUNTIME forces either.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { chooseRuntime, distStatus, sha256 } from './runtime.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'wardcast-runtime-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const src = path.join(root, 'cli', 'x.ts');
const built = (inputs: Record<string, { size: number; mtimeMs: number; sha256: string }>) => {
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  writeFileSync(path.join(root, 'dist', 'wardcast.js'), '');
  writeFileSync(path.join(root, 'dist', 'build-info.json'), JSON.stringify({ inputs }));
};

beforeEach(() => {
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  mkdirSync(path.dirname(src), { recursive: true });
  writeFileSync(src, 'export const a = 1;\n');
  utimesSync(src, 1_700_000_000, 1_700_000_000);
});
const record = (content: string) => ({
  size: Buffer.byteLength(content),
  mtimeMs: 1_700_000_000_000,
  sha256: sha256(content),
});

describe('dist/ or the sources', () => {
  it('runs dist/ while every source holds what the build read, even when touched since', () => {
    built({ 'cli/x.ts': record('export const a = 1;\n') });
    expect(distStatus(root)).toEqual({ current: true });
    utimesSync(src, new Date(), new Date()); // a checkout rewriting the same bytes
    expect(chooseRuntime({}, root)).toEqual({ runtime: 'dist' });
  });

  it('falls back to tsx with a notice naming the changed or missing file', () => {
    built({ 'cli/x.ts': record('export const a = 1;\n') });
    writeFileSync(src, 'export const a = 2;\n'); // same size, new bytes
    expect(chooseRuntime({}, root)).toEqual({
      runtime: 'tsx',
      notice:
        'wardcast: cli/x.ts changed since the build; running the TypeScript sources through tsx (npm run build compiles them)',
    });
    rmSync(src);
    expect(distStatus(root)).toEqual({ current: false, reason: 'cli/x.ts is gone since the build' });
  });

  it('falls back when dist/ was never built, and obeys WARDCAST_RUNTIME', () => {
    expect(chooseRuntime({}, root).runtime).toBe('tsx');
    expect(() => chooseRuntime({ WARDCAST_RUNTIME: 'dist' }, root)).toThrow(
      'WARDCAST_RUNTIME=dist, but dist/ is not built: run npm run build',
    );
    expect(() => chooseRuntime({ WARDCAST_RUNTIME: 'js' }, root)).toThrow(
      'WARDCAST_RUNTIME must be tsx or dist, not "js"',
    );
    built({ 'cli/x.ts': record('export const a = 1;\n') });
    expect(chooseRuntime({ WARDCAST_RUNTIME: 'tsx' }, root)).toEqual({ runtime: 'tsx' });
    expect(chooseRuntime({ WARDCAST_RUNTIME: 'dist' }, root)).toEqual({ runtime: 'dist' });
  });
});
