// A live session (phát trực tiếp) on real parts: a hub and two real agents whose loudspeakers are
// PCM sinks this test reads. The leader goes live, opens the audio WebSocket and streams 8 s of
// WebM/Opus made by ffmpeg in real time (100 ms clusters, as MediaRecorder's timeslice), then ends
// the session: both receipts are admitted with the seconds aired near the streamed length, the
// dropouts counted, and the audit shows live.start and live.end. An official is refused, and so is a
// normal session in quiet hours. The delay from the tone's onset at the source to the first audible
// sample at each sink is printed (a rough figure: the latency bench is test/bench's).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveFfmpeg } from '../../firmware-bridge/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startEnrolledAgents, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { MEDIA_RECORDER_WEBM, realtimeLavfi } from '../helpers/ffmpeg-args.ts';
import { seedWorld, waitForResults, waitOnline, HA_DINH, KIM_GIANG, type World } from '../helpers/world.ts';
import { startPcmSink, hubNow, type PcmSink } from '../helpers/pcm-sink.ts';
import { formatVn } from '../../hub/time.ts';

const ffmpeg = resolveFfmpeg().path;
const DEVICES = ['loa-ha-dinh-1', 'loa-ha-dinh-2'];
/** Seconds streamed; the tone starts this far in (silence before it, to see its onset at the sinks). */
const STREAM_S = 8;
const ONSET_S = 1;

