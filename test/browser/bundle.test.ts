// The web UI bundle: built from web/ by esbuild with nothing but the npm registry's packages,
// rebuilt when a source is newer, small enough for a phone on a slow link; the page loads it.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { buildWebBundle, webBundleStale, WEB_SRC } from '../../hub/http/web-bundle.ts';
import { recordFigure } from './harness.ts';

describe('web bundle', () => {
  it('builds, knows when it is stale, and stays small', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'wardcast-web-'));
    try {
      expect(webBundleStale(WEB_SRC, out)).toBe(true);
      const r = await buildWebBundle({ outDir: out });
      expect(r.built).toBe(true);
      expect(webBundleStale(WEB_SRC, out)).toBe(false);
      expect((await buildWebBundle({ outDir: out })).built).toBe(false);
      const js = readFileSync(path.join(out, 'app.js'));
      const css = readFileSync(path.join(out, 'app.css'));
      const gz = { js: gzipSync(js).length, css: gzipSync(css).length };
      recordFigure('bundle', { js: js.length, css: css.length, jsGzip: gz.js, cssGzip: gz.css });
      console.log(
        `web bundle: app.js ${(js.length / 1024).toFixed(1)} KiB (${(gz.js / 1024).toFixed(1)} KiB gzip), app.css ${(css.length / 1024).toFixed(1)} KiB (${(gz.css / 1024).toFixed(1)} KiB gzip)`,
      );
      // The budget catches a library pulled in by mistake (zod's runtime alone would add ~15 KiB),
      // not the pages growing: it was 60 KiB until the relay schedule (issue 11) took the app code,
      // all of it ours and preact, to 62.4 KiB gzip on 30/11/2026.
      expect(gz.js).toBeLessThan(64 * 1024);
      // No network at run time: no absolute URLs to other hosts in the bundle or the page.
      expect(js.toString()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\.[a-z]{2,}\//i);
      const html = readFileSync(path.join(WEB_SRC, '..', 'hub', 'public', 'index.html'), 'utf8');
      expect(html).toContain('/build/app.js');
      expect(html).not.toMatch(/https?:\/\//);
      // An output older than the sources is rebuilt — also sources it takes from outside web/.
      const imported: string[] = JSON.parse(readFileSync(path.join(out, 'inputs.json'), 'utf8'));
      expect(imported).toEqual(
        expect.arrayContaining([path.join('protocol', 'geo.ts'), path.join('firmware-bridge', 'led', 'text.ts')]),
      );
      const built = statSync(path.join(out, 'app.js')).mtime;
      utimesSync(path.join(out, 'inputs.json'), built, built);
      const geo = path.join(WEB_SRC, '..', 'protocol', 'geo.ts');
      const geoTimes = statSync(geo);
      try {
        utimesSync(geo, geoTimes.atime, new Date(built.getTime() + 60_000));
        expect(webBundleStale(WEB_SRC, out)).toBe(true);
      } finally {
        utimesSync(geo, geoTimes.atime, geoTimes.mtime);
      }
      expect(webBundleStale(WEB_SRC, out)).toBe(false);
      const old = new Date(Date.now() - 3600_000 * 24 * 365 * 5);
      utimesSync(path.join(out, 'app.js'), old, old);
      expect(webBundleStale(WEB_SRC, out)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
