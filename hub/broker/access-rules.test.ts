// Walks the topic table: for every kind, the embedded broker and the Mosquitto roles allow exactly
// its direction (its `from` role publishes, its `to` roles subscribe), a device only for itself.
import { describe, expect, it } from 'vitest';
import { KINDS, ROLES, TOPIC_TABLE, hubSubscriptions, topicOf, type Kind, type Role } from '../../protocol/index.ts';
import { deviceAcls, hubAcls, mayPublish, maySubscribe, type Principal } from './access-rules.ts';
import { initialDynsecConfig } from './mosquitto-config.ts';
import { useEmbeddedBroker } from '../../test/helpers/embedded-broker.ts';

const PREFIX = 'wardcast/v1';
const SECRET = 'hub-secret-'.padEnd(24, 'x');
const ME = { deviceId: 'loa-a', areas: ['ha-noi', 'ha-noi/ha-dinh'] };
const device: Principal = { role: 'device', ...ME };
const hub: Principal = { role: 'hub' };
const who = (role: Role) => (role === 'hub' ? hub : device);

const needs = (kind: Kind, p: string) => (TOPIC_TABLE[kind].pattern as string).includes(`{${p}}`);
/** The device's own topic of a kind, and one that belongs to someone else. */
const ownTopic = (kind: Kind) => topicOf(kind, { deviceId: ME.deviceId, areaPath: 'ha-noi/ha-dinh' } as never, PREFIX);
const otherTopic = (kind: Kind) => topicOf(kind, { deviceId: 'loa-b', areaPath: 'ho-chi-minh' } as never, PREFIX);
const hasIds = (kind: Kind) => needs(kind, 'deviceId') || needs(kind, 'areaPath');
const publishes = (kind: Kind, role: Role) => TOPIC_TABLE[kind].from === role;
const reads = (kind: Kind, role: Role) => (TOPIC_TABLE[kind].to as readonly Role[]).includes(role);

