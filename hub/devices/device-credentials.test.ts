// Device credentials: a random 256-bit secret, stored as a SHA-256 digest (device-secret.ts). A
// hash stored by an older hub (scrypt) still lets its device in, once with scrypt, after which the
// digest replaces it; a check that races a revocation never brings the credentials back.
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { createArea } from '../areas/areas.ts';
import { hashPassword, randomSecret } from '../auth/passwords.ts';
import { generateSigningKeys } from '../../protocol/index.ts';
import { createDevice, deviceAuthenticator, enrolDevice, revokeDevice } from './devices.ts';
import { digestDeviceSecret } from './device-secret.ts';

let db: Db;
const hashOf = (id: string) =>
  (db.prepare('SELECT mqtt_password_hash FROM devices WHERE id = ?').get(id) as { mqtt_password_hash: string | null })
    .mqtt_password_hash;
const hub = { publicKeyPem: generateSigningKeys().publicKeyPem, topicPrefix: 'wardcast', now: () => Date.now() };

beforeEach(() => {
  db = openDatabase(':memory:');
  createArea(db, { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
});

async function enrolled(id: string) {
  const { enrolToken } = createDevice(db, { id, name: id, kind: 'speaker', areaPath: 'ha-noi' }, Date.now());
  return enrolDevice(db, { token: enrolToken, publicKey: generateSigningKeys().publicKeyPem }, hub);
}

describe('device credentials', () => {
  it('are a random 256-bit secret, stored only as its SHA-256 digest', async () => {
    const r = await enrolled('loa-1');
    expect(Buffer.from(r.mqttPassword, 'base64url')).toHaveLength(32);
    expect(hashOf('loa-1')).toBe(digestDeviceSecret(r.mqttPassword));
    expect(hashOf('loa-1')).not.toContain(r.mqttPassword);
    const check = deviceAuthenticator(db);
    expect(await check('loa-1', r.mqttPassword)).toBe(true);
    expect(await check('loa-1', r.mqttPassword.slice(0, -1) + (r.mqttPassword.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(await check('loa-1', '')).toBe(false);
    expect(await check('loa-2', r.mqttPassword)).toBe(false);
  });

  it('a scrypt hash from an older hub lets its device in and is replaced by the digest; a wrong password changes nothing', async () => {
    await enrolled('loa-1');
    const legacyPassword = randomSecret(24); // what older hubs gave out
    const legacyHash = await hashPassword(legacyPassword);
    db.prepare('UPDATE devices SET mqtt_password_hash = ? WHERE id = ?').run(legacyHash, 'loa-1');
    const check = deviceAuthenticator(db);
    expect(await check('loa-1', 'wrong-password')).toBe(false);
    expect(hashOf('loa-1')).toBe(legacyHash);
    expect(await check('loa-1', legacyPassword)).toBe(true);
    expect(hashOf('loa-1')).toBe(digestDeviceSecret(legacyPassword));
    // From now on the digest answers, and the same password still works (a restarted hub too).
    expect(await deviceAuthenticator(db)('loa-1', legacyPassword)).toBe(true);
    expect(await check('loa-1', 'wrong-password')).toBe(false);
  });

  it('a legacy check that finishes after the device was revoked or enrolled again stores nothing', async () => {
    await enrolled('loa-1');
    const legacyPassword = randomSecret(24);
    db.prepare('UPDATE devices SET mqtt_password_hash = ? WHERE id = ?').run(
      await hashPassword(legacyPassword),
      'loa-1',
    );
    const check = deviceAuthenticator(db);
    const pending = check('loa-1', legacyPassword); // scrypt runs off the event loop…
    revokeDevice(db, 'loa-1', Date.now()); // …while the device is revoked
    await pending;
    expect(hashOf('loa-1')).toBeNull();
    expect(await check('loa-1', legacyPassword)).toBe(false);
  });
});
