// A hub killed with SIGKILL cannot clean up. Its ffmpeg must die with it (parent-death signal),
// and the broker must tell the devices it is gone (its last will on hub/status).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { topics, type HubStatus } from '../../protocol/index.ts';
import { ApiClient } from '../../cli/api-client.ts';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.ts';
import { freePort } from '../helpers/ports.ts';

const bin = path.resolve(import.meta.dirname, '..', '..', 'bin', 'wardcast.mjs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'wardcast-hubkill-'));
let mq: Mosquitto | undefined;
let hub: ChildProcess | undefined;
let observer: mqtt.MqttClient | undefined;
afterAll(async () => {
  hub?.kill('SIGKILL');
  await observer?.endAsync(true);
  await mq?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Children of a process whose command name is `name`, from /proc. */
function childrenNamed(ppid: number, name: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === ppid && comm === name) found.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};
async function until<T>(check: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('a hub killed mid-transcode leaves no ffmpeg behind, and its will says offline', async () => {
  mq = await startMosquitto({ open: true }); // the observer below has no login
  const tp = topics();
  const statuses: HubStatus[] = [];
  observer = await mqtt.connectAsync(mq.url, { protocolVersion: 4, clientId: 'observer', clean: true });
  observer.on('message', (_t, p) => p.length && statuses.push(JSON.parse(p.toString())));
  await observer.subscribeAsync(tp.hubStatus, { qos: 1 });

  const httpPort = await freePort();
  let out = '';
  hub = spawn(process.execPath, [bin, 'hub'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      WARDCAST_DATA_DIR: path.join(tmp, 'data'),
      WARDCAST_HTTP_PORT: String(httpPort),
      ...mq.hubEnv,
      WARDCAST_ADMIN_PASSWORD: 'test-admin-password-1',
      WARDCAST_LOG_LEVEL: 'warn',
    },
  });
  hub.stdout!.on('data', (d) => (out += d));
  hub.stderr!.on('data', (d) => (out += d));
  const api = new ApiClient(`http://127.0.0.1:${httpPort}`);
  await until(() => /wardcast hub:/.test(out), 60_000, `the hub to start (output: ${out})`);
  const birth = await until(() => statuses.find((s) => s.state === 'online'), 5000, 'the hub birth');

  // Fifteen minutes of audio: the loudness pass alone takes many seconds.
  const file = path.join(tmp, 'long.flac');
  execFileSync('sox', ['-n', '-r', '16000', '-c', '1', file, 'synth', '900', 'pinknoise', 'vol', '0.3']);
  const admin = await api.as('admin', 'test-admin-password-1');
  await admin.upload('/api/v1/media', file, 'long.flac');
  const ffmpegs = await until(
    () => {
      const pids = childrenNamed(hub!.pid!, 'ffmpeg');
      return pids.length ? pids : null;
    },
    20_000,
    'an ffmpeg transcoding',
  );

  hub.kill('SIGKILL');
  await until(() => ffmpegs.every((pid) => !alive(pid)), 5000, `ffmpeg ${ffmpegs.join(', ')} to die with the hub`);
  expect(ffmpegs.filter(alive)).toEqual([]);
  const will = await until(
    () => statuses.find((s) => s.state === 'offline' && s.instance === birth.instance),
    10_000,
    'the hub will',
  );
  expect(will.instance).toBe(birth.instance);
  expect(existsSync(path.join(tmp, 'data', 'hub.sqlite'))).toBe(true);
}, 120_000);
