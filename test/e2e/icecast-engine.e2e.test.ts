// Relays distributed by Icecast (streamEngine icecast, docs/relay.md "Beyond one hub"), on real
// parts: an upstream Icecast2 fed a tone by ffmpeg; the hub pulls it once and sends its Ogg Opus
// stream to an ORIGIN Icecast2 as a source; a second Icecast2, a RELAY SERVER (slave of the origin,
// relays always on, burst-on-connect as Icecast has it by default), mirrors the mount; two real agents
// of the district the relay server is named for pull from it, not from the hub. Both receipts are
// admitted as played. A play-now (phát ngay) to the ward goes the same way, the hub knowing the
// devices on the relay server by its listener check. Then the origin is dropped mid-relay: the relay server loses the mount, the
// agents air the ident, and their receipts count the seconds lost.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startEnrolledAgents, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, type World } from '../helpers/world.ts';
import { feedTone, uploadStationIdent, waitForMount, type Feeder, type Icecast } from '../helpers/icecast.ts';
import {
  at,
  listenersOn,
  scheduleRelay as schedule,
  startEngineServers,
  type EngineServers,
} from '../helpers/icecast-engine.ts';

const ffmpeg = resolveFfmpeg().path;
const DEVICES = ['loa-ha-dinh-1', 'loa-ha-dinh-2'];
const RELAY_S = 12;
const LONG_S = 24;
/** The hub pulls 11 s before the start with an engine (PREROLL_MS + ENGINE_PREROLL_MS). */
const LEAD_MS = 11_000;

let servers: EngineServers;
let upstream: Icecast;
let origin: Icecast;
let relayServer: Icecast;
let t: TestHub;
let w: World;
let tmp: string;
const agents: AgentProcess[] = [];
const feeders: Feeder[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-icecast-e2e-'));
  servers = await startEngineServers();
  ({ upstream, origin, relayServer } = servers);
  t = await startTestHub(servers.settings);
  w = await seedWorld(
    t,
    DEVICES.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
  );
  agents.push(...startEnrolledAgents({ dir: tmp, hub: t.hub, tokens: w.tokens, ids: DEVICES }));
  await waitOnline(t.admin, DEVICES);
}, 90_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(feeders.map((f) => f.stop()));
  await t?.stop();
  await servers?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const scheduleRelay = (title: string, mount: string, relay: Record<string, unknown> = {}, seconds = RELAY_S) =>
  schedule(w, {
    title,
    url: upstream.mountUrl(mount),
    area: HA_DINH,
    seconds,
    relay,
    startsAt: new Date(Date.now() + LEAD_MS).toISOString(),
  });

/** The hub's relay occurrence of a broadcast, once it is no longer on air (the hub keeps it 1.5 s past the end). */
const hubOccurrence = (broadcastId: string) =>
  w.leader.waitFor(
    async () => {
      const occ = t.hub.ctx.relays.list().find((o) => o.broadcastId === broadcastId);
      return occ && occ.state !== 'live' && occ.state !== 'waiting' ? occ : null;
    },
    10_000,
    'relay occurrence over',
  );

