// Live sessions (phát trực tiếp): go live, see the sessions, end one. The audio comes over a
// WebSocket (hub/http/live-socket.ts); devices pull the stream at /streams/<occurrence>.
import { z } from 'zod';
import type { HubContext } from '../../context.ts';
import { HttpError, route, type RouteDef } from '../route.ts';
import { LiveSessionList, LiveSession, LiveStartBody, LiveStarted } from '../../api-contract/live.ts';
import { BroadcastError } from '../../broadcasts/broadcasts.ts';
import { msg, textOf } from '../../text/index.ts';

export function liveRoutes(ctx: HubContext): RouteDef[] {
  const guard = async <T>(f: () => T | Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof BroadcastError) throw new HttpError(e.status, textOf(e));
      throw e;
    }
  };
  const visible = (id: string, user: NonNullable<Parameters<typeof ctx.live.list>[0]>) => {
    const s = ctx.live.session(id);
    if (!s || !ctx.live.concerns(user, s)) throw new HttpError(404, msg('live.not-found', { id }));
    return s;
  };
  return [
    route({
      method: 'post',
      path: '/api/v1/live',
      summary:
        'Go live (phát trực tiếp): a leader at normal priority, the district office at normal or emergency, within their area. Going live is the approval. 403 for other roles, 409 in quiet hours (normal) or when another session is on one of the areas; an emergency pre-empts. Then send the audio to audioUrl (WebSocket)',
      tag: 'live',
      access: 'user',
      body: LiveStartBody,
      response: LiveStarted,
      async handler({ user, body, res }) {
        const started = await guard(() => ctx.live.start(user!, body));
        res.status(201);
        return started;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/live',
      summary: 'Live sessions running, or ended in the last 10 minutes, in your area',
      tag: 'live',
      access: 'user',
      response: LiveSessionList,
      handler({ user }) {
        return { sessions: ctx.live.list(user!) };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/live/:id',
      summary: 'A live session: its state, length and who listens',
      tag: 'live',
      access: 'user',
      response: LiveSession,
      handler({ user, req }) {
        return visible(String(req.params.id), user!);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/live/:id/end',
      summary: 'End a live session: whoever went live, or the district office in its area',
      tag: 'live',
      access: 'user',
      body: z.object({}).optional(),
      response: LiveSession,
      async handler({ user, req }) {
        const id = String(req.params.id);
        visible(id, user!);
        if (!ctx.live.mayEnd(user!, id)) throw new HttpError(403, msg('live.end-forbidden'));
        return guard(() => ctx.live.end(id, user!, 'ended-by-user'));
      },
    }),
  ];
}
