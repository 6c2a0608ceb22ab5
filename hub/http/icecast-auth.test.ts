// The Icecast engine from the hub's side: each device's manifest names the relay's mount on its
// area's listen server; and devices only: the hub answers Icecast's listener_add (POST
// /icecast/listener) as GET /streams/<occurrence> decides: an enrolled device, by its signature over
// the occurrence (never its broker password), for a relay occurrence planned for it; and only
// Icecast, logging in with the source password, may ask. A live session's items name its mount too,
// and the hub keeps who the engine let in (and who left) as the session's listeners.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineListenerAuthorization, generateSigningKeys, LIVE_ENGINE_CAPABILITY } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { seedWorld, HA_DINH, KIM_GIANG, type World } from '../../test/helpers/world.ts';
import { icecastMount } from '../streaming/icecast-source.ts';
import { connectMqttDevice, type MqttDevice } from '../../test/helpers/mqtt-device.ts';
import { formatVn } from '../time.ts';

const SECRET = 'engine-secret-1';
let t: TestHub;
let w: World;
const creds: Record<string, { mqttUsername: string; mqttPassword: string }> = {};
const keys: Record<string, string> = {}; // each device's private key (PEM)
let occurrence: string;

beforeAll(async () => {
  t = await startTestHub({
    streamEngine: 'icecast',
    icecastOrigin: 'http://127.0.0.1:9',
    icecastSourcePassword: SECRET,
    icecastListenUrl: 'http://127.0.0.1:9',
    icecastListenUrls: { [HA_DINH]: 'http://relay-hd.example:8000' },
  });
  w = await seedWorld(t, [
    { id: 'loa-hd', kind: 'speaker', area: HA_DINH },
    { id: 'loa-kg', kind: 'speaker', area: KIM_GIANG },
  ]);
  for (const [id, token] of Object.entries(w.tokens)) {
    const k = generateSigningKeys();
    keys[id] = k.privateKeyPem;
    creds[id] = await t.api.post('/api/v1/enrol', { token, publicKey: k.publicKeyPem });
  }
  // A relay for Hạ Đình only, far ahead: planned for loa-hd, not loa-kg.
  const b = await w.official.post('/api/v1/broadcasts', {
    title: 'Tiếp âm',
    relay: { url: 'http://radio.vov.vn:8000/vov1.mp3', seconds: 600 },
    targets: { areas: [HA_DINH], devices: [] },
    startsAt: '2099-01-01T05:00',
  });
  await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  occurrence = `${b.id}@${Date.parse('2099-01-01T05:00:00+07:00')}`;
});
const mqttDevices: MqttDevice[] = [];
/** A device on the broker, connected once for the whole file. */
const connected = new Map<string, Promise<MqttDevice>>();
function online(id: string): Promise<MqttDevice> {
  let d = connected.get(id);
  if (!d)
    connected.set(
      id,
      (d = (async () => {
        const dev = await connectMqttDevice({
          url: t.hub.mqttUrl,
          deviceId: id,
          password: creds[id]!.mqttPassword,
          session: 1,
        });
        mqttDevices.push(dev);
        await dev.birth(1, 0, ['relay', 'live', LIVE_ENGINE_CAPABILITY]);
        return dev;
      })()),
    );
  return d;
}
afterAll(async () => {
  await Promise.all(mqttDevices.map((d) => d.end()));
  await t?.stop();
});

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** What Icecast posts for a listener (auth_url.c: action, mount, user, pass, ...). */
async function ask(form: Record<string, string>, authorization = basic('icecast', SECRET)) {
  const res = await fetch(`${t.hub.httpUrl}/icecast/listener`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ server: 'relay', port: '8000', client: '1', ip: '10.0.0.2', ...form }),
  });
  return { status: res.status, ok: res.headers.get('icecast-auth-user'), why: res.headers.get('icecast-auth-message') };
}

/** The password the agent shows the engine: its signature over the occurrence (as it would send it). */
const tokenOf = (device: string, occ = occurrence, signer = device) =>
  Buffer.from(engineListenerAuthorization(keys[signer]!, device, occ).slice('Basic '.length), 'base64')
    .toString()
    .slice(device.length + 1);
const listener = (device: string, password = tokenOf(device), mount = icecastMount(occurrence)) => ({
  action: 'listener_add',
  mount,
  user: device,
  pass: password,
});
const NOT_SIGNED = 'not an enrolled device, or not its signature for this occurrence';

