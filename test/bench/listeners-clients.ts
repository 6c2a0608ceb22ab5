// Simulated relay listeners for listeners-bench.ts: `count` plain HTTP clients in this process, each
// reading and discarding the stream, counting bytes and stalls (no byte for more than 1 s, where a
// page comes every 200 ms). One in `trackEvery` also splits the Ogg pages and stamps each page's
// granule on arrival, for the delivery lag.
//   argv: url count trackEvery
import http from 'node:http';
import { OggPageSplitter } from '../../hub/streaming/ogg-pages.ts';

const [url, countArg, trackArg] = process.argv.slice(2) as [string, string, string];
const count = Number(countArg);
const trackEvery = Number(trackArg);
const STALL_MS = 1000;
const wallMs = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send?.(m);

interface L {
  bytes: number;
  last: number;
  maxGap: number;
  ok: boolean;
  gone: boolean;
  req: http.ClientRequest;
  splitter: OggPageSplitter | null;
}
const ls: L[] = [];
let arrivals: Array<[string, number]> = [];
let windowOn = false;
let refused = 0;
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

function open(i: number): Promise<void> {
  return new Promise((resolve) => {
    const l = {
      bytes: 0,
      last: 0,
      maxGap: 0,
      ok: false,
      gone: false,
      splitter: i % trackEvery === 0 ? new OggPageSplitter() : null,
    } as L;
    l.req = http.get(url, { agent }, (res) => {
      if (res.statusCode !== 200) {
        refused++;
        res.resume();
        resolve();
        return;
      }
      l.ok = true;
      l.last = performance.now();
      resolve();
      res.on('data', (b: Buffer) => {
        const now = performance.now();
        if (windowOn) {
          l.bytes += b.length;
          l.maxGap = Math.max(l.maxGap, now - l.last);
        }
        l.last = now;
        if (l.splitter && windowOn) {
          const t = wallMs();
          for (const p of l.splitter.push(b)) if (!p.header) arrivals.push([p.bytes.readBigInt64LE(6).toString(), t]);
        }
      });
      res.on('close', () => (l.gone = true));
    });
    l.req.on('error', () => {
      l.gone = true;
      resolve();
    });
    ls.push(l);
  });
}

// 50 at a time, so the listen backlogs are not flooded (icecast2 listens with a backlog of 5 and
// accepts on one thread); a listener not answered within CONNECT_MS counts as not connected.
const CONNECT_MS = 90_000;
const connecting = (async () => {
  for (let i = 0; i < count; i += 50)
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => open(i + k)));
})();
await Promise.race([connecting, new Promise((r) => setTimeout(r, CONNECT_MS))]);
send({ connected: ls.filter((l) => l.ok).length, refused });

process.on('message', (m: { kind: string }) => {
  if (m.kind === 'start') {
    const now = performance.now();
    for (const l of ls) {
      l.bytes = 0;
      l.maxGap = 0;
      l.last = l.last || now;
    }
    arrivals = [];
    windowOn = true;
  } else if (m.kind === 'report') {
    windowOn = false;
    const now = performance.now();
    const live = ls.filter((l) => l.ok && !l.gone);
    send({
      report: {
        bytes: ls.reduce((a, l) => a + l.bytes, 0),
        connected: ls.filter((l) => l.ok).length,
        refused,
        dropped: ls.filter((l) => l.ok && l.gone).length,
        stalled: ls.filter((l) => l.ok && Math.max(l.maxGap, l.gone ? 0 : now - l.last) > STALL_MS).length,
        live: live.length,
        arrivals,
      },
    });
  } else if (m.kind === 'stop') {
    for (const l of ls) l.req.destroy();
    setTimeout(() => process.exit(0), 100);
  }
});
