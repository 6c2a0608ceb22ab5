// `npm run build:web`: builds the web UI bundle and prints its size.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildWebBundle, WEB_OUT } from './web-bundle.ts';

const r = await buildWebBundle({ force: true });
const gz = (f: string) => gzipSync(readFileSync(path.join(WEB_OUT, f))).length;
console.log(
  `web bundle: app.js ${(r.bytes.js / 1024).toFixed(1)} KiB (${(gz('app.js') / 1024).toFixed(1)} KiB gzip), app.css ${(r.bytes.css / 1024).toFixed(1)} KiB (${(gz('app.css') / 1024).toFixed(1)} KiB gzip), built in ${r.ms.toFixed(0)} ms`,
);
