// One worker process of the fleet simulator: runs many real edge agents (edge-agent/main.ts, the
// same startAgent as `wardcast agent`) in this one process, each with its own data folder, SQLite
// store, identity and MQTT session. Only the hardware is simulated: an in-memory LED board that
// shows a message and holds it for the item's length (no serial line, no ffmpeg). Started by
// fleet.ts through fork(); it speaks fleet-messages.ts over the IPC channel.
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { startAgent, type RunningAgent } from '../../edge-agent/main.ts';
import { openFiles, readProc } from './proc-stats.ts';
import type { AgentAssignment, AgentRecord, FromWorker, ToWorker } from './fleet-messages.ts';

const worker = Number(process.env.WARDCAST_FLEET_WORKER ?? 0);
const send = (m: FromWorker) => process.send?.(m);
const records: AgentRecord[] = [];
const running: RunningAgent[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
// One logger for every agent here (errors only, unless WARDCAST_FLEET_LOG says otherwise): a pino
// instance per agent would cost memory for nothing.
const log = pino({ level: process.env.WARDCAST_FLEET_LOG || 'error', name: `fleet-worker-${worker}` });
let progressTimer: NodeJS.Timeout | null = null;
let halted = false;

// Each simulated device reaches the hub's HTTP API from its own address, as devices in the field
// do, through the hub's trusted loopback proxy (X-Forwarded-For). Without it, every enrolment comes
// from 127.0.0.1 and shares one address's limit of failed attempts. The agent's code is unchanged:
// its HTTP client (edge-agent/hub-http.ts, node:http) gets the header of the device whose call this
// is, from the call's async context.
const deviceAddress = new AsyncLocalStorage<string>();
const realRequest = http.request;
http.request = ((url: string | URL, options: http.RequestOptions, ...rest: unknown[]) => {
  const address = deviceAddress.getStore();
  const withAddress = address ? { ...options, headers: { ...options.headers, 'x-forwarded-for': address } } : options;
  return (realRequest as (...a: unknown[]) => http.ClientRequest)(url, withAddress, ...rest);
}) as typeof http.request;
const addressOf = (n: number) => `10.${worker % 256}.${(n >> 8) & 255}.${n & 255}`;

function counts() {
  let enrolled = 0;
  let connected = 0;
  let failed = 0;
  for (const r of records) {
    if (r.enrolledAt) enrolled++;
    if (r.connectedAt) connected++;
    if (r.error) failed++;
  }
  return { enrolled, connected, failed };
}

const CONNECT_WAIT_MS = 120_000;

async function startOne(a: AgentAssignment, n: number, o: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const rec: AgentRecord = {
    id: a.id,
    startedAt: Date.now(),
    enrolledAt: null,
    connectedAt: null,
    error: null,
    plays: {},
  };
  records.push(rec);
  try {
    const agent = await deviceAddress.run(addressOf(n), () =>
      startAgent(
        {
          dataDir: a.dir,
          hubUrl: o.hubUrl,
          mqttUrl: o.mqttUrl,
          enrolToken: a.enrolToken,
          profile: { kind: 'led', board: { driver: 'simulated', latencyMs: 0 } },
          logLevel: 'error',
          ...(o.telemetryIntervalMs ? { telemetryIntervalMs: o.telemetryIntervalMs } : {}),
        },
        { logger: log },
      ),
    );
    rec.enrolledAt = Date.now();
    running.push(agent);
    // Listeners go on before any I/O callback can run: startAgent only began connecting.
    let connected!: () => void;
    const firstConnect = new Promise<void>((r) => (connected = r));
    agent.events.on('connected', () => {
      rec.connectedAt ??= Date.now();
      connected();
    });
    agent.events.on('playing', (p: { broadcastId: string }) => {
      rec.plays[p.broadcastId] ??= { startedAt: Date.now() };
    });
    const byReceipt = new Map<string, string>();
    agent.events.on(
      'receipt-queued',
      (r: { id: string; broadcastId: string; scheduledStart: number; actualEnd: number | null; result: string }) => {
        const play = (rec.plays[r.broadcastId] ??= { startedAt: NaN });
        Object.assign(play, {
          receiptQueuedAt: Date.now(),
          scheduledStart: r.scheduledStart,
          actualEnd: r.actualEnd,
          result: r.result,
        });
        byReceipt.set(r.id, r.broadcastId);
      },
    );
    agent.events.on('receipt-acked', (id: string) => {
      const b = byReceipt.get(id);
      if (b && rec.plays[b]) rec.plays[b].ackedAt ??= Date.now();
    });
    // The lane is free once the agent is connected (or after CONNECT_WAIT_MS; it keeps trying by
    // itself): `concurrency` bounds enrolment and first connect together. Bounding enrolment alone
    // lets connects pile up on a hub that spends scrypt on each, until each outlasts its timeout
    // and every retry joins the queue (on main at 335b211 no device came online past ~200).
    await Promise.race([firstConnect, new Promise((r) => setTimeout(r, CONNECT_WAIT_MS).unref())]);
  } catch (e) {
    rec.error = (e as Error).message;
  }
}

async function start(o: Extract<ToWorker, { type: 'start' }>) {
  progressTimer = setInterval(() => send({ type: 'progress', worker, ...counts() }), 500);
  // Bounded concurrency: `concurrency` enrolments in flight, the next one as soon as one ends.
  let next = 0;
  const lane = async () => {
    while (next < o.agents.length && !halted) {
      const n = next++;
      await startOne(o.agents[n], n, o);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, o.agents.length)) }, lane));
}

