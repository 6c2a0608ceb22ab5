// Talking to the hub: JSON with the bearer token, uploads through XMLHttpRequest (for progress),
// and one EventSource for live events shared by every page.
import { LIVE_KINDS, type LiveEvents, type LiveKind } from '../../hub/api-contract/events.ts';
import { lang, tx } from './i18n.ts';

const TOKEN_KEY = 'wardcast-token';

/**
 * A refused request. `message` is the hub's message in the UI's language: the body's "errorVi"
 * in Vietnamese, "error" (English) otherwise or when the hub sent no translation. `code` names
 * the message for page logic (e.g. "quiet-hours").
 */
export class ApiError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.code = typeof field(body, 'code') === 'string' ? (field(body, 'code') as string) : undefined;
  }
}

/** A field of a JSON body that may be anything (an error body, or text when the answer was not JSON). */
export const field = (body: unknown, name: string): unknown =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;

/** The hub's error body → the message to show. */
export function errorMessage(body: unknown, status: number): string {
  const text = (name: string) => {
    const v = field(body, name);
    return typeof v === 'string' && v ? v : undefined;
  };
  return (lang() === 'vi' ? text('errorVi') : undefined) ?? text('error') ?? `HTTP ${status}`;
}

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let onLoggedOut: () => void = () => {};

export const getToken = () => token;
export function setToken(t: string | null) {
  token = t;
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
  restartEvents();
}
export const whenLoggedOut = (f: () => void) => (onLoggedOut = f);

/** A URL that carries the token (for <audio>, downloads and EventSource). */
export const withToken = (url: string) =>
  `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token ?? '')}`;

const networkError = () =>
  new ApiError(0, tx('Lỗi mạng: không kết nối được với máy chủ.', 'Network error: the hub cannot be reached.'), null);

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw networkError();
  }
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (res.status === 401 && path !== '/api/v1/auth/login') {
    setToken(null);
    onLoggedOut();
  }
  if (!res.ok) throw new ApiError(res.status, errorMessage(data, res.status), data);
  return data as T;
}
export const get = <T = unknown>(p: string) => api<T>('GET', p);
export const post = <T = unknown>(p: string, b: unknown = {}) => api<T>('POST', p, b);
export const del = <T = unknown>(p: string) => api<T>('DELETE', p);

/** Multipart upload with progress (0..1). */
export function upload<T = unknown>(path: string, file: File, onProgress: (fraction: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(new ApiError(xhr.status, errorMessage(body, xhr.status), body));
    };
    xhr.onerror = () => reject(networkError());
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

// ---- live events ----
export type { LiveKind };
/** One live event: its kind and what it carries (hub/api-contract/events.ts). */
export type LiveEvent = { [K in LiveKind]: { kind: K; data: LiveEvents[K] } }[LiveKind];
type Listener = (e: LiveEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let connected = false;
const statusListeners = new Set<(up: boolean) => void>();

function restartEvents() {
  source?.close();
  source = null;
  setConnected(false);
  if (!token) return;
  source = new EventSource(withToken('/api/v1/events'));
  source.onopen = () => setConnected(true);
  source.onerror = () => setConnected(false);
  for (const kind of LIVE_KINDS) {
    source.addEventListener(kind, (e) => {
      let data: LiveEvents[typeof kind];
      try {
        data = JSON.parse((e as MessageEvent).data);
      } catch {
        return;
      }
      for (const f of listeners) f({ kind, data } as LiveEvent);
    });
  }
}
function setConnected(v: boolean) {
  connected = v;
  for (const f of statusListeners) f(v);
}
export const liveConnected = () => connected;
export const onLiveStatus = (f: (up: boolean) => void) => {
  statusListeners.add(f);
  return () => statusListeners.delete(f);
};
export const onLive = (f: Listener) => {
  listeners.add(f);
  return () => listeners.delete(f);
};
export const startEvents = () => {
  if (!source && token) restartEvents();
};
