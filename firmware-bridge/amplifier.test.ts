import { describe, expect, it } from 'vitest';
import { rejection } from './test-support/rejection.ts';
import { SimulatedAmplifier, OVERTEMPERATURE_C } from './amplifier/simulated-amplifier.ts';

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const amp = (opts: ConstructorParameters<typeof SimulatedAmplifier>[0] = {}) =>
  new SimulatedAmplifier({ name: 'loa-1', latencyMs: 1, timeoutMs: 30, ...opts });

describe('SimulatedAmplifier: current is evidence of play', () => {
  it('draws ~0 mA unpowered, idle current when powered, load current only when powered AND fed audio', async () => {
    const a = amp();
    await a.setVolume(60);
    await a.setZones([1, 2]);

    a.feedAudio(true); // audio at the input, but the amplifier is off
    let r = await a.read();
    expect(r.powered).toBe(false);
    expect(r.currentMa).toBeLessThan(5);

    a.feedAudio(false);
    await a.setPower(true);
    r = await a.read();
    expect(r.powered).toBe(true);
    expect(r.currentMa).toBeGreaterThanOrEqual(60);
    expect(r.currentMa).toBeLessThanOrEqual(120);

    a.feedAudio(true);
    r = await a.read();
    expect(r.currentMa).toBeGreaterThan(150); // above the profile's default minPlayingCurrentMa
    expect(r).toMatchObject({ zones: [1, 2], volume: 60, faults: [] });
  });

  it('load current rises with volume and the number of zones switched on; none with every zone off', async () => {
    const a = amp({ random: () => 0.5 });
    await a.setPower(true);
    a.feedAudio(true);
    await a.setZones([1]);
    await a.setVolume(20);
    const low = (await a.read()).currentMa;
    await a.setVolume(80);
    const high = (await a.read()).currentMa;
    await a.setZones([1, 2, 3, 4]);
    const allZones = (await a.read()).currentMa;
    await a.setZones([]);
    const noZones = (await a.read()).currentMa;
    expect(low).toBeLessThan(high);
    expect(high).toBeLessThan(allZones);
    expect(noZones).toBe(90); // idle only: nothing connected to drive
  });

  it('temperature drifts up slowly while driving and back down when idle', async () => {
    const clock = fakeClock();
    const a = amp({ now: clock.now, random: () => 0.5 });
    const t0 = (await a.read()).temperatureC;
    await a.setPower(true);
    await a.setVolume(100);
    a.feedAudio(true);
    clock.advance(10_000);
    const after10s = (await a.read()).temperatureC;
    clock.advance(20 * 60_000);
    const hot = (await a.read()).temperatureC;
    a.feedAudio(false);
    clock.advance(20 * 60_000);
    const cooled = (await a.read()).temperatureC;
    expect(after10s).toBeGreaterThan(t0);
    expect(after10s - t0).toBeLessThan(5); // slow, not a jump
    expect(hot).toBeGreaterThan(after10s + 20);
    expect(hot).toBeLessThan(OVERTEMPERATURE_C);
    expect(cooled).toBeLessThan(hot - 20);
  });

  it('takes its configured round-trip time per operation and runs them one at a time', async () => {
    const a = amp({ latencyMs: 20 });
    const started = performance.now();
    await Promise.all([a.setPower(true), a.setVolume(10), a.read()]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });
});

describe('SimulatedAmplifier: faults', () => {
  it("'dead' accepts commands but reads back unpowered and never draws current (a blown unit)", async () => {
    const a = amp();
    a.injectFault('dead');
    await a.setPower(true);
    await a.setVolume(80);
    a.feedAudio(true);
    const r = await a.read();
    expect(r.powered).toBe(false);
    expect(r.currentMa).toBeLessThan(5);
    expect(r.faults).toEqual([]); // a blown amplifier does not say so: only the current tells
  });

  it("'no-answer' throws a timeout DeviceError naming device and operation; usable again once cleared", async () => {
    const a = amp();
    await a.setPower(true);
    a.injectFault('no-answer');
    const started = performance.now();
    const e = await rejection(a.setVolume(40));
    expect(performance.now() - started).toBeGreaterThanOrEqual(25); // waited for the timeout
    expect(e.code).toBe('timeout');
    expect(e.device).toContain('loa-1');
    expect(e.operation).toBe('setVolume(40)');
    expect(e.message).toMatch(/loa-1.*setVolume\(40\).*timeout.*no answer within 30 ms/);

    a.injectFault(null);
    await a.setVolume(40);
    expect(await a.read()).toMatchObject({ powered: true, volume: 40 });
  });

  it("'exception' throws a DeviceError with code 'exception' and leaves the state unchanged", async () => {
    const a = amp();
    a.injectFault('exception');
    const e = await rejection(a.setPower(true));
    expect(e.code).toBe('exception');
    expect(e.message).toContain('setPower');
    a.injectFault(null);
    expect((await a.read()).powered).toBe(false);
  });

  it("'overheat' climbs past 85 °C, reports 'overtemperature' and mutes the output", async () => {
    const clock = fakeClock();
    const a = amp({ now: clock.now, random: () => 0.5 });
    await a.setPower(true);
    await a.setVolume(80);
    a.feedAudio(true);
    a.injectFault('overheat');
    clock.advance(5_000);
    const r = await a.read();
    expect(r.temperatureC).toBeGreaterThan(OVERTEMPERATURE_C);
    expect(r.faults).toContain('overtemperature');
    expect(r.currentMa).toBe(90); // protection: powered, idle, not driving
    a.injectFault(null);
    const ok = await a.read();
    expect(ok.faults).toEqual([]);
    expect(ok.currentMa).toBeGreaterThan(150);
  });
});

describe('SimulatedAmplifier: input validation', () => {
  it.each([
    ['volume above 100', (a: SimulatedAmplifier) => a.setVolume(101), /volume must be an integer 0-100, got 101/],
    ['negative volume', (a: SimulatedAmplifier) => a.setVolume(-1), /got -1/],
    ['fractional volume', (a: SimulatedAmplifier) => a.setVolume(12.5), /got 12.5/],
    ['zone 0', (a: SimulatedAmplifier) => a.setZones([0, 1]), /zone 0 does not exist \(zones are 1-4\)/],
    ['zone beyond the last', (a: SimulatedAmplifier) => a.setZones([5]), /zone 5 does not exist/],
  ])('rejects %s with DeviceError "invalid" and no round trip', async (_what, call, message) => {
    const a = amp({ timeoutMs: 10_000 });
    a.injectFault('no-answer'); // validation happens before anything is sent
    const e = await rejection(call(a));
    expect(e.code).toBe('invalid');
    expect(e.message).toMatch(message);
  });

  it('throws DeviceError "io" after close', async () => {
    const a = amp();
    await a.close();
    expect((await rejection(a.read())).code).toBe('io');
  });
});
