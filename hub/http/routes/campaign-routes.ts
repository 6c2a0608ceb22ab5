// Campaigns (chuyên đề): a district creates them for areas in its scope, a ward's leader for its
// own; everyone whose area they touch reads them and their progress per ward.
import { route, HttpError } from '../route.ts';
import { getAreaByPath, withinScope } from '../../areas/areas.ts';
import {
  campaignOwned,
  campaignVisible,
  createCampaign,
  getCampaign,
  listCampaigns,
  removeCampaign,
  updateCampaign,
  type CampaignRecord,
} from '../../campaigns/campaigns.ts';
import { bucketLabel, campaignProgress, vnDate } from '../../campaigns/progress.ts';
import { audit } from '../../audit.ts';
import type { HubContext } from '../../context.ts';
import type { User } from '../../auth/users.ts';
import { LocalizedError, msg, textOf } from '../../text/index.ts';
import {
  Campaign,
  CampaignBody,
  CampaignList,
  CampaignListQuery,
  CampaignProgress,
  ProgressQuery,
} from '../../api-contract/campaigns.ts';
import { Ok } from '../../api-contract/users.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';
import { formatVn } from '../../time.ts';

const present = ({ startsAt: _s, endsAt: _e, ...c }: CampaignRecord): Campaign => c;

export function campaignRoutes(ctx: HubContext) {
  const visible = (id: string, user: User) => {
    const c = getCampaign(ctx.db, Number(id));
    if (!c || !campaignVisible(c, user.scope)) throw new HttpError(404, msg('campaign.not-found', { id }));
    return c;
  };
  /** Every area exists and lies in the user's scope. */
  const checkAreas = (areas: string[], user: User) => {
    if (areas.length === 0) throw new HttpError(400, msg('campaign.needs-area'));
    for (const p of areas) {
      if (!withinScope(user.scope, p))
        throw new HttpError(403, msg('area.outside-scope', { path: p, scope: user.scope }));
      if (!getAreaByPath(ctx.db, p)) throw new HttpError(404, msg('area.not-found', { path: p }));
    }
  };
  const owned = (c: CampaignRecord, user: User) => {
    if (!campaignOwned(c, user.scope)) throw new HttpError(403, msg('campaign.not-yours', { id: c.id }));
  };
  const checked = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof LocalizedError) throw new HttpError(400, textOf(e));
      throw e;
    }
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/campaigns',
      summary: 'Campaigns (chuyên đề) touching your area, latest period first (archived ones with archived=1)',
      tag: 'campaigns',
      access: 'user',
      query: CampaignListQuery,
      response: CampaignList,
      handler: ({ user, query }) =>
        listCampaigns(ctx.db, { archived: query.archived === '1' })
          .filter((c) => campaignVisible(c, user!.scope))
          .map(present),
    }),
    route({
      method: 'post',
      path: '/api/v1/campaigns',
      summary:
        'Create a campaign: a name, a period (yyyy-mm-dd, Vietnam, inclusive), areas in your scope and a target per speaker',
      tag: 'campaigns',
      access: ROLE_RULES.campaigns,
      body: CampaignBody,
      response: Campaign,
      handler({ user, body, res }) {
        checkAreas(body.areas, user!);
        const c = checked(() => createCampaign(ctx.db, body, user!.id, ctx.clock.now()));
        audit(ctx.db, user!.id, 'campaign.create', c.areas.join(','), {
          id: c.id,
          name: c.name,
          from: c.from,
          to: c.to,
        });
        res.status(201);
        return present(c);
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/campaigns/:id',
      summary: 'One campaign',
      tag: 'campaigns',
      access: 'user',
      response: Campaign,
      handler: ({ user, req }) => present(visible(String(req.params.id), user!)),
    }),
    route({
      method: 'put',
      path: '/api/v1/campaigns/:id',
      summary: 'Change a campaign (by whoever covers all its areas, old and new)',
      tag: 'campaigns',
      access: ROLE_RULES.campaigns,
      body: CampaignBody,
      response: Campaign,
      handler({ user, req, body }) {
        const c = visible(String(req.params.id), user!);
        owned(c, user!);
        checkAreas(body.areas, user!);
        const after = checked(() => updateCampaign(ctx.db, c.id, body));
        audit(ctx.db, user!.id, 'campaign.update', after.areas.join(','), { id: c.id, name: after.name });
        return present(after);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/campaigns/:id',
      summary:
        'Remove a campaign no bulletin carries; one that is carried is archived instead (kept, hidden from the list)',
      tag: 'campaigns',
      access: ROLE_RULES.campaigns,
      response: Ok,
      handler({ user, req }) {
        const c = visible(String(req.params.id), user!);
        owned(c, user!);
        const how = removeCampaign(ctx.db, c.id, ctx.clock.now());
        audit(ctx.db, user!.id, how === 'deleted' ? 'campaign.delete' : 'campaign.archive', c.areas.join(','), {
          id: c.id,
          name: c.name,
        });
        return { ok: true };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/campaigns/:id/progress',
      summary:
        "Per ward (a speaker's area) in your scope: occurrences of the tagged bulletins planned for its speakers against those aired (admitted receipts played or partial only), and the target met or not per week, month or period; devices=1 adds each speaker",
      tag: 'campaigns',
      access: 'user',
      query: ProgressQuery,
      response: CampaignProgress,
      handler({ user, req, query }) {
        const c = visible(String(req.params.id), user!);
        const now = ctx.clock.now();
        const wards = campaignProgress(ctx.db, c, now).filter(
          (w) => withinScope(user!.scope, w.areaPath) || withinScope(w.areaPath, user!.scope ?? ''),
        );
        return {
          campaign: present(c),
          now: formatVn(now)!,
          wards: wards.map(({ devices, buckets, ...w }) => ({
            ...w,
            buckets: buckets.map(({ lo, hi, ...b }) => ({
              label: bucketLabel({ lo, hi }),
              from: vnDate(lo),
              to: vnDate(hi - 1),
              ...b,
            })),
            ...(query.devices === '1' ? { devices } : {}),
          })),
        };
      },
    }),
  ];
}
