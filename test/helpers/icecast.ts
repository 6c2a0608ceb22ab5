// A real Icecast2 server (Debian's icecast2) on a free port with a temporary config, and an ffmpeg
// that feeds it a generated tone, as the upstream a relay pulls. Both can be killed mid-relay.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ApiClient } from '../../cli/api-client.ts';
import { realtimeLavfi } from './ffmpeg-args.ts';
import { freePort } from './ports.ts';

export const ICECAST = '/usr/bin/icecast2';

export interface Icecast {
  port: number;
  /** icecast2's process (for its CPU and memory in benchmarks) */
  pid: number | undefined;
  /** the source password, for feeders */
  password: string;
  mountUrl(mount: string): string;
  stop(): Promise<void>;
}

const stopChild = (c: ChildProcess | null) =>
  !c || c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), 3000).unref();
      });

async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`icecast2 exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`icecast2 did not listen on ${port} within ${timeoutMs} ms: ${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface IcecastOptions {
  /** its listener limit (benchmarks raise it) */
  clients?: number;
  /** its mount limit (4): a relay server's mirrored mounts count too */
  sources?: number;
  /** this port rather than a free one (an origin started again where it was) */
  port?: number;
  /** the source and relay password rather than a random one */
  password?: string;
  /** burst-on-connect with Icecast's default burst (64 KiB): a new listener gets older pages first */
  burst?: boolean;
  /** <burst-size>, bytes (Icecast's default 65535): what a new listener (or relay server) is sent first */
  burstSize?: number;
  /** <queue-size>, bytes (Icecast's default 524288): how far a listener may fall behind before it is dropped */
  queueSize?: number;
  /**
   * A relay server (slave) of this origin: it mirrors every mount the origin has, asking for its
   * list every `updateInterval` seconds, always on (relays-on-demand 0), logging in as relay with
   * the origin's relay password.
   */
  master?: { port: number; password: string; updateInterval?: number };
  /**
   * Listeners of every mount are let in by a URL (Icecast's <authentication type="url"> on the
   * default mount): listener_add is posted there, and listener_remove when one leaves (the hub
   * shows who listens to a relay or a live session), logging in with username and password.
   */
  listenerAuth?: { url: string; username: string; password: string };
}

/** Starts icecast2 on a free port. As root it drops to nobody (it refuses to run as root). */
export async function startIcecast(opts: IcecastOptions = {}): Promise<Icecast> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wardcast-icecast-'));
  chmodSync(dir, 0o777); // reachable by nobody after the change of owner
  const password = opts.password ?? `src-${Math.random().toString(36).slice(2)}`;
  const root = process.getuid?.() === 0;
  const master = opts.master
    ? `  <master-server>127.0.0.1</master-server><master-server-port>${opts.master.port}</master-server-port>
  <master-username>relay</master-username><master-password>${opts.master.password}</master-password>
  <master-update-interval>${opts.master.updateInterval ?? 1}</master-update-interval>
  <relays-on-demand>0</relays-on-demand>
`
    : '';
  const auth = opts.listenerAuth
    ? `  <mount type="default"><authentication type="url">
    <option name="listener_add" value="${opts.listenerAuth.url}"/>
    <option name="listener_remove" value="${opts.listenerAuth.url}"/>
    <option name="username" value="${opts.listenerAuth.username}"/>
    <option name="password" value="${opts.listenerAuth.password}"/>
    <option name="auth_header" value="icecast-auth-user: 1"/>
  </authentication></mount>
`
    : '';
  const burst =
    (opts.burst ? '<burst-on-connect>1</burst-on-connect>' : '<burst-on-connect>0</burst-on-connect>') +
    (opts.burstSize === undefined ? '' : `<burst-size>${opts.burstSize}</burst-size>`) +
    (opts.queueSize === undefined ? '' : `<queue-size>${opts.queueSize}</queue-size>`);
  const config = `<icecast>
  <limits><clients>${opts.clients ?? 100}</clients><sources>${opts.sources ?? 4}</sources>${burst}</limits>
${master}${auth}
  <authentication>
    <source-password>${password}</source-password>
    <relay-password>${password}</relay-password>
    <admin-user>admin</admin-user><admin-password>${password}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths>
    <basedir>${dir}</basedir><logdir>${dir}</logdir><webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>-</accesslog><errorlog>-</errorlog><loglevel>2</loglevel></logging>
  <security><chroot>0</chroot>${root ? '<changeowner><user>nobody</user><group>nogroup</group></changeowner>' : ''}</security>
</icecast>
`;
  const file = path.join(dir, 'icecast.xml');
  writeFileSync(file, config, { mode: 0o644 });
  let out = '';
  const child = spawn(ICECAST, ['-c', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  try {
    await waitForPort(port, child, () => out);
  } catch (e) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port,
    pid: child.pid,
    password,
    mountUrl: (mount) => `http://127.0.0.1:${port}/${mount}`,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Feeder {
  pid: number | undefined;
  stop(): Promise<void>;
  /** SIGKILL: the source vanishes mid-stream, as a crashed encoder would */
  kill(): Promise<void>;
}

/** ffmpeg sends a sine tone as MP3 (128 kb/s stereo, like a radio stream) to an Icecast mount, in real time. */
export function feedTone(ffmpegPath: string, ice: Icecast, mount: string, frequency = 440): Feeder {
  const child = spawn(
    ffmpegPath,
    [
      '-nostdin',
      ...realtimeLavfi(`sine=frequency=${frequency}:sample_rate=44100`),
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      '-content_type',
      'audio/mpeg',
      '-f',
      'mp3',
      `icecast://source:${ice.password}@127.0.0.1:${ice.port}/${mount}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.resume();
  return {
    pid: child.pid,
    stop: () => stopChild(child),
    kill: () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once('close', () => resolve());
            child.kill('SIGKILL');
          }),
  };
}

/** Waits until the mount answers (the feeder connected): Icecast returns 404 before that. */
export async function waitForMount(url: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ac = new AbortController();
    const status = await fetch(url, { signal: ac.signal })
      .then((r) => {
        ac.abort();
        return r.status;
      })
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > until)
      throw new Error(`${url} did not come on air within ${timeoutMs} ms (last status ${status})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A relay's station ident: a 3 s tone made by ffmpeg, uploaded by `who` and processed (media id). */
export async function uploadStationIdent(who: ApiClient, ffmpeg: string, dir: string): Promise<number> {
  const file = path.join(dir, 'nhac-hieu.mp3');
  execFileSync(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=880:duration=3'].concat([
      '-c:a',
      'libmp3lame',
      '-y',
      file,
    ]),
  );
  const up = await who.upload('/api/v1/media', file, 'nhạc hiệu.mp3');
  const ident = await who.waitFor(
    async () => {
      const m = await who.get(`/api/v1/media/${up.id}`);
      return m.status !== 'processing' ? m : null;
    },
    60_000,
    'ident processed',
  );
  if (ident.status !== 'ready') throw new Error(`the station ident was not processed: ${ident.error}`);
  return ident.id;
}
