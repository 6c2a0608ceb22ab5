// The bad-actor suite over HTTP: no login or a forged one, a neighbouring ward's users reaching for
// Hạ Đình, roles above one's own, path tricks, malformed and oversized bodies, enrolment with spent,
// unknown or bad tokens and keys, and hostile uploads. Each case asserts the refusal (the status,
// and where it matters what the body says) and that nothing changed.
import { existsSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeys } from '../../protocol/index.ts';
import { HA_DINH, KIM_GIANG } from '../helpers/world.ts';
import { formatVn } from '../../hub/time.ts';
import { expectNothingChanged, led, raw, startBadActorWorld, snapshot, type BadActorWorld } from './world.ts';
import type { Device } from '../helpers/api-types.ts';

let x: BadActorWorld;
let base: string;
let tokens: Record<'kgOfficial' | 'kgLeader' | 'hdOfficial' | 'district', string>;

beforeAll(async () => {
  x = await startBadActorWorld({ hubOverrides: { maxUploadBytes: 256 * 1024 } });
  base = x.t.hub.httpUrl;
  const login = async (username: string, password: string) =>
    (
      await raw(base, '/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      })
    ).body.token;
  tokens = {
    kgOfficial: await login('canbo.kg', 'password-canbo-kg'),
    kgLeader: await login('lanhdao.kg', 'password-lanhdao-kg'),
    hdOfficial: await login('canbo.hd', 'password-canbo-hd'),
    district: await login('quan', 'password-quan'),
  };
}, 60_000);
afterAll(() => x?.stop());

const json = (method: string, body: unknown, token?: string): RequestInit & { token?: string } => ({
  method,
  token,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('HTTP without a valid login', () => {
  const routes = [
    '/api/v1/me',
    '/api/v1/devices',
    '/api/v1/devices/led-hd',
    '/api/v1/media',
    '/api/v1/broadcasts',
    '/api/v1/schedule',
    `/api/v1/reports/coverage?area=${HA_DINH}`,
    `/api/v1/reports/coverage.pdf?area=${HA_DINH}`,
    '/api/v1/audit',
    '/api/v1/users',
    '/api/v1/events',
    '/api/v1/quiet-hours',
    '/metrics',
  ];
  for (const r of routes) {
    it(`GET ${r.split('?')[0]} answers 401 to no token`, () =>
      expectNothingChanged(x, async () => expect((await raw(base, r)).status).toBe(401)));
  }
  it('refuses a forged bearer token', () =>
    expectNothingChanged(x, async () =>
      expect((await raw(base, '/api/v1/devices', { token: `wc_${'A'.repeat(40)}` })).status).toBe(401),
    ));
  it('refuses a token in the query string that was never issued', () =>
    expectNothingChanged(x, async () => expect((await raw(base, '/api/v1/devices?token=gia-mao')).status).toBe(401)));
  it('refuses to create a broadcast without a login', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/broadcasts',
            json('POST', {
              title: 'x',
              led: led('x'),
              targets: { areas: [HA_DINH], devices: [] },
              startsAt: formatVn(Date.now() + 3600_000),
            }),
          )
        ).status,
      ).toBe(401),
    ));
  it('refuses a wrong password, naming no user', () =>
    expectNothingChanged(x, async () => {
      const r = await raw(base, '/api/v1/auth/login', json('POST', { username: 'canbo.hd', password: 'sai-mat-khau' }));
      expect(r.status).toBe(401);
    }));
});