describe("the engine's URL in each device's manifest", () => {
  it("names the relay's mount on the listen server of the device's area, beside the hub's path", async () => {
    // Tomorrow: in the manifests, too far ahead for the hub to pull it now.
    const at = Math.ceil((Date.now() + 86_400_000) / 60_000) * 60_000;
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Tiếp âm hai phường',
      relay: { url: 'http://radio.vov.vn:8000/vov1.mp3', seconds: 600 },
      targets: { areas: [HA_DINH, KIM_GIANG], devices: [] },
      startsAt: formatVn(at),
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const occ = `${b.id}@${at}`;
    const urls: Record<string, unknown> = {};
    for (const id of ['loa-hd', 'loa-kg']) {
      const d = await online(id);
      const item = await d.waitFor(
        () => d.manifests.flatMap((m) => m.items).find((i) => i.occurrenceId === occ),
        10_000,
        `${id}'s manifest with the relay`,
      );
      expect(item.relay!.url).toBe(`/streams/${encodeURIComponent(occ)}`);
      urls[id] = item.relay!.engineUrl;
    }
    expect(urls).toEqual({
      'loa-hd': `http://relay-hd.example:8000${icecastMount(occ)}`, // its ward's relay server
      'loa-kg': `http://127.0.0.1:9${icecastMount(occ)}`, // the default listen server
    });
  });
});

describe("the engine's state in the broadcast detail", () => {
  it('shows each relay occurrence the hub runs: its pull, its source on the origin, and who the listen servers let in', async () => {
    // Due in 16.5 s: the hub holds it now, and opens its pull (PREROLL_MS + ENGINE_PREROLL_MS = 11 s
    // ahead) only 5.5 s from now; it is cancelled before then, so no ffmpeg runs here.
    const at = Date.now() + 16_500;
    const b = await w.official.post('/api/v1/broadcasts', {
      title: 'Tiếp âm sắp phát',
      relay: { url: 'http://radio.vov.vn:8000/vov1.mp3', seconds: 600 },
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: new Date(at).toISOString(),
    });
    await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
    const start = Date.parse((await w.leader.get(`/api/v1/broadcasts/${b.id}`)).startsAt);
    const occ = `${b.id}@${start}`;
    const streams = async () => (await w.leader.get(`/api/v1/broadcasts/${b.id}`)).relayStreams;

    expect(await streams()).toEqual([
      {
        occurrenceId: occ,
        startAt: formatVn(start),
        endAt: formatVn(start + 600_000),
        state: 'waiting',
        error: null,
        losses: 0,
        hubListeners: 0,
        engine: expect.objectContaining({ engine: 'icecast', status: 'idle', connects: 0, bytesSent: 0, listeners: 0 }),
      },
    ]);
    // A listen server lets the ward's device in (listener_add), then says it left (listener_remove).
    const mount = icecastMount(occ);
    const from = { server: 'relay-hd.example', port: '8000', client: '17' };
    expect(await ask({ ...listener('loa-hd', tokenOf('loa-hd', occ), mount), ...from })).toMatchObject({ ok: '1' });
    expect((await streams())[0].engine).toMatchObject({
      listenersKnown: true,
      listeners: 1,
      admitted: 1,
      servers: [{ server: 'relay-hd.example:8000', devices: ['loa-hd'] }],
    });
    // A device refused is no listener.
    expect(await ask({ ...listener('loa-kg', tokenOf('loa-kg', occ), mount), ...from, client: '18' })).toMatchObject({
      ok: null,
    });
    expect(await ask({ action: 'listener_remove', mount, user: 'loa-hd', pass: '', ...from })).toMatchObject({
      status: 200,
    });
    expect((await streams())[0].engine).toMatchObject({ listeners: 0, admitted: 1, servers: [] });

    await w.leader.post(`/api/v1/broadcasts/${b.id}/cancel`, {});
    expect((await streams())[0]).toMatchObject({ state: 'cancelled', engine: { status: 'idle' } });
  });
});

