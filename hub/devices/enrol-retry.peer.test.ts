// Enrolment retried after a lost answer, against a real hub (HTTP, SQLite, embedded broker): the
// device that proves its key gets a new password and the broker refuses the first; a retry while
// the first request is still at the broker is answered 503 (retried by agents, not counted as a
// guess); anyone else with the spent token gets 401 and counts towards the address's limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys, signEnrolProof } from '../../protocol/index.ts';
import { connectMqttDevice } from '../../test/helpers/mqtt-device.ts';
import { startTestHub, type TestHub } from '../../test/helpers/test-hub.ts';
import { HA_DINH, seedWorld, type World } from '../../test/helpers/world.ts';
import type { AuditEntry } from '../../test/helpers/api-types.ts';

let t: TestHub;
let w: World;
const keys = generateSigningKeys();

beforeAll(async () => {
  t = await startTestHub();
  w = await seedWorld(t, [
    { id: 'loa-mat', kind: 'speaker', area: HA_DINH },
    { id: 'loa-cham', kind: 'speaker', area: HA_DINH },
    { id: 'loa-la', kind: 'speaker', area: HA_DINH },
  ]);
}, 30_000);
afterAll(async () => {
  await t?.stop();
});

async function enrol(token: string, o: { key?: typeof keys; proof?: boolean } = {}) {
  const key = o.key ?? keys;
  const body = {
    token,
    publicKey: key.publicKeyPem,
    ...(o.proof === false ? {} : { proof: signEnrolProof(key.privateKeyPem, token) }),
  };
  const res = await fetch(`${t.hub.httpUrl}/api/v1/enrol`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const connects = async (deviceId: string, password: string) => {
  try {
    const d = await connectMqttDevice({ url: t.hub.mqttUrl, deviceId, password, session: 1, reconnect: false });
    await d.end();
    return true;
  } catch {
    return false;
  }
};

describe('an enrolment answer lost on the way', () => {
  it('the device retries with its proof and gets in; the first password is refused by the broker; audited as a retry', async () => {
    const lost = await enrol(w.tokens['loa-mat']!);
    expect(lost.status).toBe(200);
    const retry = await enrol(w.tokens['loa-mat']!);
    expect(retry.status).toBe(200);
    expect(Object.keys(retry.body).sort()).toEqual(Object.keys(lost.body).sort());
    expect(retry.body).toMatchObject({ deviceId: 'loa-mat', mqttUsername: 'loa-mat' });
    expect(retry.body.mqttPassword).not.toBe(lost.body.mqttPassword);
    expect(await connects('loa-mat', lost.body.mqttPassword)).toBe(false);
    expect(await connects('loa-mat', retry.body.mqttPassword)).toBe(true);
    const audit = (await t.admin.get('/api/v1/audit')) as AuditEntry[];
    const enrols = audit.filter((a) => a.action === 'device.enrol' && a.target === 'loa-mat');
    expect(enrols).toHaveLength(2);
    expect(enrols.map((a) => a.detail ?? null)).toEqual(expect.arrayContaining([null, { retry: true }]));
  });

  it('a retry while the first request is still at the broker gets a 503, then its answer', async () => {
    const access = t.hub.ctx.deviceAccess;
    const provision = access.provision;
    let answer!: () => void;
    access.provision = () => new Promise<void>((resolve) => (answer = resolve));
    try {
      const first = enrol(w.tokens['loa-cham']!);
      // the first has claimed its token and waits for the broker
      const claimed = t.hub.ctx.db.prepare('SELECT enrol_claimed_at FROM devices WHERE id = ?').pluck();
      while (claimed.get('loa-cham') === null) await new Promise((r) => setTimeout(r, 10));
      const early = await enrol(w.tokens['loa-cham']!);
      expect(early.status).toBe(503);
      expect(early.body.error).toMatch(/still being completed; try again/);
      access.provision = provision;
      answer();
      expect((await first).status).toBe(200);
    } finally {
      access.provision = provision;
    }
    const retry = await enrol(w.tokens['loa-cham']!);
    expect(retry.status).toBe(200);
    expect(await connects('loa-cham', retry.body.mqttPassword)).toBe(true);
  });

  it('anyone else with the spent token gets 401, and it counts towards the failure limit', async () => {
    expect((await enrol(w.tokens['loa-la']!)).status).toBe(200);
    const thief = generateSigningKeys();
    const tries = [
      () => enrol(w.tokens['loa-la']!, { key: thief }),
      () => enrol(w.tokens['loa-la']!, { proof: false }),
    ];
    // this address has no failures yet: ten refusals, then it is locked out, even for the device
    for (let i = 0; i < 10; i++) {
      const r = await tries[i % 2]!();
      expect(r.status).toBe(401);
      expect(r.body.error).toMatch(/unknown or already used/);
    }
    expect((await enrol(w.tokens['loa-la']!)).status).toBe(429);
  });
});