async function statusOf(url: string, credentials?: string): Promise<number> {
  const ac = new AbortController();
  const headers: Record<string, string> = credentials
    ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` }
    : {};
  const res = await fetch(url, { headers, signal: ac.signal });
  ac.abort();
  return res.status;
}

const account = (d: { state?: string; reason?: string | null; evidence?: { relay?: unknown } }) =>
  JSON.stringify({ state: d.state, reason: d.reason, relay: d.evidence?.relay });

describe('relays distributed by Icecast: origin and relay server', () => {
  it('the agents pull from the relay server, air the relay in full, and the hub serves only the origin', async () => {
    feeders.push(feedTone(ffmpeg, upstream, 'vov1.mp3', 440));
    await waitForMount(upstream.mountUrl('vov1.mp3'));
    const { b, start } = await scheduleRelay('Tiếp âm VOV1 qua Icecast', 'vov1.mp3');
    const occurrence = `${b.id}@${start}`;
    const mount = `/${occurrence}.ogg`;

    // Mid-relay: both devices listen on the relay server, which relays the origin's mount.
    await at(start, 4000);
    expect(await listenersOn(relayServer, mount)).toBe(2);
    expect(await listenersOn(origin, mount)).toBe(1); // the relay server alone
    // Devices only: without a device's credentials, or with wrong ones, the relay server says no.
    expect(await statusOf(relayServer.mountUrl(mount.slice(1)))).toBe(401);
    expect(await statusOf(relayServer.mountUrl(mount.slice(1)), `${DEVICES[0]}:wrong`)).toBe(401);

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      if (process.env.WARDCAST_TEST_FIGURES) console.log(`${d.deviceId}: ${account(d)}`);
      expect(d.state, account(d)).toBe('played');
      expect(d.secondsPlayed, account(d)).toBeGreaterThan(RELAY_S * 0.9);
      expect(d.evidence.relay).toMatchObject({ secondsLost: 0, lostAt: null, fallbackSeconds: 0 });
      expect(d.evidence.relay.secondsAired).toBeCloseTo(d.secondsPlayed, 1);
      expect(d.evidence.relay.bytes).toBeGreaterThan(RELAY_S * 2000);
    }
    // One pull, one listener of the hub's fan-out: the origin's source.
    const occ = await hubOccurrence(b.id);
    expect(occ).toMatchObject({ state: 'ended', lostAt: null });
    expect(occ!.stats.joined).toBe(1);
    expect(occ!.engine).toMatchObject({ connects: 1 });
    // Each agent took the stream's epoch from the hub (HEAD /streams/<occurrence>), to start on the same page.
    const metrics = await (
      await fetch(`${t.hub.httpUrl}/metrics`, {
        headers: { authorization: `Bearer ${(t.admin as unknown as { token: string }).token}` },
      })
    ).text();
    const heads = /wardcast_http_requests_total\{method="HEAD",status="200"\} (\d+)/.exec(metrics)?.[1];
    expect(Number(heads)).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('upstream lost and back: the mount goes and comes back on both servers, and the agents go back to it', async () => {
    feeders.push(feedTone(ffmpeg, upstream, 'back.mp3', 550));
    await waitForMount(upstream.mountUrl('back.mp3'));
    const { b, start } = await scheduleRelay('Tiếp âm (nguồn trở lại, qua Icecast)', 'back.mp3', {}, LONG_S);
    // The upstream dies 4 s in and is back 4 s later: the hub ends its source (Icecast takes the mount
    // down), pulls the upstream again and sends a new source on the same mount.
    await at(start, 4000);
    await feeders.at(-1)!.kill();
    await at(start, 8000);
    feeders.push(feedTone(ffmpeg, upstream, 'back.mp3', 550));

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      if (process.env.WARDCAST_TEST_FIGURES) console.log(`${d.deviceId}: ${account(d)}`);
      expect(d.state, account(d)).toBe('partial');
      const relay = d.evidence.relay;
      expect(relay.losses, account(d)).toHaveLength(1);
      const [loss] = relay.losses;
      expect(loss.at, account(d)).toBeGreaterThan(start + 3000);
      // back before the end, and aired again after the loss
      expect(loss.at + loss.seconds * 1000, account(d)).toBeLessThan(start + (LONG_S - 3) * 1000);
      expect(relay.secondsAired, account(d)).toBeGreaterThan((loss.at - start) / 1000 + 2);
      expect(relay.secondsAired + relay.secondsLost).toBeCloseTo(LONG_S, 0);
    }
    const occ = await hubOccurrence(b.id);
    expect(occ).toMatchObject({ state: 'ended' });
    expect(occ.losses).toHaveLength(1);
    expect(occ.engine).toMatchObject({ connects: 1 }); // the second stretch's source, connected once
  }, 120_000);

  it('play-now (phát ngay) to the ward: the agents pull from the relay server, and the hub knows them by its listener check', async () => {
    feeders.push(feedTone(ffmpeg, upstream, 'now.mp3', 480));
    await waitForMount(upstream.mountUrl('now.mp3'));
    // "Phát ngay": the hub sets the start at approval plus its lead (startLeadMs), and pulls at once.
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Tiếp âm phát ngay qua Icecast',
      relay: { url: upstream.mountUrl('now.mp3'), seconds: RELAY_S },
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: 'now',
    });
    const approvedAt = Date.now();
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    // (the API gives the start to the second; the occurrence, to the millisecond)
    const [{ occurrenceId }] = (await w.leader.get(`/api/v1/broadcasts/${b.id}`)).relayStreams;
    const start = Number(occurrenceId.split('@')[1]);
    const mount = `/${occurrenceId}.ogg`;

    // Mid-relay: both devices on the relay server (Icecast's count), let in by the hub's listener
    // check (the hub's count, by server), and none on the hub's own stream: its one listener is the source.
    await at(start, 5000);
    expect(await listenersOn(relayServer, mount)).toBe(2);
    const [occ] = (await w.leader.get(`/api/v1/broadcasts/${b.id}`)).relayStreams;
    expect(occ).toMatchObject({
      state: 'live',
      hubListeners: 1,
      engine: {
        status: 'sending',
        connects: 1,
        listenersKnown: true,
        listeners: 2,
        servers: [{ server: `127.0.0.1:${relayServer.port}`, devices: DEVICES }],
      },
    });
    expect(occ.engine.bytesSent).toBeGreaterThan(3 * 2000);

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      if (process.env.WARDCAST_TEST_FIGURES)
        console.log(
          `play-now, start ${(start - approvedAt) / 1000} s after approval: ${d.deviceId}: ${account(d)}; started ${d.actualStart}; evidence ${JSON.stringify(d.evidence)}`,
        );
      expect(d.state, account(d)).toBe('played');
      expect(d.evidence.relay, account(d)).toMatchObject({ secondsLost: 0, lostAt: null, fallbackSeconds: 0 });
      expect(d.secondsPlayed, account(d)).toBeGreaterThan(RELAY_S * 0.9);
    }
    // Over: the relay server told the hub both devices left (listener_remove), and the hub served no device itself.
    const over = await hubOccurrence(b.id);
    expect(over.stats.joined).toBe(1);
    expect(over.engineListeners).toMatchObject({ admitted: 2 });
    await w.leader.waitFor(
      async () => (Object.keys(t.hub.ctx.relays.occurrence(over.occurrenceId)!.engineListeners!.now).length ? null : 1),
      5000,
      'the devices to leave the relay server',
    );
  }, 90_000);

  it('origin dropped mid-relay: the agents air the ident and their receipts count the seconds lost', async () => {
    const identId = await uploadStationIdent(w.official, ffmpeg, tmp);

    feeders.push(feedTone(ffmpeg, upstream, 'cut.mp3', 660));
    await waitForMount(upstream.mountUrl('cut.mp3'));
    const { b, start } = await scheduleRelay('Tiếp âm (mất máy chủ gốc)', 'cut.mp3', {
      fallback: 'ident',
      identMediaId: identId,
    });
    await at(start, 4000);
    await origin.stop();

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      if (process.env.WARDCAST_TEST_FIGURES)
        console.log(`${d.deviceId}: ${account(d)}; lost ${(d.evidence.relay.lostAt - start) / 1000} s in`);
      expect(d.state, account(d)).toBe('partial');
      expect(d.reasonCode).toBe('upstream-lost');
      const relay = d.evidence.relay;
      expect(relay.fallback, account(d)).toBe('ident');
      expect(relay.fallbackSeconds, account(d)).toBeGreaterThan(1);
      expect(relay.secondsLost, account(d)).toBeGreaterThan(3);
      expect(relay.secondsAired + relay.secondsLost).toBeCloseTo(RELAY_S, 0);
      // Lost soon after the drop: the agent held only the pages placed at the start (HOLD_MS) and its
      // decoder's buffer. Had it kept the relay server's burst (every page since the mount came up, 64 KiB),
      // it would have aired seconds of older audio and been lost that much later.
      expect(relay.lostAt, account(d)).toBeGreaterThan(start + 3000);
      expect(relay.lostAt, account(d)).toBeLessThan(start + 4000 + 2500);
    }
    // The hub's own pull never failed: the loss was the engine's.
    expect(await hubOccurrence(b.id)).toMatchObject({ state: 'ended', lostAt: null });
  }, 120_000);
});
