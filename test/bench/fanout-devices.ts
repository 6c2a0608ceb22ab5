// A process of lightweight simulated devices for fanout-bench.ts: each one logs in to the broker
// with its real device credentials, subscribes to the topics an agent subscribes to (its command,
// manifest and reply topics, and the command topic of its area and every ancestor), and checks
// every hub message as the agent does (protocol open(): the pinned hub key, the target, expiry,
// replay). It notes when each device's first play-now of an occurrence arrived and was accepted, and counts the
// manifests. Several processes share a large fleet: each connection holds a file descriptor.
// Driven by its parent over IPC: {connect: Device[], url, hubPublicKey, prefix} then {report: occurrenceId}.
import { createPublicKey } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { open, parseTopic, topics as makeTopics } from '../../protocol/index.ts';

export interface BenchDevice {
  deviceId: string;
  mqttUsername: string;
  mqttPassword: string;
  areaPaths: string[];
}
export type ToWorker =
  | { connect: BenchDevice[]; url: string; hubPublicKey: string; prefix: string }
  | { report: string; countOnly?: boolean } // a broadcast id; countOnly: the list left empty, its length in `count`
  | { profile: string } // start a CPU profile to be written to this file; '' writes it
  | { close: true };
export type FromWorker =
  | { connected: number; failed: string[] }
  | {
      report: {
        /** device, accepted at, arrived at (epoch ms) */
        received: Array<[string, number, number]>;
        count: number;
        rejected: number;
        manifests: number;
        commands: number;
      };
    }
  | { closed: true }
  | { profiling: boolean };

const clients: MqttClient[] = [];
/** occurrenceId → deviceId → the first accepted play-now: when accepted, when it arrived (epoch ms) */
const received = new Map<string, Map<string, [number, number]>>();
let rejected = 0;
let manifests = 0;
let commands = 0;

const send = (m: FromWorker) => process.send!(m);

async function connectAll(m: Extract<ToWorker, { connect: unknown }>) {
  const hubKey = createPublicKey(m.hubPublicKey);
  const t = makeTopics(m.prefix);
  const failed: string[] = [];
  let next = 0;
  // 32 handshakes at a time: a burst of thousands only measures the broker's accept queue.
  const one = async (d: BenchDevice) => {
    const seen = new Set<string>();
    const client = await mqtt.connectAsync(m.url, {
      protocolVersion: 4,
      clientId: d.deviceId,
      username: d.mqttUsername,
      password: d.mqttPassword,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 60_000,
      keepalive: 600,
    });
    client.on('error', () => {});
    // A device checks a message on its own CPU; here thousands share one process and would queue
    // behind each other's checks. So each arrival is noted as it is read, and its check (the same
    // one, in order) runs once this turn's reads are done: the arrival measures the broker, the
    // acceptance adds this process's queue.
    client.on('message', (topic, payload) => {
      const arrivedAt = Date.now();
      setImmediate(() => check(topic, payload, arrivedAt));
    });
    const check = (topic: string, payload: Buffer, arrivedAt: number) => {
      if (payload.length === 0) return;
      const parsed = parseTopic(topic, m.prefix);
      if (!parsed) return void rejected++;
      const r = open(hubKey, payload, {
        now: Date.now(),
        seen: (id) => seen.has(id),
        addressee: { deviceId: d.deviceId, areaPaths: d.areaPaths },
        arrivedOn: parsed,
      });
      if (!r.ok) return void rejected++;
      seen.add(r.envelope.id);
      if (r.body.type === 'schedule') manifests++;
      else if (r.body.type === 'play-now') {
        commands++;
        let byDevice = received.get(r.body.item.occurrenceId);
        if (!byDevice) received.set(r.body.item.occurrenceId, (byDevice = new Map()));
        // The same occurrence on two of its areas is played once: the first arrival counts.
        if (!byDevice.has(d.deviceId)) byDevice.set(d.deviceId, [Date.now(), arrivedAt]);
      } else commands++;
    };
    await client.subscribeAsync(
      [
        t.deviceCommand(d.deviceId),
        t.deviceSchedule(d.deviceId),
        t.deviceReply(d.deviceId),
        ...d.areaPaths.map((a) => t.areaCommand(a)),
      ],
      { qos: 1 },
    );
    clients.push(client);
  };
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < m.connect.length) {
        const d = m.connect[next++];
        // A loaded machine can make the broker close a connection whose CONNECT it read too late
        // (5 s): like an agent, try again, a few times.
        for (let attempt = 1; ; attempt++) {
          try {
            await one(d);
            break;
          } catch (err) {
            if (attempt < 3) continue;
            failed.push(`${d.deviceId}: ${(err as Error).message}`);
            break;
          }
        }
      }
    }),
  );
  send({ connected: clients.length, failed });
}

let profiler: { session: import('node:inspector/promises').Session; file: string } | null = null;

process.on('message', async (m: ToWorker) => {
  if ('connect' in m) return connectAll(m);
  if ('profile' in m) {
    if (m.profile) {
      const { Session } = await import('node:inspector/promises');
      const session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
      profiler = { session, file: m.profile };
    } else if (profiler) {
      const { profile } = await profiler.session.post('Profiler.stop');
      (await import('node:fs')).writeFileSync(profiler.file, JSON.stringify(profile));
      profiler.session.disconnect();
      profiler = null;
    }
    send({ profiling: profiler !== null });
    return;
  }
  if ('report' in m) {
    // m.report: a broadcast id; each device's first play-now of any of its occurrences
    const first = new Map<string, [number, number]>();
    for (const [occurrence, byDevice] of received) {
      if (!occurrence.startsWith(`${m.report}@`)) continue;
      for (const [id, at] of byDevice) if (at[0] < (first.get(id)?.[0] ?? Infinity)) first.set(id, at);
    }
    const list = [...first].map(([id, [accepted, arrived]]): [string, number, number] => [id, accepted, arrived]);
    // While the parent waits it asks for the count alone: 2,500 entries every 100 ms would be parsed
    // on the hub's own event loop (the benchmark's process), inflating the blocks it measures.
    send({ report: { received: m.countOnly ? [] : list, count: list.length, rejected, manifests, commands } });
    return;
  }
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
  send({ closed: true });
  process.exit(0);
});
process.on('disconnect', () => process.exit(0));
