// Dispatch: every enrolled device gets a retained, signed manifest of its coming week, published
// again whenever its content changes, at least daily (so the envelope never expires on a device
// that stays offline for a while), and regardless of content at every start of the hub's broker
// connection (the broker may have lost its retained messages). Emergencies also go out at once as
// play-now commands, through the command outbox.
//
// Nothing here waits for the broker: a manifest is written to the connection without awaiting its
// ack (a lost one is republished at the next connection start), and while the broker is away a
// refresh only notes the devices as due, since that connection start republishes every manifest.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { canonicalJson, topics as makeTopics, type ScheduleItem } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { HubSigner } from '../signing.ts';
import type { HubMqtt } from '../mqtt/hub-mqtt.ts';
import type { CommandOutbox } from '../mqtt/command-outbox.ts';
import { nextManifestVersion, raiseManifestVersion } from './manifest-version.ts';
import { liveBroadcasts, type Broadcast } from '../broadcasts/broadcasts.ts';
import { planOccurrences } from '../broadcasts/plan.ts';
import { resolveTargets } from '../devices/devices.ts';

const DAY = 24 * 3600_000;
/** Keep items that started up to this long ago, so a device that reconnects mid-bulletin knows it. */
const LOOKBACK_MS = 6 * 3600_000;

export interface DispatcherDeps {
  db: Db;
  mqtt: Pick<HubMqtt, 'publish' | 'connected'>;
  outbox: Pick<CommandOutbox, 'enqueue'>;
  signer: HubSigner;
  topicPrefix: string;
  horizonMs: number;
  log: Logger;
  now?: () => number;
  onPublished?: (deviceId: string, version: number, items: number) => void;
}