describe("a neighbouring ward's users reaching for Hạ Đình", () => {
  it("Kim Giang's leader cannot approve a Hạ Đình bulletin", async () => {
    const draft = await x.hdOfficial.post('/api/v1/broadcasts', {
      title: 'Chờ duyệt',
      led: led('Chờ duyệt'),
      targets: { areas: [HA_DINH], devices: [] },
      startsAt: formatVn(Date.now() + 2 * 86_400_000),
    });
    await expectNothingChanged(x, async () =>
      expect(
        (await raw(base, `/api/v1/broadcasts/${draft.id}/approve`, json('POST', {}, tokens.kgLeader))).status,
      ).toBe(403),
    );
    await x.hdOfficial.post(`/api/v1/broadcasts/${draft.id}/cancel`, {});
  });
  it("Kim Giang's official cannot cancel Hạ Đình's approved bulletin", () =>
    expectNothingChanged(x, async () =>
      expect(
        (await raw(base, `/api/v1/broadcasts/${x.upcoming.id}/cancel`, json('POST', {}, tokens.kgOfficial))).status,
      ).toBe(403),
    ));
  it("Kim Giang's official cannot edit Hạ Đình's bulletin", () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            `/api/v1/broadcasts/${x.upcoming.id}`,
            json(
              'PUT',
              {
                title: 'Bị sửa',
                led: led('Bị sửa'),
                targets: { areas: [HA_DINH], devices: [] },
                startsAt: formatVn(x.upcoming.startsAt),
              },
              tokens.kgOfficial,
            ),
          )
        ).status,
      ).toBeGreaterThanOrEqual(403),
    ));
  it("Kim Giang's official cannot schedule on Hạ Đình's speakers", () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/broadcasts',
            json(
              'POST',
              {
                title: 'Lấn sân',
                led: led('Lấn sân'),
                targets: { areas: [HA_DINH], devices: [] },
                startsAt: formatVn(Date.now() + 3600_000),
              },
              tokens.kgOfficial,
            ),
          )
        ).status,
      ).toBe(403),
    ));
  it("Kim Giang's official cannot target Hạ Đình's board by device id", () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/broadcasts',
            json(
              'POST',
              {
                title: 'Lấn sân',
                led: led('Lấn sân'),
                targets: { areas: [], devices: ['led-hd'] },
                startsAt: formatVn(Date.now() + 3600_000),
              },
              tokens.kgOfficial,
            ),
          )
        ).status,
      ).toBe(403),
    ));
  it("Kim Giang's official cannot read Hạ Đình's coverage report", () =>
    expectNothingChanged(x, async () =>
      expect((await raw(base, `/api/v1/reports/coverage?area=${HA_DINH}`, { token: tokens.kgOfficial })).status).toBe(
        403,
      ),
    ));
  it("Kim Giang's official cannot read Hạ Đình's coverage PDF", () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(base, `/api/v1/reports/coverage.pdf?area=${HA_DINH}&period=${formatVn(Date.now())!.slice(0, 7)}`, {
            token: tokens.kgOfficial,
          })
        ).status,
      ).toBe(403),
    ));
  it("Kim Giang's official does not see Hạ Đình's devices", () =>
    expectNothingChanged(x, async () => {
      const r = await raw(base, '/api/v1/devices', { token: tokens.kgOfficial });
      expect(r.status).toBe(200);
      expect(r.body.map((d: Device) => d.id)).not.toContain('led-hd');
    }));
  it("Kim Giang's official cannot read Hạ Đình's bulletin", () =>
    expectNothingChanged(x, async () =>
      expect(
        (await raw(base, `/api/v1/broadcasts/${x.upcoming.id}`, { token: tokens.kgOfficial })).status,
      ).toBeGreaterThanOrEqual(403),
    ));
  it("Kim Giang's official sees no Hạ Đình entries in the audit log", () =>
    expectNothingChanged(x, async () => {
      const r = await raw(base, '/api/v1/audit', { token: tokens.kgOfficial });
      expect(JSON.stringify(r.body)).not.toContain('Ngày mai');
    }));
  it("Kim Giang's official cannot set Hạ Đình's quiet hours", () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/quiet-hours',
            json('POST', { areaPath: HA_DINH, start: '22:00', end: '05:00' }, tokens.kgOfficial),
          )
        ).status,
      ).toBeGreaterThanOrEqual(400),
    ));
});

