// Device credentials (the MQTT password a device gets at enrolment) are random 256-bit secrets the
// hub makes itself. Nobody can guess one, so a password KDF buys nothing: a SHA-256 digest, compared
// in constant time, keeps a leaked database from revealing them and costs microseconds, where scrypt
// cost 76–145 ms of CPU on every connect. User passwords, which people choose, keep scrypt
// (hub/auth/passwords.ts). Hashes stored before this scheme ("scrypt$…") still verify, once, and are
// then replaced by the digest (deviceAuthenticator in devices.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import { randomSecret, verifyPassword } from '../auth/passwords.ts';

export const DEVICE_SECRET_BYTES = 32;
const PREFIX = 'sha256$';

export const newDeviceSecret = () => randomSecret(DEVICE_SECRET_BYTES);

export const digestDeviceSecret = (secret: string) => PREFIX + createHash('sha256').update(secret).digest('base64');

/** Whether a stored hash is of the scheme this hub writes (false: a legacy scrypt hash to upgrade). */
export const isCurrentScheme = (stored: string) => stored.startsWith(PREFIX);

/** Checks a secret against what is stored; a legacy scrypt hash is checked with scrypt (slow, once). */
export async function checkDeviceSecret(secret: string, stored: string): Promise<boolean> {
  if (isCurrentScheme(stored)) {
    const expected = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const actual = createHash('sha256').update(secret).digest();
    return expected.length === actual.length && timingSafeEqual(actual, expected);
  }
  return verifyPassword(secret, stored);
}
