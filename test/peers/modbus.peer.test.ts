// The Modbus driver against peers nobody here wrote, and our simulator read by one:
//   - pymodbus (Debian python3-pymodbus 3.0.0rc1) serving the controller register map over TCP and
//     over RTU on a socat pty pair, with a fault-injecting proxy on the line (noise, truncated
//     frames, wrong CRC, dropped answers), exceptions and a unit that never answers;
//   - mbpoll reading wardcast's Modbus amplifier simulator over TCP and RTU.
// Each bad case must give a clear DeviceError and leave the driver usable for the next request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModbusBus } from '../../firmware-bridge/transport/modbus-master.ts';
import { ModbusAmplifier } from '../../firmware-bridge/amplifier/modbus-amplifier.ts';
import { loadRegisterMap, parseRegisterMap } from '../../firmware-bridge/amplifier/register-map.ts';
import { ModbusAmplifierSimulator } from '../../firmware-bridge/amplifier/modbus-amplifier-simulator.ts';
import { DeviceError } from '../../firmware-bridge/errors.ts';
import {
  faultyLine,
  mbpoll,
  mbpollValues,
  pymodbusServer,
  socatPair,
  type FaultyLine,
  type Peer,
  type PtyPair,
} from './peers.ts';
import { freePort } from '../helpers/ports.ts';

const map = loadRegisterMap('amp-controller-readback');
const FAST = { timeoutMs: 200, retries: 2, backoffMs: 10 };
// The pty path crosses two socat processes, a proxy and Python: a little more room on a busy 2-core box.
const RTU = { ...FAST, timeoutMs: 300 };
const PY_READBACK = {
  powered: true,
  currentMa: 1234,
  temperatureC: 41.5,
  faults: ['overtemperature', 'dc-protection'],
};

const IO_OR_TIMEOUT = ['io', 'timeout'] as const;

async function expectDeviceError(
  p: Promise<unknown>,
  code: DeviceError['code'] | typeof IO_OR_TIMEOUT,
  message: RegExp,
): Promise<DeviceError> {
  const e = await p.then(
    () => null,
    (err) => err,
  );
  expect(e, 'expected a DeviceError').toBeInstanceOf(DeviceError);
  if (Array.isArray(code)) expect(code).toContain((e as DeviceError).code);
  else expect((e as DeviceError).code).toBe(code);
  expect((e as DeviceError).message).toMatch(message);
  return e as DeviceError;
}

