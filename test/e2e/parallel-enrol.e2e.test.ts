// Many devices enrolling at once from one address, some tokens sent twice at the same moment,
// against a real hub with the embedded broker and with Mosquitto (whose logins the hub provisions
// over dynamic security): every token is spent exactly once, every device gets working
// credentials, and the duplicate requests are refused without leaving anything behind. (Fewer
// duplicates than the 10 failures an address may make: beyond, 429 is the right answer.) With
// Mosquitto, a device whose answer was lost retries with the proof of its key: its login is replaced.
import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { generateSigningKeys, signEnrolProof } from '../../protocol/index.ts';
import { startTestHub, type TestHub } from '../helpers/test-hub.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { digestDeviceSecret } from '../../hub/devices/device-secret.ts';

const N = 40;
const TWICE = 8;
const running: Array<{ stop(): Promise<void> }> = [];
afterAll(async () => {
  for (const r of running.reverse()) await r.stop();
});

async function enrolAtOnce(t: TestHub, brokerUrl: string) {
  await t.admin.post('/api/v1/areas', { slug: 'ha-noi', name: 'Thành phố Hà Nội', level: 'province' });
  const ids = Array.from({ length: N }, (_, i) => `loa-${i}`);
  const tokens = await Promise.all(
    ids.map(
      async (id) =>
        (await t.admin.post('/api/v1/devices', { id, name: id, kind: 'speaker', areaPath: 'ha-noi' }))
          .enrolToken as string,
    ),
  );
  const enrol = (token: string) =>
    fetch(`${t.hub.httpUrl}/api/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, publicKey: generateSigningKeys().publicKeyPem }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  // Every request at once; the first TWICE tokens twice.
  const answers = await Promise.all(
    tokens.flatMap((token, i) => (i < TWICE ? [enrol(token), enrol(token)] : [enrol(token)])),
  );
  const won = answers.filter((a) => a.status === 200);
  expect(won.map((a) => a.body.deviceId).sort()).toEqual([...ids].sort());
  // The losers were told the token is spent (401), not a server error or a rate limit.
  expect(answers.filter((a) => a.status !== 200).map((a) => a.status)).toEqual(Array(TWICE).fill(401));
  // The hub keeps the digest of the password each winner was given, and nothing of the losers'.
  const stored = new Map(
    (
      t.hub.ctx.db
        .prepare('SELECT id, mqtt_password_hash AS h, enrol_token_hash AS token FROM devices')
        .all() as Array<{
        id: string;
        h: string | null;
        token: string | null;
      }>
    ).map((r) => [r.id, r]),
  );
  for (const a of won) {
    expect(stored.get(a.body.deviceId)).toEqual({
      id: a.body.deviceId,
      h: digestDeviceSecret(a.body.mqttPassword),
      token: null,
    });
  }
  // Every winner's credentials open the broker, all at once.
  const clients = await Promise.all(
    won.map((a) =>
      mqtt.connectAsync(brokerUrl, {
        clientId: a.body.mqttUsername,
        username: a.body.mqttUsername,
        password: a.body.mqttPassword,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      }),
    ),
  );
  expect(clients.every((c) => c.connected)).toBe(true);
  await Promise.all(clients.map((c) => c.endAsync()));
}

/** A device whose first answer was lost retries with its proof: Mosquitto's login is replaced. */
async function retryAfterLostAnswer(t: TestHub, brokerUrl: string) {
  const { enrolToken: token } = await t.admin.post('/api/v1/devices', {
    id: 'loa-mat-tin',
    name: 'loa-mat-tin',
    kind: 'speaker',
    areaPath: 'ha-noi',
  });
  const keys = generateSigningKeys();
  const enrol = () =>
    fetch(`${t.hub.httpUrl}/api/v1/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, publicKey: keys.publicKeyPem, proof: signEnrolProof(keys.privateKeyPem, token) }),
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const lost = await enrol();
  const retry = await enrol();
  expect([lost.status, retry.status]).toEqual([200, 200]);
  const connect = (password: string) =>
    mqtt
      .connectAsync(brokerUrl, {
        clientId: 'loa-mat-tin',
        username: 'loa-mat-tin',
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      })
      .then(
        (c) => c.endAsync().then(() => 'connected'),
        (e: Error) => e.message,
      );
  expect(await connect(lost.body.mqttPassword)).toMatch(/Not authorized|Bad username or password/);
  expect(await connect(retry.body.mqttPassword)).toBe('connected');
}

describe('parallel enrolment', () => {
  it('with the embedded broker', async () => {
    const t = await startTestHub();
    running.push({ stop: () => t.stop() });
    await enrolAtOnce(t, t.hub.mqttUrl);
    // Guessing is still slowed: 10 failed tokens from an address, then 429; another address is served.
    const guess = (ip: string) =>
      fetch(`${t.hub.httpUrl}/api/v1/enrol`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ token: `enrol_${'x'.repeat(32)}`, publicKey: generateSigningKeys().publicKeyPem }),
      }).then((r) => r.status);
    for (let i = 0; i < 10; i++) expect(await guess('203.0.113.9')).toBe(401);
    expect(await guess('203.0.113.9')).toBe(429);
    expect(await guess('203.0.113.10')).toBe(401);
  });

  it('with Mosquitto, whose logins the hub provisions', async () => {
    const mq: Mosquitto = await startMosquitto();
    running.push(mq);
    const t = await startTestHub(mq.hubConfig);
    running.push({ stop: () => t.stop() });
    await enrolAtOnce(t, mq.url);
    await retryAfterLostAnswer(t, mq.url);
  });
});
