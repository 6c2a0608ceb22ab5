// The hub as an Icecast source (streamEngine icecast, docs/relay.md "Beyond one hub"): a relay's
// Ogg Opus stream goes to a mount on the origin Icecast by its source protocol (Icecast 2.4: HTTP
// PUT, basic auth source:<password>, no body length). It is one more listener of the stream's
// fan-out, so Icecast gets the very bytes the hub would serve (header pages first, then pages from
// the live edge): no second encoder, and the granules, which place pages in hub time for every
// agent (X-Stream-Epoch), are the same. An origin that drops the source, or cannot be reached, is
// connected to again while the stream lasts; stop() ends the source, and Icecast takes the mount down.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { IcecastEngine } from '../config.ts';
import type { StreamFanout } from './fanout.ts';

/** Connecting again after a drop: 0.5 s doubling to 5 s. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5000;
/** The origin must answer the PUT within this. */
const ANSWER_MS = 5000;

/** The mount of an occurrence on the origin (and on every relay server, which mirror its mounts). */
export const icecastMount = (occurrenceId: string) => `/${occurrenceId.replace(/[^A-Za-z0-9@_.-]/g, '_')}.ogg`;

/**
 * Where devices in `areaSlug` pull an occurrence: the listen server named for the longest slug the
 * area starts with (a district's relay server for its wards), else the default one.
 */
export function icecastListenUrl(engine: IcecastEngine, occurrenceId: string, areaSlug: string | null): string {
  let base = engine.listenUrl;
  let best = -1;
  for (const [slug, url] of Object.entries(engine.listenUrls))
    if (areaSlug && (areaSlug === slug || areaSlug.startsWith(`${slug}/`)) && slug.length > best) {
      best = slug.length;
      base = url;
    }
  return new URL(icecastMount(occurrenceId), base).href;
}

/**
 * Where the source stands: idle (no stream to send yet, or between a lost upstream and its return),
 * connecting (first try), sending, reconnecting (dropped or unreachable, trying again), failed (the
 * origin refused it: a wrong password or a mount it will not take; still tried at the slowest pace),
 * stopped (the occurrence or its stretch is over).
 */
export type IcecastSourceStatus = 'idle' | 'connecting' | 'sending' | 'reconnecting' | 'failed' | 'stopped';

export interface IcecastSourceState {
  status: IcecastSourceStatus;
  /** sending now */
  connected: boolean;
  /** connections the origin took */
  connects: number;
  /** the last refusal or drop, in words */
  error: string | null;
  /** Ogg bytes written to the origin over every connection of this source */
  readonly bytesSent: number;
}

/** The state of a source not started (a relay waiting for its pull). */
export const idleSourceState = (): IcecastSourceState => ({
  status: 'idle',
  connected: false,
  connects: 0,
  error: null,
  bytesSent: 0,
});

export interface IcecastSource {
  readonly state: IcecastSourceState;
  /** Ends the source (the occurrence is over, or its stream ended): no connecting again. */
  stop(): void;
}

