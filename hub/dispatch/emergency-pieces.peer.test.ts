// An emergency's commands are computed a piece of the fleet at a time (the event loop free between
// pieces), so: a fleet larger than one piece still gets one publish on the area it targets, and a
// stop asked for while a play-now is being computed goes out after that play-now, never before.
// Real hub, real Mosquitto (open, so a witness sees every command in the order it is carried).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { topics } from '../../protocol/index.ts';
import { getBroadcast } from '../broadcasts/broadcasts.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { startMosquitto, type Mosquitto } from '../../test/helpers/mosquitto.ts';

const tp = topics();
const ROOT = 'tinh-pieces';
/** More than one piece (2,000 devices) of the fleet and of the plan. */
const DEVICES = 2500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('emergency commands computed in pieces', () => {
  let mq: Mosquitto;
  let t: TestHub;
  let witness: mqtt.MqttClient;
  const seen: Array<{ topic: string; type: string; broadcastId: string }> = [];
  const commandsOf = (id: string) => seen.filter((s) => s.broadcastId === id);
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await sleep(50);
  };

  beforeAll(async () => {
    mq = await startMosquitto({ open: true });
    t = await startTestHub(mq.hubConfig);
    await t.admin.post('/api/v1/areas', { slug: ROOT, name: 'Tỉnh', level: 'province' });
    await t.admin.post('/api/v1/areas', { parentPath: ROOT, slug: 'huyen', name: 'Huyện', level: 'district' });
    for (const w of ['xa-1', 'xa-2'])
      await t.admin.post('/api/v1/areas', { parentPath: `${ROOT}/huyen`, slug: w, name: w, level: 'ward' });
    // Enrolled LED boards written straight into the database: nothing needs to connect for the
    // commands to be computed and published.
    const db = t.hub.ctx.db;
    const wards = db.prepare("SELECT id FROM areas WHERE path LIKE ? || '/%/%'").pluck().all(ROOT) as number[];
    const insert = db.prepare(
      "INSERT INTO devices(id, name, kind, area_id, enrolled_at, created_at) VALUES (?, ?, 'led', ?, ?, ?)",
    );
    db.transaction(() => {
      for (let i = 0; i < DEVICES; i++) insert.run(`led-${i}`, `led-${i}`, wards[i % 2], Date.now(), Date.now());
    })();
    witness = await mqtt.connectAsync(mq.url, { protocolVersion: 4, clientId: `witness-${process.pid}`, clean: true });
    witness.on('message', (topic, payload) => {
      if (payload.length === 0 || !topic.endsWith('/cmd')) return;
      const { body } = JSON.parse(payload.toString());
      seen.push({ topic, type: body.type, broadcastId: body.item?.broadcastId ?? body.broadcastId });
    });
    await witness.subscribeAsync(`${tp.prefix}/#`, { qos: 1 });
  }, 60_000);

  afterAll(async () => {
    await witness?.endAsync(true);
    await t?.stop();
    await mq?.stop();
  });

  const emergency = () =>
    t.admin.post('/api/v1/broadcasts', {
      title: 'Khẩn cấp',
      led: { pages: [{ lines: ['KHẨN CẤP'], mode: 'flash', seconds: 1 }] },
      priority: 'emergency',
      targets: { areas: [ROOT], devices: [] },
      startsAt: 'now',
    }) as Promise<{ id: string }>;

  it('a province of more devices than one piece gets one publish on the province topic', async () => {
    const b = await emergency();
    await until(() => commandsOf(b.id).length > 0);
    await sleep(200); // nothing else follows
    expect(commandsOf(b.id)).toEqual([{ topic: tp.areaCommand(ROOT), type: 'play-now', broadcastId: b.id }]);
  });

  it('a stop asked for while the play-now is being computed goes out after it', async () => {
    const b = await emergency();
    await until(() => commandsOf(b.id).length === 1);
    // The play-now again (as a live session announces its broadcast), and at once its end (a session
    // that ended as it began): the stop's pieces must not overtake the play-now's.
    const { dispatcher, db } = t.hub.ctx;
    const again = dispatcher.onBroadcastChanged(getBroadcast(db, b.id)!);
    const ended = dispatcher.endEarly(getBroadcast(db, b.id)!, 'live session ended');
    await Promise.all([again, ended]);
    await until(() => commandsOf(b.id).length === 3);
    expect(commandsOf(b.id).map((c) => c.type)).toEqual(['play-now', 'play-now', 'stop']);
    expect(new Set(commandsOf(b.id).map((c) => c.topic))).toEqual(new Set([tp.areaCommand(ROOT)]));
  });
});
