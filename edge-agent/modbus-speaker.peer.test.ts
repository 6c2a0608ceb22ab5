// A loudspeaker whose amplifier is driven over Modbus TCP, end to end through the agent (real
// broker, HTTP, ffmpeg, SQLite via FakeHub): power-up sequencing, read-back sampled into the signed
// receipt, a dead amplifier, a Modbus timeout during playback, and a relay board without
// read-back whose receipt must not claim current.
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { verifyReceipt, type MediaRef } from '../protocol/index.ts';
import { ModbusAmplifierSimulator, ModbusRelayBoardSimulator, SIM_AUDIO_COIL } from '../firmware-bridge/index.ts';
import { FakeHub } from './test-support/fake-hub.ts';
import { agentConfig, audioItem, makeClip, nextEvent, tempDir, testLogger, waitUntil } from './test-support/helpers.ts';
import { startAgent, type RunningAgent } from './main.ts';

const AREA = 'ha-noi/thanh-xuan/ha-dinh';
let hub: FakeHub;
let clip: MediaRef;

/** Cleanups of the current test, run in reverse when it finishes (tests run concurrently). */
function cleanups(ctx: TestContext): (() => unknown)[] {
  const list: (() => unknown)[] = [];
  ctx.onTestFinished(async () => {
    while (list.length) await list.pop()!();
  });
  return list;
}

beforeAll(async () => {
  hub = await FakeHub.start();
  const c = makeClip('Xin chào bà con phường Hạ Đình');
  clip = hub.addMedia(c.file, c.durationMs);
});
afterAll(async () => {
  await hub?.close();
});

async function modbusAgent(
  cl: (() => unknown)[],
  id: string,
  amplifier: Record<string, unknown>,
): Promise<RunningAgent> {
  const tmp = tempDir();
  const profile = {
    kind: 'speaker' as const,
    audioOutput: 'null',
    amplifier: {
      driver: 'modbus-tcp',
      host: '127.0.0.1',
      warmUpMs: 100,
      tailMs: 50,
      timeoutMs: 150,
      retries: 1,
      ...amplifier,
    },
  };
  const a = await startAgent(
    agentConfig(hub, tmp.dir, { enrolToken: hub.newEnrolToken(id, 'speaker', AREA), profile: profile as never }),
    { logger: testLogger() },
  );
  cl.push(tmp.cleanup, () => a.stop());
  await nextEvent(a.events, 'connected');
  await waitUntil(() => a.status().clockOffsetMs !== null, 5000, 'clock sync');
  return a;
}

async function controller(cl: (() => unknown)[]) {
  const sim = new ModbusAmplifierSimulator();
  const port = await sim.listenTcp();
  cl.push(() => sim.close());
  return { sim, port };
}

async function playOnce(id: string) {
  const item = audioItem(clip, hub.hubNow() + 1500);
  await hub.publishSchedule(id, [item], 1);
  return hub.waitForReceipt((r) => r.occurrenceId === item.occurrenceId);
}

describe('loudspeaker with a Modbus amplifier controller (read-back)', () => {
  it.concurrent('powers up, feeds audio through the simulator side channel, puts measured current in the signed receipt, powers down', async (ctx) => {
    const cl = cleanups(ctx);
    const { sim, port } = await controller(cl);
    const a = await modbusAgent(cl, 'loa-mb-1', {
      port,
      registerMap: 'amp-controller-readback',
      simulation: { audioInputCoil: SIM_AUDIO_COIL },
    });
    const receipt = await playOnce('loa-mb-1');
    expect(receipt.result).toBe('played');
    expect(receipt.reason).toBeUndefined();
    expect(verifyReceipt(a.publicKeyPem, receipt)).toBe(true);
    const amp = receipt.evidence.amplifier!;
    expect(amp.powered).toBe(true);
    expect(amp.notMeasured).toBeUndefined();
    expect(amp.maxCurrentMa).toBeGreaterThan(150); // 4 zones at 70 % with audio: ~1400 mA
    expect(amp.samples).toBeGreaterThan(1);
    expect(amp.maxTemperatureC).toBeGreaterThan(30);
    expect(sim.audioActive).toBe(false); // the side channel was switched off again
    await waitUntil(async () => !(await a.hardware.amplifier!.read()).powered, 3000, 'amplifier off after the tail');
  });

  it.concurrent('a dead amplifier (powered relay, no current) is reported as failed with that reason', async (ctx) => {
    const cl = cleanups(ctx);
    const { sim, port } = await controller(cl);
    sim.inject('dead');
    await modbusAgent(cl, 'loa-mb-2', {
      port,
      registerMap: 'amp-controller-readback',
      simulation: { audioInputCoil: SIM_AUDIO_COIL },
    });
    const receipt = await playOnce('loa-mb-2');
    expect(receipt.result).toBe('failed');
    expect(receipt.reason).toMatch(/read back unpowered and drew no current .*dead amplifier/);
    expect(receipt.evidence.amplifier).toMatchObject({ powered: false });
    expect(receipt.evidence.amplifier!.maxCurrentMa).toBeLessThan(5);
  });

  it.concurrent('a Modbus timeout during playback is named in the receipt', async (ctx) => {
    const cl = cleanups(ctx);
    const { sim, port } = await controller(cl);
    await modbusAgent(cl, 'loa-mb-3', {
      port,
      registerMap: 'amp-controller-readback',
      simulation: { audioInputCoil: SIM_AUDIO_COIL },
      retries: 0,
    });
    // the amplifier accepts the power-up, then stops answering once audio flows
    const watch = setInterval(() => sim.audioActive && sim.inject('no-answer'), 2);
    cl.push(() => clearInterval(watch));
    const receipt = await playOnce('loa-mb-3');
    clearInterval(watch);
    expect(receipt.reason).toMatch(
      /FC0[1-4] read .* failed \(timeout\): modbus-tcp 127\.0\.0\.1:\d+: no answer within 150 ms/,
    );
    expect(receipt.evidence.amplifier!.faults.some((f) => /^read failed: unit 1 FC0\d read .*: timeout$/.test(f))).toBe(
      true,
    );
    expect(['failed', 'played']).toContain(receipt.result);
  });
});

describe('loudspeaker switched by a plain Modbus relay board (no read-back)', () => {
  it.concurrent('plays, but the receipt says current was not measured instead of claiming it', async (ctx) => {
    const cl = cleanups(ctx);
    const board = new ModbusRelayBoardSimulator();
    const port = await board.listenTcp();
    cl.push(() => board.close());
    const a = await modbusAgent(cl, 'loa-relay-1', { port, registerMap: 'relay-board-8ch', zones: 3 });
    const receipt = await playOnce('loa-relay-1');
    expect(receipt.result).toBe('played');
    expect(receipt.reason).toMatch(/no current read-back, so sound at the speakers was not measured/);
    expect(verifyReceipt(a.publicKeyPem, receipt)).toBe(true);
    expect(receipt.evidence.amplifier).toMatchObject({
      powered: true,
      maxCurrentMa: 0,
      meanCurrentMa: 0,
      maxTemperatureC: 0,
    });
    expect(receipt.evidence.amplifier!.notMeasured).toEqual(['power', 'volume', 'current', 'temperature', 'faults']);
    // relay 1 (power) off after the tail; zone relays 2-4 left as set, 5-8 off
    await waitUntil(() => !board.coils[0], 3000, 'power relay off after the tail');
    expect(board.coils).toEqual([false, true, true, true, false, false, false, false]);
  });
});
