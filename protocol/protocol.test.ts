import { readFileSync } from 'node:fs';
import { createPublicKey, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOPIC_PREFIX,
  TOPIC_DELIVERY,
  areaAncestry,
  assertSlug,
  parseTopic,
  topics,
  type ParsedTopic,
} from './topics.ts';
import {
  generateSigningKeys,
  open,
  seal,
  signBytes,
  signReceipt,
  verifyReceipt,
  type OpenOptions,
} from './envelope.ts';
import { ClockFilter, clockSample } from './clock.ts';
import { canonicalJson } from './canonical-json.ts';
import { HubBody, MAX_PAYLOAD_BYTES, ScheduleItem, type MessageTarget, type UnsignedReceipt } from './schemas.ts';
import { parseJson } from './payload.ts';
import { buildAsyncApi } from './asyncapi.ts';
import { TARGET_KINDS } from './target.ts';

describe('topics', () => {
  const t = topics();

  it('builds topics that parse back to what they were built from', () => {
    const cases: [string, ParsedTopic][] = [
      [t.deviceCommand('loa-01'), { kind: 'deviceCommand', deviceId: 'loa-01' }],
      [t.deviceSchedule('loa-01'), { kind: 'deviceSchedule', deviceId: 'loa-01' }],
      [t.deviceStatus('loa-01'), { kind: 'deviceStatus', deviceId: 'loa-01' }],
      [t.deviceReply('loa-01'), { kind: 'deviceReply', deviceId: 'loa-01' }],
      [t.deviceEvent('loa-01', 'receipt'), { kind: 'deviceEvent', deviceId: 'loa-01', event: 'receipt' }],
      [t.deviceEvent('loa-01', 'telemetry'), { kind: 'deviceEvent', deviceId: 'loa-01', event: 'telemetry' }],
      [t.deviceEvent('loa-01', 'clock'), { kind: 'deviceEvent', deviceId: 'loa-01', event: 'clock' }],
      [t.areaCommand('ha-noi/thanh-xuan/ha-dinh'), { kind: 'areaCommand', areaPath: 'ha-noi/thanh-xuan/ha-dinh' }],
      [t.areaCommand('ha-noi'), { kind: 'areaCommand', areaPath: 'ha-noi' }],
    ];
    for (const [topic, parsed] of cases) expect(parseTopic(topic), topic).toEqual(parsed);
    expect(t.deviceCommand('loa-01')).toBe('wardcast/v1/dev/loa-01/cmd');
    expect(t.areaCommand('ha-noi/ba-dinh')).toBe('wardcast/v1/area/ha-noi/ba-dinh/cmd');
  });

  it('honours a custom prefix on both sides', () => {
    const custom = topics('tinh/hn');
    expect(parseTopic(custom.deviceStatus('a1'), 'tinh/hn')).toEqual({ kind: 'deviceStatus', deviceId: 'a1' });
    expect(parseTopic(custom.deviceStatus('a1'))).toBeNull();
  });

  it.each([
    'other/v1/dev/loa-01/cmd',
    'wardcast/v1',
    'wardcast/v1/',
    'wardcast/v10/dev/loa-01/cmd',
    'wardcast/v1/dev/Loa-01/cmd',
    'wardcast/v1/dev/-loa/cmd',
    'wardcast/v1/dev/loa-01',
    'wardcast/v1/dev/loa-01/cmd/extra',
    'wardcast/v1/dev/loa-01/evt/gossip',
    'wardcast/v1/dev/loa-01/evt',
    'wardcast/v1/dev/+/status',
    'wardcast/v1/dev/loa-01/constructor',
    'wardcast/v1/dev/loa-01/__proto__',
    'wardcast/v1/area/cmd',
    'wardcast/v1/area//cmd',
    'wardcast/v1/area/Ha-Noi/cmd',
    'wardcast/v1/area/a/b/c/d/e/f/g/h/i/cmd',
    'wardcast/v1/area/ha-noi/status',
  ])('rejects malformed or foreign topic %s', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('refuses to build topics from ids that are not slugs, naming the bad value', () => {
    expect(() => t.deviceCommand('loa/01')).toThrow(/device id "loa\/01" is not a valid slug/);
    expect(() => t.deviceCommand('+')).toThrow(/not a valid slug/);
    expect(() => t.areaCommand('ha-noi/#')).toThrow(/area path segment/);
    expect(() => t.areaCommand('a/b/c/d/e/f/g/h/i')).toThrow(/1-8 levels/);
    expect(() => assertSlug('x'.repeat(65), 'id')).toThrow(/1-64 characters/);
    expect(assertSlug('x'.repeat(64), 'id')).toBe('x'.repeat(64));
  });

  it('lists every ancestor of an area, root first', () => {
    expect(areaAncestry('ha-noi/thanh-xuan/ha-dinh')).toEqual([
      'ha-noi',
      'ha-noi/thanh-xuan',
      'ha-noi/thanh-xuan/ha-dinh',
    ]);
  });
});

// ---- envelope ----

const hub = generateSigningKeys();
const intruder = generateSigningKeys();
const NOW = Date.UTC(2025, 8, 1, 23, 0, 0); // 06:00 in Asia/Ho_Chi_Minh

const emergency: HubBody = {
  type: 'play-now',
  item: ScheduleItem.parse({
    occurrenceId: 'bao-so-3@1756767600000',
    broadcastId: 'bao-so-3',
    title: 'Thông báo khẩn: bão số 3',
    priority: 'emergency',
    startAt: NOW,
    durationMs: 60_000,
    volume: 90,
    led: { pages: [{ lines: ['Thông báo khẩn: bão số 3'] }] },
  }),
};

const TO = { device: 'loa-01' };
const ME = { deviceId: 'loa-01', areaPaths: ['ha-noi', 'ha-noi/ba-dinh'] };
const opts = (over: Partial<OpenOptions> = {}): OpenOptions => ({
  now: NOW + 1000,
  seen: () => false,
  addressee: ME,
  arrivedOn: { kind: 'deviceCommand', deviceId: 'loa-01' },
  ...over,
});
const wire = (env: unknown) => JSON.stringify(env);

describe('signed envelope', () => {
  it('accepts a sealed message with the pinned key and returns the parsed body', () => {
    const env = seal(hub.privateKeyPem, TO, emergency, { seq: 7, ttlMs: 60_000, now: NOW });
    const r = open(hub.publicKeyPem, wire(env), opts());
    expect(r).toMatchObject({
      ok: true,
      envelope: { seq: 7, issuedAt: NOW, expiresAt: NOW + 60_000 },
      body: emergency,
    });
    expect(open(hub.publicKeyPem, Buffer.from(wire(env)), opts()).ok).toBe(true);
  });

  it('accepts the pinned key as PEM, as a KeyObject and as base64 SPKI DER', () => {
    const env = wire(seal(hub.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW }));
    const keyObject = createPublicKey(hub.publicKeyPem);
    const der = keyObject.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(open(keyObject, env, opts()).ok).toBe(true);
    expect(open(der, env, opts()).ok).toBe(true);
  });

  it('rejects an unsigned message', () => {
    const { sig: _, ...unsigned } = seal(hub.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    expect(open(hub.publicKeyPem, wire(unsigned), opts())).toMatchObject({ ok: false, reason: 'unsigned' });
  });

  it('rejects a message signed by another key as forged', () => {
    const env = seal(intruder.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    expect(open(hub.publicKeyPem, wire(env), opts())).toMatchObject({
      ok: false,
      reason: 'forged',
      detail: /pinned hub key/,
    });
  });

  it('rejects a tampered body, id, sequence or expiry as forged', () => {
    const env = seal(hub.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    const tampered = [
      { ...env, body: { ...emergency, item: { ...(emergency as { item: object }).item, volume: 100 } } },
      { ...env, body: { type: 'stop', broadcastId: 'bao-so-3', reason: 'x' } },
      { ...env, id: randomUUID() },
      { ...env, to: { device: 'loa-02' } },
      { ...env, seq: 2 },
      { ...env, expiresAt: env.expiresAt + 3600_000 },
      { ...env, sig: Buffer.alloc(64).toString('base64') },
      { ...env, sig: 'not base64 at all!' },
    ];
    for (const t of tampered)
      expect(open(hub.publicKeyPem, wire(t), opts())).toMatchObject({ ok: false, reason: 'forged' });
  });

  it('rejects an expired message, and checks the signature first (a forged expired one is forged)', () => {
    const env = seal(hub.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    expect(open(hub.publicKeyPem, wire(env), opts({ now: NOW + 60_000 })).ok).toBe(true); // last valid instant
    expect(open(hub.publicKeyPem, wire(env), opts({ now: NOW + 60_001 }))).toMatchObject({
      ok: false,
      reason: 'expired',
      detail: 'expired 1 ms ago',
    });
    const forged = seal(intruder.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    expect(open(hub.publicKeyPem, wire(forged), opts({ now: NOW + 3600_000 }))).toMatchObject({ reason: 'forged' });
  });

  it('rejects a message issued further in the future than the tolerated skew', () => {
    const env = seal(hub.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 600_000, now: NOW + 40_000 });
    expect(open(hub.publicKeyPem, wire(env), opts({ now: NOW }))).toMatchObject({
      ok: false,
      reason: 'not-yet-valid',
      detail: 'issued 40000 ms in the future',
    });
    expect(open(hub.publicKeyPem, wire(env), opts({ now: NOW, skewMs: 45_000 })).ok).toBe(true);
    expect(open(hub.publicKeyPem, wire(env), opts({ now: NOW + 10_000 })).ok).toBe(true); // within the default 30 s
  });

  it('rejects a replay: the seen callback is asked with the envelope id', () => {
    const env = seal(hub.privateKeyPem, TO, emergency, { seq: 9, ttlMs: 60_000, now: NOW });
    const accepted = new Set<string>();
    const seen = (id: string) => accepted.has(id);
    const first = open(hub.publicKeyPem, wire(env), opts({ seen }));
    expect(first.ok).toBe(true);
    if (first.ok) accepted.add(first.envelope.id);
    expect(open(hub.publicKeyPem, wire(env), opts({ seen }))).toMatchObject({
      ok: false,
      reason: 'replayed',
      detail: `envelope ${env.id} (seq 9) was already accepted`,
    });
  });

  it('rejects invalid input with a reason that names the problem', () => {
    const env = seal(hub.privateKeyPem, TO, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    const { id: _, ...noId } = env;
    // seal() refuses an unknown type, so this one is signed by hand
    const { sig: _s, ...unsignedBad } = { ...env, body: { type: 'reboot' } };
    const badBody = { ...unsignedBad, sig: signBytes(hub.privateKeyPem, canonicalJson(unsignedBad)) };
    const cases: [string | Buffer, RegExp][] = [
      ['{not json', /^not JSON/],
      ['null', /\(root\)/],
      ['[]', /\(root\)/],
      ['"sig"', /\(root\)/],
      [wire(noId), /^id: /],
      [wire({ ...env, v: 3 }), /^v: /],
      [wire({ ...env, v: 1 }), /^envelope version 1 names no target/],
      [wire({ ...env, to: undefined }), /^to: /],
      [wire({ ...env, to: { device: 'loa-01', area: 'ha-noi' } }), /^to: /],
      [wire(badBody), /^type: /],
      ['x'.repeat(MAX_PAYLOAD_BYTES + 1), new RegExp(`exceeds ${MAX_PAYLOAD_BYTES}`)],
      // counted in bytes: 100k Vietnamese letters are 300 kB of UTF-8
      ['ẩ'.repeat(100_000), /payload of 300000 bytes exceeds/],
    ];
    for (const [payload, detail] of cases) {
      expect(open(hub.publicKeyPem, payload, opts()), String(payload).slice(0, 40)).toMatchObject({
        ok: false,
        reason: 'invalid',
        detail,
      });
    }
  });
});

describe('target binding', () => {
  const t = topics();
  const onTopic = (topic: string) => parseTopic(topic)!;
  const at = (topic: string, to: MessageTarget, body: HubBody = emergency) =>
    open(
      hub.publicKeyPem,
      wire(seal(hub.privateKeyPem, to, body, { seq: 1, ttlMs: 60_000, now: NOW })),
      opts({ arrivedOn: onTopic(topic) }),
    );

  it('signs the target: the envelope names it, and changing it breaks the signature', () => {
    const env = seal(hub.privateKeyPem, { area: 'ha-noi/ba-dinh' }, emergency, { seq: 1, ttlMs: 60_000, now: NOW });
    expect(env).toMatchObject({ v: 2, to: { area: 'ha-noi/ba-dinh' } });
    const moved = { ...env, to: { area: 'ha-noi' } };
    expect(open(hub.publicKeyPem, wire(moved), opts({ arrivedOn: onTopic(t.areaCommand('ha-noi')) }))).toMatchObject({
      reason: 'forged',
    });
  });

  it('accepts a message for this device on its topics, and for one of its areas on exactly that area topic', () => {
    expect(at(t.deviceCommand('loa-01'), { device: 'loa-01' }).ok).toBe(true);
    expect(
      at(t.deviceReply('loa-01'), { device: 'loa-01' }, { type: 'receipt-ack', receiptIds: [randomUUID()] }).ok,
    ).toBe(true);
    expect(at(t.areaCommand('ha-noi'), { area: 'ha-noi' }).ok).toBe(true);
    expect(at(t.areaCommand('ha-noi/ba-dinh'), { area: 'ha-noi/ba-dinh' }).ok).toBe(true);
  });

  it.each([
    [
      'another device, on my device topic',
      t.deviceCommand('loa-01'),
      { device: 'loa-02' },
      /addressed to device loa-02, not to device loa-01/,
    ],
    ['another device, on its own topic', t.deviceCommand('loa-02'), { device: 'loa-02' }, /not to this device loa-01/],
    [
      'another device, on my area topic',
      t.areaCommand('ha-noi'),
      { device: 'loa-02' },
      /addressed to device loa-02, not to area ha-noi/,
    ],
    ['me, on an area topic', t.areaCommand('ha-noi'), { device: 'loa-01' }, /not to area ha-noi/],
    [
      'my ward, on my device topic',
      t.deviceCommand('loa-01'),
      { area: 'ha-noi/ba-dinh' },
      /addressed to area ha-noi\/ba-dinh, not to device loa-01/,
    ],
    [
      'my ward, on the city topic',
      t.areaCommand('ha-noi'),
      { area: 'ha-noi/ba-dinh' },
      /not to area ha-noi it came on/,
    ],
    [
      'another ward, on its own topic',
      t.areaCommand('ha-noi/hoan-kiem'),
      { area: 'ha-noi/hoan-kiem' },
      /which device loa-01 is not in/,
    ],
    ['me, on a status topic', t.deviceStatus('loa-01'), { device: 'loa-01' }, /deviceStatus topic/],
  ])('refuses a message for %s as wrong-target', (_what, topic, to, detail) => {
    expect(at(topic, to as MessageTarget)).toMatchObject({ ok: false, reason: 'wrong-target', detail });
  });

  it('checks the target after the signature and before time and replay, so a captured message is named for what it is', () => {
    const env = wire(seal(hub.privateKeyPem, { device: 'loa-02' }, emergency, { seq: 1, ttlMs: 60_000, now: NOW }));
    const late = opts({ now: NOW + 3600_000, seen: () => true });
    expect(open(hub.publicKeyPem, env, late)).toMatchObject({ reason: 'wrong-target' });
    const forged = wire(
      seal(intruder.privateKeyPem, { device: 'loa-02' }, emergency, { seq: 1, ttlMs: 60_000, now: NOW }),
    );
    expect(open(hub.publicKeyPem, forged, opts())).toMatchObject({ reason: 'forged' });
  });

  it('refuses to seal a body for a target it never goes to', () => {
    const manifest: HubBody = {
      type: 'schedule',
      deviceId: 'loa-01',
      version: 1,
      from: NOW,
      until: NOW + 1,
      items: [],
    };
    const sealFor = (to: MessageTarget, body: HubBody) => () =>
      seal(hub.privateKeyPem, to, body, { seq: 1, ttlMs: 1000, now: NOW });
    expect(sealFor({ device: 'loa-02' }, manifest)).toThrow(/manifest for device loa-01 is addressed to device loa-02/);
    expect(sealFor({ area: 'ha-noi' }, manifest)).toThrow(/never sent to an area/);
    expect(sealFor({ area: 'ha-noi' }, { type: 'receipt-ack', receiptIds: [randomUUID()] })).toThrow(
      /'receipt-ack' message is never sent to an area/,
    );
    expect(sealFor({ area: 'ha-noi' }, { type: 'clock-reply', requestId: 'r', t0: 1, t1: 2, t2: 3 })).toThrow(
      /never sent to an area/,
    );
    expect(sealFor({ device: 'Loa 01' }, emergency)).toThrow(/cannot seal a message for/);
    expect(sealFor({ area: 'ha-noi/#' }, emergency)).toThrow(/area path/);
    expect(sealFor({ device: 'loa-01' }, manifest)().to).toEqual({ device: 'loa-01' });
  });

  it('gives every hub message type a target kind, and only commands reach an area', () => {
    expect(TARGET_KINDS).toEqual({
      schedule: ['device'],
      'play-now': ['device', 'area'],
      stop: ['device', 'area'],
      'receipt-ack': ['device'],
      'clock-reply': ['device'],
    });
    expect(HubBody.options.map((o) => o.shape.type.value).sort()).toEqual(Object.keys(TARGET_KINDS).sort());
  });
});

describe('receipts', () => {
  const device = generateSigningKeys();
  const receipt: UnsignedReceipt = {
    id: randomUUID(),
    deviceId: 'loa-01',
    occurrenceId: 'bao-so-3@1756767600000',
    broadcastId: 'bao-so-3',
    result: 'played',
    scheduledStart: NOW,
    actualStart: NOW + 12,
    actualEnd: NOW + 60_012,
    secondsPlayed: 60,
    clockOffsetMs: -3.5,
    evidence: {
      amplifier: {
        powered: true,
        maxCurrentMa: 1210,
        meanCurrentMa: 980,
        maxTemperatureC: 41.5,
        faults: [],
        samples: 60,
      },
    },
  };

  it("verifies a receipt signed with the device's key, whatever the key order on the wire", () => {
    const signed = signReceipt(device.privateKeyPem, receipt);
    expect(verifyReceipt(device.publicKeyPem, signed)).toBe(true);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse())));
    expect(verifyReceipt(device.publicKeyPem, reordered)).toBe(true);
  });

  it('detects tampering and the wrong key', () => {
    const signed = signReceipt(device.privateKeyPem, receipt);
    expect(verifyReceipt(device.publicKeyPem, { ...signed, secondsPlayed: 59 })).toBe(false);
    expect(verifyReceipt(device.publicKeyPem, { ...signed, result: 'failed' })).toBe(false);
    expect(verifyReceipt(device.publicKeyPem, { ...signed, evidence: {} })).toBe(false);
    expect(verifyReceipt(intruder.publicKeyPem, signed)).toBe(false);
    expect(verifyReceipt(device.publicKeyPem, signReceipt(intruder.privateKeyPem, receipt))).toBe(false);
  });
});

describe('canonical JSON and parseJson', () => {
  it('sorts keys at every depth, drops undefined fields and refuses non-finite numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'ẩ' }, u: undefined })).toBe(
      '{"a":{"c":"ẩ","d":[1,null]},"b":1}',
    );
    expect(() => canonicalJson({ a: NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson([Infinity])).toThrow(/non-finite/);
  });

  it('parseJson names the bad field, and never throws', () => {
    expect(parseJson(ScheduleItem, '{"occurrenceId":"x"}')).toMatchObject({ ok: false, error: /broadcastId: / });
    expect(parseJson(ScheduleItem, '{')).toMatchObject({ ok: false, error: /^not JSON/ });
    expect(parseJson(ScheduleItem, 'ẩ'.repeat(100_000))).toMatchObject({ ok: false, error: /exceeds/ });
  });
});

describe('clock', () => {
  it('computes offset and delay from the four timestamps (worked example)', () => {
    // Device clock is 1000 ms behind the hub. Request takes 30 ms, reply 10 ms, hub holds it 5 ms.
    const t0 = 10_000; // device clock
    const t1 = t0 + 1000 + 30; // hub clock on receipt: 11030
    const t2 = t1 + 5; // hub clock on reply: 11035
    const t3 = t2 - 1000 + 10; // device clock on receipt: 10045
    const s = clockSample(t0, t1, t2, t3);
    expect(s.delayMs).toBe(40); // round trip minus hub hold time: 30 + 10
    expect(s.offsetMs).toBe(1010); // true offset 1000, off by the asymmetry (30 - 10) / 2
    expect(Math.abs(s.offsetMs - 1000)).toBeLessThanOrEqual(s.delayMs / 2); // NTP's error bound
  });

  it('gives the exact offset for a symmetric path and never a negative delay', () => {
    expect(clockSample(0, 520, 520, 40)).toEqual({ offsetMs: 500, delayMs: 40 });
    expect(clockSample(100, 50, 60, 100).delayMs).toBe(0);
  });

  it('ClockFilter trusts the sample with the smallest delay among the last ones kept', () => {
    const f = new ClockFilter(3);
    expect(f.best()).toBeNull();
    expect(f.toHubTime(1000)).toBe(1000); // unmeasured: offset 0
    f.add({ offsetMs: 900, delayMs: 400 });
    f.add({ offsetMs: 1002, delayMs: 8 });
    f.add({ offsetMs: 1100, delayMs: 250 });
    expect(f.best()).toEqual({ offsetMs: 1002, delayMs: 8 });
    expect(f.toHubTime(5000)).toBe(6002);
    expect(f.toDeviceTime(6002)).toBe(5000);
    f.add({ offsetMs: 950, delayMs: 90 });
    f.add({ offsetMs: 990, delayMs: 60 }); // the 8 ms sample is now older than the last 3
    expect(f.best()).toEqual({ offsetMs: 990, delayMs: 60 });
  });
});

describe('AsyncAPI document', () => {
  it('committed docs/asyncapi.json is what buildAsyncApi() generates (run `npm run asyncapi` after changing protocol/)', () => {
    const committed = JSON.parse(readFileSync(new URL('../docs/asyncapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAsyncApi())));
  });

  it('has one channel per topic, whose address parses back to that topic, with its QoS and retain flag', () => {
    const doc = buildAsyncApi('tinh/hn') as {
      channels: Record<string, { address: string }>;
      operations: Record<string, { channel: { $ref: string }; bindings: { mqtt: { qos: number; retain: boolean } } }>;
    };
    expect(Object.keys(doc.channels).sort()).toEqual(
      Object.keys(TOPIC_DELIVERY)
        .map((k) => k.replace('/', '-'))
        .sort(),
    );
    for (const [id, ch] of Object.entries(doc.channels)) {
      const topic = ch.address.replace('{deviceId}', 'loa-01').replace('{areaPath}', 'ha-noi/ha-dinh');
      const parsed = parseTopic(topic, 'tinh/hn');
      expect(parsed, topic).not.toBeNull();
      const kind = parsed!.kind === 'deviceEvent' ? `deviceEvent-${parsed!.event}` : parsed!.kind;
      expect(kind).toBe(id);
      const op = Object.values(doc.operations).find((o) => o.channel.$ref === `#/channels/${id}`);
      expect(op?.bindings.mqtt).toMatchObject(TOPIC_DELIVERY[id.replace('-', '/') as keyof typeof TOPIC_DELIVERY]);
    }
    expect(DEFAULT_TOPIC_PREFIX).toBe('wardcast/v1');
  });
});
