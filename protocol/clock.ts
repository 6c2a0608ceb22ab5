// NTP-style clock offset over MQTT. The device sends t0 (its clock); the hub stamps t1 on receipt
// and t2 on reply (hub clock); the device stamps t3 on receipt. Hub time = device time + offset.

export interface ClockSample {
  offsetMs: number;
  delayMs: number;
}

export function clockSample(t0: number, t1: number, t2: number, t3: number): ClockSample {
  return {
    offsetMs: (t1 - t0 + (t2 - t3)) / 2,
    delayMs: Math.max(0, t3 - t0 - (t2 - t1)),
  };
}

/**
 * Keeps the last samples and trusts the one with the smallest round-trip delay: queueing in the
 * broker only ever adds delay, and the offset error is bounded by half the delay (NTP's filter).
 */
export class ClockFilter {
  private samples: ClockSample[] = [];
  constructor(private readonly keep = 8) {}

  add(sample: ClockSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
  }

  best(): ClockSample | null {
    if (this.samples.length === 0) return null;
    return this.samples.reduce((a, b) => (b.delayMs < a.delayMs ? b : a));
  }

  /** Hub time for a device-clock instant; unmeasured offset counts as zero. */
  toHubTime(deviceTime: number): number {
    return deviceTime + (this.best()?.offsetMs ?? 0);
  }

  toDeviceTime(hubTime: number): number {
    return hubTime - (this.best()?.offsetMs ?? 0);
  }
}
