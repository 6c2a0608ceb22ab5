// A device reduced to its MQTT session, for hub tests that need to choose exactly what a device
// says and when: births with a session number and the manifest version it holds, a last will, and
// a record of the manifests, commands and hub births it receives.
import mqtt, { type MqttClient } from 'mqtt';
import { topics as makeTopics, type HubStatus, type MessageTarget, type ScheduleItem } from '../../protocol/index.ts';

export interface MqttDevice {
  client: MqttClient;
  /** Highest manifest version received, 0 before any. */
  manifestVersion(): number;
  manifests: Array<{ version: number; items: ScheduleItem[]; at: number }>;
  /** Commands on its own command topic and, with `areas`, on those areas' command topics. */
  /** A play-now carries its item, a stop its broadcast id. */
  commands: Array<{
    type: string;
    body: { type: string; item?: ScheduleItem; broadcastId?: string };
    at: number;
    topic: string;
    to: MessageTarget;
  }>;
  hubBirths: HubStatus[];
  /** `capabilities`: what the device announces, as an agent does (none: an agent that announces nothing) */
  birth(session: number, manifestVersion?: number, capabilities?: string[]): Promise<void>;
  telemetry(): Promise<void>;
  /** Drops the TCP connection without DISCONNECT, so the broker publishes the will. */
  drop(): void;
  end(): Promise<void>;
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T>;
}

export async function connectMqttDevice(o: {
  url: string;
  deviceId: string;
  password?: string;
  /** The session whose will this connection carries. */
  session: number;
  clientId?: string;
  prefix?: string;
  reconnect?: boolean;
  /** Area paths whose command topics it also subscribes to, as an agent does (its area and every ancestor). */
  areas?: string[];
}): Promise<MqttDevice> {
  const t = makeTopics(o.prefix);
  const manifests: MqttDevice['manifests'] = [];
  const commands: MqttDevice['commands'] = [];
  const hubBirths: HubStatus[] = [];
  const areaTopics = (o.areas ?? []).map((a) => t.areaCommand(a));
  const client = await mqtt.connectAsync(o.url, {
    protocolVersion: 4,
    clientId: o.clientId ?? o.deviceId,
    username: o.password ? o.deviceId : undefined,
    password: o.password,
    clean: true,
    reconnectPeriod: o.reconnect === false ? 0 : 300,
    will: {
      topic: t.deviceStatus(o.deviceId),
      payload: Buffer.from(JSON.stringify({ state: 'offline', session: o.session, deviceId: o.deviceId })),
      qos: 1,
      retain: true,
    },
  });
  client.on('error', () => {});
  client.on('message', (topic, payload) => {
    if (payload.length === 0) return;
    const m = JSON.parse(payload.toString());
    if (topic === t.deviceSchedule(o.deviceId))
      manifests.push({ version: m.body.version, items: m.body.items, at: Date.now() });
    else if (topic === t.deviceCommand(o.deviceId) || areaTopics.includes(topic))
      commands.push({ type: m.body.type, body: m.body, at: Date.now(), topic, to: m.to });
    else if (topic === t.hubStatus && m.state === 'online') hubBirths.push(m);
  });
  await client.subscribeAsync([t.deviceSchedule(o.deviceId), t.deviceCommand(o.deviceId), t.hubStatus, ...areaTopics], {
    qos: 1,
  });
  const dev: MqttDevice = {
    client,
    manifests,
    commands,
    hubBirths,
    manifestVersion: () => manifests.reduce((v, m) => Math.max(v, m.version), 0),
    birth: (session, manifestVersion, capabilities) =>
      client
        .publishAsync(
          t.deviceStatus(o.deviceId),
          JSON.stringify({ state: 'online', session, deviceId: o.deviceId, manifestVersion, capabilities }),
          { qos: 1, retain: true },
        )
        .then(() => {}),
    telemetry: () =>
      client
        .publishAsync(
          t.deviceEvent(o.deviceId, 'telemetry'),
          JSON.stringify({
            deviceId: o.deviceId,
            at: Date.now(),
            clockOffsetMs: null,
            clockDelayMs: null,
            outboxSize: 0,
            cacheBytes: 0,
            scheduleVersion: dev.manifestVersion(),
            nowPlaying: null,
            rejected: {},
          }),
          { qos: 0 },
        )
        .then(() => {}),
    drop: () => {
      client.options.reconnectPeriod = 0;
      (client as unknown as { stream: { destroy(): void } }).stream.destroy(); // mqtt.js keeps its socket in a field its types leave out
    },
    end: () => client.endAsync(true),
    async waitFor(check, timeoutMs, what) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const v = check();
        if (v) return v;
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
  return dev;
}
