// The hub stays the final judge of LED fit: each built-in emergency template, laid out by the web's
// reflow (web/lib/led-reflow.ts) for a board size, is accepted for a board of that size, and laid out
// for all of them at once, for the whole district; as written, the 96×16 picture board refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, topics } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, DISTRICT, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { connectMqttDevice, type MqttDevice } from '../../test/helpers/mqtt-device.ts';
import { TEMPLATES } from '../../web/lib/emergency-templates.ts';
import { reflowPages } from '../../web/lib/led-reflow.ts';
import type { LedDisplay } from '../../protocol/schemas.ts';
import type { Device, HubJson } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
const devices: MqttDevice[] = [];
const BOARDS: Array<{ id: string; area: string; name: string; display: LedDisplay }> = [
  {
    id: 'led-192',
    area: HA_DINH,
    name: 'Bảng LED Hạ Đình',
    display: {
      rows: 32,
      columns: 192,
      maxLineChars: 64,
      charset: 'ascii',
      vietnamese: 'picture',
      stripMarker: '[KD] ',
    },
  },
  {
    id: 'led-96',
    area: HA_DINH,
    name: 'Bảng LED nhỏ Hạ Đình',
    display: { rows: 16, columns: 96, maxLineChars: 64, charset: 'ascii', vietnamese: 'picture', stripMarker: '[KD] ' },
  },
  {
    id: 'led-128',
    area: KIM_GIANG,
    name: 'Bảng LED Kim Giang',
    display: { rows: 16, columns: 128, maxLineChars: 40, charset: 'unicode-utf8', vietnamese: 'picture' },
  },
];

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(
    t,
    BOARDS.map((b) => ({ id: b.id, kind: 'led', area: b.area, name: b.name })),
  );
  for (const b of BOARDS) {
    const { mqttPassword } = await t.api.post('/api/v1/enrol', {
      token: w.tokens[b.id],
      publicKey: generateSigningKeys().publicKeyPem,
    });
    const d = await connectMqttDevice({ url: t.hub.mqttUrl, deviceId: b.id, password: mqttPassword, session: 1 });
    devices.push(d);
    const telemetry = {
      deviceId: b.id,
      at: Date.now(),
      clockOffsetMs: null,
      clockDelayMs: null,
      outboxSize: 0,
      cacheBytes: 0,
      scheduleVersion: 0,
      nowPlaying: null,
      rejected: {},
      led: { text: '', brightness: 80, display: b.display },
    };
    await d.client.publishAsync(topics().deviceEvent(b.id, 'telemetry'), JSON.stringify(telemetry), { qos: 1 });
  }
  await t.admin.waitFor(
    async () => (await t.admin.get('/api/v1/devices')).filter((d: Device) => d.display).length === BOARDS.length,
    10_000,
    'the boards report their displays',
  );
});
afterAll(async () => {
  for (const d of devices) await d.end();
  await t?.stop();
});

async function post(body: unknown): Promise<{ status: number; body: HubJson }> {
  const res = await fetch(`${t.hub.httpUrl}/api/v1/broadcasts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${w.district.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}
const emergency = (title: string, pages: unknown, targets: { areas: string[]; devices: string[] }) => ({
  title,
  priority: 'emergency',
  led: { pages },
  targets,
  startsAt: 'now',
});

describe('templates laid out by the reflow pass the hub', () => {
  it('as written, the 96×16 picture board refuses every template (the case the reflow is for)', async () => {
    for (const tpl of TEMPLATES) {
      const r = await post(emergency(tpl.title, tpl.pages, { areas: [], devices: ['led-96'] }));
      expect(r.status, tpl.id).toBe(400);
      expect(r.body.code, tpl.id).toBe('broadcast.led-does-not-fit');
    }
  });

  for (const b of BOARDS)
    it(`each template laid out for ${b.display.columns}×${b.display.rows} (${b.display.charset}) is accepted for that board, as laid out`, async () => {
      for (const tpl of TEMPLATES) {
        const laid = reflowPages(tpl.pages, [b.display]);
        expect(laid.fits, tpl.id).toBe(true);
        const r = await post(emergency(tpl.title, laid.pages, { areas: [], devices: [b.id] }));
        expect(r.status, `${tpl.id}: ${r.body.errorVi ?? ''}`).toBe(201);
        const stored = await w.district.get(`/api/v1/broadcasts/${r.body.id}`);
        expect(
          stored.led.pages.map((p: { lines: string[] }) => p.lines),
          tpl.id,
        ).toEqual(laid.pages.map((p) => p.lines));
      }
    });

  it('each template laid out for all three sizes at once goes to the whole district', async () => {
    for (const tpl of TEMPLATES) {
      const laid = reflowPages(
        tpl.pages,
        BOARDS.map((b) => b.display),
      );
      const r = await post(emergency(tpl.title, laid.pages, { areas: [DISTRICT], devices: [] }));
      expect(r.status, `${tpl.id}: ${r.body.errorVi ?? ''}`).toBe(201);
      expect(r.body.status).toBe('approved');
    }
  });
});
