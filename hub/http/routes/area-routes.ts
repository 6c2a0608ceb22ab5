// Areas: the area tree and the outlines drawn on the map.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { route, HttpError } from '../route.ts';
import { createArea, listAreas, setAreaCode, withinScope } from '../../areas/areas.ts';
import {
  BoundaryError,
  BoundaryScopeError,
  importBoundaries,
  listBoundaries,
  MAX_SOURCE_LENGTH,
  setBoundary,
} from '../../areas/boundaries.ts';
import { audit } from '../../audit.ts';
import { msg, textOf, zodMessage } from '../../text/index.ts';
import type { HubContext } from '../../context.ts';
import {
  Area,
  AreaList,
  BoundaryCollection,
  BoundaryImport,
  BoundarySet,
  NewAreaBody,
  AreaCodeBody,
} from '../../api-contract/areas.ts';
import { ROLE_RULES } from '../../api-contract/roles.ts';

/** Official outline files are often larger than the API's 1 MB JSON limit. */
const GEOJSON_LIMIT = 32 * 1024 * 1024;
const parseGeoJson = express.json({ type: 'application/geo+json', limit: GEOJSON_LIMIT });

/**
 * The import body: application/json is parsed by the app (up to 1 MB); application/geo+json
 * (RFC 7946's media type), which the app's JSON parser leaves alone, is parsed here with a larger
 * limit, so a big file needs no change to the limit every other route keeps.
 */
async function geoJsonBody(req: Request, res: Response): Promise<unknown> {
  if (req.body !== undefined) return req.body;
  if (!/^application\/geo\+json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, msg('geojson.wrong-content-type'));
  }
  try {
    await new Promise<void>((resolve, reject) => parseGeoJson(req, res, (e?: unknown) => (e ? reject(e) : resolve())));
  } catch (e) {
    if ((e as { type?: string }).type === 'entity.too.large')
      throw new HttpError(413, msg('geojson.too-large', { mb: GEOJSON_LIMIT / 1024 / 1024 }));
    throw e; // invalid JSON: the app names it
  }
  return req.body;
}

/** The deepest path all of `paths` are at or below ("" when they share none). */
function commonAncestor(paths: string[]): string {
  const parts = paths.map((p) => p.split('/'));
  const out: string[] = [];
  for (let i = 0; parts.every((p) => i < p.length && p[i] === parts[0][i]); i++) out.push(parts[0][i]);
  return out.join('/');
}

function boundaryHttpError(e: unknown): unknown {
  if (e instanceof BoundaryScopeError) return new HttpError(403, textOf(e));
  if (e instanceof BoundaryError) return new HttpError(400, textOf(e), e.details);
  return e;
}