/** MQTT filter matching (MQTT 3.1.1 §4.7), to check what Mosquitto's ACL patterns cover. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

describe('access rules derived from the topic table', () => {
  it('every kind is published by its `from` role only, and read by its `to` roles only', () => {
    for (const kind of KINDS) {
      for (const role of ROLES) {
        expect(mayPublish(who(role), ownTopic(kind), PREFIX, 10), `${role} publishes ${kind}`).toBe(
          publishes(kind, role),
        );
        expect(maySubscribe(who(role), ownTopic(kind), PREFIX), `${role} reads ${kind}`).toBe(reads(kind, role));
      }
      // A device never touches another device's or another area's topics.
      if (hasIds(kind)) {
        expect(mayPublish(device, otherTopic(kind), PREFIX, 10), `device publishes another's ${kind}`).toBe(false);
        expect(maySubscribe(device, otherTopic(kind), PREFIX), `device reads another's ${kind}`).toBe(false);
      }
      // The hub clears retained copies (empty payload), and nothing else of what it does not publish.
      expect(mayPublish(hub, ownTopic(kind), PREFIX, 0), `hub clears ${kind}`).toBe(
        publishes(kind, 'hub') || TOPIC_TABLE[kind].retain,
      );
    }
    expect(hubSubscriptions(PREFIX).every((f) => maySubscribe(hub, f, PREFIX))).toBe(true);
    for (const f of [`${PREFIX}/#`, `${PREFIX}/dev/+/cmd`, `${PREFIX}/dev/loa-a/#`, `${PREFIX}/area/#`, '#'])
      expect(maySubscribe(device, f, PREFIX), f).toBe(false);
  });

  it("Mosquitto's device and hub roles allow the same, kind by kind", () => {
    const dev = deviceAcls(PREFIX, ME.deviceId, 'ha-noi/ha-dinh');
    const hubRole = initialDynsecConfig({ hubUsername: 'wardcast-hub', hubPassword: 'x', topicPrefix: PREFIX }).roles[0]
      .acls;
    expect(hubRole).toEqual(expect.arrayContaining(hubAcls(PREFIX)));
    const allows = (acls: Array<{ acltype: string; topic: string }>, type: string, topic: string, literal = false) =>
      acls.some((a) => a.acltype === type && (literal ? a.topic === topic : matches(a.topic, topic)));
    for (const kind of KINDS) {
      expect(allows(dev, 'publishClientSend', ownTopic(kind)), `device role publishes ${kind}`).toBe(
        publishes(kind, 'device'),
      );
      expect(allows(dev, 'subscribeLiteral', ownTopic(kind), true), `device role reads ${kind}`).toBe(
        reads(kind, 'device'),
      );
      if (hasIds(kind)) {
        expect(allows(dev, 'publishClientSend', otherTopic(kind))).toBe(false);
        expect(allows(dev, 'subscribeLiteral', otherTopic(kind), true)).toBe(false);
      }
      // Mosquitto cannot tell a clearing (empty) message from another: the hub may publish retained kinds.
      expect(allows(hubRole, 'publishClientSend', otherTopic(kind)), `hub role publishes ${kind}`).toBe(
        publishes(kind, 'hub') || TOPIC_TABLE[kind].retain,
      );
      expect(
        hubRole.some((a) => a.acltype === 'subscribePattern' && matches(a.topic, otherTopic(kind))),
        `hub role reads ${kind}`,
      ).toBe(reads(kind, 'hub'));
    }
    // Only the control topic besides the table's.
    expect(hubRole.filter((a) => !a.topic.startsWith(`${PREFIX}/`)).every((a) => a.topic.startsWith('$CONTROL/'))).toBe(
      true,
    );
  });
});

describe('the embedded broker enforces them', () => {
  const refused: string[] = [];
  const env = useEmbeddedBroker({
    topicPrefix: PREFIX,
    hubSecret: SECRET,
    authenticateDevice: async (id, pw) => (id === ME.deviceId && pw === 'pw' ? 'ha-noi/ha-dinh' : null),
    onRefused: (what) => refused.push(what),
  });

  const connect = async (role: Role) => {
    const c = await (role === 'hub' ? env.hubLogin('hub-test') : env.login(ME.deviceId, ME.deviceId, 'pw'));
    c.on('error', () => {});
    return c;
  };

  /** 'acked' when the broker takes the publish, 'refused' when it drops the connection instead. */
  const tryPublish = async (role: Role, topic: string, payload: string) => {
    const c = await connect(role);
    const closed = new Promise<'refused'>((r) => c.once('close', () => r('refused')));
    const result = await Promise.race([
      c.publishAsync(topic, payload, { qos: 1 }).then(() => 'acked' as const),
      closed,
    ]);
    c.end(true);
    return result;
  };

  it('lets each role publish and subscribe each kind exactly as the table says', async () => {
    for (const role of ROLES) {
      const c = await connect(role);
      // One at a time: MQTT.js fails a whole SUBSCRIBE when one of its topics is refused.
      for (const kind of KINDS) {
        const granted = await c.subscribeAsync(ownTopic(kind), { qos: 1 }).then(
          () => true,
          () => false,
        );
        expect(granted, `${role} subscribes to ${kind}`).toBe(reads(kind, role));
      }
      c.end(true);
      for (const kind of KINDS) {
        expect(await tryPublish(role, ownTopic(kind), '{}'), `${role} publishes ${kind}`).toBe(
          publishes(kind, role) ? 'acked' : 'refused',
        );
      }
    }
    expect(await tryPublish('hub', ownTopic('deviceStatus'), ''), 'the hub clears a retained status').toBe('acked');
    expect(await tryPublish('device', otherTopic('deviceEvent/receipt'), '{}')).toBe('refused');
    expect(refused.length).toBeGreaterThan(0);
  });
});
