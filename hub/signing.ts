// The hub's Ed25519 identity and the sequence counter of the envelopes it signs. The private key
// lives in dataDir/keys (0600) and never leaves the hub; devices pin the public key at enrolment.
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  generateSigningKeys,
  seal,
  type Clock,
  type HubBody,
  type MessageTarget,
  type SignedEnvelope,
} from '../protocol/index.ts';
import { stateGet, type Db } from './db/database.ts';

export interface HubSigner {
  publicKeyPem: string;
  /** `to` is required: agents refuse any message not addressed to themselves or one of their areas. */
  seal(to: MessageTarget, body: HubBody, ttlMs: number): SignedEnvelope;
}

export function loadOrCreateHubKeys(dataDir: string): { privateKeyPem: string; publicKeyPem: string } {
  const dir = path.join(dataDir, 'keys');
  const priv = path.join(dir, 'hub-ed25519.key.pem');
  const pub = path.join(dir, 'hub-ed25519.pub.pem');
  if (existsSync(priv) && existsSync(pub))
    return { privateKeyPem: readFileSync(priv, 'utf8'), publicKeyPem: readFileSync(pub, 'utf8') };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = generateSigningKeys();
  writeFileSync(priv, keys.privateKeyPem, { mode: 0o600 });
  writeFileSync(pub, keys.publicKeyPem);
  return keys;
}

/** `clock`: an envelope is valid from the hub's now for its ttl. */
export function createHubSigner(
  db: Db,
  keys: { privateKeyPem: string; publicKeyPem: string },
  clock: Clock,
): HubSigner {
  let seq = Number(stateGet(db, 'envelope_seq') ?? '0');
  // Parsed once: parsing the PEM for every envelope cost more than signing it.
  const privateKey = createPrivateKey(keys.privateKeyPem);
  const saveSeq = db.prepare(
    "INSERT INTO hub_state(key, value) VALUES ('envelope_seq', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
  );
  return {
    publicKeyPem: keys.publicKeyPem,
    seal(to, body, ttlMs) {
      seq += 1;
      saveSeq.run(String(seq));
      return seal(privateKey, to, body, { seq, ttlMs, now: clock.now() });
    },
  };
}
