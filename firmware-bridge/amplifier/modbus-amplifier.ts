// An amplifier switched and read over Modbus (RTU or TCP), as its register map says. Works for a
// bare relay board (power + zone relays, nothing measured) and for a controller that reads back
// current, temperature and faults. Sequencing (power → zones → volume → warm-up, tail → off) is
// the agent's job (edge-agent/speaker-output.ts); this class only does what it is told, once.
import { DeviceError } from '../errors.ts';
import type { ModbusUnit } from '../transport/modbus-master.ts';
import type { Amplifier, AmplifierReadback } from './amplifier.ts';
import { notMeasured, type RegisterMap, type SwitchTarget } from './register-map.ts';

export interface ModbusAmplifierOptions {
  map: RegisterMap;
  /** The device on its bus (the unit id there overrides map.unitId). */
  unit: ModbusUnit;
  /** Close the bus on close(): true when this amplifier is the only device on it. Default true. */
  ownsBus?: boolean;
}

/** Addresses grouped into runs read with one request each. */
function runs(addresses: number[], maxSpan: number): Array<{ start: number; count: number }> {
  const sorted = [...new Set(addresses)].sort((a, b) => a - b);
  const out: Array<{ start: number; count: number }> = [];
  for (const a of sorted) {
    const last = out[out.length - 1];
    if (last && a - last.start < maxSpan) last.count = a - last.start + 1;
    else out.push({ start: a, count: 1 });
  }
  return out;
}

export class ModbusAmplifier implements Amplifier {
  readonly description: string;
  readonly zoneCount: number;
  private readonly map: RegisterMap;
  private readonly unit: ModbusUnit;
  private readonly ownsBus: boolean;
  private closed = false;

  constructor(options: ModbusAmplifierOptions) {
    this.map = options.map;
    this.unit = options.unit;
    this.ownsBus = options.ownsBus ?? true;
    this.zoneCount = this.map.zones.length;
    this.description = `${this.unit.device} (${this.map.name ?? 'Modbus amplifier'}, unit ${this.unit.unitId} on ${this.unit.bus.link})`;
  }

  private invalid(operation: string, detail: string): Promise<never> {
    return Promise.reject(new DeviceError(this.unit.device, operation, 'invalid', detail));
  }

  private checkOpen(operation: string): void {
    if (this.closed) throw new DeviceError(this.unit.device, operation, 'io', 'the link is closed');
  }

  async setPower(on: boolean): Promise<void> {
    if (typeof on !== 'boolean') return this.invalid('setPower', `power must be true or false, got ${String(on)}`);
    this.checkOpen('setPower');
    await this.writeSwitches([{ target: this.map.power, on, what: 'power' }]);
  }

  async setZones(zones: number[]): Promise<void> {
    const op = `setZones(${Array.isArray(zones) ? zones.join(',') : String(zones)})`;
    if (!Array.isArray(zones)) return this.invalid(op, 'zones must be an array of zone numbers');
    const bad = zones.filter((z) => !Number.isInteger(z) || z < 1 || z > this.zoneCount);
    if (bad.length)
      return this.invalid(op, `zone ${bad.map(String).join(', ')} does not exist (zones are 1-${this.zoneCount})`);
    this.checkOpen(op);
    const want = new Set(zones);
    await this.writeSwitches(
      this.map.zones.map((target, i) => ({ target, on: want.has(i + 1), what: `zone ${i + 1}` })),
    );
  }

  async setVolume(percent: number): Promise<void> {
    const op = `setVolume(${percent})`;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      return this.invalid(op, `volume must be an integer 0-100, got ${String(percent)}`);
    this.checkOpen(op);
    const v = this.map.volume;
    if (!v) return; // no volume register: set on the amplifier's front panel
    const raw = Math.round(v.rawMin + (percent / 100) * (v.rawMax - v.rawMin));
    await this.unit.writeRegister(v.holdingRegister, raw, `volume ${percent}% = raw ${raw}`);
  }

