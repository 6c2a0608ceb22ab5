// The agent's requests to the hub (enrolment, media downloads) over node:http and node:https
// rather than the global fetch: fetch, Headers and Response load undici and compile its
// WebAssembly HTTP parser, about 10 MB resident that an agent would keep for good after a single
// enrolment or download (docs/boards.md). Only what the agent uses: a method, string headers and
// body, an AbortSignal, and a response streamed as Buffers. Failures take fetch's shape (a
// TypeError whose `cause` carries the socket or TLS error), which tls-options.ts reads.
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';

export interface HubRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface HubResponse {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  /** the body as it arrives; cancel() drops the rest */
  body: AsyncIterable<Buffer> & { cancel(): Promise<void> };
}

export type HubFetch = (url: string | URL, init?: HubRequestInit) => Promise<HubResponse>;

const NULL_BODY = new Set([101, 204, 205, 304]);

/** With `ca`, only https and only that CA; without, http or https against the public CAs. */
export function hubFetch(ca?: Buffer): HubFetch {
  // No keep-alive: requests are rare and a lingering socket would outlive agent.stop().
  const tlsAgent = new https.Agent({ ca, keepAlive: false, minVersion: 'TLSv1.2' });
  return (input, init = {}) => {
    const url = new URL(String(input));
    if (ca && url.protocol !== 'https:')
      return Promise.reject(new TypeError(`refusing ${url.href}: with a CA file the hub is reached over https only`));
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return Promise.reject(new TypeError(`cannot fetch ${url.href}: only http and https`));
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = {
      ...init.headers,
      ...(init.body !== undefined ? { 'content-length': String(Buffer.byteLength(init.body)) } : {}),
    };
    return new Promise<HubResponse>((resolve, reject) => {
      const request =
        url.protocol === 'https:'
          ? https.request(url, { method, headers, agent: tlsAgent, signal: init.signal })
          : http.request(url, { method, headers, agent: false, signal: init.signal });
      request.on('error', (e) =>
        reject(init.signal?.aborted ? (init.signal.reason ?? e) : new TypeError('fetch failed', { cause: e })),
      );
      request.on('response', (res) => {
        const status = res.statusCode ?? 502;
        if (NULL_BODY.has(status) || method === 'HEAD') res.resume();
        resolve(response(res, status));
      });
      request.end(init.body);
    });
  };
}

function response(res: IncomingMessage, status: number): HubResponse {
  const body = {
    [Symbol.asyncIterator]: () => res[Symbol.asyncIterator]() as AsyncIterator<Buffer>,
    cancel: async () => void res.destroy(),
  };
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get: (name) => {
        const v = res.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
      },
    },
    text: async () => {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    body,
  };
}
