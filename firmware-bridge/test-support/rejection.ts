import { expect } from 'vitest';
import { DeviceError } from '../errors.ts';

/** The DeviceError an operation fails with; the test fails if it succeeds or throws anything else. */
export async function rejection(p: Promise<unknown>): Promise<DeviceError> {
  const e = await p.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeviceError);
  return e as DeviceError;
}
