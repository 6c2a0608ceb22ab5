// Devices only, on the streaming engine (streamEngine icecast, docs/relay.md): Icecast's URL
// listener authentication (<authentication type="url"> with listener_add pointing here) asks the hub
// whether a listener may have a mount, as GET /streams/<occurrence> decides for the hub's own stream:
// an enrolled device, by a token it signs for the occurrence, for a relay occurrence or live session
// planned for it. Icecast posts the listener's user, pass and mount as a form and lets the listener
// in when the answer carries `icecast-auth-user: 1`. The device's "pass" for an engine is its
// Ed25519 signature over the occurrence (protocol/engine-token.ts), checked with its enrolled key:
// its broker password never travels to the engine. Icecast itself logs in here as `icecast` with
// the source password the hub already shares with it, so the route is no password oracle for anyone
// else. For a live session, the hub also keeps who the engine let in, and who left (listener_remove,
// when the relay server is told to post it): the live page's listeners.
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { HubContext } from '../../context.ts';
import { icecastEngine } from '../../config.ts';
import { createDeviceKeys } from '../../devices/device-keys.ts';
import { verifyEngineListenerToken } from '../../../protocol/index.ts';
import { lookupPlan } from '../../ingest/plan-lookup.ts';
import { icecastMount } from '../../streaming/icecast-source.ts';
import { HttpError, route, type RouteDef } from '../route.ts';

export const ICECAST_AUTH_PATH = '/icecast/listener';

const IcecastAuthForm = z
  .object({
    action: z.string(),
    mount: z.string().default(''),
    user: z.string().default(''),
    pass: z.string().default(''),
    // which listen server asks (its <hostname> and port), and its id for the listener
    server: z.string().default(''),
    port: z.string().default(''),
    client: z.string().default(''),
  })
  .passthrough();

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The occurrence a mount carries (icecast-source.ts names mounts), or null. */
function occurrenceOfMount(mount: string): string | null {
  const m = /^\/(.+)\.ogg$/.exec(mount);
  return m && icecastMount(m[1]!) === mount ? m[1]! : null;
}

export function icecastAuthRoutes(ctx: HubContext): RouteDef[] {
  const keys = createDeviceKeys(ctx.db); // a revoked device has no key: refused
  return [
    route({
      method: 'post',
      path: ICECAST_AUTH_PATH,
      summary:
        "Icecast's URL listener authentication (streamEngine icecast): lets a listener have a relay mount when it is an enrolled device the occurrence is planned for (answer header icecast-auth-user: 1). For Icecast only: HTTP basic icecast:<icecastSourcePassword>",
      tag: 'devices',
      access: 'public',
      body: IcecastAuthForm,
      openapi: {
        requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
        responses: {
          '200': { description: 'the decision, in the icecast-auth-user and icecast-auth-message headers' },
          '401': { description: 'not the engine' },
          '404': { description: 'the hub runs no Icecast engine' },
        },
      },
      async handler({ req, res, body }) {
        const engine = icecastEngine(ctx.config);
        if (!engine) throw new HttpError(404, 'the hub runs no Icecast engine (streamEngine is hub)');
        const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!basic || !same(Buffer.from(basic, 'base64').toString(), `icecast:${engine.sourcePassword}`))
          throw new HttpError(401, 'only the Icecast engine asks here (HTTP basic icecast:<icecastSourcePassword>)');
        const deny = (why: string) => {
          ctx.log.info({ mount: body.mount, user: body.user, why }, 'icecast: listener refused');
          res.setHeader('icecast-auth-message', why);
          res.status(200).end();
        };
        const occurrence = occurrenceOfMount(body.mount);
        // Which server, and its listener: the engine's listeners of the occurrence, shown with its state.
        const server = `${body.server || 'icecast'}:${body.port}`;
        // Icecast tells of a listener leaving too (listener_remove): nothing to decide, one fewer
        // listening (a relay's occurrence or a live session, whichever the mount is).
        if (body.action !== 'listener_add') {
          if (body.action === 'listener_remove' && occurrence) {
            ctx.relays.engineListenerLeft(occurrence, server, body.client);
            if (body.user) ctx.live.engineListener(occurrence, body.user, false);
          }
          return void res.status(200).end();
        }
        if (!occurrence) return deny('not a relay mount');
        const key = body.user ? keys.get(body.user) : undefined;
        if (!key || !verifyEngineListenerToken(key, body.user, occurrence, body.pass))
          return deny('not an enrolled device, or not its signature for this occurrence');
        const plan = lookupPlan(ctx.db, body.user, occurrence);
        if (plan.kind !== 'planned' || !plan.item.relay) return deny('not planned for this device');
        if (plan.item.relay.live) ctx.live.engineListener(occurrence, body.user, true);
        else ctx.relays.engineListenerJoined(occurrence, server, body.client, body.user);
        ctx.log.debug({ mount: body.mount, user: body.user, server }, 'icecast: listener let in');
        res.setHeader('icecast-auth-user', '1');
        res.status(200).end();
      },
    }),
  ];
}
