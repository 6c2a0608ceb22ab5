// Live (phát trực tiếp) latency and dropouts, mouth to speaker, measured from outside: a click track
// (test/helpers/click-track.ts: a tone burst every second, spoken into ffmpeg in real time and sent
// as webm/opus in 100 ms slices, as the browser's MediaRecorder) goes to the hub; real agents, their
// clocks offset by libfaketime, play it through a lossy, jittery proxy (test/helpers/lossy-proxy.ts)
// into PCM sinks that stamp every click onset in hub time (test/helpers/pcm-sink.ts).
//   latency  = onset at the speaker − onset spoken
//   dropouts = times a speaker's card ran dry (the sink) and underruns the agents report
//   skew     = latest − earliest speaker for the same click
// Rows are buffer × link; each row is one session of `--seconds`.
//   npm run bench -- live            (or node bin/run-ts.mjs test/bench/live-bench.ts [flags])
//   --buffers 250,500,1000,2000  --links clean,jitter50,loss2,loss5  --seconds 30  --agents 3
//   (links also down2s, cut2s: jitter50 and the link down 2 s mid-row, held or reset)
//   --path live | relay   relay: the same hub → agent leg through a relay occurrence whose upstream
//                         is the click track over HTTP (no jitter buffer there: --buffers is ignored)
//   --engine hub,icecast  one sitting per engine, in this order, the same rows each: hub = the hub's
//                         own fan-out; icecast = streamEngine icecast, the hub feeding an origin
//                         Icecast2 and the agents pulling from a relay server (a slave of it, listeners
//                         checked by the hub) through the same kind of lossy proxy
//   --burst-size B --queue-size Q   the relay server's and origin's <burst-size>, <queue-size> (bytes;
//                         Icecast's defaults 65535 and 524288); --no-burst: burst-on-connect off
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { formatVn } from '../../hub/time.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { matchClicks, startClickSource, type ClickSource, type HeardClick } from '../helpers/click-track.ts';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { startIcecast, type Icecast } from '../helpers/icecast.ts';
import { startLossyProxy, type LinkProfile, type LossyProxy } from '../helpers/lossy-proxy.ts';
import { hubNow, quantile, startPcmSink, type PcmSink, type SinkPlay } from '../helpers/pcm-sink.ts';
import { freePort } from '../helpers/ports.ts';
import { hasFaketime, LIBFAKETIME } from '../helpers/sync-run.ts';
import { HA_DINH, seedWorld, waitForResults, waitOnline, type World } from '../helpers/world.ts';
import type { BroadcastDevice } from '../helpers/api-types.ts';
import WebSocket from 'ws';

/** Link profiles. A 4G link's one-way delay is some tens of ms; a lossy link is jittery too. */
const LINKS: Record<string, LinkProfile> = {
  clean: {},
  jitter50: { delayMs: 25, jitterMs: 50 },
  loss2: { delayMs: 25, jitterMs: 50, lossP: 0.02 },
  loss5: { delayMs: 25, jitterMs: 50, lossP: 0.05 },
};
/** Opt-in profiles: the jittery link goes down once, mid-row (held: TCP rides it out; reset: cut). */
const OUTAGES: Record<string, { ms: number; reset: boolean }> = {
  down2s: { ms: 2000, reset: false },
  cut2s: { ms: 2000, reset: true },
};
for (const name of Object.keys(OUTAGES)) LINKS[name] = LINKS.jitter50!;

const { values: args } = parseArgs({
  options: {
    buffers: { type: 'string', default: '250,500,1000,2000' },
    links: { type: 'string', default: 'clean,jitter50,loss2,loss5' },
    seconds: { type: 'string', default: '30' },
    agents: { type: 'string', default: '3' },
    path: { type: 'string', default: 'live' },
    seed: { type: 'string', default: '1' },
    engine: { type: 'string', default: 'hub' },
    'burst-size': { type: 'string' },
    'queue-size': { type: 'string' },
    'no-burst': { type: 'boolean', default: false },
  },
});
const engines = args.engine!.split(',') as Array<'hub' | 'icecast'>;
for (const e of engines)
  if (e !== 'hub' && e !== 'icecast') throw new Error(`--engine takes hub and icecast, not ${e}`);
