// The Modbus amplifier driver and transport against wardcast's Modbus simulator over real TCP
// sockets: register maps (schema errors name the field), read-back, fault injection (exception,
// busy, no answer, dead, overheat), reconnection after the gateway comes back, holding-register
// bits. Peers nobody here wrote (pymodbus, mbpoll, socat) are in test/peers/modbus.peer.test.ts.
import { rejection } from '../test-support/rejection.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { crc16, withCrc } from '../transport/modbus-server.ts';
import { ModbusBus } from '../transport/modbus-master.ts';
import { rtuAnswerLength } from '../transport/modbus-rtu-port.ts';
import { createHardware } from '../create-hardware.ts';
import { loadRegisterMap, parseRegisterMap, shippedRegisterMaps } from './register-map.ts';
import { ModbusAmplifier } from './modbus-amplifier.ts';
import { ModbusAmplifierSimulator, SIM_AUDIO_COIL } from './modbus-amplifier-simulator.ts';

const FAST = { timeoutMs: 150, retries: 2, backoffMs: 5 };
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: { retries?: number } = {}) {
  const sim = new ModbusAmplifierSimulator({ random: () => 0.5 });
  const port = await sim.listenTcp();
  const bus = new ModbusBus({ type: 'tcp', host: '127.0.0.1', port }, { ...FAST, ...opts });
  const amp = new ModbusAmplifier({
    map: loadRegisterMap('amp-controller-readback'),
    unit: bus.unit(1, 'amplifier "loa-7"'),
  });
  cleanups.push(
    () => sim.close(),
    () => amp.close(),
  );
  return { sim, port, bus, amp };
}

const error = rejection;

describe('register maps', () => {
  it('ships a relay board and a controller with read-back, both valid', () => {
    expect(shippedRegisterMaps()).toEqual(expect.arrayContaining(['relay-board-8ch', 'amp-controller-readback']));
    const relay = loadRegisterMap('relay-board-8ch');
    expect(relay.zones).toHaveLength(7);
    expect(relay.readback).toEqual({});
    const ctl = loadRegisterMap('amp-controller-readback');
    expect(ctl.readback.faults?.bits['0']).toBe('overtemperature');
  });

  it.each([
    [{ unitId: 1, power: { coil: 0 }, zones: [{ coil: 1 }], extra: 1 }, /Unrecognized key: "extra"/],
    [{ unitId: 0, power: { coil: 0 }, zones: [{ coil: 1 }] }, /unitId: /],
    [
      { unitId: 1, power: { coil: 0, holdingRegister: 3, bit: 1 }, zones: [{ coil: 1 }] },
      /power: give either "coil" or "holdingRegister"/,
    ],
    [
      { unitId: 1, power: { coil: 0 }, zones: [{ coil: 1 }, { holdingRegister: 4 }] },
      /zones\.1\.bit: "holdingRegister" needs "bit"/,
    ],
    [{ unitId: 1, power: { coil: 0 }, zones: [{ coil: 1 }], volume: { holdingRegister: 0 } }, /volume\.rawMax: /],
    [
      {
        unitId: 1,
        power: { coil: 0 },
        zones: [{ coil: 1 }],
        readback: { faults: { inputRegister: 2, bits: { '16': 'x' } } },
      },
      /readback\.faults\.bits.*bit numbers are 0-15/,
    ],
    [{ unitId: 1, power: { coil: 70000 }, zones: [{ coil: 1 }] }, /power\.coil: /],
  ])('names the bad field: %j', (raw, message) => {
    expect(() => parseRegisterMap(raw, 'my-amp.yaml')).toThrow(message);
  });

  it('a hardware profile names a map, or gives it inline; the map fills warm-up and zones', () => {
    const hw = createHardware({
      kind: 'speaker',
      amplifier: { driver: 'modbus-rtu', path: '/dev/ttyUSB0', registerMap: 'relay-board-8ch', unitId: 4 },
    } as never);
    expect(hw.profile.kind === 'speaker' && hw.profile.amplifier).toMatchObject({
      driver: 'modbus-rtu',
      baudRate: 9600,
      unitId: 4,
      zones: 7,
      warmUpMs: 3000,
      tailMs: 1000,
    });
    expect(hw.amplifier!.description).toMatch(/unit 4 on modbus-rtu \/dev\/ttyUSB0 9600 8N1/);
    const inline = createHardware({
      kind: 'speaker',
      amplifier: {
        driver: 'modbus-tcp',
        host: 'gw-1',
        registerMap: { unitId: 2, power: { coil: 8 }, zones: [{ holdingRegister: 1, bit: 0 }] },
        warmUpMs: 200,
      },
    } as never);
    expect(inline.profile.kind === 'speaker' && inline.profile.amplifier).toMatchObject({
      port: 502,
      unitId: 2,
      zones: 1,
      warmUpMs: 200,
    });
    expect(() =>
      createHardware({
        kind: 'speaker',
        amplifier: { driver: 'modbus-tcp', host: 'gw-1', registerMap: { unitId: 2, power: { coil: 8 }, zones: [] } },
      } as never),
    ).toThrow(/amplifier\.registerMap/);
  });
});

