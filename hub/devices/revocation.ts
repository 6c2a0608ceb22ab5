// Revoking a device takes effect at once, everywhere: the database refuses its credentials (the
// embedded broker and HTTP check it on every login), the broker drops its live session and forgets
// its login, its waiting commands are dropped and its retained topics cleared, and it is shown
// offline. Its receipts, coverage and audit history stay.
import type { EventEmitter } from 'node:events';
import type { HubEventMap } from '../api-contract/events.ts';
import type { Logger } from 'pino';
import { createPublisher, topics } from '../../protocol/index.ts';
import type { Db } from '../db/database.ts';
import type { DeviceAccess } from '../broker/device-access.ts';
import type { HubMqtt } from '../mqtt/hub-mqtt.ts';
import { decommissionDevice, reissueEnrolToken, revokeDevice } from './devices.ts';
import type { Clock } from '../../protocol/index.ts';

export type Revocation = 'revoke' | 'reenrol' | 'decommission';

export interface DeviceRevoker {
  /** Returns the new enrolment token for `reenrol`. Throws only when the broker could not be told (the database is revoked already). */
  revoke(deviceId: string, how: Revocation): Promise<{ enrolToken?: string }>;
}

export function createDeviceRevoker(deps: {
  db: Db;
  access: DeviceAccess;
  mqtt: Pick<HubMqtt, 'publish' | 'connected'>;
  topicPrefix: string;
  events: EventEmitter<HubEventMap>;
  log: Logger;
  /** when a revocation takes effect (and a new enrolment token expires) */
  clock: Clock;
}): DeviceRevoker {
  const { db, log } = deps;
  const t = topics(deps.topicPrefix);
  const out = createPublisher(deps.mqtt, deps.topicPrefix);
  return {
    async revoke(id, how) {
      let enrolToken: string | undefined;
      const now = deps.clock.now();
      if (how === 'reenrol') enrolToken = reissueEnrolToken(db, id, now);
      else if (how === 'decommission') decommissionDevice(db, id, now);
      else revokeDevice(db, id, now);
      const dropped = db.prepare('DELETE FROM command_outbox WHERE topic = ?').run(t.deviceCommand(id)).changes;
      deps.events.emit('device', { deviceId: id, state: 'offline' });
      log.warn({ deviceId: id, how, droppedCommands: dropped }, 'device revoked');
      // Empty retained messages delete the broker's copies: no old manifest or birth lingers.
      if (deps.mqtt.connected()) {
        for (const kind of ['deviceSchedule', 'deviceStatus'] as const) {
          out
            .clearRetained(kind, { deviceId: id })
            .catch((err) => log.warn({ kind, deviceId: id, err: err.message }, 'retained copy not cleared'));
        }
      }
      await deps.access.revoke(id);
      return { enrolToken };
    },
  };
}