const icecastTuning = {
  burst: !args['no-burst'],
  ...(args['burst-size'] ? { burstSize: Number(args['burst-size']) } : {}),
  ...(args['queue-size'] ? { queueSize: Number(args['queue-size']) } : {}),
};
const mode = args.path as 'live' | 'relay';
if (mode !== 'live' && mode !== 'relay') throw new Error(`--path must be live or relay, not ${args.path}`);
const seconds = Number(args.seconds);
const buffers = mode === 'relay' ? [0] : args.buffers!.split(',').map(Number);
const links = args.links!.split(',');
for (const l of links)
  if (!LINKS[l]) throw new Error(`no link profile "${l}"; there are ${Object.keys(LINKS).join(', ')}`);
if (buffers.some((b) => !Number.isFinite(b)) || !(seconds > 0)) throw new Error('--buffers and --seconds take numbers');

const OFFSETS = ['+2', '-2', '+0', '+1', '-1'];
const ids = Array.from({ length: Number(args.agents) }, (_, i) => `loa-truc-tiep-${i + 1}`);
const faketime = hasFaketime();
if (!faketime) console.log('libfaketime is missing (apt-get install faketime): agent clocks are not offset');

const ffmpeg = resolveFfmpeg().path;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-live-bench-'));
// One sitting per engine: its hub, Icecast servers, proxies, agents and sinks (set by openSitting).
let engine: 'hub' | 'icecast' = 'hub';
let hub!: HubProcess;
let proxy!: LossyProxy;
/** streamEngine icecast: the agents' link to the relay server, shaped as the one to the hub */
let engineProxy = null as LossyProxy | null;
let icecasts: Icecast[] = [];
let sinks = new Map<string, PcmSink>();
let agents: AgentProcess[] = [];
let sittingDir = '';
let upstream: http.Server | null = null;
/** Gaps this early in a play are the decoder starting, reported apart. */
const STARTUP_MS = 1000;
/** Gaps at least this long are counted apart too (a word's syllable, not a click). */
const LONG_GAP_MS = 100;
const loopLag = monitorEventLoopDelay({ resolution: 5 });
loopLag.enable();
let outage: { ms: number; reset: boolean } | null = null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

// Stopped early (Ctrl-C, a timeout): the hub and agents go too, not left running.
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => void shutdown().finally(() => process.exit(130)));

interface Row {
  link: string;
  bufferMs: number;
  latencies: number[];
  skews: number[];
  heard: number;
  expected: number;
  unrecognised: number;
  sinkGaps: number;
  sinkGapMs: number;
  startupGaps: number;
  longGaps: number;
  /** this process's event-loop delay p99 / max, ms: the sinks stamp arrivals on it */
  loopLag: string;
  reported: string;
  stalls: number;
}

/**
 * Starts one sitting's hub (and, for icecast, its origin and relay server), the lossy proxies and the
 * agents, and returns the seeded world once every agent is online.
 */
