// The hub as a source of Debian's icecast2 (streamEngine icecast): the fan-out's own pages reach the
// mount byte for byte, the mount goes when the source stops, a wrong password is said plainly, and
// an origin that goes away mid-stream is connected to again when it is back.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { resolveFfmpeg } from '../../firmware-bridge/audio/ffmpeg-path.ts';
import { startIcecast, waitForMount, type Icecast } from '../../test/helpers/icecast.ts';
import { startEncoder, type Encoder } from './encoder.ts';
import { StreamFanout } from './fanout.ts';
import { icecastListenUrl, icecastMount, sendToIcecast, type IcecastSource } from './icecast-source.ts';
import { OggPageSplitter } from './ogg-pages.ts';
import { oggOpusOutputArgs } from './relay-args.ts';

const ffmpeg = resolveFfmpeg().path;
const log = pino({ level: 'silent' });
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** A tone encoded in real time as the relays' Ogg Opus, into a fan-out: what a relay's ffmpeg gives. */
function toneStream(): { fanout: StreamFanout; pages: Set<string>; encoder: Encoder } {
  const fanout = new StreamFanout();
  const pages = new Set<string>();
  const splitter = new OggPageSplitter();
  const args = ['-hide_banner', '-nostdin', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'];
  const encoder = startEncoder(ffmpeg, [...args, ...oggOpusOutputArgs(24, 200)], 'ignore', fanout, () => {});
  encoder.child.stdout.on('data', (b: Buffer) => {
    for (const p of splitter.push(b)) pages.add(p.bytes.toString('base64'));
  });
  cleanup.push(() => {
    encoder.kill();
    return encoder.exited();
  });
  return { fanout, pages, encoder };
}

async function origin(opts: Parameters<typeof startIcecast>[0] = {}): Promise<Icecast> {
  const ice = await startIcecast(opts);
  cleanup.push(() => ice.stop());
  return ice;
}

const engineOf = (ice: Icecast, password = ice.password) => ({
  origin: `http://127.0.0.1:${ice.port}`,
  sourcePassword: password,
});

/** Reads `ms` of a mount, as a device would. */
async function listen(url: string, ms: number): Promise<Buffer> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  expect(res.status).toBe(200);
  const got: Buffer[] = [];
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    for await (const chunk of res.body!) got.push(Buffer.from(chunk));
  } catch {
    // aborted: enough read
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(got);
}

async function statusOf(url: string): Promise<number> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal });
  ac.abort();
  return res.status;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the hub as an Icecast source', () => {
  it('names mounts and listen servers by occurrence and area', () => {
    const engine = {
      origin: 'http://origin:8000',
      sourcePassword: 'x',
      listenUrl: 'http://relay:8000/',
      listenUrls: { 'ha-noi': 'http://relay-hn:8000', 'ha-noi/thanh-xuan': 'http://relay-tx:8000' },
    };
    expect(icecastMount('b1@1700000000000')).toBe('/b1@1700000000000.ogg');
    expect(icecastListenUrl(engine, 'b1@5', 'ha-noi/thanh-xuan/ha-dinh')).toBe('http://relay-tx:8000/b1@5.ogg');
    expect(icecastListenUrl(engine, 'b1@5', 'ha-noi/dong-da')).toBe('http://relay-hn:8000/b1@5.ogg');
    expect(icecastListenUrl(engine, 'b1@5', 'ha-noi-2')).toBe('http://relay:8000/b1@5.ogg');
    expect(icecastListenUrl(engine, 'b1@5', null)).toBe('http://relay:8000/b1@5.ogg');
  });

  it("sends the fan-out's own pages to the mount, and takes the mount down when it stops", async () => {
    const ice = await origin();
    const { fanout, pages } = toneStream();
    const source: IcecastSource = sendToIcecast(engineOf(ice), icecastMount('b1@1'), fanout, log);
    cleanup.push(() => source.stop());
    const url = ice.mountUrl('b1@1.ogg');
    await waitForMount(url);
    expect(source.state).toMatchObject({ status: 'sending', connected: true, connects: 1, error: null });
    const heard = new OggPageSplitter().push(await listen(url, 1500));
    // What it sent is counted: at least every page a listener heard (the stream's bytes, not the request).
    expect(source.state.bytesSent).toBeGreaterThanOrEqual(heard.reduce((n, p) => n + p.bytes.length, 0));
    // The header pages first (OpusHead), then audio pages: each one a page the fan-out had, unchanged.
    expect(heard[0]!.bytes.includes('OpusHead')).toBe(true);
    const audio = heard.filter((p) => !p.header);
    expect(audio.length).toBeGreaterThanOrEqual(4);
    for (const p of audio) expect(pages.has(p.bytes.toString('base64'))).toBe(true);
    source.stop();
    expect(source.state.status).toBe('stopped');
    await until('the mount to go', async () => (await statusOf(url)) === 404);
    expect(fanout.stats.listeners).toBe(0);
  }, 30_000);

  it('says a wrong password plainly and puts nothing on air', async () => {
    const ice = await origin();
    const { fanout } = toneStream();
    const source = sendToIcecast(engineOf(ice, 'wrong'), icecastMount('b2@1'), fanout, log);
    cleanup.push(() => source.stop());
    await until('the refusal', () => source.state.error !== null);
    expect(source.state.error).toMatch(/401.*icecastSourcePassword/);
    expect(source.state).toMatchObject({ status: 'failed', connects: 0, bytesSent: 0 });
    expect(await statusOf(ice.mountUrl('b2@1.ogg'))).toBe(404);
  }, 30_000);

  it('connects again to an origin that went away mid-stream and came back', async () => {
    const first = await startIcecast();
    const { fanout } = toneStream();
    const source = sendToIcecast(engineOf(first), icecastMount('b3@1'), fanout, log);
    cleanup.push(() => source.stop());
    await waitForMount(first.mountUrl('b3@1.ogg'));
    await first.stop();
    await until('the drop', () => !source.state.connected);
    expect(source.state.status).toBe('reconnecting');
    const sentBefore = source.state.bytesSent;
    expect(sentBefore).toBeGreaterThan(0);
    const again = await origin({ port: first.port, password: first.password });
    await waitForMount(again.mountUrl('b3@1.ogg'));
    expect(source.state).toMatchObject({ status: 'sending', connects: 2 });
    const heard = new OggPageSplitter().push(await listen(again.mountUrl('b3@1.ogg'), 1200));
    expect(heard[0]!.bytes.includes('OpusHead')).toBe(true);
    expect(heard.some((p) => !p.header)).toBe(true);
    expect(source.state.bytesSent).toBeGreaterThan(sentBefore); // both connections counted
  }, 30_000);
});
