import { describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { openDatabase } from '../db/database.ts';
import { seedIngestWorld } from '../../test/helpers/ingest-world.ts';
import { createDeviceKeys } from './device-keys.ts';

describe('device keys', () => {
  it('builds the same Ed25519 key as OpenSSL reads from the stored PEM, follows a new key and forgets a revoked one', async () => {
    const db = openDatabase(':memory:');
    const w = await seedIngestWorld(db, 1);
    const id = w.devices[0]!.id;
    const keys = createDeviceKeys(db);
    const stored = () => (db.prepare('SELECT public_key FROM devices WHERE id = ?').pluck().get(id) as string) ?? '';
    const key = keys.get(id)!;
    expect(key.asymmetricKeyType).toBe('ed25519');
    expect(key.equals(createPublicKey(stored()))).toBe(true);
    const data = Buffer.from('receipt');
    expect(verify(null, data, key, sign(null, data, w.devices[0]!.key))).toBe(true);
    expect(keys.get(id)).toBe(key); // parsed once

    // Enrolled again with a new key: the new one, not the cached one.
    const next = generateKeyPairSync('ed25519');
    db.prepare('UPDATE devices SET public_key = ? WHERE id = ?').run(
      next.publicKey.export({ type: 'spki', format: 'pem' }),
      id,
    );
    expect(keys.get(id)!.equals(next.publicKey)).toBe(true);

    db.prepare('UPDATE devices SET public_key = NULL WHERE id = ?').run(id);
    expect(keys.get(id)).toBeUndefined();
    expect(keys.get('no-such-device')).toBeUndefined();
    db.close();
  });
});
