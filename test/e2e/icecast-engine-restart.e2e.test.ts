// A hub killed (SIGKILL: a crash, a power cut) in the middle of a relay distributed by Icecast
// (streamEngine icecast), on the engine's real servers (test/helpers/icecast-engine.ts) and the
// real `wardcast hub` command, started again on the same data folder and ports 2 s later. What
// happens: the hub's source dies with it, so the origin takes the mount down and the relay server
// loses it; the agents air the fallback (the station ident) for the gap. The restarted hub finds
// the occurrence still on in its database, pulls the upstream again and sends a new source on the
// same mount; the relay server mirrors it within its next look; the agents, asking all along, are
// let in again by the restarted hub's listener check, take the new stream's epoch from it, and
// carry on to the end. Their receipts, admitted by the restarted hub, count the seconds lost and why.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { startEnrolledAgents, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, type World } from '../helpers/world.ts';
import { freePort } from '../helpers/ports.ts';
import { feedTone, uploadStationIdent, waitForMount, type Feeder } from '../helpers/icecast.ts';
import { at, listenersOn, scheduleRelay, startEngineServers, type EngineServers } from '../helpers/icecast-engine.ts';

const ffmpeg = resolveFfmpeg().path;
const DEVICES = ['loa-ha-dinh-1', 'loa-ha-dinh-2'];
const RELAY_S = 36;
/** The hub pulls 11 s before the start with an engine (PREROLL_MS + ENGINE_PREROLL_MS). */
const LEAD_MS = 11_000;
const KILL_AT_MS = 5000;
const RESTART_AT_MS = 7000;

let servers: EngineServers;
let hub: HubProcess;
let w: World;
let tmp: string;
let feeder: Feeder | undefined;
const agents: AgentProcess[] = [];
const start = (port: number, mqttPort: number) =>
  startHubProcess({ dataDir: path.join(tmp, 'hub'), httpPort: port, mqttPort, env: servers.env, logLevel: 'info' });

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-icecast-restart-'));
  servers = await startEngineServers();
  hub = await start(servers.httpPort, await freePort());
  w = await seedWorld(
    hub,
    DEVICES.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
  );
  agents.push(...startEnrolledAgents({ dir: tmp, hub, tokens: w.tokens, ids: DEVICES }));
  await waitOnline(hub.admin, DEVICES);
}, 90_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await feeder?.stop();
  await hub?.stop();
  await servers?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const account = (d: { state?: string; reason?: string | null; evidence?: { relay?: unknown } }) =>
  JSON.stringify({ state: d.state, reason: d.reason, relay: d.evidence?.relay });

it('hub killed mid-relay and started again: the source comes back on the mount, and the agents air the ident for the gap and carry on', async () => {
  const { upstream, origin, relayServer } = servers;
  const identId = await uploadStationIdent(w.official, ffmpeg, tmp);
  feeder = feedTone(ffmpeg, upstream, 'crash.mp3', 620);
  await waitForMount(upstream.mountUrl('crash.mp3'));
  const { b } = await scheduleRelay(w, {
    title: 'Tiếp âm (hub bị tắt đột ngột)',
    url: upstream.mountUrl('crash.mp3'),
    area: HA_DINH,
    seconds: RELAY_S,
    relay: { fallback: 'ident', identMediaId: identId },
    startsAt: new Date(Date.now() + LEAD_MS).toISOString(),
  });
  const [{ occurrenceId }] = (await w.leader.get(`/api/v1/broadcasts/${b.id}`)).relayStreams;
  const startAt = Number(occurrenceId.split('@')[1]);
  const mount = `/${occurrenceId}.ogg`;

  await at(startAt, 3000);
  expect(await listenersOn(relayServer, mount)).toBe(2);
  await at(startAt, KILL_AT_MS);
  const { httpPort, mqttPort } = { httpPort: servers.httpPort, mqttPort: Number(new URL(hub.mqttUrl).port) };
  await hub.stop('SIGKILL');
  const killedAt = Date.now();
  // The source went with the hub: the origin has no such mount any more.
  await w.leader.waitFor(async () => ((await listenersOn(origin, mount)) === null ? 1 : null), 3000, 'the mount gone');
  await at(startAt, RESTART_AT_MS);
  hub = await start(httpPort, mqttPort);
  const restartedAt = Date.now();

  const leader = await hub.api.as('lanhdao', 'password-lanhdao');
  const done = await waitForResults(leader, b.id, 60_000);
  expect(done.devices).toHaveLength(2);
  for (const d of done.devices) {
    const relay = d.evidence.relay;
    if (process.env.WARDCAST_TEST_FIGURES)
      console.log(
        `${d.deviceId}: killed ${(killedAt - startAt) / 1000} s in, up again ${(restartedAt - startAt) / 1000} s in; ${account(d)}`,
      );
    expect(d.state, account(d)).toBe('partial');
    expect(d.reasonCode, account(d)).toBe('upstream-lost');
    // Why, in the device's words: the engine's stream ended, and the hub could not be reached.
    expect(d.reason, account(d)).toMatch(
      /the stream engine ended the stream before the planned end; the hub could not be reached \(down or restarting\)/,
    );
    expect(relay.losses, account(d)).toHaveLength(1);
    const [loss] = relay.losses;
    // Lost at the kill (plus what the decoder held), back after the restart and well before the end.
    expect(loss.at, account(d)).toBeGreaterThan(startAt + KILL_AT_MS - 500);
    expect(loss.at, account(d)).toBeLessThan(killedAt + 3000);
    expect(loss.at + loss.seconds * 1000, account(d)).toBeGreaterThan(restartedAt);
    expect(loss.at + loss.seconds * 1000, account(d)).toBeLessThan(startAt + (RELAY_S - 4) * 1000);
    // The ident aired for the gap; the relay aired before it and again after it.
    expect(relay.fallback, account(d)).toBe('ident');
    expect(relay.fallbackSeconds, account(d)).toBeGreaterThan(1);
    expect(relay.secondsAired, account(d)).toBeGreaterThan((loss.at - startAt) / 1000 + 3);
    expect(relay.secondsAired + relay.secondsLost).toBeCloseTo(RELAY_S, 0);
  }
  // The restarted hub ran the occurrence again: one pull, one source on the origin (no device on the
  // hub's own stream), and both devices let in again by its listener check on the relay server.
  const occ = await leader.waitFor(
    async () => {
      const [o] = (await leader.get(`/api/v1/broadcasts/${b.id}`)).relayStreams;
      return o.state === 'live' ? null : o;
    },
    10_000,
    'the occurrence over',
  );
  expect(occ, JSON.stringify(occ)).toMatchObject({
    occurrenceId,
    state: 'ended',
    losses: 0, // its own pull, from the restart on, never failed
    hubListeners: 0,
    engine: { status: 'stopped', connects: 1, listeners: 0 },
  });
  // (a device let in before the relay server had the mount again is let in once more when it has)
  expect(occ.engine.admitted).toBeGreaterThanOrEqual(2);
  expect(hub.output()).toMatch(/icecast: sending the relay to the origin/);
}, 150_000);
