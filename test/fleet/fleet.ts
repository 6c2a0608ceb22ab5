// The fleet simulator: a real hub (its own process, `wardcast hub`), optionally a real Mosquitto, and
// N real edge agents spread over a few worker processes (fleet-worker.ts). It registers the devices
// through the hub's API, enrols them in parallel, waits until the hub counts them all online, sends
// a province-wide emergency and then a scheduled bulletin, and measures what each step costs.
// Nothing here times out a test: it measures, and says what failed. CLI: fleet-cli.ts.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startHubProcess, type HubProcess } from '../helpers/hub-process.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort } from '../helpers/ports.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import { distribution, openFileLimit, readProc, type Distribution, type ProcSample } from './proc-stats.ts';
import type {
  AgentAssignment,
  AgentRecord,
  FromWorker,
  WorkerMarked,
  WorkerOutbox,
  WorkerReport,
} from './fleet-messages.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface FleetOptions {
  agents: number;
  broker: 'embedded' | 'mosquitto';
  /** worker processes; default: as many as file descriptors and one event loop per ~2,500 agents need */
  workers?: number;
  /** enrolments in flight across all workers */
  concurrency?: number;
  /** devices per ward; wards are grouped ten to a district, under one province */
  perWard?: number;
  /** the bulletin starts this long after it is approved (manifests must reach every device first) */
  bulletinLeadS?: number;
  bulletin?: boolean;
  /** the agents' telemetry period (production default 15 s) */
  telemetryIntervalMs?: number;
  onlineTimeoutS?: number;
  confirmTimeoutS?: number;
  /**
   * After a broadcast's receipts are all stored (or the confirm wait ended): how long to wait for
   * the agents' outboxes to empty, so a receipt that is missing is either rejected by the hub or
   * still unacknowledged on its device, never unexplained (default 60 s: six of the agent's 10 s
   * resend intervals).
   */
  drainTimeoutS?: number;
  /**
   * Where the agents' data folders go. Default /dev/shm (tmpfs) when there is one: every agent
   * writes and fsyncs exactly as in production, but its "flash" is RAM, so the fsyncs of a
   * worker's thousands of agents do not serialise in that worker's event loop and make the
   * simulator, not the hub, the one that is late. The hub's data stays on disk.
   */
  agentsDir?: string;
  /** progress lines (to stderr in the CLI) */
  log?: (line: string) => void;
}

export interface BroadcastFigures {
  id: string;
  /** the API call that created (emergency) or approved (bulletin) it */
  apiMs: number;
  /** API call → every online device's receipt admitted */
  confirmS: number | null;
  played: number;
  admitted: number;
  /** each agent's actual output start minus the planned start, in ms (from the agents) */
  startLateMs: Distribution;
  /** play end (the receipt's actualEnd) → the hub stored the admitted receipt (received_at), ms */
  receiptDelayMs: Distribution;
  /** every online agent's receipt for it, accounted for */
  receipts: ReceiptAccount;
}

/**
 * Where each online agent's receipt for one broadcast ended up, one place per agent: admitted by
 * the hub; stored but rejected (by the hub's reason, receipts.rejection); signed but still in the
 * agent's outbox, unacknowledged; or never signed (played, no receipt yet; or never played).
 */
export interface ReceiptAccount {
  online: number;
  admitted: number;
  /** agents whose stored receipts were all rejected, by the hub's admission reason */
  rejected: Record<string, number>;
  /** signed and still in the agent's outbox when the run ended: the hub never acknowledged it */
  unacknowledged: number;
  /** acknowledged, yet the hub's database has no receipt from the agent: must be 0 (acks follow the commit) */
  ackedNotStored: number;
  /** started playing, but signed no receipt */
  notSigned: number;
  notPlayed: number;
  /** the bounded wait for the agents' outboxes to hold nothing for it: how long, and what was left */
  drainS: number;
  leftInOutboxes: number;
}

export interface ProcFigures {
  cpuS: number;
  peakRssMb: number;
}

