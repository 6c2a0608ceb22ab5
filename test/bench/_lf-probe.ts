import { spawn } from 'node:child_process';
import net from 'node:net';
import { readFileSync, rmSync } from 'node:fs';
import { OggPageSplitter } from '/work/wt-livefix/protocol/ogg-pages.ts';
import { liveDecodeArgs } from '/work/wt-livefix/edge-agent/live-buffer.ts';
import { relayDecodeArgs } from '/work/wt-livefix/edge-agent/relay-player.ts';
const ff = process.argv[2]!;
const pages = new OggPageSplitter().push(readFileSync('/tmp/lf.ogg'));
const head = pages.filter((p) => p.header).map((p) => p.bytes);
const audio = pages.filter((p) => !p.header).map((p) => p.bytes);
for (const hints of [true, false]) for (const n of [1, 2, 3, 4, 6]) {
  const sock = `/tmp/lf-${n}.sock`; rmSync(sock, { force: true });
  let first = 0;
  const srv = net.createServer((c) => c.on('data', () => { first ||= performance.now(); }));
  await new Promise<void>((r) => srv.listen(sock, r));
  let args = liveDecodeArgs(relayDecodeArgs(`s16le:unix:${sock}`));
  if (!hints) { const at = args.indexOf('-f'); args.splice(at, 6); }
  const ch = spawn(ff, args, { stdio: ['pipe', 'ignore', 'ignore'] });
  await new Promise((r) => setTimeout(r, 700));
  const t0 = performance.now();
  ch.stdin.write(Buffer.concat([...head, ...audio.slice(0, n)]));
  // then a page every 100 ms
  let k = n; const iv = setInterval(() => k < audio.length && ch.stdin.write(audio[k++]!), 100);
  await new Promise((r) => setTimeout(r, 1500));
  clearInterval(iv); ch.kill(); srv.close();
  console.log(`hints ${hints} fed ${n} pages: first PCM after ${first ? (first - t0).toFixed(0) : '—'} ms`);
}