async function openSitting(which: 'hub' | 'icecast'): Promise<World> {
  engine = which;
  sittingDir = mkdtempSync(path.join(dir, `${which}-`));
  const httpPort = await freePort();
  let env: NodeJS.ProcessEnv = {};
  engineProxy = null;
  icecasts = [];
  if (which === 'icecast') {
    const origin = await startIcecast({ sources: 16, ...icecastTuning });
    icecasts.push(origin);
    const relayServer = await startIcecast({
      sources: 16,
      ...icecastTuning,
      master: { port: origin.port, password: origin.password, updateInterval: 1 },
      listenerAuth: {
        url: `http://127.0.0.1:${httpPort}/icecast/listener`,
        username: 'icecast',
        password: origin.password,
      },
    });
    icecasts.push(relayServer);
    engineProxy = await startLossyProxy({ target: { port: relayServer.port }, seed: Number(args.seed) });
    env = {
      WARDCAST_STREAM_ENGINE: 'icecast',
      WARDCAST_ICECAST_ORIGIN: `http://127.0.0.1:${origin.port}`,
      WARDCAST_ICECAST_SOURCE_PASSWORD: origin.password,
      // the agents reach the relay server through the proxy, as they reach the hub
      WARDCAST_ICECAST_LISTEN_URL: engineProxy.url,
    };
  }
  hub = await startHubProcess({ dataDir: path.join(sittingDir, 'hub'), httpPort, mqttPort: await freePort(), env });
  proxy = await startLossyProxy({ target: { port: httpPort }, seed: Number(args.seed) });
  sinks = new Map();
  agents = [];
  const w = await seedWorld(
    hub,
    ids.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
  );
  for (const [i, id] of ids.entries()) {
    const sink = await startPcmSink(path.join(sittingDir, `${id}.sock`), { onsets: true });
    sinks.set(id, sink);
    agents.push(
      startAgentProcess({
        dir: path.join(sittingDir, id),
        hubUrl: proxy.url,
        mqttUrl: hub.mqttUrl,
        enrolToken: w.tokens[id],
        profile: { ...SPEAKER_PROFILE, audioOutput: sink.audioOutput },
        env: faketime
          ? { LD_PRELOAD: LIBFAKETIME, FAKETIME: OFFSETS[i % OFFSETS.length]!, FAKETIME_DONT_FAKE_MONOTONIC: '1' }
          : {},
      }),
    );
  }
  await waitOnline(hub.admin, ids, 60_000);
  return w;
}

async function closeSitting(): Promise<void> {
  await Promise.all(agents.map((a) => a.stop('SIGKILL')));
  await hub?.stop('SIGKILL');
  await proxy?.close();
  await engineProxy?.close();
  await Promise.all(icecasts.map((i) => i.stop()));
  await Promise.all([...sinks.values()].map((s) => s.close()));
  agents = [];
  icecasts = [];
  engineProxy = null;
  sinks = new Map();
}

const linkStats = (name: string, p: LossyProxy) =>
  `${name}: ${p.stats.connections} connections, ${(p.stats.bytesDown / 1e6).toFixed(1)} MB down, ${p.stats.segments} segments, ${p.stats.stalls} retransmission stalls (${(p.stats.stallMsTotal / 1000).toFixed(1)} s), longest hold ${p.stats.maxHoldMs.toFixed(0)} ms`;

try {
  // The relay path's upstream: each request gets its own click track, as an HTTP stream of webm.
  const sources: ClickSource[] = [];
  if (mode === 'relay') {
    upstream = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/webm', 'cache-control': 'no-store' });
      const src = startClickSource({ ffmpegPath: ffmpeg, send: (c) => res.write(c) });
      sources.push(src);
      res.on('close', () => void src.stop().catch(() => undefined));
    });
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
  }
  const upstreamUrl = () => `http://127.0.0.1:${(upstream!.address() as { port: number }).port}/click.webm`;

  /** One relay occurrence of `seconds`: the clicks sent and the broadcast's id. */
  async function runRelay(
    w: World,
  ): Promise<{ sent: ClickSource['sent']; broadcastId: string; from: number; to: number }> {
    // the hub pulls 6 s before the start (11 s with an engine)
    const lead = engine === 'icecast' ? 14_000 : 9000;
    const startAt = Math.ceil((Date.now() + lead) / 1000) * 1000;
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Đo độ trễ',
      relay: { url: upstreamUrl(), seconds },
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: formatVn(startAt),
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const n = sources.length;
    await sleep(startAt + seconds * 1000 + 3000 - Date.now());
    await waitForResults(w.leader, b.id, 30_000).catch(() => null); // reported (or not) below
    const src = sources.slice(n);
    for (const s of src) await s.stop().catch(() => undefined);
    return { sent: src.flatMap((s) => s.sent), broadcastId: b.id, from: startAt - lead + 2000, to: Date.now() };
  }

  for (const which of engines) {
    const w = await openSitting(which);
    if (which === 'icecast')
      console.log(
        `icecast: origin and relay server, ${JSON.stringify(icecastTuning)} (Icecast defaults where not given)`,
      );
    for (const link of links) {
      proxy.setProfile(LINKS[link]!);
      engineProxy?.setProfile(LINKS[link]!);
      outage = OUTAGES[link] ?? null;
      for (const bufferMs of buffers) {
        const seen = new Map([...sinks].map(([id, s]) => [id, s.plays.length]));
        const stalls0 = proxy.stats.stalls + (engineProxy?.stats.stalls ?? 0);
        loopLag.reset();
        const run = mode === 'relay' ? await runRelay(w) : await runLive(w, bufferMs);
        await sleep(1000);
        if (process.env.LIVE_BENCH_DEBUG)
          for (const [id, s] of sinks)
            for (const p of s.plays.slice(seen.get(id)))
              console.log(
                id,
                JSON.stringify({
                  start: p.firstByteAt - run.from,
                  until: p.until - p.firstByteAt,
                  bytes: p.bytes,
                  gaps: p.gaps.map((g) => [Math.round(g.at - p.firstByteAt), Math.round(g.ms)]),
                  onsets: p.onsets.map((x) => [
                    Math.round(x.at - p.firstByteAt),
                    x.lengthMs === null ? null : Math.round(x.lengthMs),
                  ]),
                  sent: run.sent.map((c) => [c.k, Math.round(c.at - p.firstByteAt)]),
                }),
              );
        const stalls = proxy.stats.stalls + (engineProxy?.stats.stalls ?? 0) - stalls0;
        print(summarise(link, bufferMs, run, seen, stalls, await reportedDropouts(w, run.broadcastId)));
      }
    }
    console.log(`\n${linkStats('proxy to the hub', proxy)}`);
    if (engineProxy) console.log(linkStats('proxy to the relay server', engineProxy));
    await closeSitting();
  }
} finally {
  await shutdown();
}

