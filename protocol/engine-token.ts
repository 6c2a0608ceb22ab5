// What a device shows a streaming engine (an Icecast relay server, docs/relay.md) to listen to one
// relay occurrence: its id and its Ed25519 signature over that occurrence, never its broker
// password. The engine asks the hub, which checks the signature with the device's enrolled key. A
// token overheard on the way to the engine opens that one occurrence's audio, which the device's
// speakers air in public anyway; the password would have opened the device's MQTT login.
import { signBytes, verifyBytes, type KeyLike } from './envelope.ts';

const PURPOSE = 'wardcast engine listener v1';
const signed = (deviceId: string, occurrenceId: string) => `${PURPOSE}\n${deviceId}\n${occurrenceId}`;

/** HTTP basic credentials for the engine: the device id, and the signature as the password. */
export function engineListenerAuthorization(privateKey: KeyLike, deviceId: string, occurrenceId: string): string {
  const token = signBytes(privateKey, signed(deviceId, occurrenceId));
  return `Basic ${Buffer.from(`${deviceId}:${token}`).toString('base64')}`;
}

/** Whether `token` is this device's signature over this occurrence. */
export function verifyEngineListenerToken(
  publicKey: KeyLike,
  deviceId: string,
  occurrenceId: string,
  token: string,
): boolean {
  return verifyBytes(publicKey, signed(deviceId, occurrenceId), token);
}
