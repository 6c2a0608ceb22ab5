// The embedded broker admits only enrolled devices, and only to their own topics. Checked with
// mosquitto's command-line clients, an MQTT implementation independent of ours.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';

const run = promisify(execFile);
let t: TestHub;
let creds: { mqttUsername: string; mqttPassword: string };
const tp = topics();

/** mosquitto_sub for a moment; resolves with what it printed and its exit code. */
async function sub(args: string[], waitS = 1.5) {
  try {
    const r = await run('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.hub.mqttPort),
      '-V',
      'mqttv311',
      '-W',
      String(waitS),
      '-v',
      ...args,
    ]);
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string }; // execFile's rejection
    return { code: failed.code, out: `${failed.stdout}${failed.stderr}` };
  }
}

beforeAll(async () => {
  t = await startTestHub();
  await t.admin.post('/api/v1/areas', { slug: 'ha-noi', name: 'Hà Nội', level: 'province' });
  await t.admin.post('/api/v1/areas', { parentPath: 'ha-noi', slug: 'ha-dinh', name: 'Hạ Đình', level: 'ward' });
  const { enrolToken } = await t.admin.post('/api/v1/devices', {
    id: 'loa-a',
    name: 'A',
    kind: 'speaker',
    areaPath: 'ha-noi/ha-dinh',
  });
  await t.admin.post('/api/v1/devices', { id: 'loa-b', name: 'B', kind: 'speaker', areaPath: 'ha-noi/ha-dinh' });
  creds = await t.api.post('/api/v1/enrol', { token: enrolToken, publicKey: generateSigningKeys().publicKeyPem });
});
afterAll(() => t?.stop());

describe('embedded broker access control', () => {
  it('refuses anonymous clients and wrong passwords', async () => {
    expect((await sub(['-i', 'loa-a', '-t', tp.deviceCommand('loa-a')])).out).toMatch(
      /not authori[sz]ed|Connection Refused/i,
    );
    expect((await sub(['-i', 'loa-a', '-u', 'loa-a', '-P', 'wrong', '-t', tp.deviceCommand('loa-a')])).out).toMatch(
      /not authori[sz]ed|Connection Refused/i,
    );
  });

  it("lets a device read its own retained schedule but not another device's", async () => {
    const own = await sub([
      '-i',
      'loa-a',
      '-u',
      'loa-a',
      '-P',
      creds.mqttPassword,
      '-t',
      tp.deviceSchedule('loa-a'),
      '-C',
      '1',
    ]);
    expect(own.out).toContain(`${tp.deviceSchedule('loa-a')} {`);
    const other = await sub([
      '-i',
      'loa-a',
      '-u',
      'loa-a',
      '-P',
      creds.mqttPassword,
      '-t',
      tp.deviceSchedule('loa-b'),
      '-C',
      '1',
    ]);
    expect(other.out).not.toContain(`${tp.deviceSchedule('loa-b')} {`);
  });

  it("lets a device read the hub's status, and only the hub announce it", async () => {
    const as = ['-i', 'loa-a', '-u', 'loa-a', '-P', creds.mqttPassword];
    const hub = await sub([...as, '-t', tp.hubStatus, '-C', '1']);
    expect(JSON.parse(hub.out.slice(tp.hubStatus.length + 1))).toMatchObject({
      state: 'online',
      instance: expect.any(String),
    });
    await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.hub.mqttPort),
      '-V',
      'mqttv311',
      ...as,
      '-t',
      tp.hubStatus,
      '-m',
      JSON.stringify({ state: 'offline', instance: 'forged' }),
      '-q',
      '1',
      '-r',
    ]).catch(() => null);
    const after = await sub([...as, '-t', tp.hubStatus, '-C', '1']);
    expect(after.out).toContain('"online"');
    expect(after.out).not.toContain('forged');
  });

  it("drops a device publishing on another device's topic, and the hub never stores it", async () => {
    await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.hub.mqttPort),
      '-V',
      'mqttv311',
      '-i',
      'loa-a',
      '-u',
      'loa-a',
      '-P',
      creds.mqttPassword,
      '-t',
      tp.deviceStatus('loa-b'),
      '-m',
      JSON.stringify({ state: 'online', session: 99, deviceId: 'loa-b' }),
      '-q',
      '1',
    ]).catch(() => null);
    await new Promise((r) => setTimeout(r, 300));
    const b = await t.admin.get('/api/v1/devices/loa-b');
    expect(b.online).toBe(false);
    const metrics = await t.admin.get('/metrics');
    expect(metrics).toMatch(/wardcast_mqtt_rejected_total\{reason="mqtt-refused"\} [1-9]/);
  });

  it("ignores an old session's will arriving after the new birth (presence race)", async () => {
    const pub = (payload: object) =>
      run('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        String(t.hub.mqttPort),
        '-V',
        'mqttv311',
        '-i',
        'loa-a',
        '-u',
        'loa-a',
        '-P',
        creds.mqttPassword,
        '-t',
        tp.deviceStatus('loa-a'),
        '-m',
        JSON.stringify(payload),
        '-q',
        '1',
        '-r',
      ]);
    await pub({ state: 'online', session: 5, deviceId: 'loa-a' });
    await pub({ state: 'offline', session: 4, deviceId: 'loa-a' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.admin.get('/api/v1/devices/loa-a')).online).toBe(true);
    await pub({ state: 'offline', session: 5, deviceId: 'loa-a' });
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.admin.get('/api/v1/devices/loa-a')).online).toBe(false);
  });

  it('counts malformed device messages without acting on them', async () => {
    await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.hub.mqttPort),
      '-V',
      'mqttv311',
      '-i',
      'loa-a',
      '-u',
      'loa-a',
      '-P',
      creds.mqttPassword,
      '-t',
      tp.deviceEvent('loa-a', 'receipt'),
      '-m',
      '{"id": "not-a-receipt"',
      '-q',
      '1',
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const metrics = await t.admin.get('/metrics');
    expect(metrics).toMatch(/wardcast_mqtt_rejected_total\{reason="invalid"\} [1-9]/);
  });
});
