// A device's pass for a streaming engine is its signature over one occurrence: it verifies for that
// device and occurrence with the device's key, and for nothing else.
import { describe, expect, it } from 'vitest';
import { engineListenerAuthorization, generateSigningKeys, verifyEngineListenerToken } from './index.ts';

const passOf = (authorization: string) => {
  const [user, ...rest] = Buffer.from(authorization.replace(/^Basic /, ''), 'base64')
    .toString()
    .split(':');
  return { user, pass: rest.join(':') };
};

describe('engine listener token', () => {
  it('is the device id and its signature over the occurrence, checked with its key alone', () => {
    const a = generateSigningKeys();
    const b = generateSigningKeys();
    const { user, pass } = passOf(engineListenerAuthorization(a.privateKeyPem, 'loa-1', 'b1@1000'));
    expect(user).toBe('loa-1');
    expect(verifyEngineListenerToken(a.publicKeyPem, 'loa-1', 'b1@1000', pass)).toBe(true);
    expect(verifyEngineListenerToken(a.publicKeyPem, 'loa-1', 'b1@2000', pass)).toBe(false); // another occurrence
    expect(verifyEngineListenerToken(a.publicKeyPem, 'loa-2', 'b1@1000', pass)).toBe(false); // another device
    expect(verifyEngineListenerToken(b.publicKeyPem, 'loa-1', 'b1@1000', pass)).toBe(false); // another key
    expect(verifyEngineListenerToken(a.publicKeyPem, 'loa-1', 'b1@1000', 'not base64 at all!')).toBe(false);
  });
});
