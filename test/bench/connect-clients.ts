// One process of the connect benchmark's devices (connect-bench.ts): lightweight mqtt.js clients
// with real device credentials, each behaving as an agent's session does on the wire: connect with
// its id and password and a retained offline will, subscribe to the hub's status, announce a birth
// with a session number that grows on every connection, announce it again when a hub comes online
// live (as edge-agent/hub-presence.ts: a hub that subscribed after our birth never saw it), and
// after losing the broker retry with the agent's own backoff (edge-agent/backoff.ts: 1 s doubling
// to 15 s, ±30 % jitter). Devices come from a JSON file;
// CONNECT_DEBUG=1 prints their states every 5 s.
//   node bin/run-ts.mjs test/bench/connect-clients.ts <devices.json> <mqtt url> <first> <count>
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../../protocol/index.ts';
import { backoffDelay } from '../../edge-agent/backoff.ts';

const [file, url, first, count] = process.argv.slice(2);
const all = JSON.parse(readFileSync(file!, 'utf8')) as Array<{ id: string; password: string }>;
const devices = all.slice(Number(first), Number(first) + Number(count));
const t = topics();
const BACKOFF = { minMs: 1000, maxMs: 15_000, jitter: 0.3 };

let connected = 0;
let connecting = 0;
let waiting = 0;
if (process.env.CONNECT_DEBUG)
  setInterval(
    () => console.error(`clients ${first}+: connected ${connected} connecting ${connecting} waiting ${waiting}`),
    5000,
  ).unref();

function run(d: { id: string; password: string }) {
  let session = 0;
  let attempt = 0;
  let client: MqttClient | null = null;
  const status = (state: 'online' | 'offline', s: number) =>
    JSON.stringify({ state, session: s, deviceId: d.id, kind: 'led', agentVersion: 'bench', at: Date.now() });
  const connect = () => {
    session += 1;
    const s = session;
    let up = false;
    connecting++;
    client = mqtt.connect(url!, {
      clientId: d.id,
      username: d.id,
      password: d.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 60,
      reconnectPeriod: 0, // our own backoff, as the agent
      connectTimeout: 30_000,
      will: { topic: t.deviceStatus(d.id), payload: Buffer.from(status('offline', s)), qos: 1, retain: true },
    });
    client.on('connect', () => {
      connecting--;
      up = true;
      attempt = 0;
      connected++;
      // This connection's client: a subscribe callback can run after it closed (mqtt.js then has no store).
      const c = client!;
      const birth = () => c.connected && c.publish(t.deviceStatus(d.id), status('online', s), { qos: 1, retain: true });
      c.subscribe(t.hubStatus, { qos: 1 }, () => birth());
      c.on('message', (_topic, payload, packet) => {
        if (!packet.retain && payload.length && JSON.parse(payload.toString()).state === 'online') birth();
      });
    });
    client.on('error', () => {});
    client.on('close', () => {
      if (up) connected--;
      else connecting--;
      up = false;
      client!.removeAllListeners();
      client!.on('error', () => {});
      client!.end(true);
      waiting++;
      setTimeout(
        () => {
          waiting--;
          connect();
        },
        backoffDelay(attempt++, BACKOFF),
      );
    });
  };
  // The first connections spread over a few seconds, as a fleet that powers up.
  setTimeout(connect, Math.random() * 3000);
}

for (const d of devices) run(d);
process.on('disconnect', () => process.exit(0));
