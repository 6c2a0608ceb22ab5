// Where live latency goes, stage by stage, without network or agents: the click track (as
// live-bench sends it) through the same ffmpeg commands the hub and the agent run, each chain ending
// in a PCM sink, the onsets paired with the clicks as in live-bench. Rows add one stage at a time.
//   npm run bench -- live-stages     (node bin/run-ts.mjs test/bench/live-stages-bench.ts [seconds=10])
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { liveDecodeArgs } from '../../edge-agent/live-buffer.ts';
import { relayDecodeArgs } from '../../edge-agent/relay-player.ts';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { liveFfmpegArgs } from '../../hub/streaming/live-args.ts';
import { matchClicks, startClickSource } from '../helpers/click-track.ts';
import { quantile, startPcmSink } from '../helpers/pcm-sink.ts';

const seconds = Number(process.argv[2] ?? 10);
const ffmpeg = resolveFfmpeg().path;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-live-stages-'));
const pcmOut = (sock: string) => ['-f', 's16le', '-ar', '48000', '-ac', '1', `unix:${sock}`];
/** the hub's live command with PCM out instead of Ogg Opus (everything up to the encoder) */
const hubToPcm = (sock: string) => {
  const a = liveFfmpegArgs({ targetLufs: -16 });
  return [...a.slice(0, a.indexOf('-vn') + 3), ...pcmOut(sock)];
};
/** the agent's live decoder as it was before its input hints (-f ogg -probesize 4096 -analyzeduration 0): the peer */
const withoutInputHints = (args: string[]) => {
  const a = [...args];
  const at = a.indexOf('-f');
  if (at >= 0 && at < a.indexOf('-i')) a.splice(at, 6);
  return a;
};
const quickWebmDecode = (sock: string) => [
  '-hide_banner',
  '-loglevel',
  'error',
  '-fflags',
  'nobuffer',
  '-probesize',
  '4096',
  '-analyzeduration',
  '0',
  '-f',
  'webm',
  '-i',
  'pipe:0',
  ...pcmOut(sock),
];
const CHAINS: Array<{ name: string; chain: (sock: string) => string[][] }> = [
  { name: 'click encoder (webm, 100 ms slices) → PCM', chain: (s) => [quickWebmDecode(s)] },
  { name: "+ the hub's live ffmpeg (filters), PCM out", chain: (s) => [hubToPcm(s)] },
  {
    name: "+ Ogg Opus out → the agent's live decoder (input hints)",
    chain: (s) => [liveFfmpegArgs({ targetLufs: -16 }), liveDecodeArgs(relayDecodeArgs(`s16le:unix:${s}`))],
  },
  {
    name: "  the same, the agent's decoder probing (as before)",
    chain: (s) => [
      liveFfmpegArgs({ targetLufs: -16 }),
      withoutInputHints(liveDecodeArgs(relayDecodeArgs(`s16le:unix:${s}`))),
    ],
  },
];

try {
  for (const { name, chain } of CHAINS) {
    const sink = await startPcmSink(path.join(dir, 'stage.sock'), { onsets: true });
    const procs = chain(sink.path).map(
      (args) =>
        spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'ignore'] }) as ChildProcessByStdio<Writable, Readable, null>,
    );
    for (let i = 0; i + 1 < procs.length; i++) procs[i]!.stdout.pipe(procs[i + 1]!.stdin);
    for (const p of procs) p.stdin.on('error', () => undefined);
    const src = startClickSource({ ffmpegPath: ffmpeg, send: (c) => procs[0]!.stdin.write(c) });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await src.stop();
    procs[0]!.stdin.end();
    await new Promise((r) => procs.at(-1)!.once('close', r));
    const l = matchClicks(
      src.sent,
      sink.plays.flatMap((p) => p.onsets),
    ).matched.map((m) => m.latencyMs);
    console.log(
      `${name.padEnd(56)} latency p50 ${l.length ? quantile(l, 0.5).toFixed(0) : '—'} ms, max ${l.length ? Math.max(...l).toFixed(0) : '—'} ms (${l.length} of ${src.sent.length} clicks; load ${os.loadavg()[0]!.toFixed(1)})`,
    );
    await sink.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
