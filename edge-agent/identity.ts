// The device identity: an Ed25519 key pair made on the device (the private key never leaves it)
// and the credentials the hub hands out at enrolment. First start: generate keys, enrol with the
// one-time token, store both in dataDir (mode 0600). Later starts reuse them.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync, chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from 'pino';
import { EnrolResponse, describeZodError, generateSigningKeys, signEnrolProof } from '../protocol/index.ts';
import type { HubTrust } from './tls-options.ts';
import { hubFetch, type HubFetch, type HubResponse } from './hub-http.ts';

export const IDENTITY_FILE = 'identity.json';
/**
 * The key pair is saved before enrolling, so a retry after a lost response presents the same key
 * and proves it (the hub then hands out a new password for the spent token, docs/security.md).
 */
export const PENDING_KEY_FILE = 'device-key.pending.json';

export const DeviceIdentity = EnrolResponse.extend({
  hubUrl: z.string(),
  privateKeyPem: z.string(),
  publicKeyPem: z.string(),
  enrolledAt: z.number().int(),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentity>;

export class EnrolmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnrolmentError';
  }
}

/** Writes a secret file atomically with mode 0600. */
export function writeSecretFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function loadIdentity(dataDir: string): DeviceIdentity | null {
  const file = path.join(dataDir, IDENTITY_FILE);
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new EnrolmentError(
      `device identity ${file} is not valid JSON (${(e as Error).message}); restore it from a backup or enrol again with a new token`,
    );
  }
  const r = DeviceIdentity.safeParse(raw);
  if (!r.success) throw new EnrolmentError(`device identity ${file} is damaged: ${describeZodError(r.error)}`);
  return r.data;
}

export interface EnrolOptions {
  dataDir: string;
  hubUrl: string;
  enrolToken?: string;
  agentVersion: string;
  log: Logger;
  /** attempts when the hub cannot be reached (not for refusals) */
  attempts?: number;
  fetchImpl?: HubFetch;
  /** TLS trust for an https hub: its fetch, and TLS failures told apart (they are not retried). */
  trust?: HubTrust;
}

/** Returns the stored identity, or enrols with the token to create one. */
export async function ensureIdentity(opts: EnrolOptions): Promise<DeviceIdentity> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const existing = loadIdentity(opts.dataDir);
  if (existing) return existing;
  if (!opts.enrolToken) {
    throw new EnrolmentError(
      `no device identity in ${opts.dataDir} and no enrolment token: get a one-time token for this device from the hub (Devices page) and pass it as enrolToken / WARDCAST_ENROL_TOKEN`,
    );
  }
  const keys = loadOrCreatePendingKeys(opts.dataDir);
  const response = await enrol(opts, keys);
  const identity: DeviceIdentity = { ...response, hubUrl: opts.hubUrl, ...keys, enrolledAt: Date.now() };
  writeSecretFile(path.join(opts.dataDir, IDENTITY_FILE), `${JSON.stringify(identity, null, 2)}\n`);
  rmSync(path.join(opts.dataDir, PENDING_KEY_FILE), { force: true });
  opts.log.info(
    { deviceId: identity.deviceId, kind: identity.kind, areaPaths: identity.areaPaths },
    'enrolled with the hub',
  );
  return identity;
}

function loadOrCreatePendingKeys(dataDir: string): { privateKeyPem: string; publicKeyPem: string } {
  const file = path.join(dataDir, PENDING_KEY_FILE);
  if (existsSync(file)) {
    try {
      const k = JSON.parse(readFileSync(file, 'utf8'));
      if (typeof k.privateKeyPem === 'string' && typeof k.publicKeyPem === 'string') return k;
    } catch {
      /* make a new pair */
    }
  }
  const keys = generateSigningKeys();
  writeSecretFile(file, JSON.stringify(keys));
  return keys;
}

async function enrol(
  opts: EnrolOptions,
  keys: { privateKeyPem: string; publicKeyPem: string },
): Promise<z.infer<typeof EnrolResponse>> {
  const url = new URL('/api/v1/enrol', opts.hubUrl).toString();
  // Every attempt carries the proof: which attempt's answer gets lost cannot be known.
  const request = JSON.stringify({
    token: opts.enrolToken,
    publicKey: keys.publicKeyPem,
    agentVersion: opts.agentVersion,
    proof: signEnrolProof(keys.privateKeyPem, opts.enrolToken!),
  });
  const doFetch = opts.fetchImpl ?? opts.trust?.fetch ?? hubFetch();
  const attempts = opts.attempts ?? 5;
  let lastError = '';
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** (attempt - 1))));
    let res: HubResponse;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: request,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      // A certificate the agent refuses does not get better by asking again: stop and say why.
      const tls = opts.trust?.describe(e, opts.hubUrl);
      if (tls) throw new EnrolmentError(`enrolment refused: ${tls}`);
      const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
      lastError = `cannot reach the hub at ${url}: ${(e as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`;
      opts.log.warn({ attempt: attempt + 1, err: lastError }, 'enrolment attempt failed');
      continue;
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.status >= 400 && res.status < 500) {
      const msg = (body as { error?: unknown } | undefined)?.error;
      throw new EnrolmentError(
        `the hub refused enrolment (HTTP ${res.status}): ${typeof msg === 'string' ? msg : text.slice(0, 200)}`,
      );
    }
    // 5xx, including 503 while the hub is still answering an earlier attempt with this token.
    if (!res.ok) {
      lastError = `hub answered HTTP ${res.status}: ${text.slice(0, 200)}`;
      opts.log.warn({ attempt: attempt + 1, err: lastError }, 'enrolment attempt failed');
      continue;
    }
    const parsed = EnrolResponse.safeParse(body);
    if (!parsed.success)
      throw new EnrolmentError(`the hub's enrolment answer is not valid: ${describeZodError(parsed.error)}`);
    return parsed.data;
  }
  throw new EnrolmentError(`enrolment failed after ${attempts} attempts: ${lastError}`);
}
