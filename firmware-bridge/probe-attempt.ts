import { isDeviceError } from './errors.ts';

/**
 * For probes: runs one step against a device and, if it fails, records the failure in the
 * result instead of stopping, so an installer sees every problem at once.
 */
export function probeAttempt(result: { ok: boolean; errors: string[] }) {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      result.ok = false;
      result.errors.push(`${what}: ${isDeviceError(e) ? e.message : (e as Error).message}`);
      return undefined;
    }
  };
}
