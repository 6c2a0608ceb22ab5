// `npm run build:web`: builds the web UI bundle and prints its size: what every page load fetches
// (app.js and the chunks it imports), each page loaded on demand, and the CSS.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildWebBundle, readBundleManifest, WEB_OUT } from './web-bundle.ts';

const r = await buildWebBundle({ force: true });
const kib = (files: string[], gzip: boolean) => {
  let n = 0;
  for (const f of files) {
    const bytes = readFileSync(path.join(WEB_OUT, f));
    n += gzip ? gzipSync(bytes).length : bytes.length;
  }
  return (n / 1024).toFixed(1);
};
const { initial, lazy } = readBundleManifest();
console.log(
  `web bundle: at first ${kib(initial, false)} KiB JS (${kib(initial, true)} KiB gzip, ${initial.join(' + ')}), on demand ${lazy.map((f) => `${f} ${kib([f], true)} KiB gzip`).join(', ') || 'nothing'}; app.css ${(r.bytes.css / 1024).toFixed(1)} KiB (${kib(['app.css'], true)} KiB gzip), built in ${r.ms.toFixed(0)} ms`,
);
