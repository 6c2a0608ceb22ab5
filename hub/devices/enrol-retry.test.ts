// A device whose enrolment answer was lost retries with the same token and gets in: proven by its
// private key, within ENROL_RETRY_WINDOW_MS, with a new password that replaces the first. Anyone
// else with the spent token is refused as before.
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { createArea } from '../areas/areas.ts';
import { generateSigningKeys, signEnrolProof } from '../../protocol/index.ts';
import {
  createDevice,
  deviceAuthenticator,
  ENROL_RETRY_WINDOW_MS,
  enrolDevice,
  EnrolmentBusyError,
  reissueEnrolToken,
  releaseEnrolClaims,
  revokeDevice,
} from './devices.ts';

let db: Db;
let now: number;
let provisioned: Array<{ id: string; password: string }>;
const hub = {
  publicKeyPem: generateSigningKeys().publicKeyPem,
  topicPrefix: 'wardcast',
  now: () => now,
  provision: async (id: string, password: string) => void provisioned.push({ id, password }),
};
const keys = generateSigningKeys();
let token: string;
const request = (o: { key?: typeof keys; proofKey?: typeof keys; proof?: false } = {}) => ({
  token,
  publicKey: (o.key ?? keys).publicKeyPem,
  ...(o.proof === false ? {} : { proof: signEnrolProof((o.proofKey ?? o.key ?? keys).privateKeyPem, token) }),
});

beforeEach(() => {
  db = openDatabase(':memory:');
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  now = Date.parse('2026-12-31T16:59:00Z');
  provisioned = [];
  token = createDevice(db, { id: 'loa-1', name: 'Loa 1', kind: 'speaker', areaPath: 'ha-noi' }, now).enrolToken;
});

describe('retrying an enrolment whose answer was lost', () => {
  it('gives the same device a new password, in the same shape, and the first one stops working', async () => {
    const first = await enrolDevice(db, request(), hub);
    expect(first.retried).toBe(false);
    now += ENROL_RETRY_WINDOW_MS; // the last moment of the window
    const retry = await enrolDevice(db, { ...request(), agentVersion: '0.2.0' }, hub);
    expect(retry.retried).toBe(true);
    expect(Object.keys(retry).sort()).toEqual(Object.keys(first).sort());
    expect({ ...retry, mqttPassword: '', retried: false }).toEqual({ ...first, mqttPassword: '' });
    expect(retry.mqttPassword).not.toBe(first.mqttPassword);
    // the broker was given the new login through the same provision
    expect(provisioned).toEqual([
      { id: 'loa-1', password: first.mqttPassword },
      { id: 'loa-1', password: retry.mqttPassword },
    ]);
    const check = deviceAuthenticator(db);
    expect(await check('loa-1', first.mqttPassword)).toBe(false);
    expect(await check('loa-1', retry.mqttPassword)).toBe(true);
    const row = db.prepare('SELECT agent_version, enrolled_at FROM devices WHERE id = ?').get('loa-1');
    expect(row).toEqual({ agent_version: '0.2.0', enrolled_at: now - ENROL_RETRY_WINDOW_MS });
  });

  it('refuses another key, a proof by another key, no proof, and a retry after the window', async () => {
    const first = await enrolDevice(db, request(), hub);
    const thief = generateSigningKeys();
    const refusals = [
      request({ key: thief }), // a key of its own, properly signed
      request({ proofKey: thief }), // the device's (public) key, signed by someone else
      request({ proof: false }), // an older agent: today's behaviour
      { ...request(), proof: 'A'.repeat(88) },
    ];
    for (const r of refusals) await expect(enrolDevice(db, r, hub)).rejects.toThrow(/unknown or already used/);
    now += ENROL_RETRY_WINDOW_MS + 1;
    await expect(enrolDevice(db, request(), hub)).rejects.toThrow(/unknown or already used/);
    expect(provisioned).toHaveLength(1);
    expect(await deviceAuthenticator(db)('loa-1', first.mqttPassword)).toBe(true);
  });

  it('refuses the spent token once the device was revoked or given a new token', async () => {
    await enrolDevice(db, request(), hub);
    revokeDevice(db, 'loa-1', ++now);
    await expect(enrolDevice(db, request(), hub)).rejects.toThrow(/unknown or already used/);

    const second = reissueEnrolToken(db, 'loa-1', ++now);
    const old = token;
    token = second;
    now++;
    await enrolDevice(db, request(), hub);
    token = old;
    await expect(enrolDevice(db, request(), hub)).rejects.toThrow(/unknown or already used/);
    reissueEnrolToken(db, 'loa-1', ++now);
    token = second;
    await expect(enrolDevice(db, request(), hub)).rejects.toThrow(/unknown or already used/);
  });

  it('a first enrolment with a proof that does not fit its key is refused, and the token stays good', async () => {
    await expect(enrolDevice(db, request({ proofKey: generateSigningKeys() }), hub)).rejects.toThrow(
      /proof is not a signature/,
    );
    expect((await enrolDevice(db, request(), hub)).retried).toBe(false);
  });
});

