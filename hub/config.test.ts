// The hub's settings: flags > environment > config file > defaults, validated with errors that
// name the setting (the same loader and order as the agent's, protocol/settings.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadHubConfig, parseHubConfig } from './config.ts';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function configFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'wardcast-hub-config-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('hub config', () => {
  it('takes flags over the environment, the environment over the file, the file over defaults', () => {
    const file = configFile('hub.yaml', 'httpPort: 8001\nmqttPort: 2001\nlogLevel: debug\ntopicPrefix: from-file\n');
    const env = { WARDCAST_HTTP_PORT: '8002', WARDCAST_MQTT_PORT: '2002', WARDCAST_TOPIC_PREFIX: '' };
    const c = loadHubConfig(
      { file, flags: { httpPort: '8003', dataDir: undefined }, defaults: { logLevel: 'warn' } },
      env,
    );
    expect(c.httpPort).toBe(8003); // flag
    expect(c.mqttPort).toBe(2002); // environment
    expect(c.logLevel).toBe('debug'); // file over the caller's default
    expect(c.topicPrefix).toBe('from-file'); // an empty variable gives nothing
    expect(c.mqttTlsPort).toBe(8883); // the schema's default
    expect(c.dataDir).toBe(path.resolve('./data'));
  });

  it('reads JSON by its name, and names the file or the setting that is wrong', () => {
    expect(loadHubConfig({ file: configFile('hub.json', '{"httpPort": 9000}') }, {}).httpPort).toBe(9000);
    const bad = configFile('hub.json', '{"httpPort": ');
    expect(() => loadHubConfig({ file: bad }, {})).toThrow(`config file ${bad} is not valid JSON`);
    expect(() => loadHubConfig({}, { WARDCAST_HTTP_PORT: 'eighty' })).toThrow(/invalid hub configuration: httpPort/);
    expect(() => parseHubConfig({ httpPot: 80 })).toThrow(/invalid hub configuration: .*httpPot/);
  });
});
