// Start-in-sync on real processes: a hub, speaker agents whose wall clocks libfaketime shifts, each
// playing into its own PCM sink (pcm-sink.ts) that this process reads. Schedules `starts` bulletins
// a few seconds apart and returns, per start, when each agent's first audible sample arrived (hub
// time), the skew between agents (latest − earliest) and the agents' receipts.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from './agent-process.ts';
import { vietnameseSpeech } from './audio.ts';
import { startHubProcess } from './hub-process.ts';
import { contentSkewMs, firstAudibleMs, SINK_RATE, startPcmSink, type PcmSink, type SinkPlay } from './pcm-sink.ts';
import { freePort } from './ports.ts';
import { HA_DINH, seedWorld, waitForResults, waitOnline } from './world.ts';
import { formatVn } from '../../hub/time.ts';
import type { BroadcastDevice } from './api-types.ts';
import type { z } from 'zod';
import type { SyncEvidence } from '../../protocol/index.ts';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startDemoStream, type DemoStream } from '../../cli/demo-stream.ts';
import { startIcecast, type Icecast } from './icecast.ts';

/**
 * The quiet the bulletin's media begins with, ms: the hub's file for speakers (opus, else the first
 * output), decoded as the agents' player decodes it (mono, 48 kHz).
 */
function leadInOf(hubDir: string, outputs: Array<{ format: string; file: string }>): number {
  const out = outputs.find((o) => o.format === 'opus') ?? outputs[0];
  if (!out) throw new Error('the media has no outputs');
  const pcm = execFileSync(
    resolveFfmpeg().path,
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      path.join(hubDir, 'media', out.file),
      '-vn',
      '-ac',
      '1',
      '-ar',
      `${SINK_RATE}`,
      '-f',
      's16le',
      'pipe:1',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return firstAudibleMs(pcm) ?? 0;
}

/** A device's row as the hub reports it, with the start evidence every receipt of a file carries. */
export type SyncedDevice = Omit<BroadcastDevice, 'evidence'> & { evidence: { sync: z.infer<typeof SyncEvidence> } };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
export const hasFaketime = () => existsSync(LIBFAKETIME);

export interface SyncStart {
  broadcastId: string;
  /** the planned start, hub ms */
  plannedAt: number;
  /** per agent: hub ms of the first audible sample at its sink (null: nothing audible arrived) */
  audibleAt: Record<string, number | null>;
  /**
   * per agent: when the bulletin's first sample left its sink − planned start, ms: the first audible
   * sample less the audio's own lead-in (a file: the quiet its media begins with; a relay: none). A
   * file's player opens its output early and feeds it silence, so its first byte says nothing.
   */
  startErrorMs: Record<string, number | null>;
  /** per agent: first byte at its sink − planned start, ms */
  firstByteErrorMs: Record<string, number | null>;
  /** latest − earliest first audible sample, ms (null if an agent played nothing) */
  skewMs: number | null;
  /** latest − earliest time the agents play the same audio (PCM cross-correlation), ms; null if not found */
  contentSkewMs: number | null;
  /** the hub's view of the occurrence: deviceId → result row (state, actualStart, evidence) */
  receipts: Record<string, SyncedDevice>;
}

export interface SyncWorld {
  /** the hub's data folder (its hub.sqlite holds the receipts) */
  hubDir: string;
  agents: Map<string, AgentProcess>;
  sinks: Map<string, PcmSink>;
  run(starts: number, o?: { spacingMs?: number; leadMs?: number }): Promise<SyncStart[]>;
  /**
   * The same with relays (tiếp âm) of `seconds` each: the hub pulls a local MP3 stream (the speech
   * looped at real time, cli/demo-stream.ts) and every agent plays the hub's Opus stream.
   */
  runRelays(starts: number, o?: { seconds?: number; leadMs?: number }): Promise<SyncStart[]>;
  stop(): Promise<void>;
}

/**
 * `skews`: device id → FAKETIME offset ("+2", "-2", "0"). `engine: 'icecast'`: relays go through an
 * Icecast origin and a relay server (burst-on-connect on), from which the agents pull them.
 */
export async function startSyncWorld(
  skews: Record<string, string>,
  o: { engine?: 'icecast' } = {},
): Promise<SyncWorld> {
  const ids = Object.keys(skews);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-sync-'));
  const engines: Icecast[] = [];
  let env: NodeJS.ProcessEnv = {};
  if (o.engine === 'icecast') {
    const origin = await startIcecast({ sources: 16 });
    engines.push(origin);
    const relayServer = await startIcecast({
      sources: 16,
      burst: true,
      master: { port: origin.port, password: origin.password, updateInterval: 1 },
    });
    engines.push(relayServer);
    env = {
      WARDCAST_STREAM_ENGINE: 'icecast',
      WARDCAST_ICECAST_ORIGIN: `http://127.0.0.1:${origin.port}`,
      WARDCAST_ICECAST_SOURCE_PASSWORD: origin.password,
      WARDCAST_ICECAST_LISTEN_URL: `http://127.0.0.1:${relayServer.port}`,
    };
  }
  const hub = await startHubProcess({
    dataDir: path.join(dir, 'hub'),
    httpPort: await freePort(),
    mqttPort: await freePort(),
    env,
  }).catch(async (e) => {
    await Promise.all(engines.map((i) => i.stop()));
    throw e;
  });
  const sinks = new Map<string, PcmSink>();
  const agents = new Map<string, AgentProcess>();
  let stream: DemoStream | null = null;
  const stop = async () => {
    await stream?.stop();
    await Promise.all([...agents.values()].map((a) => a.stop('SIGKILL')));
    await hub.stop('SIGKILL');
    await Promise.all(engines.map((i) => i.stop()));
    await Promise.all([...sinks.values()].map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  };
  let w: Awaited<ReturnType<typeof seedWorld>>;
  let media: { id: number; durationMs: number; outputs: Array<{ format: string; file: string }> };
  let speech = '';
  let mediaLeadInMs: number | undefined;
  try {
    w = await seedWorld(
      hub,
      ids.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
    );
    for (const id of ids) {
      const sink = await startPcmSink(path.join(dir, `${id}.sock`));
      sinks.set(id, sink);
      agents.set(
        id,
        startAgentProcess({
          dir: path.join(dir, id),
          hubUrl: hub.httpUrl,
          mqttUrl: hub.mqttUrl,
          enrolToken: w.tokens[id],
          profile: { ...SPEAKER_PROFILE, audioOutput: sink.audioOutput },
          env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: skews[id]!, FAKETIME_DONT_FAKE_MONOTONIC: '1' },
        }),
      );
    }
    await waitOnline(hub.admin, ids, 60_000);
    speech = vietnameseSpeech(dir, 'Thông báo của phường Hạ Đình.');
    const up = await w.official.upload('/api/v1/media', speech, 'a.mp3');
    media = await w.official.waitFor(
      async () => {
        const m = await w.official.get(`/api/v1/media/${up.id}`);
        if (m.status === 'failed') throw new Error(`media failed: ${m.error}`);
        return m.status === 'ready' ? m : null;
      },
      60_000,
      'media ready',
    );
  } catch (e) {
    await stop();
    throw e;
  }
  const approved = async (title: string, at: number, audio: Record<string, unknown>) => {
    const body = { title, ...audio, targets: { areas: [HA_DINH], devices: [] }, startsAt: formatVn(at) };
    // A keep-alive connection idle through a whole run is sometimes closed by the hub as it is
    // reused ("other side closed", before the request was read): once more on a new one.
    const b = await w.official.post('/api/v1/broadcasts', body).catch((e: Error) => {
      if ((e.cause as { code?: string } | undefined)?.code !== 'UND_ERR_SOCKET') throw e;
      return w.official.post('/api/v1/broadcasts', body);
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    return b as { id: string };
  };

  /** Schedules `starts` broadcasts `spacing` apart, waits for them, and reads each agent's sink. */
  const measure = async (
    starts: number,
    spacing: number,
    lengthMs: number,
    leadMs: number,
    audio: (i: number) => Record<string, unknown>,
    /** ms of quiet the audio itself begins with */
    leadInMs: () => number,
  ): Promise<SyncStart[]> => {
    const first = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
    const planned: Array<{ id: string; at: number }> = [];
    for (let i = 0; i < starts; i++) {
      const at = first + i * spacing;
      planned.push({ id: (await approved(`Đồng bộ ${i + 1}`, at, audio(i))).id, at });
    }
    const seen = new Map([...sinks].map(([id, s]) => [id, s.plays.length]));
    await sleep(planned.at(-1)!.at + lengthMs + 3000 - Date.now());
    const rows = await Promise.all(planned.map((p) => waitForResults(w.leader, p.id, 30_000)));
    const leadIn = leadInMs();
    return planned.map((p, i) => {
      const audibleAt: SyncStart['audibleAt'] = {};
      const startErrorMs: SyncStart['startErrorMs'] = {};
      const firstByteErrorMs: SyncStart['firstByteErrorMs'] = {};
      const matched: SinkPlay[] = [];
      for (const [id, sink] of sinks) {
        // the play of this start: the one whose sound (or, silent, its first byte) is nearest the
        // planned instant (a player may open its output more than once before it, silent)
        const at = (x: SinkPlay) => x.firstAudibleAt ?? x.firstByteAt;
        const play = sink.plays
          .slice(seen.get(id))
          .filter((x) => Math.abs(at(x) - p.at) < spacing / 2)
          .sort((a, b) => Math.abs(at(a) - p.at) - Math.abs(at(b) - p.at))[0];
        audibleAt[id] = play?.firstAudibleAt ?? null;
        startErrorMs[id] = play?.firstAudibleAt != null ? play.firstAudibleAt - leadIn - p.at : null;
        firstByteErrorMs[id] = play ? play.firstByteAt - p.at : null;
        if (play) matched.push(play);
      }
      const same = matched.length === sinks.size ? matched.map((x) => contentSkewMs(matched[0]!, x)) : [null];
      const contentSkew = same.every((x) => x !== null)
        ? Math.max(...(same as number[])) - Math.min(...(same as number[]))
        : null;
      const xs = Object.values(audibleAt);
      const skewMs = xs.every((x) => x !== null) ? Math.max(...(xs as number[])) - Math.min(...(xs as number[])) : null;
      const receipts = Object.fromEntries(rows[i].devices.map((d: BroadcastDevice) => [d.deviceId, d as SyncedDevice]));
      return {
        broadcastId: p.id,
        plannedAt: p.at,
        audibleAt,
        startErrorMs,
        firstByteErrorMs,
        skewMs,
        contentSkewMs: contentSkew,
        receipts,
      };
    });
  };

  return {
    hubDir: path.join(dir, 'hub'),
    agents,
    sinks,
    async run(starts, o = {}) {
      const spacing = o.spacingMs ?? Math.ceil((media.durationMs + 2500) / 1000) * 1000;
      return measure(
        starts,
        spacing,
        media.durationMs,
        o.leadMs ?? 8000,
        () => ({ mediaId: media.id }),
        () => (mediaLeadInMs ??= leadInOf(path.join(dir, 'hub'), media.outputs)),
      );
    },
    async runRelays(starts, o = {}) {
      const seconds = o.seconds ?? 5;
      stream ??= await startDemoStream(resolveFfmpeg().path, speech);
      const url = stream.url;
      // The hub pulls each relay 6 s ahead (11 s with an engine); a second apart from the next, they
      // never overlap on the agents.
      return measure(
        starts,
        (seconds + 3) * 1000,
        seconds * 1000,
        o.leadMs ?? (engines.length ? 14_000 : 9000),
        () => ({
          relay: { url, seconds },
        }),
        () => 0,
      );
    },
    stop,
  };
}