describe('roles above one’s own', () => {
  it('an official cannot approve their own bulletin', async () => {
    const draft = await x.kgOfficial.post('/api/v1/broadcasts', {
      title: 'Tự duyệt',
      led: led('Tự duyệt'),
      targets: { areas: [KIM_GIANG], devices: [] },
      startsAt: formatVn(Date.now() + 3 * 86_400_000),
    });
    await expectNothingChanged(x, async () =>
      expect(
        (await raw(base, `/api/v1/broadcasts/${draft.id}/approve`, json('POST', {}, tokens.kgOfficial))).status,
      ).toBe(403),
    );
    await x.kgOfficial.post(`/api/v1/broadcasts/${draft.id}/cancel`, {});
  });
  it("an official's emergency waits for a leader: nothing reaches a device", async () => {
    const before = await snapshot(x);
    const r = await raw(
      base,
      '/api/v1/broadcasts',
      json(
        'POST',
        {
          title: 'Khẩn giả',
          priority: 'emergency',
          led: led('Khẩn giả'),
          targets: { areas: [KIM_GIANG], devices: [] },
          startsAt: 'now',
        },
        tokens.kgOfficial,
      ),
    );
    expect(r.body.status).toBe('submitted');
    await new Promise((res) => setTimeout(res, 500));
    const after = await snapshot(x);
    expect({ ...after, broadcasts: null }).toEqual({ ...before, broadcasts: null });
    expect(x.devices['led-kg'].received.filter((m) => m.payload.includes('Khẩn giả'))).toEqual([]);
    await x.kgOfficial.post(`/api/v1/broadcasts/${r.body.id}/cancel`, {});
  });
  it('an official cannot create users', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/users',
            json(
              'POST',
              { username: 'ke-gian', password: 'password-ke-gian', role: 'admin', displayName: 'x' },
              tokens.kgOfficial,
            ),
          )
        ).status,
      ).toBe(403),
    ));
  it('the district cannot make an admin', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/users',
            json(
              'POST',
              { username: 'ke-gian', password: 'password-ke-gian', role: 'admin', displayName: 'x' },
              tokens.district,
            ),
          )
        ).status,
      ).toBeGreaterThanOrEqual(400),
    ));
  it('an official cannot register devices', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/devices',
            json('POST', { id: 'loa-gia', name: 'x', kind: 'speaker', areaPath: KIM_GIANG }, tokens.kgOfficial),
          )
        ).status,
      ).toBe(403),
    ));
  it("an official cannot issue a device's enrolment token (take a board over)", () =>
    expectNothingChanged(x, async () =>
      expect((await raw(base, '/api/v1/devices/led-kg/enrol-token', json('POST', {}, tokens.kgOfficial))).status).toBe(
        403,
      ),
    ));
  it('an official cannot read /metrics', () =>
    expectNothingChanged(x, async () =>
      expect((await raw(base, '/metrics', { token: tokens.kgOfficial })).status).toBe(403),
    ));
});

describe('path tricks and malformed requests', () => {
  const paths = [
    '/media/..%2fhub.sqlite',
    '/media/%2e%2e%2fhub.sqlite',
    '/media/../hub.sqlite',
    '/media/hub.sqlite',
    `/media/${'a'.repeat(64)}.opus`,
    '/media/..%5c..%5chub.sqlite',
  ];
  for (const p of paths) {
    it(`does not serve ${p}`, () =>
      expectNothingChanged(x, async () => {
        const r = await raw(base, p, { token: tokens.district });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(String(r.body)).not.toContain('SQLite format');
      }));
  }
  it('answers 400 to JSON that does not parse', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(base, '/api/v1/broadcasts', {
            method: 'POST',
            token: tokens.hdOfficial,
            headers: { 'content-type': 'application/json' },
            body: '{"title": "x",',
          })
        ).status,
      ).toBe(400),
    ));
  it('answers 413 to a JSON body over the limit', () =>
    expectNothingChanged(x, async () =>
      expect(
        (await raw(base, '/api/v1/broadcasts', json('POST', { title: 'x'.repeat(2 * 1024 * 1024) }, tokens.hdOfficial)))
          .status,
      ).toBe(413),
    ));
  it('names the problem in a broadcast with a bad time', () =>
    expectNothingChanged(x, async () => {
      const r = await raw(
        base,
        '/api/v1/broadcasts',
        json(
          'POST',
          { title: 'x', led: led('x'), targets: { areas: [HA_DINH], devices: [] }, startsAt: '2026-13-45T25:61' },
          tokens.hdOfficial,
        ),
      );
      expect(r.status).toBe(400);
      expect(r.body.error).toMatch(/2026-13-45/);
    }));
  it('refuses an LED line longer than the protocol allows', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/broadcasts',
            json(
              'POST',
              {
                title: 'x',
                led: { pages: [{ lines: ['x'.repeat(500)], mode: 'hold', seconds: 5 }] },
                targets: { areas: [HA_DINH], devices: [] },
                startsAt: formatVn(Date.now() + 3600_000),
              },
              tokens.hdOfficial,
            ),
          )
        ).status,
      ).toBe(400),
    ));
  it('refuses a broadcast with no target', () =>
    expectNothingChanged(x, async () =>
      expect(
        (
          await raw(
            base,
            '/api/v1/broadcasts',
            json(
              'POST',
              {
                title: 'x',
                led: led('x'),
                targets: { areas: [], devices: [] },
                startsAt: formatVn(Date.now() + 3600_000),
              },
              tokens.hdOfficial,
            ),
          )
        ).status,
      ).toBe(400),
    ));
});

