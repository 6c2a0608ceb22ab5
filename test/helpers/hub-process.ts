// Runs the hub as its own process through the real `wardcast hub` command, so a test can kill it
// with SIGKILL (a crash, a power cut) and start it again on the same data folder and ports.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ApiClient } from '../../cli/api-client.ts';
import { ADMIN_PASSWORD } from './test-hub.ts';

const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'wardcast.mjs');

export interface HubProcess {
  child: ChildProcess;
  httpUrl: string;
  mqttUrl: string;
  api: ApiClient;
  admin: ApiClient;
  output: () => string;
  /** SIGTERM (a clean stop) by default; SIGKILL for a crash. Resolves when the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startHubProcess(o: {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  mqttUrl?: string;
  env?: NodeJS.ProcessEnv;
  logLevel?: string /** another checkout's bin/wardcast.mjs (benchmarks against main) */;
  bin?: string;
}): Promise<HubProcess> {
  const args = [
    o.bin ?? bin,
    'hub',
    '--data-dir',
    o.dataDir,
    '--http-port',
    String(o.httpPort),
    '--mqtt-port',
    String(o.mqttPort),
    '--log-level',
    o.logLevel ?? 'warn',
  ];
  if (o.mqttUrl) args.push('--mqtt-url', o.mqttUrl);
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WARDCAST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WARDCAST_MQTT_URL: '',
      WARDCAST_DATA_DIR: '',
      ...o.env,
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) {
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill(signal);
      await exited;
      clearTimeout(kill);
    }
  };
  const deadline = Date.now() + 60_000;
  while (!/wardcast hub: (\S+) \(MQTT (\S+)\)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop('SIGKILL');
      throw new Error(`the hub did not start:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const [, httpUrl, mqttUrl] = /wardcast hub: (\S+) \(MQTT (\S+)\)/.exec(out)!;
  const api = new ApiClient(httpUrl);
  return { child, httpUrl, mqttUrl, api, admin: await api.as('admin', ADMIN_PASSWORD), output: () => out, stop };
}
