// One request to a simulated device, behaving as a request on a real line does: one at a time,
// refused once closed, a timeout when the device is told not to answer, some latency, and an
// error answer when it is told to fail.
import { DeviceError } from './errors.ts';
import { sleep, type OpQueue } from './op-queue.ts';

export interface SimulatedLine {
  readonly description: string;
  readonly queue: OpQueue;
  readonly timeoutMs: number;
  readonly latencyMs: number;
  isClosed(): boolean;
  /** The injected fault right now; 'no-answer' and 'exception' are handled here. */
  currentFault(): string | null;
  /** What the device answers when the 'exception' fault is injected. */
  readonly exceptionDetail: string;
}

export function simulatedRequest<T>(line: SimulatedLine, operation: string, apply: () => T): Promise<T> {
  return line.queue.run(async () => {
    if (line.isClosed()) throw new DeviceError(line.description, operation, 'io', 'the link is closed');
    const fault = line.currentFault();
    if (fault === 'no-answer') {
      await sleep(line.timeoutMs);
      throw new DeviceError(line.description, operation, 'timeout', `no answer within ${line.timeoutMs} ms`);
    }
    if (line.latencyMs > 0) await sleep(line.latencyMs);
    if (fault === 'exception') throw new DeviceError(line.description, operation, 'exception', line.exceptionDetail);
    return apply();
  });
}
