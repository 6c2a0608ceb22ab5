// The agent's trust in the hub: the CA file is checked at start, a plain URL beside it is refused,
// and TLS failures become sentences that name the problem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa, type TestCa } from '../test/helpers/test-certs.ts';
import { describeTlsError, loadHubTrust } from './tls-options.ts';

let dir: string;
let ca: TestCa;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-agent-tls-'));
  ca = makeTestCa(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const urls = { hubUrl: 'https://hub.example:8080', mqttUrl: 'mqtts://hub.example:8883' };
const tlsError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('agent TLS trust', () => {
  it('trusts the CA file for both channels', () => {
    const t = loadHubTrust({ ...urls, caFile: ca.certFile });
    expect(t.mqtt.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(t.mqtt.rejectUnauthorized).toBe(true);
    expect(loadHubTrust({ ...urls, mqttUrl: 'wss://hub.example:8080/mqtt', caFile: ca.certFile }).caFile).toBe(
      ca.certFile,
    );
  });

  it('without a CA file, verifies against the public CAs and leaves plain URLs as configured', () => {
    const t = loadHubTrust({ hubUrl: 'http://hub.lan:8080', mqttUrl: 'mqtt://hub.lan:1883' });
    expect(t.mqtt).toEqual({ rejectUnauthorized: true });
  });

  it('names caFile when it cannot be read or is not a certificate', () => {
    expect(() => loadHubTrust({ ...urls, caFile: path.join(dir, 'none.pem') })).toThrow(
      /caFile \(WARDCAST_CA_FILE\): cannot read .*none\.pem: ENOENT/,
    );
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, 'hello');
    expect(() => loadHubTrust({ ...urls, caFile: junk })).toThrow(
      /caFile \(WARDCAST_CA_FILE\): .*junk\.pem is not a PEM certificate/,
    );
  });

  it('refuses a plain URL beside a CA file instead of sending credentials in clear', () => {
    expect(() => loadHubTrust({ ...urls, hubUrl: 'http://hub.example:8080', caFile: ca.certFile })).toThrow(
      /caFile is set, so the hub is expected over TLS, but hubUrl is http:\/\/hub\.example:8080\/?: use https:\/\//,
    );
    expect(() => loadHubTrust({ ...urls, mqttUrl: 'mqtt://hub.example:1883', caFile: ca.certFile })).toThrow(
      /but mqttUrl is mqtt:\/\/hub\.example:1883: use mqtts:\/\/ or ssl:\/\/ or wss:\/\//,
    );
  });

  it('says what is wrong with the hub certificate', () => {
    const now = () => Date.parse('2026-01-01T00:00:00Z');
    const fetchFailure = new TypeError('fetch failed', {
      cause: tlsError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unable to get local issuer certificate'),
    });
    expect(describeTlsError(fetchFailure, 'https://hub:8080', '/etc/wardcast/ca.pem', now)).toBe(
      'TLS: the certificate of https://hub:8080 is not signed by the CA in caFile /etc/wardcast/ca.pem (UNABLE_TO_GET_ISSUER_CERT_LOCALLY); refusing to talk to it',
    );
    expect(describeTlsError(tlsError('SELF_SIGNED_CERT_IN_CHAIN'), 'mqtts://hub:8883', null, now)).toMatch(
      /not signed by a public CA \(set caFile \/ WARDCAST_CA_FILE/,
    );
    expect(describeTlsError(tlsError('CERT_NOT_YET_VALID'), 'mqtts://hub:8883', null, now)).toMatch(
      /not valid yet and this device's clock says 2026-01-01T00:00:00.000Z .*the device clock is probably wrong/,
    );
    expect(describeTlsError(tlsError('CERT_HAS_EXPIRED'), 'mqtts://hub:8883', null, now)).toMatch(
      /has expired .*renew the hub's certificate/,
    );
    expect(
      describeTlsError(
        tlsError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
        'https://10.0.0.5:8080',
        null,
        now,
      ),
    ).toMatch(/does not name that host/);
    expect(
      describeTlsError(tlsError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), 'https://hub:1883', null, now),
    ).toMatch(/does not speak TLS/);
    expect(describeTlsError(tlsError('ECONNREFUSED'), 'https://hub:8080', null, now)).toBeNull();
    expect(
      describeTlsError(new TypeError('fetch failed', { cause: tlsError('ECONNRESET') }), 'https://hub:8080', null, now),
    ).toBeNull();
  });
});
