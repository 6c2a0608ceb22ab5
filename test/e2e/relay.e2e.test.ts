// Relay (tiếp âm) on real parts: Debian's Icecast2 fed by ffmpeg with a generated tone is the
// upstream; the hub pulls it once per occurrence (ffmpeg: loudnorm, Opus 24 kb/s mono) and two real
// agent processes play the hub's stream. Then the feeder is killed mid-relay: the hub's stream
// ends, the agents air the fallback (the station ident) and their receipts, admitted, say how many
// seconds aired, how many were lost, and why. Then the upstream comes back within the
// occurrence (the feeder restarted; the hub restarted): the hub pulls it again, the agents go back
// to the stream, and the receipts show two stretches aired with the loss between.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startEnrolledAgents, type AgentProcess } from '../helpers/agent-process.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, type World } from '../helpers/world.ts';
import type { HubJson } from '../helpers/api-types.ts';
import { freePort } from '../helpers/ports.ts';
import {
  feedTone,
  ICECAST,
  startIcecast,
  uploadStationIdent,
  waitForMount,
  type Feeder,
  type Icecast,
} from '../helpers/icecast.ts';

const ffmpeg = resolveFfmpeg().path;
const DEVICES = ['loa-ha-dinh-1', 'loa-ha-dinh-2'];
/** Each relay occurrence lasts this long; it starts this far ahead (the hub pulls 6 s before). */
const RELAY_S = 12;
const LEAD_MS = 9000;

let ice: Icecast;
let t: TestHub;
let w: World;
let tmp: string;
let ports: { httpPort: number; mqttPort: number };
/** the station ident uploaded by the second test, aired by the later ones while lost */
let identId: number;
const agents: AgentProcess[] = [];
const feeders: Feeder[] = [];