describe('enrolment', () => {
  const enrol = (token: string, publicKey: string) => raw(base, '/api/v1/enrol', json('POST', { token, publicKey }));
  it('refuses an unknown token', () =>
    expectNothingChanged(x, async () =>
      expect((await enrol(`enrol_${'x'.repeat(32)}`, generateSigningKeys().publicKeyPem)).status).toBe(401),
    ));
  it('refuses a token already spent (the board is enrolled)', () =>
    expectNothingChanged(x, async () =>
      expect((await enrol(x.w.tokens['led-kg'], generateSigningKeys().publicKeyPem)).status).toBe(401),
    ));
  it('refuses a token too short to be one', () =>
    expectNothingChanged(x, async () =>
      expect((await enrol('abc', generateSigningKeys().publicKeyPem)).status).toBe(400),
    ));
  it('refuses an RSA key where Ed25519 is required', async () => {
    const token = (
      await x.t.admin.post('/api/v1/devices', { id: 'loa-moi', name: 'Loa mới', kind: 'speaker', areaPath: KIM_GIANG })
    ).enrolToken;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    await expectNothingChanged(x, async () => {
      const r = await enrol(token, rsa.slice(0, 200));
      expect(r.status).toBeGreaterThanOrEqual(400);
    });
    await expectNothingChanged(x, async () =>
      expect((await enrol(token, 'A'.repeat(60))).status).toBeGreaterThanOrEqual(400),
    );
  });
});

describe('uploads', () => {
  const upload = async (bytes: Buffer, name: string, token = tokens.hdOfficial, field = 'file') => {
    const form = new FormData();
    form.append(field, new Blob([new Uint8Array(bytes)]), name);
    return raw(base, '/api/v1/media', { method: 'POST', token, body: form });
  };
  /** Coverage, schedules and devices as they were; a refused upload may leave a failed media item. */
  const unchangedButMedia = async (attack: () => Promise<void>) => {
    const { media: _m, ...before } = await snapshot(x);
    await attack();
    const { media: _n, ...after } = await snapshot(x);
    expect(after).toEqual(before);
  };
  it('refuses an upload without a login', () =>
    expectNothingChanged(x, async () => expect((await upload(Buffer.from('ID3'), 'a.mp3', '')).status).toBe(401)));
  it('refuses an empty file', () =>
    expectNothingChanged(x, async () => expect((await upload(Buffer.alloc(0), 'a.mp3')).status).toBe(400)));
  it('refuses a file over the size limit, keeping nothing', () =>
    expectNothingChanged(x, async () =>
      expect((await upload(Buffer.alloc(300 * 1024, 1), 'lon.mp3')).status).toBe(413),
    ));
  it('refuses a request without the file field', () =>
    expectNothingChanged(x, async () =>
      expect((await upload(Buffer.from('x'), 'a.mp3', tokens.hdOfficial, 'khac')).status).toBe(400),
    ));
  it('a script named .mp3 ends as a failed item that says it is not audio', () =>
    unchangedButMedia(async () => {
      const r = await upload(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'bantin.mp3');
      const m = await x.hdOfficial.waitFor(
        async () => {
          const v = await x.hdOfficial.get(`/api/v1/media/${r.body.id}`);
          return v.status === 'failed' ? v : null;
        },
        20_000,
        'the upload refused',
      );
      expect(m.errorCode).toBe('not-audio');
    }));
  it('a path in the file name is never a path on disk', () =>
    unchangedButMedia(async () => {
      const r = await upload(Buffer.from('not audio'), '../../../../etc/cron.d/wardcast.mp3');
      expect(r.status).toBe(202);
      const m = await x.hdOfficial.get(`/api/v1/media/${r.body.id}`);
      expect(m.originalName).toBe('wardcast.mp3');
      expect(existsSync('/etc/cron.d/wardcast.mp3')).toBe(false);
    }));
});
