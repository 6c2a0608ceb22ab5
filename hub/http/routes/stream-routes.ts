// Relay streams (tiếp âm) and live sessions (phát trực tiếp) for devices: GET /streams/<occurrence>
// answers with the live Ogg Opus stream from its live edge, to a device the plan gives that occurrence (HTTP basic, its MQTT
// credentials, like media downloads). The stream ends at the occurrence's end, or early when the
// upstream is lost.
import { randomUUID } from 'node:crypto';
import type { HubContext } from '../../context.ts';
import { lookupPlan } from '../../ingest/plan-lookup.ts';
import { msg } from '../../text/index.ts';
import { HttpError, route, type RouteDef } from '../route.ts';

export function streamRoutes(ctx: HubContext): RouteDef[] {
  return [
    route({
      method: 'get',
      path: '/streams/:occurrence',
      summary:
        "A relay occurrence's live stream (Ogg Opus, mono, 24 kb/s), from its live edge. Only for a device the occurrence is planned for; 409 while it is not on air (not started yet, ended, or its upstream lost). HEAD gives its X-Stream-Epoch alone, for a device that pulls the audio from the streaming engine",
      tag: 'devices',
      access: 'device',
      openapi: {
        responses: {
          '200': { description: 'audio/ogg, streamed until the occurrence ends or its upstream is lost' },
          '404': { description: 'no such relay occurrence for this device' },
          '409': { description: 'not on air (HEAD: its epoch is not known yet)' },
        },
      },
      handler({ req, res }) {
        const occurrence = String(req.params.occurrence);
        const deviceId = res.locals.deviceId as string | undefined;
        if (!deviceId) throw new HttpError(404, msg('relay.not-found', { occurrence }));
        const plan = lookupPlan(ctx.db, deviceId, occurrence);
        if (plan.kind !== 'planned' || !plan.item.relay)
          throw new HttpError(404, msg('relay.not-found', { occurrence }));
        // HEAD: the stream's epoch alone, for a device that pulls the audio from the streaming engine
        // (relay.engineUrl, docs/relay.md): Icecast passes the hub's pages unchanged, granules and
        // all, but cannot carry the hub's header, and the epoch is fixed with the first audio page,
        // so one cheap request once audio flows places every page of the occurrence.
        if (req.method === 'HEAD') {
          const epoch = plan.item.relay.live ? ctx.live.epochOf(occurrence) : ctx.relays.epochOf(occurrence);
          if (epoch === null) {
            res.status(409).end();
            return;
          }
          res.setHeader('X-Stream-Epoch', String(epoch));
          res.setHeader('Cache-Control', 'no-store');
          res.status(200).end();
          return;
        }
        res.status(200);
        res.setHeader('Content-Type', 'audio/ogg');
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('X-Accel-Buffering', 'no');
        const listenerId = `${deviceId}/${randomUUID()}`;
        // Where granules sit in hub time: every agent starts a relay on the same page, and plays a
        // live session's page at epoch + granule + its buffer (edge-agent/relay-player.ts). A live
        // device may join before the first audio: its response starts when the epoch is known.
        const setEpoch = (epoch: number) => res.setHeader('X-Stream-Epoch', String(epoch));
        // A live session's stream (phát trực tiếp) is the live sessions'; a relay's, the relays'.
        const live = !!plan.item.relay.live;
        const epoch = live ? null : ctx.relays.epochOf(occurrence);
        if (epoch !== null) setEpoch(epoch);
        const state = live
          ? ctx.live.attachListener(occurrence, deviceId, listenerId, res, req.socket, setEpoch)
          : ctx.relays.attach(occurrence, listenerId, res);
        if (state !== 'ok') {
          res.removeHeader('Content-Type');
          throw new HttpError(409, msg('relay.not-live', { occurrence, state }));
        }
        // (a live response waiting for its epoch sends its headers with the first page)
        if (!live) res.flushHeaders();
        ctx.log.debug({ deviceId, occurrence }, 'relay listener joined');
        return new Promise<void>((resolve) => res.once('close', () => resolve()));
      },
    }),
  ];
}
