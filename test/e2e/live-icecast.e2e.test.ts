// A live session (phát trực tiếp) distributed by Icecast (streamEngine icecast, docs/live.md
// "Through Icecast"), on real parts: the hub encodes the leader's audio as ever and sends the pages to
// an ORIGIN Icecast2 as a source on the session's own mount; a RELAY SERVER (slave of the origin,
// burst-on-connect, listeners checked by the hub) mirrors it; two real agents of the district the
// relay server is named for pull from it, not from the hub, and play through the same jitter buffer
// into PCM sinks this test reads. The leader streams WebM/Opus made by ffmpeg in real time (as the
// live e2e test does), then ends the session: both receipts are admitted with the seconds aired and
// the dropouts; the hub's own fan-out sent the devices nothing. Then a district emergency pre-empts
// a normal session on the engine: the normal one ends 'pre-empted', and the agents air the emergency
// from the relay server.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startEnrolledAgents, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { MEDIA_RECORDER_WEBM, realtimeLavfi } from '../helpers/ffmpeg-args.ts';
import { seedWorld, waitForResults, waitOnline, DISTRICT, HA_DINH, type World } from '../helpers/world.ts';
import { startPcmSink, hubNow, type PcmSink } from '../helpers/pcm-sink.ts';
import { freePort } from '../helpers/ports.ts';
import { ICECAST, startIcecast, type Icecast } from '../helpers/icecast.ts';
import { icecastMount } from '../../hub/streaming/icecast-source.ts';

const ffmpeg = resolveFfmpeg().path;
const DEVICES = ['loa-ha-dinh-1', 'loa-ha-dinh-2'];
/** Seconds streamed; the tone starts this far in (silence before it, to see its onset at the sinks). */
const STREAM_S = 8;
const ONSET_S = 1;

let origin: Icecast;
let relayServer: Icecast;
let t: TestHub;
let w: World;
let tmp: string;
const agents: AgentProcess[] = [];
const sinks: PcmSink[] = [];
const recorders: Array<ChildProcessByStdio<null, Readable, null>> = [];

beforeAll(async () => {
  if (!existsSync(ICECAST))
    throw new Error(`${ICECAST} is missing: install the Debian package icecast2 (node test/peers/setup-peers.mjs)`);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-live-icecast-e2e-'));
  origin = await startIcecast();
  const httpPort = await freePort();
  relayServer = await startIcecast({
    burst: true,
    master: { port: origin.port, password: origin.password, updateInterval: 1 },
    listenerAuth: {
      url: `http://127.0.0.1:${httpPort}/icecast/listener`,
      username: 'icecast',
      password: origin.password,
    },
  });
  t = await startTestHub({
    httpPort,
    streamEngine: 'icecast',
    icecastOrigin: `http://127.0.0.1:${origin.port}`,
    icecastSourcePassword: origin.password,
    icecastListenUrl: `http://127.0.0.1:${origin.port}`,
    icecastListenUrls: { [DISTRICT]: `http://127.0.0.1:${relayServer.port}` },
  });
  w = await seedWorld(
    t,
    DEVICES.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
  );
  for (const id of DEVICES) sinks.push(await startPcmSink(path.join(tmp, `${id}.sock`)));
  agents.push(
    ...startEnrolledAgents({
      dir: tmp,
      hub: t.hub,
      tokens: w.tokens,
      ids: DEVICES,
      profileOf: (_id, i) => ({ ...SPEAKER_PROFILE, audioOutput: sinks[i]!.audioOutput }),
    }),
  );
  await waitOnline(t.admin, DEVICES);
}, 90_000);

afterAll(async () => {
  for (const r of recorders) if (r.exitCode === null) r.kill('SIGKILL');
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(sinks.map((s) => s.close()));
  await t?.stop();
  await Promise.all([origin, relayServer].map((i) => i?.stop()));
  rmSync(tmp, { recursive: true, force: true });
});

