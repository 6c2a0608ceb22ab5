// The amplifier seen by the agent. Shaped after a Modbus amplifier/zone controller: a few coils
// (power, zone relays), a holding register (volume) and input registers read back as evidence.
// Every method may throw a DeviceError.

/** A value some amplifiers cannot report (a plain relay board reports none of them). */
export type ReadbackValue = 'power' | 'volume' | 'current' | 'temperature' | 'faults';

export interface AmplifierReadback {
  /** What the amplifier reports, not what was commanded: a blown unit reads back unpowered. */
  powered: boolean;
  /** Zones switched on, 1-based, ascending. */
  zones: number[];
  /** 0-100 */
  volume: number;
  /** Supply current: idle when powered, rises only when it is actually driving speakers. */
  currentMa: number;
  temperatureC: number;
  faults: string[];
  /**
   * Values this hardware cannot measure. Their fields above are placeholders (0, [], or for
   * 'power' the power relay's own state), never evidence. Absent or empty: everything measured.
   */
  notMeasured?: ReadbackValue[];
}

export interface Amplifier {
  readonly description: string;
  setPower(on: boolean): Promise<void>;
  /** Zones to switch on (1-based); every other zone is switched off. */
  setZones(zones: number[]): Promise<void>;
  /** 0-100, integer. */
  setVolume(percent: number): Promise<void>;
  read(): Promise<AmplifierReadback>;
  /** Releases the link; never throws. Operations after close throw DeviceError 'io'. */
  close(): Promise<void>;
}