export function createDispatcher(deps: DispatcherDeps) {
  const { db, mqtt, signer, outbox, log } = deps;
  const now = deps.now ?? Date.now;
  const t = makeTopics(deps.topicPrefix);
  /** Devices whose refresh found the broker away; the next connection start republishes them. */
  const due = new Set<string>();

  // Prepared once: a connection start republishes every device's manifest in one pass.
  const manifestState = db.prepare('SELECT manifest_hash, manifest_published_at, enrolled_at FROM devices WHERE id = ?');
  const recordManifest = db.prepare('UPDATE devices SET manifest_hash = ?, manifest_version = ?, manifest_published_at = ? WHERE id = ?');
  const enrolledDevices = db.prepare('SELECT id, enrolled_at FROM devices WHERE enrolled_at IS NOT NULL');

  function publishManifest(deviceId: string, items: ScheduleItem[], from: number, until: number, force: boolean): void {
    const row = manifestState.get(deviceId) as any;
    if (!row?.enrolled_at) return;
    const hash = createHash('sha256').update(canonicalJson(items)).digest('hex');
    const stale = !row.manifest_published_at || now() - row.manifest_published_at > DAY;
    if (!force && hash === row.manifest_hash && !stale) return;
    if (!mqtt.connected()) {
      due.add(deviceId);
      return;
    }
    const version = nextManifestVersion(db);
    const env = signer.seal({ device: deviceId }, { type: 'schedule', deviceId, version, from, until, items }, deps.horizonMs + 2 * DAY);
    mqtt.publish(t.deviceSchedule(deviceId), env, { qos: 1, retain: true }).catch((err) =>
      log.warn({ deviceId, version, err: err.message }, 'manifest not acknowledged; it goes again at the next connection start'),
    );
    recordManifest.run(hash, version, now(), deviceId);
    log.info({ deviceId, version, items: items.length }, 'manifest published');
    deps.onPublished?.(deviceId, version, items.length);
  }

  /** Synchronous: two refreshes never interleave their version numbers, and none waits for the broker. */
  function refreshNow(onlyDevices?: string[], force = false): void {
    const at = now();
    const from = at - LOOKBACK_MS;
    const until = at + deps.horizonMs;
    const only = onlyDevices ? new Set(onlyDevices) : undefined;
    const planned = planOccurrences(db, liveBroadcasts(db), from, until, only);
    const byDevice = new Map<string, ScheduleItem[]>();
    const enrolledAt = new Map((enrolledDevices.all() as Array<{ id: string; enrolled_at: number }>).map((r) => [r.id, r.enrolled_at]));
    for (const id of onlyDevices ?? enrolledAt.keys()) byDevice.set(id, []);
    for (const p of planned) {
      // Items that ended before the look-back, or before the device existed, are not worth sending:
      // the agent would only answer them with "missed".
      if (p.item.startAt + p.item.durationMs < Math.max(from, enrolledAt.get(p.deviceId) ?? 0)) continue;
      byDevice.get(p.deviceId)?.push(p.item);
    }
    // One transaction for the version counter and every device's row: one commit, not one per device.
    db.transaction(() => {
      for (const [id, items] of byDevice) {
        items.sort((a, b) => a.startAt - b.startAt || a.occurrenceId.localeCompare(b.occurrenceId));
        publishManifest(id, items, from, until, force);
      }
    })();
  }

  function refresh(onlyDevices?: string[], force = false): Promise<void> {
    try {
      refreshNow(onlyDevices, force);
    } catch (err) {
      log.error({ err }, 'manifest refresh failed');
    }
    return Promise.resolve();
  }

  /** Every manifest again, whatever its hash: the broker may have lost its retained copies. */
  function onConnectionStart(): void {
    due.clear();
    void refresh(undefined, true);
  }

  /**
   * A device announced the manifest version it holds. Higher than ours: this hub was restored
   * from an old backup, so the counter moves past it and the device gets a manifest it will accept.
   * Lower (in a live birth): the device missed one, whatever the broker kept, so it gets it again.
   * A retained birth is old news, so its lower version means nothing.
   */
  function onDeviceBirth(deviceId: string, held: number, live: boolean): void {
    if (raiseManifestVersion(db, held)) log.warn({ deviceId, held }, 'a device holds a newer manifest version than this hub issued; version counter raised');
    const row = db.prepare('SELECT manifest_version, enrolled_at FROM devices WHERE id = ?').get(deviceId) as any;
    if (!row?.enrolled_at) return;
    if (held > row.manifest_version || (live && held < row.manifest_version)) {
      log.info({ deviceId, held, published: row.manifest_version }, 'device holds another manifest version; republishing');
      void refresh([deviceId], true);
    }
  }

  /** Commands go only to enrolled devices: a revoked or decommissioned one gets nothing. */
  const enrolledTargets = (b: Broadcast) => {
    const enrolled = new Set((enrolledDevices.all() as Array<{ id: string }>).map((r) => r.id));
    return resolveTargets(db, b.targets.areas, b.targets.devices).filter((id) => enrolled.has(id));
  };

  /** Sends an emergency's items now, per device, besides its manifest. */
  function sendImmediate(b: Broadcast): void {
    const deviceIds = enrolledTargets(b);
    const from = (b.startsAt ?? now()) - 1;
    const planned = planOccurrences(db, [b], from, from + 2, new Set(deviceIds));
    for (const p of planned) outbox.enqueue(t.deviceCommand(p.deviceId), signer.seal({ device: p.deviceId }, { type: 'play-now', item: p.item }, 10 * 60_000));
  }

  function sendStop(b: Broadcast, reason: string): void {
    for (const id of enrolledTargets(b)) {
      outbox.enqueue(t.deviceCommand(id), signer.seal({ device: id }, { type: 'stop', broadcastId: b.id, reason }, 60 * 60_000));
    }
  }

  /** What to do when a broadcast changes state. Returns without waiting for the broker. */
  async function onBroadcastChanged(b: Broadcast): Promise<void> {
    const devices = resolveTargets(db, b.targets.areas, b.targets.devices);
    if (b.status === 'cancelled') sendStop(b, 'cancelled by the hub');
    await refresh(devices);
    if (b.status === 'approved' && b.priority === 'emergency') sendImmediate(b);
  }

  const timer = setInterval(() => void refresh(), 10 * 60_000);
  timer.unref();

  return { refresh, onBroadcastChanged, onConnectionStart, onDeviceBirth, dueCount: () => due.size, stop: () => clearInterval(timer) };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
