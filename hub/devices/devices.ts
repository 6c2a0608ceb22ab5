// Device records: creation with a one-time enrolment token, enrolment (the device brings its own
// public key and gets MQTT credentials and the hub's key), presence and telemetry.
import { createHash, createPublicKey } from 'node:crypto';
import {
  areaAncestry,
  type DeviceKind,
  type EnrolResponse,
  type LedDisplay,
  type Telemetry,
  verifyEnrolProof,
} from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { checkSlug, getArea, getAreaByPath, withinScope } from '../areas/areas.ts';
import { randomSecret } from '../auth/passwords.ts';
import { checkDeviceSecret, digestDeviceSecret, isCurrentScheme, newDeviceSecret } from './device-secret.ts';
import { LocalizedError, msg } from '../text/index.ts';

export const ENROL_TOKEN_TTL_MS = 7 * 24 * 3600_000;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export interface Device {
  id: string;
  name: string;
  kind: DeviceKind;
  areaPath: string;
  latitude: number | null;
  longitude: number | null;
  address: string;
  enrolled: boolean;
  online: boolean;
  session: number;
  lastSeen: string | null;
  agentVersion: string | null;
  /** What its agent announced it can do in its last birth (e.g. "relay"); null until it has. */
  capabilities: string[] | null;
  telemetry: Telemetry | null;
  /** An LED board's display as its agent last reported it; null until it has (the web preview then assumes one). */
  display: LedDisplay | null;
  manifestVersion: number;
  /** When its credentials were last revoked (a new token, or revocation); null when never. */
  revokedAt: string | null;
  /** Out of service for good: kept for reports, gone from the live fleet. */
  decommissionedAt: string | null;
}

/** A devices row as SQLite returns it (the columns read here). */
interface DeviceRecord {
  id: string;
  name: string;
  kind: DeviceKind;
  area_id: number;
  latitude: number | null;
  longitude: number | null;
  address: string;
  enrolled_at: number | null;
  enrol_expires_at: number | null;
  online: number;
  session: number;
  last_seen: number | null;
  agent_version: string | null;
  capabilities: string | null;
  telemetry: string | null;
  led_display: string | null;
  manifest_version: number;
  revoked_at: number | null;
  decommissioned_at: number | null;
}

function toDevice(db: Db, r: DeviceRecord): Device {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    areaPath: getArea(db, r.area_id)!.path,
    latitude: r.latitude,
    longitude: r.longitude,
    address: r.address,
    enrolled: r.enrolled_at !== null,
    online: r.online === 1,
    session: r.session,
    lastSeen: r.last_seen ? new Date(r.last_seen).toISOString() : null,
    agentVersion: r.agent_version,
    capabilities: r.capabilities ? (JSON.parse(r.capabilities) as string[]) : null,
    telemetry: r.telemetry ? (JSON.parse(r.telemetry) as Telemetry) : null,
    display: r.led_display ? (JSON.parse(r.led_display) as LedDisplay) : null,
    manifestVersion: r.manifest_version,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    decommissionedAt: r.decommissioned_at ? new Date(r.decommissioned_at).toISOString() : null,
  };
}

export interface NewDevice {
  id: string;
  name: string;
  kind: DeviceKind;
  areaPath: string;
  latitude?: number;
  longitude?: number;
  address?: string;
}