  async read(): Promise<AmplifierReadback> {
    this.checkOpen('read');
    const m = this.map;
    const switches = [m.power, ...m.zones];
    const coilAddrs = switches.filter((s) => s.coil !== undefined).map((s) => s.coil!);
    const holdAddrs = [
      ...switches.filter((s) => s.holdingRegister !== undefined).map((s) => s.holdingRegister!),
      ...(m.volume ? [m.volume.holdingRegister] : []),
    ];
    const rb = m.readback;
    const inputAddrs = [
      rb.currentMa?.inputRegister,
      rb.temperatureC?.inputRegister,
      rb.faults?.inputRegister,
      rb.powered?.inputRegister,
    ].filter((a): a is number => a !== undefined);
    const discreteAddrs = rb.powered?.discreteInput !== undefined ? [rb.powered.discreteInput] : [];

    const coils = new Map<number, boolean>();
    const holding = new Map<number, number>();
    const inputs = new Map<number, number>();
    const discrete = new Map<number, boolean>();
    for (const r of runs(coilAddrs, 256)) {
      const v = await this.unit.readCoils(r.start, r.count, 'power and zone relays');
      for (const [i, b] of v.entries()) coils.set(r.start + i, b);
    }
    for (const r of runs(holdAddrs, 32)) {
      const v = await this.unit.readHoldingRegisters(r.start, r.count, 'relay bits and volume');
      for (const [i, x] of v.entries()) holding.set(r.start + i, x);
    }
    for (const r of runs(discreteAddrs, 256)) {
      const v = await this.unit.readDiscreteInputs(r.start, r.count, 'power sense');
      for (const [i, b] of v.entries()) discrete.set(r.start + i, b);
    }
    for (const r of runs(inputAddrs, 32)) {
      const v = await this.unit.readInputRegisters(r.start, r.count, 'current, temperature, faults');
      for (const [i, x] of v.entries()) inputs.set(r.start + i, x);
    }

    const state = (t: SwitchTarget): boolean => {
      const raw =
        t.coil !== undefined ? !!coils.get(t.coil) : !!(((holding.get(t.holdingRegister!) ?? 0) >> t.bit!) & 1);
      return t.inverted ? !raw : raw;
    };
    const measure = (x: { inputRegister: number; scale: number; signed: boolean } | undefined) => {
      if (!x) return 0;
      let raw = inputs.get(x.inputRegister) ?? 0;
      if (x.signed && raw >= 0x8000) raw -= 0x10000;
      return raw * x.scale;
    };

    let powered = state(m.power);
    if (rb.powered) {
      powered =
        rb.powered.discreteInput !== undefined
          ? !!discrete.get(rb.powered.discreteInput)
          : (((inputs.get(rb.powered.inputRegister!) ?? 0) >> rb.powered.bit!) & 1) === 1;
    }
    let volume = 0;
    if (m.volume) {
      const raw = holding.get(m.volume.holdingRegister) ?? 0;
      volume = Math.max(
        0,
        Math.min(100, Math.round(((raw - m.volume.rawMin) / (m.volume.rawMax - m.volume.rawMin)) * 100)),
      );
    }
    const faults: string[] = [];
    if (rb.faults) {
      const bits = inputs.get(rb.faults.inputRegister) ?? 0;
      for (let b = 0; b < 16; b++) if ((bits >> b) & 1) faults.push(rb.faults.bits[String(b)] ?? `fault bit ${b}`);
    }
    const missing = notMeasured(m);
    return {
      powered,
      zones: m.zones.map((t, i) => (state(t) ? i + 1 : 0)).filter((z) => z > 0),
      volume,
      currentMa: Math.max(0, Math.round(measure(rb.currentMa))),
      temperatureC: Math.round(measure(rb.temperatureC) * 10) / 10,
      faults,
      ...(missing.length ? { notMeasured: missing } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsBus) await this.unit.bus.close().catch(() => undefined);
  }

  /** Coils: contiguous runs in one FC15 (FC05 for one coil). Register bits: one read-modify-write per register. */
  private async writeSwitches(items: Array<{ target: SwitchTarget; on: boolean; what: string }>): Promise<void> {
    const coils = items.filter((i) => i.target.coil !== undefined).sort((a, b) => a.target.coil! - b.target.coil!);
    let i = 0;
    while (i < coils.length) {
      let j = i + 1;
      while (j < coils.length && coils[j]!.target.coil === coils[j - 1]!.target.coil! + 1) j++;
      const run = coils.slice(i, j);
      const values = run.map((c) => (c.target.inverted ? !c.on : c.on));
      const what = run.map((c) => c.what).join(', ');
      if (run.length === 1) await this.unit.writeCoil(run[0]!.target.coil!, values[0]!, what);
      else await this.unit.writeCoils(run[0]!.target.coil!, values, what);
      i = j;
    }
    const byReg = new Map<number, Array<{ target: SwitchTarget; on: boolean; what: string }>>();
    for (const it of items.filter((x) => x.target.holdingRegister !== undefined)) {
      const list = byReg.get(it.target.holdingRegister!) ?? [];
      list.push(it);
      byReg.set(it.target.holdingRegister!, list);
    }
    for (const [reg, list] of byReg) {
      const what = list.map((c) => c.what).join(', ');
      const [cur] = await this.unit.readHoldingRegisters(reg, 1, what);
      let next = cur ?? 0;
      for (const it of list) {
        const bit = 1 << it.target.bit!;
        const set = it.target.inverted ? !it.on : it.on;
        next = set ? next | bit : next & ~bit;
      }
      if (next !== cur) await this.unit.writeRegister(reg, next & 0xffff, what);
    }
  }
}