beforeAll(async () => {
  if (!existsSync(ICECAST))
    throw new Error(`${ICECAST} is missing: install the Debian package icecast2 (node test/peers/setup-peers.mjs)`);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-relay-e2e-'));
  ice = await startIcecast();
  // Fixed ports: the last test restarts the hub on the same folder, and the agents find it again.
  ports = { httpPort: await freePort(), mqttPort: await freePort() };
  t = await startTestHub(ports);
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
  await ice?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const startsAt = () => new Date(Date.now() + LEAD_MS).toISOString();

async function scheduleRelay(title: string, mount: string, relay: Record<string, unknown> = {}, seconds = RELAY_S) {
  const b = await w.official.post('/api/v1/broadcasts', {
    title,
    relay: { url: ice.mountUrl(mount), seconds, ...relay },
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: startsAt(),
  });
  await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  return b;
}

/** The hub's relay occurrences of a broadcast, once none is on air any more. */
const hubOccurrences = (broadcastId: string) =>
  w.leader.waitFor(
    async () => {
      const occ = t.hub.ctx.relays.list().filter((o) => o.broadcastId === broadcastId);
      return occ.length && occ.every((o) => o.state !== 'live' && o.state !== 'waiting') ? occ : null;
    },
    10_000,
    'relay occurrences over',
  );

/** A receipt's relay account, for the assertion messages. */
const account = (d: { state?: string; reason?: string | null; evidence?: { relay?: unknown } }) =>
  JSON.stringify({ state: d.state, reason: d.reason, relay: d.evidence?.relay });

describe('a relay (tiếp âm) from a local Icecast2', () => {
  it('is pulled once by the hub, played by both agents, and their receipts admitted', async () => {
    const feeder = feedTone(ffmpeg, ice, 'vov1.mp3', 440);
    feeders.push(feeder);
    await waitForMount(ice.mountUrl('vov1.mp3'));
    const b = await scheduleRelay('Tiếp âm thời sự VOV1', 'vov1.mp3');
    expect(b.relay).toMatchObject({ seconds: RELAY_S, fallback: 'silence' });
    expect(b.durationMs).toBe(RELAY_S * 1000);

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      // Shown here only when admitted: the detail reads admitted receipts.
      expect(d.state, account(d)).toBe('played');
      expect(d.secondsPlayed).toBeGreaterThan(RELAY_S * 0.9);
      expect(d.secondsPlayed).toBeLessThanOrEqual(RELAY_S + 2);
      expect(d.evidence.relay).toMatchObject({ secondsLost: 0, lostAt: null, fallbackSeconds: 0 });
      expect(d.evidence.relay.secondsAired).toBeCloseTo(d.secondsPlayed, 1);
      // about 24 kb/s of Ogg Opus reached the device
      expect(d.evidence.relay.bytes).toBeGreaterThan(RELAY_S * 2000);
      expect(d.evidence.relay.bytes).toBeLessThan(RELAY_S * 6000);
    }
    // One pull for both devices (the hub keeps it a moment past the end, so every agent ends on sound).
    const occ = await hubOccurrences(b.id);
    expect(occ).toHaveLength(1);
    expect(occ[0]).toMatchObject({ state: 'ended', lostAt: null });
    expect(occ[0]!.stats.joined).toBe(2);
    await feeder.stop();
  }, 90_000);

  it('upstream killed mid-relay: the agents air the fallback and say what was aired and lost', async () => {
    // The station ident: a short tone uploaded like any bulletin.
    identId = await uploadStationIdent(w.official, ffmpeg, tmp);

    const feeder = feedTone(ffmpeg, ice, 'cut.mp3', 660);
    feeders.push(feeder);
    await waitForMount(ice.mountUrl('cut.mp3'));
    const b = await scheduleRelay('Tiếp âm (nguồn bị ngắt)', 'cut.mp3', { fallback: 'ident', identMediaId: identId });
    const start = Date.parse((await w.leader.get(`/api/v1/broadcasts/${b.id}`)).startsAt);
    // Kill the source about 3.5 s into the relay. The stream still airs about 5 s after: the hub's
    // loudnorm look-ahead (3 s) and the agent's start window (the pages of the last 0.7 s before the
    // instant, edge-agent/relay-player.ts HOLD_MS) are in the pipe.
    await new Promise((r) => setTimeout(r, Math.max(0, start + 3500 - Date.now())));
    await feeder.kill();

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      expect(d.state, account(d)).toBe('partial');
      expect(d.reasonCode).toBe('upstream-lost');
      const relay = d.evidence.relay;
      expect(relay.fallback, account(d)).toBe('ident');
      expect(relay.secondsAired).toBeGreaterThan(1);
      expect(relay.secondsAired).toBeLessThan(RELAY_S * 0.75);
      expect(relay.secondsAired + relay.secondsLost).toBeCloseTo(RELAY_S, 0);
      expect(relay.fallbackSeconds).toBeGreaterThan(1);
      // the stream, then the ident, in real time: together about the planned length
      expect(Math.abs(relay.secondsAired + relay.fallbackSeconds - RELAY_S)).toBeLessThan(2.5);
      expect(relay.lostAt).toBeGreaterThan(start);
      expect(relay.lostAt).toBeLessThan(start + RELAY_S * 1000);
      expect(d.secondsPlayed).toBeCloseTo(relay.secondsAired, 1);
    }
    const [occ] = await hubOccurrences(b.id);
    expect(occ).toMatchObject({ state: 'lost' });
    expect(occ!.error).toMatch(/upstream ended/);
  }, 120_000);

  /** Waits until `ms` after the occurrence's start. */
  const at = (start: number, ms: number) => new Promise((r) => setTimeout(r, Math.max(0, start + ms - Date.now())));
  const LONG_S = 24;

  /**
   * A receipt of a relay lost once and back: partial for upstream-lost, one stretch lost from
   * `lostAfterMs`, and more aired than the first stretch (the stream aired again after the loss).
   */
  function expectLostAndBack(d: HubJson, start: number, lostAfterMs: number, lostBeforeMs: number) {
    if (process.env.WARDCAST_TEST_FIGURES)
      console.log(
        `${d.deviceId}: ${account(d)}; lost ${((d.evidence.relay.losses?.[0]?.at ?? start) - start) / 1000} s in`,
      );
    expect(d.state, account(d)).toBe('partial');
    expect(d.reasonCode).toBe('upstream-lost');
    const relay = d.evidence.relay;
    expect(relay.losses, account(d)).toHaveLength(1);
    const [loss] = relay.losses;
    expect(loss.at, account(d)).toBeGreaterThan(start + lostAfterMs);
    expect(loss.at, account(d)).toBeLessThan(start + lostBeforeMs);
    expect(relay.lostAt).toBe(loss.at);
    // back before the end, with time to air a second stretch
    expect(loss.at + loss.seconds * 1000, account(d)).toBeLessThan(start + (LONG_S - 3) * 1000);
    const firstStretch = (loss.at - start) / 1000;
    expect(relay.secondsAired, account(d)).toBeGreaterThan(firstStretch + 2);
    expect(relay.secondsAired + relay.secondsLost).toBeCloseTo(LONG_S, 0);
    expect(loss.seconds).toBeLessThanOrEqual(relay.secondsLost + 0.5);
    expect(d.secondsPlayed).toBeCloseTo(relay.secondsAired, 1);
  }

  it('upstream back within the occurrence: the hub pulls it again and the agents go back to it', async () => {
    const feeder = feedTone(ffmpeg, ice, 'back.mp3', 550);
    feeders.push(feeder);
    await waitForMount(ice.mountUrl('back.mp3'));
    const b = await scheduleRelay(
      'Tiếp âm (nguồn trở lại)',
      'back.mp3',
      { fallback: 'ident', identMediaId: identId },
      LONG_S,
    );
    const start = Date.parse((await w.leader.get(`/api/v1/broadcasts/${b.id}`)).startsAt);
    // The source dies 4 s in and is back 4 s later (the hub tries again after 1, 2, 4 s).
    await at(start, 4000);
    await feeder.kill();
    await at(start, 8000);
    feeders.push(feedTone(ffmpeg, ice, 'back.mp3', 550));

    const done = await waitForResults(w.leader, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      expectLostAndBack(d, start, 3000, 11_000); // the pipeline holds ~4 s of audio, the start ~0.7 s more
      // the ident aired while lost
      expect(d.evidence.relay.fallback).toBe('ident');
      expect(d.evidence.relay.fallbackSeconds, account(d)).toBeGreaterThan(1);
    }
    const [occ] = await hubOccurrences(b.id);
    expect(occ).toMatchObject({ state: 'ended' });
    expect(occ!.losses).toHaveLength(1);
    expect(occ!.losses[0]!.resumedAt).toBeGreaterThan(start + 8000);
    expect(occ!.stats.joined).toBeGreaterThanOrEqual(4); // each device joined twice
  }, 120_000);

  it('hub restarted mid-relay: it pulls the upstream again and the agents go back to its stream', async () => {
    const feeder = feedTone(ffmpeg, ice, 'restart.mp3', 770);
    feeders.push(feeder);
    await waitForMount(ice.mountUrl('restart.mp3'));
    const b = await scheduleRelay('Tiếp âm (hub khởi động lại)', 'restart.mp3', { fallback: 'silence' }, LONG_S);
    const start = Date.parse((await w.leader.get(`/api/v1/broadcasts/${b.id}`)).startsAt);
    await at(start, 4000);
    await t.stop(true);
    await at(start, 6000);
    t = await startTestHub(ports, t.dir);

    const done = await waitForResults(t.admin, b.id, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      expectLostAndBack(d, start, 3000, 7000); // the decoder plays out what it holds (the start held 0.7 s)
      expect(d.evidence.relay).toMatchObject({ fallback: 'silence', fallbackSeconds: 0 });
    }
    // the restarted hub knows the occurrence from its start again and pulled it once more
    const occ = t.hub.ctx.relays.list().filter((o) => o.broadcastId === b.id);
    expect(occ).toHaveLength(1);
    expect(occ[0]!.stats.joined).toBe(2);
  }, 120_000);
});
