// A simulated Modbus amplifier controller that speaks the real wire protocol (Modbus TCP, and
// Modbus RTU on a serial port or pty), implementing the register map of
// profiles/amplifiers/amp-controller-readback.yaml. The physics is SimulatedAmplifier's: current
// rises only when powered, zones on, volume above zero AND audio at the input.
//
// The audio input. A real amplifier gets audio through a cable from the sound card, which Modbus
// cannot carry. The simulator therefore has one register no real controller has: coil 100,
// "audio present (simulator only)". The agent writes it when its hardware profile names it
// (`simulation: { audioInputCoil: 100 }`), standing in for the cable; in-process code may call
// audioInput() instead. Never set `simulation` for real equipment.
//
// Faults, for tests and demos: 'no-answer' (silence: the master times out), 'exception' (answers
// an exception, default 04), 'busy' (exception 06), 'dead' (accepts commands, reads back
// unpowered, no current), 'overheat' (temperature climbs past 85 °C, fault bit 0, output muted);
// on RTU also wire faults: 'garbage' (noise around the answer), 'bad-crc', 'truncated'.
import { SimulatedAmplifier, type SimulatedAmplifierOptions } from './simulated-amplifier.ts';
import {
  handlePdu,
  ModbusException,
  ModbusRtuServer,
  ModbusTcpServer,
  type ModbusDataModel,
  type RtuServerOptions,
  type WireFault,
} from '../transport/modbus-server.ts';

export const SIM_AUDIO_COIL = 100;
const ZONES = 4;
const VOLUME_RAW_MAX = 255;

export type ModbusSimFault =
  | 'no-answer'
  | 'exception'
  | 'busy'
  | 'dead'
  | 'overheat'
  | 'garbage'
  | 'bad-crc'
  | 'truncated';

export interface ModbusAmplifierSimulatorOptions
  extends Pick<SimulatedAmplifierOptions, 'idleCurrentMa' | 'zoneLoadMa' | 'ambientC' | 'now' | 'random'> {
  /** Unit address it answers. Default 1. */
  unitId?: number;
  /** Delay before each answer (device processing time). Default 0. */
  answerDelayMs?: number;
  name?: string;
}

export class ModbusAmplifierSimulator {
  readonly unitId: number;
  readonly physics: SimulatedAmplifier;
  private readonly answerDelayMs: number;
  private volumeRaw = 0;
  private fault: ModbusSimFault | null = null;
  /** Remaining requests the fault applies to; null = until cleared. */
  private faultLeft: number | null = null;
  private exceptionCode = 0x04;
  private tcp: ModbusTcpServer | null = null;
  private readonly rtus: ModbusRtuServer[] = [];
  /** Requests answered / ignored, for tests. */
  readonly counters = { requests: 0, answered: 0, silent: 0, exceptions: 0 };

  constructor(options: ModbusAmplifierSimulatorOptions = {}) {
    this.unitId = options.unitId ?? 1;
    this.answerDelayMs = options.answerDelayMs ?? 0;
    this.physics = new SimulatedAmplifier({
      ...options,
      name: options.name ?? 'modbus-sim',
      zones: ZONES,
      latencyMs: 0,
    });
  }

  /** The audio input (what the cable from the sound card would carry). */
  audioInput(active: boolean): void {
    this.physics.feedAudio(active);
  }

  get audioActive(): boolean {
    return this.physics.audioActive;
  }

  /**
   * Injects a fault for the next `count` requests (default: until inject(null)). 'dead' and
   * 'overheat' are states of the amplifier and ignore count.
   */
  inject(fault: ModbusSimFault | null, options: { count?: number; exceptionCode?: number } = {}): void {
    if (fault === 'dead' || fault === 'overheat') {
      this.physics.injectFault(fault);
      this.fault = null;
      return;
    }
    if (fault === null) this.physics.injectFault(null);
    this.fault = fault;
    this.faultLeft = options.count ?? null;
    this.exceptionCode = options.exceptionCode ?? (fault === 'busy' ? 0x06 : 0x04);
  }

  /** Serves Modbus TCP on 127.0.0.1 (port 0: a free one). Returns the port. */
  async listenTcp(port = 0, host = '127.0.0.1'): Promise<number> {
    this.tcp = new ModbusTcpServer((unit, pdu) => this.respond(unit, pdu, 'tcp'));
    return this.tcp.listen(port, host);
  }

  get tcpPort(): number {
    return this.tcp?.port ?? 0;
  }

  /** Drops TCP connections, like a gateway restarting. */
  dropTcpConnections(): void {
    this.tcp?.dropConnections();
  }

  /** Serves Modbus RTU on a serial port or pty. */
  async openRtu(options: Omit<RtuServerOptions, 'wireFault'>): Promise<void> {
    const s = new ModbusRtuServer({ ...options, wireFault: () => this.takeWireFault() }, (unit, pdu) =>
      this.respond(unit, pdu, 'rtu'),
    );
    await s.open();
    this.rtus.push(s);
  }

  async close(): Promise<void> {
    await this.tcp?.close();
    this.tcp = null;
    await Promise.all(this.rtus.splice(0).map((s) => s.close()));
  }

