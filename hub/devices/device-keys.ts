// Devices' public keys as parsed KeyObjects, for checking receipt signatures. Parsing the PEM cost
// more than the Ed25519 check itself (1.7k receipts/s against 4.6k/s with a parsed key). Each call
// still reads the stored PEM (a prepared primary-key lookup): a new key (enrolled again) replaces the
// parsed one, and a revoked device (no key) is refused and forgotten, without anyone having to tell
// the cache.
// A key is built from its 32 raw bytes (a JWK) rather than by decoding the PEM: 16 µs of CPU
// against 130 µs here, which is what a hub restarting with 10,000 devices pays once per device.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Db } from '../db/database.ts';

export function createDeviceKeys(db: Db) {
  const stored = db.prepare('SELECT public_key FROM devices WHERE id = ?').pluck();
  const storedOf = db.prepare(
    'SELECT id, public_key FROM devices WHERE id IN (SELECT value FROM json_each(?)) AND public_key IS NOT NULL',
  );
  const parsed = new Map<string, { pem: string; key: KeyObject }>();
  return {
    /** The stored keys of these devices as PEM, unparsed (a worker thread parses them), in one query; a device without one is left out. */
    pems: (deviceIds: readonly string[]): Map<string, string> =>
      new Map(
        (storedOf.all(JSON.stringify(deviceIds)) as Array<{ id: string; public_key: string }>).map((r) => [
          r.id,
          r.public_key,
        ]),
      ),
    /** The device's current key, or undefined when it has none (not enrolled, revoked). */
    get(deviceId: string): KeyObject | undefined {
      const pem = stored.get(deviceId) as string | null | undefined;
      if (!pem) {
        parsed.delete(deviceId);
        return undefined;
      }
      const hit = parsed.get(deviceId);
      if (hit?.pem === pem) return hit.key;
      const key = parsePublicKey(pem);
      parsed.set(deviceId, { pem, key });
      return key;
    },
  };
}

/** SPKI DER of an Ed25519 public key: this 12-byte header, then the 32-byte key. */
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

/** A device's stored PEM as a KeyObject (the ingest's worker threads parse keys with it too). */
export function parsePublicKey(pem: string): KeyObject {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, ''), 'base64');
  if (der.length !== ED25519_SPKI.length + 32 || !der.subarray(0, ED25519_SPKI.length).equals(ED25519_SPKI))
    return createPublicKey(pem); // not an Ed25519 key as enrolment stores it: let OpenSSL read (or refuse) it
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: der.subarray(ED25519_SPKI.length).toString('base64url') },
    format: 'jwk',
  });
}
