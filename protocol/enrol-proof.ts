// Proof that an enrolment request comes from the holder of the device's private key: an Ed25519
// signature over the token under a fixed label, so the signature means "enrol me with this token"
// and nothing else the device signs (receipts) can be passed off as one. The token and the public
// key alone are not enough to retry an enrolment whose answer was lost: the public key is public.
import { signBytes, verifyBytes, type KeyLike } from './envelope.ts';

export const ENROL_PROOF_LABEL = 'wardcast-enrol-proof-v1';

const proofData = (token: string) => `${ENROL_PROOF_LABEL}\n${token}`;

export function signEnrolProof(privateKey: KeyLike, token: string): string {
  return signBytes(privateKey, proofData(token));
}

export function verifyEnrolProof(publicKey: KeyLike, token: string, proof: string): boolean {
  return verifyBytes(publicKey, proofData(token), proof);
}