export function areaRoutes(ctx: HubContext) {
  return [
    route({
      method: 'get',
      path: '/api/v1/areas',
      summary: 'The area tree (flat, ordered by path)',
      tag: 'areas',
      access: 'user',
      response: AreaList,
      handler: () => listAreas(ctx.db),
    }),
    route({
      method: 'post',
      path: '/api/v1/areas',
      summary: 'Create an area under a parent',
      tag: 'areas',
      access: ['admin'],
      response: Area,
      body: NewAreaBody,
      handler({ user, body, res }) {
        try {
          const a = createArea(ctx.db, body);
          audit(ctx.db, user!.id, 'area.create', a.path);
          res.status(201);
          return a;
        } catch (e) {
          throw new HttpError(400, textOf(e));
        }
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/areas/code',
      summary:
        "Set an area's administrative code (mã đơn vị hành chính), or clear it with null: a CAP alert's geocode then names the area",
      tag: 'areas',
      access: ROLE_RULES.outlines,
      response: Area,
      body: AreaCodeBody,
      handler({ user, body }) {
        if (!withinScope(user!.scope, body.path))
          throw new HttpError(403, msg('area.outside-your-area', { path: body.path }));
        let a: ReturnType<typeof setAreaCode>;
        try {
          a = setAreaCode(ctx.db, body.path, body.code);
        } catch (e) {
          const text = textOf(e);
          throw new HttpError(typeof text !== 'string' && text.code === 'area.not-found' ? 404 : 400, text);
        }
        audit(ctx.db, user!.id, 'area.code.set', body.path, { code: a.code });
        return a;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/areas/boundaries',
      summary:
        'Area outlines for the map, as a GeoJSON FeatureCollection (properties: path, name, level, source): your areas and the areas above them',
      tag: 'areas',
      access: 'user',
      response: BoundaryCollection,
      handler: ({ user }) => listBoundaries(ctx.db, user!.scope),
    }),
    route({
      method: 'put',
      path: '/api/v1/areas/boundary',
      summary:
        "Set one area's outline (GeoJSON Polygon or MultiPolygon, WGS84 [longitude, latitude]), or clear it with geometry null",
      tag: 'areas',
      access: ROLE_RULES.outlines,
      response: BoundarySet,
      body: z.object({
        path: z.string(),
        geometry: z
          .custom<unknown>((v) => v !== undefined, zodMessage('boundary.geometry-missing'))
          .describe('GeoJSON Polygon or MultiPolygon (or a Feature holding one); null clears the outline'),
        source: z
          .string()
          .max(MAX_SOURCE_LENGTH)
          .optional()
          .describe('where the outline comes from, e.g. "Sở TN&MT Hà Nội 2024"; required unless clearing'),
      }),
      handler({ user, body }) {
        if (!withinScope(user!.scope, body.path))
          throw new HttpError(403, msg('area.outside-your-area', { path: body.path }));
        try {
          const r = setBoundary(ctx.db, body.path, body.geometry, body.source);
          const clear = body.geometry === null;
          audit(
            ctx.db,
            user!.id,
            clear ? 'area.boundary.clear' : 'area.boundary.set',
            body.path,
            clear ? undefined : { source: body.source, positions: r.positions },
          );
          return { ...r, source: clear ? null : body.source!.trim() };
        } catch (e) {
          throw boundaryHttpError(e);
        }
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/areas/boundaries/import',
      summary:
        'Import outlines from a GeoJSON FeatureCollection (body; application/geo+json up to 32 MB). Each feature is matched to an area by a property: a full path, or a slug or name under parent. Unmatched features are reported and skipped; any bad matched outline stores nothing.',
      tag: 'areas',
      access: ROLE_RULES.outlines,
      response: BoundaryImport,
      query: z.object({
        parent: z.string().optional().describe('the parent area path, for matching by slug or name'),
        match: z.enum(['path', 'slug', 'name']).optional().describe('default: slug with a parent, path without'),
        property: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe('the feature property holding the path, slug or name; default: the match word'),
        source: z
          .string()
          .min(1)
          .max(MAX_SOURCE_LENGTH)
          .optional()
          .describe("where the outlines come from (a feature's own properties.source wins)"),
        dryRun: z.enum(['true', 'false']).optional().describe('true: check and report without storing'),
      }),
      openapi: {
        requestBody: {
          required: true,
          content: {
            'application/geo+json': {
              schema: { type: 'object', description: 'GeoJSON FeatureCollection or Feature (RFC 7946)' },
            },
            'application/json': { schema: { type: 'object', description: 'the same, up to 1 MB' } },
          },
        },
      },
      async handler({ req, res, user, query }) {
        const input = await geoJsonBody(req, res);
        try {
          const report = importBoundaries(ctx.db, input, {
            parentPath: query.parent,
            matchBy: query.match,
            property: query.property,
            source: query.source,
            dryRun: query.dryRun === 'true',
            canEdit: (path) => withinScope(user!.scope, path),
          });
          if (!report.dryRun) {
            audit(
              ctx.db,
              user!.id,
              'area.boundary.import',
              query.parent ?? commonAncestor(report.matched.map((m) => m.path)),
              {
                source: query.source ?? null,
                stored: report.stored,
                areas: report.matched.slice(0, 200).map((m) => m.path),
                unmatched: report.unmatched.length,
              },
            );
          }
          return report;
        } catch (e) {
          throw boundaryHttpError(e);
        }
      },
    }),
  ];
}
