// Builds a ModbusAmplifier from the amplifier section of a hardware profile.
import { ModbusBus } from '../transport/modbus-master.ts';
import { ModbusAmplifier } from './modbus-amplifier.ts';
import type { ModbusAmplifierConfig } from './modbus-profile.ts';

export interface ModbusAmplifierHandle {
  amplifier: ModbusAmplifier;
  bus: ModbusBus;
  /** Set when the profile names a simulator's audio-input coil: the player's audio start/stop. */
  feedAudio?: (active: boolean) => void;
}

export function createModbusAmplifier(a: ModbusAmplifierConfig, name = 'amplifier'): ModbusAmplifierHandle {
  const bus = new ModbusBus(
    a.driver === 'modbus-tcp'
      ? { type: 'tcp', host: a.host, port: a.port }
      : {
          type: 'rtu',
          path: a.path,
          baudRate: a.baudRate,
          parity: a.parity,
          stopBits: a.stopBits,
          dataBits: a.dataBits,
        },
    { timeoutMs: a.timeoutMs, retries: a.retries },
  );
  const unit = bus.unit(a.unitId, `amplifier "${name}"`);
  const amplifier = new ModbusAmplifier({ map: a.registerMap, unit });
  const coil = a.simulation?.audioInputCoil;
  const feedAudio =
    coil === undefined
      ? undefined
      : (active: boolean) => {
          // Fire and forget: queued on the bus before the next read-back; a failure shows up there.
          unit.writeCoil(coil, active, 'simulator audio input').catch(() => undefined);
        };
  return { amplifier, bus, feedAudio };
}
