// A bulletin that reaches no device is refused by the API, in both languages and with a catalogue
// code: audio for places without loudspeakers, an LED message for places without boards, and an LED
// message with no text (it used to be dropped silently).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, KIM_GIANG, DISTRICT, type World } from '../../test/helpers/world.ts';
import type { ApiClient } from '../../cli/api-client.ts';
import type { HubJson } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
const led = (...lines: string[]) => ({ pages: [{ lines, mode: 'hold', seconds: 8 }] });
const bulletin = (o: Record<string, unknown>) => ({
  title: 'Bản tin',
  priority: 'normal',
  volume: 60,
  startsAt: 'now',
  targets: { areas: [HA_DINH], devices: [] },
  ...o,
});

beforeAll(async () => {
  t = await startTestHub();
  // Hạ Đình has a loudspeaker cluster and a board; Kim Giang only a loudspeaker cluster.
  w = await seedWorld(t, [
    { id: 'loa-hd-1', kind: 'speaker', area: HA_DINH },
    { id: 'led-hd-1', kind: 'led', area: HA_DINH },
    { id: 'loa-kg-1', kind: 'speaker', area: KIM_GIANG },
  ]);
});
afterAll(() => t?.stop());

async function call(as: ApiClient, method: string, path: string, body: unknown) {
  const res = await fetch(t.hub.httpUrl + path, {
    method,
    headers: { authorization: `Bearer ${as.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as HubJson };
}

describe('a broadcast must reach a device', () => {
  it('an LED-only bulletin for a ward without a board is refused, naming what the places have', async () => {
    const r = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ led: led('Thông báo'), targets: { areas: [KIM_GIANG], devices: [] } }),
    );
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('broadcast.reaches-no-device');
    expect(r.body.error).toBe(
      'this broadcast reaches no device: the places chosen have 1 loudspeaker cluster(s) and 0 LED board(s); an LED message shows only on LED boards. Choose other places or other content',
    );
    expect(r.body.errorVi).toBe(
      'Lịch phát này không tới thiết bị nào: nơi phát đã chọn có 1 cụm loa và 0 bảng LED; thông điệp LED chỉ hiện trên bảng LED. Hãy chọn nơi phát khác hoặc nội dung khác.',
    );
    // Named single devices count the same way.
    const d = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ led: led('Thông báo'), targets: { areas: [], devices: ['loa-hd-1'] } }),
    );
    expect(d.body.code).toBe('broadcast.reaches-no-device');
  });

  it('an LED message with no text is refused, even next to audio', async () => {
    const empty = { pages: [{ lines: ['', '  '], mode: 'hold', seconds: 8 }] };
    const r = await call(w.official, 'POST', '/api/v1/broadcasts', bulletin({ led: empty }));
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('broadcast.led-empty');
    expect(r.body.errorVi).toBe('Thông điệp LED chưa có chữ: hãy nhập nội dung, hoặc bỏ chọn thông điệp LED.');
  });

  it('an edit that would reach no device is refused the same way; one that does is taken', async () => {
    const b = await w.official.post(
      '/api/v1/broadcasts',
      bulletin({
        led: led('Thông báo'),
        startsAt: undefined,
        rrule: 'DTSTART:20300101T000000\nRRULE:FREQ=DAILY;COUNT=2;BYHOUR=9;BYMINUTE=0',
      }),
    );
    const r = await call(
      w.official,
      'PUT',
      `/api/v1/broadcasts/${b.id}`,
      bulletin({
        led: led('Thông báo'),
        startsAt: undefined,
        rrule: 'DTSTART:20300101T000000\nRRULE:FREQ=DAILY;COUNT=2;BYHOUR=9;BYMINUTE=0',
        targets: { areas: [KIM_GIANG], devices: [] },
      }),
    );
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('broadcast.reaches-no-device');
    // The district, for the whole district: the board of Hạ Đình shows it.
    const ok = await call(
      w.district,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ led: led('Thông báo'), targets: { areas: [DISTRICT], devices: [] } }),
    );
    expect(ok.status).toBe(201);
  });

  it('unknown places are still named as such, not as reaching nothing', async () => {
    const r = await call(
      w.official,
      'POST',
      '/api/v1/broadcasts',
      bulletin({ led: led('Thông báo'), targets: { areas: ['ha-noi/thanh-xuan/khong-co'], devices: [] } }),
    );
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('broadcast.target-area-not-found');
  });
});