function report(): FromWorker {
  const p = readProc(process.pid);
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    type: 'report',
    worker,
    agents: records,
    cpuS: p?.cpuS ?? NaN,
    peakRssMb: p?.peakRssMb ?? NaN,
    rssMb: p?.rssMb ?? NaN,
    openFiles: openFiles(),
    loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
  };
}

/** What the agents still hold: the hub has not acknowledged it (see WorkerOutbox). */
function outbox(): FromWorker {
  const unacked: Record<string, number> = {};
  const unsigned: Record<string, number> = {};
  for (const r of records) {
    for (const [b, p] of Object.entries(r.plays)) {
      if (p.receiptQueuedAt === undefined) unsigned[b] = (unsigned[b] ?? 0) + 1;
      else if (p.ackedAt === undefined) unacked[b] = (unacked[b] ?? 0) + 1;
    }
  }
  let receipts = 0;
  for (const a of running) {
    try {
      receipts += a.status().outboxSize;
    } catch {
      /* a stopped agent's store is closed */
    }
  }
  return { type: 'outbox', worker, receipts, unacked, unsigned };
}

/** Starts a new measuring phase: the event-loop delay since the last mark, then a fresh histogram. */
function mark() {
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  send({
    type: 'marked',
    worker,
    loopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
  });
  loopDelay.reset();
}

async function stop() {
  if (progressTimer) clearInterval(progressTimer);
  await Promise.all(running.map((a) => a.stop().catch(() => undefined)));
  send({ type: 'stopped', worker });
  process.disconnect?.();
}

process.on('message', (m: ToWorker) => {
  const run =
    m.type === 'start'
      ? start(m)
      : m.type === 'report'
        ? Promise.resolve(send(report()))
        : m.type === 'mark'
          ? Promise.resolve(mark())
          : m.type === 'outbox'
            ? Promise.resolve(send(outbox()))
            : m.type === 'halt'
              ? Promise.resolve(void (halted = true))
              : stop();
  run.catch((e) => send({ type: 'fatal', worker, error: (e as Error).stack ?? String(e) }));
});
// The driver went away (it crashed or was killed): stop the agents rather than linger.
process.on('disconnect', () => {
  if (progressTimer) clearInterval(progressTimer);
  void Promise.all(running.map((a) => a.stop().catch(() => undefined))).then(() => process.exit(0));
});
