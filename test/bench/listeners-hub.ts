// The hub's side of the listeners benchmark (listeners-bench.ts), in a process of its own so its CPU
// and memory are the fan-out's alone: the relay's own ffmpeg (relay-args.ts) pulls the upstream,
// the real StreamFanout serves it over HTTP as GET /streams/:occurrence does, and the same bytes go
// to an Icecast mount (the peer) by the source protocol. Every Ogg page's granule is stamped with
// the time the hub had it, so the clients can measure the delivery lag of both.
//   argv: ffmpegPath upstreamUrl icecastPort icecastPassword mount
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { StreamFanout } from '../../hub/streaming/fanout.ts';
import { OggPageSplitter } from '../../hub/streaming/ogg-pages.ts';
import { relayFfmpegArgs } from '../../hub/streaming/relay-args.ts';

const [ffmpegPath, upstream, icePort, icePassword, mount] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const send = (m: unknown) => process.send?.(m);
const wallMs = () => performance.timeOrigin + performance.now();

const fanout = new StreamFanout();
let nextId = 0;
const server = http.createServer((req, res) => {
  if (req.method !== 'GET' || req.url !== '/streams/bench') {
    res.writeHead(404).end();
    return;
  }
  // The headers the real route sets (hub/http/routes/stream-routes.ts).
  res.statusCode = 200;
  res.setHeader('Content-Type', 'audio/ogg');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Accel-Buffering', 'no');
  if (!fanout.add({ id: String(nextId++), out: res })) {
    res.writeHead(409).end();
    return;
  }
  res.flushHeaders();
});
server.maxConnections = 50_000;
server.listen(0, '127.0.0.1', 4096);
await new Promise((r) => server.once('listening', r));

// Icecast's source protocol (HTTP PUT, no body length): the same Ogg bytes the fan-out gets.
const source = net.connect(Number(icePort), '127.0.0.1');
source.write(
  `PUT /${mount} HTTP/1.1\r\nHost: 127.0.0.1:${icePort}\r\nAuthorization: Basic ${Buffer.from(`source:${icePassword}`).toString('base64')}\r\n` +
    'Content-Type: audio/ogg\r\nIce-Public: 0\r\nExpect: 100-continue\r\n\r\n',
);
const sourceAnswer = await new Promise<string>((resolve) => source.once('data', (b: Buffer) => resolve(b.toString())));
if (!/^HTTP\/1\.[01] (100|200)/.test(sourceAnswer))
  throw new Error(`Icecast refused the source: ${sourceAnswer.slice(0, 200)}`);
source.on('data', () => {});

const ffmpeg = spawn(ffmpegPath, relayFfmpegArgs({ url: upstream, targetLufs: -16 }), {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const splitter = new OggPageSplitter();
let stamps: Array<[string, number]> = [];
ffmpeg.stdout.on('data', (chunk: Buffer) => {
  const t = wallMs();
  fanout.write(chunk);
  source.write(chunk);
  for (const p of splitter.push(chunk)) if (!p.header) stamps.push([p.bytes.readBigInt64LE(6).toString(), t]);
});
setInterval(() => {
  if (stamps.length) send({ stamps });
  stamps = [];
}, 500);
process.on('message', (m: { kind: string }) => {
  if (m.kind === 'stats') send({ stats: fanout.stats });
  if (m.kind === 'stop') {
    ffmpeg.kill();
    fanout.end();
    source.destroy();
    server.close();
    server.closeAllConnections();
    process.exit(0);
  }
});
process.on('disconnect', () => {
  ffmpeg.kill();
  process.exit(0);
});
send({ ready: { port: (server.address() as net.AddressInfo).port, ffmpegPid: ffmpeg.pid } });
