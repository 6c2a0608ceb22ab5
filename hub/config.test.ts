// The hub's settings: flags > environment > config file > defaults, validated with errors that
// name the setting (the same loader and order as the agent's, protocol/settings.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { icecastEngine, loadHubConfig, parseHubConfig } from './config.ts';

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

describe('stream engine', () => {
  const icecast = {
    WARDCAST_STREAM_ENGINE: 'icecast',
    WARDCAST_ICECAST_ORIGIN: 'http://origin:8000',
    WARDCAST_ICECAST_SOURCE_PASSWORD: 'hackme',
    WARDCAST_ICECAST_LISTEN_URL: 'http://relay-1:8000',
  };

  it("is the hub's own fan-out by default, and Icecast from the environment, listen servers by area as JSON", () => {
    expect(loadHubConfig({}, {}).streamEngine).toBe('hub');
    const c = loadHubConfig(
      { flags: { icecastListenUrl: 'http://relay-2:8000' } },
      { ...icecast, WARDCAST_ICECAST_LISTEN_URLS: '{"ha-noi/thanh-xuan": "http://relay-tx:8000"}' },
    );
    expect(icecastEngine(c)).toEqual({
      origin: 'http://origin:8000',
      sourcePassword: 'hackme',
      listenUrl: 'http://relay-2:8000', // the flag wins
      listenUrls: { 'ha-noi/thanh-xuan': 'http://relay-tx:8000' },
    });
    expect(icecastEngine(loadHubConfig({}, {}))).toBeNull();
  });

  it('names the setting that is missing, wrong, or given without the engine', () => {
    const { WARDCAST_ICECAST_SOURCE_PASSWORD: _, ...noPassword } = icecast;
    expect(() => loadHubConfig({}, noPassword)).toThrow(
      'invalid hub configuration: icecastSourcePassword: required when streamEngine is icecast',
    );
    expect(() => loadHubConfig({}, { ...icecast, WARDCAST_ICECAST_ORIGIN: 'origin:8000' })).toThrow(
      /icecastOrigin.*must be (a URL|http)/,
    );
    expect(() => loadHubConfig({}, { ...icecast, WARDCAST_ICECAST_LISTEN_URL: 'http://relay:8000/live' })).toThrow(
      /icecastListenUrl.*without a path/,
    );
    expect(() => loadHubConfig({}, { ...icecast, WARDCAST_STREAM_ENGINE: 'snapcast' })).toThrow(/streamEngine/);
    expect(() =>
      loadHubConfig({}, { ...icecast, WARDCAST_ICECAST_LISTEN_URLS: '{"Hà Nội": "http://x:8000"}' }),
    ).toThrow(/icecastListenUrls.*area slug/);
    expect(() => loadHubConfig({}, { WARDCAST_ICECAST_ORIGIN: 'http://origin:8000' })).toThrow(
      'invalid hub configuration: icecastOrigin: set streamEngine to icecast',
    );
  });
});
