// A relay occurrence's state as the broadcast detail shows it (GET /api/v1/broadcasts/<id>,
// relayStreams): the hub's pull of the upstream and, with streamEngine icecast, the source on the
// origin and the devices the listen servers let in. From the hub's memory: gone after a restart
// until the occurrence is pulled again.
import type { RelayStreamState } from '../api-contract/broadcasts.ts';
import { formatVn } from '../time.ts';
import type { RelayOccurrence } from './relay-streams.ts';

/** `listenersKnown`: the engine's servers ask the hub about listeners (they did since it started). */
export function presentRelayStream(o: RelayOccurrence, listenersKnown: boolean): RelayStreamState {
  const servers = Object.entries(o.engineListeners?.now ?? {})
    .map(([server, clients]) => ({ server, devices: [...new Set(Object.values(clients))].sort() }))
    .sort((a, b) => a.server.localeCompare(b.server));
  return {
    occurrenceId: o.occurrenceId,
    startAt: formatVn(o.startAt),
    endAt: formatVn(o.endAt),
    state: o.state,
    error: o.error,
    losses: o.losses.length,
    hubListeners: o.stats.listeners,
    engine: o.engine
      ? {
          engine: 'icecast',
          status: o.engine.status,
          connects: o.engine.connects,
          error: o.engine.error,
          bytesSent: o.engine.bytesSent,
          listenersKnown,
          listeners: servers.reduce((n, s) => n + s.devices.length, 0),
          admitted: o.engineListeners?.admitted ?? 0,
          servers,
        }
      : null,
  };
}
