// The signed envelope: every hub → device message is wrapped, signed with the hub's Ed25519 key,
// and checked on the device against the key pinned at enrolment. Device receipts are signed the
// same way with the device's own key. node:crypto does the cryptography; no I/O happens here.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import {
  SignedEnvelope,
  HubBody,
  MessageTarget,
  describeZodError,
  MAX_PAYLOAD_BYTES,
  type UnsignedReceipt,
  type Receipt,
} from './schemas.ts';
import { payloadBytes } from './payload.ts';
import { bodyTargetMismatch, targetRefusal, type Addressee } from './target.ts';
import type { ParsedTopic } from './topics.ts';

export type KeyLike = KeyObject | string;

export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const asPrivate = (k: KeyLike) => (typeof k === 'string' ? createPrivateKey(k) : k);
// EnrolRequest allows a device key as PEM or as bare base64 SPKI DER; accept both here.
const asPublic = (k: KeyLike) =>
  typeof k !== 'string'
    ? k
    : k.includes('-----BEGIN')
      ? createPublicKey(k)
      : createPublicKey({ key: Buffer.from(k, 'base64'), format: 'der', type: 'spki' });

export function signBytes(privateKey: KeyLike, data: string): string {
  return sign(null, Buffer.from(data, 'utf8'), asPrivate(privateKey)).toString('base64');
}

export function verifyBytes(publicKey: KeyLike, data: string, signature: string): boolean {
  try {
    return verify(null, Buffer.from(data, 'utf8'), asPublic(publicKey), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export interface SealOptions {
  seq: number;
  ttlMs: number;
  now?: number;
  id?: string;
}

/**
 * Wraps a body for `to` in a signed envelope. Throws on a target the body never goes to (a
 * manifest for an area, or naming another device): the hub must not sign what agents refuse.
 */
export function seal(privateKey: KeyLike, to: MessageTarget, body: HubBody, opts: SealOptions): SignedEnvelope {
  const target = MessageTarget.safeParse(to);
  if (!target.success)
    throw new Error(`cannot seal a message for ${JSON.stringify(to)}: ${describeZodError(target.error)}`);
  const mismatch = bodyTargetMismatch(target.data, body);
  if (mismatch) throw new Error(`cannot seal: ${mismatch}`);
  const issuedAt = opts.now ?? Date.now();
  const unsigned = {
    v: 2 as const,
    id: opts.id ?? randomUUID(),
    seq: opts.seq,
    issuedAt,
    expiresAt: issuedAt + opts.ttlMs,
    to: target.data,
    body,
  };
  return { ...unsigned, sig: signBytes(privateKey, canonicalJson(unsigned)) };
}

export type RejectReason =
  | 'invalid'
  | 'unsigned'
  | 'forged'
  | 'wrong-target'
  | 'expired'
  | 'not-yet-valid'
  | 'replayed';

export type OpenResult =
  | { ok: true; envelope: SignedEnvelope; body: HubBody }
  | { ok: false; reason: RejectReason; detail: string };

export interface OpenOptions {
  /** Hub time now (device clock corrected by the measured offset). */
  now: number;
  /** Tolerated clock error for "issued in the future". */
  skewMs?: number;
  /** Returns true if this envelope id was already accepted (replay). */
  seen: (id: string) => boolean;
  /** Who is opening it: a message addressed to anyone else is refused as 'wrong-target'. */
  addressee: Addressee;
  /** The topic it arrived on: a device topic carries only that device's messages, an area topic only that area's. */
  arrivedOn: ParsedTopic;
}

/** Parses and verifies an envelope. Never throws: the reason says why a message was rejected. */
export function open(publicKey: KeyLike, payload: string | Buffer, opts: OpenOptions): OpenResult {
  const bytes = payloadBytes(payload);
  if (bytes > MAX_PAYLOAD_BYTES)
    return { ok: false, reason: 'invalid', detail: `payload of ${bytes} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString());
  } catch (e) {
    return { ok: false, reason: 'invalid', detail: `not JSON: ${(e as Error).message}` };
  }
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && !('sig' in raw))
    return { ok: false, reason: 'unsigned', detail: 'message has no signature' };
  if (raw && typeof raw === 'object' && (raw as { v?: unknown }).v === 1) {
    return { ok: false, reason: 'invalid', detail: 'envelope version 1 names no target; version 2 is required' };
  }
  const env = SignedEnvelope.safeParse(raw);
  if (!env.success) return { ok: false, reason: 'invalid', detail: describeZodError(env.error) };
  const { sig, ...unsigned } = env.data;
  if (!verifyBytes(publicKey, canonicalJson(unsigned), sig)) {
    return { ok: false, reason: 'forged', detail: 'signature does not match the pinned hub key' };
  }
  // Before time and replay: a genuine message for someone else is refused as such, never held.
  const refusal = targetRefusal(env.data.to, opts.addressee, opts.arrivedOn);
  if (refusal) return { ok: false, reason: 'wrong-target', detail: refusal };
  const skew = opts.skewMs ?? 30_000;
  if (env.data.expiresAt < opts.now) {
    return { ok: false, reason: 'expired', detail: `expired ${opts.now - env.data.expiresAt} ms ago` };
  }
  if (env.data.issuedAt > opts.now + skew) {
    return { ok: false, reason: 'not-yet-valid', detail: `issued ${env.data.issuedAt - opts.now} ms in the future` };
  }
  if (opts.seen(env.data.id))
    return {
      ok: false,
      reason: 'replayed',
      detail: `envelope ${env.data.id} (seq ${env.data.seq}) was already accepted`,
    };
  const body = HubBody.safeParse(env.data.body);
  if (!body.success) return { ok: false, reason: 'invalid', detail: describeZodError(body.error) };
  const mismatch = bodyTargetMismatch(env.data.to, body.data);
  if (mismatch) return { ok: false, reason: 'wrong-target', detail: mismatch };
  return { ok: true, envelope: env.data, body: body.data };
}

export function signReceipt(privateKey: KeyLike, receipt: UnsignedReceipt): Receipt {
  return { ...receipt, sig: signBytes(privateKey, canonicalJson(receipt)) };
}

export function verifyReceipt(publicKey: KeyLike, receipt: Receipt): boolean {
  const { sig, ...rest } = receipt;
  return verifyBytes(publicKey, canonicalJson(rest), sig);
}
