// What every fault scenario shares: real processes (the hub through `wardcast hub`, agents through
// `wardcast agent`), a ward with officials, real Vietnamese speech, and the one check each
// scenario ends with: receipts expected = receipts arrived, no occurrence with two receipts, and
// a coverage report that is exact. Figures (receipts, time to recover) are collected and printed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect } from 'vitest';
import type { ApiClient } from '../../cli/api-client.ts';
import { startAgentProcess, SPEAKER_PROFILE, type AgentProcess } from '../helpers/agent-process.ts';
import { vietnameseSpeech } from '../helpers/audio.ts';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { freePort } from '../helpers/ports.ts';
import { HA_DINH, seedWorld, waitOnline, type World } from '../helpers/world.ts';
import { formatVn } from '../../hub/time.ts';
import type { CoverageRow, HubJson } from '../helpers/api-types.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A hub process and its agents in one temporary folder; stop() kills everything and removes it. */
export class FaultWorld {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-fault-'));
  hub!: HubProcess;
  w!: World;
  ports!: { httpPort: number; mqttPort: number };
  readonly agents = new Map<string, AgentProcess>();
  private mqttUrl?: string;
  private hubEnv?: Record<string, string>;

  /** Starts the hub (an external broker by URL, or the embedded one) and registers the devices. */
  async start(devices: string[], o: { mqttUrl?: string; hubEnv?: Record<string, string> } = {}): Promise<this> {
    this.ports = { httpPort: await freePort(), mqttPort: await freePort() };
    this.mqttUrl = o.mqttUrl;
    this.hubEnv = o.hubEnv;
    await this.startHub();
    this.w = await seedWorld(
      this.hub,
      devices.map((id) => ({ id, kind: 'speaker' as const, area: HA_DINH })),
    );
    return this;
  }

  async startHub(): Promise<HubProcess> {
    this.hub = await startHubProcess({
      dataDir: path.join(this.dir, 'hub'),
      ...this.ports,
      mqttUrl: this.mqttUrl,
      env: this.hubEnv,
    });
    // Logins made before a restart still hold: sessions live in the hub's database.
    return this.hub;
  }

  get brokerUrl(): string {
    return this.mqttUrl ?? this.hub.mqttUrl;
  }

  /** Starts (or restarts, on the same folder) a speaker agent as its own process. */
  startAgent(id: string, o: { hubUrl?: string; env?: Record<string, string>; extra?: object } = {}): AgentProcess {
    const agent = startAgentProcess({
      dir: path.join(this.dir, id),
      hubUrl: o.hubUrl ?? this.hub.httpUrl,
      mqttUrl: this.brokerUrl,
      enrolToken: this.w.tokens[id],
      profile: SPEAKER_PROFILE,
      extra: { telemetryIntervalMs: 2000, ...o.extra },
      env: o.env,
    });
    this.agents.set(id, agent);
    return agent;
  }

  async startAgents(ids: string[]): Promise<void> {
    for (const id of ids) this.startAgent(id);
    await waitOnline(this.hub.admin, ids, 60_000);
  }

  /** Uploads real Vietnamese speech and waits until it is transcoded. */
  async media(text: string): Promise<{ id: number; durationMs: number; outputs: Array<{ bytes: number }> }> {
    const dir = mkdtempSync(path.join(this.dir, 'speech-'));
    const up = await this.w.official.upload('/api/v1/media', vietnameseSpeech(dir, text), 'ban-tin.mp3');
    return this.w.official.waitFor(
      async () => {
        const m = await this.w.official.get(`/api/v1/media/${up.id}`);
        if (m.status === 'failed') throw new Error(`media failed: ${m.error}`);
        return m.status === 'ready' ? m : null;
      },
      60_000,
      'media ready',
    );
  }

  /** A ward bulletin, created by the official and approved by the leader. */
  async approvedBulletin(
    title: string,
    mediaId: number,
    startsAt: number,
    leader: ApiClient = this.w.leader,
  ): Promise<{ id: string }> {
    const b = await this.w.official.post('/api/v1/broadcasts', {
      title,
      mediaId,
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: formatVn(startsAt),
    });
    await leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    return b;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.agents.values()].map((a) => a.stop('SIGKILL')));
    await this.hub?.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One world for a test file: the hub and these speakers running before its tests, everything
 * stopped and the figures printed after them. Returns the world's getter.
 */
export function worldForFile(speakers: string[]): () => FaultWorld {
  let fw: FaultWorld | undefined;
  beforeAll(async () => {
    fw = await new FaultWorld().start(speakers);
    await fw.startAgents(speakers);
  }, 120_000);
  afterAll(async () => {
    printTallies();
    await fw?.stop();
  });
  return () => fw!;
}

/** Pids of processes whose command line matches (pgrep -f): an orphaned ffmpeg, say. */
/**
 * The ffmpeg processes below `pid` (children, grandchildren…), found by the process tree rather than
 * by their arguments: the agent's player reads its file from stdin, so its command line names none.
 */
