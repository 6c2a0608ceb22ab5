// Dispatch: every enrolled device gets a retained, signed manifest of its coming week, published
// again whenever its content changes and at least daily (so the envelope never expires on a
// device that stays offline for a while). Emergencies also go out at once as play-now commands.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { canonicalJson, topics as makeTopics, type ScheduleItem } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import { stateGet, stateSet } from '../db/database.ts';
import type { HubSigner } from '../signing.ts';
import type { HubMqtt } from '../mqtt/hub-mqtt.ts';
import { liveBroadcasts, type Broadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { resolveTargets } from '../devices/devices.ts';

const DAY = 24 * 3600_000;
/** Keep items that started up to this long ago, so a device that reconnects mid-bulletin knows it. */
const LOOKBACK_MS = 6 * 3600_000;

export interface DispatcherDeps {
  db: Db;
  mqtt: HubMqtt;
  signer: HubSigner;
  topicPrefix: string;
  horizonMs: number;
  log: Logger;
  onPublished?: (deviceId: string, version: number, items: number) => void;
}

export function createDispatcher(deps: DispatcherDeps) {
  const { db, mqtt, signer, log } = deps;
  const t = makeTopics(deps.topicPrefix);
  let running: Promise<void> = Promise.resolve();

  const nextVersion = () => {
    const v = Number(stateGet(db, 'manifest_version') ?? '0') + 1;
    stateSet(db, 'manifest_version', String(v));
    return v;
  };

  async function publishManifest(deviceId: string, items: ScheduleItem[], from: number, until: number, force: boolean): Promise<void> {
    const row = db.prepare('SELECT manifest_hash, manifest_published_at, enrolled_at FROM devices WHERE id = ?').get(deviceId) as any;
    if (!row?.enrolled_at) return;
    const hash = createHash('sha256').update(canonicalJson(items)).digest('hex');
    const stale = !row.manifest_published_at || Date.now() - row.manifest_published_at > DAY;
    if (!force && hash === row.manifest_hash && !stale) return;
    const version = nextVersion();
    const env = signer.seal({ type: 'schedule', deviceId, version, from, until, items }, deps.horizonMs + 2 * DAY);
    await mqtt.publish(t.deviceSchedule(deviceId), env, { qos: 1, retain: true });
    db.prepare('UPDATE devices SET manifest_hash = ?, manifest_version = ?, manifest_published_at = ? WHERE id = ?').run(hash, version, Date.now(), deviceId);
    log.info({ deviceId, version, items: items.length }, 'manifest published');
    deps.onPublished?.(deviceId, version, items.length);
  }

  async function refreshNow(onlyDevices?: string[], force = false): Promise<void> {
    const now = Date.now();
    const from = now - LOOKBACK_MS;
    const until = now + deps.horizonMs;
    const only = onlyDevices ? new Set(onlyDevices) : undefined;
    const planned = planOccurrences(db, liveBroadcasts(db), from, until, only);
    const byDevice = new Map<string, ScheduleItem[]>();
    const ids = onlyDevices ?? (db.prepare('SELECT id FROM devices WHERE enrolled_at IS NOT NULL').all() as any[]).map((r) => r.id);
    for (const id of ids) byDevice.set(id, []);
    const enrolledAt = new Map((db.prepare('SELECT id, enrolled_at FROM devices WHERE enrolled_at IS NOT NULL').all() as any[]).map((r) => [r.id, r.enrolled_at]));
    for (const p of planned) {
      // Items that ended before the look-back, or before the device existed, are not worth sending:
      // the agent would only answer them with "missed".
      if (p.item.startAt + p.item.durationMs < Math.max(from, enrolledAt.get(p.deviceId) ?? 0)) continue;
      byDevice.get(p.deviceId)?.push(p.item);
    }
    for (const [id, items] of byDevice) {
      items.sort((a, b) => a.startAt - b.startAt || a.occurrenceId.localeCompare(b.occurrenceId));
      await publishManifest(id, items, from, until, force);
    }
  }

  /** Serialised: two refreshes never interleave their version numbers. */
  function refresh(onlyDevices?: string[], force = false): Promise<void> {
    running = running.then(() => refreshNow(onlyDevices, force)).catch((err) => log.error({ err }, 'manifest refresh failed'));
    return running;
  }

  /** Sends an emergency's items now, per device, besides its manifest. */
  async function sendImmediate(b: Broadcast): Promise<void> {
    const deviceIds = resolveTargets(db, b.targets.areas, b.targets.devices);
    const from = (b.startsAt ?? Date.now()) - 1;
    const planned = planOccurrences(db, [b], from, from + 2, new Set(deviceIds));
    for (const p of planned) {
      const env = signer.seal({ type: 'play-now', item: p.item }, 10 * 60_000);
      await mqtt.publish(t.deviceCommand(p.deviceId), env, { qos: 1 });
    }
  }

  async function sendStop(b: Broadcast, reason: string): Promise<void> {
    for (const id of resolveTargets(db, b.targets.areas, b.targets.devices)) {
      const env = signer.seal({ type: 'stop', broadcastId: b.id, reason }, 60 * 60_000);
      await mqtt.publish(t.deviceCommand(id), env, { qos: 1 });
    }
  }

  /** What to do when a broadcast changes state. */
  async function onBroadcastChanged(b: Broadcast): Promise<void> {
    const devices = resolveTargets(db, b.targets.areas, b.targets.devices);
    if (b.status === 'cancelled') await sendStop(b, 'cancelled by the hub');
    await refresh(devices);
    if (b.status === 'approved' && b.priority === 'emergency') await sendImmediate(b);
  }

  const timer = setInterval(() => void refresh(), 10 * 60_000);
  timer.unref();

  return { refresh, onBroadcastChanged, stop: () => clearInterval(timer) };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
