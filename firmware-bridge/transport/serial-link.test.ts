// StreamLink timing rules over a real TCP socket: the answer timeout counts silence (a long answer
// dribbling in at a low baud rate is fine), bounded retries with backoff, errors naming the port.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { TcpStreamLink } from './tcp-stream.ts';
import { DeviceError } from '../errors.ts';
import type { ParseStep } from './serial-link.ts';

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

/** A device that answers each request with `answer`, one byte every `gapMs`. */
async function dribbler(answer: Buffer, gapMs: number): Promise<{ port: number; requests: () => number }> {
  let n = 0;
  const server = net.createServer((s) => {
    s.on('data', () => {
      n++;
      let i = 0;
      const t = setInterval(() => {
        if (s.destroyed || i >= answer.length) return clearInterval(t);
        s.write(answer.subarray(i, ++i));
      }, gapMs);
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, requests: () => n };
}

const untilNewline = (buf: Buffer): ParseStep<string> => {
  const i = buf.indexOf(0x0a);
  return i < 0 ? { kind: 'more' } : { kind: 'done', value: buf.subarray(0, i).toString(), consumed: i + 1 };
};

describe('StreamLink', () => {
  it('a long answer arriving byte by byte outlasts the timeout without failing: the timeout counts silence', async () => {
    const answer = Buffer.from(`${'x'.repeat(60)}\n`);
    const d = await dribbler(answer, 10); // ~610 ms in all, 10 ms gaps: far longer than the timeout, each gap far shorter
    const link = new TcpStreamLink(
      { host: '127.0.0.1', port: d.port },
      { device: 'board', timeoutMs: 250, retries: 0 },
    );
    cleanups.push(() => void link.close());
    expect(await link.exchange({ operation: 'read', request: Buffer.from('?'), parse: untilNewline })).toBe(
      'x'.repeat(60),
    );
  });

  it('silence longer than the timeout fails after bounded retries, naming device, operation and port', async () => {
    const d = await dribbler(Buffer.from('ab'), 5); // never sends the newline
    const link = new TcpStreamLink(
      { host: '127.0.0.1', port: d.port },
      { device: 'bang-led-9', timeoutMs: 80, retries: 2, backoffMs: 10 },
    );
    cleanups.push(() => void link.close());
    const e = (await link
      .exchange({ operation: 'read TEXT file A', request: Buffer.from('?'), parse: untilNewline })
      .catch((x: unknown) => x)) as DeviceError;
    expect(e).toBeInstanceOf(DeviceError);
    expect(e.message).toBe(
      `bang-led-9: read TEXT file A failed (timeout): tcp 127.0.0.1:${d.port}: no answer within 80 ms; received 2 byte(s) that are not an answer: 61 62 (3 attempts)`,
    );
    expect(d.requests()).toBe(3);
    expect(link.stats).toMatchObject({ attempts: 3, retries: 2, timeouts: 3 });
  });

  it('a closed link refuses work with an io error', async () => {
    const d = await dribbler(Buffer.from('ok\n'), 1);
    const link = new TcpStreamLink({ host: '127.0.0.1', port: d.port }, { device: 'board' });
    await link.close();
    const e = (await link
      .exchange({ operation: 'read', request: Buffer.from('?'), parse: untilNewline })
      .catch((x: unknown) => x)) as DeviceError;
    expect(e.code).toBe('io');
    expect(e.message).toMatch(/the link is closed/);
  });
});
