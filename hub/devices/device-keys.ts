// Devices' public keys as parsed KeyObjects, for checking receipt signatures. Parsing the PEM cost
// more than the Ed25519 check itself (1.7k receipts/s against 4.6k/s with a parsed key). Each call
// still reads the stored PEM (a prepared primary-key lookup): a new key (enrolled again) replaces the
// parsed one, and a revoked device (no key) is refused and forgotten, without anyone having to tell
// the cache.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Db } from '../db/database.ts';

export function createDeviceKeys(db: Db) {
  const stored = db.prepare('SELECT public_key FROM devices WHERE id = ?').pluck();
  const parsed = new Map<string, { pem: string; key: KeyObject }>();
  return {
    /** The device's current key, or undefined when it has none (not enrolled, revoked). */
    get(deviceId: string): KeyObject | undefined {
      const pem = stored.get(deviceId) as string | null | undefined;
      if (!pem) {
        parsed.delete(deviceId);
        return undefined;
      }
      const hit = parsed.get(deviceId);
      if (hit?.pem === pem) return hit.key;
      const key = createPublicKey(pem);
      parsed.set(deviceId, { pem, key });
      return key;
    },
  };
}