/** Sends `fanout`'s stream to `mount` on the origin until stop(). */
export function sendToIcecast(
  engine: Pick<IcecastEngine, 'origin' | 'sourcePassword'>,
  mount: string,
  fanout: StreamFanout,
  log: Logger,
): IcecastSource {
  const origin = new URL(engine.origin);
  const secure = origin.protocol === 'https:';
  const port = Number(origin.port || (secure ? 443 : 80));
  let stopped = false;
  let socket: net.Socket | null = null;
  /** bytes of the connections closed; the open one's are read off its socket */
  let sentBefore = 0;
  let sendingOn: net.Socket | null = null;
  /** the last try ended in the origin's refusal (not a drop or a socket error) */
  let refused = false;
  let retry: NodeJS.Timeout | null = null;
  let failures = 0;
  let attempt = 0;

  const request =
    `PUT ${mount} HTTP/1.1\r\nHost: ${origin.host}\r\n` +
    `Authorization: Basic ${Buffer.from(`source:${engine.sourcePassword}`).toString('base64')}\r\n` +
    // Not listed in the origin's directory; Expect: the origin answers before the first byte.
    'Content-Type: audio/ogg\r\nIce-Public: 0\r\nIce-Name: wardcast relay\r\nExpect: 100-continue\r\n\r\n';
  const requestBytes = Buffer.byteLength(request);
  const sentOn = (s: net.Socket) => Math.max(0, s.bytesWritten - requestBytes);
  const state: IcecastSourceState = {
    status: 'connecting',
    connected: false,
    connects: 0,
    error: null,
    // Read when shown: no count kept per page written.
    get bytesSent() {
      return sentBefore + (sendingOn ? sentOn(sendingOn) : 0);
    },
  };

  const again = (why: string) => {
    state.connected = false;
    if (stopped || fanout.isEnded) state.status = 'stopped';
    if (stopped || fanout.isEnded || retry) return;
    // A refusal stays 'failed' while it is tried again (it needs the installer, not patience),
    // until a try ends otherwise.
    state.status = refused ? 'failed' : 'reconnecting';
    refused = false;
    const wait = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** failures++);
    log.warn({ mount, origin: engine.origin, why, retryInMs: wait }, 'icecast: source lost; connecting again');
    retry = setTimeout(() => {
      retry = null;
      connect();
    }, wait);
    retry.unref?.();
  };

  const connect = () => {
    if (stopped || fanout.isEnded) return;
    const id = `icecast-source/${++attempt}`;
    const s = secure
      ? tls.connect({ host: origin.hostname, port, servername: origin.hostname })
      : net.connect(port, origin.hostname);
    socket = s;
    let answered = false;
    const answerTimer = setTimeout(() => s.destroy(new Error(`no answer within ${ANSWER_MS} ms`)), ANSWER_MS);
    s.setNoDelay(true);
    s.once(secure ? 'secureConnect' : 'connect', () => s.write(request));
    s.on('data', (b: Buffer) => {
      if (answered) return; // (Icecast says nothing more to a source)
      answered = true;
      clearTimeout(answerTimer);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(b.toString('latin1'))?.[1];
      if (status === '100' || status === '200') {
        state.connected = true;
        state.status = 'sending';
        sendingOn = s;
        state.connects++;
        state.error = null;
        failures = 0;
        log.info(
          { mount, origin: engine.origin, connects: state.connects },
          'icecast: sending the relay to the origin',
        );
        if (!fanout.add({ id, out: s })) s.end();
        return;
      }
      const line = b.toString('latin1').split('\r\n')[0]?.slice(0, 200) ?? '';
      state.error =
        status === '401'
          ? `the origin refused the source password (${line}): check icecastSourcePassword against its <source-password>`
          : `the origin refused the source: ${line}`;
      // A wrong password is for the installer to fix: said loudly, tried again at the slowest pace.
      if (status === '401') failures = 99;
      state.status = 'failed';
      refused = true;
      log.error({ mount, origin: engine.origin, status }, `icecast: ${state.error}`);
      s.destroy();
    });
    s.on('error', (e) => {
      // (a refused try keeps the refusal's words)
      if (!refused) state.error = e.message;
    });
    s.on('close', () => {
      clearTimeout(answerTimer);
      fanout.remove(id);
      if (sendingOn === s) {
        sentBefore += sentOn(s);
        sendingOn = null;
      }
      if (socket === s) socket = null;
      if (!stopped && !fanout.isEnded) state.error ??= 'the origin closed the connection';
      again(state.error ?? 'the origin closed the connection');
    });
  };

  connect();
  return {
    state,
    stop() {
      stopped = true;
      state.status = 'stopped';
      state.connected = false;
      if (retry) clearTimeout(retry);
      retry = null;
      // Off the fan-out now, not at the socket's close (after Icecast's FIN): no page is written to
      // a source we ended.
      fanout.remove(`icecast-source/${attempt}`);
      socket?.end();
      socket = null;
    },
  };
}