export interface FleetReport {
  agents: number;
  broker: 'embedded' | 'mosquitto';
  workers: number;
  concurrency: number;
  areas: { districts: number; wards: number };
  openFileLimit: number;
  /** where the agents' data folders were */
  agentsDir: string;
  /** 1-minute load average at the start and at the end: the machine is shared, and this says how much */
  loadAverage: { start: number; end: number };
  /** registering the devices through the API (tokens), s */
  registerS: number;
  /** first enrolment started → the hub counts every device online, s (null: not all came online) */
  enrolOnlineS: number | null;
  enrolled: number;
  online: number;
  emergency: BroadcastFigures | null;
  bulletin: BroadcastFigures | null;
  hub: ProcFigures & { cpuByPhase: Record<string, number> };
  mosquitto?: ProcFigures;
  simulator: ProcFigures & {
    workerCpuS: number;
    cpuMsPerAgent: number;
    onlineCpuPctPerAgent: number | null;
    peakRssMbPerAgent: number;
    openFilesPerAgent: number;
    /** the workers' worst event-loop delay while enrolling, and while the broadcasts played: the simulator's own lateness */
    loopDelayMs: { enrol: { p99: number; max: number }; broadcasts: { p99: number; max: number } };
  };
  /** GET /api/v1/health while the fleet ran: how responsive the hub stayed */
  healthMs: Distribution;
  /**
   * The hub's own counters at the end (/metrics), labelled series only, zero where never counted:
   * receipts rejected by reason, duplicates (resends), device messages dropped by the per-device
   * rate limit (hub/ingest/rate-limit.ts) and device messages refused, by their label.
   */
  hubCounters: Record<string, number>;
  failures: string[];
}

export interface AreaPlan {
  province: string;
  wards: string[];
  districts: number;
}

/** One province, districts of up to ten wards, `perWard` devices to a ward (at least two wards). */
export function planAreas(agents: number, perWard: number): AreaPlan {
  const wards = Math.max(2, Math.ceil(agents / perWard));
  const districts = Math.ceil(wards / 10);
  const province = 'tinh-mo-phong';
  return {
    province,
    districts,
    wards: Array.from(
      { length: wards },
      (_, w) =>
        `${province}/huyen-${String(Math.floor(w / 10) + 1).padStart(2, '0')}/xa-${String(w + 1).padStart(3, '0')}`,
    ),
  };
}

/** Enough workers that none runs out of file descriptors (4 per agent, and one more while enrolling) or holds more than 2,500 agents in one event loop. */
export function defaultWorkers(agents: number, fdLimit = openFileLimit()): number {
  const byFds = Math.max(100, Math.floor((fdLimit - 200) / 5));
  return Math.max(1, Math.ceil(agents / Math.min(2500, byFds)));
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Worker {
  readonly child: ChildProcess;
  progress = { enrolled: 0, connected: 0, failed: 0 };
  private waiting = new Map<string, (m: FromWorker) => void>();
  fatal: string | null = null;
  readonly exited: Promise<void>;

  constructor(readonly index: number) {
    // fork through run-ts.mjs (tsx in-process), with the IPC channel; no inherited vitest flags.
    this.child = fork(path.join(root, 'bin', 'run-ts.mjs'), [path.join(import.meta.dirname, 'fleet-worker.ts')], {
      cwd: root,
      execArgv: [],
      env: { ...process.env, WARDCAST_FLEET_WORKER: String(index) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.exited = new Promise((r) => this.child.once('exit', () => r()));
    this.child.on('message', (m: FromWorker) => {
      if (m.type === 'progress') this.progress = { enrolled: m.enrolled, connected: m.connected, failed: m.failed };
      else if (m.type === 'fatal') this.fatal = m.error;
      this.waiting.get(m.type)?.(m);
      this.waiting.delete(m.type);
    });
  }

  send(m: Parameters<NonNullable<ChildProcess['send']>>[0]) {
    this.child.send(m);
  }

  /** Sends `m` and waits for the answer of type `answer` (or the worker's exit). */
  ask<T extends FromWorker>(m: object, answer: T['type'], timeoutMs = 600_000): Promise<T | null> {
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(null), timeoutMs);
      this.waiting.set(answer, (r) => {
        clearTimeout(t);
        resolve(r as T);
      });
      void this.exited.then(() => resolve(null)); // never rejects: it resolves when the worker exits
      if (this.child.connected) this.child.send(m);
      else resolve(null);
    });
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await this.ask({ type: 'stop' }, 'stopped', 60_000);
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(kill);
    }
  }
}

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; true if it did. */
async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      /* the hub may be too busy to answer: ask again */
    }
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** The hub's counters that say where device messages went (FleetReport.hubCounters). */
const COUNTERS =
  /^(wardcast_receipts_rejected_total|wardcast_receipts_duplicate_total|wardcast_mqtt_rate_limited_total|wardcast_mqtt_rejected_total|wardcast_receipts_total)(\{[^}]*\})? (\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/gm;
async function hubCounters(admin: ApiClient): Promise<Record<string, number>> {
  const text: string = await admin.get('/metrics');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(COUNTERS)) out[`${m[1]}${m[2] ?? ''}`] = Number(m[3]);
  return out;
}

