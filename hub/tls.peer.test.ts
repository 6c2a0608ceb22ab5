// The hub's TLS settings: a bad, unreadable, mismatched or expired certificate stops the hub at
// start with the setting named. Certificates are made by openssl in a temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServerCert, makeTestCa, type ServerCert, type TestCa } from '../test/helpers/test-certs.ts';
import { hubTlsFromConfig, loadHubTls } from './tls.ts';
import { parseHubConfig } from './config.ts';
import { startHub } from './main.ts';
import { DAY_MS as DAY } from '../protocol/index.ts';

let dir: string;
let ca: TestCa;
let good: ServerCert;
let other: ServerCert;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-hub-tls-'));
  ca = makeTestCa(path.join(dir, 'ca'));
  good = makeServerCert(ca, 'hub');
  other = makeServerCert(ca, 'other');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hub TLS settings', () => {
  it('loads a certificate and its key, with the fingerprint installers compare', () => {
    const { tls, warnings } = loadHubTls({ cert: good.certFile, key: good.keyFile });
    expect(tls.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(tls.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(warnings).toEqual([]);
  });

  it('names the setting for a missing, unreadable, wrong or mismatched file', () => {
    expect(() => loadHubTls({ cert: good.certFile })).toThrow(
      /tlsCert \(WARDCAST_TLS_CERT\) is set but tlsKey \(WARDCAST_TLS_KEY\) is not/,
    );
    expect(() => loadHubTls({ key: good.keyFile })).toThrow(/tlsKey \(WARDCAST_TLS_KEY\) is set but tlsCert/);
    expect(() => loadHubTls({ cert: path.join(dir, 'nope.pem'), key: good.keyFile })).toThrow(
      /tlsCert \(WARDCAST_TLS_CERT\): cannot read .*nope\.pem: ENOENT/,
    );
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    expect(() => loadHubTls({ cert: junk, key: good.keyFile })).toThrow(
      /tlsCert \(WARDCAST_TLS_CERT\): .*junk\.pem is not a PEM certificate/,
    );
    expect(() => loadHubTls({ cert: good.certFile, key: junk })).toThrow(
      /tlsKey \(WARDCAST_TLS_KEY\): .*junk\.pem is not a PEM private key/,
    );
    expect(() => loadHubTls({ cert: good.certFile, key: other.keyFile })).toThrow(
      /tlsKey \(WARDCAST_TLS_KEY\): .*other\.key is not the key of the certificate/,
    );
  });

  it('refuses an expired certificate and warns about one not valid yet', () => {
    const now = Date.now();
    const expired = makeServerCert(ca, 'expired', ['127.0.0.1'], { from: now - 10 * DAY, to: now - DAY });
    expect(() => loadHubTls({ cert: expired.certFile, key: expired.keyFile })).toThrow(
      /tlsCert \(WARDCAST_TLS_CERT\): the certificate in .*expired\.pem expired on/,
    );
    const future = makeServerCert(ca, 'future', ['127.0.0.1'], { from: now + 2 * DAY, to: now + 10 * DAY });
    expect(loadHubTls({ cert: future.certFile, key: future.keyFile }).warnings.join()).toMatch(/not valid until/);
  });

  it('takes a CA file only for an external broker over TLS', () => {
    expect(() => hubTlsFromConfig({ mqttCaFile: ca.certFile })).toThrow(
      /mqttCaFile \(WARDCAST_MQTT_CA_FILE\) is for an external broker over TLS, but mqttUrl is not set/,
    );
    expect(() => hubTlsFromConfig({ mqttUrl: 'mqtt://broker:1883', mqttCaFile: ca.certFile })).toThrow(
      /use mqtts:\/\/ or wss:\/\//,
    );
    expect(() => hubTlsFromConfig({ mqttUrl: 'mqtts://broker:8883', mqttCaFile: path.join(dir, 'none.pem') })).toThrow(
      /mqttCaFile \(WARDCAST_MQTT_CA_FILE\): cannot read/,
    );
    expect(hubTlsFromConfig({ mqttUrl: 'mqtts://broker:8883', mqttCaFile: ca.certFile }).mqttCa?.toString()).toContain(
      'BEGIN CERTIFICATE',
    );
  });

  it('stops the hub at start, before it opens anything, with the setting named', async () => {
    const data = path.join(dir, 'data');
    const config = parseHubConfig({
      dataDir: data,
      httpPort: 0,
      mqttPort: 0,
      mqttTlsPort: 0,
      logLevel: 'silent',
      tlsCert: good.certFile,
      tlsKey: other.keyFile,
    });
    await expect(startHub(config)).rejects.toThrow(/tlsKey \(WARDCAST_TLS_KEY\)/);
  });
});
