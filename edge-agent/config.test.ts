// Config loading (YAML file, environment, flags) with defaults and errors that name the field, and the
// reconnect backoff that keeps thousands of agents from reconnecting in lockstep.
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadAgentConfig, parseAgentConfig } from './config.ts';
import { backoffDelay } from './backoff.ts';
import { tempDir } from './test-support/helpers.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
/** A folder removed after the test. */
function folder(): string {
  const tmp = tempDir();
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

describe('agent config', () => {
  it('reads YAML, resolves dataDir against the file, applies defaults and WARDCAST_* overrides', () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'agent.yaml');
    writeFileSync(
      file,
      [
        'dataDir: ./data',
        'hubUrl: http://hub.local:8080',
        'mqttUrl: mqtt://hub.local:1883',
        'profile:',
        '  kind: speaker',
        '  amplifier:',
        '    driver: simulated',
      ].join('\n'),
    );
    const cfg = loadAgentConfig(
      file,
      {},
      { WARDCAST_MQTT_URL: 'mqtt://10.0.0.2:1883', WARDCAST_LATE_GRACE_MS: '30000' },
    );
    expect(cfg).toMatchObject({
      dataDir: path.join(tmp.dir, 'data'),
      mqttUrl: 'mqtt://10.0.0.2:1883',
      lateGraceMs: 30_000,
      telemetryIntervalMs: 15_000,
      clockSyncIntervalMs: 60_000,
      receiptRetryMs: 10_000,
      reconnectMinMs: 1000,
      reconnectMaxMs: 15_000,
      reconnectJitter: 0.3,
      clockTrustWaitMs: 30_000,
      hubBirthMinIntervalMs: 5000,
      logLevel: 'info',
    });
    expect(cfg.profile).toMatchObject({
      kind: 'speaker',
      audioOutput: 'null',
      amplifier: { warmUpMs: 1500, tailMs: 1000, minPlayingCurrentMa: 150 },
    });
  });

  it("takes flags over the environment, the environment over the file (the hub's order)", () => {
    const dir = folder();
    const file = path.join(dir, 'agent.json');
    writeFileSync(
      file,
      JSON.stringify({
        dataDir: './data',
        hubUrl: 'http://from-file:8080',
        mqttUrl: 'mqtt://from-file:1883',
        logLevel: 'warn',
        profile: { kind: 'led', board: { driver: 'simulated' } },
      }),
    );
    const env = { WARDCAST_HUB_URL: 'http://from-env:8080', WARDCAST_MQTT_URL: 'mqtt://from-env:1883' };
    const cfg = loadAgentConfig(file, { hubUrl: 'http://from-flag:8080' }, env);
    expect(cfg).toMatchObject({
      hubUrl: 'http://from-flag:8080',
      mqttUrl: 'mqtt://from-env:1883',
      logLevel: 'warn',
      dataDir: path.join(dir, 'data'),
    });
  });

  it('names the file when it is not valid YAML, and refuses a list at the top', () => {
    const dir = folder();
    const bad = path.join(dir, 'agent.yaml');
    writeFileSync(bad, 'dataDir: [unclosed');
    expect(() => loadAgentConfig(bad, {}, {})).toThrow(`agent config ${bad} is not valid YAML`);
    writeFileSync(bad, '- a\n- b\n');
    expect(() => loadAgentConfig(bad, {}, {})).toThrow(/top level must be a mapping/);
    expect(() => loadAgentConfig(path.join(dir, 'none.yaml'), {}, {})).toThrow(/cannot read agent config .*none\.yaml/);
  });

  it('names the bad field', () => {
    expect(() =>
      parseAgentConfig({
        dataDir: '/x',
        hubUrl: 'hub.local',
        mqttUrl: 'mqtt://h',
        profile: { kind: 'led', board: { driver: 'simulated' } },
      }),
    ).toThrow(/hubUrl: must be a URL starting with http:\/\/ or https:\/\//);
    expect(() =>
      parseAgentConfig({
        dataDir: '/x',
        hubUrl: 'http://h',
        mqttUrl: 'mqtt://h',
        profile: { kind: 'led', board: { driver: 'simulated' } },
        lateGrace: 5,
      }),
    ).toThrow(/lateGrace/);
  });
});

describe('reconnect backoff', () => {
  it('doubles from 1 s to the default 15 s cap with ±30 % jitter', () => {
    const cfg = parseAgentConfig({
      dataDir: '/x',
      hubUrl: 'http://h',
      mqttUrl: 'mqtt://h',
      profile: { kind: 'led', board: { driver: 'simulated' } },
    });
    const o = { minMs: cfg.reconnectMinMs, maxMs: cfg.reconnectMaxMs, jitter: cfg.reconnectJitter };
    expect(backoffDelay(0, o, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, o, () => 0.5)).toBe(8000);
    expect(backoffDelay(20, o, () => 0.5)).toBe(15_000);
    expect(backoffDelay(0, o, () => 0)).toBe(700);
    expect(backoffDelay(0, o, () => 0.999999)).toBe(1300);
    // however long the outage, no agent waits more than 19.5 s to try again; a thousand agents at
    // the same attempt spread over the whole ±30 % window
    const delays = Array.from({ length: 1000 }, () => backoffDelay(6, o));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10_500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(19_500);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(7000);
  });
});
