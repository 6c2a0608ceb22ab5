// A real Mosquitto on a free loopback port, without persistence: a restart loses every retained
// message and session, as a broker without persistence does in the field. By default it runs the
// configuration `wardcast broker mosquitto-config` writes (dynamic security, no anonymous access),
// and the hub logs in with `hubConfig`; `open: true` gives an anonymous broker for tests of other
// things than access.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync as readFileSyncText, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports.ts';
import { MOSQUITTO_LIMITS } from '../../hub/broker/mosquitto-config.ts';
import { writeMosquittoSetup } from '../../hub/broker/mosquitto-setup.ts';

export interface Mosquitto {
  port: number;
  url: string;
  /** the running broker's process id (for its CPU and memory in benchmarks) */
  readonly pid: number | undefined;
  /** The hub's settings for this broker (its admin login; empty for an open broker). */
  hubConfig: { mqttUrl: string; mqttUsername?: string; mqttPassword?: string; mqttAccess?: 'broker' };
  /** The same as the hub's environment. */
  hubEnv: Record<string, string>;
  /** The dynamic-security plugin's file (read at start, saved by the plugin); null for an open broker. */
  dynsecFile: string | null;
  /** The last 64 KiB of what the broker logged (connects, disconnects, warnings). */
  output(): string;
  /** Kills it (SIGKILL: nothing saved) and starts a new one on the same port. */
  restart(downMs?: number): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function listening(port: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > until) reject(new Error(`mosquitto did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startMosquitto(o: { open?: boolean } = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-mosquitto-'));
  const port = await freePort();
  const url = `mqtt://127.0.0.1:${port}`;
  let conf = path.join(dir, 'mosquitto.conf');
  // An open broker enforces nothing, and has no plugin for the hub to provision.
  let hubConfig: Mosquitto['hubConfig'] = { mqttUrl: url, mqttAccess: 'broker' };
  let hubEnv: Record<string, string> = { WARDCAST_MQTT_URL: url, WARDCAST_MQTT_ACCESS: 'broker' };
  let dynsecFile: string | null = null;
  if (o.open) {
    writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        ...MOSQUITTO_LIMITS, // the same limits as the generated configuration
        'persistence false',
        'log_dest stderr',
        'log_type error',
        '',
      ].join('\n'),
    );
  } else {
    const setup = writeMosquittoSetup({ dir, port, host: '127.0.0.1', persistence: false });
    conf = setup.confFile;
    hubConfig = { mqttUrl: url, mqttUsername: setup.hubUsername, mqttPassword: setup.hubPassword };
    hubEnv = setup.env;
    dynsecFile = setup.dynsecFile;
    // Started as root, mosquitto drops to its own user, which must be able to save the plugin's file.
    if (process.getuid?.() === 0) {
      const u = mosquittoUser();
      if (u) for (const f of ['', ...readdirSync(dir)]) chownSync(path.join(dir, f), u.uid, u.gid);
    }
  }
  let child: ChildProcess | null = null;
  // The broker logs a line or two per connect and disconnect to stderr. The pipe must be read: a
  // full pipe (64 KiB, a few hundred devices' connects) blocks Mosquitto in write(2), and the whole
  // broker stops, hub connection and all. Only the tail is kept, for diagnostics.
  let logTail = '';
  const LOG_TAIL = 64 * 1024;

  const kill = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  const start = async () => {
    child = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      logTail = (logTail + chunk).slice(-LOG_TAIL);
    });
    await listening(port);
  };
  await start();
  return {
    port,
    url,
    get pid() {
      return child?.pid;
    },
    hubConfig,
    hubEnv,
    dynsecFile,
    output: () => logTail,
    kill,
    start,
    async restart(downMs = 0) {
      await kill();
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function mosquittoUser(): { uid: number; gid: number } | null {
  try {
    const line = readFileSyncText('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('mosquitto:'));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}
