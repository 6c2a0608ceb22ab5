// A client of Mosquitto's dynamic-security plugin: JSON commands published on its control topic,
// answered on the response topic. It has a connection of its own (the hub's admin login, another
// client id), so control traffic never mixes with the hub's session handlers.
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

export interface DynsecCommand {
  command: string;
  [k: string]: unknown;
}
export interface DynsecResponse {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
}

export interface DynsecClient {
  /** Runs commands in order; resolves with one response each (errors are in the responses). */
  run(commands: DynsecCommand[]): Promise<DynsecResponse[]>;
  close(): Promise<void>;
}

/** Deleting what is already gone is no failure. */
export const isNotFound = (r: DynsecResponse) => /not found/i.test(r.error ?? '');

export async function connectDynsec(
  url: string,
  o: { username?: string; password?: string; log: Logger; timeoutMs?: number },
): Promise<DynsecClient> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const client: MqttClient = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    clientId: `wardcast-hub-dynsec-${process.pid}-${Date.now().toString(36)}`,
    username: o.username,
    password: o.password,
    clean: true,
    reconnectPeriod: 2000,
    connectTimeout: timeoutMs,
  });
  client.on('error', (err) => o.log.warn({ err: err.message }, 'dynsec control connection error'));
  // Clean sessions: the subscription must be made again on every reconnect (mqtt.js resubscribes).
  const granted = await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 });
  if (granted[0]?.qos === 128) {
    await client.endAsync(true);
    throw new Error(
      `the broker refused ${DYNSEC_RESPONSE_TOPIC} to user "${o.username ?? ''}": is it Mosquitto's dynamic-security admin?`,
    );
  }

  // Responses carry back the correlationData of each command; the first one names the batch.
  const waiting = new Map<string, (r: DynsecResponse[]) => void>();
  let next = 0;
  client.on('message', (topic, payload) => {
    if (topic !== DYNSEC_RESPONSE_TOPIC) return;
    try {
      const responses = (JSON.parse(payload.toString()).responses ?? []) as Array<
        DynsecResponse & { correlationData?: string }
      >;
      const key = responses[0]?.correlationData;
      if (key !== undefined) waiting.get(key)?.(responses);
    } catch (err) {
      o.log.warn({ err }, 'unreadable dynsec response');
    }
  });

  return {
    run(commands) {
      if (commands.length === 0) return Promise.resolve([]);
      const batch = `${process.pid}-${++next}`;
      const sent = commands.map((c, i) => ({ ...c, correlationData: `${batch}.${i}` }));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(`${batch}.0`);
          reject(
            new Error(
              `no answer from Mosquitto's dynamic-security plugin within ${timeoutMs} ms (${commands.map((c) => c.command).join(', ')}): is the plugin loaded?`,
            ),
          );
        }, timeoutMs);
        waiting.set(`${batch}.0`, (r) => {
          clearTimeout(timer);
          waiting.delete(`${batch}.0`);
          resolve(r);
        });
        client.publish(DYNSEC_TOPIC, JSON.stringify({ commands: sent }), { qos: 1 }, (err) => {
          if (!err) return;
          clearTimeout(timer);
          waiting.delete(`${batch}.0`);
          reject(err);
        });
      });
    },
    close: () => client.endAsync(true).then(() => {}),
  };
}
