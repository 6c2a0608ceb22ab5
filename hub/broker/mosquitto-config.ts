// What a Mosquitto 2 with the dynamic-security plugin needs for wardcast: its mosquitto.conf and
// the plugin's initial JSON, holding only the hub's admin client. Devices are added later by the
// hub itself over the control topic (hub/broker/device-access.ts).
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_TOPIC_PREFIX } from '../../protocol/index.ts';
import { hubAcls } from './access-rules.ts';
import { PACKET_MAX_BYTES } from './embedded-broker.ts';

export const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
export const HUB_ROLE = 'wardcast-hub';

/** The plugin's stored form (as `mosquitto_ctrl dynsec init` writes it): PBKDF2-SHA512, 64 bytes. */
export function dynsecPassword(
  password: string,
  iterations = 101,
): { password: string; salt: string; iterations: number } {
  const salt = randomBytes(12);
  return {
    password: pbkdf2Sync(password, salt, iterations, 64, 'sha512').toString('base64'),
    salt: salt.toString('base64'),
    iterations,
  };
}

/**
 * The hub may manage the plugin, and publish and subscribe what the topic table gives it
 * (access-rules.ts). Devices get nothing by default (publish and subscribe denied); each gets a role
 * of its own at enrolment.
 */
export function initialDynsecConfig(o: { hubUsername: string; hubPassword: string; topicPrefix?: string }) {
  const prefix = o.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const acl = (acltype: string, topic: string) => ({ acltype, topic, allow: true });
  return {
    clients: [
      {
        username: o.hubUsername,
        textName: 'wardcast hub',
        ...dynsecPassword(o.hubPassword),
        roles: [{ rolename: HUB_ROLE }],
      },
    ],
    roles: [
      {
        rolename: HUB_ROLE,
        acls: [
          acl('publishClientSend', '$CONTROL/dynamic-security/#'),
          acl('publishClientReceive', '$CONTROL/dynamic-security/#'),
          acl('subscribePattern', '$CONTROL/dynamic-security/#'),
          ...hubAcls(prefix),
        ],
      },
    ],
    groups: [],
    defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
  };
}

/**
 * Limits for a province (up to 10,000 devices on one broker). The hub's one session receives every
 * device's receipts and status: an emergency brings one of each from every device within a second or
 * two. Mosquitto's defaults (20 QoS 1 messages in flight to a client, 1,000 more queued) drop the
 * rest silently, and a device resends an unacknowledged receipt only after 10 s. A device receives
 * only the hub's few messages, so its own queue stays short whatever these say; `max_queued_bytes`
 * bounds what one stalled session can hold.
 */
export const MOSQUITTO_LIMITS = [
  'max_inflight_messages 1000',
  'max_queued_messages 100000',
  `max_queued_bytes ${256 * 1024 * 1024}`,
];

/**
 * Persistence on: the plugin keeps its clients in its own file whatever this says, but retained
 * manifests and births then survive a broker restart, so devices need not wait for the hub to
 * republish (the hub republishes anyway at every reconnect; nothing depends on it).
 */
export function mosquittoConf(o: {
  dir: string;
  port: number;
  host?: string;
  persistence?: boolean;
  logDest?: string;
}): string {
  return [
    '# wardcast: Mosquitto 2 with per-device credentials and ACLs (docs/brokers.md)',
    'per_listener_settings false',
    `listener ${o.port}${o.host ? ` ${o.host}` : ''}`,
    'allow_anonymous false',
    // Every wardcast message fits 256 KiB (agents refuse larger ones): refuse bigger packets before
    // they are buffered, as the embedded broker does, with room for the MQTT header and topic.
    `max_packet_size ${PACKET_MAX_BYTES}`,
    // No Nagle: a clock reply held back for a delayed ACK skews the agents' hub time (docs/protocol.md, Clock).
    'set_tcp_nodelay true',
    ...MOSQUITTO_LIMITS,
    `plugin ${DYNSEC_PLUGIN}`,
    `plugin_opt_config_file ${path.join(o.dir, 'dynamic-security.json')}`,
    `persistence ${o.persistence === false ? 'false' : 'true'}`,
    `persistence_location ${o.dir}${path.sep}`,
    'autosave_interval 60',
    `log_dest ${o.logDest ?? 'stderr'}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    '',
  ].join('\n');
}
