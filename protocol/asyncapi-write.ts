// Writes docs/asyncapi.json (or the path given): node bin/run-ts.mjs protocol/asyncapi-write.ts [out]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAsyncApi } from './asyncapi.ts';

export const ASYNCAPI_PATH = fileURLToPath(new URL('../docs/asyncapi.json', import.meta.url));

const out = process.argv[2] ? path.resolve(process.argv[2]) : ASYNCAPI_PATH;
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(buildAsyncApi(), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