/** The hub's own count of online LED devices, from its Prometheus metrics. */
async function onlineCount(admin: ApiClient): Promise<number> {
  const text: string = await admin.get('/metrics');
  const m = /^wardcast_devices\{kind="led",online="true"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

export async function runFleet(o: FleetOptions): Promise<FleetReport> {
  if (!Number.isInteger(o.agents) || o.agents < 1 || o.agents > 20_000)
    throw new Error(`--agents must be a whole number from 1 to 20000 (got ${o.agents})`);
  const say = o.log ?? (() => undefined);
  const N = o.agents;
  const fdLimit = openFileLimit();
  const workersN = o.workers ?? defaultWorkers(N, fdLimit);
  if (!Number.isInteger(workersN) || workersN < 1 || workersN > N)
    throw new Error(`--workers must be a whole number from 1 to the number of agents (got ${workersN})`);
  const perWorker = Math.ceil(N / workersN);
  if (perWorker * 5 + 200 > fdLimit)
    throw new Error(
      `${perWorker} agents per worker need about ${perWorker * 5 + 200} file descriptors, over this process's limit of ${fdLimit} (ulimit -n): use more --workers`,
    );
  // 8 in flight: against a hub that spends ~0.1 s of CPU on scrypt per enrolment and per connect,
  // 32 queue for longer than the agent's 15 s enrolment timeout, and a retry finds its token spent.
  const concurrency = o.concurrency ?? 8;
  const plan = planAreas(N, o.perWard ?? 100);
  const failures: string[] = [];
  const fail = (what: string) => {
    failures.push(what);
    say(`FAILURE: ${what}`);
  };

  const loadAtStart = os.loadavg()[0];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-fleet-'));
  const agentsRoot = mkdtempSync(
    path.join(o.agentsDir ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()), 'wardcast-fleet-agents-'),
  );
  let mosquitto: Mosquitto | null = null;
  let hub: HubProcess | null = null;
  const workers: Worker[] = [];
  let db: Database.Database | null = null;
  let healthStop = false;
  let healthLoop: Promise<void> = Promise.resolve();
  let stoppingHub = false;
  // Interrupted (Ctrl-C, a timeout's SIGTERM): no process or folder is left behind.
  const interrupted = (signal: NodeJS.Signals) => {
    for (const w of workers) w.child.kill('SIGKILL');
    hub?.child.kill('SIGKILL');
    void mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(agentsRoot, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (o.broker === 'mosquitto') mosquitto = await startMosquitto();
    hub = await startHubProcess({
      dataDir: path.join(dir, 'hub'),
      httpPort: await freePort(),
      mqttPort: await freePort(),
      mqttUrl: mosquitto?.url,
      env: mosquitto?.hubEnv,
      // WARDCAST_FLEET_HUB_LOG=<file>: the hub's warnings too, kept in that file after the run.
      logLevel: process.env.WARDCAST_FLEET_HUB_LOG ? 'warn' : 'error',
    });
    const hubPid = hub.child.pid!;
    const mqttUrl = mosquitto?.url ?? hub.mqttUrl;
    const admin = hub.admin;
    // The last reading of the hub's /proc, kept for the report should the hub die before the end.
    let hubLast: ProcSample | null = readProc(hubPid);
    const hubProc = () => (hubLast = readProc(hubPid) ?? hubLast);
    const hubCpu = () => hubProc()?.cpuS ?? NaN;
    let hubGone = false;
    hub.child.once('exit', (code, signal) => {
      hubGone = true;
      if (stoppingHub) return;
      fail(`the hub exited (${signal ?? `code ${code}`}); its last output:\n${hub!.output().slice(-2000)}`);
    });
    const cpuByPhase: Record<string, number> = {};
    let phaseStart = hubCpu();
    const phase = (name: string) => {
      const now = hubCpu();
      cpuByPhase[name] = Math.round((now - phaseStart) * 10) / 10;
      phaseStart = now;
    };

    // How responsive the hub stays: one health request in flight at a time, all through the run.
    const health: number[] = [];
    healthLoop = (async () => {
      while (!healthStop) {
        const t = performance.now();
        try {
          await fetch(`${hub!.httpUrl}/api/v1/health`, { signal: AbortSignal.timeout(30_000) });
          health.push(performance.now() - t);
        } catch {
          if (!hubGone) health.push(performance.now() - t);
        }
        hubProc();
        await sleep(250);
      }
    })();

    // The area tree and the people who send: a province office (district role at the province).
    await admin.post('/api/v1/areas', { slug: plan.province, name: 'Tỉnh Mô Phỏng', level: 'province' });
    for (let d = 1; d <= plan.districts; d++) {
      await admin.post('/api/v1/areas', {
        parentPath: plan.province,
        slug: `huyen-${String(d).padStart(2, '0')}`,
        name: `Huyện ${d}`,
        level: 'district',
      });
    }
    for (const w of plan.wards) {
      const parts = w.split('/');
      await admin.post('/api/v1/areas', {
        parentPath: parts.slice(0, 2).join('/'),
        slug: parts[2],
        name: `Xã ${parts[2].slice(3)}`,
        level: 'ward',
      });
    }
    await admin.post('/api/v1/users', {
      username: 'tinh',
      password: 'password-tinh',
      role: 'district',
      areaPath: plan.province,
    });
    const office = await hub.api.as('tinh', 'password-tinh');
    phase('setup');

    // Devices registered through the API, as an installer does; each gets its one-time token.
    say(`registering ${N} devices in ${plan.wards.length} wards of ${plan.districts} districts`);
    const assignments: AgentAssignment[] = Array.from({ length: N }, (_, i) => ({
      id: `fleet-${String(i + 1).padStart(5, '0')}`,
      dir: path.join(agentsRoot, String(i % workersN), `fleet-${String(i + 1).padStart(5, '0')}`),
      enrolToken: '',
    }));
    const t0 = performance.now();
    await pool(assignments, 8, async (a, i) => {
      const r = await admin.post('/api/v1/devices', {
        id: a.id,
        name: `Bảng LED mô phỏng ${i + 1}`,
        kind: 'led',
        areaPath: plan.wards[Math.floor(i / Math.ceil(N / plan.wards.length))],
      });
      a.enrolToken = r.enrolToken;
    });
    const registerS = (performance.now() - t0) / 1000;
    phase('register');

    // Enrolment: every worker starts its share at once, with bounded concurrency each.
    say(`enrolling ${N} agents in ${workersN} worker processes, ${concurrency} at a time`);
    for (let w = 0; w < workersN; w++) {
      mkdirSync(path.join(agentsRoot, String(w)), { recursive: true });
      workers.push(new Worker(w));
    }
    const tEnrol = performance.now();
    for (const [i, w] of workers.entries()) {
      w.send({
        type: 'start',
        hubUrl: hub!.httpUrl,
        mqttUrl,
        agents: assignments.filter((_, k) => k % workersN === i),
        concurrency: Math.max(1, Math.round(concurrency / workersN)),
        telemetryIntervalMs: o.telemetryIntervalMs,
      });
    }
    let online = 0;
    let lastSaid = 0;
    const allOnline = await until(
      async () => {
        const failed = workers.reduce((s, w) => s + w.progress.failed, 0);
        if (hubGone || workers.some((w) => w.fatal || w.child.exitCode !== null)) return true; // reported below
        online = await onlineCount(admin);
        if (performance.now() - lastSaid > 5000) {
          lastSaid = performance.now();
          const enrolled = workers.reduce((s, w) => s + w.progress.enrolled, 0);
          const connected = workers.reduce((s, w) => s + w.progress.connected, 0);
          say(
            `  ${((performance.now() - tEnrol) / 1000).toFixed(0)} s: ${enrolled} enrolled, ${connected} connected (agents), ${online} online (hub), ${failed} failed`,
          );
        }
        return online + failed >= N;
      },
      (o.onlineTimeoutS ?? 120 + N) * 1000,
      500,
    );
    // No enrolment may run on into the broadcasts and take the hub's CPU from them.
    for (const w of workers) if (w.child.connected) w.send({ type: 'halt' });
    const enrolOnlineS = online === N ? (performance.now() - tEnrol) / 1000 : null;
    phase('enrol+online');
    for (const w of workers)
      if (w.fatal || w.child.exitCode !== null)
        fail(`worker ${w.index} died: ${w.fatal ?? `exit ${w.child.exitCode}`}`);
    if (!allOnline || online < N)
      fail(
        `only ${online} of ${N} devices online after ${((performance.now() - tEnrol) / 1000).toFixed(0)} s; no more agents started`,
      );
    say(`${online} online${enrolOnlineS !== null ? ` after ${enrolOnlineS.toFixed(1)} s` : ''}`);

    db = new Database(path.join(dir, 'hub', 'hub.sqlite'), { readonly: true, fileMustExist: true });
    const admittedOf = db
      .prepare("SELECT COUNT(*) n FROM receipts WHERE broadcast_id = ? AND state = 'admitted'")
      .pluck();
    // Devices with any receipt stored for it, admitted or rejected: past this, waiting longer for
    // "admitted" only waits for what will never come.
    const storedOf = db.prepare('SELECT COUNT(DISTINCT device_id) n FROM receipts WHERE broadcast_id = ?').pluck();
    const drainTimeout = (o.drainTimeoutS ?? 60) * 1000;
    /** Waits (bounded) until no agent holds an unacknowledged receipt for `id`; what is left, and how long it took. */
    const drain = async (id: string, what: string) => {
      const t = performance.now();
      let left = NaN;
      await until(
        async () => {
          const answers = await Promise.all(
            workers.map((w) => w.ask<WorkerOutbox>({ type: 'outbox' }, 'outbox', 30_000)),
          );
          left = answers.reduce((n, a) => n + (a ? (a.unacked[id] ?? 0) + (a.unsigned[id] ?? 0) : NaN), 0);
          return hubGone || left === 0;
        },
        drainTimeout,
        1000,
      );
      const s = Math.round((performance.now() - t) / 100) / 10;
      say(
        `${what}: ${left === 0 ? "every agent's outbox is empty" : `${left} receipts still unacknowledged in the agents' outboxes`} after ${s} s more`,
      );
      return { drainS: s, leftInOutboxes: left };
    };
    const drained: Record<string, { drainS: number; leftInOutboxes: number }> = {};
    const confirmTimeout = (o.confirmTimeoutS ?? 120 + 0.1 * N) * 1000;
    const enrolDelay = (
      await Promise.all(workers.map((w) => w.ask<WorkerMarked>({ type: 'mark' }, 'marked', 60_000)))
    ).filter((r): r is WorkerMarked => !!r);
    const simCpuAtOnline = workers.reduce((s, w) => s + (readProc(w.child.pid!)?.cpuS ?? 0), 0);
    const tOnline = performance.now();

    // The emergency: the province office sends it at once (it needs no approval) to the whole province.
    let e: { id: string; apiMs: number; confirmS: number | null } | null = null;
    try {
      say('sending the emergency');
      const tE = performance.now();
      const created = await office.post('/api/v1/broadcasts', {
        title: 'Khẩn cấp: bão số 3',
        led: { pages: [{ lines: ['KHẨN CẤP: BÃO SỐ 3', 'Không ra khơi'], mode: 'flash', seconds: 2 }] },
        priority: 'emergency',
        targets: { areas: [plan.province], devices: [] },
        startsAt: 'now',
      });
      const eApiMs = performance.now() - tE;
      await until(() => hubGone || (storedOf.get(created.id) as number) >= online, confirmTimeout, 100);
      const eConfirmS =
        !hubGone && (admittedOf.get(created.id) as number) >= online ? (performance.now() - tE) / 1000 : null;
      if (eConfirmS === null)
        fail(
          `emergency: ${admittedOf.get(created.id)} of ${online} receipts admitted after ${((performance.now() - tE) / 1000).toFixed(0)} s`,
        );
      e = { id: created.id, apiMs: eApiMs, confirmS: eConfirmS };
      phase('emergency');
      say(
        `emergency confirmed by ${admittedOf.get(created.id)} devices${eConfirmS !== null ? ` ${eConfirmS.toFixed(1)} s after the call` : ''}`,
      );
      drained[created.id] = await drain(created.id, 'emergency');
    } catch (err) {
      fail(`emergency: ${(err as Error).message}`);
    }

    // A scheduled bulletin: submitted by the admin, approved by the province office; it starts
    // bulletinLeadS after approval, which is when the manifests must have reached every device.
    let b: { id: string; apiMs: number; confirmS: number | null } | null = null;
    if (o.bulletin !== false && !hubGone) {
      try {
        const leadS = o.bulletinLeadS ?? Math.round(20 + 0.03 * N);
        say(`scheduling a bulletin ${leadS} s ahead`);
        const draft = await admin.post('/api/v1/broadcasts', {
          title: 'Bản tin tiêm chủng',
          led: { pages: [{ lines: ['Tiêm chủng sởi', 'Thứ bảy tại trạm y tế'], mode: 'hold', seconds: 2 }] },
          priority: 'normal',
          targets: { areas: [plan.province], devices: [] },
          startsAt: new Date(Date.now() + leadS * 1000).toISOString(),
        });
        const tB = performance.now();
        await office.post(`/api/v1/broadcasts/${draft.id}/approve`, {});
        const apiMs = performance.now() - tB;
        await until(() => hubGone || (storedOf.get(draft.id) as number) >= online, leadS * 1000 + confirmTimeout, 250);
        const done = !hubGone && (admittedOf.get(draft.id) as number) >= online;
        if (!done)
          fail(
            `bulletin: ${admittedOf.get(draft.id)} of ${online} receipts admitted ${((performance.now() - tB) / 1000).toFixed(0)} s after approval`,
          );
        b = { id: draft.id, apiMs, confirmS: done ? (performance.now() - tB) / 1000 : null };
        phase('bulletin');
        drained[draft.id] = await drain(draft.id, 'bulletin');
      } catch (err) {
        fail(`bulletin: ${(err as Error).message}`);
      }
    }

    // What every agent saw, and the hub's admitted receipts.
    const reports = (
      await Promise.all(workers.map((w) => w.ask<WorkerReport>({ type: 'report' }, 'report', 120_000)))
    ).filter((r): r is WorkerReport => !!r);
    if (reports.length < workers.length) fail(`${workers.length - reports.length} workers did not report`);
    const records: AgentRecord[] = reports.flatMap((r) => r.agents);
    const simCpuEnd = reports.reduce((s, r) => s + r.cpuS, 0);
    const idleWindowS = (performance.now() - tOnline) / 1000;
    const hubAtEnd = hubProc();
    const brokerAtEnd: ProcSample | null = mosquitto ? readProc(mosquitto.pid ?? -1) : null;
    const enrolled = records.filter((r) => r.enrolledAt).length;
    // Agents that did not start, grouped by what they said (the first of each kind named).
    const byError = new Map<string, string[]>();
    for (const r of records) if (r.error) byError.set(r.error, [...(byError.get(r.error) ?? []), r.id]);
    for (const [error, ids] of byError) fail(`${ids.length} agents did not start (e.g. ${ids[0]}): ${error}`);

    const receiptRows = db
      .prepare("SELECT device_id, broadcast_id, result, actual_end, received_at FROM receipts WHERE state = 'admitted'")
      .all() as {
      device_id: string;
      broadcast_id: string;
      result: string;
      actual_end: number | null;
      received_at: number;
    }[];
    const heldOf = db.prepare(
      'SELECT state, rejection FROM receipts WHERE broadcast_id = ? AND device_id = ? ORDER BY received_at',
    );
    const figures = (id: string, apiMs: number, confirmS: number | null, what: string): BroadcastFigures => {
      const rows = receiptRows.filter((r) => r.broadcast_id === id);
      const got = new Set(rows.map((r) => r.device_id));
      const onlineAgents = records.filter((r) => r.connectedAt);
      const account: ReceiptAccount = {
        online: onlineAgents.length,
        admitted: 0,
        rejected: {},
        unacknowledged: 0,
        ackedNotStored: 0,
        notSigned: 0,
        notPlayed: 0,
        ...(drained[id] ?? { drainS: 0, leftInOutboxes: NaN }),
      };
      // One place per agent; every place but 'admitted' is a failure, with an example device.
      const where = (r: AgentRecord): string => {
        if (got.has(r.id)) {
          account.admitted++;
          return 'admitted';
        }
        const p = r.plays[id];
        if (!p) {
          account.notPlayed++;
          return 'never played it';
        }
        if (p.receiptQueuedAt === undefined) {
          account.notSigned++;
          return 'played, no receipt signed';
        }
        const held = heldOf.all(id, r.id) as { state: string; rejection: string | null }[];
        if (held.length) {
          const reason = held.find((h) => h.rejection)?.rejection ?? held.map((h) => h.state).join('+');
          account.rejected[reason] = (account.rejected[reason] ?? 0) + 1;
          return `receipt rejected by the hub as '${reason}'`;
        }
        if (p.ackedAt) {
          account.ackedNotStored++;
          return 'receipt acknowledged, not stored';
        }
        account.unacknowledged++;
        return `receipt ${p.result} still in the agent's outbox, unacknowledged`;
      };
      const why = new Map<string, string[]>();
      for (const r of onlineAgents) {
        const w = where(r);
        if (w !== 'admitted') why.set(w, [...(why.get(w) ?? []), r.id]);
      }
      if (why.size) {
        const rejectedIds = [...why]
          .filter(([k]) => k.startsWith('receipt rejected'))
          .flatMap(([, ids]) => ids.slice(0, 1));
        const detail = rejectedIds
          .map(
            (d) =>
              (db!
                .prepare(
                  'SELECT rejection_detail FROM receipts WHERE broadcast_id = ? AND device_id = ? AND rejection IS NOT NULL',
                )
                .pluck()
                .get(id, d) as string | undefined) ?? '',
          )
          .filter(Boolean);
        fail(
          `${what}: no admitted receipt from ${onlineAgents.length - account.admitted} online agents: ${[...why].map(([k, ids]) => `${ids.length} ${k} (e.g. ${ids[0]})`).join('; ')}${detail.length ? ` — the hub says: ${detail.join(' / ')}` : ''}`,
        );
      }
      const notPlayed = rows.filter((r) => r.result !== 'played');
      if (notPlayed.length)
        fail(
          `${what}: ${notPlayed.length} receipts say ${[...new Set(notPlayed.map((r) => r.result))].join('/')}, not played`,
        );
      const late: number[] = [];
      for (const r of records) {
        const p = r.plays[id];
        if (p && Number.isFinite(p.startedAt) && p.scheduledStart !== undefined)
          late.push(p.startedAt - p.scheduledStart);
      }
      return {
        id,
        apiMs: Math.round(apiMs),
        confirmS: confirmS === null ? null : Math.round(confirmS * 100) / 100,
        played: rows.length - notPlayed.length,
        admitted: rows.length,
        startLateMs: distribution(late),
        receiptDelayMs: distribution(
          rows.filter((r) => r.actual_end !== null).map((r) => r.received_at - r.actual_end!),
        ),
        receipts: account,
      };
    };
    const emergency = e ? figures(e.id, e.apiMs, e.confirmS, 'emergency') : null;
    const bulletin = b ? figures(b.id, b.apiMs, b.confirmS, 'bulletin') : null;

    const counters = hubGone ? {} : await hubCounters(admin).catch(() => ({}));
    const selfCpu = process.cpuUsage();
    const driverCpuS = (selfCpu.user + selfCpu.system) / 1e6;
    const workerPeak = reports.reduce((s, r) => s + r.peakRssMb, 0);
    const agentsRunning = Math.max(1, enrolled);
    healthStop = true;
    await healthLoop;
    return {
      agents: N,
      broker: o.broker,
      workers: workersN,
      concurrency,
      areas: { districts: plan.districts, wards: plan.wards.length },
      openFileLimit: fdLimit,
      agentsDir: path.dirname(agentsRoot),
      loadAverage: { start: Math.round(loadAtStart * 10) / 10, end: Math.round(os.loadavg()[0] * 10) / 10 },
      registerS: Math.round(registerS * 10) / 10,
      enrolOnlineS: enrolOnlineS === null ? null : Math.round(enrolOnlineS * 10) / 10,
      enrolled,
      online,
      emergency,
      bulletin,
      hub: {
        cpuS: Math.round((hubAtEnd?.cpuS ?? NaN) * 10) / 10,
        peakRssMb: Math.round(hubAtEnd?.peakRssMb ?? NaN),
        cpuByPhase,
      },
      ...(brokerAtEnd
        ? { mosquitto: { cpuS: Math.round(brokerAtEnd.cpuS * 10) / 10, peakRssMb: Math.round(brokerAtEnd.peakRssMb) } }
        : {}),
      simulator: {
        cpuS: Math.round((simCpuEnd + driverCpuS) * 10) / 10,
        workerCpuS: Math.round(simCpuEnd * 10) / 10,
        peakRssMb: Math.round(workerPeak + (readProc(process.pid)?.peakRssMb ?? 0)),
        cpuMsPerAgent: Math.round((simCpuEnd / agentsRunning) * 1000 * 10) / 10,
        // From all online to the end (the plays included): CPU per agent as a share of one core.
        onlineCpuPctPerAgent:
          idleWindowS > 0
            ? Math.round(((simCpuEnd - simCpuAtOnline) / idleWindowS / agentsRunning) * 100 * 1e4) / 1e4
            : null,
        peakRssMbPerAgent: Math.round((workerPeak / agentsRunning) * 100) / 100,
        loopDelayMs: {
          enrol: {
            p99: Math.max(...enrolDelay.map((r) => r.loopDelayMs.p99)),
            max: Math.max(...enrolDelay.map((r) => r.loopDelayMs.max)),
          },
          broadcasts: {
            p99: Math.max(...reports.map((r) => r.loopDelayMs.p99)),
            max: Math.max(...reports.map((r) => r.loopDelayMs.max)),
          },
        },
        openFilesPerAgent: Math.round((reports.reduce((s, r) => s + r.openFiles, 0) / agentsRunning) * 10) / 10,
      },
      hubCounters: counters,
      healthMs: (({ n, p50, p95, p99, max }) => ({
        n,
        p50: Math.round(p50),
        p95: Math.round(p95),
        p99: Math.round(p99),
        max: Math.round(max),
      }))(distribution(health)),
      failures,
    };
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    healthStop = true;
    await healthLoop;
    db?.close();
    await Promise.all(workers.map((w) => w.stop()));
    stoppingHub = true;
    await hub?.stop();
    if (hub && process.env.WARDCAST_FLEET_HUB_LOG) writeFileSync(process.env.WARDCAST_FLEET_HUB_LOG, hub.output());
    await mosquitto?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(agentsRoot, { recursive: true, force: true });
  }
}