async function shutdown(): Promise<void> {
  await closeSitting();
  if (upstream) {
    upstream.closeAllConnections();
    upstream.close();
  }
  rmSync(dir, { recursive: true, force: true });
}

/** A live session as a leader makes it: POST /api/v1/live, then the click track on its audio socket. */
async function runLive(
  w: World,
  bufferMs: number,
): Promise<{ sent: ClickSource['sent']; broadcastId: string; from: number; to: number }> {
  const from = hubNow();
  const s = await w.leader.post('/api/v1/live', {
    title: 'Đo độ trễ trực tiếp',
    areaIds: [HA_DINH],
    priority: 'normal',
    bufferMs,
  });
  const ws = new WebSocket(new URL(s.audioUrl, hub.httpUrl.replace(/^http/, 'ws')), {
    headers: { authorization: `Bearer ${w.leader.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`the audio socket was refused: ${res.statusCode}`)));
  });
  const src = startClickSource({ ffmpegPath: ffmpeg, send: (c) => ws.send(c) });
  const down =
    outage &&
    setTimeout(
      () => {
        proxy.linkDown(outage!.ms, { reset: outage!.reset });
        engineProxy?.linkDown(outage!.ms, { reset: outage!.reset });
      },
      (seconds * 1000) / 2,
    );
  await sleep(seconds * 1000);
  if (down) clearTimeout(down);
  await src.stop();
  await w.leader.post(`/api/v1/live/${s.id}/end`, {});
  ws.close();
  return { sent: src.sent, broadcastId: s.broadcastId, from, to: hubNow() };
}

/** What the agents' receipts say of underruns: count and seconds, summed over devices. */
async function reportedDropouts(w: World, broadcastId: string): Promise<string> {
  type Said = { dropouts?: number; dropoutSeconds?: number } | undefined;
  // A loaded machine can hold a receipt back: what has come after a minute is reported, and says so.
  let b = await waitForResults(w.leader, broadcastId, 60_000).catch(() => null);
  const late = !b;
  b ??= await w.leader.get(`/api/v1/broadcasts/${broadcastId}`);
  if (process.env.LIVE_BENCH_DEBUG)
    for (const d of b.devices as BroadcastDevice[]) console.log(d.deviceId, d.state, JSON.stringify(d.evidence));
  const said: Said[] = b.devices
    .map((d: BroadcastDevice) => (d.evidence as { relay?: Said } | undefined)?.relay)
    .filter((e: Said) => e?.dropouts !== undefined);
  if (!said.length) return late ? 'no receipt yet' : '—';
  const n = said.reduce((a: number, e: Said) => a + (e?.dropouts ?? 0), 0);
  const sec = said.reduce((a: number, e: Said) => a + (e?.dropoutSeconds ?? 0), 0);
  return `${n} (${sec.toFixed(1)} s)${said.length < sinks.size ? ` from ${said.length} of ${sinks.size} receipts` : ''}`;
}

function summarise(
  link: string,
  bufferMs: number,
  run: { sent: ClickSource['sent']; from: number; to: number },
  seen: Map<string, number>,
  stalls: number,
  reported: string,
): Row {
  const heardBy = new Map<string, HeardClick[]>();
  let unrecognised = 0;
  let expected = 0;
  let sinkGaps = 0;
  let sinkGapMs = 0;
  let startupGaps = 0;
  let longGaps = 0;
  for (const [id, sink] of sinks) {
    const plays: SinkPlay[] = sink.plays.slice(seen.get(id)).filter((p) => p.firstByteAt >= run.from);
    const m = matchClicks(
      run.sent,
      plays.flatMap((p) => p.onsets),
    );
    heardBy.set(id, m.matched);
    unrecognised += m.unrecognised;
    // the clicks this speaker should have heard: from its first to the last one sent (joining late
    // is not a dropout; a speaker that fell silent mid-session is)
    const ks = m.matched.map((x) => x.k);
    const lastSent = Math.max(...run.sent.map((c) => c.k));
    expected += ks.length ? lastSent - Math.min(...ks) + 1 : run.sent.length;
    for (const p of plays)
      for (const g of p.gaps) {
        // The decoder's first second (its pipeline filling) is counted apart from dropouts.
        if (g.at - p.firstByteAt < STARTUP_MS) startupGaps++;
        else {
          sinkGaps++;
          sinkGapMs += g.ms;
          if (g.ms >= LONG_GAP_MS) longGaps++;
        }
      }
    // a speaker whose stream was cut and came back: the silence between its plays
    for (let i = 1; i < plays.length; i++) {
      sinkGaps++;
      longGaps++;
      sinkGapMs += Math.max(0, plays[i]!.firstByteAt - plays[i - 1]!.until);
    }
  }
  const all = [...heardBy.values()].flat();
  const byClick = new Map<number, number[]>();
  for (const h of all) byClick.set(h.k, [...(byClick.get(h.k) ?? []), h.heardAt]);
  const skews = [...byClick.values()]
    .filter((xs) => xs.length === sinks.size)
    .map((xs) => Math.max(...xs) - Math.min(...xs));
  return {
    link,
    bufferMs,
    latencies: all.map((h) => h.latencyMs),
    skews,
    heard: all.length,
    expected,
    unrecognised,
    sinkGaps,
    sinkGapMs,
    startupGaps,
    longGaps,
    loopLag: `${(loopLag.percentile(99) / 1e6).toFixed(0)} / ${(loopLag.max / 1e6).toFixed(0)}`,
    reported,
    stalls,
  };
}

function print(r: Row): void {
  const q = (xs: number[], d = 0) =>
    xs.length
      ? `${quantile(xs, 0.5).toFixed(d)} / ${quantile(xs, 0.99).toFixed(d)} / ${Math.max(...xs).toFixed(d)}`
      : '—';
  const minutes = (seconds * sinks.size) / 60;
  console.log(
    [
      `${mode} via ${engine} ${r.link.padEnd(8)} buffer ${String(r.bufferMs).padStart(4)} ms: latency p50/p99/max ${q(r.latencies)} ms`,
      `heard ${r.heard}/${r.expected} clicks (${r.unrecognised} cut)`,
      `dropouts at the sinks ${r.sinkGaps} (${(r.sinkGaps / minutes).toFixed(1)}/min, ${(r.sinkGapMs / 1000 / minutes).toFixed(2)} s/min; ${r.longGaps} of ≥ ${LONG_GAP_MS} ms; ${r.startupGaps} more in plays' first second)`,
      `agents report ${r.reported}`,
      `skew p50/p99/max ${q(r.skews, 1)} ms`,
      `${r.stalls} stalls on the link`,
      `load ${os.loadavg()[0]!.toFixed(2)}, this process's event-loop delay p99/max ${r.loopLag} ms`,
    ].join('; '),
  );
}