describe('Modbus TCP driver against pymodbus', () => {
  let py: Peer;
  let bus: ModbusBus;
  let amp: ModbusAmplifier;
  beforeAll(async () => {
    const port = await freePort();
    py = await pymodbusServer(['tcp', port]);
    bus = new ModbusBus({ type: 'tcp', host: '127.0.0.1', port }, FAST);
    amp = new ModbusAmplifier({ map, unit: bus.unit(1, 'amplifier "loa-py"') });
  });
  afterAll(async () => {
    await amp?.close();
    await py?.stop();
  });

  it('switches power, zones and volume and reads back current, temperature and faults', async () => {
    await amp.setPower(true);
    await amp.setZones([2, 4]);
    await amp.setVolume(70);
    const r = await amp.read();
    expect(r).toMatchObject({ ...PY_READBACK, zones: [2, 4], volume: 70 });
    expect(r.notMeasured).toBeUndefined();
    // pymodbus stored exactly what was written: raw 179 for 70 % of 0..255
    expect(await bus.unit(1, 'x').readHoldingRegisters(0, 1)).toEqual([179]);
  });

  it('names an exception with its meaning, and the next request works', async () => {
    const e = await expectDeviceError(
      bus.unit(1, 'amplifier "loa-py"').readInputRegisters(40, 2, 'no such registers'),
      'exception',
      /exception 02 \(illegal data address/,
    );
    expect(e.message).toMatch(
      /^amplifier "loa-py": unit 1 FC04 read input registers 40-41 \(no such registers\) failed/,
    );
    expect(await amp.read()).toMatchObject(PY_READBACK);
  });

  it('a unit that does not answer times out, and the next request works', async () => {
    await expectDeviceError(
      bus.unit(7, 'amplifier "absent"').readCoils(0, 1),
      'timeout',
      /unit 7 FC01 .*no answer within 200 ms/,
    );
    expect(await amp.read()).toMatchObject(PY_READBACK);
  });

  it('drives a plain relay board map (no read-back: reported as not measured)', async () => {
    const relay = new ModbusAmplifier({
      map: loadRegisterMap('relay-board-8ch'),
      unit: bus.unit(1, 'relay board'),
      ownsBus: false,
    });
    await relay.setPower(true);
    await relay.setZones([1, 7]);
    await relay.setVolume(80); // no volume register: nothing sent
    expect(await relay.read()).toMatchObject({
      powered: true,
      zones: [1, 7],
      notMeasured: ['power', 'volume', 'current', 'temperature', 'faults'],
    });
    expect(await bus.unit(1, 'x').readCoils(0, 8)).toEqual([true, true, false, false, false, false, false, true]);
  });

  it('switches holding-register bits by read-modify-write, keeping the other bits', async () => {
    const map = parseRegisterMap({
      unitId: 1,
      power: { holdingRegister: 0, bit: 15 },
      zones: [
        { holdingRegister: 0, bit: 0 },
        { holdingRegister: 0, bit: 1, inverted: true },
      ],
    });
    const regAmp = new ModbusAmplifier({ map, unit: bus.unit(1, 'register-bit amp'), ownsBus: false });
    await bus.unit(1, 'x').writeRegister(0, 0b0000_0000_0011_0000);
    await regAmp.setPower(true);
    await regAmp.setZones([1, 2]);
    expect(await bus.unit(1, 'x').readHoldingRegisters(0, 1)).toEqual([0b1000_0000_0011_0001]); // zone 2 is active-low
    expect(await regAmp.read()).toMatchObject({ powered: true, zones: [1, 2] });
    await regAmp.setZones([]);
    expect(await bus.unit(1, 'x').readHoldingRegisters(0, 1)).toEqual([0b1000_0000_0011_0010]);
  });
});

describe('Modbus RTU driver against pymodbus on a pty line with faults', () => {
  let toMaster: PtyPair;
  let toSlave: PtyPair;
  let line: FaultyLine;
  let py: Peer;
  let bus: ModbusBus;
  let amp: ModbusAmplifier;
  beforeAll(async () => {
    [toMaster, toSlave] = await Promise.all([socatPair(), socatPair()]);
    py = await pymodbusServer(['rtu', toSlave.b, 19200]);
    line = await faultyLine(toMaster.b, toSlave.a, 19200);
    bus = new ModbusBus({ type: 'rtu', path: toMaster.a, baudRate: 19200 }, RTU);
    amp = new ModbusAmplifier({ map, unit: bus.unit(1, 'amplifier "loa-rtu"') });
  });
  afterAll(async () => {
    await amp?.close();
    await line?.stop();
    await py?.stop();
    await Promise.all([toMaster?.stop(), toSlave?.stop()]);
  });

  it('works on a clean line', async () => {
    await amp.setPower(true);
    await amp.setZones([1, 2, 3, 4]);
    await amp.setVolume(40);
    expect(await amp.read()).toMatchObject({ ...PY_READBACK, zones: [1, 2, 3, 4], volume: 40 });
  });

  // Under load a late piece of a bad answer can run into the retry's answer: a truncated or
  // garbled frame then reads as a CRC error instead of a timeout. Both are clear; both recover.
  it.each([
    ['garble', /no answer within 300 ms|CRC error/],
    ['truncate', /no answer within 300 ms|CRC error/],
    ['bad-crc', /CRC error/],
    ['drop', /no answer within 300 ms/],
  ] as const)('%s on every attempt: a clear error, then the driver works again', async (fault, message) => {
    line.inject(fault, 3); // first attempt and both retries
    const e = await expectDeviceError(
      bus.unit(1, 'amplifier "loa-rtu"').readInputRegisters(0, 3, 'current, temperature, faults'),
      fault === 'bad-crc' ? 'io' : fault === 'drop' ? 'timeout' : IO_OR_TIMEOUT,
      message,
    );
    expect(e.message).toMatch(/amplifier "loa-rtu": unit 1 FC04 read input registers 0-2 .*modbus-rtu .* 19200 8N1/);
    expect(await amp.read()).toMatchObject(PY_READBACK);
  });

  it('one bad answer is retried away', async () => {
    for (const fault of ['garble', 'truncate', 'bad-crc', 'drop'] as const) {
      const before = bus.stats.retries;
      line.inject(fault, 1);
      expect(await amp.read()).toMatchObject(PY_READBACK);
      expect(bus.stats.retries, fault).toBeGreaterThan(before);
    }
  });

  it('noise around an answer is skipped by the framer: no retry needed', async () => {
    const before = bus.stats.retries;
    line.inject('noise', 5);
    expect(await amp.read()).toMatchObject(PY_READBACK);
    expect(bus.stats.retries).toBe(before);
    line.inject(null);
  });

  it('noise between frames does not disturb the next request', async () => {
    line.noise(Buffer.from([0x01, 0x04, 0x06, 0xde, 0xad, 0xbe, 0xef, 0x00]));
    await new Promise((r) => setTimeout(r, 30));
    expect(await amp.read()).toMatchObject(PY_READBACK);
  });

  it('exception and absent unit on RTU', async () => {
    await expectDeviceError(
      bus.unit(1, 'amplifier "loa-rtu"').readHoldingRegisters(9, 1),
      'exception',
      /Modbus exception 02 \(illegal data address/,
    );
    await expectDeviceError(
      bus.unit(9, 'amplifier "absent"').readHoldingRegisters(0, 1),
      'timeout',
      /unit 9 FC03 read holding registers 0 failed \(timeout\)/,
    );
    expect(await amp.read()).toMatchObject(PY_READBACK);
  });
});

describe('wardcast Modbus amplifier simulator read by mbpoll', () => {
  let sim: ModbusAmplifierSimulator;
  let port: number;
  beforeAll(async () => {
    sim = new ModbusAmplifierSimulator({ random: () => 0 });
    port = await sim.listenTcp();
  });
  afterAll(() => sim?.close());

  const poll = (args: string[]) =>
    mbpoll(['-m', 'tcp', '-p', String(port), '-a', '1', ...args, '127.0.0.1']).then(mbpollValues);

  it('current rises only when powered, zones on, volume up and audio present', async () => {
    // mbpoll references are 1-based: reference 1 = protocol address 0
    expect(await poll(['-t', '3', '-r', '1', '-c', '3'])).toEqual({ 1: 0, 2: 320, 3: 0 });
    await mbpoll(['-m', 'tcp', '-p', String(port), '-a', '1', '-t', '0', '-r', '1', '127.0.0.1', '1']); // power on
    await mbpoll(['-m', 'tcp', '-p', String(port), '-a', '1', '-t', '4', '-r', '1', '127.0.0.1', '255']); // volume 100 %
    const idle = (await poll(['-t', '3', '-r', '1', '-c', '1']))[1]!;
    expect(idle).toBeGreaterThan(50);
    expect(idle).toBeLessThan(150);
    expect((await poll(['-t', '1', '-r', '1', '-c', '1']))[1]).toBe(1); // discrete input: powered
    sim.audioInput(true);
    const playing = (await poll(['-t', '3', '-r', '1', '-c', '1']))[1]!;
    expect(playing).toBeGreaterThan(1500); // 4 zones × 500 mA at full volume
    expect(await poll(['-t', '0', '-r', '1', '-c', '5'])).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
    expect(await poll(['-t', '4', '-r', '1', '-c', '1'])).toEqual({ 1: 255 });
  });

  it('answers an unknown register with exception 02, as mbpoll reports it', async () => {
    await expect(poll(['-t', '3', '-r', '20', '-c', '1'])).rejects.toThrow(/Illegal data address/i);
  });

  it('serves RTU on a pty, read by mbpoll', async () => {
    const pair = await socatPair();
    const rtuSim = new ModbusAmplifierSimulator({ unitId: 5, random: () => 0 });
    try {
      await rtuSim.openRtu({ path: pair.b, baudRate: 9600, parity: 'even' });
      const out = await mbpoll([
        '-m',
        'rtu',
        '-b',
        '9600',
        '-P',
        'even',
        '-a',
        '5',
        '-t',
        '3',
        '-r',
        '1',
        '-c',
        '3',
        pair.a,
      ]);
      expect(mbpollValues(out)).toEqual({ 1: 0, 2: 320, 3: 0 });
      rtuSim.inject('overheat');
      await new Promise((r) => setTimeout(r, 20));
      const hot = mbpollValues(
        await mbpoll(['-m', 'rtu', '-b', '9600', '-P', 'even', '-a', '5', '-t', '3', '-r', '2', '-c', '2', pair.a]),
      );
      expect(hot[2]).toBeGreaterThan(850);
      expect(hot[3]).toBe(1); // fault bit 0: overtemperature
    } finally {
      await rtuSim.close();
      await pair.stop();
    }
  });
});

describe('Modbus RTU: the cable comes back', () => {
  it('"Port Not Open" after the line vanished is detected, and the port reopened by path once it is back', async () => {
    const pair = await socatPair();
    let sim = new ModbusAmplifierSimulator({ random: () => 0 });
    await sim.openRtu({ path: pair.b, baudRate: 9600 });
    const bus = new ModbusBus({ type: 'rtu', path: pair.a, baudRate: 9600 }, { ...FAST, retries: 1 });
    const u = bus.unit(1, 'amplifier "loa-cable"');
    let pair2: Awaited<ReturnType<typeof socatPair>> | undefined;
    try {
      expect(await u.readInputRegisters(1, 1)).toEqual([320]);
      await sim.close();
      await pair.stop(true); // unplugged: the pty vanishes
      await expectDeviceError(u.readInputRegisters(1, 1), 'io', /cannot open the link: .*No such file or directory/);
      pair2 = await socatPair(pair.dir); // plugged in again at the same path
      sim = new ModbusAmplifierSimulator({ random: () => 0 });
      await sim.openRtu({ path: pair2.b, baudRate: 9600 });
      expect(await u.readInputRegisters(1, 1)).toEqual([320]);
      expect(bus.stats.reopens).toBeGreaterThanOrEqual(1);
    } finally {
      await bus.close();
      await sim.close();
      await (pair2 ?? pair).stop();
    }
  });
});

describe("wardcast simulator's RTU wire faults, as the driver sees them", () => {
  it('noise around answers is read through; bad CRC and truncation are clear errors; the driver recovers', async () => {
    const pair = await socatPair();
    const sim = new ModbusAmplifierSimulator({ random: () => 0 });
    const bus = new ModbusBus({ type: 'rtu', path: pair.a, baudRate: 115200 }, RTU);
    const amp = new ModbusAmplifier({ map, unit: bus.unit(1, 'amplifier "loa-sim-rtu"') });
    try {
      await sim.openRtu({ path: pair.b, baudRate: 115200 });
      sim.inject('garbage', { count: 10 });
      expect(await amp.read()).toMatchObject({ powered: false, temperatureC: 32 });
      sim.inject('bad-crc', { count: 3 });
      await expectDeviceError(
        amp.setPower(true),
        'io',
        /unit 1 FC05 write single coil 0 \(power\) failed \(io\): .*CRC error/,
      );
      sim.inject('truncated', { count: 3 });
      await expectDeviceError(
        amp.setVolume(30),
        IO_OR_TIMEOUT,
        /unit 1 FC06 write single register 0 .*(no answer within 300 ms|CRC error)/,
      );
      sim.inject('exception', { count: 3, exceptionCode: 0x0b });
      await expectDeviceError(amp.read(), 'exception', /exception 0B \(gateway target device failed to respond/);
      sim.inject(null);
      await amp.setPower(true);
      await amp.setVolume(30);
      expect(await amp.read()).toMatchObject({ powered: true, volume: 30 });
      expect(sim.counters.requests).toBeGreaterThan(10);
    } finally {
      await amp.close();
      await sim.close();
      await pair.stop();
    }
  });
});