describe('a retry while a request with the token is in flight', () => {
  /** A broker that answers when told to. */
  function slowBroker() {
    const waiting: Array<() => void> = [];
    return {
      hub: {
        ...hub,
        provision: async (id: string, password: string) => {
          await new Promise<void>((resolve) => waiting.push(resolve));
          provisioned.push({ id, password });
        },
      },
      answer: () => waiting.shift()!(),
    };
  }

  it('is told to wait (retryable), then gets in; without a proof it is refused', async () => {
    const broker = slowBroker();
    const first = enrolDevice(db, request(), broker.hub);
    await expect(enrolDevice(db, request(), broker.hub)).rejects.toBeInstanceOf(EnrolmentBusyError);
    await expect(enrolDevice(db, request({ proof: false }), broker.hub)).rejects.toThrow(/unknown or already used/);
    broker.answer();
    const lost = await first;

    // the device's retry of a completed enrolment, and a second retry while it is in flight
    const retry = enrolDevice(db, request(), broker.hub);
    await expect(enrolDevice(db, request(), broker.hub)).rejects.toThrow(/still being completed/);
    broker.answer();
    const fresh = await retry;
    expect(fresh.retried).toBe(true);
    const check = deviceAuthenticator(db);
    expect(await check('loa-1', lost.mqttPassword)).toBe(false);
    expect(await check('loa-1', fresh.mqttPassword)).toBe(true);
  });

  it('a retry whose broker refuses leaves the last password working and may be tried again', async () => {
    const first = await enrolDevice(db, request(), hub);
    const failing = { ...hub, provision: async () => Promise.reject(new Error('dynsec: no answer')) };
    await expect(enrolDevice(db, request(), failing)).rejects.toThrow(/no answer/);
    expect(await deviceAuthenticator(db)('loa-1', first.mqttPassword)).toBe(true);
    expect((await enrolDevice(db, request(), hub)).retried).toBe(true);
  });

  it('a revocation while the retry is at the broker wins: the retry is refused', async () => {
    await enrolDevice(db, request(), hub);
    const broker = slowBroker();
    const retry = enrolDevice(db, request(), broker.hub);
    revokeDevice(db, 'loa-1', ++now);
    broker.answer();
    await expect(retry).rejects.toThrow(/unknown or already used/);
    expect(db.prepare('SELECT mqtt_password_hash FROM devices WHERE id = ?').pluck().get('loa-1')).toBeNull();
  });

  it('a hub that stopped half-way gives the token back at start, and a half-way retry its claim', async () => {
    const stuck = { ...hub, provision: () => new Promise<void>(() => {}) }; // the hub stops here
    void enrolDevice(db, request(), stuck);
    await expect(enrolDevice(db, request(), hub)).rejects.toBeInstanceOf(EnrolmentBusyError);
    expect(releaseEnrolClaims(db)).toBe(1);
    const first = await enrolDevice(db, request(), hub);
    expect(first.retried).toBe(false);

    void enrolDevice(db, request(), stuck);
    await expect(enrolDevice(db, request(), hub)).rejects.toBeInstanceOf(EnrolmentBusyError);
    expect(releaseEnrolClaims(db)).toBe(1);
    expect(await deviceAuthenticator(db)('loa-1', first.mqttPassword)).toBe(true);
    expect((await enrolDevice(db, request(), hub)).retried).toBe(true);
    expect(releaseEnrolClaims(db)).toBe(0);
  });
});
