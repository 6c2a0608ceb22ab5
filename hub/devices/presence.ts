// Presence: "online" means connected now. The hub learns it only from live messages in the current
// broker session, since the broker's retained births may be days old and a broker that restarted
// knows nobody. So every start of the hub's broker connection marks every device offline; a live
// birth, or any live message from a device, marks it online; its will marks it offline.
// Presence is rebuilt at every broker session, so its writes need no fsync (`relaxed`): after a
// broker restart 10,000 births would otherwise cost 10,000 fsyncs on the hub's event loop.
import type { DeviceStatus } from '../../protocol/index.ts';
import { relaxed, type Db } from '../db/database.ts';

export type Presence = ReturnType<typeof createPresence>;

/** Presence over one database; its statements are prepared once, since every device message asks. */
export function createPresence(db: Db) {
  const sessionOf = db.prepare('SELECT session FROM devices WHERE id = ? AND enrolled_at IS NOT NULL');
  const setStatus = db.prepare(
    'UPDATE devices SET online = ?, session = ?, last_seen = ?, agent_version = COALESCE(?, agent_version) WHERE id = ?',
  );
  const capabilitiesOf = db.prepare('SELECT capabilities FROM devices WHERE id = ?').pluck();
  const setCapabilities = db.prepare('UPDATE devices SET capabilities = ?, capabilities_at = ? WHERE id = ?');
  const isOnline = db.prepare('SELECT online FROM devices WHERE id = ?').pluck();
  const seen = db.prepare(
    'UPDATE devices SET online = 1, last_seen = ? WHERE id = ? AND online = 0 AND enrolled_at IS NOT NULL',
  );
  const allOffline = db.prepare('UPDATE devices SET online = 0 WHERE online = 1 RETURNING id');
  return {
    /**
     * Applies a live birth or will. A status whose session is older than the one recorded is ignored:
     * MQTT orders per topic only, so an old connection's will can arrive after the new birth.
     * A birth's capabilities are kept ('applied-new-capabilities' when they differ from those kept:
     * the device's manifest may change, e.g. an upgraded agent now takes relays).
     */
    applyStatus(
      status: DeviceStatus,
      now: number,
    ): 'applied' | 'applied-new-capabilities' | 'stale' | 'unknown-device' {
      const r = sessionOf.get(status.deviceId) as { session: number } | undefined;
      // Not enrolled (revoked): the kicked connection's will must not carry its session number over
      // to the replacement board, whose sessions start again from 1.
      if (!r) return 'unknown-device';
      if (status.session < r.session) return 'stale';
      relaxed(db, () =>
        setStatus.run(
          status.state === 'online' ? 1 : 0,
          status.session,
          now,
          status.agentVersion ?? null,
          status.deviceId,
        ),
      );
      if (status.state !== 'online' || !status.capabilities) return 'applied';
      const caps = JSON.stringify([...new Set(status.capabilities)].sort());
      if (capabilitiesOf.get(status.deviceId) === caps) return 'applied';
      // Since now: what it lacks excuses nothing that came before (plan.ts, notCapableSince).
      relaxed(db, () => setCapabilities.run(caps, now, status.deviceId));
      return 'applied-new-capabilities';
    },
    /** A live message from the device proves it is connected. True when it was shown offline. */
    // Asked on every device message: a read answers for a device shown online already (nearly all),
    // without starting a write.
    markSeen: (deviceId: string, now: number): boolean =>
      isOnline.get(deviceId) !== 1 && relaxed(db, () => seen.run(now, deviceId).changes > 0),
    /** At the start of a broker session nobody is known to be connected. Returns who was shown online. */
    markAllOffline: (): string[] => relaxed(db, () => (allOffline.all() as Array<{ id: string }>).map((r) => r.id)),
  };
}
