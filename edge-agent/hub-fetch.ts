// fetch() for a hub whose certificate is signed by a private CA. Node's built-in fetch cannot be
// given a CA (that needs the undici package's Agent, not a dependency here), so this is the subset
// the agent uses — method, headers, a body, an AbortSignal, a streamed response — over
// https.request with only that CA trusted. It speaks https only: with a CA file there is no plain
// fallback to take.
import https from 'node:https';
import { Readable } from 'node:stream';

const NULL_BODY = new Set([101, 204, 205, 304]);

/** Strings go as they are; anything else (FormData, Blob, …) is encoded the way fetch would, content type included. */
async function encodeBody(
  url: URL,
  init: RequestInit,
): Promise<{ body: string | Buffer | undefined; headers: Headers }> {
  if (init.body == null || typeof init.body === 'string')
    return { body: init.body ?? undefined, headers: new Headers(init.headers) };
  const r = new Request(url, { method: init.method, headers: init.headers, body: init.body });
  return { body: Buffer.from(await r.arrayBuffer()), headers: r.headers };
}

export function fetchTrusting(ca: Buffer): typeof fetch {
  // No keep-alive: downloads are rare and a lingering socket would outlive agent.stop().
  const agent = new https.Agent({ ca, keepAlive: false, minVersion: 'TLSv1.2' });
  const hubFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:')
      return Promise.reject(new TypeError(`refusing ${url.href}: with a CA file the hub is reached over https only`));
    const method = (init.method ?? 'GET').toUpperCase();
    return encodeBody(url, init).then(
      ({ body, headers: sent }) =>
        new Promise((resolve, reject) => {
          const req = https.request(
            url,
            { method, headers: Object.fromEntries(sent), agent, signal: init.signal ?? undefined },
            (res) => {
              const headers = new Headers();
              for (const [k, v] of Object.entries(res.headers)) for (const x of [v ?? []].flat()) headers.append(k, x);
              const status = res.statusCode ?? 502;
              const empty = NULL_BODY.has(status) || method === 'HEAD';
              if (empty) res.resume();
              resolve(
                new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
                  status,
                  statusText: res.statusMessage,
                  headers,
                }),
              );
            },
          );
          // The same shape as fetch's failures: a TypeError whose cause carries the code.
          req.on('error', (e) =>
            reject(init.signal?.aborted ? (init.signal.reason ?? e) : new TypeError('fetch failed', { cause: e })),
          );
          req.end(body);
        }),
    );
  };
  return hubFetch as typeof fetch;
}