/** Creates a device and returns its one-time enrolment token (only its hash is stored). */
/** `now`: the hub's clock; the enrolment token lasts ENROL_TOKEN_TTL_MS from it. */
export function createDevice(db: Db, input: NewDevice, now: number): { device: Device; enrolToken: string } {
  checkSlug(input.id, 'device id');
  const area = getAreaByPath(db, input.areaPath);
  if (!area) throw new LocalizedError(msg('area.not-found', { path: input.areaPath }));
  if (getDevice(db, input.id)) throw new LocalizedError(msg('device.exists', { id: input.id }));
  const enrolToken = `enrol_${randomSecret(24)}`;
  db.prepare(
    `INSERT INTO devices(id, name, kind, area_id, latitude, longitude, address, enrol_token_hash, enrol_expires_at, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    input.id,
    input.name,
    input.kind,
    area.id,
    input.latitude ?? null,
    input.longitude ?? null,
    input.address ?? '',
    sha(enrolToken),
    now + ENROL_TOKEN_TTL_MS,
    now,
  );
  return { device: getDevice(db, input.id)!, enrolToken };
}

/**
 * Revokes a device's credentials and key (the broker side is DeviceAccess.revoke). Its row and
 * history stay; a new token (`reissueEnrolToken`) may enrol a replacement.
 */
export function revokeDevice(db: Db, id: string, now: number): void {
  const info = db
    .prepare(
      'UPDATE devices SET enrol_token_hash = NULL, enrol_expires_at = NULL, enrol_spent_hash = NULL, enrol_claimed_at = NULL, mqtt_password_hash = NULL, public_key = NULL, enrolled_at = NULL, online = 0, session = 0, revoked_at = ? WHERE id = ?',
    )
    .run(now, id);
  if (info.changes === 0) throw new LocalizedError(msg('device.not-found', { id }));
}

/** A fresh enrolment token for a device (e.g. a replaced board); old credentials stop working. */
export function reissueEnrolToken(db: Db, id: string, now: number): string {
  const d = getDevice(db, id);
  if (!d) throw new LocalizedError(msg('device.not-found', { id }));
  if (d.decommissionedAt) throw new LocalizedError(msg('device.decommissioned', { id }));
  const token = `enrol_${randomSecret(24)}`;
  db.transaction(() => {
    revokeDevice(db, id, now);
    db.prepare('UPDATE devices SET enrol_token_hash = ?, enrol_expires_at = ? WHERE id = ?').run(
      sha(token),
      now + ENROL_TOKEN_TTL_MS,
      id,
    );
  })();
  return token;
}

/** Revokes for good: no new token; the device leaves the live fleet and stays in reports. */
export function decommissionDevice(db: Db, id: string, now: number): void {
  db.transaction(() => {
    revokeDevice(db, id, now);
    db.prepare('UPDATE devices SET decommissioned_at = COALESCE(decommissioned_at, ?) WHERE id = ?').run(now, id);
  })();
}

export function getDevice(db: Db, id: string): Device | undefined {
  const r = db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRecord | undefined;
  return r ? toDevice(db, r) : undefined;
}

/** `live`: without decommissioned devices (the fleet); reports list them all. */
export function listDevices(db: Db, scope: string | null = null, o: { live?: boolean } = {}): Device[] {
  const rows = db
    .prepare('SELECT d.* FROM devices d JOIN areas a ON a.id = d.area_id ORDER BY a.path, d.id')
    .all() as DeviceRecord[];
  return rows
    .map((r) => toDevice(db, r))
    .filter((d) => withinScope(scope, d.areaPath) && !(o.live && d.decommissionedAt));
}

/** A refused enrolment: the hub answers 401. */
export class EnrolmentError extends LocalizedError {}
/** Another request with this token is still being answered: the hub answers 503 and the device tries again. */
export class EnrolmentBusyError extends LocalizedError {}

/**
 * How long after enrolling the same device (proving its key) may present its spent token again and
 * get fresh credentials, when the answer was lost. The agent gives up on one run after 5 attempts
 * (15 s each, backoff up to 8 s: about 1½ minutes) and its service manager restarts it; 15 minutes
 * covers several such runs on a flaky link or against a broker that answers slowly for minutes,
 * while a token written on an installation sheet stops being of any use soon after.
 */
export const ENROL_RETRY_WINDOW_MS = 15 * 60_000;

interface EnrolInput {
  token: string;
  publicKey: string;
  agentVersion?: string;
  /** signEnrolProof(device private key, token): required to retry a spent token */
  proof?: string;
}

interface EnrolHub {
  publicKeyPem: string;
  topicPrefix: string;
  /** Gives the broker the new login before the token is spent; when it throws, nothing is stored. */
  provision?: (deviceId: string, password: string, areaPath: string) => Promise<void>;
  /** the hub's clock: is the token still valid, and when the device enrolled */
  now: () => number;
}

/** `retried`: the device had enrolled with this token already and got fresh credentials (not for the device). */
export type Enrolment = EnrolResponse & { retried: boolean };

function publicKeyPemOf(publicKey: string): string {
  const key = publicKey.includes('BEGIN')
    ? createPublicKey(publicKey)
    : createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`key type is ${key.asymmetricKeyType}`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

const answer = (r: DeviceRecord, password: string, hub: EnrolHub, areaPath: string): EnrolResponse => ({
  deviceId: r.id,
  kind: r.kind,
  mqttUsername: r.id,
  mqttPassword: password,
  hubPublicKey: hub.publicKeyPem,
  topicPrefix: hub.topicPrefix,
  areaPaths: areaAncestry(areaPath),
});

export async function enrolDevice(db: Db, input: EnrolInput, hub: EnrolHub): Promise<Enrolment> {
  const tokenHash = sha(input.token);
  const r = db.prepare('SELECT * FROM devices WHERE enrol_token_hash = ?').get(tokenHash) as DeviceRecord | undefined;
  if (!r) return retryEnrolment(db, input, hub, tokenHash);
  if (r.enrol_expires_at === null || r.enrol_expires_at < hub.now())
    throw new EnrolmentError(msg('enrol.token-expired'));
  let publicKeyPem: string;
  try {
    publicKeyPem = publicKeyPemOf(input.publicKey);
  } catch (e) {
    throw new EnrolmentError(msg('enrol.bad-public-key', { detail: (e as Error).message }));
  }
  // A proof that does not fit the key is a broken or forged request, not a device to enrol.
  if (input.proof !== undefined && !verifyEnrolProof(publicKeyPem, input.token, input.proof))
    throw new EnrolmentError(msg('enrol.bad-proof'));
  const password = newDeviceSecret();
  const area = getArea(db, r.area_id)!;
  const passwordHash = digestDeviceSecret(password);
  // Claim the token first, so two requests with it cannot both give the broker a login (the second
  // would leave the broker holding a password the hub never stored). A broker that refuses gets
  // the token back: the device may try again. The claim is marked (enrol_claimed_at) so that the
  // device's own retry meanwhile is told to wait (503), not that its token is spent.
  const claimedAt = hub.now();
  const claimed = db
    .prepare(
      'UPDATE devices SET enrol_token_hash = NULL, enrol_spent_hash = ?, enrol_claimed_at = ? WHERE id = ? AND enrol_token_hash = ?',
    )
    .run(tokenHash, claimedAt, r.id, tokenHash);
  if (claimed.changes === 0) throw new EnrolmentError(msg('enrol.token-unknown'));
  // Still ours: no new token issued and not revoked since the claim.
  const stillOurs =
    'enrol_token_hash IS NULL AND enrol_spent_hash = ? AND enrolled_at IS NULL AND COALESCE(revoked_at, 0) < ?';
  try {
    await hub.provision?.(r.id, password, area.path);
  } catch (err) {
    db.prepare(
      `UPDATE devices SET enrol_token_hash = ?, enrol_spent_hash = NULL, enrol_claimed_at = NULL WHERE id = ? AND ${stillOurs}`,
    ).run(tokenHash, r.id, tokenHash, claimedAt);
    throw err;
  }
  const spent = db
    .prepare(
      `UPDATE devices SET enrol_expires_at = NULL, enrolled_at = ?, mqtt_password_hash = ?, public_key = ?, agent_version = ?, enrol_claimed_at = NULL WHERE id = ? AND ${stillOurs}`,
    )
    .run(hub.now(), passwordHash, publicKeyPem, input.agentVersion ?? null, r.id, tokenHash, claimedAt);
  // Revoked, or given a new token, while the broker was being told.
  if (spent.changes === 0) throw new EnrolmentError(msg('enrol.token-unknown'));
  return { ...answer(r, password, hub, area.path), retried: false };
}

type SpentRecord = DeviceRecord & { public_key: string | null; enrol_claimed_at: number | null };

/**
 * A token already spent: the device that spent it, proving its key within ENROL_RETRY_WINDOW_MS,
 * gets a new password (the broker's login replaced through the same provision, the old password
 * refused from then on). Everyone else is told, as before, that the token is unknown or used.
 */
async function retryEnrolment(db: Db, input: EnrolInput, hub: EnrolHub, tokenHash: string): Promise<Enrolment> {
  const refused = () => new EnrolmentError(msg('enrol.token-unknown'));
  const busy = () => new EnrolmentBusyError(msg('enrol.in-progress'));
  const find = () =>
    db.prepare('SELECT * FROM devices WHERE enrol_spent_hash = ?').get(tokenHash) as SpentRecord | undefined;
  const r = find();
  if (!r || input.proof === undefined) throw refused();
  if (r.enrolled_at === null) {
    // The first request is still being answered; its key is stored only when it succeeds, so the
    // proof can only show that the presented key signed the token.
    if (r.enrol_claimed_at !== null && verifyEnrolProof(input.publicKey, input.token, input.proof)) throw busy();
    throw refused();
  }
  if (r.enrolled_at + ENROL_RETRY_WINDOW_MS < hub.now() || !r.public_key) throw refused();
  let presented: string;
  try {
    presented = publicKeyPemOf(input.publicKey);
  } catch {
    throw refused();
  }
  if (presented !== r.public_key || !verifyEnrolProof(r.public_key, input.token, input.proof)) throw refused();
  // Claim the retry, as a first enrolment claims its token: one new password at a time.
  const claimedAt = hub.now();
  const claimed = db
    .prepare(
      'UPDATE devices SET enrol_claimed_at = ? WHERE id = ? AND enrol_spent_hash = ? AND enrolled_at = ? AND enrol_claimed_at IS NULL',
    )
    .run(claimedAt, r.id, tokenHash, r.enrolled_at);
  if (claimed.changes === 0) throw find()?.enrolled_at === r.enrolled_at ? busy() : refused();
  const ours = 'enrol_spent_hash = ? AND enrolled_at = ? AND enrol_claimed_at = ?';
  const password = newDeviceSecret();
  const area = getArea(db, r.area_id)!;
  try {
    await hub.provision?.(r.id, password, area.path);
  } catch (err) {
    db.prepare(`UPDATE devices SET enrol_claimed_at = NULL WHERE id = ? AND ${ours}`).run(
      r.id,
      tokenHash,
      r.enrolled_at,
      claimedAt,
    );
    throw err;
  }
  const renewed = db
    .prepare(
      `UPDATE devices SET mqtt_password_hash = ?, agent_version = COALESCE(?, agent_version), enrol_claimed_at = NULL WHERE id = ? AND ${ours}`,
    )
    .run(digestDeviceSecret(password), input.agentVersion ?? null, r.id, tokenHash, r.enrolled_at, claimedAt);
  // Revoked, or given a new token, while the broker was being told.
  if (renewed.changes === 0) throw refused();
  return { ...answer(r, password, hub, area.path), retried: true };
}

/**
 * At start, when no request is in flight: enrolments the last run left half-way (it stopped while
 * the broker was being told) get their token back, so the device is not told "wait" for ever; a
 * retry left half-way leaves the last password as it was. A broker login made for the half-way
 * enrolment is removed by the broker reconcile (no enrolled device) and replaced at the next one.
 * Returns how many there were.
 */
export function releaseEnrolClaims(db: Db): number {
  return db.transaction(() => {
    const firsts = db
      .prepare(
        'UPDATE devices SET enrol_token_hash = enrol_spent_hash, enrol_spent_hash = NULL, enrol_claimed_at = NULL WHERE enrol_claimed_at IS NOT NULL AND enrolled_at IS NULL',
      )
      .run().changes;
    const retries = db
      .prepare('UPDATE devices SET enrol_claimed_at = NULL WHERE enrol_claimed_at IS NOT NULL')
      .run().changes;
    return firsts + retries;
  })();
}

/** The area of an enrolled device (null when unknown, revoked or not enrolled yet). */
export function enrolledAreaPath(db: Db, id: string): string | null {
  const r = db
    .prepare(
      'SELECT a.path FROM devices d JOIN areas a ON a.id = d.area_id WHERE d.id = ? AND d.enrolled_at IS NOT NULL',
    )
    .get(id) as { path: string } | undefined;
  return r?.path ?? null;
}

/**
 * Checks a device's MQTT/HTTP credentials against the stored digest (device-secret.ts). A hash
 * from before the digest scheme is checked with scrypt once and replaced by the digest, unless the
 * credentials changed meanwhile (revoked, enrolled again): nothing newer is overwritten.
 */
export function deviceAuthenticator(db: Db) {
  const stored = db.prepare('SELECT mqtt_password_hash FROM devices WHERE id = ?');
  const upgrade = db.prepare('UPDATE devices SET mqtt_password_hash = ? WHERE id = ? AND mqtt_password_hash = ?');
  return async (deviceId: string, password: string): Promise<boolean> => {
    const hash = (stored.get(deviceId) as { mqtt_password_hash: string | null } | undefined)?.mqtt_password_hash;
    if (!hash) return false;
    const ok = await checkDeviceSecret(password, hash);
    if (ok && !isCurrentScheme(hash)) upgrade.run(digestDeviceSecret(password), deviceId, hash);
    return ok;
  };
}

/**
 * Stores the latest telemetry as sent. The board's display has a column of its own, written only
 * when the telemetry carries the board's part: a board that did not answer its status read sends
 * telemetry without it, and its last reported display is kept, so the preview does not fall back to
 * an assumed size while the board is unreachable. (An LED part without a display comes from an
 * agent that does not report one: the column is cleared.)
 */
export function recordTelemetry(db: Db, t: Telemetry, now: number): void {
  if (t.led) {
    db.prepare('UPDATE devices SET telemetry = ?, last_seen = ?, led_display = ? WHERE id = ?').run(
      JSON.stringify(t),
      now,
      t.led.display ? JSON.stringify(t.led.display) : null,
      t.deviceId,
    );
  } else {
    db.prepare('UPDATE devices SET telemetry = ?, last_seen = ? WHERE id = ?').run(JSON.stringify(t), now, t.deviceId);
  }
}

/**
 * The condition "device `d` (joined with its area `a`) is targeted", as SQL and its parameters: for
 * a question about a large target (a province's thousands of devices) asked in one query, without
 * listing them first. The same rule as resolveTargets. Null when nothing is targeted.
 */
export function targetedWhere(targets: {
  areas: string[];
  devices: string[];
}): { sql: string; params: string[] } | null {
  const terms = targets.areas.map(() => "(a.path = ? OR a.path LIKE ? || '/%')");
  const params = targets.areas.flatMap((p) => [p, p]);
  if (targets.devices.length) {
    terms.push('d.id IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(targets.devices));
  }
  return terms.length ? { sql: `(${terms.join(' OR ')})`, params } : null;
}

/** Devices targeted by a set of areas (anything at or below them) and explicit device ids. */
export function resolveTargets(db: Db, areaPaths: string[], deviceIds: string[]): string[] {
  const ids = new Set(deviceIds);
  for (const p of areaPaths) {
    for (const r of db
      .prepare("SELECT d.id FROM devices d JOIN areas a ON a.id = d.area_id WHERE a.path = ? OR a.path LIKE ? || '/%'")
      .all(p, p) as { id: string }[])
      ids.add(r.id);
  }
  return [...ids].sort();
}