export function ffmpegsUnder(pid: number): number[] {
  const parentOf = new Map<number, number>();
  const nameOf = new Map<number, string>();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      // pid (comm) state ppid …; comm may hold spaces, so read from its closing parenthesis
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      nameOf.set(Number(p), stat.slice(stat.indexOf('(') + 1, close));
      parentOf.set(Number(p), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  const below = (p: number): boolean => {
    for (let q = parentOf.get(p); q !== undefined && q > 1; q = parentOf.get(q)) if (q === pid) return true;
    return false;
  };
  return [...nameOf].filter(([p, name]) => name === 'ffmpeg' && below(p)).map(([p]) => p);
}

/** Whether a process is still there (and not a zombie). */
export function alive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export function processesMatching(pattern: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Every receipt the hub stored, straight from its database (read-only, beside the running hub). */
export function storedReceipts(hubDataDir: string): Array<{
  occurrence_id: string;
  device_id: string;
  result: string;
  state: string;
  seconds_played: number;
  reason: string | null;
}> {
  const db = new Database(path.join(hubDataDir, 'hub.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT occurrence_id, device_id, result, state, seconds_played, reason FROM receipts ORDER BY received_at',
      )
      .all() as Array<{
      occurrence_id: string;
      device_id: string;
      result: string;
      state: string;
      seconds_played: number;
      reason: string | null;
    }>;
  } finally {
    db.close();
  }
}

export interface Tally {
  scenario: string;
  expected: number;
  arrived: number;
  duplicates: number;
  recoverMs?: number;
  note?: string;
}
export const tallies: Tally[] = [];

export function printTallies(): void {
  if (!tallies.length) return;
  console.log('\nfault figures: receipts expected / arrived / duplicated, time to recover');
  for (const t of tallies) {
    console.log(
      `  ${t.scenario}: ${t.expected} / ${t.arrived} / ${t.duplicates}${t.recoverMs !== undefined ? `, recovered in ${(t.recoverMs / 1000).toFixed(1)} s` : ''}${t.note ? ` (${t.note})` : ''}`,
    );
  }
}

/**
 * Waits until every planned occurrence of the ward in the period has its receipt, then checks the
 * books: one receipt per occurrence and device (none rejected, none superseded), and the coverage
 * report's totals exactly as expected. Returns the report.
 */
export async function expectExactCoverage(
  fw: FaultWorld,
  scenario: string,
  o: {
    from: number;
    to: number;
    expected: Partial<Record<'played' | 'partial' | 'failed' | 'missed' | 'preempted' | 'skipped', number>>;
    /** when the fault ended (a restart): the time to recover runs from here to the last receipt */
    since?: number;
    timeoutMs?: number;
    note?: string;
  },
): Promise<HubJson> {
  const scheduled = Object.values(o.expected).reduce((a, b) => a + (b ?? 0), 0);
  const q = `/api/v1/reports/coverage?area=${encodeURIComponent(HA_DINH)}&from=${encodeURIComponent(formatVn(o.from)!)}&to=${encodeURIComponent(formatVn(o.to)!)}`;
  const report = await fw.hub.admin
    .waitFor(
      async () => {
        const r = await fw.hub.admin.get(q);
        return r.totals.scheduled === scheduled && r.rows.every((row: CoverageRow) => row.confirmed) ? r : null;
      },
      o.timeoutMs ?? 90_000,
      `${scenario}: every receipt in (${scheduled} expected)`,
    )
    .catch(async (err) => {
      const r = await fw.hub.admin.get(q);
      throw new Error(
        `${err.message}\nreport totals: ${JSON.stringify(r.totals)}\nrows: ${JSON.stringify(r.rows.map((x: CoverageRow) => [x.deviceId, x.occurrenceId, x.result, x.reason]))}`,
      );
    });
  const recoverMs = o.since === undefined ? undefined : Date.now() - o.since;
  const stored = storedReceipts(path.join(fw.dir, 'hub')).filter((r) =>
    report.rows.some((row: CoverageRow) => row.occurrenceId === r.occurrence_id),
  );
  const perOccurrence = new Map<string, number>();
  for (const r of stored)
    perOccurrence.set(
      `${r.occurrence_id}|${r.device_id}`,
      (perOccurrence.get(`${r.occurrence_id}|${r.device_id}`) ?? 0) + 1,
    );
  const duplicates = [...perOccurrence.values()].reduce((a, n) => a + n - 1, 0);
  tallies.push({ scenario, expected: scheduled, arrived: perOccurrence.size, duplicates, recoverMs, note: o.note });
  expect(
    stored.filter((r) => r.state !== 'admitted'),
    'receipts not admitted',
  ).toEqual([]);
  expect(perOccurrence.size, 'receipts arrived').toBe(scheduled);
  expect(duplicates, 'duplicate receipts').toBe(0);
  expect(report.rejectedCount ?? 0, 'rejected claims').toBe(0);
  const totals = { played: 0, partial: 0, failed: 0, missed: 0, preempted: 0, skipped: 0, pending: 0, ...o.expected };
  expect(
    report.totals,
    JSON.stringify(report.rows.map((x: CoverageRow) => [x.deviceId, x.result, x.reason])),
  ).toMatchObject({
    scheduled,
    ...totals,
  });
  return report;
}

/**
 * A TCP proxy that passes at most `bytesPerSecond` towards the client: a slow 3G link between a
 * device and the hub, so a test can catch a media download in the middle.
 */
export async function slowLink(
  targetPort: number,
  bytesPerSecond: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    const chunk = Math.max(1, Math.round(bytesPerSecond / 10));
    let queue = Buffer.alloc(0);
    let timer: NodeJS.Timeout | null = null;
    const drip = () => {
      const part = queue.subarray(0, chunk);
      queue = queue.subarray(part.length);
      if (part.length) client.write(part);
      timer = queue.length ? setTimeout(drip, 100) : null;
      if (!timer && upstreamEnded) client.end();
    };
    let upstreamEnded = false;
    upstream.on('data', (d: Buffer) => {
      queue = Buffer.concat([queue, d]);
      timer ??= setTimeout(drip, 0);
    });
    upstream.on('end', () => {
      upstreamEnded = true;
      if (!timer) client.end();
    });
    const close = () => {
      if (timer) clearTimeout(timer);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