// (before the refusals below, whose last test leaves the route slowed down for this address)
describe('a live session through the engine', () => {
  it("names the session's mount on the area's listen server, lets its devices in, and keeps who listens", async () => {
    // loa-kg's agent is older: it does not announce that it pulls live sessions from an engine.
    const kg = await online('loa-kg');
    await kg.birth(2, kg.manifestVersion(), ['relay', 'live']);
    const capsOf = t.hub.ctx.db.prepare('SELECT capabilities FROM devices WHERE id = ?').pluck();
    await w.leader.waitFor(
      async () => !String(capsOf.get('loa-kg')).includes(LIVE_ENGINE_CAPABILITY) || null,
      10_000,
      "loa-kg's birth",
    );
    const d = await online('loa-hd');
    const started = await w.district.post('/api/v1/live', {
      title: 'Họp tổ dân phố',
      areaIds: [HA_DINH, KIM_GIANG],
      priority: 'normal',
    });
    try {
      const occ = started.occurrenceId as string;
      // The play-now and the manifest both name the mount on Hạ Đình's relay server.
      const sent = await d.waitFor(
        () => {
          const now = d.commands.find((c) => c.type === 'play-now' && c.body.item?.occurrenceId === occ);
          const planned = d.manifests.flatMap((m) => m.items).find((i) => i.occurrenceId === occ);
          return now?.body.item && planned ? [now.body.item, planned] : undefined;
        },
        10_000,
        'the live play-now and manifest',
      );
      for (const item of sent)
        expect(item.relay).toMatchObject({
          live: true,
          url: `/streams/${encodeURIComponent(occ)}`,
          engineUrl: `http://relay-hd.example:8000${icecastMount(occ)}`,
        });
      // The older agent is sent the hub's stream alone, in its play-now and its manifest.
      const kgSent = await kg.waitFor(
        () => {
          const now = kg.commands.find((c) => c.type === 'play-now' && c.body.item?.occurrenceId === occ);
          const planned = kg.manifests.flatMap((m) => m.items).find((i) => i.occurrenceId === occ);
          return now?.body.item && planned ? [now.body.item, planned] : undefined;
        },
        10_000,
        "loa-kg's live play-now and manifest",
      );
      for (const item of kgSent) {
        expect(item.relay).toMatchObject({ live: true, url: `/streams/${encodeURIComponent(occ)}` });
        expect(item.relay!.engineUrl).toBeUndefined();
      }
      // No audio yet: no epoch to give.
      const head = await fetch(`${t.hub.httpUrl}/streams/${encodeURIComponent(occ)}`, {
        method: 'HEAD',
        headers: { authorization: basic('loa-hd', creds['loa-hd']!.mqttPassword) },
      });
      expect(head.status).toBe(409);

      const listening = async () =>
        Object.fromEntries(
          (await w.leader.get(`/api/v1/live/${started.id}`)).listeners.map((l: { deviceId: string; state: string }) => [
            l.deviceId,
            l.state,
          ]),
        );
      const onMount = (device: string) => listener(device, tokenOf(device, occ), icecastMount(occ));
      expect(await ask(onMount('loa-hd'))).toEqual({ status: 200, ok: '1', why: null });
      expect(await listening()).toMatchObject({ 'loa-hd': 'listening', 'loa-kg': 'waiting' });
      // Icecast says the device left while the session runs: a loss on the live page.
      expect(await ask({ ...onMount('loa-hd'), action: 'listener_remove' })).toMatchObject({ status: 200 });
      expect(await listening()).toMatchObject({ 'loa-hd': 'lost' });
      expect(await ask(onMount('loa-hd'))).toMatchObject({ ok: '1' });
      expect(await listening()).toMatchObject({ 'loa-hd': 'listening' });
    } finally {
      await w.district.post(`/api/v1/live/${started.id}/end`, {});
    }
  });
});

describe('Icecast listener authentication', () => {
  it('lets in an enrolled device the relay is planned for', async () => {
    expect(creds['loa-hd']!.mqttUsername).toBe('loa-hd');
    expect(await ask(listener('loa-hd'))).toEqual({ status: 200, ok: '1', why: null });
  });

  it('refuses a device the relay is not planned for, wrong credentials, and a mount that is no relay', async () => {
    expect(await ask(listener('loa-kg'))).toEqual({ status: 200, ok: null, why: 'not planned for this device' });
    expect(await ask(listener('loa-hd', 'wrong'))).toEqual({ status: 200, ok: null, why: NOT_SIGNED });
    expect(await ask(listener('loa-hd', undefined, '/vov1.mp3'))).toMatchObject({ ok: null, why: 'not a relay mount' });
    expect(await ask({ action: 'listener_add', mount: icecastMount(occurrence) })).toMatchObject({
      ok: null,
      why: NOT_SIGNED,
    });
  });

  it("takes no broker password, no signature for another occurrence, and no other device's signature", async () => {
    // The password would work on the hub; the engine must never need it.
    expect(await ask(listener('loa-hd', creds['loa-hd']!.mqttPassword))).toMatchObject({ ok: null, why: NOT_SIGNED });
    expect(await ask(listener('loa-hd', tokenOf('loa-hd', `${occurrence}0`)))).toMatchObject({ ok: null });
    // loa-kg's key signing in loa-hd's name.
    expect(await ask(listener('loa-hd', tokenOf('loa-hd', occurrence, 'loa-kg')))).toMatchObject({
      ok: null,
      why: NOT_SIGNED,
    });
  });

  it('answers Icecast only: another login, or none, is refused before any device is looked at', async () => {
    expect((await ask(listener('loa-hd'), basic('icecast', 'guess'))).status).toBe(401);
    expect((await ask(listener('loa-hd'), '')).status).toBe(401);
  });

  it('slows guessing of the engine password: after 10 refused logins from one address, 429 even for Icecast', async () => {
    for (let i = 0; i < 10; i++) await ask(listener('loa-hd'), basic('icecast', `guess-${i}`));
    expect((await ask(listener('loa-hd'))).status).toBe(429);
  });

  it("gives a device the stream's epoch alone by HEAD, and 409 while the relay is not on air", async () => {
    const res = await fetch(`${t.hub.httpUrl}/streams/${encodeURIComponent(occurrence)}`, {
      method: 'HEAD',
      headers: { authorization: basic(creds['loa-hd']!.mqttUsername, creds['loa-hd']!.mqttPassword) },
    });
    expect(res.status).toBe(409);
    expect(res.headers.get('x-stream-epoch')).toBeNull();
  });
});
