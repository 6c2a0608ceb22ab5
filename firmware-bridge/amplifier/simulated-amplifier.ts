// A simulated amplifier that behaves like the hardware the agent must not trust blindly: it only
// draws load current when it is powered, has zones on, a volume above zero AND audio at its input
// (feedAudio, wired to the player). That is what makes current read-back evidence of play.
import { DeviceError } from '../errors.ts';
import { OpQueue } from '../op-queue.ts';
import { simulatedRequest, type SimulatedLine } from '../simulated-request.ts';
import type { Amplifier, AmplifierReadback } from './amplifier.ts';

export type AmplifierFault = 'dead' | 'no-answer' | 'overheat' | 'exception';

export interface SimulatedAmplifierOptions {
  /** Shown in the description and in every DeviceError. Default "amp". */
  name?: string;
  /** Number of zone relays. Default 4. */
  zones?: number;
  /** Per-operation round trip, like a Modbus RTU request at 9600 baud. Default 3 ms. */
  latencyMs?: number;
  /** How long a request waits for an answer under the 'no-answer' fault. Default 1000 ms. */
  timeoutMs?: number;
  /** Quiescent current when powered. Default 90 mA (reads 65-115 mA). */
  idleCurrentMa?: number;
  /** Extra current per switched-on zone at full volume while driving. Default 500 mA. */
  zoneLoadMa?: number;
  /** Default 32 °C (a cabinet on a pole in Vietnam). */
  ambientC?: number;
  /** How slowly temperature follows the load. Default 180 s. */
  thermalTimeConstantMs?: number;
  /** Clock for the thermal model; tests pass a fake one. */
  now?: () => number;
  /** Noise source in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/** Above this the amplifier reports 'overtemperature' and its protection mutes the output. */
export const OVERTEMPERATURE_C = 85;
const OVERHEAT_TARGET_C = 95;
const OVERHEAT_TIME_CONSTANT_MS = 20_000;

export class SimulatedAmplifier implements Amplifier {
  readonly description: string;
  readonly zoneCount: number;

  private readonly queue = new OpQueue();
  private readonly latencyMs: number;
  private readonly timeoutMs: number;
  private readonly idleMa: number;
  private readonly zoneLoadMa: number;
  private readonly ambientC: number;
  private readonly tauMs: number;
  private readonly now: () => number;
  private readonly random: () => number;

  private powered = false;
  // Relays default closed, like the front-panel zone switches of a PA amplifier.
  private zonesOn: Set<number>;
  private volume = 0;
  private audio = false;
  private fault: AmplifierFault | null = null;
  private closed = false;
  private temperatureC: number;
  private thermalAt: number;

  constructor(options: SimulatedAmplifierOptions = {}) {
    this.zoneCount = options.zones ?? 4;
    if (!Number.isInteger(this.zoneCount) || this.zoneCount < 1 || this.zoneCount > 64) {
      throw new RangeError(`simulated amplifier zones must be an integer 1-64, got ${options.zones}`);
    }
    this.description = `simulated amplifier "${options.name ?? 'amp'}" (${this.zoneCount} zones)`;
    this.latencyMs = options.latencyMs ?? 3;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.idleMa = options.idleCurrentMa ?? 90;
    this.zoneLoadMa = options.zoneLoadMa ?? 500;
    this.ambientC = options.ambientC ?? 32;
    this.tauMs = options.thermalTimeConstantMs ?? 180_000;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.zonesOn = new Set(Array.from({ length: this.zoneCount }, (_, i) => i + 1));
    this.temperatureC = this.ambientC;
    this.thermalAt = this.now();
  }

  // ---- Amplifier ----

  setPower(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') return this.invalid('setPower', `power must be true or false, got ${String(on)}`);
    return this.op('setPower', () => {
      this.powered = on;
    });
  }

  setZones(zones: number[]): Promise<void> {
    const op = `setZones(${Array.isArray(zones) ? zones.join(',') : String(zones)})`;
    if (!Array.isArray(zones)) return this.invalid(op, 'zones must be an array of zone numbers');
    const bad = zones.filter((z) => !Number.isInteger(z) || z < 1 || z > this.zoneCount);
    if (bad.length)
      return this.invalid(op, `zone ${bad.map(String).join(', ')} does not exist (zones are 1-${this.zoneCount})`);
    return this.op(op, () => {
      this.zonesOn = new Set(zones);
    });
  }

