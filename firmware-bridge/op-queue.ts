// One request at a time per device, as on a Modbus RTU or sign serial line: a second command must
// not interleave with a pending answer. Real drivers will share one queue per bus.

export class OpQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op, op);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
