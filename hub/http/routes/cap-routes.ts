// Emergency alerts in CAP 1.2 over HTTP (docs/cap.md): upload an alert (it becomes an emergency
// draft, or updates or cancels the one it references), confirm a draft so it airs, and see the
// alerts imported and the feeds the hub polls. Only the district office and admins: they own emergencies.
import { route, HttpError } from '../route.ts';
import { presentBroadcast, type Broadcast } from '../../broadcasts/broadcasts.ts';
import { capAlertXml, confirmCapDraft, importCap, listCapAlerts, type CapAlertRecord } from '../../cap/cap-import.ts';
import { getBroadcast } from '../../broadcasts/broadcasts.ts';
import type { HubContext } from '../../context.ts';
import { resolveTargets } from '../../devices/devices.ts';
import { formatVn } from '../../time.ts';
import { createVisibility } from '../../areas/visibility.ts';
import { msg } from '../../text/index.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';
import {
  Broadcast as BroadcastAnswer,
  CapAlertList,
  CapConfirmBody,
  CapFeedList,
  CapImportAnswer,
  CapImportBody,
} from '../../api-contract/index.ts';

const presentAlert = (a: CapAlertRecord) => ({ ...a, importedAt: formatVn(a.importedAt) });

export function capRoutes(ctx: HubContext) {
  // As the broadcast routes do: the dispatcher sends an emergency's play-now or a cancel's stop at
  // once, then the pages hear of it.
  const changed = async (bs: Broadcast[]) => {
    for (const b of bs) {
      // A new draft reaches no device (as a submitted broadcast): only the pages hear of it.
      if (b.status !== 'submitted') await ctx.dispatcher.onBroadcastChanged(b);
      ctx.events.emit('broadcast', { id: b.id, status: b.status });
    }
  };
  return [
    route({
      method: 'post',
      path: '/api/v1/cap/alerts',
      summary:
        'Import a CAP 1.2 alert (its XML). An Alert becomes an emergency draft the district confirms before it airs; an Update replaces the draft (or, once airing, is a draft that takes its place when confirmed); a Cancel ends the alert it references. The same alert imported twice is one ("duplicate").',
      tag: 'broadcasts',
      access: ROLE_RULES.emergency,
      body: CapImportBody,
      response: CapImportAnswer,
      async handler({ user, body }) {
        const r = await importCap(
          ctx.db,
          { xml: body.xml, user: user!, source: 'upload', makeAudio: ctx.cap.makeAudio },
          ctx.clock.now(),
        );
        if (r.outcome !== 'duplicate') await changed([...r.closed, ...(r.broadcast ? [r.broadcast] : [])]);
        return {
          outcome: r.outcome,
          alert: presentAlert(r.alert),
          broadcast: r.broadcast ? presentBroadcast(r.broadcast) : null,
          closed: r.closed.map(presentBroadcast),
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/cap/alerts',
      summary: 'The CAP alerts imported, newest first, with the state of the broadcast each made or acted on',
      tag: 'broadcasts',
      access: ROLE_RULES.emergency,
      response: CapAlertList,
      handler: () => ({
        alerts: listCapAlerts(ctx.db).map((a) => {
          const b = a.broadcastId ? getBroadcast(ctx.db, a.broadcastId) : undefined;
          return { ...presentAlert(a), status: b?.status ?? null, title: b?.title ?? null };
        }),
      }),
    }),
    route({
      method: 'get',
      path: '/api/v1/cap/alerts/:id/xml',
      summary: 'The XML of an imported CAP alert, exactly as it was received',
      tag: 'broadcasts',
      access: ROLE_RULES.emergency,
      openapi: { responses: { 200: { content: { 'application/xml': {} } } } },
      handler({ req, res }) {
        const xml = capAlertXml(ctx.db, Number(req.params.id));
        if (xml === undefined) throw new HttpError(404, msg('cap.not-a-draft', { id: String(req.params.id) }));
        res.type('application/xml').send(xml);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/cap/drafts/:id/confirm',
      summary:
        "Confirm an imported alert's draft (district office or admin, who may be the one who imported it: the alert's author is its issuer). Give areas when none of the alert's matched, or to change them, and a library recording (mediaId) when the alert brought no audio. It then airs as an emergency; a confirmed Update ends the broadcast it replaces.",
      tag: 'broadcasts',
      access: ROLE_RULES.emergency,
      body: CapConfirmBody,
      response: BroadcastAnswer,
      async handler({ req, user, body }) {
        // The district may air only a recording it may see: airing it shows it to the whole target.
        if (body.mediaId !== undefined && !createVisibility(ctx.db, user!.scope).media(body.mediaId))
          throw new HttpError(404, msg('media.not-found', { id: body.mediaId }));
        const { superseded, ...b } = confirmCapDraft(
          ctx.db,
          user!,
          String(req.params.id),
          body,
          ctx.clock.now(),
          ctx.config.startLeadMs,
        );
        // The Update airs at once (an emergency pre-empts); the alert it replaces leaves the
        // manifests, as an approved edit's original does.
        if (superseded) {
          await ctx.dispatcher.refresh(resolveTargets(ctx.db, superseded.targets.areas, superseded.targets.devices));
          ctx.events.emit('broadcast', { id: superseded.id, status: superseded.status });
        }
        await changed([b]);
        return presentBroadcast(b);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/cap/feeds',
      summary: 'The CAP feeds the hub polls (config cap.feeds), when each was last read and what came of it',
      tag: 'broadcasts',
      access: ROLE_RULES.emergency,
      response: CapFeedList,
      handler: () => ({
        intervalSeconds: ctx.config.cap.intervalSeconds,
        feeds: ctx.cap.poller.states().map((s) => ({ ...s, checkedAt: formatVn(s.checkedAt) })),
      }),
    }),
  ];
}
