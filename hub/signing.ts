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
import { openReservedCounter, reservationFile } from './db/reserved-counter.ts';

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

/**
 * `clock`: an envelope is valid from the hub's now for its ttl.
 *
 * The envelope `seq` comes from a reserved counter (db/reserved-counter.ts): each block of 10,000 is
 * on disk before its first value is used, so sealing writes nothing to the database and a seal
 * inside a relaxed commit (a refresh slice) cannot hand out a number again after a power cut. The
 * `envelope_seq` row of hub_state, where hubs before this kept the counter, is only read, as a floor.
 */
export function createHubSigner(
  db: Db,
  keys: { privateKeyPem: string; publicKeyPem: string },
  clock: Clock,
  opts: { onError?: (err: Error) => void } = {},
): HubSigner & { settled(): Promise<void>; lastSeq(): number; nextSeq(): number } {
  const counter = openReservedCounter(
    reservationFile(db, 'envelope-seq'),
    Number(stateGet(db, 'envelope_seq') ?? '0'),
    opts,
  );
  // Parsed once: parsing the PEM for every envelope cost more than signing it.
  const privateKey = createPrivateKey(keys.privateKeyPem);
  return {
    publicKeyPem: keys.publicKeyPem,
    seal(to, body, ttlMs) {
      return seal(privateKey, to, body, { seq: counter.next(), ttlMs, now: clock.now() });
    },
    /** An envelope number for a message sealed elsewhere with the same key (the ingest's worker threads). */
    nextSeq: () => counter.next(),
    /** Before the data directory goes away: a block reservation may be under way. */
    settled: () => counter.settled(),
    lastSeq: () => counter.current(),
  };
}
