// One error type for everything a device driver can fail with, so the agent can tell a dead link
// (timeout, io) from a device that answered "no" (exception) and from a bad request (invalid).

export type DeviceErrorCode = 'timeout' | 'exception' | 'io' | 'invalid';

export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  /** What went wrong, without the device/operation prefix. */
  readonly detail: string;

  constructor(
    readonly device: string,
    readonly operation: string,
    readonly code: DeviceErrorCode,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${device}: ${operation} failed (${code}): ${detail}`, options);
    this.detail = detail;
  }
}

export function isDeviceError(e: unknown, code?: DeviceErrorCode): e is DeviceError {
  return e instanceof DeviceError && (code === undefined || e.code === code);
}