describe('RTU framing', () => {
  it('CRC-16/MODBUS matches the specification example', () => {
    // read holding register 0, count 1, unit 1: 01 03 00 00 00 01 84 0A
    expect(withCrc(Buffer.from([1, 3, 0, 0, 0, 1])).toString('hex')).toBe('010300000001840a');
    expect(crc16(Buffer.from('123456789'))).toBe(0x4b37);
  });

  it('knows the answer length of each function', () => {
    expect(rtuAnswerLength(Buffer.from([1, 1, 0, 0, 0, 9]))).toBe(7); // 2 bytes of coils
    expect(rtuAnswerLength(Buffer.from([1, 4, 0, 0, 0, 3]))).toBe(11);
    expect(rtuAnswerLength(Buffer.from([1, 15, 0, 0, 0, 3, 1, 7]))).toBe(8);
  });
});

describe('Modbus amplifier driver against the simulator (TCP)', () => {
  it('reads back only what the amplifier does: current rises with power, zones, volume AND audio', async () => {
    const { sim, amp } = await setup();
    expect(await amp.read()).toMatchObject({ powered: false, volume: 0, temperatureC: 32, faults: [] });
    await amp.setPower(true);
    await amp.setZones([1, 2]);
    await amp.setVolume(100);
    const idle = await amp.read();
    expect(idle).toMatchObject({ powered: true, zones: [1, 2], volume: 100 });
    expect(idle.currentMa).toBeLessThan(150);
    sim.audioInput(true);
    expect((await amp.read()).currentMa).toBeGreaterThan(900); // 2 zones × 500 mA
    await amp.setVolume(0);
    expect((await amp.read()).currentMa).toBeLessThan(150);
  });

  it("the profile's simulation side channel drives the audio coil", async () => {
    const { sim, port } = await setup();
    const hw = createHardware({
      kind: 'speaker',
      amplifier: {
        driver: 'modbus-tcp',
        host: '127.0.0.1',
        port,
        registerMap: 'amp-controller-readback',
        simulation: { audioInputCoil: SIM_AUDIO_COIL },
      },
    } as never);
    cleanups.push(() => hw.amplifier!.close());
    hw.feedAudio!(true);
    await hw.amplifier!.read(); // queued behind the coil write
    expect(sim.audioActive).toBe(true);
  });

  it('overheat: temperature and the overtemperature fault bit; dead: unpowered, no current', async () => {
    const { sim, amp } = await setup();
    await amp.setPower(true);
    sim.inject('overheat');
    const hot = await amp.read();
    expect(hot.temperatureC).toBeGreaterThan(85);
    expect(hot.faults).toEqual(['overtemperature']);
    sim.inject(null);
    sim.inject('dead');
    sim.audioInput(true);
    expect(await amp.read()).toMatchObject({ powered: false, faults: [] });
    expect((await amp.read()).currentMa).toBeLessThan(5);
  });

  it('exceptions are named with their meaning; busy is retried away; every case leaves the driver usable', async () => {
    const { sim, amp, bus } = await setup();
    sim.inject('exception', { exceptionCode: 0x04 });
    let e = await error(amp.setPower(true));
    expect(e.code).toBe('exception');
    expect(e.message).toBe(
      'amplifier "loa-7": unit 1 FC05 write single coil 0 (power) failed (exception): modbus-tcp 127.0.0.1:' +
        sim.tcpPort +
        ': device answered Modbus exception 04 (server device failure: the device failed while performing the request)',
    );
    sim.inject('exception', { exceptionCode: 0x0a });
    e = await error(amp.read());
    expect(e.message).toMatch(/exception 0A \(gateway path unavailable/);
    sim.inject(null);
    await amp.setPower(true);
    sim.inject('busy', { count: 1 });
    const retries = bus.stats.retries;
    await amp.setVolume(50);
    expect(bus.stats.retries).toBe(retries + 1);
    e = await error(amp.setVolume(101));
    expect(e).toMatchObject({ code: 'invalid' });
    expect(await amp.read()).toMatchObject({ powered: true, volume: 50 });
  });

  it('no answer: a timeout after the retries, then the next request works', async () => {
    const { sim, amp, bus } = await setup();
    sim.inject('no-answer');
    const e = await error(amp.read());
    expect(e.code).toBe('timeout');
    expect(e.message).toMatch(
      /^amplifier "loa-7": unit 1 FC01 read coils 0-4 \(power and zone relays\) failed \(timeout\): modbus-tcp .*: no answer within 150 ms$/,
    );
    expect(bus.stats.timeouts).toBe(3);
    sim.inject(null);
    expect((await amp.read()).powered).toBe(false);
  });

  it('reconnects after the gateway drops the connection or goes away and comes back', async () => {
    const { sim, port, amp, bus } = await setup();
    await amp.setPower(true);
    sim.dropTcpConnections(); // gateway restart: the next request reopens transparently
    expect((await amp.read()).powered).toBe(true);
    expect(bus.stats.reopens).toBe(1);
    await sim.close(); // gateway gone
    const e = await error(amp.read());
    expect(e.code).toBe('io');
    expect(e.message).toMatch(/cannot open the link: .*ECONNREFUSED/);
    await sim.listenTcp(port); // back, same port
    expect((await amp.read()).powered).toBe(true);
  });

  it('one request at a time per bus: concurrent callers are queued, never interleaved', async () => {
    const { amp, bus } = await setup();
    const before = bus.stats.attempts;
    await Promise.all([amp.setPower(true), amp.setZones([1]), amp.setVolume(20), amp.read(), amp.read()]);
    expect(await amp.read()).toMatchObject({ powered: true, zones: [1], volume: 20 });
    expect(bus.stats.attempts - before).toBeGreaterThanOrEqual(5);
  });

  it('close: later calls throw io, close never throws', async () => {
    const { amp } = await setup();
    await amp.close();
    await amp.close();
    expect((await error(amp.read())).code).toBe('io');
  });
});
