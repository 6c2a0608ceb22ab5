import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPublisher, encode, storedPayload, willOf } from './publish.ts';
import { KINDS, TOPIC_TABLE, matchTopic, topicOf } from './topics.ts';

function recorder() {
  const sent: Array<{ topic: string; payload: string; qos: number; retain: boolean }> = [];
  const client = {
    publish: async (topic: string, payload: string, o: { qos: 0 | 1; retain: boolean }) => {
      sent.push({ topic, payload, ...o });
    },
  };
  return { sent, out: createPublisher(client, 'tinh/hn') };
}

const status = { state: 'offline', session: 3, deviceId: 'loa-01' } as const;

describe('the topic table', () => {
  it("builds each kind's topic and matches it back to the same kind and ids", () => {
    for (const kind of KINDS) {
      const topic = topicOf(kind, { deviceId: 'loa-01', areaPath: 'ha-noi/ha-dinh' } as never, 'tinh/hn');
      const m = matchTopic(topic, 'tinh/hn');
      expect(m?.kind, topic).toBe(kind);
    }
    expect(() => topicOf('deviceReply', {} as never)).toThrow('a deviceReply topic needs deviceId');
    expect(() => topicOf('deviceReply', { deviceId: 'Loa 1' })).toThrow(/device id "Loa 1" is not a valid slug/);
  });
});

describe('publish(kind, target, body)', () => {
  it("takes each kind's QoS and retain flag from the table (the clock reply goes at QoS 1)", async () => {
    const { sent, out } = recorder();
    await out.publish('deviceReply', { deviceId: 'loa-01' }, storedPayload('deviceReply', '{"v":2}'));
    await out.publish('deviceStatus', { deviceId: 'loa-01' }, status);
    await out.publish('deviceEvent/clock', { deviceId: 'loa-01' }, { requestId: 'r1', t0: 5 });
    await out.publish('hubStatus', {}, { state: 'online', instance: 'i1' });
    expect(sent).toEqual([
      { topic: 'tinh/hn/dev/loa-01/reply', payload: '{"v":2}', qos: 1, retain: false },
      { topic: 'tinh/hn/dev/loa-01/status', payload: JSON.stringify(status), qos: 1, retain: true },
      { topic: 'tinh/hn/dev/loa-01/evt/clock', payload: '{"requestId":"r1","t0":5}', qos: 0, retain: false },
      { topic: 'tinh/hn/hub/status', payload: '{"state":"online","instance":"i1"}', qos: 1, retain: true },
    ]);
    for (const { topic, qos, retain } of sent) {
      const spec = TOPIC_TABLE[matchTopic(topic, 'tinh/hn')!.kind];
      expect({ qos, retain }).toEqual({ qos: spec.qos, retain: spec.retain });
    }
  });

  it('refuses a body that does not fit the kind, or a bad id, naming the problem; nothing is sent', async () => {
    const { sent, out } = recorder();
    await expect(
      out.publish('deviceEvent/clock', { deviceId: 'loa-01' }, { requestId: '', t0: -1 } as never),
    ).rejects.toThrow(/not a valid deviceEvent\/clock message: .*requestId/);
    await expect(out.publish('deviceStatus', { deviceId: '../x' }, status)).rejects.toThrow(/not a valid slug/);
    expect(() => encode('hubStatus', { state: 'gone' } as never)).toThrow(/not a valid hubStatus message/);
    expect(sent).toEqual([]);
  });

  it('clears a retained copy with an empty retained message, and builds wills from the table', async () => {
    const { sent, out } = recorder();
    await out.clearRetained('deviceSchedule', { deviceId: 'loa-01' });
    expect(sent).toEqual([{ topic: 'tinh/hn/dev/loa-01/schedule', payload: '', qos: 1, retain: true }]);
    expect(willOf('deviceStatus', { deviceId: 'loa-01' }, status, 'tinh/hn')).toEqual({
      topic: 'tinh/hn/dev/loa-01/status',
      payload: JSON.stringify(status),
      qos: 1,
      retain: true,
    });
  });
});

// ---- hub and agent publish only through the table ----

const ROOT = path.resolve(import.meta.dirname, '..');
/**
 * The adapters that hand a built topic to the MQTT client, one call each (the agent's session also
 * forwards its typed publish, kind as a parameter), and the Mosquitto control topic (broker
 * administration, not a wardcast message), and the embedded broker's wrapper of aedes' own
 * publish (it counts publishes in flight for fanoutSettled; it sends nothing itself). Anything else
 * is a publish that bypasses the table.
 */
