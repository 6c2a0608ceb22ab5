// Loaded with --import (NODE_OPTIONS) into a process a test starts: records every module the
// process loads and writes the list to $WARDCAST_MODULE_TRACE when it exits, so a test can tell
// which code ran (compiled dist/ or the TypeScript sources).
import { register } from 'node:module';
import { writeFileSync } from 'node:fs';

const loaded = new Set();
const { port1, port2 } = new MessageChannel();
port1.on('message', (url) => loaded.add(url));
port1.unref();
const hook = `let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, {
  parentURL: import.meta.url,
  data: { port: port2 },
  transferList: [port2],
});
process.on('exit', () => writeFileSync(process.env.WARDCAST_MODULE_TRACE, JSON.stringify([...loaded])));
