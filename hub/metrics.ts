// Prometheus metrics, on a registry of the hub's own (no global default registry).
import client from 'prom-client';
import type { Db } from './db/database.ts';

export function createMetrics(db: Db) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'wardcast_hub_' });
  const mqttMessages = new client.Counter({
    name: 'wardcast_mqtt_messages_total',
    help: 'device messages received, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const mqttRejected = new client.Counter({
    name: 'wardcast_mqtt_rejected_total',
    help: 'device messages or connections refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const receipts = new client.Counter({
    name: 'wardcast_receipts_total',
    help: 'playback receipts admitted against the plan, by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const rejectedReceipts = new client.Counter({
    name: 'wardcast_receipts_rejected_total',
    help: 'validly signed receipts kept as rejected claims and not counted, by reason (unplanned, not-targeted, premature, implausible)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const rateLimited = new client.Counter({
    name: 'wardcast_mqtt_rate_limited_total',
    help: 'device messages dropped by the per-device rate limit, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const duplicateReceipts = new client.Counter({
    name: 'wardcast_receipts_duplicate_total',
    help: 'receipts received again (QoS 1 redelivery or a lost ack)',
    registers: [registry],
  });
  const httpRequests = new client.Counter({
    name: 'wardcast_http_requests_total',
    help: 'HTTP requests by method and status',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  const transcodeSeconds = new client.Histogram({
    name: 'wardcast_media_transcode_seconds',
    help: 'wall time of the media pipeline',
    buckets: [1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  new client.Gauge({
    name: 'wardcast_devices',
    help: 'devices by kind and online state',
    labelNames: ['kind', 'online'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of db.prepare('SELECT kind, online, COUNT(*) n FROM devices GROUP BY kind, online').all() as Array<{
        kind: string;
        online: number;
        n: number;
      }>) {
        this.set({ kind: r.kind, online: r.online ? 'true' : 'false' }, r.n);
      }
    },
  });
  new client.Gauge({
    name: 'wardcast_media_items',
    help: 'media items by processing state',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of db.prepare('SELECT status, COUNT(*) n FROM media GROUP BY status').all() as Array<{
        status: string;
        n: number;
      }>)
        this.set({ status: r.status }, r.n);
    },
  });
  const outboxDropped = new client.Counter({
    name: 'wardcast_hub_outbox_dropped_total',
    help: 'commands dropped from the hub outbox before the broker took them, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  new client.Gauge({
    name: 'wardcast_hub_outbox_pending',
    help: 'commands waiting in the hub outbox for the broker',
    registers: [registry],
    collect() {
      this.set((db.prepare('SELECT COUNT(*) n FROM command_outbox').get() as { n: number }).n);
    },
  });
  return {
    registry,
    outboxDropped: (reason: string, n: number) => outboxDropped.inc({ reason }, n),
    ingest: {
      message: (kind: string) => mqttMessages.inc({ kind }),
      rejected: (reason: string) => mqttRejected.inc({ reason }),
      receipt: (result: string, duplicate: boolean) => (duplicate ? duplicateReceipts.inc() : receipts.inc({ result })),
      receiptRejected: (reason: string) => rejectedReceipts.inc({ reason }),
      rateLimited: (kind: string) => rateLimited.inc({ kind }),
    },
    httpRequest: (method: string, status: number) => httpRequests.inc({ method, status: String(status) }),
    transcoded: (seconds: number) => transcodeSeconds.observe(seconds),
  };
}
export type HubMetrics = ReturnType<typeof createMetrics>;