const RAW_PUBLISH_ALLOWED: Record<string, number> = {
  'hub/mqtt/hub-mqtt.ts': 1,
  'edge-agent/session.ts': 2,
  'hub/broker/mosquitto-dynsec.ts': 1,
  'hub/broker/embedded-broker.ts': 1,
};

/** Skips a string or template literal starting at `i`; returns the index after it. */
function skipString(src: string, i: number): number {
  const q = src[i];
  for (let j = i + 1, depth = 0; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (q === '`' && src[j] === '$' && src[j + 1] === '{') depth++;
    else if (q === '`' && depth > 0 && src[j] === '}') depth--;
    else if (src[j] === q && depth === 0) return j + 1;
  }
  return src.length;
}

/**
 * Calls of `publish`/`publishAsync` with a topic and a payload whose first argument is not one of
 * the table's kinds written out: an MQTT client's publish. A one-argument `publish(body)` is an
 * injected callback (the agent's receipt outbox, clock sync, telemetry), which itself goes through
 * the table; `publish(topic: string, …): …` or `{` after the list is a declaration, not a call.
 */
function rawPublishes(source: string, file = 'x.ts'): string[] {
  const src = source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
  const found: string[] = [];
  for (const m of src.matchAll(/\bpublish(?:Async)?\(/g)) {
    const args: string[] = [];
    let depth = 0;
    let start = m.index + m[0].length;
    let i = start;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === "'" || c === '"' || c === '`') i = skipString(src, i) - 1;
      else if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c) && depth > 0) depth--;
      else if (c === ')') break;
      else if (c === ',' && depth === 0) {
        args.push(src.slice(start, i).trim());
        start = i + 1;
      }
    }
    args.push(src.slice(start, i).trim());
    const after = src.slice(i + 1).trimStart()[0];
    if (after === ':' || after === '{') continue;
    const kind = /^(['"])(.*)\1$/.exec(args[0] ?? '')?.[2];
    if (args.filter(Boolean).length >= 2 && !(kind && (KINDS as string[]).includes(kind)))
      found.push(`${file}:${src.slice(0, m.index).split('\n').length}: ${src.slice(m.index, i + 1).split('\n')[0]}`);
  }
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .filter((f) => !f.split(path.sep).includes('test-support')); // test doubles of the hub
}

describe('hub and agent publish only through publish(kind, target, body)', () => {
  it('finds a direct publish, and passes one through the table', () => {
    expect(rawPublishes("client.publish('wardcast/v1/hub/status', '{}', { qos: 0 });")).toHaveLength(1);
    expect(rawPublishes('await c.publishAsync(topic, payload);')).toHaveLength(1);
    expect(rawPublishes('publish(t.deviceReply(id), env, { qos: 1 });')).toHaveLength(1);
    // A template literal in the source under test, written in two pieces so it is not read as one here.
    expect(rawPublishes('return this.client.publish(`$' + '{p}/x`, JSON.stringify({ a, b }), o);')).toHaveLength(1);
    expect(rawPublishes("out.publish('deviceReply', { deviceId }, env); deps.publish(receipt);")).toEqual([]);
    expect(rawPublishes('publish(topic: string, payload: string): Promise<void>;')).toEqual([]);
    expect(rawPublishes('// client.publish(topic, payload)\n/* c.publish(t, p) */')).toEqual([]);
  });

  it('no file in hub/ or edge-agent/ calls an MQTT client publish, but for the adapters', () => {
    const counts: Record<string, string[]> = {};
    for (const file of [...sources('hub'), ...sources('edge-agent')]) {
      const found = rawPublishes(readFileSync(path.join(ROOT, file), 'utf8'), file);
      if (found.length) counts[file.split(path.sep).join('/')] = found;
    }
    const over = Object.entries(counts).filter(([f, found]) => found.length > (RAW_PUBLISH_ALLOWED[f] ?? 0));
    expect(over.flatMap(([, found]) => found)).toEqual([]);
    // The allowance is used, so that it does not outlive the adapter it was made for.
    expect(Object.keys(counts).sort()).toEqual(Object.keys(RAW_PUBLISH_ALLOWED).sort());
  });
});
