// The API refuses an LED message that a targeted board would refuse (the driver's own fit check,
// on the display each board reported), naming the board and the width in dots against its limit;
// boards that have not reported are not judged. The built-in emergency templates go to every
// display the fleet here reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { connectMqttDevice, type MqttDevice } from '../../test/helpers/mqtt-device.ts';
import { TEMPLATES } from '../../web/lib/emergency-templates.ts';
import type { Device, HubJson } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
const devices: MqttDevice[] = [];
// The demo's board (no Vietnamese letters: drawn as a dot picture), a UTF-8 board, and one that never reported.
const DEMO = {
  rows: 32,
  columns: 192,
  maxLineChars: 64,
  charset: 'ascii',
  vietnamese: 'picture',
  stripMarker: '[KD] ',
} as const;
const UTF8 = { rows: 16, columns: 128, maxLineChars: 40, charset: 'unicode-utf8', vietnamese: 'picture' } as const;
const led = (...lines: string[]) => ({ pages: [{ lines, mode: 'flash', seconds: 8 }] });

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'led-hd-1', kind: 'led', area: HA_DINH, name: 'Bảng LED Hạ Đình' },
    { id: 'led-kg-1', kind: 'led', area: KIM_GIANG, name: 'Bảng LED Kim Giang' },
    { id: 'led-kg-2', kind: 'led', area: KIM_GIANG, name: 'Bảng LED Kim Giang 2' },
  ]);
  for (const [id, display] of [
    ['led-hd-1', DEMO],
    ['led-kg-1', UTF8],
  ] as const) {
    const { mqttPassword } = await t.api.post('/api/v1/enrol', {
      token: w.tokens[id],
      publicKey: generateSigningKeys().publicKeyPem,
    });
    const d = await connectMqttDevice({ url: t.hub.mqttUrl, deviceId: id, password: mqttPassword, session: 1 });
    devices.push(d);
    const telemetry = {
      deviceId: id,
      at: Date.now(),
      clockOffsetMs: null,
      clockDelayMs: null,
      outboxSize: 0,
      cacheBytes: 0,
      scheduleVersion: 0,
      nowPlaying: null,
      rejected: {},
      led: { text: '', brightness: 80, display },
    };
    await d.client.publishAsync(topics().deviceEvent(id, 'telemetry'), JSON.stringify(telemetry), { qos: 1 });
  }
  await t.admin.waitFor(
    async () => (await t.admin.get('/api/v1/devices')).filter((d: Device) => d.display).length === 2,
    10_000,
    'two boards report their display',
  );
});
afterAll(async () => {
  for (const d of devices) await d.end();
  await t?.stop();
});

async function refusal(body: unknown): Promise<{ status: number; body: HubJson }> {
  const res = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.district.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('the hub refuses an LED message a targeted board would refuse', () => {
  it('an emergency too wide for the demo board: 400, naming the board and the width in dots against its limit', async () => {
    const r = await refusal({
      title: 'Bão',
      priority: 'emergency',
      led: led('KHẨN CẤP: BÃO ĐỔ BỘ', 'Hạn chế ra đường, chằng chống nhà cửa'),
      targets: { areas: [HA_DINH] },
      startsAt: 'now',
    });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('broadcast.led-does-not-fit');
    expect(r.body.errorVi).toBe(
      'Thông điệp LED không vừa bảng «Bảng LED Hạ Đình» (192×32): trang 1 dòng 2 rộng 207 chấm, bảng chỉ có 192; bảng sẽ từ chối cả thông điệp. Hãy rút gọn hoặc chọn chạy chữ.',
    );
    expect(r.body.error).toContain(
      'board "Bảng LED Hạ Đình" (192×32): page 1 line 2 is 207 dots wide, the board has 192',
    );
    // Nothing was stored or sent.
    expect((await w.district.get('/api/v1/broadcasts')).length).toBe(0);
  });

  it('a scheduled bulletin is judged the same way, on every reported board it reaches, each with its own limit', async () => {
    const long = 'Thông báo lịch tiêm chủng mở rộng cho trẻ em';
    const r = await refusal({ title: 'Tiêm chủng', led: led(long), targets: { areas: [DISTRICT] }, startsAt: 'now' });
    expect(r.status).toBe(400);
    expect(r.body.errorVi).toContain(
      'bảng «Bảng LED Kim Giang» (128×16): trang 1 dòng 1 có 44 ký tự, bảng chỉ nhận 40',
    );
    // The board that never reported its display is not judged (the form names it as unchecked).
    expect(r.body.errorVi).not.toContain('Kim Giang 2');
    // Scrolling on the picture board is fine (a moving page may be wider); the UTF-8 board still counts characters.
    const ok = await w.official.post('/api/v1/broadcasts', {
      title: 'Ngắn',
      led: { pages: [{ lines: ['Tiêm chủng: 8 giờ, nhà văn hóa'], mode: 'scroll', seconds: 8 }] },
      targets: { areas: [DISTRICT] },
      startsAt: 'now',
    });
    expect(ok.status).toBe('submitted');
  });

  // (Before the next test, which makes a board report a 16-character display no template fits.)
  it('every built-in emergency template goes to every board the fleet reported', async () => {
    for (const tpl of TEMPLATES) {
      const b = await w.district.post('/api/v1/broadcasts', {
        title: tpl.title,
        priority: 'emergency',
        led: { pages: tpl.pages },
        targets: { areas: [DISTRICT] },
        startsAt: 'now',
      });
      expect(b.status, tpl.id).toBe('approved');
    }
  });

  it('a board that reports a smaller display after a bulletin was written: approval is refused until it fits', async () => {
    await t.admin.post('/api/v1/users', {
      username: 'lanhdao.kg',
      password: 'password-lanhdao-kg',
      role: 'approver',
      areaPath: KIM_GIANG,
    });
    const kgLeader = await t.api.as('lanhdao.kg', 'password-lanhdao-kg');
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Họp tổ dân phố',
      led: led('Họp tổ dân phố tối thứ Sáu'),
      targets: { areas: [], devices: ['led-kg-2'] },
      startsAt: 'now',
    });
    // led-kg-2 now reports a 16-character board.
    const { mqttPassword } = await t.api.post('/api/v1/enrol', {
      token: w.tokens['led-kg-2'],
      publicKey: generateSigningKeys().publicKeyPem,
    });
    const d = await connectMqttDevice({ url: t.hub.mqttUrl, deviceId: 'led-kg-2', password: mqttPassword, session: 1 });
    devices.push(d);
    const display = { ...UTF8, maxLineChars: 16 };
    await d.client.publishAsync(
      topics().deviceEvent('led-kg-2', 'telemetry'),
      JSON.stringify({
        deviceId: 'led-kg-2',
        at: Date.now(),
        clockOffsetMs: null,
        clockDelayMs: null,
        outboxSize: 0,
        cacheBytes: 0,
        scheduleVersion: 0,
        nowPlaying: null,
        rejected: {},
        led: { text: '', brightness: 80, display },
      }),
      { qos: 1 },
    );
    await t.admin.waitFor(
      async () => (await t.admin.get('/api/v1/devices')).find((x: Device) => x.id === 'led-kg-2')?.display,
      10_000,
      'led-kg-2 reports',
    );
    await expect(kgLeader.post(`/api/v1/broadcasts/${b.id}/approve`, {})).rejects.toThrow(
      /→ 400: the LED message does not fit board "Bảng LED Kim Giang 2" \(128×16\): page 1 line 1 has 26 characters, the board takes 16/,
    );
    expect((await kgLeader.get(`/api/v1/broadcasts/${b.id}`)).status).toBe('submitted');
  });
});
