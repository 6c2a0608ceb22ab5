// Runs an edge agent as its own process through the real `wardcast agent` command.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'wardcast.mjs');

export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `env` adds to the child's environment (e.g. libfaketime's LD_PRELOAD and FAKETIME); `nodeFlags` go before the script (V8 settings). */
export function startAgentProcess(o: {
  dir: string;
  hubUrl: string;
  mqttUrl: string;
  enrolToken?: string;
  profile: object;
  extra?: object;
  env?: Record<string, string>;
  nodeFlags?: string[];
}): AgentProcess {
  mkdirSync(o.dir, { recursive: true });
  const cfg = {
    dataDir: o.dir,
    hubUrl: o.hubUrl,
    mqttUrl: o.mqttUrl,
    enrolToken: o.enrolToken,
    profile: o.profile,
    logLevel: 'info',
    telemetryIntervalMs: 2000,
    ...o.extra,
  };
  const file = path.join(o.dir, 'agent.yaml');
  writeFileSync(file, YAML.stringify(JSON.parse(JSON.stringify(cfg))));
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), bin, 'agent', '--config', file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WARDCAST_DATA_DIR: '', WARDCAST_MQTT_URL: '', ...o.env },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return {
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill(signal);
      }),
  };
}

export const SPEAKER_PROFILE = {
  kind: 'speaker',
  amplifier: { driver: 'simulated', warmUpMs: 200, tailMs: 200 },
  audioOutput: 'null',
};
export const LED_PROFILE = { kind: 'led', board: { driver: 'simulated' } };

/**
 * One agent process per device id, each in its own folder under `dir`, enrolling with its token
 * to this hub. `profileOf` gives a device's profile (a speaker by default).
 */
export function startEnrolledAgents(o: {
  dir: string;
  hub: { httpUrl: string; mqttUrl: string };
  tokens: Record<string, string>;
  ids: readonly string[];
  profileOf?: (id: string, index: number) => object;
}): AgentProcess[] {
  return o.ids.map((id, i) =>
    startAgentProcess({
      dir: path.join(o.dir, id),
      hubUrl: o.hub.httpUrl,
      mqttUrl: o.hub.mqttUrl,
      enrolToken: o.tokens[id],
      profile: o.profileOf?.(id, i) ?? SPEAKER_PROFILE,
    }),
  );
}
