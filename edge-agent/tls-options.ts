// How the agent trusts the hub over TLS, for both channels (HTTPS: enrolment and media; MQTTS).
// With `caFile` only the certificates in that file are trusted (a ward's or province's private
// CA); without it, Node's public CA list. Either way the hub's certificate is verified, host name
// included, and a failure is an error that names the problem: the agent never retries in plain text
// (it only ever uses the schemes it was configured with).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hubFetch, type HubFetch } from './hub-http.ts';

export interface HubTrust {
  caFile: string | null;
  /** requests to the hub's HTTP API and media */
  fetch: HubFetch;
  /** spread into mqtt.connect's options (used by mqtts:// and wss://) */
  mqtt: { ca?: Buffer; rejectUnauthorized: true };
  /** A sentence for a TLS failure talking to `where`, or null when `err` is not one. */
  describe(err: unknown, where: string): string | null;
}

const TLS_SCHEMES = { hubUrl: ['https:'], mqttUrl: ['mqtts:', 'ssl:', 'wss:'] } as const;

export function loadHubTrust(
  c: { caFile?: string; hubUrl: string; mqttUrl: string },
  now: () => number = Date.now,
): HubTrust {
  let ca: Buffer | undefined;
  if (c.caFile) {
    try {
      ca = readFileSync(c.caFile);
    } catch (e) {
      throw new Error(
        `caFile (WARDCAST_CA_FILE): cannot read ${c.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
    try {
      new X509Certificate(ca);
    } catch (e) {
      throw new Error(`caFile (WARDCAST_CA_FILE): ${c.caFile} is not a PEM certificate (${(e as Error).message})`);
    }
    // A CA file says "this hub speaks TLS": a plain URL beside it is a mistake that would send the
    // device's credentials in clear, not a choice to honour.
    for (const key of ['hubUrl', 'mqttUrl'] as const) {
      const scheme = new URL(c[key]).protocol;
      if (!(TLS_SCHEMES[key] as readonly string[]).includes(scheme)) {
        throw new Error(
          `caFile is set, so the hub is expected over TLS, but ${key} is ${c[key]}: use ${TLS_SCHEMES[key].map((s) => `${s}//`).join(' or ')}`,
        );
      }
    }
  }
  const caFile = c.caFile ?? null;
  return {
    caFile,
    fetch: hubFetch(ca),
    mqtt: ca ? { ca, rejectUnauthorized: true } : { rejectUnauthorized: true },
    describe: (err, where) => describeTlsError(err, where, caFile, now),
  };
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

/** Finds the TLS error code in a fetch failure (in `cause`), an mqtt.js error or a socket error. */
function tlsCode(err: unknown): { code: string; message: string } | null {
  for (
    let e = err as (Error & { code?: string; cause?: unknown }) | undefined, depth = 0;
    e && depth < 4;
    e = e.cause as typeof e, depth++
  ) {
    if (
      typeof e.code === 'string' &&
      (UNTRUSTED.has(e.code) ||
        e.code.startsWith('CERT_') ||
        e.code.startsWith('ERR_TLS_') ||
        e.code.startsWith('ERR_SSL_'))
    )
      return { code: e.code, message: e.message };
    if (
      typeof e.message === 'string' &&
      /wrong version number|packet length too long|TLS not authorized/i.test(e.message)
    )
      return { code: e.code ?? 'EPROTO', message: e.message };
  }
  return null;
}

export function describeTlsError(
  err: unknown,
  where: string,
  caFile: string | null,
  now: () => number = Date.now,
): string | null {
  const t = tlsCode(err);
  if (!t) return null;
  const clock = `this device's clock says ${new Date(now()).toISOString()}`;
  const refuse = 'refusing to talk to it';
  if (UNTRUSTED.has(t.code)) {
    const by = caFile
      ? `the CA in caFile ${caFile}`
      : 'a public CA (set caFile / WARDCAST_CA_FILE to the CA that signs it)';
    return `TLS: the certificate of ${where} is not signed by ${by} (${t.code}); ${refuse}`;
  }
  if (t.code === 'CERT_NOT_YET_VALID')
    return `TLS: the certificate of ${where} is not valid yet and ${clock} (${t.code}): the device clock is probably wrong (no RTC, no NTP yet); ${refuse} until the clock is set`;
  if (t.code === 'CERT_HAS_EXPIRED')
    return `TLS: the certificate of ${where} has expired and ${clock} (${t.code}): renew the hub's certificate, or check the device clock; ${refuse}`;
  if (t.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `TLS: the certificate of ${where} does not name that host (${t.message}); ${refuse}`;
  if (/wrong version number|packet length too long/i.test(t.message))
    return `TLS: ${where} does not speak TLS (${t.message}): is that a plain http:// or mqtt:// port?`;
  return `TLS: cannot establish a verified connection to ${where} (${t.code}: ${t.message}); ${refuse}`;
}
