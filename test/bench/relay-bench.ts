// Relay (tiếp âm) cost: one relay as the hub runs it (Debian's icecast2 fed a 128 kb/s MP3 tone by
// ffmpeg; the hub's ffmpeg pulls, evens the loudness and encodes Opus 24 kb/s mono) and one agent
// decoding it. Prints the stream's bitrate on the wire, the data per device per hour, and the CPU
// and memory of each ffmpeg, against the feeder's own ffmpeg (the peer) in the same run.
//   node bin/run-ts.mjs test/bench/relay-bench.ts [seconds=30]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { relayFfmpegArgs } from '../../hub/streaming/relay-args.ts';
import { relayDecodeArgs } from '../../edge-agent/relay-player.ts';
import { feedTone, ICECAST, startIcecast, waitForMount } from '../helpers/icecast.ts';

const seconds = Number(process.argv[2] ?? 30);
if (!existsSync(ICECAST)) {
  console.error(`${ICECAST} is missing: install the Debian package icecast2`);
  process.exit(1);
}
const ffmpeg = resolveFfmpeg().path;
const ice = await startIcecast();
const feeder = feedTone(ffmpeg, ice, 'bench.mp3');
await waitForMount(ice.mountUrl('bench.mp3'));
const hub = spawn(ffmpeg, relayFfmpegArgs({ url: ice.mountUrl('bench.mp3'), targetLufs: -16 }), {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const agent = spawn(ffmpeg, relayDecodeArgs('null'), { stdio: ['pipe', 'ignore', 'ignore'] });
let bytes = 0;
hub.stdout.on('data', (b: Buffer) => {
  bytes += b.length;
  agent.stdin.write(b);
});
const cpuS = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const feederPid = feeder.pid;
await new Promise((r) => setTimeout(r, 5000)); // past the start-up and loudnorm's look-ahead
const pids = { hub: hub.pid!, agent: agent.pid!, ...(feederPid ? { feeder: feederPid } : {}) };
const c0 = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuS(p)]));
const b0 = bytes;
const t0 = Date.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const dt = (Date.now() - t0) / 1000;
const kbps = ((bytes - b0) * 8) / dt / 1000;
console.log(`relay over ${dt.toFixed(1)} s`);
console.log(
  `  stream on the wire: ${kbps.toFixed(1)} kb/s, ${((((bytes - b0) / dt) * 3600) / 1e6).toFixed(1)} MB per device per hour`,
);
for (const [k, p] of Object.entries(pids))
  console.log(
    `  ${k.padEnd(6)} ffmpeg: CPU ${(((cpuS(p) - c0[k]!) / dt) * 100).toFixed(1)} % of a core, ${rssMiB(p).toFixed(0)} MiB resident`,
  );
hub.kill();
agent.kill();
await feeder.stop();
await ice.stop();