  setVolume(percent: number): Promise<void> {
    const op = `setVolume(${percent})`;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      return this.invalid(op, `volume must be an integer 0-100, got ${String(percent)}`);
    }
    return this.op(op, () => {
      this.volume = percent;
    });
  }

  read(): Promise<AmplifierReadback> {
    return this.op('read', () => {
      const working = this.powered && this.fault !== 'dead';
      const overtemp = this.temperatureC > OVERTEMPERATURE_C;
      const load = this.driving() ? this.loadMa() * (0.85 + 0.3 * this.random()) : 0;
      const currentMa = working ? this.idleMa * (0.72 + 0.56 * this.random()) + load : 1.5 * this.random();
      return {
        powered: working,
        zones: [...this.zonesOn].sort((a, b) => a - b),
        volume: this.volume,
        currentMa: Math.round(currentMa),
        temperatureC: Math.round(this.temperatureC * 10) / 10,
        faults: overtemp ? ['overtemperature'] : [],
      };
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- simulation controls (not part of Amplifier) ----

  /** The simulated audio input: the player wiring calls this when decoded audio starts/stops. */
  feedAudio(active: boolean): void {
    this.settleTemperature();
    this.audio = active;
  }

  /**
   * 'dead': accepts commands, never draws current, reads back unpowered (a blown unit).
   * 'no-answer': every request times out. 'exception': every request gets a device exception.
   * 'overheat': temperature climbs past 85 °C; 'overtemperature' fault, output muted.
   * null clears the fault (the unit was repaired: an overheated one is back to 80 °C).
   */
  injectFault(fault: AmplifierFault | null): void {
    this.settleTemperature();
    if (fault === 'overheat') this.temperatureC = Math.max(this.temperatureC, OVERTEMPERATURE_C + 1);
    if (this.fault === 'overheat' && fault !== 'overheat')
      this.temperatureC = Math.min(this.temperatureC, OVERTEMPERATURE_C - 5);
    this.fault = fault;
  }

  get injectedFault(): AmplifierFault | null {
    return this.fault;
  }

  get audioActive(): boolean {
    return this.audio;
  }

  // ---- internals ----

  private driving(): boolean {
    return (
      this.powered &&
      this.fault !== 'dead' &&
      this.audio &&
      this.volume > 0 &&
      this.zonesOn.size > 0 &&
      this.temperatureC <= OVERTEMPERATURE_C
    );
  }

  private loadMa(): number {
    return (this.volume / 100) * this.zoneLoadMa * this.zonesOn.size;
  }

  /** Moves temperature towards the equilibrium for the state held since the last call. */
  private settleTemperature(): void {
    const t = this.now();
    const dt = Math.max(0, t - this.thermalAt);
    this.thermalAt = t;
    let target: number;
    let tau = this.tauMs;
    if (this.fault === 'overheat') {
      target = OVERHEAT_TARGET_C;
      tau = OVERHEAT_TIME_CONSTANT_MS;
    } else {
      const working = this.powered && this.fault !== 'dead';
      target = this.ambientC + (working ? 6 : 0) + (this.driving() ? (30 * this.loadMa()) / 2000 : 0);
    }
    this.temperatureC = target + (this.temperatureC - target) * Math.exp(-dt / tau);
  }

  private invalid(operation: string, detail: string): Promise<never> {
    return Promise.reject(new DeviceError(this.description, operation, 'invalid', detail));
  }

  private op<T>(operation: string, apply: () => T): Promise<T> {
    const line: SimulatedLine = {
      description: this.description,
      queue: this.queue,
      timeoutMs: this.timeoutMs,
      latencyMs: this.latencyMs,
      exceptionDetail: 'device answered with exception 4 (server device failure)',
      isClosed: () => this.closed,
      currentFault: () => this.fault,
    };
    return simulatedRequest(line, operation, () => {
      this.settleTemperature();
      return apply();
    });
  }
}