/** ffmpeg making WebM/Opus in real time: silence, then a tone, in 100 ms clusters on stdout. */
function recorder(seconds: number): ChildProcessByStdio<null, Readable, null> {
  const r = spawn(
    ffmpeg,
    [
      ...realtimeLavfi(
        `sine=frequency=440:sample_rate=48000:duration=${seconds},volume=enable='lt(t,${ONSET_S})':volume=0`,
      ),
      ...MEDIA_RECORDER_WEBM,
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  recorders.push(r);
  return r;
}

/** Goes live as `who` and opens the audio socket, as the live page does. */
async function goLive(who: World['leader'], title: string, priority: 'normal' | 'emergency') {
  const started = await who.post('/api/v1/live', { title, areaIds: [HA_DINH], priority });
  const ws = new WebSocket(`${t.hub.httpUrl.replace(/^http/, 'ws')}${started.audioUrl}`, {
    headers: { authorization: `Bearer ${who.token}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { started, ws };
}

/** Streams the recorder into the socket; resolves with the hub time of its first byte. */
function speak(ws: WebSocket, seconds: number): { firstByteAt: () => number; done: Promise<unknown> } {
  const rec = recorder(seconds);
  let first = 0;
  rec.stdout.on('data', (chunk: Buffer) => {
    first ||= hubNow();
    if (ws.readyState === WebSocket.OPEN) ws.send(chunk);
  });
  return { firstByteAt: () => first, done: new Promise((r) => rec.once('close', r)) };
}

/** Listeners of a mount, from Icecast's admin statistics (its status page sits behind the listener check). */
async function listenersOn(ice: Icecast, mount: string): Promise<number | null> {
  const authorization = `Basic ${Buffer.from(`admin:${ice.password}`).toString('base64')}`;
  const xml = await (await fetch(`http://127.0.0.1:${ice.port}/admin/stats`, { headers: { authorization } })).text();
  const source = xml.split('<source mount="').find((s) => s.startsWith(`${mount}"`));
  const n = source && /<listeners>(\d+)<\/listeners>/.exec(source)?.[1];
  return n ? Number(n) : null;
}

type Device = {
  deviceId: string;
  state: string;
  reason: string | null;
  secondsPlayed: number;
  evidence: {
    player: { decoder: string };
    relay: { live: boolean; secondsLost: number; dropouts: number; dropoutSeconds: number };
  };
};
const account = (d: Device) => JSON.stringify({ state: d.state, reason: d.reason, relay: d.evidence?.relay });

describe('a live session through Icecast: origin and relay server', () => {
  it('the agents pull it from the relay server; both receipts are admitted with the seconds aired', async () => {
    const { started, ws } = await goLive(w.leader, 'Họp tổ dân phố qua Icecast', 'normal');
    const mount = icecastMount(started.occurrenceId);
    // The page waits for the speakers' start, as the leader would see a countdown.
    await new Promise((r) => setTimeout(r, Math.max(0, started.startsAtMs - Date.now())));
    const voice = speak(ws, STREAM_S);

    // Mid-session: both devices listen on the relay server, which alone listens on the origin; the
    // hub's own fan-out has no device, and the hub knows who listens from its answers to Icecast.
    await new Promise((r) => setTimeout(r, (STREAM_S / 2) * 1000));
    expect(await listenersOn(relayServer, mount)).toBe(2);
    expect(await listenersOn(origin, mount)).toBe(1);
    const during = await w.leader.get(`/api/v1/live/${started.id}`);
    expect(during.state).toBe('live');
    expect(during.listeners.map((l: { state: string }) => l.state)).toEqual(['listening', 'listening']);
    expect(t.hub.ctx.live.session(started.id)!.listeners.every((l) => l.bytes === 0)).toBe(true);

    await voice.done;
    const streamedS = (hubNow() - voice.firstByteAt()) / 1000;
    const ended = await w.leader.post(`/api/v1/live/${started.id}/end`, {});
    expect(ended).toMatchObject({ state: 'ended', endReason: 'ended-by-user' });
    await new Promise((r) => ws.once('close', r));

    const done = await waitForResults(w.leader, started.broadcastId, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices as Device[]) {
      expect(d.state, account(d)).toBe('played');
      expect(d.secondsPlayed, account(d)).toBeGreaterThan(streamedS - 2);
      expect(d.secondsPlayed, account(d)).toBeLessThan(streamedS + 1.5);
      expect(d.evidence.relay, account(d)).toMatchObject({ live: true, secondsLost: 0 });
      expect(d.evidence.relay.dropoutSeconds, account(d)).toBeLessThan(1);
      // the agent says where it pulled the stream: the relay server
      expect(d.evidence.player.decoder).toContain(`← engine stream 127.0.0.1:${relayServer.port} ogg-opus`);
    }
    // The origin took the mount down with the session.
    expect(await listenersOn(origin, mount)).toBeNull();
    const audit = (await w.leader.get('/api/v1/audit?limit=50')).map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['live.start', 'live.end']));

    // Rough mouth-to-speaker delay through the engine (the latency bench has the figures).
    const delays = sinks.map((s) => {
      const play = s.plays.at(-1);
      return play?.firstAudibleAt ? Math.round(play.firstAudibleAt - (voice.firstByteAt() + ONSET_S * 1000)) : null;
    });
    console.log(
      `live through Icecast: streamed ${streamedS.toFixed(1)} s; aired ${done.devices.map((d: Device) => d.secondsPlayed).join(' / ')} s; dropouts ${done.devices.map((d: Device) => `${d.evidence.relay.dropouts} (${d.evidence.relay.dropoutSeconds} s)`).join(' / ')}; onset at the sinks after ${delays.join(' / ')} ms`,
    );
    for (const x of delays) expect(x).not.toBeNull();
  }, 120_000);

  it('an emergency from the district pre-empts a normal session; the agents air it from the relay server', async () => {
    const normal = await goLive(w.leader, 'Thông báo thường', 'normal');
    await new Promise((r) => setTimeout(r, Math.max(0, normal.started.startsAtMs - Date.now())));
    const first = speak(normal.ws, 20);
    await new Promise((r) => setTimeout(r, 3000));

    const urgent = await goLive(w.district, 'Khẩn cấp: tìm trẻ lạc', 'emergency');
    expect((await w.leader.get(`/api/v1/live/${normal.started.id}`)).endReason).toBe('pre-empted');
    await new Promise((r) => setTimeout(r, Math.max(0, urgent.started.startsAtMs - Date.now())));
    const second = speak(urgent.ws, 6);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await listenersOn(relayServer, icecastMount(urgent.started.occurrenceId))).toBe(2);
    await second.done;
    await w.district.post(`/api/v1/live/${urgent.started.id}/end`, {});
    await first.done;

    const done = await waitForResults(w.leader, urgent.started.broadcastId, 60_000);
    for (const d of done.devices as Device[]) {
      expect(d.state, account(d)).toBe('played');
      expect(d.secondsPlayed, account(d)).toBeGreaterThan(4);
      expect(d.evidence.relay, account(d)).toMatchObject({ live: true, secondsLost: 0 });
    }
    const pre = await waitForResults(w.leader, normal.started.broadcastId, 60_000);
    // The pre-empted session lasted ~3 s on the speakers: what they aired of it is at most that.
    for (const d of pre.devices as Device[]) expect(d.secondsPlayed, account(d)).toBeLessThan(5);
  }, 120_000);
});
