// The audio socket of a live session: GET /api/v1/live/<id>/audio upgraded to a WebSocket. The
// browser sends its MediaRecorder chunks (WebM/Opus) as binary messages; the hub answers with a
// status text message about once a second. Only the user who went live may send, from a page of
// this hub (the Origin, when the client sends one, must be this host). The login token comes as
// for every route: `Authorization: Bearer`, or `?token=` (a browser's WebSocket cannot set headers).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { userForToken } from '../auth/users.ts';
import type { HubContext } from '../context.ts';
import { LiveError } from '../live/live-sessions.ts';
import { msg, type Text } from '../text/index.ts';
import { errorBody } from './route.ts';

const PATH = /^\/api\/v1\/live\/([0-9a-f-]{36})\/audio$/;
/** A MediaRecorder chunk of 100 ms is a few kB; a second of audio fits many times over. */
const MAX_MESSAGE_BYTES = 256 * 1024;

/** Whether this upgrade request is for a live session's audio socket. */
export const isLiveSocketPath = (url: string | undefined) => PATH.test((url ?? '').split('?')[0]!);

/** Handles upgrade requests for live audio sockets; returns the handler for the server's 'upgrade'. */
export function liveSocketHandler(ctx: HubContext) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const refuse = (socket: Duplex, status: number, text: Text) => {
    const body = JSON.stringify(errorBody(text));
    const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' }[status] ?? 'Error';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
  const handler = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    const id = PATH.exec(url.pathname)?.[1];
    if (!id) return;
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let host = '';
      try {
        host = new URL(origin).host;
      } catch {
        // not a URL: refused below
      }
      if (host !== req.headers.host) return refuse(socket, 403, `origin ${origin} is not this hub`);
    }
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token');
    if (!token) return refuse(socket, 401, msg('auth.login-required'));
    const user = userForToken(ctx.db, token, ctx.clock.now());
    if (!user) return refuse(socket, 401, msg('auth.session-expired'));
    try {
      ctx.live.checkSource(id, user);
    } catch (e) {
      if (e instanceof LiveError) return refuse(socket, e.status, e.msg ?? e.message);
      throw e;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const on = ctx.live.attachSource(id, {
        send: (text) => ws.send(text),
        close: (code, reason) => ws.close(code, reason),
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) on.message(Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer));
      });
      ws.on('close', () => on.close());
      ws.on('error', () => on.close());
    });
  };
  return { handler, close: () => wss.close() };
}