  /** The register model (also usable without a wire, e.g. by a benchmark). */
  readonly model: ModbusDataModel = {
    readCoils: async (address, count) => {
      const r = await this.physics.read();
      const zones = new Set(r.zones);
      return range(address, count).map((a) => {
        if (a === 0) return this.powerCommanded;
        if (a >= 1 && a <= ZONES) return zones.has(a);
        if (a === SIM_AUDIO_COIL) return this.physics.audioActive;
        throw new ModbusException(0x02);
      });
    },
    readDiscreteInputs: async (address, count) => {
      const r = await this.physics.read();
      return range(address, count).map((a) => {
        if (a === 0) return r.powered;
        throw new ModbusException(0x02);
      });
    },
    readHoldingRegisters: (address, count) =>
      range(address, count).map((a) => {
        if (a === 0) return this.volumeRaw;
        throw new ModbusException(0x02);
      }),
    readInputRegisters: async (address, count) => {
      const r = await this.physics.read();
      return range(address, count).map((a) => {
        if (a === 0) return Math.min(0xffff, Math.max(0, Math.round(r.currentMa)));
        if (a === 1) return Math.round(r.temperatureC * 10) & 0xffff;
        if (a === 2) return r.faults.includes('overtemperature') ? 1 : 0;
        throw new ModbusException(0x02);
      });
    },
    writeCoils: async (address, values) => {
      if (range(address, values.length).some((a) => !(a <= ZONES || a === SIM_AUDIO_COIL)))
        throw new ModbusException(0x02);
      const r = await this.physics.read();
      const zones = new Set(r.zones);
      let zonesChanged = false;
      for (const [i, on] of values.entries()) {
        const a = address + i;
        if (a === 0) {
          this.powerCommanded = on;
          await this.physics.setPower(on);
        } else if (a === SIM_AUDIO_COIL) {
          this.physics.feedAudio(on);
        } else {
          zonesChanged = true;
          if (on) zones.add(a);
          else zones.delete(a);
        }
      }
      if (zonesChanged) await this.physics.setZones([...zones]);
    },
    writeRegisters: async (address, values) => {
      if (address !== 0 || values.length !== 1) throw new ModbusException(0x02);
      const raw = values[0]!;
      if (raw > VOLUME_RAW_MAX) throw new ModbusException(0x03);
      this.volumeRaw = raw;
      await this.physics.setVolume(Math.round((raw / VOLUME_RAW_MAX) * 100));
    },
  };

  private powerCommanded = false;

  private takeFault(kinds: ModbusSimFault[]): ModbusSimFault | null {
    const f = this.fault;
    if (!f || !kinds.includes(f)) return null;
    if (this.faultLeft !== null) {
      this.faultLeft--;
      if (this.faultLeft <= 0) {
        this.fault = null;
        this.faultLeft = null;
      }
    }
    return f;
  }

  private takeWireFault(): WireFault {
    return this.takeFault(['garbage', 'bad-crc', 'truncated']) as WireFault;
  }

  private async respond(unit: number, pdu: Buffer, via: 'tcp' | 'rtu'): Promise<Buffer | null> {
    this.counters.requests++;
    if (unit !== this.unitId && unit !== 0) {
      this.counters.silent++;
      // Not ours: on RTU another slave's business; over TCP answer as a gateway would.
      return via === 'tcp' ? Buffer.from([pdu[0]! | 0x80, 0x0b]) : null;
    }
    const f = this.takeFault(['no-answer', 'exception', 'busy']);
    if (f === 'no-answer') {
      this.counters.silent++;
      return null;
    }
    if (this.answerDelayMs > 0) await new Promise((r) => setTimeout(r, this.answerDelayMs));
    if (f === 'exception' || f === 'busy') {
      this.counters.exceptions++;
      return Buffer.from([pdu[0]! | 0x80, this.exceptionCode]);
    }
    const answer = await handlePdu(this.model, pdu);
    if (answer[0]! & 0x80) this.counters.exceptions++;
    this.counters.answered++;
    return answer;
  }
}

const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

/**
 * A plain Modbus relay board (profiles/amplifiers/relay-board-8ch.yaml): `relays` coils and
 * nothing else. It knows nothing of the amplifier behind it, which is the point.
 */
export class ModbusRelayBoardSimulator {
  readonly coils: boolean[];
  private tcp: ModbusTcpServer | null = null;
  private readonly rtus: ModbusRtuServer[] = [];
  silent = false;

  constructor(
    readonly unitId = 1,
    relays = 8,
  ) {
    this.coils = Array.from({ length: relays }, () => false);
  }

  readonly model: ModbusDataModel = {
    readCoils: (address, count) => range(address, count).map((a) => this.coil(a)),
    readDiscreteInputs: () => {
      throw new ModbusException(0x01);
    },
    readHoldingRegisters: () => {
      throw new ModbusException(0x02);
    },
    readInputRegisters: () => {
      throw new ModbusException(0x01);
    },
    writeCoils: (address, values) => {
      for (const a of range(address, values.length)) this.coil(a);
      for (const [i, v] of values.entries()) this.coils[address + i] = v;
    },
    writeRegisters: () => {
      throw new ModbusException(0x02);
    },
  };

  private coil(a: number): boolean {
    if (a < 0 || a >= this.coils.length) throw new ModbusException(0x02);
    return this.coils[a]!;
  }

  private respond = async (unit: number, pdu: Buffer): Promise<Buffer | null> => {
    if (this.silent || unit !== this.unitId) return null;
    return handlePdu(this.model, pdu);
  };

  async listenTcp(port = 0, host = '127.0.0.1'): Promise<number> {
    this.tcp = new ModbusTcpServer(this.respond);
    return this.tcp.listen(port, host);
  }

  async openRtu(options: Omit<RtuServerOptions, 'wireFault'>): Promise<void> {
    const s = new ModbusRtuServer(options, this.respond);
    await s.open();
    this.rtus.push(s);
  }

  async close(): Promise<void> {
    await this.tcp?.close();
    this.tcp = null;
    await Promise.all(this.rtus.splice(0).map((s) => s.close()));
  }
}
