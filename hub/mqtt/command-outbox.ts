// The hub's command outbox: signed commands (play-now, stop) are stored in SQLite first and sent
// in order while the broker is connected; a row is deleted when the broker acknowledges it (PUBACK).
// So an HTTP request only writes a row, a broker outage delays commands instead of blocking anyone,
// and a hub restart loses none. A command that expires while waiting is dropped and counted (the
// agent would refuse it anyway), as is the oldest one when the outbox is full.
import type { Logger } from 'pino';
import {
  DEFAULT_TOPIC_PREFIX,
  commandTopicSuffix,
  createPublisher,
  matchTopic,
  storedPayload,
  type Clock,
  type SignedEnvelope,
} from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { HubMqtt } from './hub-mqtt.ts';

export interface CommandOutboxDeps {
  db: Db;
  mqtt: Pick<HubMqtt, 'publish' | 'connected'>;
  log: Logger;
  /** expiry of waiting commands, and when they were queued */
  clock: Clock;
  /** The topic prefix the rows' topics are under (default `wardcast/v1`). */
  topicPrefix?: string;
  onDropped?: (reason: 'expired' | 'full', count: number) => void;
  /** Commands in flight at once (sent in order, acknowledged in order). */
  window?: number;
  maxRows?: number;
  /**
   * The embedded broker's fan-out of what it took has settled (embedded-broker.ts). Given, an area
   * command goes alone and the next row after its fan-out: aedes passes a publish to all its
   * subscribers in one turn of the hub's event loop, and the publishes of one write all in that turn.
   */
  fanoutSettled?: () => Promise<void>;
}

export function createCommandOutbox(deps: CommandOutboxDeps) {
  const { db, mqtt, log } = deps;
  const now = () => deps.clock.now();
  const window = deps.window ?? 100;
  const maxRows = deps.maxRows ?? 50_000;
  const prefix = deps.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
  const out = createPublisher(mqtt, prefix);
  const insert = db.prepare('INSERT INTO command_outbox(topic, payload, expires_at, created_at) VALUES (?, ?, ?, ?)');
  const next = db.prepare('SELECT id, topic, payload FROM command_outbox ORDER BY id LIMIT ?');
  const remove = db.prepare('DELETE FROM command_outbox WHERE id = ?');
  const expire = db.prepare('DELETE FROM command_outbox WHERE expires_at <= ?');
  const count = db.prepare('SELECT COUNT(*) n FROM command_outbox');
  let flushing: Promise<void> | null = null;

  const dropped = (reason: 'expired' | 'full', n: number) => {
    if (n === 0) return;
    log.warn({ reason, count: n }, 'commands dropped from the outbox');
    deps.onDropped?.(reason, n);
  };

  function dropExpired() {
    dropped('expired', expire.run(now()).changes);
  }

  async function sendAll(): Promise<void> {
    while (mqtt.connected()) {
      dropExpired();
      let rows = next.all(window) as Array<{ id: number; topic: string; payload: string }>;
      if (rows.length === 0) return;
      const area = deps.fanoutSettled ? rows.findIndex((r) => matchTopic(r.topic, prefix)?.kind === 'areaCommand') : -1;
      if (area >= 0) rows = rows.slice(0, Math.max(1, area)); // the device commands before it, or it alone
      // All of a window are written at once (mqtt.js keeps their order on the wire).
      const results = await Promise.allSettled(rows.map(send));
      let failed = 0;
      // One commit for the window's acknowledged rows.
      db.transaction(() => {
        for (const [i, res] of results.entries()) {
          if (res.status === 'fulfilled') remove.run(rows[i].id);
          else failed++;
        }
      })();
      // The connection dropped: what was not acknowledged goes again on the next one.
      if (failed) return;
      if (area === 0) await deps.fanoutSettled?.();
    }
  }

  // A row holds the topic it was stored for; the kind and target come back from it. A row under
  // another prefix (the setting changed since) can never be delivered: it is dropped and logged.
  function send(r: { id: number; topic: string; payload: string }): Promise<void> {
    const m = matchTopic(r.topic, prefix);
    if (m?.kind === 'deviceCommand')
      return out.publish('deviceCommand', { deviceId: m.deviceId! }, storedPayload(m.kind, r.payload));
    if (m?.kind === 'areaCommand')
      return out.publish('areaCommand', { areaPath: m.areaPath! }, storedPayload(m.kind, r.payload));
    log.error({ topic: r.topic, prefix }, 'a stored command is not on a command topic under this prefix: dropped');
    remove.run(r.id);
    return Promise.resolve();
  }

  /** Sends what waits, if connected. Concurrent calls share one run, which picks up new rows. */
  function flush(): Promise<void> {
    if (flushing !== null) return flushing;
    flushing = sendAll()
      .catch((err) => log.error({ err }, 'command outbox flush failed'))
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  const store = db.transaction((commands: Array<{ topic: string; envelope: SignedEnvelope }>) => {
    for (const { topic, envelope } of commands) insert.run(topic, JSON.stringify(envelope), envelope.expiresAt, now());
    const n = (count.get() as { n: number }).n;
    if (n > maxRows)
      dropped(
        'full',
        db
          .prepare('DELETE FROM command_outbox WHERE id IN (SELECT id FROM command_outbox ORDER BY id LIMIT ?)')
          .run(n - maxRows).changes,
      );
  });

  function enqueueAll(commands: Array<{ topic: string; envelope: SignedEnvelope }>): void {
    for (const { topic, envelope } of commands) {
      if (!topic.endsWith(`/${commandTopicSuffix(envelope.to)}`))
        throw new Error(`a command addressed to ${JSON.stringify(envelope.to)} does not go on ${topic}`);
      const kind = matchTopic(topic, prefix)?.kind;
      if (kind !== 'deviceCommand' && kind !== 'areaCommand')
        throw new Error(`${topic} is not a command topic under ${prefix}`);
    }
    if (commands.length === 0) return;
    store(commands);
    // After the caller's transaction (if any) has committed: nothing goes out before it is stored.
    queueMicrotask(() => void flush());
  }

  return {
    /**
     * Stores a command and sends it as soon as the broker is there. Never waits for the broker.
     * Throws if `topic` is not the command topic of the envelope's target: the agent would refuse it.
     */
    enqueue(topic: string, envelope: SignedEnvelope): void {
      enqueueAll([{ topic, envelope }]);
    },
    /** Several commands in one transaction (one commit), sent in this order. */
    enqueueAll,
    flush,
    pending: () => (count.get() as { n: number }).n,
  };
}
export type CommandOutbox = ReturnType<typeof createCommandOutbox>;
