// The hub's TLS material, loaded and checked once at start: a certificate that is unreadable, not a
// certificate, expired, or not matching its key stops the hub here with the setting named, instead
// of surfacing later as an opaque handshake failure on every device.
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

export interface HubTls {
  /** PEM of the server certificate (with any intermediates that follow it in the file). */
  cert: Buffer;
  key: Buffer;
  /** SHA-256 of the leaf certificate, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint256: string;
  subjectAltName: string;
  validFrom: Date;
  validTo: Date;
}

/** A setting and the names it goes by, so an error says where to fix it. */
export interface SettingName {
  key: string;
  env?: string;
}

const named = (s: SettingName) => (s.env ? `${s.key} (${s.env})` : s.key);

function readSetting(file: string, s: SettingName): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`${named(s)}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Reads and checks the hub's certificate and key. `now` decides expiry; a certificate not valid yet
 * is accepted (the hub's clock may be the wrong one) but reported in `warnings`.
 */
export function loadHubTls(
  files: { cert?: string; key?: string },
  names = { cert: { key: 'tlsCert', env: 'WARDCAST_TLS_CERT' }, key: { key: 'tlsKey', env: 'WARDCAST_TLS_KEY' } },
  now = Date.now(),
): { tls: HubTls; warnings: string[] } {
  if (!files.cert)
    throw new Error(`${named(names.key)} is set but ${named(names.cert)} is not: both are needed for TLS`);
  if (!files.key)
    throw new Error(`${named(names.cert)} is set but ${named(names.key)} is not: both are needed for TLS`);
  const cert = readSetting(files.cert, names.cert);
  const key = readSetting(files.key, names.key);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch (e) {
    throw new Error(`${named(names.cert)}: ${files.cert} is not a PEM certificate (${(e as Error).message})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch (e) {
    throw new Error(
      `${named(names.key)}: ${files.key} is not a PEM private key, or it is encrypted (${(e as Error).message})`,
    );
  }
  if (!leaf.checkPrivateKey(privateKey))
    throw new Error(`${named(names.key)}: ${files.key} is not the key of the certificate in ${files.cert}`);
  const validFrom = new Date(leaf.validFrom);
  const validTo = new Date(leaf.validTo);
  if (validTo.getTime() <= now)
    throw new Error(`${named(names.cert)}: the certificate in ${files.cert} expired on ${validTo.toISOString()}`);
  try {
    tls.createSecureContext({ cert, key });
  } catch (e) {
    throw new Error(`${named(names.cert)}/${named(names.key)}: OpenSSL refuses the pair: ${(e as Error).message}`);
  }
  const warnings: string[] = [];
  if (validFrom.getTime() > now)
    warnings.push(
      `the certificate in ${files.cert} is not valid until ${validFrom.toISOString()}; devices will refuse it until then`,
    );
  if (!leaf.subjectAltName)
    warnings.push(
      `the certificate in ${files.cert} has no subjectAltName; agents check the host name against it and will refuse it`,
    );
  return {
    tls: {
      cert,
      key,
      fingerprint256: leaf.fingerprint256,
      subjectAltName: leaf.subjectAltName ?? '',
      validFrom,
      validTo,
    },
    warnings,
  };
}

/** CA certificates to trust for an external broker: the file must hold at least one certificate. */
export function loadCaFile(file: string, s: SettingName): Buffer {
  const pem = readSetting(file, s);
  try {
    new X509Certificate(pem);
  } catch (e) {
    throw new Error(`${named(s)}: ${file} is not a PEM certificate (${(e as Error).message})`);
  }
  return pem;
}

/**
 * What the hub's TLS settings resolve to: its own certificate (null: plain HTTP and MQTT, as before)
 * and the CA for an external broker. Throws with the setting named; warnings are for the log.
 */
export function hubTlsFromConfig(c: { tlsCert?: string; tlsKey?: string; mqttUrl?: string; mqttCaFile?: string }): {
  tls: HubTls | null;
  mqttCa: Buffer | undefined;
  warnings: string[];
} {
  const own = c.tlsCert || c.tlsKey ? loadHubTls({ cert: c.tlsCert, key: c.tlsKey }) : null;
  let mqttCa: Buffer | undefined;
  if (c.mqttCaFile) {
    const scheme = c.mqttUrl ? new URL(c.mqttUrl).protocol : null;
    if (scheme !== 'mqtts:' && scheme !== 'wss:') {
      throw new Error(
        `mqttCaFile (WARDCAST_MQTT_CA_FILE) is for an external broker over TLS, but mqttUrl is ${c.mqttUrl ? `"${c.mqttUrl}"` : 'not set'}: use mqtts:// or wss://`,
      );
    }
    mqttCa = loadCaFile(c.mqttCaFile, { key: 'mqttCaFile', env: 'WARDCAST_MQTT_CA_FILE' });
  }
  return { tls: own?.tls ?? null, mqttCa, warnings: own?.warnings ?? [] };
}
