// The agent's HTTP client against a real server: what enrolment and media downloads rely on.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubFetch } from './hub-http.ts';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/echo')
        return res
          .writeHead(201, { 'content-type': 'application/json', 'x-seen': req.headers['x-who'] ?? '' })
          .end(JSON.stringify({ method: req.method, body }));
      if (req.url === '/range')
        return res.writeHead(206, { 'content-range': `${req.headers.range?.replace('=', ' ')}/10` }).end('56789');
      if (req.url === '/none') return res.writeHead(204).end();
      if (req.url === '/slow') return res.writeHead(200).write('part'); // never ends
      res.writeHead(404).end('nothing here');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('hubFetch', () => {
  const f = hubFetch();

  it('sends a method, headers and a body, and reads status, headers and text', async () => {
    const res = await f(`${base}/echo`, {
      method: 'post',
      headers: { 'x-who': 'loa-1', 'content-type': 'application/json' },
      body: '{"token":"đ"}',
    });
    expect([res.status, res.ok, res.headers.get('X-Seen'), res.headers.get('missing')]).toEqual([
      201,
      true,
      'loa-1',
      null,
    ]);
    expect(JSON.parse(await res.text())).toEqual({ method: 'POST', body: '{"token":"đ"}' });
  });

  it('streams a body as Buffers, and tells a failure by its status', async () => {
    const res = await f(`${base}/range`, { headers: { range: 'bytes=5-' } });
    expect([res.status, res.headers.get('content-range')]).toEqual([206, 'bytes 5-/10']);
    const chunks: Buffer[] = [];
    for await (const c of res.body) chunks.push(c);
    expect(Buffer.concat(chunks).toString()).toBe('56789');
    const missing = await f(`${base}/nope`);
    expect([missing.status, missing.ok, await missing.text()]).toEqual([404, false, 'nothing here']);
    expect((await f(`${base}/none`)).status).toBe(204);
  });

  it('fails as fetch does: a TypeError with the socket error as its cause, or the abort reason', async () => {
    const refused = await f('http://127.0.0.1:1/').catch((e) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect(refused.cause.code).toBe('ECONNREFUSED');
    const ac = new AbortController();
    const res = await f(`${base}/slow`, { signal: ac.signal });
    const reading = (async () => {
      for await (const _ of res.body) ac.abort(new Error('no data for 1 ms'));
    })();
    await expect(reading).rejects.toThrow();
    expect(ac.signal.aborted).toBe(true);
  });

  it('with a CA file, speaks https only', async () => {
    await expect(hubFetch(Buffer.from('ca'))(`${base}/echo`)).rejects.toThrow(
      /with a CA file the hub is reached over https only/,
    );
  });
});
