// The Icecast engine's servers for end-to-end tests (streamEngine icecast, docs/relay.md "Beyond
// one hub"): an UPSTREAM Icecast2 the relay pulls; an ORIGIN the hub sends each relay to as a
// source; a RELAY SERVER (slave of the origin, relays always on, burst-on-connect as Icecast has
// it by default) that mirrors its mounts and lets in only the hub's devices: it asks the hub
// (listener_add) and tells it when one leaves (listener_remove). The district's devices pull from
// the relay server; any other from the origin.
import type { ApiClient } from '../../cli/api-client.ts';
import { DISTRICT } from './world.ts';
import { freePort } from './ports.ts';
import { ICECAST, startIcecast, type Icecast } from './icecast.ts';
import { existsSync } from 'node:fs';

export interface EngineServers {
  upstream: Icecast;
  origin: Icecast;
  relayServer: Icecast;
  /** the hub's HTTP port, which the relay server's listener check calls */
  httpPort: number;
  /** the hub's settings for this engine (parseHubConfig values) */
  settings: Record<string, unknown>;
  /** the same settings as a hub process reads them from its environment */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startEngineServers(): Promise<EngineServers> {
  if (!existsSync(ICECAST))
    throw new Error(`${ICECAST} is missing: install the Debian package icecast2 (node test/peers/setup-peers.mjs)`);
  const upstream = await startIcecast();
  const origin = await startIcecast();
  const httpPort = await freePort();
  const relayServer = await startIcecast({
    burst: true,
    master: { port: origin.port, password: origin.password, updateInterval: 1 },
    listenerAuth: {
      url: `http://127.0.0.1:${httpPort}/icecast/listener`,
      username: 'icecast',
      password: origin.password,
    },
  });
  const listenUrls = { [DISTRICT]: `http://127.0.0.1:${relayServer.port}` };
  return {
    upstream,
    origin,
    relayServer,
    httpPort,
    settings: {
      httpPort,
      streamEngine: 'icecast',
      icecastOrigin: `http://127.0.0.1:${origin.port}`,
      icecastSourcePassword: origin.password,
      icecastListenUrl: `http://127.0.0.1:${origin.port}`,
      icecastListenUrls: listenUrls,
    },
    env: {
      WARDCAST_STREAM_ENGINE: 'icecast',
      WARDCAST_ICECAST_ORIGIN: `http://127.0.0.1:${origin.port}`,
      WARDCAST_ICECAST_SOURCE_PASSWORD: origin.password,
      WARDCAST_ICECAST_LISTEN_URL: `http://127.0.0.1:${origin.port}`,
      WARDCAST_ICECAST_LISTEN_URLS: JSON.stringify(listenUrls),
    },
    async stop() {
      await Promise.all([upstream, origin, relayServer].map((i) => i.stop()));
    },
  };
}

/** Listeners of a mount, from Icecast's admin statistics (its status page sits behind the listener check). */
export async function listenersOn(ice: Icecast, mount: string): Promise<number | null> {
  const authorization = `Basic ${Buffer.from(`admin:${ice.password}`).toString('base64')}`;
  const xml = await (await fetch(`http://127.0.0.1:${ice.port}/admin/stats`, { headers: { authorization } })).text();
  const source = xml.split('<source mount="').find((s) => s.startsWith(`${mount}"`));
  const n = source && /<listeners>(\d+)<\/listeners>/.exec(source)?.[1];
  return n ? Number(n) : null;
}

/** Waits until `ms` after `start` (hub ms). */
export const at = (start: number, ms: number) =>
  new Promise((r) => setTimeout(r, Math.max(0, start + ms - Date.now())));

/** A relay of `url` to `area`, submitted by `official` and approved by `leader`; its start as the hub set it. */
export async function scheduleRelay(
  w: { official: ApiClient; leader: ApiClient },
  o: { title: string; url: string; area: string; seconds: number; startsAt: string; relay?: Record<string, unknown> },
) {
  const b = await w.official.post('/api/v1/broadcasts', {
    title: o.title,
    relay: { url: o.url, seconds: o.seconds, ...o.relay },
    targets: { areas: [o.area], devices: [] },
    startsAt: o.startsAt,
  });
  await w.leader.post(`/api/v1/broadcasts/${b.id}/approve`, {});
  return { b, start: Date.parse((await w.leader.get(`/api/v1/broadcasts/${b.id}`)).startsAt) as number };
}
