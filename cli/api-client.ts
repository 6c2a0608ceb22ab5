// A small client of the hub's HTTP API, used by the demo and the fleet simulator.
import { readFileSync } from 'node:fs';

/**
 * JSON from the hub's API, untyped here: the routes' response schemas live in hub/api-contract, which
 * cli/ may not import (it reaches the hub only through hub/main.ts, see biome.deps.json), and one
 * client serves every route. Callers name what they read (tests: test/helpers/api-types.ts). The one
 * place it is named.
 */
// biome-ignore lint/suspicious/noExplicitAny: one client for every route, and cli/ may not import hub/api-contract (see above)
export type HubJson = any;

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    /** the bearer token this client sends (tests use it for raw requests) */
    readonly token?: string,
    /** e.g. one that trusts a private CA for an https hub */
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async as(username: string, password: string): Promise<ApiClient> {
    const r = await this.post('/api/v1/auth/login', { username, password });
    return new ApiClient(this.baseUrl, r.token, this.fetchImpl);
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HubJson> {
    const res = await this.fetchImpl(this.baseUrl + path, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
    const text = await res.text();
    const data = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${data?.error ?? text}`);
    return data;
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown) => this.call('POST', path, body);
  put = (path: string, body: unknown) => this.call('PUT', path, body);

  upload(path: string, file: string, name: string) {
    const form = new FormData();
    form.append('file', new Blob([readFileSync(file)]), name);
    return this.call('POST', path, form);
  }

  /** Polls until `check` returns something truthy; the error names what was awaited. */
  async waitFor<T>(check: () => Promise<T | null | false | undefined>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const v = await check();
        if (v) return v;
      } catch (e) {
        last = e;
        if (/failed to process/.test(String((e as Error).message))) throw e;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
    );
  }
}

export const FINAL_RESULTS = ['played', 'partial', 'failed', 'missed', 'preempted', 'skipped'];

/** Waits until every device of a broadcast has a final result; returns the broadcast detail. */
export function waitForBroadcastResults(api: ApiClient, broadcastId: string, timeoutMs = 60_000) {
  return api.waitFor(
    async () => {
      const b = await api.get(`/api/v1/broadcasts/${broadcastId}`);
      // Counted by the hub over every device, not only the first page of rows.
      const final = FINAL_RESULTS.reduce((n, s) => n + (b.deviceCounts?.[s] ?? 0), 0);
      return b.devicesTotal > 0 && final === b.devicesTotal ? b : null;
    },
    timeoutMs,
    `results of broadcast ${broadcastId}`,
  );
}
