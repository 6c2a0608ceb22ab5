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

/**
 * How many command batches are sent before the first is answered. The plugin runs them one at a time
 * on the broker's only thread, saving its whole file after each change, so more in flight would only
 * queue inside the broker, where no timer can tell waiting from a plugin that does not answer.
 */
export const DYNSEC_IN_FLIGHT = 2;

/**
 * How long a batch may wait for its turn. A device gives up on its enrolment request after 15 s and
 * asks again, when its token is claimed by the request still waiting here: refused (401), and
 * behind one address ten of those lock a ward out. A 503 before then gives the token back, and the
 * device retries later, when the plugin has caught up.
 */
export const DYNSEC_QUEUE_WAIT_MS = 5_000;

export async function connectDynsec(
  url: string,
  o: {
    username?: string;
    password?: string;
    log: Logger;
    timeoutMs?: number;
    inFlight?: number;
    queueWaitMs?: number;
  },
): Promise<DynsecClient> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const inFlight = o.inFlight ?? DYNSEC_IN_FLIGHT;
  const queueWaitMs = o.queueWaitMs ?? DYNSEC_QUEUE_WAIT_MS;
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

  // Batches wait here, in order, until one of the `inFlight` places is free: 32 enrolments at once
  // must not each start a timer while they wait behind the others.
  interface Queued {
    commands: DynsecCommand[];
    resolve: (r: DynsecResponse[]) => void;
    reject: (e: Error) => void;
    expiry: NodeJS.Timeout;
  }
  const queue: Queued[] = [];
  let sending = 0;
  const pump = () => {
    while (sending < inFlight && queue.length) send(queue.shift()!);
  };
  const send = (q: Queued) => {
    clearTimeout(q.expiry);
    sending++;
    const batch = `${process.pid}-${++next}`;
    const key = `${batch}.0`;
    const sent = q.commands.map((c, i) => ({ ...c, correlationData: `${batch}.${i}` }));
    let done = false;
    const finish = (err: Error | null, r?: DynsecResponse[]) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      waiting.delete(key);
      sending--;
      if (err) q.reject(err);
      else q.resolve(r!);
      pump();
    };
    // From the moment it is sent: this measures the plugin, not the queue in front of it.
    const timer = setTimeout(() => {
      const err = new Error(
        `no answer from Mosquitto's dynamic-security plugin within ${timeoutMs} ms (${q.commands.map((c) => c.command).join(', ')}): is the plugin loaded?`,
      );
      // Those queued behind it would wait for the same silent plugin, each for as long: they fail now.
      for (const behind of queue.splice(0)) {
        clearTimeout(behind.expiry);
        behind.reject(new Error(`${err.message} (a request sent before this one got no answer)`));
      }
      finish(err);
    }, timeoutMs);
    waiting.set(key, (r) => finish(null, r));
    client.publish(DYNSEC_TOPIC, JSON.stringify({ commands: sent }), { qos: 1 }, (err) => {
      if (err) finish(err);
    });
  };

  return {
    run(commands) {
      if (commands.length === 0) return Promise.resolve([]);
      return new Promise((resolve, reject) => {
        const q: Queued = {
          commands,
          resolve,
          reject,
          expiry: setTimeout(() => {
            const at = queue.indexOf(q);
            if (at < 0) return;
            queue.splice(at, 1);
            reject(
              new Error(
                `Mosquitto's dynamic-security plugin is busy: this request (${commands.map((c) => c.command).join(', ')}) waited ${queueWaitMs} ms behind ${at + sending} more; try again`,
              ),
            );
          }, queueWaitMs),
        };
        queue.push(q);
        pump();
      });
    },
    close: () => {
      for (const q of queue.splice(0)) {
        clearTimeout(q.expiry);
        q.reject(new Error("the hub closed its connection to Mosquitto's dynamic-security plugin"));
      }
      return client.endAsync(true).then(() => {});
    },
  };
}