let t: TestHub;
let w: World;
let tmp: string;
const agents: AgentProcess[] = [];
const sinks: PcmSink[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-live-e2e-'));
  t = await startTestHub();
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
  await Promise.all(agents.map((a) => a.stop()));
  await Promise.all(sinks.map((s) => s.close()));
  await t?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** ffmpeg making WebM/Opus in real time: silence, then a tone, in 100 ms clusters on stdout. */
function recorder(): ChildProcessByStdio<null, Readable, null> {
  return spawn(
    ffmpeg,
    [
      ...realtimeLavfi(
        `sine=frequency=440:sample_rate=48000:duration=${STREAM_S},volume=enable='lt(t,${ONSET_S})':volume=0`,
      ),
      ...MEDIA_RECORDER_WEBM,
      'pipe:1',
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
}

const wsUrl = (audioUrl: string) => `${t.hub.httpUrl.replace(/^http/, 'ws')}${audioUrl}`;

describe('a live session from the leader to two agents', () => {
  it('refuses an official, and a normal session in quiet hours', async () => {
    const official = await fetch(`${t.hub.httpUrl}/api/v1/live`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.official.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Thử', areaIds: [HA_DINH], priority: 'normal' }),
    });
    expect(official.status).toBe(403);
    expect((await official.json()).code).toBe('live.role-forbidden');

    const now = Date.now();
    const hhmm = (ms: number) => formatVn(ms)!.slice(11, 16);
    const q = await w.district.post('/api/v1/quiet-hours', {
      areaPath: KIM_GIANG,
      start: hhmm(now - 30 * 60_000),
      end: hhmm(now + 90 * 60_000),
    });
    try {
      const quiet = await fetch(`${t.hub.httpUrl}/api/v1/live`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.leader.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Thử', areaIds: [KIM_GIANG], priority: 'normal' }),
      });
      expect(quiet.status).toBe(409);
      expect((await quiet.json()).code).toBe('quiet-hours');
    } finally {
      await fetch(`${t.hub.httpUrl}/api/v1/quiet-hours/${q.id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${w.district.token}` },
      });
    }
  });

  it('streams 8 s to both loudspeakers; both receipts are admitted with the seconds aired', async () => {
    // LIVE_BUFFER_MS=<ms> tries another buffer (the figures printed below); the default is 400 ms.
    const buffer = process.env.LIVE_BUFFER_MS ? Number(process.env.LIVE_BUFFER_MS) : undefined;
    const started = await w.leader.post('/api/v1/live', {
      title: 'Họp tổ dân phố',
      areaIds: [HA_DINH],
      priority: 'normal',
      ...(buffer === undefined ? {} : { bufferMs: buffer }),
    });
    expect(started).toMatchObject({ state: 'starting', bufferMs: buffer ?? 400 });
    // Someone else's login may not send the audio.
    const intruder = new WebSocket(wsUrl(started.audioUrl), {
      headers: { authorization: `Bearer ${w.district.token}` },
    });
    const refused = await new Promise<number>((resolve) =>
      intruder.on('unexpected-response', (_req, res) => resolve(res.statusCode!)),
    );
    expect(refused).toBe(403);

    const ws = new WebSocket(wsUrl(started.audioUrl), { headers: { authorization: `Bearer ${w.leader.token}` } });
    const statuses: Array<{ state: string; listeners: number }> = [];
    ws.on('message', (data, isBinary) => !isBinary && statuses.push(JSON.parse(String(data))));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    // The speakers start at startsAt: the page waits for it, as the leader would see a countdown.
    await new Promise((r) => setTimeout(r, Math.max(0, started.startsAtMs - Date.now())));
    const rec = recorder();
    let firstByteAt = 0;
    rec.stdout.on('data', (chunk: Buffer) => {
      firstByteAt ||= hubNow();
      ws.send(chunk);
    });
    await new Promise((r) => rec.once('close', r));
    const streamedS = (hubNow() - firstByteAt) / 1000;
    // Listening while it streams: both devices hold the stream.
    const during = await w.leader.get(`/api/v1/live/${started.id}`);
    expect(during.state).toBe('live');
    expect(during.listeners.map((l: { state: string }) => l.state)).toEqual(['listening', 'listening']);
    expect(statuses.some((s) => s.state === 'live' && s.listeners === 2)).toBe(true);

    const ended = await w.leader.post(`/api/v1/live/${started.id}/end`, {});
    expect(ended).toMatchObject({ state: 'ended', endReason: 'ended-by-user' });
    // Its last sign of life was stamped while the source streamed: where a crash of the hub would end it.
    const aliveAt = t.hub.ctx.db.prepare('SELECT alive_at FROM live_sessions WHERE id = ?').pluck().get(started.id);
    expect(aliveAt).toBeGreaterThan(firstByteAt);
    await new Promise((r) => ws.once('close', r));

    const done = await waitForResults(w.leader, started.broadcastId, 60_000);
    expect(done.devices).toHaveLength(2);
    for (const d of done.devices) {
      const account = JSON.stringify({ state: d.state, reason: d.reason, relay: d.evidence?.relay });
      // Shown here only when admitted: the detail reads admitted receipts.
      expect(d.state, account).toBe('played');
      expect(d.secondsPlayed, account).toBeGreaterThan(streamedS - 1.5);
      expect(d.secondsPlayed, account).toBeLessThan(streamedS + 1.5);
      expect(d.evidence.relay, account).toMatchObject({ live: true, secondsLost: 0 });
      expect(d.evidence.relay.dropouts, account).toBeGreaterThanOrEqual(0);
      expect(d.evidence.relay.dropoutSeconds, account).toBeLessThan(1);
    }
    const b = await w.leader.get(`/api/v1/broadcasts/${started.broadcastId}`);
    expect(b).toMatchObject({ status: 'approved', decisionCode: 'went-live' });
    // Its length is what it lasted, not the 30 minutes it could have.
    expect(b.durationMs / 1000).toBeGreaterThan(streamedS - 1);
    expect(b.durationMs / 1000).toBeLessThan(streamedS + 3);
    // The leader sees the session's entries in its area's audit log.
    const audit = await w.leader.get('/api/v1/audit?limit=50');
    const actions = audit.map((e: { action: string }) => e.action);
    expect(actions).toContain('live.start');
    expect(actions).toContain('live.end');

    // Rough mouth-to-speaker delay: the tone's onset at the source to its first sample at each sink.
    const delays = sinks.map((s) => {
      const play = s.plays.at(-1);
      return play?.firstAudibleAt ? play.firstAudibleAt - (firstByteAt + ONSET_S * 1000) : null;
    });
    console.log(
      `live: streamed ${streamedS.toFixed(1)} s; aired ${done.devices.map((d: { secondsPlayed: number }) => d.secondsPlayed).join(' / ')} s; dropouts ${done.devices.map((d: { evidence: { relay: { dropouts: number; dropoutSeconds: number } } }) => `${d.evidence.relay.dropouts} (${d.evidence.relay.dropoutSeconds} s)`).join(' / ')}; onset at the sinks after ${delays.map((x) => (x === null ? '—' : `${Math.round(x)} ms`)).join(' / ')} (buffer ${started.bufferMs} ms); started ${done.devices.map((d: { actualStart: string }) => Date.parse(d.actualStart) - started.startsAtMs).join(' / ')} ms after startsAt; first bytes at the sinks after ${sinks.map((s) => Math.round((s.plays.at(-1)?.firstByteAt ?? 0) - firstByteAt)).join(' / ')} ms; at the sinks ${sinks.map((s) => ((s.plays.at(-1)?.bytes ?? 0) / 96_000).toFixed(2)).join(' / ')} s`,
    );
    console.log(JSON.stringify(done.devices.map((d: { evidence: unknown }) => d.evidence)));
    for (const x of delays) expect(x).not.toBeNull();
  }, 120_000);
});
